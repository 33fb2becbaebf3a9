//! The nom parser: query text to [`Query`].
//!
//! The query is first cut at its top-level pipes ([`split`]), so that each stage is parsed on
//! its own: an error in one stage is recorded and parsing goes on with the next, and the user
//! sees every broken stage at once. Each grammar area has its own file: [`scope`] (before the
//! first pipe), [`stage`] (the operators), [`expr`] (expressions) and [`literal`] (strings,
//! numbers, names).

mod compare;
mod error;
mod expr;
mod extract;
mod join;
mod literal;
mod nested;
mod options;
mod regex;
mod rows;
mod scope;
mod split;
mod stage;
mod state;
mod subquery;

use nom_locate::LocatedSpan;

use crate::ast::Query;
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned};

pub use error::SyntaxError;
pub(crate) use split::{walk, Piece};
pub use stage::{refusal_reason, AGGREGATE_OPERATORS, OPERATORS};

/// Parser input: a stage's text with its byte offset in the whole query as `extra`.
pub(crate) type Input<'a> = LocatedSpan<&'a str, usize>;

/// The result of one parser step.
pub(crate) type PResult<'a, T> = nom::IResult<Input<'a>, T, SyntaxError>;

/// The absolute byte offset of `input` in the query.
pub(crate) fn offset(input: &Input<'_>) -> usize {
    input.extra + input.location_offset()
}

/// Parses a whole query. On failure, returns every error found, one per broken stage at most.
///
/// ```
/// use sumoql_syntax::{parse_query, ast::Stage};
/// let query = parse_query("_sourceCategory=fw | where port = \"21\" | count by src").unwrap();
/// assert!(query.scope.is_some());
/// assert!(matches!(query.stages[0].node, Stage::Where(_)));
/// assert!(parse_query("* | where").is_err());
/// ```
pub fn parse_query(source: &str) -> Result<Query, Vec<Diagnostic>> {
    let segments = match split::split_stages(source) {
        Ok(segments) => segments,
        Err(error) => return Err(vec![error.into_diagnostic()]),
    };
    let mut errors = Vec::new();
    let mut segments = segments.into_iter();
    let scope = match segments.next() {
        Some(first) => match scope::parse_scope(first) {
            Ok(scope) => scope,
            Err(error) => {
                errors.push(error.into_diagnostic());
                None
            }
        },
        None => None,
    };
    let mut stages = Vec::new();
    for segment in segments {
        match stage::parse_stage(segment) {
            Ok(stage) => stages.push(stage),
            Err(error) => errors.push(error.into_diagnostic()),
        }
    }
    if errors.is_empty() {
        Ok(Query { scope, stages })
    } else {
        Err(errors)
    }
}

/// Parses a lone expression, as a REPL or a test of a function example needs.
///
/// ```
/// use sumoql_syntax::parse_expression;
/// assert_eq!(parse_expression("1 + 2 * 3").unwrap().node.to_string(), "1 + (2 * 3)");
/// ```
pub fn parse_expression(source: &str) -> Result<crate::ast::Expr, Diagnostic> {
    let input = Input::new_extra(source, 0);
    let (rest, expr) = expr::expression_to_end(input).map_err(|e| match e {
        nom::Err::Error(e) | nom::Err::Failure(e) => e.into_diagnostic(),
        nom::Err::Incomplete(_) => Diagnostic::error(
            codes::SYNTAX,
            "incomplete expression",
            Span::new(0, source.len()),
        ),
    })?;
    debug_assert!(rest.fragment().is_empty());
    Ok(expr)
}

/// Wraps a parser so its output carries the span of the text it consumed (leading white space
/// excluded).
pub(crate) fn spanned<'a, T>(
    mut parser: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, Spanned<T>> {
    move |input: Input<'a>| {
        let start = offset(&input);
        let (rest, node) = parser(input)?;
        Ok((rest, Spanned::new(node, Span::new(start, offset(&rest)))))
    }
}
