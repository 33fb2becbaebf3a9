//! The row operators: `timeslice`, `top`, `topk`, `dedup`, `accum`, `total`, `diff`,
//! `backshift`, `lookup`, `transpose`, `fillmissing`, `bin`, `save`, `geoip`, `threatip`,
//! `threatlookup` and `logreduce`.

use nom::Slice;

use super::error::{describe_next, expected, fail};
use super::literal::{field_name, identifier, keyword, number_literal, string_literal, symbol, ws};
use super::options::{option_name, unknown_option, whole_number};
use super::stage::name_list;
use super::{offset, Input, PResult};
use crate::ast::{
    Generator, Literal, Name, Outlier, OutlierDirection, ReduceCriteria, RowStage, SequenceKind,
    Stage,
};
use crate::codes;
use crate::span::{Span, Spanned};

/// The row operators this file parses, as spelled after a pipe.
pub(crate) const ROW_OPERATORS: [&str; 20] = [
    "timeslice",
    "top",
    "topk",
    "dedup",
    "accum",
    "total",
    "diff",
    "backshift",
    "smooth",
    "rollingstd",
    "outlier",
    "lookup",
    "transpose",
    "fillmissing",
    "bin",
    "save",
    "geoip",
    "threatip",
    "threatlookup",
    "logreduce",
];

/// Parses the rest of a row operator stage, after its name (`lower`, in lower case).
pub(crate) fn row_stage<'a>(lower: &str, input: Input<'a>) -> PResult<'a, Stage> {
    let (rest, stage) = match lower {
        "timeslice" => timeslice(input)?,
        "top" => top(input)?,
        "topk" => topk(input)?,
        "dedup" => dedup(input)?,
        "accum" => sequence(SequenceKind::Accum, input)?,
        "total" => sequence(SequenceKind::Total, input)?,
        "diff" => sequence(SequenceKind::Diff, input)?,
        "backshift" => sequence(SequenceKind::Backshift, input)?,
        "smooth" => sequence(SequenceKind::Smooth, input)?,
        "rollingstd" => sequence(SequenceKind::RollingStd, input)?,
        "outlier" => outlier(input)?,
        "lookup" => lookup(input)?,
        "fillmissing" => fill_missing(input)?,
        "bin" => bin(input)?,
        "save" => save(input)?,
        "geoip" => geoip(input)?,
        "threatip" => {
            let (rest, field) = indicator_field(input, "threatip")?;
            (rest, RowStage::ThreatIp { field })
        }
        "threatlookup" => threat_lookup(input)?,
        "logreduce" => log_reduce(input)?,
        _ => transpose(input)?,
    };
    Ok((rest, Stage::Rows(stage)))
}

/// A whole number of rows, such as the `5` of `top 5 f`.
fn row_count<'a>(input: Input<'a>, what: &'static str) -> PResult<'a, Spanned<u64>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (rest, literal) = expected(what, number_literal)(input)?;
    match literal {
        Literal::Int(n) if n >= 0 => Ok((
            rest,
            Spanned::new(n as u64, Span::new(start, offset(&rest))),
        )),
        _ => fail(&input, codes::BAD_NUMBER, format!("expected {what}")),
    }
}

