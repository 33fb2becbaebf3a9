//! `lookup`: copies table columns to the records whose key fields match a row.

use std::sync::Arc;

use sumoql_functions::CallContext;
use sumoql_plan::LookupTable;
use sumoql_value::{Record, Value};

use crate::stages::Stage;

/// Sets the output fields from the matching table row, or to null when none matches.
pub(crate) struct LookupStage {
    table: Arc<LookupTable>,
}

impl LookupStage {
    pub(crate) fn new(table: Arc<LookupTable>) -> LookupStage {
        LookupStage { table }
    }
}

impl Stage for LookupStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let key: Option<Vec<String>> = self
            .table
            .keys
            .iter()
            .map(|&slot| {
                let text = record.get(slot).to_text()?;
                Some(match self.table.fold_case {
                    true => text.to_lowercase(),
                    false => text.into_owned(),
                })
            })
            .collect();
        let row = key.and_then(|key| self.table.rows.get(&key));
        for (index, &slot) in self.table.outputs.iter().enumerate() {
            let value = row
                .and_then(|cells| cells.get(index))
                .cloned()
                .unwrap_or(Value::Null);
            record.set(slot, value);
        }
        out.push(record);
    }
}
