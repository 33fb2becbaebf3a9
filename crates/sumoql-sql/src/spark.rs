//! Spark SQL.

use crate::dialect::{
    ascending_keys, common_float_function, unnamed_groups, write_replacement, Piece, SqlDialect,
    FILE, LINE, ORDER,
};
use sumoql_plan::JsonStep;

use crate::SqlError;

/// Spark SQL: backquoted names, backslash escapes in literals, Java regular expressions and
/// Java date patterns.
pub(crate) struct Spark;

impl SqlDialect for Spark {
    fn float_function(&self, name: &str) -> Option<&'static str> {
        match name {
            "hypot" => Some("hypot"),
            "log1p" => Some("log1p"),
            "expm1" => Some("expm1"),
            _ => common_float_function(name),
        }
    }
    fn identifier(&self, name: &str) -> String {
        format!("`{}`", name.replace('`', "``"))
    }
    fn string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
    }
    fn text_type(&self) -> &'static str {
        "STRING"
    }
    fn regex_test(&self, text: &str, pattern: &str) -> String {
        format!("({text} RLIKE {pattern})")
    }
    fn regex_extract_all(&self, text: &str, pattern: &str, group: usize) -> String {
        format!(
            "regexp_extract_all({text}, {}, {group})",
            self.string(&unnamed_groups(pattern))
        )
    }
    fn first_position(&self, list: &str, value: &str) -> String {
        format!("array_position({list}, {value})")
    }
    fn last_position(&self, list: &str, value: &str) -> String {
        format!(
            "(CASE WHEN array_position({list}, {value}) = 0 THEN 0 \
             ELSE size({list}) + 1 - array_position(reverse({list}), {value}) END)"
        )
    }
    fn element(&self, list: &str, position: &str) -> String {
        // Position 0 is an error in Spark, even where a condition leaves the value unused.
        format!("element_at({list}, CAST(greatest({position}, 1) AS INT))")
    }
    fn zone_offset_seconds(&self, millis: &str, zone: &str) -> String {
        format!(
            "CAST(round((unix_millis(from_utc_timestamp(timestamp_millis(CAST({millis} AS BIGINT)), {})) - {millis}) / 1000.0) AS BIGINT)",
            self.string(zone)
        )
    }
    fn json_array_holds_string(&self, array: &str, text: &str) -> String {
        format!("array_contains(from_json({array}, 'array<string>'), {text})")
    }
    fn json_keys(&self, object: &str) -> String {
        format!("json_object_keys({object})")
    }
    fn json_member_named(&self, object: &str, key: &str) -> String {
        let escaped = format!(
            "replace(replace({key}, {}, {}), {}, {})",
            self.string("\\"),
            self.string("\\\\"),
            self.string("'"),
            self.string("\\'")
        );
        format!(
            "get_json_object({object}, concat({}, {escaped}, {}))",
            self.string("$['"),
            self.string("']")
        )
    }
    fn list_length(&self, list: &str) -> String {
        format!("CAST(size({list}) AS BIGINT)")
    }
    fn each_up_to(&self, count: &str) -> String {
        format!("explode(sequence(1, CAST({count} AS INT)))")
    }
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String {
        format!(
            "regexp_extract({text}, {}, {group})",
            self.string(&unnamed_groups(pattern))
        )
    }
    fn regex_replace(&self, text: &str, pattern: &str, replacement: &[Piece]) -> String {
        let replacement = write_replacement(
            replacement,
            |c| {
                if c == '\\' || c == '$' {
                    format!("\\{c}")
                } else {
                    c.to_string()
                }
            },
            |group| format!("${group}"),
        );
        format!(
            "regexp_replace({text}, {}, {})",
            self.string(&unnamed_groups(pattern)),
            self.string(&replacement)
        )
    }
    fn char_length(&self, text: &str) -> String {
        format!("char_length({text})")
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("CAST({number} AS BIGINT)")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("slice(array_sort(collect_set({text})), 1, 100)")
    }
    fn first_by(&self, value: &str, keys: &[(String, bool)], filter: &str) -> String {
        format!(
            "min_by({value}, struct({})) FILTER (WHERE {filter})",
            ascending_keys(keys).join(", ")
        )
    }
    fn ordered_join(&self, text: &str, keys: &[String], filter: &str, separator: &str) -> String {
        // Structs sort by their fields in order: the keys, then the text.
        let fields: Vec<String> = keys
            .iter()
            .enumerate()
            .map(|(index, key)| format!("'sumoql_key{index}', {key}"))
            .collect();
        format!(
            "(CASE WHEN COUNT(*) FILTER (WHERE {filter}) > 0 THEN array_join(transform(array_sort(\
             collect_list(named_struct({}, 'sumoql_text', {text})) FILTER (WHERE {filter})), \
             sumoql_item -> sumoql_item.sumoql_text), {separator}) END)",
            fields.join(", ")
        )
    }
    fn sample_stddev(&self, number: &str) -> String {
        format!("stddev_samp({number})")
    }
    fn percentile(&self, number: &str, fraction: f64) -> String {
        format!("percentile({number}, {fraction})")
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
    fn settings(&self) -> Vec<String> {
        vec![
            "SET spark.sql.session.timeZone = UTC".to_string(),
            // Merging the chain of stages into one projection copies each stage's expressions
            // into every use in the next, which grows without bound on the stages of the
            // extraction rules (the driver runs out of memory planning them); so do pushing
            // filters through those projections (whichever rule does it, as the one that
            // copies every list of `parse xml`'s stages into its condition).
            // The extraction rules make a plan of a few hundred stages, which takes the
            // analyzer more than its default 100 passes to resolve.
            "SET spark.sql.analyzer.maxIterations = 10000".to_string(),
            "SET spark.sql.optimizer.maxIterations = 10000".to_string(),
            "SET spark.sql.optimizer.excludedRules = \
             org.apache.spark.sql.catalyst.optimizer.CollapseProject,\
             org.apache.spark.sql.catalyst.optimizer.PushDownPredicates,\
             org.apache.spark.sql.catalyst.optimizer.PushPredicateThroughNonJoin"
                .to_string(),
        ]
    }
    fn materialize(&self, name: &str, query: &str) -> Vec<String> {
        // `CACHE TABLE` computes the view at once and keeps its rows for every later read.
        vec![
            format!("UNCACHE TABLE IF EXISTS {name}"),
            format!("CREATE OR REPLACE TEMPORARY VIEW {name} AS {query}"),
            format!("CACHE TABLE {name}"),
        ]
    }
    fn line_reader(&self, path: &str, folder: bool) -> (Vec<String>, String) {
        let recursive = if folder {
            ", recursiveFileLookup 'true'"
        } else {
            ""
        };
        let view = format!(
            "CREATE OR REPLACE TEMPORARY VIEW sumoql_lines USING text OPTIONS (path {}{recursive})",
            self.string(path)
        );
        (
            vec![view],
            format!(
                "(SELECT value AS {LINE}, input_file_name() AS {FILE}, \
                 monotonically_increasing_id() AS {ORDER} FROM sumoql_lines)"
            ),
        )
    }
    fn json_member(&self, line: &str, path: &[JsonStep]) -> String {
        let path: String = path
            .iter()
            .map(|step| match step {
                JsonStep::Key(key) => {
                    format!("['{}']", key.replace('\\', "\\\\").replace('\'', "\\'"))
                }
                JsonStep::Index(index) => format!("[{index}]"),
                JsonStep::Wildcard => "[*]".to_string(),
            })
            .collect();
        format!(
            "get_json_object({line}, {})",
            self.string(&format!("${path}"))
        )
    }
    fn json_array_size(&self, text: &str) -> String {
        format!("COALESCE(CAST(json_array_length({text}) AS BIGINT), CAST(-1 AS BIGINT))")
    }
    fn json_valid(&self, line: &str) -> String {
        format!("(get_json_object({line}, '$') IS NOT NULL)")
    }
    fn list_map(&self, list: &str, variable: &str, body: &str) -> String {
        format!("transform({list}, {variable} -> {body})")
    }
    fn list_filter(&self, list: &str, variable: &str, condition: &str) -> String {
        format!("filter({list}, {variable} -> {condition})")
    }
    fn list_positions(&self, list: &str) -> String {
        format!("transform({list}, (sumoql_element, sumoql_index) -> sumoql_index + 1)")
    }
    fn list_max(&self, list: &str) -> String {
        format!("array_max({list})")
    }
    fn list_min(&self, list: &str) -> String {
        format!("array_min({list})")
    }
    fn list_distinct(&self, list: &str) -> String {
        format!("array_distinct({list})")
    }
    fn list_flatten(&self, list: &str) -> String {
        format!("flatten({list})")
    }
    fn list_slice(&self, list: &str, start: &str, length: &str) -> String {
        format!("slice({list}, {start}, {length})")
    }
    fn list_concat(&self, list: &str) -> String {
        format!("array_join({list}, '')")
    }
    fn first_present(&self, list: &str) -> String {
        // `element_at` past the end is an error under ANSI rules.
        format!("try_element_at(filter({list}, sumoql_element -> sumoql_element IS NOT NULL), 1)")
    }
    fn now_millis(&self) -> &'static str {
        "unix_millis(current_timestamp())"
    }
}
