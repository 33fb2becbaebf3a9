//! The parser's error type and the helpers that make its messages precise.

use nom::error::{ErrorKind, ParseError};

use super::{offset, Input, PResult};
use crate::codes::{self, Code};
use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// A syntax error at a byte offset of the query.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// The stable code.
    pub code: Code,
    /// What went wrong, e.g. "expected an expression, found `)`".
    pub message: String,
    /// Where.
    pub span: Span,
    /// A hint line, if any.
    pub note: Option<String>,
    /// Another place that explains the error, such as the `(` left open.
    pub related: Option<Box<(Span, String)>>,
    /// Whether the message is specific (set by [`expected`] or [`fail`]) rather than nom's
    /// generic one; a specific error wins over a generic one at the same place.
    specific: bool,
}

impl SyntaxError {
    /// An error with a specific message.
    pub(crate) fn new(code: Code, message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            code,
            message: message.into(),
            span,
            note: None,
            related: None,
            specific: true,
        }
    }

    /// Adds a hint line.
    pub(crate) fn with_note(mut self, note: impl Into<String>) -> SyntaxError {
        self.note = Some(note.into());
        self
    }

    /// Adds a secondary place with its message.
    pub(crate) fn with_related(mut self, span: Span, message: impl Into<String>) -> SyntaxError {
        self.related = Some(Box::new((span, message.into())));
        self
    }

    /// The error as a diagnostic.
    pub fn into_diagnostic(self) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, self.message, self.span);
        if let Some(related) = self.related {
            let (span, message) = *related;
            d = d.with_secondary(span, message);
        }
        if let Some(note) = self.note {
            d = d.with_note(note);
        }
        d
    }
}

impl<'a> ParseError<Input<'a>> for SyntaxError {
    fn from_error_kind(input: Input<'a>, _kind: ErrorKind) -> SyntaxError {
        let at = offset(&input);
        SyntaxError {
            code: codes::SYNTAX,
            message: format!("unexpected {}", describe_next(&input)),
            span: Span::new(at, at + next_token_len(&input)),
            note: None,
            related: None,
            specific: false,
        }
    }

    fn append(_input: Input<'a>, _kind: ErrorKind, other: SyntaxError) -> SyntaxError {
        other
    }

    fn or(self, other: SyntaxError) -> SyntaxError {
        let rank = |e: &SyntaxError| (e.span.start, e.specific);
        if rank(&other) >= rank(&self) {
            other
        } else {
            self
        }
    }
}

/// Describes what comes next in the input, for messages: `` `)` ``, `` `foo` `` or "the end of
/// the stage".
pub(crate) fn describe_next(input: &Input<'_>) -> String {
    let text = input.fragment();
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return "the end of the stage".to_string();
    }
    let len = next_token_len_of(trimmed);
    format!("`{}`", &trimmed[..len])
}

fn next_token_len(input: &Input<'_>) -> usize {
    next_token_len_of(input.fragment())
}

fn next_token_len_of(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        None => 0,
        Some((_, c)) if c.is_alphanumeric() || c == '_' => text
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(text.len(), |(i, _)| i),
        Some((_, c)) => c.len_utf8(),
    }
}

/// Fails at `input` with a specific message. The failure is fatal: no alternative is tried.
pub(crate) fn fail<'a, T>(
    input: &Input<'a>,
    code: Code,
    message: impl Into<String>,
) -> PResult<'a, T> {
    let at = offset(input);
    Err(nom::Err::Failure(SyntaxError::new(
        code,
        message,
        Span::new(at, at + next_token_len(input).max(1)),
    )))
}

/// Fails unless nothing but white space and comments is left of `input`, which ends `place`
/// ("the stage", "`compose`"); returns where the text ends.
pub(crate) fn at_end<'a>(input: Input<'a>, place: &str) -> PResult<'a, ()> {
    let (rest, ()) = super::literal::ws(input)?;
    if !rest.fragment().is_empty() {
        return fail(
            &rest,
            codes::SYNTAX,
            format!("unexpected {} at the end of {place}", describe_next(&rest)),
        );
    }
    Ok((rest, ()))
}

/// Runs `parser`; if it fails without consuming anything specific, fails fatally with
/// "expected `what`, found ...".
pub(crate) fn expected<'a, T>(
    what: &'static str,
    mut parser: impl FnMut(Input<'a>) -> PResult<'a, T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, T> {
    move |input: Input<'a>| match parser(input) {
        Ok(ok) => Ok(ok),
        Err(nom::Err::Error(e)) if !e.specific || e.span.start <= offset(&input) => {
            let (rest, ()) = super::literal::ws(input)?;
            fail(
                &rest,
                codes::SYNTAX,
                format!("expected {what}, found {}", describe_next(&rest)),
            )
        }
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        Err(other) => Err(other),
    }
}
