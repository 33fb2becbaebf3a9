//! `transpose row r column c`: one row per distinct `r`, one cell per distinct `c`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use sumoql_functions::CallContext;
use sumoql_value::{GroupKey, Record, SlotId, SourceField, Value};

use super::key_of;
use crate::stages::Stage;

/// Holds the cells; at the end, emits one record per row key (ascending) whose `source` holds
/// every column (ascending by the column values, D18 order), null where a cell is missing.
pub(crate) struct TransposeStage {
    row: Vec<SlotId>,
    column: Vec<SlotId>,
    value: SlotId,
    width: usize,
    /// Column names by their key, so they come out in key order.
    columns: BTreeMap<GroupKey, Arc<str>>,
    rows: HashMap<GroupKey, HashMap<Arc<str>, Value>>,
}

impl TransposeStage {
    pub(crate) fn new(
        row: Vec<SlotId>,
        column: Vec<SlotId>,
        value: SlotId,
        width: usize,
    ) -> TransposeStage {
        TransposeStage {
            row,
            column,
            value,
            width,
            columns: BTreeMap::new(),
            rows: HashMap::new(),
        }
    }
}

impl Stage for TransposeStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let column_key = key_of(&record, &self.column);
        let name = self
            .columns
            .entry(column_key)
            .or_insert_with_key(column_name)
            .clone();
        let row_key = key_of(&record, &self.row);
        self.rows
            .entry(row_key)
            .or_default()
            .insert(name, record.get(self.value).clone());
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut rows: Vec<(GroupKey, HashMap<Arc<str>, Value>)> = self.rows.drain().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, mut cells) in rows {
            let mut record = Record::with_width(self.width);
            for (&slot, value) in self.row.iter().zip(key.0) {
                record.set(slot, value);
            }
            record.source = self
                .columns
                .values()
                .map(|name| {
                    let value = cells.remove(name).unwrap_or(Value::Null);
                    SourceField::Extra(Arc::clone(name), value)
                })
                .collect();
            out.push(record);
        }
    }
}

/// A column's name: its values' text joined with `_` (null as empty text).
fn column_name(key: &GroupKey) -> Arc<str> {
    let parts: Vec<String> = key
        .0
        .iter()
        .map(|value| value.to_text().map(|t| t.into_owned()).unwrap_or_default())
        .collect();
    Arc::from(parts.join("_"))
}
