//! DuckDB.

use crate::dialect::{java_to_strftime, SqlDialect};
use crate::SqlError;

/// DuckDB: double-quoted names, standard literals, RE2 regular expressions, `strftime`.
pub(crate) struct DuckDb;

impl SqlDialect for DuckDb {
    fn identifier(&self, name: &str) -> String {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
    fn string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }
    fn text_type(&self) -> &'static str {
        "VARCHAR"
    }
    fn regex_match(&self, text: &str, pattern: &str) -> String {
        format!("regexp_matches({text}, {})", self.string(pattern))
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("TRY_CAST(trunc({number}) AS BIGINT)")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("list_sort(list_distinct(list({text})))[1:100]")
    }
    fn format_date(&self, millis: &str, pattern: &str) -> Result<String, SqlError> {
        let format = java_to_strftime(pattern, "%g")?;
        Ok(format!(
            "strftime(make_timestamp(CAST({millis} AS BIGINT) * 1000), {})",
            self.string(&format)
        ))
    }
    fn iso_millis(&self, text: &str) -> String {
        format!("epoch_ms(TRY_CAST({text} AS TIMESTAMPTZ))")
    }
    fn input_order(&self) -> &'static str {
        "row_number() OVER ()"
    }
    fn reader(&self, path: &str, columns: &[String]) -> (Vec<String>, String) {
        let columns: Vec<String> = columns
            .iter()
            .map(|c| format!("{}: 'VARCHAR'", self.string(c)))
            .collect();
        (
            Vec::new(),
            format!(
                "read_ndjson({}, columns = {{{}}}, ignore_errors = true)",
                self.string(path),
                columns.join(", ")
            ),
        )
    }
}
