//! The plan of `compare`: the rows of an aggregation beside the rows of the same query run over
//! earlier time ranges, its lanes.

use sumoql_syntax::ast::CompareCombine;
use sumoql_value::{Schema, SlotId, Value};

use crate::plan::{slot_names, Columns, Operator, Plan};

/// Sets beside each row of an aggregation the values the same query gives over earlier time
/// ranges (`compare with timeshift 1d`, `compare timeshift 1d 7 avg`).
///
/// Each lane is the query up to `compare`, run again over the run's time range moved back by
/// the lane's offset; its rows are found before the query runs (like a subquery's) and held
/// here. A row of the result is one key (the aggregation's group fields still shown, a lane's
/// `_timeslice` moved forward by its offset): its own columns, null where the key has no row in
/// the run's range, then each output's columns, null where its lanes have no row for the key.
/// Rows come out in ascending order of their keys (D18).
#[derive(Clone, Debug)]
pub struct Compare {
    /// The columns before `compare`, in the order of the lanes' rows.
    pub columns: Vec<SlotId>,
    /// The group fields among them, which match rows across lanes.
    pub keys: Vec<SlotId>,
    /// `_timeslice`, when it is a key: a lane's slices are moved forward by its offset.
    pub timeslice: Option<SlotId>,
    /// The compared columns: every column that is not a key.
    pub values: Vec<SlotId>,
    /// The run's time range `[start, end)` in epoch milliseconds, which the lanes move back.
    pub range: (i64, i64),
    /// The earlier runs.
    pub lanes: Vec<CompareLane>,
    /// The columns added, in order.
    pub outputs: Vec<CompareOutput>,
}

/// One earlier run of the query up to `compare`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareLane {
    /// How far back its time range lies, in milliseconds.
    pub offset_ms: i64,
    /// Its rows, one value per column of [`Compare::columns`]; empty until resolved.
    pub rows: Vec<Vec<Value>>,
}

/// Columns `compare` adds: one per compared column, from one lane or several made one.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareOutput {
    /// The lanes read, as indices into [`Compare::lanes`].
    pub lanes: Vec<usize>,
    /// How several lanes' values become one; `None` for a single lane.
    pub combine: Option<CompareCombine>,
    /// The column written for each of [`Compare::values`], in order.
    pub columns: Vec<SlotId>,
}

impl Compare {
    /// The time range `[start, end)` of lane `index`.
    pub fn lane_range(&self, index: usize) -> (i64, i64) {
        let offset = self.lanes[index].offset_ms;
        (
            self.range.0.saturating_sub(offset),
            self.range.1.saturating_sub(offset),
        )
    }

    /// The operator as one line of `explain`.
    pub fn describe(&self, schema: &Schema) -> String {
        let outputs: Vec<String> = self
            .outputs
            .iter()
            .map(|output| {
                let offsets: Vec<String> = output
                    .lanes
                    .iter()
                    .map(|&lane| format!("{} ms", self.lanes[lane].offset_ms))
                    .collect();
                let combine = output
                    .combine
                    .map_or(String::new(), |how| format!("{} of ", how.written()));
                format!(
                    "{} = {combine}{}",
                    slot_names(schema, &output.columns),
                    offsets.join(", ")
                )
            })
            .collect();
        format!(
            "Compare {} by {} with {}",
            slot_names(schema, &self.values),
            slot_names(schema, &self.keys),
            outputs.join("; ")
        )
    }
}

impl Plan {
    /// The `compare` of the query, if it has one.
    pub fn compare(&self) -> Option<&Compare> {
        self.operators.iter().find_map(|operator| match operator {
            Operator::Compare(compare) => Some(compare),
            _ => None,
        })
    }

    /// The query up to its `compare`, whose rows each lane gives; `None` without `compare`.
    pub fn before_compare(&self) -> Option<Plan> {
        let index = self
            .operators
            .iter()
            .position(|operator| matches!(operator, Operator::Compare(_)))?;
        let Operator::Compare(compare) = &self.operators[index] else {
            return None;
        };
        Some(Plan {
            operators: self.operators[..index].to_vec(),
            output: Columns::Exact(compare.columns.clone()),
            ..self.clone()
        })
    }

    /// Puts the rows of lane `index` of the query's `compare` in place.
    pub fn resolve_compare_lane(&mut self, index: usize, rows: Vec<Vec<Value>>) {
        for operator in &mut self.operators {
            if let Operator::Compare(compare) = operator {
                if let Some(lane) = compare.lanes.get_mut(index) {
                    lane.rows = rows;
                }
                return;
            }
        }
    }
}
