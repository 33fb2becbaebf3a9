//! Spark SQL.

use crate::dialect::SqlDialect;
use crate::SqlError;

/// Spark SQL: backquoted names, backslash escapes in literals, Java regular expressions and
/// Java date patterns.
pub(crate) struct Spark;

impl SqlDialect for Spark {
    fn identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }
    fn string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
    fn text_type(&self) -> &'static str {
        "STRING"
    }
    fn regex_match(&self, text: &str, pattern: &str) -> String {
        format!("({text} RLIKE {})", self.string(pattern))
    }
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String {
        format!("regexp_extract({text}, {}, {group})", self.string(pattern))
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("CAST({number} AS BIGINT)")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("slice(array_sort(collect_set({text})), 1, 100)")
    }
    fn format_date(&self, millis: &str, pattern: &str) -> Result<String, SqlError> {
        Ok(format!(
            "date_format(timestamp_millis(CAST({millis} AS BIGINT)), {})",
            self.string(pattern)
        ))
    }
    fn iso_millis(&self, text: &str) -> String {
        format!("unix_millis(CAST({text} AS TIMESTAMP))")
    }
    fn input_order(&self) -> &'static str {
        "monotonically_increasing_id()"
    }
    fn reader(&self, path: &str, columns: &[String]) -> (Vec<String>, String) {
        let schema: Vec<String> = columns
            .iter()
            .map(|c| format!("{} STRING", self.identifier(c)))
            .collect();
        let view = format!(
            "CREATE OR REPLACE TEMPORARY VIEW logs ({}) USING json OPTIONS (path {}, primitivesAsString 'true', mode 'DROPMALFORMED')",
            schema.join(", "),
            self.string(path)
        );
        (
            vec!["SET spark.sql.session.timeZone = UTC".to_string(), view],
            "logs".to_string(),
        )
    }
}
