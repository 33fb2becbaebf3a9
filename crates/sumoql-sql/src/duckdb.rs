//! DuckDB.

use crate::dialect::{
    java_to_strftime, write_replacement, Directives, Piece, SqlDialect, FILE, LINE, MAX_LINE_BYTES,
};
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
        format!(
            "regexp_matches({text}, {})",
            self.string(&re2_groups(pattern))
        )
    }
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String {
        format!(
            "regexp_extract({text}, {}, {group})",
            self.string(&re2_groups(pattern))
        )
    }
    fn regex_replace(&self, text: &str, pattern: &str, replacement: &[Piece]) -> String {
        let replacement = write_replacement(
            replacement,
            |c| {
                if c == '\\' {
                    "\\\\".to_string()
                } else {
                    c.to_string()
                }
            },
            |group| format!("\\{group}"),
        );
        format!(
            "regexp_replace({text}, {}, {}, 'g')",
            self.string(&re2_groups(pattern)),
            self.string(&replacement)
        )
    }
    fn substring(&self, text: &str, start: &str, length: Option<&str>) -> String {
        match length {
            Some(length) => format!("substring({text}, {start}, {length})"),
            None => format!("substring({text}, {start})"),
        }
    }
    fn boolean(&self, condition: &str) -> String {
        condition.to_string()
    }
    fn char_length(&self, text: &str) -> String {
        format!("length({text})")
    }
    fn lower(&self, text: &str) -> String {
        format!("lower({text})")
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("TRY_CAST(trunc({number}) AS BIGINT)")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("list_sort(list_distinct(list({text})))[1:100]")
    }
    fn first_by(&self, value: &str, keys: &[String], filter: &str) -> String {
        format!(
            "first({value} ORDER BY {}) FILTER (WHERE {filter})",
            keys.join(", ")
        )
    }
    fn sample_stddev(&self, number: &str) -> String {
        format!("stddev_samp({number})")
    }
    fn percentile(&self, number: &str, fraction: f64) -> String {
        format!("quantile_cont({number}, {fraction})")
    }
    fn format_date(&self, millis: &str, pattern: &str) -> Result<String, SqlError> {
        let format = java_to_strftime(
            pattern,
            &Directives {
                millis: "%g",
                minutes: "%M",
            },
        )?;
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
    fn settings(&self) -> Vec<String> {
        Vec::new()
    }
    fn line_reader(&self, path: &str, folder: bool) -> (Vec<String>, String) {
        // One VARCHAR column and no delimiter, quote or escape: each line whole, as written.
        let path = if folder {
            format!("{}/**", path.trim_end_matches('/'))
        } else {
            path.to_string()
        };
        (
            Vec::new(),
            format!(
                "(SELECT {LINE}, filename AS {FILE} FROM read_csv({}, columns = {{'{LINE}': 'VARCHAR'}}, \
                 header = false, delim = chr(0), quote = '', escape = '', auto_detect = false, \
                 filename = true, max_line_size = {MAX_LINE_BYTES}))",
                self.string(&path)
            ),
        )
    }
    fn json_member(&self, line: &str, path: &[&str]) -> String {
        let path: Vec<String> = path
            .iter()
            .map(|key| format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        format!(
            "json_extract_string({line}, {})",
            self.string(&format!("$.{}", path.join(".")))
        )
    }
    fn json_valid(&self, line: &str) -> String {
        format!("json_valid({line})")
    }
    fn now_millis(&self) -> &'static str {
        "epoch_ms(now())"
    }
}

/// The pattern with named groups written `(?P<name>...)`, the form DuckDB's RE2 accepts.
fn re2_groups(pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(index) = rest.find("(?<") {
        let after = &rest[index + 3..];
        out.push_str(&rest[..index]);
        let escaped = rest[..index].ends_with('\\');
        if !escaped && after.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push_str("(?P<");
        } else {
            out.push_str("(?<");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::re2_groups;

    #[test]
    fn named_groups_take_the_re2_form() {
        assert_eq!(re2_groups(r"(?<user>\w+) (?<=x)"), r"(?P<user>\w+) (?<=x)");
    }
}
