//! A result held in memory, to show part of it and save all of it.

use std::io;
use std::sync::Arc;

use sumoql::{Row, RowWriter, Value};

/// Every row of a result, as a writer collects them.
#[derive(Default)]
pub(super) struct CollectedRows {
    rows: Vec<Row>,
}

impl CollectedRows {
    /// The number of rows.
    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }
}

impl RowWriter for CollectedRows {
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()> {
        // Rows of one shape share their names.
        let names = match self.rows.last() {
            Some((names, _))
                if names.len() == columns.len()
                    && names.iter().zip(columns).all(|(a, b)| Arc::ptr_eq(a, b)) =>
            {
                names.clone()
            }
            _ => columns.into(),
        };
        self.rows.push((names, values.to_vec()));
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes the first `limit` rows of `rows` (all when `None`) to `out`, and finishes it.
pub(super) fn write_rows(
    rows: &CollectedRows,
    mut out: Box<dyn RowWriter + Send>,
    limit: Option<usize>,
) -> io::Result<()> {
    for (names, values) in rows.rows.iter().take(limit.unwrap_or(usize::MAX)) {
        out.row(names, values)?;
    }
    out.finish()
}
