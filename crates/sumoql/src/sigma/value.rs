//! Sigma string values: their escapes and wildcards, the modifiers that transform them
//! (`expand`, `wide`, `base64`, `base64offset`, `windash`, `contains`…), and the comparison
//! of the dialect each one becomes.

use base64::Engine as _;
use sumoql_plan::TextPattern;
use sumoql_syntax::ast::MatchPattern;

use super::mapping::SigmaMapping;
use super::{refuse, Refusal, SigmaError};

/// One character position of a decoded Sigma string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Glyph {
    /// A character that stands for itself.
    Char(char),
    /// `*`: any run of characters.
    AnyRun,
    /// `?`: any one character.
    AnyChar,
    /// Any one of these characters (a dash that `windash` widened).
    OneOf(&'static [char]),
}

/// The characters `windash` lets a command-line flag start with: `-`, `/`, en dash, em dash
/// and horizontal bar.
const DASHES: &[char] = &['-', '/', '\u{2013}', '\u{2014}', '\u{2015}'];

/// Decodes a Sigma string: `*` and `?` are wildcards, and a backslash escapes `*`, `?` or a
/// backslash (`\\` is one backslash); any other backslash is itself.
pub(super) fn decode(text: &str) -> Vec<Glyph> {
    let mut glyphs = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        glyphs.push(match c {
            '\\' => match chars.peek() {
                Some(&next @ ('*' | '?' | '\\')) => {
                    chars.next();
                    Glyph::Char(next)
                }
                _ => Glyph::Char('\\'),
            },
            '*' => Glyph::AnyRun,
            '?' => Glyph::AnyChar,
            c => Glyph::Char(c),
        });
    }
    glyphs
}

/// The texts of a value whose `%name%` placeholders (`expand`) are replaced by each of their
/// values in the mapping, every combination.
pub(super) fn expand(text: &str, mapping: &SigmaMapping) -> Result<Vec<String>, SigmaError> {
    let Some((before, rest)) = text.split_once('%') else {
        return Ok(vec![text.to_string()]);
    };
    let Some((name, after)) = rest.split_once('%') else {
        return Ok(vec![text.to_string()]);
    };
    let values = mapping
        .placeholder(name)
        .filter(|values| !values.is_empty())
        .ok_or_else(|| {
            refuse(
                Refusal::Placeholder,
                format!(
                    "the placeholder `%{name}%` has no values in the mapping (`placeholders:`)"
                ),
            )
        })?;
    let tails = expand(after, mapping)?;
    Ok(values
        .iter()
        .flat_map(|value| {
            tails
                .iter()
                .map(move |tail| format!("{before}{value}{tail}"))
        })
        .collect())
}

/// How `wide`/`utf16*` turn a value's text into bytes before `base64`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum Encoding {
    /// UTF-8, the text as it is.
    #[default]
    Utf8,
    /// `wide` or `utf16le`.
    Utf16Le,
    /// `utf16be`.
    Utf16Be,
    /// `utf16`: a byte-order mark, then little-endian.
    Utf16,
}

impl Encoding {
    fn bytes(self, text: &str) -> Vec<u8> {
        let units = text.encode_utf16();
        match self {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Utf16Le => units.flat_map(u16::to_le_bytes).collect(),
            Encoding::Utf16Be => units.flat_map(u16::to_be_bytes).collect(),
            Encoding::Utf16 => [0xff, 0xfe]
                .into_iter()
                .chain(units.flat_map(u16::to_le_bytes))
                .collect(),
        }
    }
}

/// The plain text of `glyphs`, which must hold no wildcard (`base64` encodes text, not a
/// pattern).
fn plain_text(glyphs: &[Glyph], modifier: &str) -> Result<String, SigmaError> {
    glyphs
        .iter()
        .map(|glyph| match glyph {
            Glyph::Char(c) => Ok(*c),
            _ => Err(refuse(
                Refusal::Malformed,
                format!("`{modifier}` of a value with wildcards"),
            )),
        })
        .collect()
}

/// `base64`: the value's bytes in base64, as literal text.
pub(super) fn base64(glyphs: &[Glyph], encoding: Encoding) -> Result<Vec<Glyph>, SigmaError> {
    let bytes = encoding.bytes(&plain_text(glyphs, "base64")?);
    Ok(base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .chars()
        .map(Glyph::Char)
        .collect())
}

