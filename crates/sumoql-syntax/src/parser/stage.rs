//! The stages after each pipe: `where`, `eval`, `stats`, `fields`, `sort`/`order`, `limit`,
//! and Sumo's bare form (`expr as name`, `count by f`).

use nom::Slice;

use super::compare::compare;
use super::error::{at_end, expected, fail};
use super::expr::expression;
use super::extract;
use super::join::join;
use super::literal::{field_name, identifier, keyword, number_literal, peek_keyword, symbol, ws};
use super::rows::{row_stage, ROW_OPERATORS};
use super::state::{state_stage, STATE_OPERATORS};
use super::{offset, Input, PResult, SyntaxError};
use crate::ast::{Assignment, Bare, ExprKind, Item, Literal, Name, SortKey, Stage};
use crate::codes;
use crate::diagnostic::did_you_mean;
use crate::span::{Span, Spanned};

/// Operators sumoql runs, as they are spelled after a pipe.
pub const OPERATORS: [&str; 44] = [
    "where",
    "eval",
    "stats",
    "fields",
    "sort",
    "order",
    "limit",
    "parse",
    "extract",
    "json",
    "kv",
    "keyvalue",
    "csv",
    "split",
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
    "join",
    "transaction",
    "transactionize",
    "merge",
    "sessionize",
    "trace",
    "withtime",
    "predict",
    "filter",
    "compare",
];

/// Aggregate functions that may start a bare stage (`| count by x`), for suggestions.
pub const AGGREGATE_OPERATORS: [&str; 7] = [
    "count",
    "count_distinct",
    "sum",
    "avg",
    "min",
    "max",
    "values",
];

/// Sumo operators that sumoql knows by name but refuses, each with the reason.
const REFUSED_OPERATORS: [(&str, &str); 2] = [
    (
        "logcompare",
        "its `_anomalyScore` is a symmetric Kullback-Leibler score whose formula Sumo's page does not give, over Sumo's own clustering into signatures, so sumoql could not give Sumo's answers",
    ),
    (
        "logexplain",
        "its `_relevance` is a probability whose computation Sumo's page does not give, so sumoql could not rank explanations as Sumo does",
    ),
];

/// Why sumoql refuses the Sumo operator `name` (in any letter case), when it knows it by name
/// but does not run it.
///
/// ```
/// assert!(sumoql_syntax::refusal_reason("LogCompare").is_some());
/// assert!(sumoql_syntax::refusal_reason("where").is_none());
/// ```
pub fn refusal_reason(name: &str) -> Option<&'static str> {
    REFUSED_OPERATORS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|(_, why)| *why)
}

/// Splunk commands with the Sumo form to use instead.
const SPLUNK_EQUIVALENTS: [(&str, &str); 9] = [
    ("table", "`fields a, b` keeps and orders columns"),
    ("head", "`limit N` keeps the first rows"),
    ("rename", "`old as new` renames (or `eval new = old`)"),
    (
        "search",
        "put search terms before the first `|`, or filter with `where`",
    ),
    (
        "rex",
        "`parse regex \"(?<name>...)\"` extracts with a regular expression",
    ),
    ("spath", "`json \"path\"` extracts from JSON text"),
    (
        "eventstats",
        "aggregate with `count by ...`, then use the result",
    ),
    ("bucket", "`timeslice 5m` buckets time"),
    ("tail", "`sort` then `limit N`"),
];

