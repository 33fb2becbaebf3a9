//! Pipelines inside a stage: the tables of a `join`, the per-transaction stages of
//! `transactionize`, and the child query of a subquery. Their text is cut at its own top-level
//! pipes and each piece parsed as a stage, with spans that stay those of the whole query.

use nom::Slice;

use super::error::{describe_next, fail};
use super::literal::ws;
use super::split::{closing_bracket, split_stages_at};
use super::stage::parse_stage;
use super::{offset, Input, PResult, SyntaxError};
use crate::ast::Stage;
use crate::codes;
use crate::span::{Span, Spanned};

/// The text between the bracket `open` that `input` starts with (after white space) and the
/// bracket that closes it; the rest follows the closing bracket.
pub(crate) fn enclosed<'a>(input: Input<'a>, open: char) -> PResult<'a, Input<'a>> {
    let (input, ()) = ws(input)?;
    if !input.fragment().starts_with(open) {
        return fail(
            &input,
            codes::SYNTAX,
            format!("expected `{open}`, found {}", describe_next(&input)),
        );
    }
    let close = closing_bracket(input.fragment()).map_err(|mut error| {
        let base = offset(&input);
        error.span = Span::new(error.span.start + base, error.span.end + base);
        nom::Err::Failure(error)
    })?;
    match close {
        Some(at) => Ok((input.slice(at + 1..), input.slice(1..at))),
        None => Err(nom::Err::Failure(SyntaxError::new(
            codes::UNCLOSED_PAREN,
            format!("this `{open}` is never closed"),
            Span::new(offset(&input), offset(&input) + 1),
        ))),
    }
}

/// The stages of a nested pipeline whose text is `inner`: one or more, separated by `|`.
pub(crate) fn nested_stages(
    inner: Input<'_>,
) -> Result<Vec<Spanned<Stage>>, nom::Err<SyntaxError>> {
    let segments = split_stages_at(inner.fragment(), offset(&inner)).map_err(nom::Err::Failure)?;
    segments
        .into_iter()
        .map(|segment| parse_stage(segment).map_err(nom::Err::Failure))
        .collect()
}
