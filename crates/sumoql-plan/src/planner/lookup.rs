//! Reading a `lookup` table at plan time.

use std::collections::HashMap;

use std::path::PathBuf;
use sumoql_syntax::ast::Name;

use sumoql_syntax::{codes, did_you_mean, Diagnostic, Span, Spanned};
use sumoql_value::Value;

use super::Planner;
use crate::plan::{Columns, LookupTable, RowOperator, SaveTable};

impl Planner<'_> {
    /// Reads the table of `lookup outputs from path on on`; records every error found.
    pub(super) fn lookup_table(
        &mut self,
        outputs: &[(Name, Option<Name>)],
        path: &Spanned<String>,
        on: &[(Name, Name)],
    ) -> Option<LookupTable> {
        let keys = on
            .iter()
            .map(|(field, _)| self.read_field(&field.node, field.span))
            .collect();
        let output_slots = outputs
            .iter()
            .map(|(column, alias)| self.write_field(&alias.as_ref().unwrap_or(column).node))
            .collect();
        let key_columns: Vec<&Name> = on.iter().map(|(_, column)| column).collect();
        let output_columns: Vec<&Name> = outputs.iter().map(|(column, _)| column).collect();
        let file = self.table_file(path)?;
        let file = Spanned::new(file, path.span);
        // Tables of the table folder match without regard to case, as Sumo's lookup tables do.
        let fold_case = path.node.starts_with("path://");
        match read_table(&file, &key_columns, &output_columns, fold_case) {
            Ok((rows, duplicate_keys)) => Some(LookupTable {
                fold_case,
                path: path.node.clone(),
                keys,
                outputs: output_slots,
                rows,
                duplicate_keys,
            }),
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        }
    }
}

impl Planner<'_> {
    /// The file of a `lookup` or `cat` table: its path, or for `path://NAME` the file of the
    /// table in the table folder, which must exist.
    pub(super) fn table_file(&mut self, path: &Spanned<String>) -> Option<String> {
        let Some(name) = path.node.strip_prefix("path://") else {
            return Some(path.node.clone());
        };
        let file = self.table_in_folder(name, path.span)?;
        if !file.is_file() {
            self.errors.push(
                Diagnostic::error(
                    codes::LOOKUP_TABLE,
                    format!(
                        "no table `{name}` in the table folder {} (no file {})",
                        self.context.tables.root().display(),
                        file.display()
                    ),
                    path.span,
                )
                .with_label("this table")
                .with_note(TABLES_HELP),
            );
            return None;
        }
        Some(file.display().to_string())
    }

    /// The file of the table `name` of the table folder, or an error at `span`.
    pub(super) fn table_in_folder(&mut self, name: &str, span: Span) -> Option<PathBuf> {
        match self.context.tables.resolve(name) {
            Ok(file) => Some(file),
            Err(why) => {
                self.errors.push(
                    Diagnostic::error(codes::LOOKUP_TABLE, why, span).with_label("this table"),
                );
                None
            }
        }
    }

    /// `save [append] path://"NAME"`: the last stage, after `fields` or an aggregation, whose
    /// columns make the table's header.
    pub(super) fn save(&mut self, append: bool, table: &Spanned<String>) -> Option<RowOperator> {
        let Columns::Exact(columns) = &self.columns else {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`save` writes a table whose columns are known: put `fields a, b` or an aggregation before it",
                    table.span,
                )
                .with_label("the columns here are not fixed"),
            );
            return None;
        };
        let columns = columns.clone();
        let file = self.table_in_folder(&table.node, table.span)?;
        Some(RowOperator::Save(SaveTable {
            name: table.node.clone(),
            file,
            append,
            columns,
        }))
    }
}

/// How to say where the table folder is.
const TABLES_HELP: &str = "help: tables live in the folder of `--tables DIR`, else $SUMOQL_TABLES, else ~/.local/share/sumoql/tables; `save path://\"NAME\"` writes one";