/// An optional `by a, b` clause.
fn optional_by(input: Input<'_>) -> PResult<'_, Vec<Name>> {
    match keyword("by")(input) {
        Ok((rest, _)) => name_list(rest, "a field name after `by`"),
        Err(_) => Ok((input, Vec::new())),
    }
}

/// An optional `as name`.
fn optional_alias(input: Input<'_>) -> PResult<'_, Option<Name>> {
    match keyword("as")(input) {
        Ok((rest, _)) => {
            let (rest, name) = expected("a name after `as`", field_name)(rest)?;
            Ok((rest, Some(name)))
        }
        Err(_) => Ok((input, None)),
    }
}

/// `timeslice [by] 5m [as name]`, or `timeslice N buckets [as name]`.
fn timeslice(input: Input<'_>) -> PResult<'_, RowStage> {
    let input = keyword("by")(input).map_or(input, |(rest, _)| rest);
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (rest, literal) = expected("a slice width such as `5m`", number_literal)(input)?;
    let written = &input.fragment()[..offset(&rest) - start];
    if let Ok((after, _)) = keyword("buckets")(rest) {
        let buckets = match literal {
            Literal::Int(n) if n > 0 && written.bytes().all(|b| b.is_ascii_digit()) => n as u64,
            _ => {
                return fail(
                    &input,
                    codes::BAD_NUMBER,
                    "`timeslice N buckets` takes a positive whole number of buckets",
                )
            }
        };
        let (after, alias) = optional_alias(after)?;
        let buckets = Spanned::new(buckets, Span::new(start, start + written.len()));
        return Ok((after, RowStage::TimesliceBuckets { buckets, alias }));
    }
    let (rest, width) = slice_width(input, start, rest, literal, "`timeslice`")?;
    let (rest, alias) = optional_alias(rest)?;
    Ok((rest, RowStage::Timeslice { width, alias }))
}

/// A slice width just read as `literal` (from `input` at `start` to `rest`): a positive
/// duration with a unit.
fn slice_width<'a>(
    input: Input<'a>,
    start: usize,
    rest: Input<'a>,
    literal: Literal,
    what: &str,
) -> PResult<'a, Spanned<i64>> {
    let written = &input.fragment()[..offset(&rest) - start];
    let has_unit = written.ends_with(['s', 'm', 'h', 'd', 'w']);
    match literal {
        Literal::Int(ms) if ms > 0 && has_unit => Ok((
            rest,
            Spanned::new(ms, Span::new(start, start + written.len())),
        )),
        _ => fail(
            &input,
            codes::BAD_NUMBER,
            format!("{what} takes a positive duration with a unit (s m h d w), e.g. `5m`"),
        ),
    }
}

/// `top 10 f[, g] [by k]`.
fn top(input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, limit) = row_count(input, "a row count after `top`")?;
    let (rest, fields) = name_list(rest, "a field to count")?;
    let (rest, by) = optional_by(rest)?;
    Ok((rest, RowStage::Top { limit, fields, by }))
}

/// `topk(10, f[, g]) [by k]`.
fn topk(input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, _) = expected("`(` after `topk`", symbol("("))(input)?;
    let (rest, limit) = row_count(rest, "a row count")?;
    let (rest, _) = expected("`,` after the row count", symbol(","))(rest)?;
    let (rest, fields) = name_list(rest, "a field to rank by")?;
    let (rest, _) = expected("`)`", symbol(")"))(rest)?;
    let (rest, by) = optional_by(rest)?;
    Ok((rest, RowStage::TopK { limit, fields, by }))
}

/// `dedup [consecutive] [N] [by f, g]`.
fn dedup(input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, consecutive) = match keyword("consecutive")(input) {
        Ok((rest, _)) => (rest, true),
        Err(_) => (input, false),
    };
    let (rest, ()) = ws(rest)?;
    let (rest, limit) = if rest.fragment().starts_with(|c: char| c.is_ascii_digit()) {
        row_count(rest, "a record count")?
    } else {
        let at = offset(&rest);
        (rest, Spanned::new(1, Span::new(at, at)))
    };
    let (rest, by) = optional_by(rest)?;
    Ok((
        rest,
        RowStage::Dedup {
            consecutive,
            limit,
            by,
        },
    ))
}

/// The widest window of `smooth` and `rollingstd` (Sumo's limit).
const MAX_ROLLING_WINDOW: u64 = 1000;

