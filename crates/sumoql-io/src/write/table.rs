//! The aligned text table, for people.

use std::io::{self, BufWriter, Write};
use std::sync::Arc;

use sumoql_value::Value;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::columns::ColumnUnion;
use super::RowWriter;

/// The widest a cell line is shown by default, in terminal columns, before it is cut with `…`.
pub const DEFAULT_MAX_CELL_WIDTH: usize = 80;

/// The narrowest a column is made to fit a table in [`TableOptions::max_width`].
pub const MIN_FITTED_COLUMN_WIDTH: usize = 6;

/// What a [`TableWriter`] shows: how many rows, and how wide a cell may be.
///
/// The default shows every row and cuts cell lines at [`DEFAULT_MAX_CELL_WIDTH`] characters.
///
/// ```
/// use sumoql_io::write::TableOptions;
///
/// let interactive = TableOptions::default().max_rows(Some(50)).max_cell_width(Some(40));
/// # let _ = interactive;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableOptions {
    max_rows: Option<usize>,
    max_cell_width: Option<usize>,
    max_width: Option<usize>,
}

impl Default for TableOptions {
    fn default() -> TableOptions {
        TableOptions {
            max_rows: None,
            max_cell_width: Some(DEFAULT_MAX_CELL_WIDTH),
            max_width: None,
        }
    }
}

impl TableOptions {
    /// Shows at most `max_rows` rows (`None`: all); a line `… N more rows` stands for the rest.
    /// Rows past the limit are counted, not kept.
    pub fn max_rows(mut self, max_rows: Option<usize>) -> TableOptions {
        self.max_rows = max_rows;
        self
    }

    /// Cuts each line of a cell (and each column name) wider than `width` terminal columns to
    /// at most `width - 1` columns and `…` (`None`: never cut). A width of 0 acts as 1.
    pub fn max_cell_width(mut self, width: Option<usize>) -> TableOptions {
        self.max_cell_width = width;
        self
    }

    /// Fits each line of the table in `width` terminal columns (a terminal's width) by making
    /// the widest columns narrower, down to [`MIN_FITTED_COLUMN_WIDTH`], and cutting their
    /// cells with `…` (`None`: any width).
    pub fn max_width(mut self, width: Option<usize>) -> TableOptions {
        self.max_width = width;
        self
    }
}

/// What a column holds, which decides its alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColumnKind {
    /// Nothing but nulls so far.
    Blank,
    /// Only numbers (and nulls): right-aligned.
    Numeric,
    /// Something else: left-aligned.
    Text,
}

impl ColumnKind {
    /// The kind of a column that also holds `value`.
    fn with(self, value: &Value) -> ColumnKind {
        match (self, value) {
            (kind, Value::Null) => kind,
            (ColumnKind::Blank | ColumnKind::Numeric, Value::Int(_) | Value::Float(_)) => {
                ColumnKind::Numeric
            }
            _ => ColumnKind::Text,
        }
    }
}

/// Writes [`Format::Table`](super::Format::Table): a header line of column names, a line of
/// dashes, one or more lines per row, then the row count:
///
/// ```text
/// src_ip      count  ports
/// ----------  -----  -----
/// 10.0.0.1       12  22
///                    443
/// 10.0.0.200      3  80
/// 2 rows
/// ```
///
/// Columns are two spaces apart, each as wide as its widest line in terminal columns (a CJK
/// character or an emoji takes two, a combining mark none), made narrower when the table must
/// fit [`TableOptions::max_width`]. A column whose
/// non-null cells are all numbers is right-aligned, header included; others are left-aligned.
/// Lines carry no trailing padding.
///
/// A cell shows its value as [`Value`]'s `Display` does: null is empty, a list is one item per
/// line. A cell of several lines makes its row that many lines tall, the other cells blank on the
/// extra lines. Control characters other than a newline (and a column name's newlines) are shown
/// escaped (`\t`, `\r`, `\u{1b}`), as are the Unicode bidirectional controls, so a log cannot
/// break the layout. When column sets differ, the columns are the union of all rows' columns in
/// order of first appearance, blank where a row lacks one.
///
/// Every shown row is kept in memory until [`RowWriter::finish`] prints the table, so a large
/// result wants [`TableOptions::max_rows`]: rows past it are only counted.
pub struct TableWriter<W: Write> {
    out: BufWriter<W>,
    options: TableOptions,
    columns: ColumnUnion,
    /// The shown rows, a cell per column known when the row came; a cell's lines are
    /// separated by `\n` and already escaped and cut.
    rows: Vec<Vec<String>>,
    /// Per column, its widest cell line.
    widths: Vec<usize>,
    kinds: Vec<ColumnKind>,
    /// All rows taken, shown or not.
    total: usize,
}

