//! Regular expression literals: `/pattern/`, as in `replace(path, /\d+/, "N")`.

use nom::Slice;

use super::error::fail;
use super::{Input, PResult};
use crate::codes;

/// A regular expression between slashes; `\/` stands for a slash, and every other backslash is
/// kept for the regular expression itself. Only called where an operand starts, so a `/` there
/// cannot be a division.
pub(crate) fn regex_literal(input: Input<'_>) -> PResult<'_, String> {
    let text = input.fragment();
    let mut pattern = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((index, c)) = chars.next() {
        match c {
            '/' => return Ok((input.slice(index + 1..), pattern)),
            '\\' => match chars.next() {
                Some((_, '/')) => pattern.push('/'),
                Some((_, escaped)) => {
                    pattern.push('\\');
                    pattern.push(escaped);
                }
                None => break,
            },
            c => pattern.push(c),
        }
    }
    fail(
        &input,
        codes::UNTERMINATED_STRING,
        "this regular expression is never closed: a `/` is missing",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<(String, String), String> {
        match regex_literal(Input::new_extra(text, 0)) {
            Ok((rest, pattern)) => Ok((pattern, rest.fragment().to_string())),
            Err(nom::Err::Failure(error) | nom::Err::Error(error)) => Err(format!("{error:?}")),
            Err(nom::Err::Incomplete(_)) => Err("incomplete".to_string()),
        }
    }

    #[test]
    fn slashes_delimit_and_backslashes_stay() {
        assert_eq!(
            parse(r"/\d+\/x/, 1"),
            Ok((r"\d+/x".to_string(), ", 1".to_string()))
        );
        assert_eq!(parse("//"), Ok((String::new(), String::new())));
        assert_eq!(parse("/é/é"), Ok(("é".to_string(), "é".to_string())));
    }

    #[test]
    fn an_unclosed_regex_fails() {
        assert!(parse("/abc").is_err());
        assert!(parse(r"/abc\/").is_err());
        assert!(parse("/abc\\").is_err());
    }
}