/// Parses one stage segment (the text between two pipes).
pub(crate) fn parse_stage(input: Input<'_>) -> Result<Spanned<Stage>, SyntaxError> {
    let pipe_at = offset(&input).saturating_sub(1);
    fn run_stage(input: Input<'_>, pipe_at: usize) -> PResult<'_, Spanned<Stage>> {
        let (input, ()) = ws(input)?;
        let start = offset(&input);
        if input.fragment().is_empty() {
            return Err(nom::Err::Failure(SyntaxError::new(
                codes::EMPTY_STAGE,
                "empty stage: an operator must follow `|`",
                Span::new(pipe_at, pipe_at + 1),
            )));
        }
        let (rest, stage) = stage(input)?;
        let (rest, ()) = at_end(rest, "the stage")?;
        let end = offset(&rest);
        let trimmed_end = start + input.fragment().trim_end().len();
        Ok((
            rest,
            Spanned::new(stage, Span::new(start, trimmed_end.min(end))),
        ))
    }
    match run_stage(input, pipe_at) {
        Ok((_, stage)) => Ok(stage),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(e),
        Err(nom::Err::Incomplete(_)) => Err(SyntaxError::new(
            codes::SYNTAX,
            "incomplete stage",
            Span::new(pipe_at, pipe_at + 1),
        )),
    }
}

fn stage(input: Input<'_>) -> PResult<'_, Stage> {
    let start = offset(&input);
    let word = identifier(input)
        .ok()
        .map(|(rest, w)| (rest, w.to_ascii_lowercase(), w));
    let followed_by_paren = |rest: Input<'_>| symbol("(")(rest).is_ok();
    if let Some((rest, lower, word)) = word {
        let span = Span::new(start, offset(&rest));
        match lower.as_str() {
            "where" => {
                let (rest, condition) = expected("a condition after `where`", expression)(rest)?;
                return Ok((rest, Stage::Where(condition)));
            }
            "eval" => return eval(rest),
            "stats" => {
                let (rest, bare) = bare(rest)?;
                return Ok((rest, Stage::Stats(bare)));
            }
            "fields" => return fields(rest),
            "sort" | "order" => return sort(rest),
            "limit" => return limit(rest),
            _ if ROW_OPERATORS.contains(&lower.as_str()) && !reads_as_bare_item(rest) => {
                return row_stage(&lower, rest);
            }
            _ if STATE_OPERATORS.contains(&lower.as_str())
                && (!reads_as_bare_item(rest) || (lower == "trace" && signed_string(rest))) =>
            {
                return state_stage(&lower, rest);
            }
            "join" if !reads_as_bare_item(rest) => return join(rest),
            "compare" if !reads_as_bare_item(rest) => return compare(rest),
            "subquery" => {
                return Err(nom::Err::Failure(
                    SyntaxError::new(
                        codes::UNSUPPORTED_OPERATOR,
                        "a subquery is not a stage of its own: it stands in brackets in the scope, in `where` or in `if`",
                        span,
                    )
                    .with_note("help: `_sourceCategory=x [subquery: _sourceCategory=y | count by ip | compose ip]`"),
                ));
            }
            "parse" => return extract::parse_operator(rest, false),
            "extract" => return extract::parse_operator(rest, true),
            "json" => return extract::json(rest),
            "kv" | "keyvalue" => return extract::keyvalue(rest),
            "csv" => return extract::delimited(rest, false),
            "split" => return extract::delimited(rest, true),
            "count" | "count_frequent" if starts_field_list(rest) => {
                return counting(&lower, Spanned::new(word, span), rest);
            }
            _ if refusal_reason(&lower).is_some() => {
                let why = refusal_reason(&lower).unwrap_or_default();
                return Err(nom::Err::Failure(
                    SyntaxError::new(
                        codes::UNSUPPORTED_OPERATOR,
                        format!("the `{lower}` operator is not supported: {why}"),
                        span,
                    )
                    .with_note("help: `sumoql help` lists the operators sumoql runs"),
                ));
            }
            _ if followed_by_paren(rest) => {}
            _ => {
                if let Some((_, advice)) =
                    SPLUNK_EQUIVALENTS.iter().find(|(name, _)| *name == lower)
                {
                    return Err(nom::Err::Failure(
                        SyntaxError::new(
                            codes::SPLUNK_ONLY,
                            format!("`{word}` is a Splunk command, not a Sumo operator"),
                            span,
                        )
                        .with_note(format!("help: in Sumo, {advice}")),
                    ));
                }
                if AGGREGATE_OPERATORS.contains(&lower.as_str()) && !starts_bare_item(rest) {
                    let field = identifier(rest).map_or("field".to_string(), |(_, f)| f);
                    return Err(nom::Err::Failure(
                        SyntaxError::new(
                            codes::MISPLACED_AGGREGATE,
                            format!(
                                "`{word}` is an aggregate function: its field goes in parentheses"
                            ),
                            span,
                        )
                        .with_note(format!("help: write `{word}({field})`")),
                    ));
                }
                if !starts_bare_item(rest) {
                    let candidates = OPERATORS
                        .iter()
                        .chain(AGGREGATE_OPERATORS.iter())
                        .chain(REFUSED_OPERATORS.iter().map(|(name, _)| name))
                        .copied()
                        .filter(|candidate| *candidate != lower);
                    let mut error = SyntaxError::new(
                        codes::UNKNOWN_OPERATOR,
                        format!("unknown operator `{word}`"),
                        span,
                    );
                    if let Some(suggestion) = did_you_mean(&word, candidates) {
                        error = error.with_note(format!("help: did you mean `{suggestion}`?"));
                    }
                    return Err(nom::Err::Failure(error));
                }
            }
        }
    }
    let (rest, bare) = bare(input)?;
    Ok((rest, Stage::Bare(bare)))
}

/// Whether a list of field names follows (`count user`, `count_frequent a, b`): a name that is
/// not a keyword going on with a bare item (`as`, `by`, an operator...).
fn starts_field_list(rest: Input<'_>) -> bool {
    !starts_bare_item(rest) && field_name(rest).is_ok()
}

/// Sumo's counting forms without `by` or parentheses: `count f, g` counts by `f, g`, and
/// `count_frequent f, g` is `count_frequent(f, g)`.
fn counting<'a>(lower: &str, word: Name, rest: Input<'a>) -> PResult<'a, Stage> {
    let (rest, fields) = name_list(rest, "a field name")?;
    let bare = if lower == "count" {
        Bare {
            items: vec![Item {
                expr: Spanned::new(ExprKind::Field(word.node), word.span),
                alias: None,
            }],
            by: fields,
        }
    } else {
        let span = word.span.join(fields.last().map_or(word.span, |f| f.span));
        let args = fields
            .into_iter()
            .map(|field| Spanned::new(ExprKind::Field(field.node), field.span))
            .collect();
        Bare {
            items: vec![Item {
                expr: Spanned::new(ExprKind::Call { name: word, args }, span),
                alias: None,
            }],
            by: Vec::new(),
        }
    };
    Ok((rest, Stage::Bare(bare)))
}

