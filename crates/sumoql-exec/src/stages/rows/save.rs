//! `save [append] path://"NAME"`: writes the rows to a CSV table of the table folder.

use std::collections::HashMap;
use std::path::Path;

use sumoql_functions::CallContext;
use sumoql_plan::SaveTable;
use sumoql_value::{Record, Schema, Value, WarningKind};

use crate::stages::Stage;

/// Passes every record on and keeps its cells; at the end writes the table (with `append`,
/// merged into the old one by the first column), or warns that it could not.
pub(crate) struct SaveStage {
    table: SaveTable,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl SaveStage {
    pub(crate) fn new(table: SaveTable, schema: &Schema) -> SaveStage {
        let header = table
            .columns
            .iter()
            .map(|&slot| schema.name(slot).to_string())
            .collect();
        SaveStage {
            table,
            header,
            rows: Vec::new(),
        }
    }
}

impl Stage for SaveStage {
    fn push(&mut self, record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let row = self
            .table
            .columns
            .iter()
            .map(|&slot| cell(record.get(slot)))
            .collect();
        self.rows.push(row);
        out.push(record);
    }

    fn finish(&mut self, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        let rows = std::mem::take(&mut self.rows);
        let written = if self.table.append {
            read_rows(&self.table.file, &self.header)
                .and_then(|old| write_rows(&self.table.file, &self.header, &merged(old, rows)))
        } else {
            write_rows(&self.table.file, &self.header, &rows)
        };
        if let Err(why) = written {
            ctx.warnings
                .add_with_sample(WarningKind::TableNotSaved, || {
                    format!("{} ({}): {why}", self.table.name, self.table.file.display())
                });
        }
    }
}

/// A value as a table cell: its text, empty for null.
fn cell(value: &Value) -> String {
    value.to_text().map(|t| t.into_owned()).unwrap_or_default()
}

/// `old` rows with `new` merged in by the first cell: a new row replaces the old row with the
/// same first cell where it stands, other new rows come after, in order.
fn merged(old: Vec<Vec<String>>, new: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut rows = old;
    let mut position: HashMap<String, usize> = HashMap::new();
    for (index, row) in rows.iter().enumerate() {
        position.insert(row.first().cloned().unwrap_or_default(), index);
    }
    for row in new {
        let key = row.first().cloned().unwrap_or_default();
        match position.get(&key) {
            Some(&index) => rows[index] = row,
            None => {
                position.insert(key, rows.len());
                rows.push(row);
            }
        }
    }
    rows
}

/// The rows of the table at `file` (none when it does not exist yet); its header must be
/// `header`.
fn read_rows(file: &Path, header: &[String]) -> Result<Vec<Vec<String>>, String> {
    if !file.exists() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(file).map_err(|e| e.to_string())?;
    let old: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if old != header {
        return Err(format!(
            "the table's columns are {}, but the rows have {}",
            old.join(", "),
            header.join(", ")
        ));
    }
    reader
        .records()
        .map(|r| {
            r.map(|r| r.iter().map(str::to_string).collect())
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Writes `header` and `rows` to `file`, making its folders, through a temporary file so a
/// failed write leaves the old table whole.
fn write_rows(file: &Path, header: &[String], rows: &[Vec<String>]) -> Result<(), String> {
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    }
    let mut temporary = file.as_os_str().to_owned();
    temporary.push(".saving");
    let mut writer = csv::Writer::from_path(&temporary).map_err(|e| e.to_string())?;
    writer.write_record(header).map_err(|e| e.to_string())?;
    for row in rows {
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    writer.flush().map_err(|e| e.to_string())?;
    drop(writer);
    std::fs::rename(&temporary, file).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn append_replaces_rows_by_their_first_cell_and_adds_the_rest() {
        let old = vec![row(&["John", "1"]), row(&["Bill", "2"])];
        let new = vec![row(&["Bob", "3"]), row(&["John", "4"])];
        assert_eq!(
            merged(old, new),
            [row(&["John", "4"]), row(&["Bill", "2"]), row(&["Bob", "3"])]
        );
    }
}
