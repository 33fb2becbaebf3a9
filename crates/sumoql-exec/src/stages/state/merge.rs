//! `merge`: the records reduced to one, each field by its strategy, in time order.

use sumoql_functions::CallContext;
use sumoql_plan::{Merge, MergeStrategy};
use sumoql_value::{Record, Value};

use crate::stages::order::oldest_first;
use crate::stages::Stage;

/// Holds the records until the input ends, then emits the one record they merge into (none when
/// no record came).
pub(crate) struct MergeStage {
    plan: Merge,
    width: usize,
    held: Vec<Record>,
}

impl MergeStage {
    pub(crate) fn new(plan: Merge, width: usize) -> MergeStage {
        MergeStage {
            plan,
            width,
            held: Vec::new(),
        }
    }
}

impl Stage for MergeStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        if self.held.is_empty() {
            return;
        }
        let mut records = std::mem::take(&mut self.held);
        oldest_first(&mut records, self.plan.time);
        out.push(merge(&self.plan, &records, self.width));
    }
}

/// The record that `records`, oldest first, merge into.
fn merge(plan: &Merge, records: &[Record], width: usize) -> Record {
    let mut merged = Record::with_width(width);
    for field in &plan.fields {
        let mut values = records
            .iter()
            .map(|record| record.get(field.source))
            .filter(|value| !value.is_null());
        let value = match &field.strategy {
            MergeStrategy::TakeFirst => values.next().cloned(),
            MergeStrategy::TakeLast => values.next_back().cloned(),
            MergeStrategy::TakeDistinct => {
                let mut distinct: Vec<String> = Vec::new();
                for text in values.filter_map(Value::to_text) {
                    if !distinct.iter().any(|seen| *seen == text) {
                        distinct.push(text.into_owned());
                    }
                }
                joined(&distinct, "\n")
            }
            MergeStrategy::Join(separator) => {
                let texts: Vec<String> = values
                    .filter_map(Value::to_text)
                    .map(|text| text.into_owned())
                    .collect();
                joined(&texts, separator)
            }
        };
        merged.set(field.output, value.unwrap_or(Value::Null));
    }
    merged
}

/// The texts joined with `separator`; `None` when there are none.
fn joined(texts: &[String], separator: &str) -> Option<Value> {
    (!texts.is_empty()).then(|| Value::text(texts.join(separator)))
}
