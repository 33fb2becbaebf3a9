//! Planning `compare`: which columns are keys and which are compared, the earlier time ranges
//! (lanes) and the names of the columns added.

use sumoql_syntax::ast::Comparison;
use sumoql_syntax::{codes, Diagnostic, Span};
use sumoql_value::SlotId;

use super::Planner;
use crate::plan::{Columns, Compare, CompareLane, CompareOutput, Operator};

/// The most earlier runs one `compare` makes: Sumo allows seven additional queries.
const MAX_COMPARE_LANES: u64 = 7;

impl Planner<'_> {
    /// `compare [with] timeshift D [N] [avg|min|max] [as name][, …]`, after an aggregation.
    pub(super) fn compare(
        &mut self,
        comparisons: &[Comparison],
        span: Span,
        operators: &mut Vec<Operator>,
    ) {
        if operators.iter().any(|o| matches!(o, Operator::Compare(_))) {
            self.refuse_compare(span, "`compare` can be used only once in a query", "again");
            return;
        }
        let columns = match &self.columns {
            Columns::Exact(columns) => columns.clone(),
            Columns::Dynamic { .. } => {
                self.refuse_compare(
                    span,
                    "`compare` after `transpose` is not supported: the columns it would compare are known only at run time",
                    "after transpose",
                );
                return;
            }
            Columns::Whole { .. } => {
                self.refuse_compare(
                    span,
                    "`compare` follows an aggregation, such as `count by _timeslice`",
                    "no aggregation before it",
                );
                return;
            }
        };
        let Some(group) = operators.iter().rev().find_map(|o| match o {
            Operator::Aggregate { keys, .. } => Some(keys.clone()),
            _ => None,
        }) else {
            self.refuse_compare(
                span,
                "`compare` follows an aggregation, such as `count by _timeslice`",
                "no aggregation before it",
            );
            return;
        };
        let keys: Vec<SlotId> = columns
            .iter()
            .copied()
            .filter(|c| group.contains(c))
            .collect();
        let values: Vec<SlotId> = columns
            .iter()
            .copied()
            .filter(|c| !keys.contains(c))
            .collect();
        let lanes_asked: u64 = comparisons
            .iter()
            .map(|c| c.count.as_ref().map_or(1, |n| n.node))
            .sum();
        if lanes_asked > MAX_COMPARE_LANES {
            self.refuse_compare(
                span,
                &format!(
                    "`compare` runs the query once more per earlier time range, at most {MAX_COMPARE_LANES} times as in Sumo, and this one asks for {lanes_asked}"
                ),
                "too many time ranges",
            );
            return;
        }
        for (index, comparison) in comparisons.iter().enumerate() {
            let Some(alias) = &comparison.alias else {
                continue;
            };
            let earlier = comparisons[..index].iter().filter_map(|c| c.alias.as_ref());
            if earlier
                .into_iter()
                .any(|a| a.node.eq_ignore_ascii_case(&alias.node))
            {
                self.refuse_compare(
                    alias.span,
                    &format!("two comparisons are named `{}`", alias.node),
                    "named twice",
                );
                return;
            }
        }
        let Some(range) = self.time_range(span, "`compare`") else {
            return;
        };
        let mut lanes = Vec::new();
        let mut outputs = Vec::new();
        let mut named: Vec<String> = Vec::new();
        for comparison in comparisons {
            for suffix_and_lanes in lane_suffixes(comparison) {
                let (suffix, offsets) = suffix_and_lanes;
                if named.contains(&suffix) {
                    self.refuse_compare(
                        comparison.span,
                        &format!("two comparisons would both make the columns ending `_{suffix}`"),
                        "named twice",
                    );
                    return;
                }
                named.push(suffix.clone());
                let first = lanes.len();
                lanes.extend(offsets.iter().map(|&offset_ms| CompareLane {
                    offset_ms,
                    rows: Vec::new(),
                }));
                let columns = values
                    .iter()
                    .map(|&value| {
                        let name = format!("{}_{suffix}", self.schema.name(value));
                        self.write_field(&name)
                    })
                    .collect();
                outputs.push(CompareOutput {
                    lanes: (first..lanes.len()).collect(),
                    combine: comparison.combine,
                    columns,
                });
            }
        }
        let timeslice = keys
            .iter()
            .copied()
            .find(|&k| self.schema.name(k) == "_timeslice");
        operators.push(Operator::Compare(Compare {
            columns,
            keys,
            timeslice,
            values,
            range,
            lanes,
            outputs,
        }));
    }

    fn refuse_compare(&mut self, span: Span, message: &str, label: &str) {
        self.errors.push(
            Diagnostic::error(codes::INVALID_STAGE, message.to_string(), span)
                .with_label(label.to_string()),
        );
    }
}

/// The column suffix of each output a comparison makes, with the offsets of its lanes:
/// `timeshift 1d 3` makes `1d`, `2d` and `3d`, one lane each; `timeshift 1d 7 avg` makes
/// `7d_avg` over seven lanes; `as name` puts the name in place of the shift (followed by the
/// shift when the lanes stay apart).
fn lane_suffixes(comparison: &Comparison) -> Vec<(String, Vec<i64>)> {
    let count = comparison.count.as_ref().map_or(1, |n| n.node);
    let shift = comparison.shift.node;
    let offset = |k: u64| shift.saturating_mul(i64::try_from(k).unwrap_or(i64::MAX));
    let written = |k: u64| shift_written(&comparison.shift_text, shift, k);
    let alias = comparison.alias.as_ref().map(|a| a.node.clone());
    match (comparison.combine, alias) {
        (Some(how), None) => vec![(
            format!("{}_{}", written(count), how.written()),
            (1..=count).map(offset).collect(),
        )],
        (Some(_), Some(alias)) => vec![(alias, (1..=count).map(offset).collect())],
        (None, None) => (1..=count).map(|k| (written(k), vec![offset(k)])).collect(),
        (None, Some(alias)) if comparison.count.is_none() => vec![(alias, vec![offset(1)])],
        (None, Some(alias)) => (1..=count)
            .map(|k| (format!("{alias}_{}", written(k)), vec![offset(k)]))
            .collect(),
    }
}

/// `k` times the shift written `text` (`1d`, 3 → `3d`), in the unit written; in milliseconds
/// when the written number is not whole.
fn shift_written(text: &str, shift_ms: i64, k: u64) -> String {
    let unit_at = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(unit_at);
    match number.parse::<u64>() {
        Ok(n) => format!("{}{unit}", n.saturating_mul(k)),
        Err(_) => format!(
            "{}ms",
            shift_ms.saturating_mul(i64::try_from(k).unwrap_or(i64::MAX))
        ),
    }
}
