//! Tokens: white space and comments, keywords, names, strings and numbers.

use nom::bytes::complete::{tag, take_while, take_while1};
use nom::combinator::{not, peek, recognize};
use nom::sequence::pair;
use nom::Slice;

use super::error::fail;
use super::{spanned, Input, PResult};
use crate::ast::{Literal, Name};
use crate::codes;

/// Skips white space, `// line` comments and `/* block */` comments.
pub(crate) fn ws(mut input: Input<'_>) -> PResult<'_, ()> {
    loop {
        let text = input.fragment();
        let trimmed = text.trim_start();
        let mut skip = text.len() - trimmed.len();
        if trimmed.starts_with("//") {
            skip += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if let Some(body) = trimmed.strip_prefix("/*") {
            match body.find("*/") {
                Some(n) => skip += n + 4,
                None => {
                    return fail(
                        &input.slice(skip..),
                        codes::SYNTAX,
                        "this comment is never closed",
                    )
                }
            }
        }
        if skip == 0 {
            return Ok((input, ()));
        }
        input = input.slice(skip..);
    }
}

/// Skips white space, then matches the punctuation `symbol`.
pub(crate) fn symbol<'a>(symbol: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, Input<'a>> {
    move |input: Input<'a>| {
        let (input, ()) = ws(input)?;
        tag(symbol)(input)
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// Skips white space, then matches `word` case-insensitively as a whole word (D7).
pub(crate) fn keyword<'a>(word: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, Input<'a>> {
    move |input: Input<'a>| {
        let (input, ()) = ws(input)?;
        let (rest, matched) = nom::bytes::complete::tag_no_case(word)(input)?;
        let (rest, _) = not(peek(take_while1(is_ident_char)))(rest)?;
        Ok((rest, matched))
    }
}

/// Whether the next word (after white space) is `word`, case-insensitively.
pub(crate) fn peek_keyword(input: Input<'_>, word: &'static str) -> bool {
    keyword(word)(input).is_ok()
}

/// An identifier: a letter or `_`, then letters, digits, `_` and `.` (dotted paths).
pub(crate) fn identifier(input: Input<'_>) -> PResult<'_, String> {
    let (input, ()) = ws(input)?;
    let (rest, word) =
        recognize(pair(take_while1(is_ident_start), take_while(is_ident_char)))(input)?;
    Ok((rest, word.fragment().to_string()))
}

/// A field name: an identifier or `%"any text"`, with its span.
pub(crate) fn field_name(input: Input<'_>) -> PResult<'_, Name> {
    let (input, ()) = ws(input)?;
    if input.fragment().starts_with("%\"") {
        let (rest, text) = spanned(|i: Input<'_>| {
            let (i, _) = tag("%")(i)?;
            string_literal(i)
        })(input)?;
        return Ok((rest, text));
    }
    spanned(identifier)(input)
}

/// A double-quoted string with escapes: `\"`, `\\`, `\n`, `\t`, `\r`, `\/`, `\uXXXX`; any other
/// escaped character keeps its backslash (so regular expressions read naturally).
pub(crate) fn string_literal(input: Input<'_>) -> PResult<'_, String> {
    let (input, ()) = ws(input)?;
    let text = input.fragment();
    if !text.starts_with('"') {
        return Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
            input,
            nom::error::ErrorKind::Char,
        )));
    }
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((input.slice(i + 1..), out)),
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((_, '/')) => out.push('/'),
                Some((j, 'u')) => {
                    let hex = text.get(j + 1..j + 5).unwrap_or("");
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(decoded) if hex.len() == 4 => {
                            out.push(decoded);
                            for _ in 0..4 {
                                chars.next();
                            }
                        }
                        _ => {
                            return fail(
                                &input.slice(i..),
                                codes::SYNTAX,
                                "`\\u` must be followed by four hexadecimal digits",
                            )
                        }
                    }
                }
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => break,
            },
            c => out.push(c),
        }
    }
    fail(
        &input,
        codes::UNTERMINATED_STRING,
        "this string is never closed: a `\"` is missing",
    )
}

