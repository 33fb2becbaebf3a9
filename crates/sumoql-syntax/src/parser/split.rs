//! Cutting a query at its top-level pipes, so each stage parses (and fails) on its own.

use super::error::SyntaxError;
use super::Input;
use crate::codes;
use crate::span::Span;

/// What [`walk`] reports of the query text, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A top-level `|` at this byte.
    Pipe(usize),
    /// Text whose bytes are not query syntax: a string, a regular expression, a quoted
    /// character or a comment, from `start` to `end` (exclusive).
    Literal {
        /// The first byte.
        start: usize,
        /// One past the last byte.
        end: usize,
        /// Whether it is a comment.
        comment: bool,
    },
}

/// Walks `source`, reporting each top-level pipe and each literal or comment to `on`. Fails on
/// a string or block comment left open, since then no pipe after it can be told apart.
///
/// A pipe inside a pair of brackets that close (`(...)` or `[...]`) is not top-level: it belongs
/// to a nested pipeline, such as a `join` table or a `[subquery: ...]`. A bracket that never
/// closes nests nothing, so an unclosed `(` is reported where it stands by the stage's parser.
pub(crate) fn walk(source: &str, mut on: impl FnMut(Piece)) -> Result<(), SyntaxError> {
    let mut pipes = Vec::new();
    let mut brackets = Vec::new();
    let mut literals = Vec::new();
    scan(source, |token| match token {
        Token::Pipe(at) => pipes.push(at),
        Token::Bracket(at, byte) => brackets.push((at, byte)),
        Token::Literal {
            start,
            end,
            comment,
        } => literals.push((start, end, comment)),
    })?;
    let nested = matched_pairs(&brackets);
    let top_level = pipes
        .into_iter()
        .filter(|&at| !nested.iter().any(|&(open, close)| open < at && at < close));
    let mut pieces: Vec<(usize, Piece)> = top_level.map(|at| (at, Piece::Pipe(at))).collect();
    pieces.extend(literals.into_iter().map(|(start, end, comment)| {
        (
            start,
            Piece::Literal {
                start,
                end,
                comment,
            },
        )
    }));
    pieces.sort_by_key(|(at, _)| *at);
    for (_, piece) in pieces {
        on(piece);
    }
    Ok(())
}

/// Where the bracket that opens `text` (its first byte) is closed, if it is: strings,
/// comments and nested brackets inside are skipped.
pub(crate) fn closing_bracket(text: &str) -> Result<Option<usize>, SyntaxError> {
    let mut brackets = Vec::new();
    scan(text, |token| {
        if let Token::Bracket(at, byte) = token {
            brackets.push((at, byte));
        }
    })?;
    Ok(matched_pairs(&brackets)
        .into_iter()
        .find(|&(open, _)| open == 0)
        .map(|(_, close)| close))
}

/// The pairs of brackets that match, as `(open, close)` byte offsets. A closing bracket that
/// does not match the innermost open one is ignored, and so is an open one never closed.
fn matched_pairs(brackets: &[(usize, u8)]) -> Vec<(usize, usize)> {
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut pairs = Vec::new();
    for &(at, byte) in brackets {
        match byte {
            b'(' | b'[' => open.push((at, byte)),
            _ => {
                let opener = if byte == b')' { b'(' } else { b'[' };
                if let Some(index) = open.iter().rposition(|&(_, b)| b == opener) {
                    pairs.push((open[index].0, at));
                    open.truncate(index);
                }
            }
        }
    }
    pairs
}

/// What [`scan`] finds outside literals, besides the literals themselves.
enum Token {
    /// A `|`.
    Pipe(usize),
    /// One of `( ) [ ]`.
    Bracket(usize, u8),
    /// A string, regular expression, quoted character or comment, from `start` to `end`.
    Literal {
        start: usize,
        end: usize,
        comment: bool,
    },
}

/// Reads `source` once, reporting pipes, brackets and literals in order.
fn scan(source: &str, mut on: impl FnMut(Token)) -> Result<(), SyntaxError> {
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut comment = false;
        match bytes[i] {
            b'"' => i = skip_string(source, i)?,
            // A quoted character of `split`, such as `delim='|'`.
            b'\'' if bytes.get(i + 2) == Some(&b'\'') => i += 3,
            b'/' if after_matches(source, i) => i = skip_regex(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') && starts_token(bytes, i) => {
                comment = true;
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') && starts_token(bytes, i) => {
                comment = true;
                match source[i + 2..].find("*/") {
                    Some(n) => i = i + 2 + n + 2,
                    None => {
                        return Err(SyntaxError::new(
                            codes::SYNTAX,
                            "this comment is never closed: `*/` is missing",
                            Span::new(i, i + 2),
                        ))
                    }
                }
            }
            b'|' => {
                on(Token::Pipe(i));
                i += 1;
                continue;
            }
            byte @ (b'(' | b')' | b'[' | b']') => {
                on(Token::Bracket(i, byte));
                i += 1;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        on(Token::Literal {
            start,
            end: i.min(bytes.len()),
            comment,
        });
    }
    Ok(())
}

/// Splits `source` at every top-level `|` outside strings and comments. The first segment is
/// the scope; each later one is a stage.
pub(crate) fn split_stages(source: &str) -> Result<Vec<Input<'_>>, SyntaxError> {
    split_stages_at(source, 0)
}