impl<W: Write> TableWriter<W> {
    /// A writer onto `out` with `options`.
    pub fn new(out: W, options: TableOptions) -> TableWriter<W> {
        TableWriter {
            out: BufWriter::new(out),
            options,
            columns: ColumnUnion::default(),
            rows: Vec::new(),
            widths: Vec::new(),
            kinds: Vec::new(),
            total: 0,
        }
    }
}

impl<W: Write> RowWriter for TableWriter<W> {
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()> {
        self.total += 1;
        if self
            .options
            .max_rows
            .is_some_and(|max| self.rows.len() >= max)
        {
            self.columns.note(columns);
            return Ok(());
        }
        let cells = self.columns.arrange(columns, values);
        self.widths.resize(cells.len(), 0);
        self.kinds.resize(cells.len(), ColumnKind::Blank);
        let mut row = Vec::with_capacity(cells.len());
        for (i, cell) in cells.into_iter().enumerate() {
            let mut text = String::new();
            if let Some(value) = cell {
                self.kinds[i] = self.kinds[i].with(value);
                let width = push_cell(&mut text, value, self.options.max_cell_width);
                self.widths[i] = self.widths[i].max(width);
            }
            row.push(text);
        }
        self.rows.push(row);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        let names = self.columns.names();
        let mut line = String::new();
        if !names.is_empty() {
            self.widths.resize(names.len(), 0);
            self.kinds.resize(names.len(), ColumnKind::Blank);
            let right: Vec<bool> = self
                .kinds
                .iter()
                .map(|&kind| kind == ColumnKind::Numeric)
                .collect();

            let mut headers = Vec::with_capacity(names.len());
            for (name, width) in names.iter().zip(&mut self.widths) {
                let mut header = String::new();
                *width = (*width).max(push_line(&mut header, name, self.options.max_cell_width));
                headers.push(header);
            }
            if let Some(max_width) = self.options.max_width {
                if fit_widths(&mut self.widths, max_width) {
                    for (header, &width) in headers.iter_mut().zip(&self.widths) {
                        cut_to_width(header, 0, width);
                    }
                    for row in &mut self.rows {
                        for (cell, &width) in row.iter_mut().zip(&self.widths) {
                            fit_cell(cell, width);
                        }
                    }
                }
            }
            push_layout_line(
                &mut line,
                headers.iter().map(String::as_str),
                &self.widths,
                &right,
            );
            let dashes: Vec<String> = self.widths.iter().map(|&width| "-".repeat(width)).collect();
            line.push_str(&dashes.join("  "));
            line.push('\n');
            self.out.write_all(line.as_bytes())?;

            for row in &self.rows {
                line.clear();
                let height = row
                    .iter()
                    .map(|cell| cell.matches('\n').count() + 1)
                    .max()
                    .unwrap_or(1);
                let mut cell_lines: Vec<_> = row.iter().map(|cell| cell.split('\n')).collect();
                for _ in 0..height {
                    let parts = cell_lines
                        .iter_mut()
                        .map(|lines| lines.next().unwrap_or(""));
                    push_layout_line(&mut line, parts, &self.widths, &right);
                }
                self.out.write_all(line.as_bytes())?;
            }
        }

        let hidden = self.total - self.rows.len();
        if hidden > 0 {
            writeln!(self.out, "… {hidden} more {}", rows_word(hidden))?;
        }
        writeln!(self.out, "{} {}", self.total, rows_word(self.total))?;
        self.out.flush()
    }
}

