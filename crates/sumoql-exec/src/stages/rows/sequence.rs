//! `accum`, `total`, `diff`, `backshift`, `smooth` and `rollingstd`: values computed along the
//! rows of each group, in input order.

use std::collections::{HashMap, VecDeque};

use sumoql_functions::CallContext;
use sumoql_plan::{binary, BinaryOp, SequenceKind};
use sumoql_value::{GroupKey, Record, SlotId, Value, WarningKind};

use super::key_of;
use crate::stages::Stage;

/// One row-sequence operator. `accum`, `diff` and `backshift` stream; `total` holds every
/// record until the end, when each group's sum is known.
pub(crate) struct SequenceStage {
    kind: SequenceKind,
    field: SlotId,
    shift: usize,
    output: SlotId,
    by: Vec<SlotId>,
    /// Per group: the running sum (`accum`, `total`), the previous number (`diff`), or the
    /// last `shift` values (`backshift`, and the window of `smooth` and `rollingstd`).
    state: HashMap<GroupKey, VecDeque<Value>>,
    /// `total`: the records and their group keys, in input order.
    held: Vec<(GroupKey, Record)>,
}

impl SequenceStage {
    pub(crate) fn new(
        kind: SequenceKind,
        field: SlotId,
        shift: u64,
        output: SlotId,
        by: Vec<SlotId>,
    ) -> SequenceStage {
        SequenceStage {
            kind,
            field,
            shift: usize::try_from(shift).unwrap_or(usize::MAX),
            output,
            by,
            state: HashMap::new(),
            held: Vec::new(),
        }
    }
}

impl Stage for SequenceStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let key = key_of(&record, &self.by);
        let value = record.get(self.field).clone();
        let is_number = value.as_number().is_some();
        if !is_number && self.kind != SequenceKind::Backshift {
            ctx.warn(WarningKind::NonNumericSkipped);
            if self.kind == SequenceKind::Total {
                self.held.push((key, record));
            }
            return;
        }
        let state = self.state.entry(key.clone()).or_default();
        let result = match self.kind {
            SequenceKind::Accum | SequenceKind::Total => {
                let sum = match state.pop_front() {
                    Some(previous) => binary(BinaryOp::Add, &previous, &value),
                    None => binary(BinaryOp::Add, &Value::Int(0), &value),
                };
                state.push_back(sum.clone());
                sum
            }
            SequenceKind::Diff => {
                let difference = state.pop_front().map_or(Value::Null, |previous| {
                    binary(BinaryOp::Sub, &value, &previous)
                });
                state.push_back(value);
                difference
            }
            SequenceKind::Backshift => {
                state.push_back(value);
                if state.len() > self.shift {
                    state.pop_front().unwrap_or(Value::Null)
                } else {
                    Value::Null
                }
            }
            SequenceKind::Smooth | SequenceKind::RollingStd => {
                state.push_back(value);
                if state.len() > self.shift {
                    state.pop_front();
                }
                let window: Vec<f64> = state
                    .iter()
                    .filter_map(|v| v.as_number().map(|n| n.as_f64()))
                    .collect();
                Value::Float(if self.kind == SequenceKind::Smooth {
                    mean(&window)
                } else {
                    sample_deviation(&window)
                })
            }
        };
        if self.kind == SequenceKind::Total {
            self.held.push((key, record));
        } else {
            record.set(self.output, result);
            out.push(record);
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        for (key, mut record) in self.held.drain(..) {
            let total = self
                .state
                .get(&key)
                .and_then(|sums| sums.front())
                .cloned()
                .unwrap_or(Value::Null);
            record.set(self.output, total);
            out.push(record);
        }
    }
}

/// The average of `values`, which are never empty.
pub(super) fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample standard deviation of `values` (divided by n − 1); 0 for a single value, as
/// Sumo's `rollingstd` gives.
pub(super) fn sample_deviation(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let average = mean(values);
    let squares: f64 = values.iter().map(|v| (v - average).powi(2)).sum();
    (squares / (values.len() - 1) as f64).sqrt()
}
