//! What the loaded logs hold: the number of records, their source categories, and each
//! field with the number of records having it and a few sample values.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::sync::Arc;

use sumoql::{RowWriter, Value};

use super::session::human_bytes;

/// How many distinct sample values `:fields` shows per field.
const SAMPLES: usize = 3;

/// One field of the logs.
#[derive(Default)]
struct FieldStats {
    records: u64,
    samples: Vec<String>,
}

/// The fields and source categories of the logs, collected from every record as a writer of
/// the query `*`.
#[derive(Default)]
pub(super) struct Catalog {
    records: u64,
    fields: BTreeMap<String, FieldStats>,
    categories: BTreeMap<String, u64>,
}

impl RowWriter for Catalog {
    fn row(&mut self, columns: &[Arc<str>], values: &[Value]) -> io::Result<()> {
        self.records += 1;
        for (name, value) in columns.iter().zip(values) {
            if matches!(value, Value::Null) {
                continue;
            }
            if &**name == "_sourceCategory" {
                *self.categories.entry(value.to_string()).or_default() += 1;
            }
            let stats = match self.fields.get_mut(&**name) {
                Some(stats) => stats,
                None => self.fields.entry(name.to_string()).or_default(),
            };
            stats.records += 1;
            if stats.samples.len() < SAMPLES {
                let sample = sample_text(value);
                if !stats.samples.contains(&sample) {
                    stats.samples.push(sample);
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Catalog {
    /// The field names, sorted.
    pub(super) fn field_names(&self) -> Vec<String> {
        self.fields.keys().cloned().collect()
    }

    /// The `_sourceCategory` values, sorted.
    pub(super) fn category_names(&self) -> Vec<String> {
        self.categories.keys().cloned().collect()
    }

    /// What was loaded, in a few lines: records, inputs, categories and fields.
    pub(super) fn summary(&self, inputs: usize, held_bytes: Option<usize>) -> String {
        let mut out = String::new();
        let held = held_bytes.map_or_else(
            || "read again per query".to_string(),
            |bytes| format!("{} in memory", human_bytes(bytes)),
        );
        let _ = writeln!(
            out,
            "{} records from {inputs} input{} ({held})",
            self.records,
            if inputs == 1 { "" } else { "s" }
        );
        if !self.categories.is_empty() {
            let categories: Vec<String> = by_count(&self.categories)
                .into_iter()
                .map(|(name, count)| format!("{name} ({count})"))
                .collect();
            let _ = writeln!(out, "source categories: {}", categories.join(", "));
        }
        let names: Vec<&str> = self.fields.keys().map(String::as_str).collect();
        let _ = writeln!(out, "{} fields: {}", names.len(), names.join(", "));
        out
    }

    /// Every field with the number of records having it and sample values, as a table.
    pub(super) fn fields_table(&self) -> String {
        let width = self
            .fields
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(5)
            .max(5);
        let mut out = format!("{:width$}  {:>8}  samples\n", "field", "records");
        for (name, stats) in &self.fields {
            let _ = writeln!(
                out,
                "{name:width$}  {:>8}  {}",
                stats.records,
                stats.samples.join(", ")
            );
        }
        out
    }
}

/// Counts of `_sourceCategory` values, most common first.
fn by_count(counts: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut sorted: Vec<(&str, u64)> = counts.iter().map(|(k, &v)| (k.as_str(), v)).collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    sorted
}

/// A value shown as a sample: its text, cut to a few characters.
fn sample_text(value: &Value) -> String {
    let text = value.to_string();
    let mut cut: String = text.chars().take(24).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_fields_categories_and_samples() {
        let mut catalog = Catalog::default();
        let columns: Vec<Arc<str>> = vec!["_sourceCategory".into(), "port".into()];
        for (category, port) in [("fw", "22"), ("fw", "22"), ("dns", "53"), ("fw", "80")] {
            catalog
                .row(&columns, &[Value::text(category), Value::text(port)])
                .unwrap();
        }
        catalog
            .row(&columns, &[Value::text("fw"), Value::Null])
            .unwrap();
        assert_eq!(catalog.field_names(), ["_sourceCategory", "port"]);
        assert_eq!(catalog.category_names(), ["dns", "fw"]);
        let summary = catalog.summary(2, Some(2048));
        assert!(
            summary.starts_with("5 records from 2 inputs (2.0 KB in memory)\n"),
            "{summary}"
        );
        assert!(
            summary.contains("source categories: fw (4), dns (1)"),
            "{summary}"
        );
        let table = catalog.fields_table();
        assert!(
            table.contains("port                    4  22, 53, 80"),
            "{table}"
        );
    }
}
