//! `join`: each table's rows made by its own stages, then joined on equal fields.

use std::collections::HashMap;

use sumoql_functions::CallContext;
use sumoql_plan::{Join, JoinKey};
use sumoql_value::{GroupKey, Record, Schema, SlotId, WarningKind};

use super::chain::StageChain;
use super::order::{newest_first, time_of};
use super::Stage;
use crate::pipeline::{stages_for, RunOptions};

use sumoql_value::limits::{JOIN_OUTPUT_ROWS, JOIN_TABLE_ROWS};

/// Holds every table's rows until the input ends, then joins them (an inner join, table by
/// table, each table's rows newest first).
pub(crate) struct JoinStage {
    join: Join,
    tables: Vec<TableRows>,
    width: usize,
}

/// One table while records come: its stages and the rows they made.
struct TableRows {
    chain: StageChain,
    rows: Vec<Record>,
    full: bool,
}

impl JoinStage {
    pub(crate) fn new(join: &Join, schema: &Schema, options: &RunOptions) -> JoinStage {
        let tables = join
            .tables
            .iter()
            .map(|table| TableRows {
                chain: StageChain::new(stages_for(schema, &table.operators, options)),
                rows: Vec::new(),
                full: false,
            })
            .collect();
        JoinStage {
            join: join.clone(),
            tables,
            width: schema.len(),
        }
    }
}

impl Stage for JoinStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        for (table, planned) in self.tables.iter_mut().zip(&self.join.tables) {
            table.chain.push(record.clone(), &mut table.rows, ctx);
            table.hold_at_most(&planned.alias, ctx);
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        for (table, planned) in self.tables.iter_mut().zip(&self.join.tables) {
            let mut rows = Vec::new();
            table.chain.finish(&mut rows, ctx);
            table.rows.append(&mut rows);
            table.hold_at_most(&planned.alias, ctx);
            newest_first(&mut table.rows, self.join.time);
        }
        let rows: Vec<&[Record]> = self.tables.iter().map(|t| t.rows.as_slice()).collect();
        let joined = join_rows(
            &rows,
            &self.join.on,
            self.join.window_ms,
            self.join.time,
            ctx,
        );
        for combination in joined {
            let mut record = Record::with_width(self.width);
            for ((table, &row), planned) in rows.iter().zip(&combination).zip(&self.join.tables) {
                for &(column, output) in &planned.columns {
                    record.set(output, table[row].get(column).clone());
                }
            }
            out.push(record);
        }
    }
}

impl TableRows {
    /// Leaves out the rows past [`JOIN_TABLE_ROWS`], warning once.
    fn hold_at_most(&mut self, alias: &str, ctx: &mut CallContext) {
        if self.rows.len() > JOIN_TABLE_ROWS {
            self.rows.truncate(JOIN_TABLE_ROWS);
            if !self.full {
                self.full = true;
                ctx.warnings.add_with_sample(WarningKind::OperatorLimit, || {
                    format!("join: table {alias} holds at most {JOIN_TABLE_ROWS} rows; later rows were left out")
                });
            }
        }
    }
}

/// The combinations of one row per table (as row indexes) that meet every key and the time
/// window, table by table: each row of the first table, then each matching row of the next…
pub(crate) fn join_rows(
    tables: &[&[Record]],
    keys: &[JoinKey],
    window_ms: Option<i64>,
    time: SlotId,
    ctx: &mut CallContext,
) -> Vec<Vec<usize>> {
    let mut partial: Vec<Vec<usize>> = (0..tables.first().map_or(0, |t| t.len()))
        .map(|row| vec![row])
        .collect();
    for (index, table) in tables.iter().enumerate().skip(1) {
        // The keys that tie this table to earlier ones: this table's field, and the earlier
        // table's.
        let ties: Vec<(SlotId, (usize, SlotId))> = keys
            .iter()
            .filter_map(|key| match (key.left, key.right) {
                ((l, field), earlier) if l == index && earlier.0 < index => Some((field, earlier)),
                (earlier, (r, field)) if r == index && earlier.0 < index => Some((field, earlier)),
                _ => None,
            })
            .collect();
        let mut by_key: HashMap<GroupKey, Vec<usize>> = HashMap::new();
        for (row, record) in table.iter().enumerate() {
            if let Some(key) = key_of(ties.iter().map(|(field, _)| record.get(*field))) {
                by_key.entry(key).or_default().push(row);
            }
        }
        let mut next = Vec::new();
        for combination in &partial {
            let wanted =
                key_of(ties.iter().map(|(_, (earlier, field))| {
                    tables[*earlier][combination[*earlier]].get(*field)
                }));
            let Some(candidates) = wanted.and_then(|key| by_key.get(&key)) else {
                continue;
            };
            for &row in candidates {
                let close = window_ms.is_none_or(|window| {
                    combination.iter().enumerate().all(|(earlier, &at)| {
                        within(&tables[earlier][at], &table[row], time, window)
                    })
                });
                if !close {
                    continue;
                }
                if next.len() == JOIN_OUTPUT_ROWS {
                    ctx.warnings.add_with_sample(WarningKind::OperatorLimit, || {
                        format!("join: at most {JOIN_OUTPUT_ROWS} rows are made; the rest were left out")
                    });
                    return next;
                }
                let mut longer = combination.clone();
                longer.push(row);
                next.push(longer);
            }
        }
        partial = next;
    }
    partial
}

/// The values as a key, unless one is null: null never equals anything in a join.
fn key_of<'v>(values: impl Iterator<Item = &'v sumoql_value::Value>) -> Option<GroupKey> {
    let values: Vec<_> = values.cloned().collect();
    (!values.iter().any(|v| v.is_null())).then_some(GroupKey(values))
}

/// Whether two rows are at most `window` milliseconds apart; a row without a time is never
/// within a window.
fn within(a: &Record, b: &Record, time: SlotId, window: i64) -> bool {
    match (time_of(a, time), time_of(b, time)) {
        (Some(x), Some(y)) => (x - y).abs() <= window,
        _ => false,
    }
}
