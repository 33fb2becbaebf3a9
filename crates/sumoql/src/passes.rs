//! Queries that read their inputs more than once: each subquery's child query is a run of its
//! own over the same inputs (on its own time range when it gives one), made before the query
//! that holds it; its distinct rows then replace the subquery's placeholder in the plan. So is
//! each lane of `compare`: the query up to `compare` over an earlier time range, whose rows
//! `compare` sets beside the run's.

use std::collections::HashSet;

use sumoql_value::time::parse_time_arg;
use sumoql_value::{GroupKey, Value, WarningKind, Warnings};

use crate::engine::Query;
use crate::output::ColumnNames;
use crate::run::{execute, RunConfig, RunError, Scan};

/// The most bytes of standard input held in memory so that a query with subqueries can read it
/// again; past it the run stops with [`RunError::InputTooLargeToReread`].
pub const REREAD_HOLD_BYTES: usize = 1 << 30;

/// `query` with every subquery replaced by its child's rows (children with subqueries of their
/// own are resolved first), and the warnings of the children's runs.
pub(crate) fn resolve_subqueries(
    query: &Query,
    config: &RunConfig,
    scan: &Scan<'_>,
) -> Result<(Query, Warnings), RunError> {
    let mut resolved = query.clone();
    let mut warnings = Warnings::new();
    for (index, subquery) in query.plan.subqueries.iter().enumerate() {
        let child = Query {
            text: String::new(),
            plan: subquery.plan.clone(),
        };
        let child_config = RunConfig {
            window: child_window(config, subquery.from.as_deref(), subquery.to.as_deref())?,
            ..config.clone()
        };
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut seen: HashSet<GroupKey> = HashSet::new();
        let (mut past_limit, mut with_null) = (0u64, 0u64);
        let mut sink = |_: ColumnNames, values: Vec<Value>| {
            if values.iter().any(Value::is_null) {
                with_null += 1;
            } else if seen.insert(GroupKey(values.clone())) {
                if rows.len() < subquery.max_results {
                    rows.push(values);
                } else {
                    past_limit += 1;
                }
            }
            Ok(())
        };
        let summary = execute(&child, &child_config, &mut sink, scan)?;
        warnings.merge(summary.warnings);
        let number = index + 1;
        if past_limit > 0 {
            warnings.add_many_with_sample(WarningKind::SubqueryRowsLeftOut, past_limit, || {
                format!(
                    "subquery {number}: {past_limit} distinct row(s) past maxresults={}",
                    subquery.max_results
                )
            });
        }
        if with_null > 0 {
            warnings.add_many_with_sample(WarningKind::SubqueryRowsLeftOut, with_null, || {
                format!("subquery {number}: {with_null} row(s) with a null composed field")
            });
        }
        if rows.is_empty() {
            warnings.add_with_sample(WarningKind::SubqueryEmpty, || {
                format!("subquery {number} returned no rows")
            });
        }
        resolved.plan.resolve_subquery(index, &rows);
    }
    Ok((resolved, warnings))
}

/// `query` with the rows of each lane of its `compare` in place (each lane a run of the query
/// up to `compare` over the run's time range moved back), and the warnings of those runs.
pub(crate) fn resolve_compare_lanes(
    query: &Query,
    config: &RunConfig,
    scan: &Scan<'_>,
) -> Result<(Query, Warnings), RunError> {
    let mut resolved = query.clone();
    let mut warnings = Warnings::new();
    let (Some(compare), Some(before)) = (query.plan.compare(), query.plan.before_compare()) else {
        return Ok((resolved, warnings));
    };
    let child = Query {
        text: String::new(),
        plan: before,
    };
    for lane in 0..compare.lanes.len() {
        let (start, end) = compare.lane_range(lane);
        let child_config = RunConfig {
            window: Some((Some(start), Some(end))),
            ..config.clone()
        };
        let mut rows: Vec<Vec<Value>> = Vec::new();
        let mut sink = |_: ColumnNames, values: Vec<Value>| {
            rows.push(values);
            Ok(())
        };
        let summary = execute(&child, &child_config, &mut sink, scan)?;
        warnings.merge(summary.warnings);
        resolved.plan.resolve_compare_lane(lane, rows);
    }
    Ok((resolved, warnings))
}

/// A time range's start and end in epoch milliseconds, each `None` where open.
type TimeRange = (Option<i64>, Option<i64>);

/// The time range of a child query: its own `from=` and `to=` where given (read against the
/// run's "now" and zone), else the run's.
fn child_window(
    config: &RunConfig,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Option<TimeRange>, RunError> {
    if from.is_none() && to.is_none() {
        return Ok(config.window);
    }
    let parse = |text: Option<&str>| -> Result<Option<i64>, RunError> {
        text.map(|text| {
            parse_time_arg(text, config.now_ms, &config.zone)
                .map_err(|_| RunError::SubqueryTime(text.to_string()))
        })
        .transpose()
    };
    let (run_from, run_to) = config.window.unwrap_or_default();
    Ok(Some((parse(from)?.or(run_from), parse(to)?.or(run_to))))
}