/// `base64offset`: the three base64 texts the value's bytes show inside a longer encoded text,
/// depending on where they start modulo three. Each is the encoding of the bytes behind 0, 1 or
/// 2 filler bytes, with the characters that depend on the filler or on what follows cut off.
pub(super) fn base64_offsets(
    glyphs: &[Glyph],
    encoding: Encoding,
) -> Result<Vec<Vec<Glyph>>, SigmaError> {
    let bytes = encoding.bytes(&plain_text(glyphs, "base64offset")?);
    // Characters that depend on the filler, by offset; characters that depend on what follows,
    // by the length modulo three.
    const LEADING: [usize; 3] = [0, 2, 3];
    const TRAILING: [usize; 3] = [0, 3, 2];
    let mut texts: Vec<Vec<Glyph>> = Vec::new();
    for (offset, leading) in LEADING.into_iter().enumerate() {
        let shifted: Vec<u8> = std::iter::repeat_n(b' ', offset)
            .chain(bytes.iter().copied())
            .collect();
        let encoded = base64::engine::general_purpose::STANDARD.encode(&shifted);
        let end = encoded.len().saturating_sub(TRAILING[shifted.len() % 3]);
        let text: Vec<Glyph> = encoded
            .get(leading..end)
            .unwrap_or_default()
            .chars()
            .map(Glyph::Char)
            .collect();
        if !text.is_empty() && !texts.contains(&text) {
            texts.push(text);
        }
    }
    if texts.is_empty() {
        return Err(refuse(
            Refusal::Malformed,
            "`base64offset` of a value too short to leave a stable text",
        ));
    }
    Ok(texts)
}

/// `windash`: each `-` or `/` that starts a word (after the start or a non-word character,
/// before a word character) may be any of the dashes.
pub(super) fn windash(glyphs: &mut [Glyph]) {
    let word = |glyph: Option<&Glyph>| matches!(glyph, Some(Glyph::Char(c)) if c.is_alphanumeric() || *c == '_');
    for at in 0..glyphs.len() {
        let dash = matches!(glyphs[at], Glyph::Char('-' | '/'));
        let starts_word = !word(at.checked_sub(1).and_then(|before| glyphs.get(before)));
        if dash && starts_word && word(glyphs.get(at + 1)) {
            glyphs[at] = Glyph::OneOf(DASHES);
        }
    }
}

/// A field comparison in the dialect, with its negation for a record that has the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Comparison {
    /// True when the value matches (null when the field is missing).
    pub holds: String,
    /// True when a present value does not match.
    pub fails: String,
}

/// `text` as a string literal of the dialect.
pub(super) fn string_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A regular expression as a `/literal/` of the dialect: each `/` not already escaped gets its
/// backslash, and line breaks are written as escapes so the rule stays on one line.
fn regex_literal(source: &str) -> String {
    let mut out = String::from("/");
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push('\\');
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            }
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('/');
    out
}

/// `field matches /source/`, after checking that the engine can run `source`.
fn regex_comparison(field: &str, source: String) -> Result<Comparison, SigmaError> {
    TextPattern::new(&MatchPattern::Regex(source.clone()))
        .map_err(|reason| refuse(Refusal::Regex, format!("`{source}`: {reason}")))?;
    let literal = regex_literal(&source);
    Ok(Comparison {
        holds: format!("{field} matches {literal}"),
        fails: format!("{field} not matches {literal}"),
    })
}

/// Sigma's `re`: a search for `pattern` anywhere in the value (unless the pattern anchors
/// itself), case-sensitive, with the `i`, `m` and `s` flags it was given.
pub(super) fn regex_search(
    field: &str,
    pattern: &str,
    flags: &str,
) -> Result<Comparison, SigmaError> {
    let flagged = if flags.is_empty() {
        pattern.to_string()
    } else {
        format!("(?{flags}){pattern}")
    };
    // `matches` tests the whole value: free runs on both sides make it a search, and since
    // they may be empty, the pattern's own `^` and `$` keep their meaning.
    regex_comparison(field, format!("(?s:.*)(?:{flagged})(?s:.*)"))
}

/// Whether `text` reads the same in every case (digits, punctuation).
fn caseless(text: &str) -> bool {
    text.to_lowercase() == text && text.to_uppercase() == text
}