/// Whether the text after a row operator's name reads as the rest of a bare item instead
/// (`total as t`, `diff * 2 as d`): then the name is a field.
fn reads_as_bare_item(rest: Input<'_>) -> bool {
    let Ok((rest, ())) = ws(rest) else {
        return false;
    };
    peek_keyword(rest, "as")
        || rest
            .fragment()
            .starts_with(|c: char| ",+-*/%=!<>?".contains(c))
}

/// Whether the text is `+` or `-` and then a string, as `trace + "regex"` begins: the sign is
/// trace's direction, not arithmetic on a string.
fn signed_string(rest: Input<'_>) -> bool {
    let text = rest.fragment().trim_start();
    text.strip_prefix(['+', '-'])
        .is_some_and(|after| after.trim_start().starts_with('"'))
}

/// Whether, after a leading word, the text still reads as a bare item: the end, `as`, `by`,
/// `group by`, a comma or an operator.
fn starts_bare_item(rest: Input<'_>) -> bool {
    let Ok((rest, ())) = ws(rest) else {
        return false;
    };
    let text = rest.fragment();
    text.is_empty()
        || peek_keyword(rest, "as")
        || peek_keyword(rest, "by")
        || peek_keyword(rest, "group")
        || text.starts_with(|c: char| ",+-*/%=!<>?(".contains(c))
        || peek_keyword(rest, "and")
        || peek_keyword(rest, "or")
        || peek_keyword(rest, "in")
        || peek_keyword(rest, "not")
        || peek_keyword(rest, "matches")
        || peek_keyword(rest, "contains")
}

