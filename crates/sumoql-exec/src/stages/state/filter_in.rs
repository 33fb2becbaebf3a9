//! `filter f in (child)`: the rows whose values of the fields are among the child query's
//! rows, the child running over the same rows.

use std::collections::HashSet;

use sumoql_functions::CallContext;
use sumoql_plan::FilterIn;
use sumoql_value::limits::FILTER_ROWS;
use sumoql_value::{GroupKey, Record, Schema, WarningKind};

use crate::pipeline::RunOptions;
use crate::stages::chain::run_stages;
use crate::stages::Stage;

/// Holds the rows until the input ends, runs the child over them, then keeps the matching
/// ones in their order.
pub(crate) struct FilterInStage {
    plan: FilterIn,
    schema: Schema,
    options: RunOptions,
    held: Vec<Record>,
    /// Whether the row limit was reached (and warned about).
    full: bool,
}

impl FilterInStage {
    pub(crate) fn new(plan: FilterIn, schema: &Schema, options: &RunOptions) -> FilterInStage {
        FilterInStage {
            plan,
            schema: schema.clone(),
            options: options.clone(),
            held: Vec::new(),
            full: false,
        }
    }

    /// The values of the matched fields in `row`.
    fn key_of(&self, row: &Record) -> GroupKey {
        GroupKey(
            self.plan
                .fields
                .iter()
                .map(|&slot| row.get(slot).clone())
                .collect(),
        )
    }
}

impl Stage for FilterInStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        if self.held.len() < FILTER_ROWS {
            self.held.push(record);
        } else if !self.full {
            self.full = true;
            ctx.warnings
                .add_with_sample(WarningKind::OperatorLimit, || {
                    format!(
                        "filter: at most {FILTER_ROWS} rows are taken; later ones were left out"
                    )
                });
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let rows = std::mem::take(&mut self.held);
        let chosen = run_stages(
            &self.schema,
            &self.plan.child,
            &self.options,
            rows.iter().cloned(),
            ctx,
        );
        let keys: HashSet<GroupKey> = chosen.iter().map(|row| self.key_of(row)).collect();
        out.extend(
            rows.into_iter()
                .filter(|row| keys.contains(&self.key_of(row))),
        );
    }
}