/// A table's output cells by the text of its key cells.
type KeyedRows = HashMap<Vec<String>, Vec<Value>>;

/// The error of a table that cannot be used, pointing at its path.
pub(super) fn table_error(path: &Spanned<String>, message: String) -> Vec<Diagnostic> {
    vec![Diagnostic::error(codes::LOOKUP_TABLE, message, path.span).with_label("this table")]
}

/// The CSV table at `path`, opened: a reader at its first data row, and its header's column
/// names (trimmed), of which one at least is not empty.
pub(super) fn open_table(
    path: &Spanned<String>,
) -> Result<(csv::Reader<std::fs::File>, Vec<String>), Vec<Diagnostic>> {
    if std::path::Path::new(&path.node).is_dir() {
        return Err(table_error(
            path,
            format!(
                "the lookup table `{}` is a directory, not a CSV file",
                path.node
            ),
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(&path.node)
        .map_err(|e| {
            table_error(
                path,
                format!(
                    "cannot read the lookup table `{}`: {}",
                    path.node,
                    describe(&e)
                ),
            )
        })?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            table_error(
                path,
                format!(
                    "cannot read the header of the lookup table `{}`: {}",
                    path.node,
                    describe(&e)
                ),
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.iter().all(String::is_empty) {
        return Err(table_error(
            path,
            format!(
                "the lookup table `{}` is empty: it needs a header row naming its columns",
                path.node
            ),
        ));
    }
    Ok((reader, header))
}

/// The error of a data row of the table at `path` that cannot be read.
pub(super) fn row_error(path: &Spanned<String>, error: &csv::Error) -> Vec<Diagnostic> {
    table_error(
        path,
        format!(
            "cannot read the lookup table `{}`: {}",
            path.node,
            describe(error)
        ),
    )
}

/// The rows of the CSV table at `path` (a header, then data), keyed by the text of the
/// `key_columns` cells (in lower case with `fold_case`), each holding the `output_columns`
/// cells; plus how many rows repeated a key (the last one wins).
fn read_table(
    path: &Spanned<String>,
    key_columns: &[&Name],
    output_columns: &[&Name],
    fold_case: bool,
) -> Result<(KeyedRows, u64), Vec<Diagnostic>> {
    let (mut reader, header) = open_table(path)?;
    let mut missing = Vec::new();
    let mut position = |column: &Name| match header.iter().position(|h| *h == column.node) {
        Some(index) => index,
        None => {
            let mut error = Diagnostic::error(
                codes::LOOKUP_TABLE,
                format!(
                    "the lookup table `{}` has no column `{}`; its columns are {}",
                    path.node,
                    column.node,
                    header.join(", ")
                ),
                column.span,
            )
            .with_label("no such column");
            if let Some(suggestion) = did_you_mean(&column.node, header.iter().map(String::as_str))
            {
                error = error.with_note(format!("help: did you mean `{suggestion}`?"));
            }
            missing.push(error);
            0
        }
    };
    let output_positions: Vec<usize> = output_columns.iter().map(|c| position(c)).collect();
    let key_positions: Vec<usize> = key_columns.iter().map(|c| position(c)).collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rows = HashMap::new();
    let mut duplicate_keys = 0;
    for record in reader.records() {
        let record = record.map_err(|e| row_error(path, &e))?;
        let cell = |index: usize| record.get(index).unwrap_or("");
        let key: Vec<String> = key_positions
            .iter()
            .map(|&i| match fold_case {
                true => cell(i).to_lowercase(),
                false => cell(i).to_string(),
            })
            .collect();
        let values = output_positions
            .iter()
            .map(|&i| Value::text(cell(i)))
            .collect();
        if rows.insert(key, values).is_some() {
            duplicate_keys += 1;
        }
    }
    Ok((rows, duplicate_keys))
}

/// A CSV error as a short phrase: the I/O cause, or the CSV problem with its line.
fn describe(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "no such file".to_string()
        }
        csv::ErrorKind::Io(io) => io.to_string(),
        _ => error.to_string(),
    }
}
