//! `fillmissing values("a", "b") in f`: rows for the key combinations no row has.

use std::collections::HashSet;

use sumoql_functions::CallContext;
use sumoql_value::{Record, SlotId, Value};

use crate::stages::Stage;

/// Passes every record, noting its keys; at the end, appends a record for every combination
/// of the generated values (first generator slowest) that was not seen, other fields null.
/// Keys compare by their text, so the generated `"200"` matches a count key `200`.
pub(crate) struct FillMissingStage {
    keys: Vec<SlotId>,
    values: Vec<Vec<Value>>,
    width: usize,
    seen: HashSet<Vec<Option<String>>>,
}

impl FillMissingStage {
    pub(crate) fn new(
        keys: Vec<SlotId>,
        values: Vec<Vec<Value>>,
        width: usize,
    ) -> FillMissingStage {
        FillMissingStage {
            keys,
            values,
            width,
            seen: HashSet::new(),
        }
    }
}

/// The text of each value, as keys compare.
fn texts<'a>(values: impl Iterator<Item = &'a Value>) -> Vec<Option<String>> {
    values
        .map(|v| v.to_text().map(|t| t.into_owned()))
        .collect()
}

impl Stage for FillMissingStage {
    fn push(&mut self, record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.seen
            .insert(texts(self.keys.iter().map(|&slot| record.get(slot))));
        out.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut combination = vec![0usize; self.values.len()];
        if self.values.iter().any(Vec::is_empty) {
            return;
        }
        loop {
            let tuple: Vec<&Value> = combination
                .iter()
                .zip(&self.values)
                .filter_map(|(&index, values)| values.get(index))
                .collect();
            if !self.seen.contains(&texts(tuple.iter().copied())) {
                let mut record = Record::with_width(self.width);
                for (&slot, value) in self.keys.iter().zip(&tuple) {
                    record.set(slot, (*value).clone());
                }
                out.push(record);
            }
            // The next combination, the last generator fastest.
            let mut position = combination.len();
            loop {
                if position == 0 {
                    return;
                }
                position -= 1;
                combination[position] += 1;
                if combination[position] < self.values[position].len() {
                    break;
                }
                combination[position] = 0;
            }
        }
    }
}