/// The comparison that tests `field` against the pattern `glyphs`, without regard to case
/// unless `cased`: an equality for plain text, `matches "..."` when the only wildcards are
/// runs, else a regular expression.
pub(super) fn compare(
    field: &str,
    glyphs: &[Glyph],
    cased: bool,
) -> Result<Comparison, SigmaError> {
    let plain: Option<String> = glyphs
        .iter()
        .map(|glyph| match glyph {
            Glyph::Char(c) => Some(*c),
            _ => None,
        })
        .collect();
    let wildcard: Option<String> = glyphs
        .iter()
        .map(|glyph| match glyph {
            Glyph::Char('*') => None,
            Glyph::Char(c) => Some(*c),
            Glyph::AnyRun => Some('*'),
            _ => None,
        })
        .collect();
    let text = plain.as_ref().or(wildcard.as_ref());
    if let Some(text) = text {
        let (subject, text) = if cased || caseless(text) {
            (field.to_string(), text.clone())
        } else {
            (format!("toLowerCase({field})"), text.to_lowercase())
        };
        let literal = string_literal(&text);
        return Ok(if plain.is_some() {
            Comparison {
                holds: format!("{subject} = {literal}"),
                fails: format!("{subject} != {literal}"),
            }
        } else {
            Comparison {
                holds: format!("{subject} matches {literal}"),
                fails: format!("{subject} not matches {literal}"),
            }
        });
    }
    let mut source = String::from(if cased { "(?s)" } else { "(?is)" });
    for glyph in glyphs {
        match glyph {
            Glyph::Char(c) => source.push_str(&regex::escape(&c.to_string())),
            Glyph::AnyRun => source.push_str(".*"),
            Glyph::AnyChar => source.push('.'),
            Glyph::OneOf(chars) => {
                source.push('[');
                for c in *chars {
                    source.push_str(&regex::escape(&c.to_string()));
                }
                source.push(']');
            }
        }
    }
    regex_comparison(field, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(glyphs: &[Glyph]) -> String {
        glyphs
            .iter()
            .map(|glyph| match glyph {
                Glyph::Char(c) => c.to_string(),
                Glyph::AnyRun => "<*>".to_string(),
                Glyph::AnyChar => "<?>".to_string(),
                Glyph::OneOf(_) => "<dash>".to_string(),
            })
            .collect()
    }

    #[test]
    fn escapes_and_wildcards_decode() {
        assert_eq!(shown(&decode(r"a*b?c")), "a<*>b<?>c");
        assert_eq!(shown(&decode(r"a\*b\?c")), "a*b?c");
        assert_eq!(shown(&decode(r"\\\\\*\\IPC$")), r"\\*\IPC$");
        assert_eq!(shown(&decode(r"C:\Windows\")), r"C:\Windows\");
        assert_eq!(shown(&decode(r"\\*")), r"\<*>");
    }

    #[test]
    fn windash_widens_only_dashes_that_start_a_word() {
        let mut glyphs = decode(" -param-name /x a-b --y -");
        windash(&mut glyphs);
        assert_eq!(shown(&glyphs), " <dash>param-name <dash>x a-b -<dash>y -");
        let mut start = decode("-s");
        windash(&mut start);
        assert_eq!(shown(&start), "<dash>s");
    }

    #[test]
    fn base64_offsets_are_the_three_stable_texts() {
        let texts = base64_offsets(&decode("IEX (New"), Encoding::Utf8).expect("encodes");
        let texts: Vec<String> = texts.iter().map(|t| shown(t)).collect();
        // Each is a substring of the encoding of some text holding the value at that offset.
        for (prefix, text) in ["", "a", "ab"].iter().zip(&texts) {
            let whole = base64::engine::general_purpose::STANDARD
                .encode(format!("{prefix}IEX (New-Object").as_bytes());
            assert!(whole.contains(text.as_str()), "{whole} lacks {text}");
        }
        assert_eq!(texts.len(), 3);
        let wide = base64(&decode("ab"), Encoding::Utf16Le).expect("encodes");
        assert_eq!(shown(&wide), "YQBiAA==");
        assert!(base64(&decode("a*"), Encoding::Utf8).is_err());
    }

    #[test]
    fn comparisons_take_the_simplest_form_that_is_exact() {
        let c = compare("f", &decode("Cmd.exe"), false).expect("compares");
        assert_eq!(c.holds, "toLowerCase(f) = \"cmd.exe\"");
        assert_eq!(
            compare("f", &decode("4688"), false)
                .expect("compares")
                .holds,
            "f = \"4688\""
        );
        assert_eq!(
            compare("f", &decode("*\\cmd.exe"), false)
                .expect("compares")
                .fails,
            "toLowerCase(f) not matches \"*\\\\cmd.exe\""
        );
        assert_eq!(
            compare("f", &decode("a?b/c\\*"), true)
                .expect("compares")
                .holds,
            "f matches /(?s)a.b\\/c\\*/"
        );
    }

    #[test]
    fn regular_expressions_search_and_keep_escaped_slashes_single() {
        let c = regex_search("f", r"(^|\/)\.[^.\/]", "").expect("searches");
        assert_eq!(c.holds, r"f matches /(?s:.*)(?:(^|\/)\.[^.\/])(?s:.*)/");
        let error = regex_search("f", "a(?=b)", "").expect_err("look-ahead");
        assert_eq!(error.reason(), Refusal::Regex.label());
    }
}
