//! Result writers: the last arrow of the pipeline, rows → table / ndjson / json / csv text.
//!
//! A writer receives the result one row at a time ([`RowWriter::row`]), each row as its column
//! names and the values in the same order, and ends the output with [`RowWriter::finish`].
//!
//! Rows usually share one column set. Queries that output whole log records may not: then
//! [`Format::Table`] and [`Format::Csv`] show the union of the columns, in order of first
//! appearance, with an empty cell where a row lacks a column. The JSON formats write each row's
//! own keys, so a missing key stands for null.
//!
//! | format | streams? | what it keeps in memory |
//! |---|---|---|
//! | [`Format::Ndjson`] | yes | one row's text |
//! | [`Format::Json`] | yes | one row's text |
//! | [`Format::Csv`] | no: the header (the column union) is known only at the end | every row's CSV text |
//! | [`Format::Table`] | no: column widths are known only at the end | every shown cell's text |
//!
//! ```
//! use std::sync::Arc;
//! use sumoql_io::write::{RowWriter, TableOptions, TableWriter};
//! use sumoql_value::Value;
//!
//! let columns: Vec<Arc<str>> = vec!["src_ip".into(), "count".into()];
//! let mut out = Vec::new();
//! let mut table = TableWriter::new(&mut out, TableOptions::default());
//! table.row(&columns, &[Value::text("10.0.0.1"), Value::Int(12)])?;
//! table.row(&columns, &[Value::text("192.168.1.20"), Value::Int(3)])?;
//! table.finish()?;
//! drop(table);
//! assert_eq!(
//!     String::from_utf8(out).unwrap(),
//!     "src_ip        count\n\
//!      ------------  -----\n\
//!      10.0.0.1         12\n\
//!      192.168.1.20      3\n\
//!      2 rows\n"
//! );
//! # Ok::<(), std::io::Error>(())
//! ```

mod columns;
mod csv;
mod json;
mod table;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::Arc;

use sumoql_value::Value;

pub use csv::CsvWriter;
pub use json::{JsonWriter, NdjsonWriter};
pub use table::{TableOptions, TableWriter, DEFAULT_MAX_CELL_WIDTH};

/// An output format, as `--format` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// An aligned text table for people (`table`).
    Table,
    /// One JSON object per line (`ndjson`).
    Ndjson,
    /// One JSON array of objects (`json`).
    Json,
    /// Comma-separated values with a header row, RFC 4180 (`csv`).
    Csv,
}

impl Format {
    /// The format's name: `table`, `ndjson`, `json` or `csv`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Ndjson => "ndjson",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of `table`, `ndjson`, `json`, `csv`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown output format `{0}`: expected one of table, ndjson, json, csv")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Parses a format name, ignoring ASCII case.
    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        [Format::Table, Format::Ndjson, Format::Json, Format::Csv]
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownFormat(name.to_owned()))
    }
}

/// Something that turns result rows into output.
pub trait RowWriter {
    /// Takes one row: `values[i]` is the value of column `columns[i]` (the two slices have the
    /// same length). Rows sharing one column set are cheapest when they pass clones of the same
    /// `Arc`s.
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()>;

    /// Writes whatever the format holds back and flushes the output. Call it once, after the
    /// last row; output not finished may be lost.
    fn finish(&mut self) -> io::Result<()>;
}

/// A writer for `format` onto `out`, with default options (see [`TableOptions::default`]).
pub fn writer(format: Format, out: Box<dyn Write + Send>) -> Box<dyn RowWriter + Send> {
    match format {
        Format::Table => Box::new(TableWriter::new(out, TableOptions::default())),
        Format::Ndjson => Box::new(NdjsonWriter::new(out)),
        Format::Json => Box::new(JsonWriter::new(out)),
        Format::Csv => Box::new(CsvWriter::new(out)),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Running rows through a writer and reading what it wrote.

    use std::io::{self, Write};
    use std::sync::{Arc, Mutex};

    use sumoql_value::Value;

    use super::RowWriter;

    /// An output buffer that a test keeps a handle on while a writer owns another.
    #[derive(Clone, Default)]
    pub(crate) struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Column names.
    pub(crate) fn columns(names: &[&str]) -> Vec<Arc<str>> {
        names.iter().map(|&name| Arc::from(name)).collect()
    }

    /// A list value.
    pub(crate) fn list(items: Vec<Value>) -> Value {
        Value::List(items.into())
    }

    /// What the writer `make` builds writes for `rows`.
    pub(crate) fn render(
        make: impl FnOnce(SharedBuffer) -> Box<dyn RowWriter>,
        rows: &[(&[Arc<str>], Vec<Value>)],
    ) -> String {
        let buffer = SharedBuffer::default();
        let mut writer = make(buffer.clone());
        for (names, values) in rows {
            writer.row(names, values).unwrap();
        }
        writer.finish().unwrap();
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{columns, render};
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in [Format::Table, Format::Ndjson, Format::Json, Format::Csv] {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
        }
        assert_eq!("CSV".parse::<Format>(), Ok(Format::Csv));
    }

    #[test]
    fn unknown_format_lists_the_accepted_names() {
        let error = "yaml".parse::<Format>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown output format `yaml`: expected one of table, ndjson, json, csv"
        );
    }

    #[test]
    fn writer_builds_each_format() {
        let names = columns(&["n"]);
        let rows = [(&names[..], vec![Value::Int(1)])];
        let outputs: Vec<String> = [Format::Table, Format::Ndjson, Format::Json, Format::Csv]
            .into_iter()
            .map(|format| render(|out| writer(format, Box::new(out)), &rows))
            .collect();
        assert_eq!(
            outputs,
            [
                "n\n-\n1\n1 row\n",
                "{\"n\":1}\n",
                "[\n{\"n\":1}\n]\n",
                "n\n1\n"
            ]
        );
    }
}
