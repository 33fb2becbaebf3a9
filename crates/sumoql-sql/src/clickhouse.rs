//! ClickHouse.

use crate::dialect::{java_to_strftime, SqlDialect};
use crate::SqlError;

/// ClickHouse: backquoted names, RE2 regular expressions, `formatDateTime`.
pub(crate) struct ClickHouse;

impl SqlDialect for ClickHouse {
    fn identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }
    fn string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
    fn text_type(&self) -> &'static str {
        "Nullable(String)"
    }
    fn regex_match(&self, text: &str, pattern: &str) -> String {
        format!("match({text}, {})", self.string(pattern))
    }
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String {
        format!("extractGroups({text}, {})[{group}]", self.string(pattern))
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("toInt64OrNull(toString(trunc({number})))")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("arraySlice(arraySort(groupUniqArray({text})), 1, 100)")
    }
    fn format_date(&self, millis: &str, pattern: &str) -> Result<String, SqlError> {
        let format = java_to_strftime(pattern, "%f")?;
        Ok(format!(
            "formatDateTime(fromUnixTimestamp64Milli(CAST({millis} AS Int64), 'UTC'), {}, 'UTC')",
            self.string(&format)
        ))
    }
    fn iso_millis(&self, text: &str) -> String {
        format!("toUnixTimestamp64Milli(parseDateTime64BestEffortOrNull({text}, 3, 'UTC'))")
    }
    fn input_order(&self) -> &'static str {
        "rowNumberInAllBlocks()"
    }
    fn reader(&self, path: &str, columns: &[String]) -> (Vec<String>, String) {
        let columns: Vec<String> = columns
            .iter()
            .map(|c| format!("{} Nullable(String)", self.identifier(c)))
            .collect();
        (
            Vec::new(),
            format!(
                "file({}, JSONEachRow, {})",
                self.string(path),
                self.string(&columns.join(", "))
            ),
        )
    }
}
