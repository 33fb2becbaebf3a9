//! The `name=value` options of the newer operators (`window=5`, `maxspan=10m`,
//! `direction=+-`), and the values they take.

use super::error::{expected, fail};
use super::literal::{field_name, number_literal, symbol, ws};
use super::{offset, Input, PResult};
use crate::ast::{Literal, Name};
use crate::codes;
use crate::span::{Span, Spanned};

/// `name =` (not `==`), when the input starts with it: the name, in lower case for matching,
/// with its span. Options may be separated by commas.
pub(crate) fn option_name(input: Input<'_>) -> Option<(Input<'_>, Name)> {
    let input = symbol(",")(input).map_or(input, |(rest, _)| rest);
    let (rest, name) = field_name(input).ok()?;
    let (rest, _) = symbol("=")(rest).ok()?;
    if rest.fragment().starts_with('=') {
        return None;
    }
    let lower = Spanned::new(name.node.to_ascii_lowercase(), name.span);
    Some((rest, lower))
}

/// The error for an option the operator does not take.
pub(crate) fn unknown_option<'a, T>(name: &Name, operator: &str, known: &str) -> PResult<'a, T> {
    Err(nom::Err::Failure(
        super::SyntaxError::new(
            codes::SYNTAX,
            format!("`{}` is not an option of `{operator}`", name.node),
            name.span,
        )
        .with_note(format!("help: its options are {known}")),
    ))
}

/// A whole number of at least `min`, such as the `5` of `window=5`.
pub(crate) fn whole_number<'a>(
    input: Input<'a>,
    what: &'static str,
    min: u64,
) -> PResult<'a, Spanned<u64>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (rest, literal) = expected(what, number_literal)(input)?;
    match literal {
        Literal::Int(n) if n >= 0 && n as u64 >= min => Ok((
            rest,
            Spanned::new(n as u64, Span::new(start, offset(&rest))),
        )),
        _ => fail(&input, codes::BAD_NUMBER, format!("expected {what}")),
    }
}

/// A positive duration with a unit (`10m`, `1d`, `500ms`), in milliseconds, and the text as
/// written.
pub(crate) fn duration<'a>(
    input: Input<'a>,
    what: &'static str,
) -> PResult<'a, (Spanned<i64>, String)> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (rest, literal) = expected(what, number_literal)(input)?;
    let written = &input.fragment()[..offset(&rest) - start];
    match literal {
        Literal::Int(ms) if ms > 0 && written.ends_with(['s', 'm', 'h', 'd', 'w']) => Ok((
            rest,
            (
                Spanned::new(ms, Span::new(start, offset(&rest))),
                written.to_string(),
            ),
        )),
        _ => fail(
            &input,
            codes::BAD_NUMBER,
            format!("expected {what}: a positive duration with a unit (ms s m h d w), e.g. `10m`"),
        ),
    }
}

/// One or more `item`s separated by commas.
pub(crate) fn comma_separated<'a, T>(
    input: Input<'a>,
    mut item: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> PResult<'a, Vec<T>> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        let (after, next) = item(rest)?;
        items.push(next);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, items)),
        }
    }
}