/// Suffixes of numeric literals (D19), longest first, with their multipliers. As Sumo's field
/// expressions page lists them: `K` is `k`, and `B` (a billion) is `G`.
const SUFFIXES: [(&str, i64); 18] = [
    ("Ki", 1 << 10),
    ("Mi", 1 << 20),
    ("Gi", 1 << 30),
    ("Ti", 1 << 40),
    ("Pi", 1 << 50),
    ("ms", 1),
    ("k", 1_000),
    ("K", 1_000),
    ("M", 1_000_000),
    ("G", 1_000_000_000),
    ("B", 1_000_000_000),
    ("T", 1_000_000_000_000),
    ("P", 1_000_000_000_000_000),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// A number: digits, an optional fraction and exponent, and an optional suffix (D19):
/// `k M G T P` (×1000ⁿ, also `K`, and `B` for `G`), `Ki Mi Gi Ti Pi` (×1024ⁿ), or a time unit
/// `ms s m h d w` in milliseconds.
pub(crate) fn number_literal(input: Input<'_>) -> PResult<'_, Literal> {
    let (input, ()) = ws(input)?;
    let text = input.fragment();
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    if end == 0 {
        return Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
            input,
            nom::error::ErrorKind::Digit,
        )));
    }
    let mut is_float = false;
    if bytes.get(end) == Some(&b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
        is_float = true;
        end += 1;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
    }
    if matches!(bytes.get(end), Some(b'e') | Some(b'E')) {
        let mut j = end + 1;
        if matches!(bytes.get(j), Some(b'+') | Some(b'-')) {
            j += 1;
        }
        if bytes.get(j).is_some_and(u8::is_ascii_digit) {
            while j < bytes.len() && bytes[j].is_ascii_digit() {
                j += 1;
            }
            is_float = true;
            end = j;
        }
    }
    let digits = &text[..end];
    let rest = &text[end..];
    let mut multiplier = 1;
    let mut suffix_len = 0;
    for (suffix, factor) in SUFFIXES {
        if rest.starts_with(suffix) && !rest[suffix.len()..].starts_with(is_ident_char) {
            multiplier = factor;
            suffix_len = suffix.len();
            break;
        }
    }
    if suffix_len == 0 && rest.starts_with(is_ident_char) {
        let word_len = rest.find(|c| !is_ident_char(c)).unwrap_or(rest.len());
        return fail(
            &input.slice(end..),
            codes::BAD_NUMBER,
            format!("`{}` is not a number suffix", &rest[..word_len]),
        )
        .map_err(|e| {
            e.map(|mut err| {
                err.note = Some(
                    "help: suffixes are k (or K) M G (or B) T P, Ki Mi Gi Ti Pi, and the time units ms s m h d w"
                        .to_string(),
                );
                err
            })
        });
    }
    let after = input.slice(end + suffix_len..);
    let literal = if is_float {
        let value = digits.parse::<f64>().unwrap_or(f64::NAN) * multiplier as f64;
        if value.is_finite() && value.fract() == 0.0 && value.abs() < 9.0e15 && multiplier > 1 {
            Literal::Int(value as i64)
        } else {
            Literal::Float(value)
        }
    } else {
        match digits
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(multiplier))
        {
            Some(n) => Literal::Int(n),
            None => {
                return fail(
                    &input,
                    codes::BAD_NUMBER,
                    format!("the number `{}` is too large", &text[..end + suffix_len]),
                )
            }
        }
    };
    Ok((after, literal))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Literal {
        number_literal(Input::new_extra(text, 0)).unwrap().1
    }

    #[test]
    fn suffixes_scale_numbers() {
        assert_eq!(num("10k"), Literal::Int(10_000));
        assert_eq!(num("1Mi"), Literal::Int(1_048_576));
        assert_eq!(num("5m"), Literal::Int(300_000));
        assert_eq!(num("5ms"), Literal::Int(5));
        assert_eq!(num("1.5k"), Literal::Int(1_500));
        assert_eq!(num("2.5"), Literal::Float(2.5));
        assert_eq!(num("1e3"), Literal::Float(1000.0));
        assert_eq!(num("2K"), Literal::Int(2_000));
        assert_eq!(num("1B"), Literal::Int(1_000_000_000));
        assert_eq!(num("3P"), Literal::Int(3_000_000_000_000_000));
        assert_eq!(num("1Pi"), Literal::Int(1 << 50));
    }

    #[test]
    fn unknown_suffix_is_an_error() {
        assert!(number_literal(Input::new_extra("10x", 0)).is_err());
    }

    #[test]
    fn strings_unescape() {
        let (_, s) = string_literal(Input::new_extra(r#""a\"b\n\u00e9\d""#, 0)).unwrap();
        assert_eq!(s, "a\"b\né\\d");
    }
}