/// `row` or `rows`, to follow the number `n`.
fn rows_word(n: usize) -> &'static str {
    if n == 1 {
        "row"
    } else {
        "rows"
    }
}

/// Appends one table line: `cells` padded to `widths`, right-aligned where `right` says, two
/// spaces apart, without trailing padding, and a newline.
fn push_layout_line<'a>(
    out: &mut String,
    cells: impl Iterator<Item = &'a str>,
    widths: &[usize],
    right: &[bool],
) {
    let mut end = out.len();
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push_str("  ");
        }
        let padding = widths[i].saturating_sub(cell.width());
        if right[i] {
            push_spaces(out, padding);
        }
        out.push_str(cell);
        if !cell.is_empty() {
            end = out.len();
        }
        if !right[i] {
            push_spaces(out, padding);
        }
    }
    out.truncate(end);
    out.push('\n');
}

/// Appends `count` spaces.
fn push_spaces(out: &mut String, count: usize) {
    for _ in 0..count {
        out.push(' ');
    }
}

/// Appends a value as cell text, one line per line of its `Display` form, each escaped and cut
/// to `max_width`; returns the widest line's width in terminal columns.
fn push_cell(out: &mut String, value: &Value, max_width: Option<usize>) -> usize {
    let shown = value.to_string();
    let mut widest = 0;
    for (i, line) in shown.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        widest = widest.max(push_line(out, line, max_width));
    }
    widest
}

/// Appends `text` on one line: control characters (newlines too) and bidirectional controls
/// escaped, then cut to `max_width` terminal columns ending in `…`. Returns its width.
fn push_line(out: &mut String, text: &str, max_width: Option<usize>) -> usize {
    let start = out.len();
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    match max_width {
        Some(max) => cut_to_width(out, start, max),
        None => out[start..].width(),
    }
}

/// Cuts the text of `out` from byte `start` on, when it is wider than `max` terminal columns
/// (at least 1), to at most `max - 1` columns and `…`. Returns its width.
fn cut_to_width(out: &mut String, start: usize, max: usize) -> usize {
    let width = out[start..].width();
    let max = max.max(1);
    if width <= max {
        return width;
    }
    let (mut kept, mut cut) = (0, out.len());
    for (at, c) in out[start..].char_indices() {
        let next = kept + c.width().unwrap_or(0);
        if next > max - 1 {
            cut = start + at;
            break;
        }
        kept = next;
    }
    out.truncate(cut);
    out.push('…');
    kept + 1
}

/// Cuts each line of a cell to `width`.
fn fit_cell(cell: &mut String, width: usize) {
    if cell.lines().all(|line| line.width() <= width) {
        return;
    }
    let mut fitted = String::with_capacity(cell.len());
    for (i, line) in cell.split('\n').enumerate() {
        if i > 0 {
            fitted.push('\n');
        }
        let start = fitted.len();
        fitted.push_str(line);
        cut_to_width(&mut fitted, start, width);
    }
    *cell = fitted;
}

/// Narrows the widest columns of `widths` one column at a time, down to
/// [`MIN_FITTED_COLUMN_WIDTH`], until a line with two spaces between columns fits in
/// `max_width`. Says whether any column changed.
fn fit_widths(widths: &mut [usize], max_width: usize) -> bool {
    let gaps = 2 * widths.len().saturating_sub(1);
    let mut total: usize = widths.iter().sum::<usize>() + gaps;
    let mut changed = false;
    while total > max_width {
        let Some(widest) = widths
            .iter_mut()
            .filter(|width| **width > MIN_FITTED_COLUMN_WIDTH)
            .max_by_key(|width| **width)
        else {
            break;
        };
        *widest -= 1;
        total -= 1;
        changed = true;
    }
    changed
}

