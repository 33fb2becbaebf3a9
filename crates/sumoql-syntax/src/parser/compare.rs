//! `compare [with] timeshift D [N] [avg|min|max] [as name][, [with] timeshift …]`.

use super::error::{expected, fail};
use super::literal::{field_name, keyword, ws};
use super::options::{comma_separated, duration, whole_number};
use super::{offset, Input, PResult};
use crate::ast::{CompareCombine, Comparison, Stage};
use crate::codes;
use crate::span::Span;

/// Parses the rest of a `compare` stage, after its name.
pub(crate) fn compare(input: Input<'_>) -> PResult<'_, Stage> {
    let (rest, comparisons) = comma_separated(input, comparison)?;
    Ok((rest, Stage::Compare(comparisons)))
}

/// One `[with] timeshift D [N] [avg|min|max] [as name]`.
fn comparison(input: Input<'_>) -> PResult<'_, Comparison> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let input = keyword("with")(input).map_or(input, |(rest, _)| rest);
    let (rest, _) = expected(
        "`timeshift` and how far back to compare, e.g. `timeshift 1d`",
        keyword("timeshift"),
    )(input)?;
    let (rest, (shift, shift_text)) = duration(rest, "how far back to compare")?;
    let (rest, ()) = ws(rest)?;
    let (rest, count) = if rest.fragment().starts_with(|c: char| c.is_ascii_digit()) {
        let (after, count) = whole_number(rest, "how many earlier time ranges", 1)?;
        (after, Some(count))
    } else {
        (rest, None)
    };
    let mut combine = None;
    let mut rest = rest;
    for (word, how) in [
        ("avg", CompareCombine::Avg),
        ("min", CompareCombine::Min),
        ("max", CompareCombine::Max),
    ] {
        if let Ok((after, _)) = keyword(word)(rest) {
            combine = Some(how);
            rest = after;
            break;
        }
    }
    let (rest, alias) = match keyword("as")(rest) {
        Ok((after_as, _)) => {
            let (after, alias) = expected("the comparison's name", field_name)(after_as)?;
            (after, Some(alias))
        }
        Err(_) => (rest, None),
    };
    if combine.is_some() && count.is_none() {
        let (at, ()) = ws(input)?;
        return fail(
            &at,
            codes::INVALID_STAGE,
            "`avg`, `min` and `max` combine several earlier time ranges: give their number \
             after the shift, e.g. `timeshift 1d 7 avg`",
        );
    }
    let span = Span::new(start, offset(&rest));
    Ok((
        rest,
        Comparison {
            shift,
            shift_text,
            count,
            combine,
            alias,
            span,
        },
    ))
}
