//! Subqueries: `[subquery [from=(…)] [to=(…)]: CHILD QUERY | compose f[, g] [maxresults=N]
//! [keywords]]`, in the scope and in expressions.

use super::error::{at_end, expected};
use super::literal::{keyword, symbol, ws};
use super::nested::enclosed;
use super::options::{option_name, unknown_option, whole_number};
use super::scope::parse_scope;
use super::split::split_stages_at;
use super::stage::{name_list, parse_stage};
use super::{offset, Input, PResult};
use crate::ast::{Name, Query, Subquery};
use crate::codes;
use crate::span::{Span, Spanned};

/// Whether the input starts a subquery: `[` and the word `subquery`.
pub(crate) fn starts_subquery(input: Input<'_>) -> bool {
    let Ok((rest, ())) = ws(input) else {
        return false;
    };
    symbol("[")(rest).is_ok_and(|(after, _)| keyword("subquery")(after).is_ok())
}

/// A whole `[subquery: …]`, with the span of its brackets.
pub(crate) fn subquery(input: Input<'_>) -> PResult<'_, Spanned<Subquery>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let (rest, inner) = enclosed(input, '[')?;
    let span = Span::new(start, offset(&rest));
    let (body, _) = keyword("subquery")(inner)?;
    let (body, (from, to)) = time_range(body)?;
    let (body, _) = expected("`:` and the child query", symbol(":"))(body)?;
    let segments = split_stages_at(body.fragment(), offset(&body)).map_err(nom::Err::Failure)?;
    let (compose_segment, others) = segments
        .split_last()
        .filter(|(_, others)| !others.is_empty())
        .ok_or_else(|| missing_compose(span))?;
    if keyword("compose")(*compose_segment).is_err() {
        return Err(missing_compose(span));
    }
    let (scope_segment, stage_segments) =
        others.split_first().ok_or_else(|| missing_compose(span))?;
    let scope = parse_scope(*scope_segment).map_err(nom::Err::Failure)?;
    let stages = stage_segments
        .iter()
        .map(|segment| parse_stage(*segment).map_err(nom::Err::Failure))
        .collect::<Result<Vec<_>, _>>()?;
    let (_, (compose, max_results, keywords)) = compose(*compose_segment)?;
    Ok((
        rest,
        Spanned::new(
            Subquery {
                query: Query { scope, stages },
                compose,
                max_results,
                keywords,
                from,
                to,
            },
            span,
        ),
    ))
}

fn missing_compose(span: Span) -> nom::Err<super::SyntaxError> {
    nom::Err::Failure(
        super::SyntaxError::new(
            codes::INVALID_STAGE,
            "a subquery ends with `| compose field, …`, which names the fields it returns",
            span,
        )
        .with_note("help: `[subquery: _sourceCategory=x | count by ip | compose ip]`"),
    )
}

/// The time range a child query runs on: `from=(…)` and `to=(…)`, as written.
type TimeRange = (Option<Spanned<String>>, Option<Spanned<String>>);

/// `from=(-15m) to=(now)`, each optional.
fn time_range(input: Input<'_>) -> PResult<'_, TimeRange> {
    let (mut from, mut to) = (None, None);
    let mut rest = input;
    while let Some((after, name)) = option_name(rest) {
        let (after, value) = enclosed(after, '(')?;
        let text = Spanned::new(
            value.fragment().trim().to_string(),
            Span::new(offset(&value), offset(&value) + value.fragment().len()),
        );
        match name.node.as_str() {
            "from" => from = Some(text),
            "to" => to = Some(text),
            _ => return unknown_option(&name, "subquery", "`from=(…)` and `to=(…)`"),
        }
        rest = after;
    }
    Ok((rest, (from, to)))
}

/// `compose [by] f[, g] [maxresults=N] [keywords]`, the whole of its segment.
fn compose(input: Input<'_>) -> PResult<'_, (Vec<Name>, Option<Spanned<u64>>, bool)> {
    let (rest, _) = keyword("compose")(input)?;
    let rest = keyword("by")(rest).map_or(rest, |(after, _)| after);
    let (mut rest, fields) = name_list(rest, "a field to compose")?;
    let mut max_results = None;
    let mut keywords = false;
    loop {
        if let Some((after, name)) = option_name(rest) {
            if name.node != "maxresults" {
                return unknown_option(&name, "compose", "`maxresults=N` and `keywords`");
            }
            let (after, n) = whole_number(after, "the most rows, from 1 to 10000", 1)?;
            if n.node > 10_000 {
                return Err(nom::Err::Failure(super::SyntaxError::new(
                    codes::BAD_NUMBER,
                    "a subquery returns at most 10000 rows (`maxresults=10000`)",
                    n.span,
                )));
            }
            max_results = Some(n);
            rest = after;
        } else if let Ok((after, _)) = keyword("keywords")(rest) {
            keywords = true;
            rest = after;
        } else {
            break;
        }
    }
    let (rest, ()) = at_end(rest, "`compose`")?;
    Ok((rest, (fields, max_results, keywords)))
}