/// `accum f [as g] [by k]`, and the same for `total`, `diff`, `backshift f[, N]`, `smooth f[, N]`
/// and `rollingstd f[, N]`.
fn sequence(kind: SequenceKind, input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, field) = expected("a field name", field_name)(input)?;
    let (rest, shift) = match symbol(",")(rest) {
        Ok((after_comma, _)) if kind.takes_count() => {
            let (rest, count) = if kind == SequenceKind::Backshift {
                row_count(after_comma, "how many rows to shift")?
            } else {
                let (rest, window) = row_count(after_comma, "the window, a number of rows")?;
                if !(1..=MAX_ROLLING_WINDOW).contains(&window.node) {
                    return fail(
                        &after_comma,
                        codes::BAD_NUMBER,
                        format!(
                            "the window of `{}` is from 1 to {MAX_ROLLING_WINDOW} rows",
                            kind.name()
                        ),
                    );
                }
                (rest, window)
            };
            (rest, Some(count))
        }
        _ => (rest, None),
    };
    let (rest, alias) = optional_alias(rest)?;
    let (rest, by) = optional_by(rest)?;
    Ok((
        rest,
        RowStage::Sequence {
            kind,
            field,
            shift,
            alias,
            by,
        },
    ))
}

/// `outlier f [by k] [window=N, threshold=T, consecutive=C, direction=+-]`: the options in any
/// order, before or after `by`, separated by commas or spaces.
fn outlier(input: Input<'_>) -> PResult<'_, RowStage> {
    let (mut rest, field) = expected("a numeric field", field_name)(input)?;
    let mut stage = Outlier {
        field,
        by: Vec::new(),
        window: None,
        threshold: None,
        consecutive: None,
        direction: OutlierDirection::Both,
    };
    loop {
        if stage.by.is_empty() {
            if let Ok((after, _)) = keyword("by")(rest) {
                let (after, by) = name_list(after, "a field name after `by`")?;
                stage.by = by;
                rest = after;
                continue;
            }
        }
        let Some((after, name)) = option_name(rest) else {
            return Ok((rest, RowStage::Outlier(stage)));
        };
        rest = match name.node.as_str() {
            "window" => {
                let (after, window) = whole_number(after, "the window, a number of points", 1)?;
                stage.window = Some(window);
                after
            }
            "threshold" => {
                let (value_at, ()) = ws(after)?;
                let (after, threshold) = signed_number(value_at, "threshold")?;
                if threshold.node <= 0.0 {
                    return fail(
                        &value_at,
                        codes::BAD_NUMBER,
                        "the threshold is a positive number of standard deviations",
                    );
                }
                stage.threshold = Some(threshold);
                after
            }
            "consecutive" => {
                let (after, count) =
                    whole_number(after, "how many outliers in a row make a violation", 1)?;
                stage.consecutive = Some(count);
                after
            }
            "direction" => {
                let (after, direction) = outlier_direction(after)?;
                stage.direction = direction;
                after
            }
            _ => {
                return unknown_option(
                    &name,
                    "outlier",
                    "`window`, `threshold`, `consecutive` and `direction`",
                )
            }
        };
    }
}

/// `+-` (or `-+`), `+` or `-` after `direction=`.
fn outlier_direction(input: Input<'_>) -> PResult<'_, OutlierDirection> {
    for (written, direction) in [
        ("+-", OutlierDirection::Both),
        ("-+", OutlierDirection::Both),
        ("+", OutlierDirection::Above),
        ("-", OutlierDirection::Below),
    ] {
        if let Ok((rest, _)) = symbol(written)(input) {
            return Ok((rest, direction));
        }
    }
    let (at, ()) = ws(input)?;
    fail(
        &at,
        codes::SYNTAX,
        format!(
            "expected `+-`, `+` or `-` after `direction=`, found {}",
            describe_next(&at)
        ),
    )
}

/// `lookup a [as x], b from file://path on f=c[, f2=c2]`.
fn lookup(input: Input<'_>) -> PResult<'_, RowStage> {
    let mut outputs = Vec::new();
    let mut rest = input;
    loop {
        let (after, column) = expected("a table column to copy", field_name)(rest)?;
        let (after, alias) = optional_alias(after)?;
        outputs.push((column, alias));
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                rest = after;
                break;
            }
        }
    }
    let (rest, _) = expected("`from` and the table's path", keyword("from"))(rest)?;
    let (rest, path) = table_path(rest)?;
    let (mut rest, _) = expected("`on` and the matching fields", keyword("on"))(rest)?;
    let mut on = Vec::new();
    loop {
        let (after, field) = expected("a field to match", field_name)(rest)?;
        let (after, _) = expected("`=` and a table column", symbol("="))(after)?;
        let (after, column) = expected("a table column", field_name)(after)?;
        on.push((field, column));
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, RowStage::Lookup { outputs, path, on })),
        }
    }
}