/// Whether `c` reorders the text around it (embeddings, overrides, isolates and marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{columns, list, render};
    use super::*;

    fn table(options: TableOptions, rows: &[(&[Arc<str>], Vec<Value>)]) -> String {
        render(|out| Box::new(TableWriter::new(out, options)), rows)
    }

    #[test]
    fn aligns_numbers_right_and_text_left() {
        let names = columns(&["src_ip", "count", "avg_bytes", "action"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("10.0.0.1"),
                    Value::Int(12),
                    Value::Float(1500.5),
                    Value::text("allow"),
                ],
            ),
            (
                &names[..],
                vec![
                    Value::text("192.168.100.200"),
                    Value::Int(3),
                    Value::Float(20.0),
                    Value::text("deny"),
                ],
            ),
            (
                &names[..],
                vec![Value::text("::1"), Value::Null, Value::Int(-7), Value::Null],
            ),
        ];
        assert_eq!(
            table(TableOptions::default(), &rows),
            "src_ip           count  avg_bytes  action\n\
             ---------------  -----  ---------  ------\n\
             10.0.0.1            12     1500.5  allow\n\
             192.168.100.200      3         20  deny\n\
             ::1                            -7\n\
             3 rows\n"
        );
    }

    #[test]
    fn numeric_text_bools_and_all_null_columns_are_left_aligned() {
        let names = columns(&["port", "ok", "none", "n"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("21"),
                    Value::Bool(true),
                    Value::Null,
                    Value::Int(1),
                ],
            ),
            (
                &names[..],
                vec![
                    Value::text("8080"),
                    Value::Bool(false),
                    Value::Null,
                    Value::text("x"),
                ],
            ),
        ];
        assert_eq!(
            table(TableOptions::default(), &rows),
            "port  ok     none  n\n\
             ----  -----  ----  -\n\
             21    true         1\n\
             8080  false        x\n\
             2 rows\n"
        );
    }

    #[test]
    fn a_list_spans_several_lines() {
        let names = columns(&["host", "ports", "n"]);
        let rows = [
            (
                &names[..],
                vec![
                    Value::text("alpha"),
                    list(vec![
                        Value::text("22"),
                        Value::text("443"),
                        Value::text("8080"),
                    ]),
                    Value::Int(3),
                ],
            ),
            (
                &names[..],
                vec![Value::text("b"), list(vec![]), Value::Int(0)],
            ),
            (
                &names[..],
                vec![Value::text("two\nlines"), Value::text("x"), Value::Int(10)],
            ),
        ];
        assert_eq!(
            table(TableOptions::default(), &rows),
            "host   ports   n\n\
             -----  -----  --\n\
             alpha  22      3\n\
             \x20      443\n\
             \x20      8080\n\
             b              0\n\
             two    x      10\n\
             lines\n\
             3 rows\n"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let names = columns(&["msg", "col\tname\n"]);
        let rows = [(
            &names[..],
            vec![
                Value::text("a\tb\r\u{1b}[31mred\u{7f}"),
                Value::text("evil\u{202e}txt"),
            ],
        )];
        assert_eq!(
            table(TableOptions::default(), &rows),
            "msg                        col\\tname\\n\n\
             -------------------------  ---------------\n\
             a\\tb\\r\\u{1b}[31mred\\u{7f}  evil\\u{202e}txt\n\
             1 row\n"
        );
    }

    #[test]
    fn widths_count_terminal_columns_not_characters() {
        let names = columns(&["ville", "n"]);
        let rows = [
            (&names[..], vec![Value::text("Zürich"), Value::Int(1)]),
            (&names[..], vec![Value::text("東京"), Value::Int(22)]),
            (&names[..], vec![Value::text("e\u{301}🔥"), Value::Int(4)]),
            (&names[..], vec![Value::text("ab"), Value::Int(333)]),
        ];
        assert_eq!(
            table(TableOptions::default(), &rows),
            "ville     n\n\
             ------  ---\n\
             Zürich    1\n\
             東京     22\n\
             e\u{301}🔥       4\n\
             ab      333\n\
             4 rows\n"
        );
        let wide = [(&names[..], vec![Value::text("東京東京"), Value::Int(1)])];
        assert_eq!(
            table(TableOptions::default().max_cell_width(Some(6)), &wide),
            "ville  n\n\
             -----  -\n\
             東京…  1\n\
             1 row\n"
        );
    }

    #[test]
    fn a_table_fits_the_width_it_is_given() {
        let names = columns(&["id", "message", "detail"]);
        let rows = [(
            &names[..],
            vec![
                Value::Int(7),
                Value::text("connection refused by peer"),
                Value::text("short"),
            ],
        )];
        let fitted = table(TableOptions::default().max_width(Some(30)), &rows);
        assert_eq!(
            fitted,
            "id  message             detail\n\
             --  ------------------  ------\n\
             \x207  connection refuse…  short\n\
             1 row\n"
        );
        assert!(fitted.lines().all(|line| line.width() <= 30), "{fitted}");
        let narrow = table(TableOptions::default().max_width(Some(5)), &rows);
        assert!(narrow.contains(" 7  conne…  short\n"), "{narrow}");
        let roomy = table(TableOptions::default().max_width(Some(200)), &rows);
        assert!(roomy.contains("connection refused by peer"), "{roomy}");
    }

    #[test]
    fn differing_columns_form_a_union() {
        let first = columns(&["a", "b"]);
        let second = columns(&["c", "a"]);
        let rows = [
            (&first[..], vec![Value::text("x"), Value::Int(1)]),
            (&second[..], vec![Value::text("yy"), Value::text("z")]),
            (&first[..], vec![Value::Null, Value::Int(22)]),
        ];
        assert_eq!(
            table(TableOptions::default(), &rows),
            "a   b  c\n\
             -  --  --\n\
             x   1\n\
             z      yy\n\
             \x20  22\n\
             3 rows\n"
        );
    }

    #[test]
    fn long_cells_are_cut() {
        let names = columns(&["message", "n"]);
        let rows = [(
            &names[..],
            vec![
                list(vec![Value::text("abcdefghij"), Value::text("abcd")]),
                Value::Int(1234567),
            ],
        )];
        assert_eq!(
            table(TableOptions::default().max_cell_width(Some(5)), &rows),
            "mess…      n\n\
             -----  -----\n\
             abcd…  1234…\n\
             abcd\n\
             1 row\n"
        );
        let wide: String = "x".repeat(100);
        let rows = [(&names[..], vec![Value::text(&wide), Value::Int(1)])];
        let expected_cell = format!("{}…", "x".repeat(79));
        assert!(table(TableOptions::default(), &rows).contains(&format!("\n{expected_cell}  1\n")));
        assert!(table(TableOptions::default().max_cell_width(None), &rows)
            .contains(&format!("\n{wide}  1\n")));
    }

    #[test]
    fn max_rows_hides_the_rest() {
        let names = columns(&["n"]);
        let late = columns(&["n", "late"]);
        let rows = [
            (&names[..], vec![Value::Int(1)]),
            (&names[..], vec![Value::Int(2)]),
            (&late[..], vec![Value::Int(3), Value::text("only hidden")]),
        ];
        assert_eq!(
            table(TableOptions::default().max_rows(Some(2)), &rows),
            "n  late\n\
             -  ----\n\
             1\n\
             2\n\
             … 1 more row\n\
             3 rows\n"
        );
        assert_eq!(
            table(TableOptions::default().max_rows(Some(0)), &rows[..2]),
            "n\n-\n… 2 more rows\n2 rows\n"
        );
        assert_eq!(
            table(TableOptions::default().max_rows(Some(5)), &rows[..1]),
            "n\n-\n1\n1 row\n"
        );
    }

    #[test]
    fn empty_results_print_only_the_count() {
        assert_eq!(table(TableOptions::default(), &[]), "0 rows\n");
    }

    #[test]
    fn rows_without_columns_are_counted() {
        let rows = [(&[][..], vec![]), (&[][..], vec![])];
        assert_eq!(table(TableOptions::default(), &rows), "2 rows\n");
    }
}