fn eval(input: Input<'_>) -> PResult<'_, Stage> {
    let mut assignments = Vec::new();
    let mut rest = input;
    loop {
        let (after, name) = expected("a field name to assign", field_name)(rest)?;
        let (after, _) = expected("`=` after the field name", symbol("="))(after)?;
        let (after, expr) = expected("an expression", expression)(after)?;
        assignments.push(Assignment { name, expr });
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, Stage::Eval(assignments))),
        }
    }
}

/// The items of a bare or `stats` stage, then an optional `by`/`group by` list.
fn bare(input: Input<'_>) -> PResult<'_, Bare> {
    let mut items = Vec::new();
    let mut rest = input;
    loop {
        let (after, expr) = expected("an expression", expression)(rest)?;
        let (after, alias) = match keyword("as")(after) {
            Ok((after_as, _)) => {
                let (after, name) = expected("a name after `as`", field_name)(after_as)?;
                (after, Some(name))
            }
            Err(_) => (after, None),
        };
        items.push(Item { expr, alias });
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => {
                rest = after;
                break;
            }
        }
    }
    let by_clause = keyword("by")(rest).or_else(|_| {
        let (after_group, _) = keyword("group")(rest)?;
        expected("`by` after `group`", keyword("by"))(after_group)
    });
    let (rest, by) = match by_clause {
        Ok((after_by, _)) => name_list(after_by, "a field name after `by`")?,
        Err(nom::Err::Failure(e)) => return Err(nom::Err::Failure(e)),
        Err(_) => (rest, Vec::new()),
    };
    Ok((rest, Bare { items, by }))
}

/// `a, b, c`: one or more field names.
pub(super) fn name_list<'a>(input: Input<'a>, what: &'static str) -> PResult<'a, Vec<Name>> {
    let mut names = Vec::new();
    let mut rest = input;
    loop {
        let (after, name) = expected(what, field_name)(rest)?;
        names.push(name);
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, names)),
        }
    }
}

