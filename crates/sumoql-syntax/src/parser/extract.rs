//! The extraction operators: `parse` (anchors), `parse regex` / `extract`, `json`,
//! `keyvalue` / `kv`, `csv` and `split`.

use nom::Slice;

use super::error::{describe_next, expected, fail};
use super::literal::{field_name, keyword, number_literal, string_literal, symbol, ws};
use super::{offset, spanned, Input, PResult, SyntaxError};
use crate::ast::{Column, Delimited, Extract, ExtractKind, KeyList, Literal, Name, Stage};
use crate::codes;
use crate::span::{Span, Spanned};

/// `parse [regex] [field=f] "pattern" [as a, b] [multi] [nodrop]`; with `regex_only` (the
/// `extract` operator) the pattern is always a regular expression.
pub(crate) fn parse_operator(input: Input<'_>, regex_only: bool) -> PResult<'_, Stage> {
    if !regex_only {
        if let Some(stage) = parse_xml(input)? {
            return Ok(stage);
        }
    }
    let mut regex = regex_only;
    let mut source = None;
    let mut flags = Flags::default();
    let mut rest = input;
    loop {
        if let Ok((after, _)) = keyword("regex")(rest) {
            regex = true;
            rest = after;
        } else if let Some((after, name)) = field_option(rest)? {
            source = Some(name);
            rest = after;
        } else if let Some(after) = flags.take(rest) {
            rest = after;
        } else {
            break;
        }
    }
    let (rest, pattern) = expected("a quoted pattern", quoted)(rest)?;
    if regex {
        let (rest, ()) = no_as_after_regex(rest)?;
        let rest = flags.take_all(rest);
        let kind = ExtractKind::Regex {
            pattern,
            multi: flags.multi.is_some(),
        };
        return Ok((rest, extract(source, kind, flags)));
    }
    let (rest, _) = expected("`as` and the names of the fields", keyword("as"))(rest)?;
    let (rest, names) = names(rest)?;
    let rest = flags.take_all(rest);
    flags.no_multi()?;
    Ok((
        rest,
        extract(source, ExtractKind::Anchor { pattern, names }, flags),
    ))
}

/// `parse xml [field=f] "XPATH"[, "XPATH"] [as a, b] [nodrop]`, when the stage is one.
fn parse_xml(input: Input<'_>) -> Result<Option<(Input<'_>, Stage)>, nom::Err<SyntaxError>> {
    let (after_field, field) = match field_option(input)? {
        Some((after, name)) => (after, Some(name)),
        None => (input, None),
    };
    let Ok((rest, word)) = keyword("xml")(after_field) else {
        return Ok(None);
    };
    let (rest, (own_field, keys, flags)) = key_list(rest, "parse xml")?;
    if keys.keys.is_empty() {
        return Err(nom::Err::Failure(
            SyntaxError::new(
                codes::INVALID_STAGE,
                "`parse xml` needs one or more quoted XPaths",
                Span::new(offset(&word), offset(&rest)),
            )
            .with_note("help: e.g. `parse xml \"/users/user/@id\" as id`"),
        ));
    }
    let stage = extract(field.or(own_field), ExtractKind::Xml(keys), flags);
    Ok(Some((rest, stage)))
}

/// A regular expression names its own fields: `as` after it is a mistake worth a clear message.
fn no_as_after_regex(input: Input<'_>) -> PResult<'_, ()> {
    if keyword("as")(input).is_ok() {
        let (at, ()) = ws(input)?;
        return fail(
            &at,
            codes::INVALID_STAGE,
            "`parse regex` takes its field names from the named groups, not from `as`",
        )
        .map_err(|e| e.map(|err| err.with_note("help: name each group: `(?<user>\\w+)`")));
    }
    Ok((input, ()))
}

/// `json [field=f] [auto] ["k1", "k2" [as a, b]] [nodrop]`.
pub(crate) fn json(input: Input<'_>) -> PResult<'_, Stage> {
    let (rest, (source, keys, flags)) = key_list(input, "json")?;
    Ok((rest, extract(source, ExtractKind::Json(keys), flags)))
}

/// `keyvalue [infer|auto] [field=f] ["k1", "k2" [as a, b]] [nodrop]` (also spelled `kv`), or
/// `keyvalue [field=f] regex "RE" [keys] "k1", "k2" [as a, b] [nodrop]`.
pub(crate) fn keyvalue(input: Input<'_>) -> PResult<'_, Stage> {
    let (after_field, source) = match field_option(input)? {
        Some((after, name)) => (after, Some(name)),
        None => (input, None),
    };
    if let Ok((after, _)) = keyword("regex")(after_field) {
        return keyvalue_regex(after, source);
    }
    let (rest, (source, keys, flags)) = key_list(input, "keyvalue")?;
    Ok((rest, extract(source, ExtractKind::KeyValue(keys), flags)))
}

/// The rest of `keyvalue regex`, after the word `regex`: the pattern, an optional `keys`
/// word, then the keys (at least one), `as` names and flags as for `keyvalue`.
fn keyvalue_regex(input: Input<'_>, source: Option<Name>) -> PResult<'_, Stage> {
    let (rest, pattern) = expected("a quoted regular expression after `regex`", quoted)(input)?;
    let rest = keyword("keys")(rest).map_or(rest, |(after, _)| after);
    let (rest, (own_source, keys, flags)) = key_list(rest, "keyvalue regex")?;
    if keys.keys.is_empty() {
        let (at, ()) = ws(rest)?;
        return fail(
            &at,
            codes::INVALID_STAGE,
            format!(
                "`keyvalue regex` needs the quoted keys to extract, found {}",
                describe_next(&at)
            ),
        )
        .map_err(|e| {
            e.map(|err| err.with_note("help: e.g. `keyvalue regex \"=(.*?),\" \"user\", \"ip\"`"))
        });
    }
    let kind = ExtractKind::KeyValueRegex { pattern, keys };
    Ok((rest, extract(source.or(own_source), kind, flags)))
}

/// The options, keys and names shared by `json` and `keyvalue`. `auto` (and `infer`, for
/// `keyvalue`) may precede the keys; no keys means every key.
fn key_list<'a>(
    input: Input<'a>,
    operator: &'static str,
) -> PResult<'a, (Option<Name>, KeyList, Flags)> {
    let mut source = None;
    let mut flags = Flags::default();
    let mut rest = input;
    loop {
        // `auto` (and `infer`, for `keyvalue`) name the default mode; the regex mode has none.
        let mode = match operator {
            "json" => keyword("auto")(rest).ok(),
            "keyvalue" => keyword("auto")(rest)
                .or_else(|_| keyword("infer")(rest))
                .ok(),
            _ => None,
        };
        if let Some((after, _)) = mode {
            rest = after;
        } else if let Some((after, name)) = field_option(rest)? {
            source = Some(name);
            rest = after;
        } else if let Some(after) = flags.take(rest) {
            rest = after;
        } else {
            break;
        }
    }
    unsupported_option(rest, operator)?;
    let mut keys = Vec::new();
    if let Ok((after, first)) = quoted(rest) {
        keys.push(first);
        rest = after;
        while let Ok((after_comma, _)) = symbol(",")(rest) {
            let (after, key) = expected("a quoted key after `,`", quoted)(after_comma)?;
            keys.push(key);
            rest = after;
        }
    }
    let mut names = Vec::new();
    if let Ok((after_as, as_word)) = keyword("as")(rest) {
        if keys.is_empty() {
            return fail(
                &as_word,
                codes::INVALID_STAGE,
                format!("`as` needs quoted keys before it, as in `{operator} \"key\" as name`"),
            );
        }
        let (after, list) = self::names(after_as)?;
        if list.len() != keys.len() {
            let span = Span::new(
                list.first().map_or(offset(&after_as), |n| n.span.start),
                list.last().map_or(offset(&after), |n| n.span.end),
            );
            return Err(nom::Err::Failure(SyntaxError::new(
                codes::INVALID_STAGE,
                format!(
                    "{} {} given for {} {}",
                    list.len(),
                    plural(list.len(), "name is", "names are"),
                    keys.len(),
                    plural(keys.len(), "key", "keys"),
                ),
                span,
            )));
        }
        names = list;
        rest = after;
    }
    let rest = flags.take_all(rest);
    flags.no_multi()?;
    unsupported_option(rest, operator)?;
    Ok((rest, (source, KeyList { keys, names }, flags)))
}

/// Sumo options of `json` and `keyvalue` that sumoql does not take, named precisely.
const UNSUPPORTED_OPTIONS: [&str; 3] = ["maxdepth", "refonly", "keys"];

fn unsupported_option(
    input: Input<'_>,
    operator: &'static str,
) -> Result<(), nom::Err<SyntaxError>> {
    for option in UNSUPPORTED_OPTIONS {
        if let Ok((after, word)) = keyword(option)(input) {
            return Err(nom::Err::Failure(SyntaxError::new(
                codes::UNSUPPORTED_OPERATOR,
                format!("the `{option}` option of `{operator}` is not supported yet"),
                Span::new(offset(&word), offset(&after)),
            )));
        }
    }
    Ok(())
}

/// `csv f [delim='c'] [quote='c'] [escape='c'] extract 1 as a, b, _, 5 as e [nodrop]`, and the
/// same for `split`.
pub(crate) fn delimited(input: Input<'_>, split: bool) -> PResult<'_, Stage> {
    let operator = if split { "split" } else { "csv" };
    let (mut rest, field) = expected("the field to split, such as `_raw`", field_name)(input)?;
    if field.node.eq_ignore_ascii_case("extract") && keyword("extract")(rest).is_err() {
        return Err(nom::Err::Failure(SyntaxError::new(
            codes::SYNTAX,
            format!("`{operator}` needs the field to split before `extract`, as in `{operator} _raw extract 1 as a`"),
            field.span,
        )));
    }
    let mut spec = Delimited {
        split,
        delimiter: None,
        quote: None,
        escape: None,
        columns: Vec::new(),
    };
    loop {
        let option = if let Ok((after, _)) = keyword("delim")(rest) {
            Some((after, &mut spec.delimiter))
        } else if let Ok((after, _)) = keyword("quote")(rest) {
            Some((after, &mut spec.quote))
        } else if let Ok((after, _)) = keyword("escape")(rest) {
            Some((after, &mut spec.escape))
        } else {
            None
        };
        let Some((after, slot)) = option else { break };
        let (after, _) = expected("`=` after the option", symbol("="))(after)?;
        let (after, character) = single_character(after)?;
        *slot = Some(character);
        rest = symbol(",")(after).map_or(after, |(after_comma, _)| after_comma);
    }
    let message = format!("`extract` and the columns to take after `{operator} field`");
    let (mut rest, _) = match keyword("extract")(rest) {
        Ok(ok) => ok,
        Err(_) => {
            let (at, ()) = ws(rest)?;
            return fail(
                &at,
                codes::SYNTAX,
                format!("expected {message}, found {}", describe_next(&at)),
            );
        }
    };
    let mut position = 0;
    loop {
        let (after, ()) = ws(rest)?;
        let text = after.fragment();
        let after = if text.starts_with('_') && !text[1..].starts_with(is_name_char) {
            position += 1;
            after.slice(1..)
        } else if text.starts_with(|c: char| c.is_ascii_digit()) {
            let (after_number, literal) = number_literal(after)?;
            let index = match literal {
                Literal::Int(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
                _ => {
                    return fail(
                        &after,
                        codes::BAD_NUMBER,
                        "a column position is a whole number from 1",
                    )
                }
            };
            let (after_as, _) =
                expected("`as` and a name after the position", keyword("as"))(after_number)?;
            let (after_name, name) = expected("a field name", field_name)(after_as)?;
            position = index;
            spec.columns.push(Column { position, name });
            after_name
        } else {
            let (after_name, name) =
                expected("a column name, a position or `_`", field_name)(after)?;
            position += 1;
            spec.columns.push(Column { position, name });
            after_name
        };
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                rest = after;
                break;
            }
        }
    }
    let mut flags = Flags::default();
    let rest = flags.take_all(rest);
    flags.no_multi()?;
    let kind = ExtractKind::Delimited(spec);
    Ok((rest, extract(Some(field), kind, flags)))
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// `'c'` (a single-quoted character: `'''` is a quote, `'\'` a backslash) or `"c"`.
fn single_character(input: Input<'_>) -> PResult<'_, Spanned<char>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let text = input.fragment();
    if let Some(body) = text.strip_prefix('\'') {
        let mut chars = body.chars();
        if let (Some(c), Some('\'')) = (chars.next(), chars.next()) {
            let end = 1 + c.len_utf8() + 1;
            return Ok((
                input.slice(end..),
                Spanned::new(c, Span::new(start, start + end)),
            ));
        }
    } else if text.starts_with('"') {
        let (rest, value) = string_literal(input)?;
        let mut chars = value.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok((rest, Spanned::new(c, Span::new(start, offset(&rest)))));
        }
    }
    fail(
        &input,
        codes::SYNTAX,
        format!(
            "expected one character in quotes, such as ':', found {}",
            describe_next(&input)
        ),
    )
}

/// `field=name`, if present.
fn field_option(input: Input<'_>) -> Result<Option<(Input<'_>, Name)>, nom::Err<SyntaxError>> {
    let Ok((after, _)) = keyword("field")(input) else {
        return Ok(None);
    };
    let Ok((after, _)) = symbol("=")(after) else {
        return Ok(None);
    };
    let (after, name) = expected("a field name after `field=`", field_name)(after)?;
    Ok(Some((after, name)))
}

/// A double-quoted string with the span of its quotes.
fn quoted(input: Input<'_>) -> PResult<'_, Spanned<String>> {
    let (input, ()) = ws(input)?;
    spanned(string_literal)(input)
}

/// `a, b, c`: the names after `as`.
fn names(input: Input<'_>) -> PResult<'_, Vec<Name>> {
    let mut names = Vec::new();
    let mut rest = input;
    loop {
        let (after, name) = expected("a field name", field_name)(rest)?;
        names.push(name);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, names)),
        }
    }
}

/// The `nodrop` and `multi` words, which may come before or after the pattern.
#[derive(Clone, Copy, Default)]
struct Flags {
    nodrop: bool,
    /// Where `multi` was written, if it was.
    multi: Option<Span>,
}

impl Flags {
    /// Takes one flag word, if the input starts with one.
    fn take<'a>(&mut self, input: Input<'a>) -> Option<Input<'a>> {
        if let Ok((after, _)) = keyword("nodrop")(input) {
            self.nodrop = true;
            Some(after)
        } else if let Ok((after, word)) = keyword("multi")(input) {
            self.multi = Some(Span::new(offset(&word), offset(&after)));
            Some(after)
        } else {
            None
        }
    }

    /// Fails at `multi` if it was written: only `parse regex` takes it.
    fn no_multi(&self) -> Result<(), nom::Err<SyntaxError>> {
        match self.multi {
            Some(span) => Err(nom::Err::Failure(SyntaxError::new(
                codes::INVALID_STAGE,
                "`multi` works only with `parse regex`",
                span,
            ))),
            None => Ok(()),
        }
    }

    /// Takes every flag word at the start of the input.
    fn take_all<'a>(&mut self, mut input: Input<'a>) -> Input<'a> {
        while let Some(after) = self.take(input) {
            input = after;
        }
        input
    }
}

