//! The JSON writers: NDJSON, one object per line, and a JSON array of the same objects.
//!
//! A row becomes an object whose keys are its columns in order and whose values are written
//! by [`Value::write_json`]: text as strings, numbers as numbers, null as `null`, lists as
//! arrays. Each row's own columns are written, so when column sets differ a missing key means
//! null.

use std::io::{self, BufWriter, Write};
use std::sync::Arc;

use sumoql_value::{write_json_string, Value};

use super::RowWriter;

/// Appends a row as one JSON object: `{"column":value,...}`, its columns' keys written
/// already (see [`ColumnKeys`]).
fn push_object(out: &mut String, keys: &[String], values: &[Value]) {
    debug_assert_eq!(keys.len(), values.len(), "one value per column");
    out.push('{');
    for (i, (key, value)) in keys.iter().zip(values).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(key);
        value.write_json(out);
    }
    out.push('}');
}

/// The columns of the rows being written, each as its escaped key and colon (`"name":`),
/// made once and kept while rows keep the same columns, as every row of most results does.
/// The columns are held, so a later set of columns is never taken for them.
#[derive(Default)]
struct ColumnKeys {
    columns: Vec<Arc<str>>,
    keys: Vec<String>,
}

impl ColumnKeys {
    /// The keys of `columns`, made again only when they are not the columns held.
    fn of(&mut self, columns: &[Arc<str>]) -> &[String] {
        let held = self.columns.len() == columns.len()
            && self
                .columns
                .iter()
                .zip(columns)
                .all(|(a, b)| Arc::ptr_eq(a, b));
        if !held {
            self.columns = columns.to_vec();
            self.keys = columns
                .iter()
                .map(|name| {
                    let mut key = String::new();
                    write_json_string(&mut key, name);
                    key.push(':');
                    key
                })
                .collect();
        }
        &self.keys
    }
}

/// Writes [`Format::Ndjson`](super::Format::Ndjson): one JSON object per row, each on its own
/// line ending in `\n`. Rows are written as they come, through a buffer flushed by `finish`.
pub struct NdjsonWriter<W: Write> {
    out: BufWriter<W>,
    line: String,
    keys: ColumnKeys,
}

impl<W: Write> NdjsonWriter<W> {
    /// A writer onto `out`.
    pub fn new(out: W) -> NdjsonWriter<W> {
        NdjsonWriter {
            out: BufWriter::new(out),
            line: String::new(),
            keys: ColumnKeys::default(),
        }
    }
}

impl<W: Write> RowWriter for NdjsonWriter<W> {
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()> {
        self.line.clear();
        push_object(&mut self.line, self.keys.of(columns), values);
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes [`Format::Json`](super::Format::Json): one array holding an object per row, streamed
/// as `[`, then the objects one per line separated by `,`, then `]`:
///
/// ```text
/// [
/// {"a":1},
/// {"a":2}
/// ]
/// ```
///
/// An empty result is `[]`. The output ends with a newline.
pub struct JsonWriter<W: Write> {
    out: BufWriter<W>,
    text: String,
    keys: ColumnKeys,
    started: bool,
}

impl<W: Write> JsonWriter<W> {
    /// A writer onto `out`.
    pub fn new(out: W) -> JsonWriter<W> {
        JsonWriter {
            out: BufWriter::new(out),
            text: String::new(),
            keys: ColumnKeys::default(),
            started: false,
        }
    }
}

impl<W: Write> RowWriter for JsonWriter<W> {
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()> {
        self.text.clear();
        self.text.push_str(if self.started { ",\n" } else { "[\n" });
        self.started = true;
        push_object(&mut self.text, self.keys.of(columns), values);
        self.out.write_all(self.text.as_bytes())
    }

    fn finish(&mut self) -> io::Result<()> {
        let end = if self.started { "\n]\n" } else { "[]\n" };
        self.out.write_all(end.as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{columns, list, render};
    use super::*;

    fn ndjson(rows: &[(&[Arc<str>], Vec<Value>)]) -> String {
        render(|out| Box::new(NdjsonWriter::new(out)), rows)
    }

    fn json(rows: &[(&[Arc<str>], Vec<Value>)]) -> String {
        render(|out| Box::new(JsonWriter::new(out)), rows)
    }

    #[test]
    fn ndjson_writes_one_object_per_row_in_column_order() {
        let names = columns(&["src_ip", "count", "ratio", "seen", "note"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("10.0.0.1"),
                    Value::Int(12),
                    Value::Float(0.5),
                    Value::Bool(true),
                    Value::Null,
                ],
            ),
            (
                &names[..],
                vec![
                    Value::text("21"),
                    Value::Int(-3),
                    Value::Float(2.0),
                    Value::Bool(false),
                    list(vec![Value::text("a"), Value::Int(1)]),
                ],
            ),
        ];
        assert_eq!(
            ndjson(&rows),
            "{\"src_ip\":\"10.0.0.1\",\"count\":12,\"ratio\":0.5,\"seen\":true,\"note\":null}\n\
             {\"src_ip\":\"21\",\"count\":-3,\"ratio\":2,\"seen\":false,\"note\":[\"a\",1]}\n"
        );
    }

    #[test]
    fn ndjson_escapes_keys_and_text() {
        let names = columns(&["say \"hi\"", "path\\n", "é"]);
        let rows = [(
            &names[..],
            vec![
                Value::text("line1\nline2\t\u{1}"),
                Value::text("C:\\temp"),
                Value::text("日本 ✓"),
            ],
        )];
        assert_eq!(
            ndjson(&rows),
            "{\"say \\\"hi\\\"\":\"line1\\nline2\\t\\u0001\",\"path\\\\n\":\"C:\\\\temp\",\
             \"é\":\"日本 ✓\"}\n"
        );
    }

    #[test]
    fn ndjson_writes_each_rows_own_columns() {
        let first = columns(&["a", "b"]);
        let second = columns(&["c"]);
        let again = columns(&["a", "x"]);
        let rows = [
            (&first[..], vec![Value::Int(1), Value::Int(2)]),
            (&second[..], vec![Value::Int(3)]),
            (&first[..], vec![Value::Int(4), Value::Int(5)]),
            (&again[..], vec![Value::Int(6), Value::Int(7)]),
        ];
        assert_eq!(
            ndjson(&rows),
            "{\"a\":1,\"b\":2}\n{\"c\":3}\n{\"a\":4,\"b\":5}\n{\"a\":6,\"x\":7}\n"
        );
    }

    #[test]
    fn ndjson_of_nothing_is_empty() {
        assert_eq!(ndjson(&[]), "");
    }

    #[test]
    fn ndjson_row_without_columns_is_an_empty_object() {
        let rows = [(&[][..], vec![])];
        assert_eq!(ndjson(&rows), "{}\n");
    }

    #[test]
    fn json_streams_an_array() {
        let first = columns(&["a", "b"]);
        let second = columns(&["b"]);
        let rows = [
            (&first[..], vec![Value::text("x,y"), Value::Null]),
            (&first[..], vec![Value::Float(1.25), list(vec![])]),
            (&second[..], vec![Value::text("\"q\"")]),
        ];
        assert_eq!(
            json(&rows),
            "[\n\
             {\"a\":\"x,y\",\"b\":null},\n\
             {\"a\":1.25,\"b\":[]},\n\
             {\"b\":\"\\\"q\\\"\"}\n\
             ]\n"
        );
    }

    #[test]
    fn json_of_nothing_is_an_empty_array() {
        assert_eq!(json(&[]), "[]\n");
    }
}
