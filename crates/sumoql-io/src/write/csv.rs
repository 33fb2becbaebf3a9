//! The CSV writer (RFC 4180, with LF line ends).

use std::fmt::{self, Write as _};
use std::io::{self, BufWriter, Write};
use std::sync::Arc;

use sumoql_value::Value;

use super::columns::ColumnUnion;
use super::RowWriter;

/// Writes [`Format::Csv`](super::Format::Csv): a header row of column names, then one record per
/// row, as RFC 4180 describes, except that lines end in LF (`\n`) rather than CRLF.
///
/// A field is quoted when it holds `,`, `"`, CR or LF, and a `"` inside is doubled. A cell shows
/// the value as a table does: null (and a column the row lacks) is an empty field, as is empty
/// text; a list is its items joined by newlines, so it is quoted when it has more than one item.
///
/// The header is the union of all rows' columns, known only after the last row, so every row's
/// CSV text is kept in memory until [`RowWriter::finish`] writes the whole file. A result
/// without columns writes nothing.
pub struct CsvWriter<W: Write> {
    out: BufWriter<W>,
    columns: ColumnUnion,
    /// The rows' fields, back to back, without line ends.
    body: String,
    /// Per row: where its text ends in `body`, and how many columns the union had then.
    rows: Vec<(usize, usize)>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer onto `out`.
    pub fn new(out: W) -> CsvWriter<W> {
        CsvWriter {
            out: BufWriter::new(out),
            columns: ColumnUnion::default(),
            body: String::new(),
            rows: Vec::new(),
        }
    }
}

/// Appends `text` as one CSV field, quoted if it needs to be.
fn push_field(out: &mut String, text: impl fmt::Display) {
    let start = out.len();
    // Formatting into a `String` cannot fail.
    let _ = write!(out, "{text}");
    if out[start..].contains([',', '"', '\r', '\n']) {
        let raw = out.split_off(start);
        out.push('"');
        out.push_str(&raw.replace('"', "\"\""));
        out.push('"');
    }
}

impl<W: Write> RowWriter for CsvWriter<W> {
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()> {
        let cells = self.columns.arrange(columns, values);
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.body.push(',');
            }
            if let Some(value) = cell {
                push_field(&mut self.body, value);
            }
        }
        self.rows.push((self.body.len(), cells.len()));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let names = self.columns.names();
        if !names.is_empty() {
            let mut header = String::new();
            for (i, name) in names.iter().enumerate() {
                if i > 0 {
                    header.push(',');
                }
                push_field(&mut header, name);
            }
            header.push('\n');
            self.out.write_all(header.as_bytes())?;

            let mut start = 0;
            for &(end, width) in &self.rows {
                self.out.write_all(&self.body.as_bytes()[start..end])?;
                start = end;
                // Columns that first appeared after this row are empty fields at its end.
                let missing = names.len() - width.max(1);
                if missing > 0 {
                    self.out.write_all(",".repeat(missing).as_bytes())?;
                }
                self.out.write_all(b"\n")?;
            }
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{columns, list, render};
    use super::*;

    fn csv(rows: &[(&[Arc<str>], Vec<Value>)]) -> String {
        render(|out| Box::new(CsvWriter::new(out)), rows)
    }

    #[test]
    fn header_then_one_line_per_row() {
        let names = columns(&["src_ip", "count", "avg", "ok"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("10.0.0.1"),
                    Value::Int(12),
                    Value::Float(2.5),
                    Value::Bool(true),
                ],
            ),
            (
                &names[..],
                vec![
                    Value::text("::1"),
                    Value::Int(0),
                    Value::Float(3.0),
                    Value::Null,
                ],
            ),
        ];
        assert_eq!(
            csv(&rows),
            "src_ip,count,avg,ok\n10.0.0.1,12,2.5,true\n::1,0,3,\n"
        );
    }

    #[test]
    fn quotes_fields_with_separators_quotes_and_line_breaks() {
        let names = columns(&["a,b", "say \"x\"", "plain"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("1,2"),
                    Value::text("he said \"no\""),
                    Value::text("two\nlines"),
                ],
            ),
            (
                &names[..],
                vec![
                    Value::text("cr\rhere"),
                    Value::text(""),
                    Value::text("日本語 ✓"),
                ],
            ),
        ];
        assert_eq!(
            csv(&rows),
            "\"a,b\",\"say \"\"x\"\"\",plain\n\
             \"1,2\",\"he said \"\"no\"\"\",\"two\nlines\"\n\
             \"cr\rhere\",,日本語 ✓\n"
        );
    }

    #[test]
    fn lists_join_items_with_newlines() {
        let names = columns(&["host", "ports"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("a"),
                    list(vec![Value::text("22"), Value::text("443")]),
                ],
            ),
            (
                &names[..],
                vec![Value::text("b"), list(vec![Value::Int(80)])],
            ),
            (&names[..], vec![Value::text("c"), list(vec![])]),
        ];
        assert_eq!(csv(&rows), "host,ports\na,\"22\n443\"\nb,80\nc,\n");
    }

    #[test]
    fn differing_columns_share_the_union_header() {
        let first = columns(&["a", "b"]);
        let second = columns(&["c", "a"]);
        let third = columns(&["b"]);
        let rows = [
            (&first[..], vec![Value::Int(1), Value::Int(2)]),
            (&second[..], vec![Value::Int(3), Value::Int(4)]),
            (&third[..], vec![Value::Int(5)]),
            (&first[..], vec![Value::Int(6), Value::Null]),
        ];
        assert_eq!(csv(&rows), "a,b,c\n1,2,\n4,,3\n,5,\n6,,\n");
    }

    #[test]
    fn a_row_without_columns_is_all_empty_fields() {
        let names = columns(&["a", "b"]);
        let rows = [
            (&[][..], vec![]),
            (&names[..], vec![Value::Int(1), Value::Int(2)]),
        ];
        assert_eq!(csv(&rows), "a,b\n,\n1,2\n");
    }

    #[test]
    fn nothing_writes_nothing() {
        assert_eq!(csv(&[]), "");
    }
}
