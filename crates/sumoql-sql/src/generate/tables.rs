//! Tables read at plan time, written into the SQL as constant rows of text: `lookup` joins
//! the table's rows on the text of the record's key fields, and `cat` makes them the query's
//! records.

use sumoql_plan::{LookupTable, TableRows};
use sumoql_value::{SlotId, Value};

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::Kind;
use crate::SqlError;

/// The prefix of the columns of a record's key texts, one per key field.
const RECORD_KEY: &str = "sumoql_record_key";

/// The prefix of the key columns of an inlined lookup table.
const TABLE_KEY: &str = "sumoql_table_key";

/// The prefix of the output columns of an inlined lookup table.
const TABLE_CELL: &str = "sumoql_table_cell";

/// The name of the inlined lookup table in its join.
const TABLE: &str = "sumoql_table";

impl Generator<'_> {
    /// `lookup`: each record gets the output cells of the table row whose key cells are the
    /// text of its key fields (in lower case for a table of the table folder), or nulls when
    /// none is or a key field is null, as the native stage does. The table holds one row per
    /// key (the last of a repeated key, as read at plan time).
    pub(super) fn lookup(&mut self, table: &LookupTable) -> Result<(), SqlError> {
        let mut keys = Vec::new();
        {
            let writer = self.writer();
            for slot in &table.keys {
                let text = writer.exact_text("lookup key", &self.present_column(&writer, *slot))?;
                keys.push(if table.fold_case {
                    self.dialect.lower(&text)
                } else {
                    text
                });
            }
        }
        for slot in &table.outputs {
            if !self.columns.contains(slot) {
                self.columns.push(*slot);
            }
            self.kinds.insert(*slot, Kind::Text);
        }
        // The rows in key order, so that a query always compiles to the same SQL.
        let mut rows: Vec<(&Vec<String>, &Vec<Value>)> = table.rows.iter().collect();
        rows.sort_by(|a, b| a.0.cmp(b.0));
        let output_of = |slot: &SlotId| table.outputs.iter().rposition(|output| output == slot);
        if rows.is_empty() {
            let null = self.text_cell(None);
            let select: Vec<String> = self
                .columns
                .iter()
                .map(|slot| match output_of(slot) {
                    Some(_) => format!("{null} AS {}", self.name(*slot)),
                    None => self.name(*slot),
                })
                .collect();
            let previous = self.previous();
            self.stages.push(format!(
                "SELECT {}, {ORDER} FROM {previous}",
                select.join(", ")
            ));
            return Ok(());
        }
        let records = self.previous();
        let mut select: Vec<String> = self
            .columns
            .iter()
            .filter(|slot| output_of(slot).is_none())
            .map(|slot| self.name(*slot))
            .collect();
        select.extend(
            keys.iter()
                .enumerate()
                .map(|(index, key)| format!("{key} AS {RECORD_KEY}{index}")),
        );
        self.stages.push(format!(
            "SELECT {}, {ORDER} FROM {records}",
            select.join(", ")
        ));
        let keyed = self.previous();
        let constant_rows: Vec<String> = rows
            .iter()
            .map(|(key, cells)| {
                let key_cells = key.iter().enumerate().map(|(index, text)| {
                    format!("{} AS {TABLE_KEY}{index}", self.text_cell(Some(text)))
                });
                let output_cells = cells.iter().enumerate().map(|(index, value)| {
                    format!(
                        "{} AS {TABLE_CELL}{index}",
                        self.text_cell(value.to_text().as_deref())
                    )
                });
                format!(
                    "SELECT {}",
                    key_cells.chain(output_cells).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        let select: Vec<String> = self
            .columns
            .iter()
            .map(|slot| match output_of(slot) {
                Some(index) => format!("{TABLE}.{TABLE_CELL}{index} AS {}", self.name(*slot)),
                None => format!("{keyed}.{}", self.name(*slot)),
            })
            .collect();
        let on: Vec<String> = (0..keys.len())
            .map(|index| format!("{keyed}.{RECORD_KEY}{index} = {TABLE}.{TABLE_KEY}{index}"))
            .collect();
        self.stages.push(format!(
            "SELECT {}, {keyed}.{ORDER} AS {ORDER} FROM {keyed} LEFT JOIN ({}) {TABLE} ON {}",
            select.join(", "),
            constant_rows.join(" UNION ALL "),
            on.join(" AND ")
        ));
        Ok(())
    }

    /// `cat`: the table's rows, in order, become the records; nothing read comes through.
    pub(super) fn listed_table(&mut self, table: &TableRows) -> Result<(), SqlError> {
        for (index, slot) in table.columns.iter().enumerate() {
            if table.columns[..index].contains(slot) {
                return Err(SqlError::new(
                    "cat of a table with a repeated column",
                    "the result would have two columns of one name, which a SQL query's result cannot",
                ));
            }
        }
        let names: Vec<String> = table.columns.iter().map(|slot| self.name(*slot)).collect();
        let body = if table.rows.is_empty() {
            let nulls: Vec<String> = names
                .iter()
                .map(|name| format!("{} AS {name}", self.text_cell(None)))
                .collect();
            format!(
                "SELECT {}, {ORDER} FROM {} WHERE 1 = 0",
                nulls.join(", "),
                self.previous()
            )
        } else {
            let rows: Vec<String> = table
                .rows
                .iter()
                .enumerate()
                .map(|(number, row)| {
                    let cells: Vec<String> = names
                        .iter()
                        .enumerate()
                        .map(|(index, name)| {
                            let value = row.get(index).and_then(Value::to_text);
                            format!("{} AS {name}", self.text_cell(value.as_deref()))
                        })
                        .collect();
                    format!(
                        "SELECT {}, CAST({number} AS BIGINT) AS {ORDER}",
                        cells.join(", ")
                    )
                })
                .collect();
            rows.join(" UNION ALL ")
        };
        self.stages.push(body);
        self.columns = table.columns.clone();
        for slot in &table.columns {
            self.kinds.insert(*slot, Kind::Text);
        }
        Ok(())
    }

    /// A constant text cell: `text`, or null.
    pub(super) fn text_cell(&self, text: Option<&str>) -> String {
        match text {
            Some(text) => self.dialect.string(text),
            None => format!("CAST(NULL AS {})", self.dialect.text_type()),
        }
    }
}
