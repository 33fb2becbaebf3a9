//! DuckDB.

use crate::dialect::{
    java_to_strftime, re2_replacement, unnamed_groups, Directives, Piece, SqlDialect, FILE, LINE,
    MAX_LINE_BYTES, ORDER,
};
use sumoql_plan::JsonStep;

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
    fn regex_test(&self, text: &str, pattern: &str) -> String {
        format!("regexp_matches({text}, {pattern})")
    }
    fn upper(&self, text: &str) -> String {
        // DuckDB maps letters one to one; `ß` has no single capital.
        format!("upper(replace({text}, 'ß', 'SS'))")
    }
    fn regex_extract_all(&self, text: &str, pattern: &str, group: usize) -> String {
        format!(
            "regexp_extract_all({text}, {}, {group})",
            self.string(&unnamed_groups(pattern))
        )
    }
    fn first_position(&self, list: &str, value: &str) -> String {
        format!("COALESCE(list_position({list}, {value}), 0)")
    }
    fn last_position(&self, list: &str, value: &str) -> String {
        format!("COALESCE(len({list}) + 1 - list_position(list_reverse({list}), {value}), 0)")
    }
    fn zone_offset_seconds(&self, millis: &str, zone: &str) -> String {
        format!(
            "CAST(round((epoch_ms(timezone({}, to_timestamp({millis} / 1000.0))) - {millis}) / 1000.0) AS BIGINT)",
            self.string(zone)
        )
    }
    fn json_array_holds_string(&self, array: &str, text: &str) -> String {
        format!(
            "(CASE WHEN json_valid({array}) AND json_type({array}) = 'ARRAY' THEN list_contains(json_extract_string({array}, '$[*]'), {text}) ELSE FALSE END)"
        )
    }
    fn json_keys(&self, object: &str) -> String {
        format!("json_keys({object})")
    }
    fn json_member_named(&self, object: &str, key: &str) -> String {
        format!(
            "json_extract_string({object}, '$.\"' || replace(replace({key}, '\\', '\\\\'), '\"', '\\\"') || '\"')"
        )
    }
    fn list_length(&self, list: &str) -> String {
        format!("CAST(len({list}) AS BIGINT)")
    }
    fn each_up_to(&self, count: &str) -> String {
        format!("unnest(generate_series(1, {count}))")
    }
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String {
        let pattern = self.string(&unnamed_groups(pattern));
        if group <= 9 {
            return format!("regexp_extract({text}, {pattern}, {group})");
        }
        // A group number takes one digit; beyond 9 the groups are named in order as the
        // fields of a struct.
        let names: Vec<String> = (1..=group).map(|g| format!("'g{g}'")).collect();
        format!(
            "regexp_extract({text}, {pattern}, [{}])['g{group}']",
            names.join(", ")
        )
    }
    fn regex_replace(&self, text: &str, pattern: &str, replacement: &[Piece]) -> String {
        let replacement = re2_replacement(replacement);
        format!(
            "regexp_replace({text}, {}, {}, 'g')",
            self.string(&unnamed_groups(pattern)),
            self.string(&replacement)
        )
    }
    fn char_length(&self, text: &str) -> String {
        format!("length({text})")
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("TRY_CAST(trunc({number}) AS BIGINT)")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("list_sort(list_distinct(list({text})))[1:100]")
    }
    fn first_by(&self, value: &str, keys: &[(String, bool)], filter: &str) -> String {
        let order: Vec<String> = keys
            .iter()
            .map(|(key, descending)| format!("{key} {}", if *descending { "DESC" } else { "ASC" }))
            .collect();
        format!(
            "first({value} ORDER BY {}) FILTER (WHERE {filter})",
            order.join(", ")
        )
    }
    fn ordered_join(&self, text: &str, keys: &[String], filter: &str, separator: &str) -> String {
        format!(
            "string_agg({text}, {separator} ORDER BY {}) FILTER (WHERE {filter})",
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
    fn materialize(&self, name: &str, query: &str) -> Vec<String> {
        vec![format!(
            "CREATE OR REPLACE TEMPORARY TABLE {name} AS {query}"
        )]
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
                "(SELECT {LINE}, filename AS {FILE}, row_number() OVER () AS {ORDER} FROM read_csv({}, columns = {{'{LINE}': 'VARCHAR'}}, \
                 header = false, delim = chr(0), quote = '', escape = '', auto_detect = false, \
                 filename = true, max_line_size = {MAX_LINE_BYTES}))",
                self.string(&path)
            ),
        )
    }
    fn json_member(&self, line: &str, path: &[JsonStep]) -> String {
        let mut text = String::from("$");
        for step in path {
            match step {
                JsonStep::Key(key) => {
                    text.push_str(&format!(
                        ".\"{}\"",
                        key.replace('\\', "\\\\").replace('"', "\\\"")
                    ));
                }
                JsonStep::Index(index) => text.push_str(&format!("[{index}]")),
                JsonStep::Wildcard => text.push_str("[*]"),
            }
        }
        format!("json_extract_string({line}, {})", self.string(&text))
    }
    fn json_array_size(&self, text: &str) -> String {
        format!("(CASE WHEN json_valid({text}) AND json_type({text}) = 'ARRAY' THEN CAST(json_array_length({text}) AS BIGINT) ELSE CAST(-1 AS BIGINT) END)")
    }
    fn json_valid(&self, line: &str) -> String {
        format!("json_valid({line})")
    }
    fn list_map(&self, list: &str, variable: &str, body: &str) -> String {
        format!("list_transform({list}, lambda {variable}: {body})")
    }
    fn list_filter(&self, list: &str, variable: &str, condition: &str) -> String {
        format!("list_filter({list}, lambda {variable}: {condition})")
    }
    fn list_positions(&self, list: &str) -> String {
        format!("range(1, len({list}) + 1)")
    }
    fn list_max(&self, list: &str) -> String {
        format!("list_max({list})")
    }
    fn list_min(&self, list: &str) -> String {
        format!("list_min({list})")
    }
    fn list_distinct(&self, list: &str) -> String {
        format!("list_distinct({list})")
    }
    fn list_flatten(&self, list: &str) -> String {
        format!("flatten({list})")
    }
    fn list_slice(&self, list: &str, start: &str, length: &str) -> String {
        format!("list_slice({list}, {start}, ({start}) + ({length}) - 1)")
    }
    fn list_concat(&self, list: &str) -> String {
        format!("array_to_string({list}, '')")
    }
    fn first_present(&self, list: &str) -> String {
        format!("list_filter({list}, lambda sumoql_element: sumoql_element IS NOT NULL)[1]")
    }
    fn now_millis(&self) -> &'static str {
        "epoch_ms(now())"
    }
}
