//! `cat path://"NAME"` or `cat file://PATH.csv`: a query that lists a table, read at plan
//! time.

use std::sync::Arc;

use sumoql_syntax::Spanned;
use sumoql_value::Value;

use super::lookup::{open_table, row_error};
use super::Planner;
use crate::plan::{Columns, Operator, RowOperator, TableRows};

impl Planner<'_> {
    /// Reads the table `cat` lists (a `path://` name resolved in the table folder, as `lookup`
    /// resolves it) and makes its rows the query's records: its columns are the header's, in
    /// order. Records every error found.
    pub(super) fn listed_table(&mut self, path: &Spanned<String>, operators: &mut Vec<Operator>) {
        let Some(file) = self.table_file(path) else {
            return;
        };
        let file = Spanned::new(file, path.span);
        let table = open_table(&file).and_then(|(mut reader, header)| {
            let columns: Vec<_> = header.iter().map(|name| self.intern(name)).collect();
            let mut rows = Vec::new();
            for record in reader.records() {
                let record = record.map_err(|e| row_error(&file, &e))?;
                rows.push(
                    (0..columns.len())
                        .map(|i| record.get(i).map_or(Value::Null, Value::text))
                        .collect(),
                );
            }
            Ok(TableRows {
                path: path.node.clone(),
                columns,
                rows,
            })
        });
        match table {
            Ok(table) => {
                self.set_columns(Columns::Exact(table.columns.clone()));
                operators.push(Operator::Rows(RowOperator::Table(Arc::new(table))));
            }
            Err(errors) => self.errors.extend(errors),
        }
    }
}
