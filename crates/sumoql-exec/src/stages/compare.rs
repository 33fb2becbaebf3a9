//! `compare`: the rows of an aggregation beside the rows its lanes (the same query over earlier
//! time ranges) found before the run.

use std::collections::HashMap;

use sumoql_functions::CallContext;
use sumoql_plan::{Compare, CompareCombine};
use sumoql_value::{compare_group_keys, GroupKey, Number, Record, Value};

use super::Stage;

/// Holds the run's rows, then emits every key of the run and of the lanes with the lanes'
/// values set beside the run's, in ascending key order.
pub(crate) struct CompareStage {
    spec: Compare,
    width: usize,
    held: Vec<Record>,
}

impl CompareStage {
    pub(crate) fn new(spec: Compare, width: usize) -> CompareStage {
        CompareStage {
            spec,
            width,
            held: Vec::new(),
        }
    }

    /// A lane's row as a record of the run: its `_timeslice` moved forward by the lane's offset.
    fn lane_record(&self, lane: usize, row: &[Value]) -> Record {
        let mut record = Record::with_width(self.width);
        for (&slot, value) in self.spec.columns.iter().zip(row) {
            record.set(slot, value.clone());
        }
        if let Some(slot) = self.spec.timeslice {
            let offset = self.spec.lanes[lane].offset_ms;
            if let Some(Number::Int(start)) = record.get(slot).as_number() {
                record.set(slot, Value::Int(start.saturating_add(offset)));
            }
        }
        record
    }

    fn key(&self, record: &Record) -> GroupKey {
        GroupKey(
            self.spec
                .keys
                .iter()
                .map(|&slot| record.get(slot).clone())
                .collect(),
        )
    }
}

/// One key's row of the run (or, when the run has none, a row of its keys alone) and its row in
/// each lane.
struct KeyRows {
    row: Record,
    in_lanes: Vec<Option<Record>>,
}

impl Stage for CompareStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut rows: HashMap<GroupKey, KeyRows> = HashMap::new();
        let lanes = self.spec.lanes.len();
        for record in std::mem::take(&mut self.held) {
            let key = self.key(&record);
            rows.entry(key).or_insert_with(|| KeyRows {
                row: record,
                in_lanes: vec![None; lanes],
            });
        }
        for lane in 0..lanes {
            for row in &self.spec.lanes[lane].rows {
                let record = self.lane_record(lane, row);
                let key = self.key(&record);
                let entry = rows.entry(key).or_insert_with(|| {
                    let mut keys_only = Record::with_width(self.width);
                    for &slot in &self.spec.keys {
                        keys_only.set(slot, record.get(slot).clone());
                    }
                    KeyRows {
                        row: keys_only,
                        in_lanes: vec![None; lanes],
                    }
                });
                entry.in_lanes[lane].get_or_insert(record);
            }
        }
        let mut rows: Vec<(GroupKey, KeyRows)> = rows.into_iter().collect();
        rows.sort_by(|a, b| compare_group_keys(&a.0 .0, &b.0 .0));
        for (
            _,
            KeyRows {
                row: mut record,
                in_lanes,
            },
        ) in rows
        {
            for output in &self.spec.outputs {
                for (&value, &column) in self.spec.values.iter().zip(&output.columns) {
                    let values = output
                        .lanes
                        .iter()
                        .filter_map(|&lane| in_lanes[lane].as_ref())
                        .map(|lane_record| lane_record.get(value));
                    let combined = match output.combine {
                        None => values.into_iter().next().cloned().unwrap_or(Value::Null),
                        Some(how) => combine(how, values),
                    };
                    record.set(column, combined);
                }
            }
            out.push(record);
        }
    }
}

/// The average, smallest or largest of the numbers among `values` (text that is a number
/// counts, D6); null when there is none. The smallest and largest keep their kind (D12).
fn combine<'v>(how: CompareCombine, values: impl Iterator<Item = &'v Value>) -> Value {
    let numbers: Vec<Number> = values.filter_map(Value::as_number).collect();
    if numbers.is_empty() {
        return Value::Null;
    }
    match how {
        CompareCombine::Avg => {
            let sum: f64 = numbers.iter().map(|n| n.as_f64()).sum();
            Value::Float(sum / numbers.len() as f64)
        }
        CompareCombine::Min => numbers
            .into_iter()
            .min_by(|a, b| a.total_cmp(*b))
            .map_or(Value::Null, Value::from_number),
        CompareCombine::Max => numbers
            .into_iter()
            .max_by(|a, b| a.total_cmp(*b))
            .map_or(Value::Null, Value::from_number),
    }
}