/// `geoip FIELD [OPTIONAL_FIELD, …]`.
fn geoip(input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, field) = expected("the field holding the IP address", field_name)(input)?;
    let (rest, ()) = ws(rest)?;
    let (rest, optional) = if rest.fragment().is_empty() {
        (rest, Vec::new())
    } else {
        name_list(rest, "an optional geo field, such as `region`")?
    };
    Ok((rest, RowStage::GeoIp { field, optional }))
}

/// The one field of `threatip` or `threatlookup`: the field holding the indicator.
fn indicator_field<'a>(input: Input<'a>, operator: &str) -> PResult<'a, Name> {
    let (rest, fields) = name_list(input, "the field holding the indicator")?;
    match &fields[..] {
        [field] => Ok((rest, field.clone())),
        [_, second, ..] => Err(nom::Err::Failure(
            super::SyntaxError::new(
                codes::UNSUPPORTED_OPERATOR,
                format!("`{operator}` looks up one field at a time"),
                second.span,
            )
            .with_note(format!(
                "help: look each field up with its own `{operator}` stage, renaming the fields between"
            )),
        )),
        [] => fail(&input, codes::SYNTAX, "expected the field holding the indicator"),
    }
}

/// `threatlookup [singleIndicator] [source="NAME"] FIELD`, the options in any order.
fn threat_lookup(input: Input<'_>) -> PResult<'_, RowStage> {
    let mut single = false;
    let mut source = None;
    let mut rest = input;
    loop {
        if let Ok((after, _)) = keyword("singleIndicator")(rest) {
            single = true;
            rest = after;
            continue;
        }
        let (after_ws, ()) = ws(rest)?;
        let is_source =
            keyword("source")(after_ws).is_ok_and(|(after, _)| symbol("=")(after).is_ok());
        if is_source {
            let (after, _) = keyword("source")(after_ws)?;
            let (after, _) = symbol("=")(after)?;
            let (after, ()) = ws(after)?;
            let start = offset(&after);
            let (after, name) = expected("the source's name in quotes", string_literal)(after)?;
            source = Some(Spanned::new(name, Span::new(start, offset(&after))));
            rest = after;
            continue;
        }
        let (rest, field) = indicator_field(rest, "threatlookup")?;
        let stage = RowStage::ThreatLookup {
            single,
            source,
            field,
        };
        return Ok((rest, stage));
    }
}

/// `logreduce [field=F | (F)] [by K, …] [limit=N][,] [criteria=mostcommon|leastcommon]`, the
/// options in any order; its `keys`, `values`, `optimize` and `details` forms are refused by
/// name.
fn log_reduce(input: Input<'_>) -> PResult<'_, RowStage> {
    for form in ["keys", "values", "optimize", "details"] {
        if let Ok((_, _)) = keyword(form)(input) {
            let (at, ()) = ws(input)?;
            return Err(nom::Err::Failure(
                super::SyntaxError::new(
                    codes::UNSUPPORTED_OPERATOR,
                    format!("`logreduce {form}` is not supported yet"),
                    Span::new(offset(&at), offset(&at) + form.len()),
                )
                .with_note(
                    "help: plain `logreduce [field=F] [by K] [limit=N] [, criteria=...]` runs",
                ),
            ));
        }
    }
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (mut rest, mut field) = match symbol("(")(input) {
        Ok((after, _)) => {
            let (after, name) = expected("the field to reduce", field_name)(after)?;
            let (after, _) = expected("`)`", symbol(")"))(after)?;
            (after, Some(name))
        }
        Err(_) => (input, None),
    };
    let (mut by, mut limit, mut criteria) = (Vec::new(), None, ReduceCriteria::Anomalous);
    loop {
        rest = symbol(",")(rest).map_or(rest, |(after, _)| after);
        if let Ok((after, _)) = keyword("by")(rest) {
            let (after, names) = name_list(after, "a field name after `by`")?;
            by = names;
            rest = after;
            continue;
        }
        let option = ["field", "limit", "criteria"]
            .into_iter()
            .find(|name| keyword(name)(rest).is_ok_and(|(after, _)| symbol("=")(after).is_ok()));
        let Some(option) = option else {
            let stage = RowStage::LogReduce {
                field,
                by,
                limit,
                criteria,
                span: Span::new(start, offset(&rest).max(start)),
            };
            return Ok((rest, stage));
        };
        let (after, _) = keyword(option)(rest)?;
        let (after, _) = symbol("=")(after)?;
        rest = match option {
            "field" => {
                let (after, name) = expected("the field to reduce", field_name)(after)?;
                field = Some(name);
                after
            }
            "limit" => {
                let (after, count) = row_count(after, "a number of signatures")?;
                limit = Some(count);
                after
            }
            _ => {
                let (after, word) = expected("`mostcommon` or `leastcommon`", identifier)(after)?;
                criteria = match word.to_ascii_lowercase().as_str() {
                    "mostcommon" => ReduceCriteria::MostCommon,
                    "leastcommon" => ReduceCriteria::LeastCommon,
                    _ => {
                        return fail(
                            &after,
                            codes::SYNTAX,
                            format!("`criteria` is `mostcommon` or `leastcommon`, not `{word}`"),
                        )
                    }
                };
                after
            }
        };
    }
}

/// `save [append] path://"NAME"`.
fn save(input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, append) = match keyword("append")(input) {
        Ok((after, _)) => (after, true),
        Err(_) => (input, false),
    };
    let (rest, ()) = ws(rest)?;
    let start = offset(&rest);
    let Some(after_scheme) = rest.fragment().strip_prefix(TABLE_SCHEME) else {
        return fail(
            &rest,
            codes::SYNTAX,
            format!(
                "expected the table as `path://\"NAME\"`, found {}",
                super::error::describe_next(&rest)
            ),
        );
    };
    let (after, name) = table_name(rest.slice(rest.fragment().len() - after_scheme.len()..))?;
    let table = Spanned::new(name, Span::new(start, offset(&after)));
    Ok((after, RowStage::Save { append, table }))
}

/// The scheme of a table in the local table folder.
pub(crate) const TABLE_SCHEME: &str = "path://";

/// The quoted name after `path://` (Sumo writes the quotes; curly ones are taken too).
pub(crate) fn table_name(input: Input<'_>) -> PResult<'_, String> {
    let text = input.fragment();
    for (open, close) in [
        ('"', '"'),
        ('\u{201d}', '\u{201d}'),
        ('\u{201c}', '\u{201d}'),
    ] {
        if let Some(body) = text.strip_prefix(open) {
            if open == '"' {
                return string_literal(input);
            }
            if let Some(end) = body.find(close) {
                let taken = open.len_utf8() + end + close.len_utf8();
                return Ok((input.slice(taken..), body[..end].to_string()));
            }
        }
    }
    fail(
        &input,
        codes::SYNTAX,
        "expected the table's name in quotes after `path://`, as in `path://\"/Library/Users/me/Users\"`",
    )
}

/// The table's path: a quoted string or a run of non-blank characters, with an optional
/// `file://` scheme removed; or `path://"NAME"`, kept with its scheme.
pub(crate) fn table_path(input: Input<'_>) -> PResult<'_, Spanned<String>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    if let Some(after_scheme) = input.fragment().strip_prefix(TABLE_SCHEME) {
        let (rest, name) = table_name(input.slice(input.fragment().len() - after_scheme.len()..))?;
        let path = format!("{TABLE_SCHEME}{name}");
        return Ok((rest, Spanned::new(path, Span::new(start, offset(&rest)))));
    }
    let (rest, written) = if input.fragment().starts_with('"') {
        string_literal(input)?
    } else {
        let len = input
            .fragment()
            .find(char::is_whitespace)
            .unwrap_or(input.fragment().len());
        if len == 0 {
            return fail(
                &input,
                codes::SYNTAX,
                "expected the table's path after `from`",
            );
        }
        (input.slice(len..), input.fragment()[..len].to_string())
    };
    let path = written
        .strip_prefix("file://")
        .map_or(written.clone(), str::to_string);
    if path.is_empty() {
        return fail(&input, codes::SYNTAX, "the table's path is empty");
    }
    Ok((rest, Spanned::new(path, Span::new(start, offset(&rest)))))
}

/// `fillmissing values("a", "b") in f[, timeslice[(15m)] [in g]]`.
fn fill_missing(input: Input<'_>) -> PResult<'_, RowStage> {
    let mut generators = Vec::new();
    let mut rest = input;
    loop {
        let (after, ()) = ws(rest)?;
        let (after, generator) = if let Ok((after_word, _)) = keyword("timeslice")(after) {
            slice_generator(after, after_word)?
        } else {
            value_generator(after)?
        };
        generators.push(generator);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                let (after, defaults) = fill_defaults(after)?;
                return Ok((
                    after,
                    RowStage::FillMissing {
                        generators,
                        defaults,
                    },
                ));
            }
        }
    }
}

/// The optional `with VALUE for FIELD[, VALUE for FIELD]` of `fillmissing`.
fn fill_defaults(input: Input<'_>) -> PResult<'_, Vec<(Literal, Name)>> {
    let Ok((mut rest, _)) = keyword("with")(input) else {
        return Ok((input, Vec::new()));
    };
    let mut defaults = Vec::new();
    loop {
        let (after, value) = expected("a value such as `0` or `\"none\"`", default_value)(rest)?;
        let (after, _) = expected("`for` and a field", keyword("for"))(after)?;
        let (after, field) = expected("a field", field_name)(after)?;
        defaults.push((value, field));
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, defaults)),
        }
    }
}

