//! `cat path://"NAME"` (or `cat file://t.csv`): the rows of a table as the query's records.

use std::sync::Arc;

use sumoql_functions::CallContext;
use sumoql_plan::TableRows;
use sumoql_value::Record;

use crate::stages::Stage;

/// Emits the table's rows when the input ends; the query reads no logs, so no record comes in
/// (any that did would not be a row of the table, and is left out).
pub(crate) struct TableStage {
    table: Arc<TableRows>,
    width: usize,
}

impl TableStage {
    pub(crate) fn new(table: Arc<TableRows>, width: usize) -> TableStage {
        TableStage { table, width }
    }
}

impl Stage for TableStage {
    fn push(&mut self, _record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {}

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        for row in &self.table.rows {
            let mut record = Record::with_width(self.width);
            for (&slot, value) in self.table.columns.iter().zip(row) {
                record.set(slot, value.clone());
            }
            out.push(record);
        }
    }
}
