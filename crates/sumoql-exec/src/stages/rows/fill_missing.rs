//! `fillmissing values("a", "b") in f`: rows for the key combinations no row has.

use std::collections::HashSet;

use sumoql_functions::CallContext;
use sumoql_value::{Record, SlotId, Value};

use crate::stages::Stage;

/// Passes every record, noting its keys and the type of each other field; at the end, appends
/// a record for every combination of the generated values (first generator slowest) that was
/// not seen. Keys compare by their text, so the generated `"200"` matches a count key `200`.
/// The other fields of an added record hold their `with` value, else the zero of the type the
/// rows show (0, 0.0 or false; null for text), else the value of their aggregate over no
/// records when it is a number, else null.
pub(crate) struct FillMissingStage {
    keys: Vec<SlotId>,
    values: Vec<Vec<Value>>,
    /// The value each field of an added record starts with: its `with` value, or the one of
    /// its aggregate over no records.
    fallback: Vec<Value>,
    /// The fields whose value was given with `with`.
    given: Vec<bool>,
    /// The zero of each field's type, once a row shows it.
    zeros: Vec<Option<Value>>,
    seen: HashSet<Vec<Option<String>>>,
}

impl FillMissingStage {
    pub(crate) fn new(
        keys: Vec<SlotId>,
        values: Vec<Vec<Value>>,
        defaults: &[(SlotId, Value)],
        empty: &[(SlotId, Value)],
        width: usize,
    ) -> FillMissingStage {
        let mut fallback = vec![Value::Null; width];
        let mut given = vec![false; width];
        for (slot, value) in empty {
            fallback[*slot] = value.clone();
        }
        for (slot, value) in defaults {
            fallback[*slot] = value.clone();
            given[*slot] = true;
        }
        FillMissingStage {
            keys,
            values,
            fallback,
            given,
            zeros: vec![None; width],
            seen: HashSet::new(),
        }
    }
}

/// The value Sumo gives a field of `value`'s type in an added row: 0 for a number, false for
/// a boolean, null for anything else.
fn zero_like(value: &Value) -> Value {
    match value {
        Value::Int(_) => Value::Int(0),
        Value::Float(_) => Value::Float(0.0),
        Value::Bool(_) => Value::Bool(false),
        _ => Value::Null,
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
        for (zero, value) in self.zeros.iter_mut().zip(&record.slots) {
            if zero.is_none() && !value.is_null() {
                *zero = Some(zero_like(value));
            }
        }
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
                let slots = (self.fallback.iter().zip(&self.zeros).zip(&self.given))
                    .map(|((fallback, zero), &given)| match zero {
                        Some(zero) if !given => zero.clone(),
                        _ => fallback.clone(),
                    })
                    .collect();
                let mut record = Record {
                    slots,
                    source: Vec::new(),
                };
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