/// A `with` value of `fillmissing`: a string, a number (possibly negative) or `null`.
fn default_value(input: Input<'_>) -> PResult<'_, Literal> {
    if let Ok((rest, _)) = keyword("null")(input) {
        return Ok((rest, Literal::Null));
    }
    let Ok((after_minus, _)) = symbol("-")(input) else {
        return generated_value(input);
    };
    match number_literal(after_minus)? {
        (rest, Literal::Int(n)) => Ok((rest, Literal::Int(-n))),
        (rest, Literal::Float(x)) => Ok((rest, Literal::Float(-x))),
        (rest, other) => Ok((rest, other)),
    }
}

/// `values("a", "b") in f`.
fn value_generator(input: Input<'_>) -> PResult<'_, Generator> {
    let (after, _) = expected("`values(...) in field` or `timeslice`", keyword("values"))(input)?;
    let (after, _) = expected("`(` after `values`", symbol("("))(after)?;
    let (mut after, first) = expected("a value", generated_value)(after)?;
    let mut values = vec![first];
    while let Ok((after_comma, _)) = symbol(",")(after) {
        let (next, value) = expected("a value", generated_value)(after_comma)?;
        values.push(value);
        after = next;
    }
    let (after, _) = expected("`)`", symbol(")"))(after)?;
    let (after, _) = expected("`in` and the key field", keyword("in"))(after)?;
    let (after, field) = expected("a key field", field_name)(after)?;
    Ok((after, Generator::Values(values, field)))
}

/// `timeslice[(15m)] [in f]`, after the word `timeslice` (which `start` begins).
fn slice_generator<'a>(start: Input<'a>, input: Input<'a>) -> PResult<'a, Generator> {
    let (mut rest, width) = match symbol("(")(input) {
        Ok((after, _)) => {
            let (after, ()) = ws(after)?;
            let at = offset(&after);
            let (end, literal) = expected("a slice width such as `15m`", number_literal)(after)?;
            let (end, width) = slice_width(after, at, end, literal, "the `timeslice` generator")?;
            let (end, _) = expected("`)`", symbol(")"))(end)?;
            (end, Some(width))
        }
        Err(_) => (input, None),
    };
    let field = match keyword("in")(rest) {
        Ok((after, _)) => {
            let (after, field) = expected("a key field", field_name)(after)?;
            rest = after;
            Some(field)
        }
        Err(_) => None,
    };
    let span = Span::new(offset(&start), offset(&rest));
    Ok((rest, Generator::Timeslice { width, field, span }))
}

/// One value of a `values(...)` generator: a string or a number.
fn generated_value(input: Input<'_>) -> PResult<'_, Literal> {
    match string_literal(input) {
        Ok((rest, text)) => Ok((rest, Literal::Text(text))),
        Err(nom::Err::Error(_)) => number_literal(input),
        Err(other) => Err(other),
    }
}

/// `bin f width=10[, min=0][, max=500]`: the options in any order, `width` required.
fn bin(input: Input<'_>) -> PResult<'_, RowStage> {
    let (mut rest, field) = expected("a numeric field to bin", field_name)(input)?;
    let (mut width, mut min, mut max) = (None, None, None);
    loop {
        let (after, ()) = ws(rest)?;
        let option = ["width", "min", "max"]
            .into_iter()
            .find(|name| keyword(name)(after).is_ok());
        let Some(option) = option else {
            let Some(width) = width else {
                return fail(
                    &after,
                    codes::SYNTAX,
                    format!(
                        "expected `width=` and the bin width, found {}",
                        describe_next(&after)
                    ),
                );
            };
            let stage = RowStage::Bin {
                field,
                width,
                min,
                max,
            };
            return Ok((rest, stage));
        };
        let (after, _) = keyword(option)(after)?;
        let (after, _) = expected("`=` and a number", symbol("="))(after)?;
        let (after, value) = signed_number(after, option)?;
        let slot = match option {
            "width" => &mut width,
            "min" => &mut min,
            _ => &mut max,
        };
        *slot = Some(value);
        rest = match symbol(",")(after) {
            Ok((after_comma, _)) => after_comma,
            Err(_) => after,
        };
    }
}

/// A number with an optional `-`, as a float, such as `bin`'s bounds take.
fn signed_number<'a>(input: Input<'a>, what: &str) -> PResult<'a, Spanned<f64>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (after_sign, negative) = match symbol("-")(input) {
        Ok((rest, _)) => (rest, true),
        Err(_) => (input, false),
    };
    let (rest, literal) = expected("a number", number_literal)(after_sign)?;
    let value = match literal {
        Literal::Int(n) => n as f64,
        Literal::Float(x) => x,
        _ => {
            return fail(
                &input,
                codes::BAD_NUMBER,
                format!("`{what}` takes a number"),
            )
        }
    };
    let value = if negative { -value } else { value };
    Ok((rest, Spanned::new(value, Span::new(start, offset(&rest)))))
}

/// `transpose row r[, r2] column c[, c2]`.
fn transpose(input: Input<'_>) -> PResult<'_, RowStage> {
    let (rest, _) = expected("`row` and the row fields", keyword("row"))(input)?;
    let (rest, row) = name_list(rest, "a row field")?;
    let (rest, _) = expected("`column` and the column fields", keyword("column"))(rest)?;
    let (rest, column) = name_list(rest, "a column field")?;
    if keyword("as")(rest).is_ok() {
        let (rest, ()) = ws(rest)?;
        return fail(
            &rest,
            codes::UNSUPPORTED_OPERATOR,
            "`transpose ... as` (naming the columns) is not supported yet",
        );
    }
    Ok((rest, RowStage::Transpose { row, column }))
}

#[cfg(test)]
mod tests {
    use super::super::stage::parse_stage;
    use super::*;

    fn row_of(text: &str) -> RowStage {
        match parse_stage(Input::new_extra(text, 1)).unwrap().node {
            Stage::Rows(row) => row,
            other => panic!("not a row stage: {other:?}"),
        }
    }

    #[test]
    fn every_row_operator_is_listed_as_run() {
        for name in ROW_OPERATORS {
            assert!(super::super::OPERATORS.contains(&name), "{name}");
        }
    }

    #[test]
    fn timeslice_forms() {
        let RowStage::Timeslice { width, alias } = row_of(" timeslice by 15m as t") else {
            panic!()
        };
        assert_eq!(width.node, 900_000);
        assert_eq!(alias.unwrap().node, "t");
        let error = parse_stage(Input::new_extra(" timeslice 5", 1)).unwrap_err();
        assert_eq!(error.code, codes::BAD_NUMBER);
        let RowStage::TimesliceBuckets { buckets, alias } = row_of(" timeslice 30 buckets as b")
        else {
            panic!()
        };
        assert_eq!((buckets.node, alias.unwrap().node.as_str()), (30, "b"));
        let error = parse_stage(Input::new_extra(" timeslice 5m buckets", 1)).unwrap_err();
        assert_eq!(error.code, codes::BAD_NUMBER);
        let RowStage::FillMissing { generators, .. } =
            row_of(" fillmissing timeslice(15m), values(\"a\") in t, timeslice in s")
        else {
            panic!()
        };
        assert!(
            matches!(&generators[0], Generator::Timeslice { width: Some(w), field: None, .. } if w.node == 900_000)
        );
        assert!(
            matches!(&generators[2], Generator::Timeslice { width: None, field: Some(f), .. } if f.node == "s")
        );
    }

    #[test]
    fn sequence_and_lookup_forms() {
        let RowStage::Sequence {
            shift, alias, by, ..
        } = row_of(" backshift n, 2 as prev by h")
        else {
            panic!()
        };
        assert_eq!(shift.unwrap().node, 2);
        assert_eq!(alias.unwrap().node, "prev");
        assert_eq!(by.len(), 1);
        let RowStage::Lookup { outputs, path, on } =
            row_of(" lookup owner as team, site from file://t/hosts.csv on host=hostname")
        else {
            panic!()
        };
        assert_eq!(outputs.len(), 2);
        assert_eq!(path.node, "t/hosts.csv");
        assert_eq!(on[0].1.node, "hostname");
    }

    #[test]
    fn bin_forms() {
        let RowStage::Bin {
            width, min, max, ..
        } = row_of(" bin time width=10.0, min = -5, max = 500")
        else {
            panic!()
        };
        assert_eq!(width.node, 10.0);
        assert_eq!(min.unwrap().node, -5.0);
        assert_eq!(max.unwrap().node, 500.0);
        let RowStage::Bin { width, min, .. } = row_of(" bin x max=9 width=3") else {
            panic!()
        };
        assert_eq!((width.node, min), (3.0, None));
        let error = parse_stage(Input::new_extra(" bin x min=1", 1)).unwrap_err();
        assert!(
            error.message.starts_with("expected `width=`"),
            "{}",
            error.message
        );
    }

    #[test]
    fn dedup_and_top_forms() {
        let RowStage::Dedup {
            consecutive,
            limit,
            by,
        } = row_of(" dedup consecutive 2 by a, b")
        else {
            panic!()
        };
        assert!(consecutive);
        assert_eq!((limit.node, by.len()), (2, 2));
        let RowStage::TopK { limit, fields, by } = row_of(" topk(3, _count) by host") else {
            panic!()
        };
        assert_eq!((limit.node, fields.len(), by.len()), (3, 1, 1));
    }
}