/// [`split_stages`] of a part of the query that starts at byte `base` of the whole (a nested
/// pipeline), so the segments carry their offsets in the whole query.
pub(crate) fn split_stages_at(source: &str, base: usize) -> Result<Vec<Input<'_>>, SyntaxError> {
    let mut segments = Vec::new();
    let mut start = 0;
    walk(source, |piece| {
        if let Piece::Pipe(at) = piece {
            segments.push(Input::new_extra(&source[start..at], base + start));
            start = at + 1;
        }
    })
    .map_err(|mut error| {
        error.span = Span::new(error.span.start + base, error.span.end + base);
        error
    })?;
    segments.push(Input::new_extra(&source[start..], base + start));
    Ok(segments)
}

/// Whether a comment may start at `i`: at the start, or after white space, `|`, `(` or `,`.
/// So `_sourceCategory=network/*` and `http://host` stay values, not comments.
fn starts_token(bytes: &[u8], i: usize) -> bool {
    i == 0
        || matches!(
            bytes[i - 1],
            b' ' | b'\t' | b'\n' | b'\r' | b'|' | b'(' | b','
        )
}

/// Whether the `/` at `i` opens a regular expression: the word before it is `matches`.
fn after_matches(source: &str, i: usize) -> bool {
    let before = source[..i].trim_end();
    before.len() >= 7
        && before
            .get(before.len() - 7..)
            .is_some_and(|word| word.eq_ignore_ascii_case("matches"))
        && !before[..before.len() - 7].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
}

/// The index just past the `/regex/` that opens at `open` (the end of the text if it is never
/// closed: the expression parser reports that).
fn skip_regex(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'/' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past the string literal that opens at `open`.
fn skip_string(source: &str, open: usize) -> Result<usize, SyntaxError> {
    let bytes = source.as_bytes();
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(SyntaxError::new(
        codes::UNTERMINATED_STRING,
        "this string is never closed: a `\"` is missing",
        Span::new(open, open + 1),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_in_regexes_and_quoted_characters_stay() {
        assert_eq!(
            parts("* | where x matches /a|b/ | split _raw delim='|' extract a"),
            [
                "* ",
                " where x matches /a|b/ ",
                " split _raw delim='|' extract a"
            ]
        );
    }

    fn parts(source: &str) -> Vec<&str> {
        split_stages(source)
            .unwrap()
            .iter()
            .map(|s| *s.fragment())
            .collect()
    }

    #[test]
    fn pipes_in_strings_and_comments_do_not_split() {
        assert_eq!(
            parts(r#"a | where x = "|\"|" // c | d"#),
            vec!["a ", r#" where x = "|\"|" // c | d"#]
        );
        assert_eq!(parts("a /* | */ | b"), vec!["a /* | */ ", " b"]);
        assert_eq!(
            parts("_sourceCategory=fw/* | b"),
            vec!["_sourceCategory=fw/* ", " b"]
        );
    }

    #[test]
    fn pipes_inside_closed_brackets_belong_to_a_nested_pipeline() {
        assert_eq!(
            parts("* | join (parse \"a=*\" as a | count by a) as t1, (x) as t2 | fields t1_a"),
            [
                "* ",
                " join (parse \"a=*\" as a | count by a) as t1, (x) as t2 ",
                " fields t1_a"
            ]
        );
        assert_eq!(
            parts("a [subquery: b | compose c] | d"),
            ["a [subquery: b | compose c] ", " d"]
        );
        // A bracket that never closes nests nothing.
        assert_eq!(
            parts("* | where (a | count"),
            ["* ", " where (a ", " count"]
        );
        assert_eq!(parts("* | where a] | b"), ["* ", " where a] ", " b"]);
    }

    #[test]
    fn open_string_is_an_error_at_its_quote() {
        let e = split_stages("* | where x = \"abc").unwrap_err();
        assert_eq!(e.span, Span::new(14, 15));
        assert_eq!(e.code, codes::UNTERMINATED_STRING);
    }
}