fn extract(source: Option<Name>, kind: ExtractKind, flags: Flags) -> Stage {
    Stage::Extract(Extract {
        source,
        kind,
        nodrop: flags.nodrop,
    })
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    use super::super::stage::parse_stage;
    use super::*;

    fn extract_of(text: &str) -> Extract {
        match parse_stage(Input::new_extra(text, 0)).map(|s| s.node) {
            Ok(Stage::Extract(extract)) => extract,
            other => panic!("expected an extraction, got {other:?}"),
        }
    }

    fn error_of(text: &str) -> String {
        parse_stage(Input::new_extra(text, 0)).unwrap_err().message
    }

    #[test]
    fn parse_forms() {
        let e = extract_of(" parse field=msg \"user=*, ip=*\" as user, ip nodrop");
        assert_eq!(e.source.unwrap().node, "msg");
        assert!(e.nodrop);
        let ExtractKind::Anchor { pattern, names } = e.kind else {
            panic!()
        };
        assert_eq!(pattern.node, "user=*, ip=*");
        assert_eq!(names.len(), 2);
        let e = extract_of(" parse regex \"(?<n>\\d+)\" multi nodrop");
        assert!(matches!(e.kind, ExtractKind::Regex { multi: true, .. }));
        let e = extract_of(" parse XML field=x \"/a/@b\", \"/a/c/text()\" as b, c nodrop");
        assert!(
            matches!(e.kind, ExtractKind::Xml(ref k) if k.keys.len() == 2 && k.names.len() == 2)
        );
        assert!(e.nodrop);
        assert_eq!(
            error_of(" parse xml"),
            "`parse xml` needs one or more quoted XPaths"
        );
        let e = extract_of(" extract field=x \"(?<n>\\d+)\"");
        assert!(matches!(e.kind, ExtractKind::Regex { multi: false, .. }));
    }

    #[test]
    fn json_and_keyvalue_forms() {
        let e = extract_of(" json field=payload \"a\", \"b.c\" as x, y");
        let ExtractKind::Json(keys) = e.kind else {
            panic!()
        };
        assert_eq!(keys.keys.len(), 2);
        assert_eq!(keys.names[1].node, "y");
        let e = extract_of(" kv field=msg regex \"=(.*?),\" keys \"a.b\", \"c\" as x, y nodrop");
        let ExtractKind::KeyValueRegex { pattern, keys } = e.kind else {
            panic!()
        };
        assert_eq!((pattern.node.as_str(), keys.keys.len()), ("=(.*?),", 2));
        assert_eq!(e.source.unwrap().node, "msg");
        assert!(e.nodrop);
        assert_eq!(
            error_of(" keyvalue regex \"=(.*?),\""),
            "`keyvalue regex` needs the quoted keys to extract, found the end of the stage"
        );
        let e = extract_of(" kv auto nodrop");
        assert!(matches!(e.kind, ExtractKind::KeyValue(ref k) if k.keys.is_empty()));
        assert!(e.nodrop);
        assert_eq!(
            error_of(" json \"a\", \"b\" as x"),
            "1 name is given for 2 keys"
        );
        assert_eq!(
            error_of(" json auto maxdepth 1"),
            "the `maxdepth` option of `json` is not supported yet"
        );
    }

    #[test]
    fn delimited_positions() {
        let e = extract_of(" split _raw delim=':', quote=''' extract a, _, 5 as e, f");
        let ExtractKind::Delimited(spec) = e.kind else {
            panic!()
        };
        assert_eq!(spec.delimiter.unwrap().node, ':');
        assert_eq!(spec.quote.unwrap().node, '\'');
        let positions: Vec<usize> = spec.columns.iter().map(|c| c.position).collect();
        assert_eq!(positions, [1, 5, 6]);
        assert_eq!(
            error_of(" csv _raw 1 as a"),
            "expected `extract` and the columns to take after `csv field`, found `1`"
        );
    }
}