fn fields(input: Input<'_>) -> PResult<'_, Stage> {
    let (input, ()) = ws(input)?;
    let (input, remove) = match symbol("-")(input) {
        Ok((rest, _)) => (rest, true),
        Err(_) => match symbol("+")(input) {
            Ok((rest, _)) => (rest, false),
            Err(_) => (input, false),
        },
    };
    let (rest, names) = name_list(input, "a field name")?;
    Ok((rest, Stage::Fields { remove, names }))
}

fn sort(input: Input<'_>) -> PResult<'_, Stage> {
    let input = match keyword("by")(input) {
        Ok((rest, _)) => rest,
        Err(_) => input,
    };
    let mut keys = Vec::new();
    let mut rest = input;
    loop {
        let (after, ()) = ws(rest)?;
        let (after, prefix) = if after.fragment().starts_with('+') {
            (after.slice(1..), Some(true))
        } else if after.fragment().starts_with('-') {
            (after.slice(1..), Some(false))
        } else {
            (after, None)
        };
        let (after, field) = expected("a field to sort by", field_name)(after)?;
        let (after, suffix) = if let Ok((r, _)) = keyword("asc")(after) {
            (r, Some(true))
        } else if let Ok((r, _)) = keyword("desc")(after) {
            (r, Some(false))
        } else {
            (after, None)
        };
        let ascending = suffix.or(prefix).unwrap_or(false);
        keys.push(SortKey { field, ascending });
        match symbol(",")(after) {
            Ok((after_comma, _)) => rest = after_comma,
            Err(_) => return Ok((after, Stage::Sort(keys))),
        }
    }
}

/// The largest `limit` Sumo accepts.
const MAX_LIMIT: i64 = 10_000;

fn limit(input: Input<'_>) -> PResult<'_, Stage> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (rest, literal) = expected("a row count after `limit`", number_literal)(input)?;
    match literal {
        Literal::Int(n) if n > MAX_LIMIT => Err(nom::Err::Failure(
            SyntaxError::new(
                codes::BAD_NUMBER,
                format!("`limit` keeps at most 10,000 rows, as in Sumo, not {n}"),
                Span::new(start, offset(&rest)),
            )
            .with_note("help: leave `limit` out to keep every row"),
        )),
        Literal::Int(n) if n >= 0 => Ok((
            rest,
            Stage::Limit(Spanned::new(n as u64, Span::new(start, offset(&rest)))),
        )),
        _ => fail(
            &input,
            codes::BAD_NUMBER,
            "`limit` takes a whole number of rows",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage_of(text: &str) -> Stage {
        parse_stage(Input::new_extra(text, 1)).unwrap().node
    }

    fn error_of(text: &str) -> SyntaxError {
        parse_stage(Input::new_extra(text, 1)).unwrap_err()
    }

    #[test]
    fn sumo_bare_forms() {
        let Stage::Bare(bare) = stage_of(" count as n, sum(b) group by src, dst") else {
            panic!()
        };
        assert_eq!(bare.items.len(), 2);
        assert_eq!(bare.items[0].alias.as_ref().unwrap().node, "n");
        assert_eq!(bare.by.len(), 2);
        let Stage::Bare(bare) = stage_of(" formatDate(t, \"yyyy\") as t") else {
            panic!()
        };
        assert!(bare.by.is_empty());
    }

    #[test]
    fn counting_without_by_or_parentheses() {
        let Stage::Bare(bare) = stage_of(" count user, host") else {
            panic!()
        };
        assert_eq!(bare.items[0].expr.node.to_string(), "count");
        assert_eq!(bare.by.len(), 2);
        let Stage::Bare(bare) = stage_of(" count_frequent srcIP, url") else {
            panic!()
        };
        assert_eq!(
            bare.items[0].expr.node.to_string(),
            "count_frequent(srcIP, url)"
        );
        assert!(bare.by.is_empty());
        let Stage::Bare(bare) = stage_of(" count as n by user") else {
            panic!()
        };
        assert_eq!(bare.items[0].alias.as_ref().unwrap().node, "n");
    }

    #[test]
    fn an_aggregate_without_parentheses_is_not_called_unknown() {
        let e = error_of(" sum bytes");
        assert_eq!(e.code, codes::MISPLACED_AGGREGATE);
        assert_eq!(e.note.as_deref(), Some("help: write `sum(bytes)`"));
        assert_eq!(
            error_of(" coun x").note.as_deref(),
            Some("help: did you mean `count`?")
        );
    }

    #[test]
    fn sort_defaults_to_descending() {
        let Stage::Sort(keys) = stage_of(" sort by a, b asc, +c, -d") else {
            panic!()
        };
        let order: Vec<bool> = keys.iter().map(|k| k.ascending).collect();
        assert_eq!(order, vec![false, true, true, false]);
    }

    #[test]
    fn operator_errors_are_precise() {
        let e = error_of(" wher x > 1");
        assert_eq!(e.code, codes::UNKNOWN_OPERATOR);
        assert_eq!(e.note.as_deref(), Some("help: did you mean `where`?"));
        let refused = error_of(" logcompare timeshift -24h");
        assert_eq!(refused.code, codes::UNSUPPORTED_OPERATOR);
        assert!(
            refused.message.contains("Kullback-Leibler"),
            "{}",
            refused.message
        );
        assert!(error_of(" logexplain x = 1 on y")
            .message
            .contains("`_relevance`"));
        assert_eq!(error_of(" head 10").code, codes::SPLUNK_ONLY);
        assert_eq!(error_of("  ").code, codes::EMPTY_STAGE);
        assert_eq!(
            error_of(" where x > 1 y").message,
            "unexpected `y` at the end of the stage"
        );
    }
}
