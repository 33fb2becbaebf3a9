//! ClickHouse.

use crate::dialect::{
    ascending_keys, common_float_function, java_to_strftime, re2_replacement, unnamed_groups,
    Directives, Piece, SqlDialect, FILE, LINE, ORDER,
};
use sumoql_plan::JsonStep;

use crate::SqlError;

/// ClickHouse: backquoted names, RE2 regular expressions, `formatDateTime`.
pub(crate) struct ClickHouse;

impl SqlDialect for ClickHouse {
    fn nullable_double(&self, number: &str) -> String {
        format!("CAST({number} AS Nullable(Float64))")
    }
    fn is_nan(&self, number: &str) -> String {
        format!("isNaN({number})")
    }
    fn float_function(&self, name: &str) -> Option<&'static str> {
        match name {
            "hypot" => Some("hypot"),
            "log1p" => Some("log1p"),
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
        "Nullable(String)"
    }
    fn regex_test(&self, text: &str, pattern: &str) -> String {
        format!("match({text}, {pattern})")
    }
    fn regex_extract_all(&self, text: &str, pattern: &str, group: usize) -> String {
        format!(
            "extractAllGroupsHorizontal({text}, {})[{group}]",
            self.string(&unnamed_groups(pattern))
        )
    }
    fn first_position(&self, list: &str, value: &str) -> String {
        format!("indexOf({list}, {value})")
    }
    fn last_position(&self, list: &str, value: &str) -> String {
        format!("arrayLastIndex(sumoql_element -> sumoql_element = {value}, {list})")
    }
    fn text_position(&self, text: &str, needle: &str) -> String {
        // Characters, not bytes.
        format!("positionUTF8({text}, {needle})")
    }
    fn zone_offset_seconds(&self, millis: &str, zone: &str) -> String {
        format!(
            "CAST(timeZoneOffset(fromUnixTimestamp64Milli(CAST({millis} AS Int64), {})) AS BIGINT)",
            self.string(zone)
        )
    }
    fn json_array_holds_string(&self, array: &str, text: &str) -> String {
        // The JSON functions take text that is never null.
        let array = format!("ifNull({array}, '')");
        format!(
            "(isValidJSON({array}) = 1 AND JSONType({array}) = 'Array' AND arrayExists(sumoql_element -> JSONType(sumoql_element) = 'String' AND JSONExtractString(sumoql_element) = {text}, JSONExtractArrayRaw({array})))"
        )
    }
    fn json_keys(&self, object: &str) -> String {
        format!("JSONExtractKeys(ifNull({object}, ''))")
    }
    fn json_member_named(&self, object: &str, key: &str) -> String {
        format!("JSONExtract({object}, {key}, 'Nullable(String)')")
    }
    fn list_length(&self, list: &str) -> String {
        format!("CAST(length({list}) AS BIGINT)")
    }
    fn each_up_to(&self, count: &str) -> String {
        format!("arrayJoin(range(1, toUInt64({count}) + 1))")
    }
    fn regex_extract(&self, text: &str, pattern: &str, group: usize) -> String {
        format!(
            "extractGroups({text}, {})[{group}]",
            self.string(&unnamed_groups(pattern))
        )
    }
    fn text_to_double(&self, text: &str) -> String {
        // ClickHouse may evaluate a CASE branch on rows the condition excludes, where a cast
        // of other text fails.
        format!("toFloat64OrNull({text})")
    }
    fn regex_replace(&self, text: &str, pattern: &str, replacement: &[Piece]) -> String {
        let replacement = re2_replacement(replacement);
        format!(
            "replaceRegexpAll({text}, {}, {})",
            self.string(&unnamed_groups(pattern)),
            self.string(&replacement)
        )
    }
    fn substring(&self, text: &str, start: &str, length: Option<&str>) -> String {
        // Characters, not bytes.
        match length {
            Some(length) => format!("substringUTF8({text}, {start}, {length})"),
            None => format!("substringUTF8({text}, {start})"),
        }
    }
    fn boolean(&self, condition: &str) -> String {
        // Conditions are UInt8 numbers (1 and 0) unless cast.
        format!("CAST({condition} AS Nullable(Bool))")
    }
    fn char_length(&self, text: &str) -> String {
        format!("lengthUTF8({text})")
    }
    fn upper(&self, text: &str) -> String {
        // ClickHouse maps letters one to one; `ß` has no single capital.
        format!("upperUTF8(replace({text}, 'ß', 'SS'))")
    }
    fn lower(&self, text: &str) -> String {
        format!("lowerUTF8({text})")
    }
    fn truncate_to_long(&self, number: &str) -> String {
        format!("toInt64OrNull(toString(trunc({number})))")
    }
    fn values_aggregate(&self, text: &str) -> String {
        format!("arraySlice(arraySort(groupUniqArray({text})), 1, 100)")
    }
    fn first_by(&self, value: &str, keys: &[(String, bool)], filter: &str) -> String {
        // The row order of lines is a tuple, which cannot be negated: when it sorts
        // descending, the row is the greatest, the other keys' directions turned round.
        let last_descending = keys.last().is_some_and(|(_, descending)| *descending);
        let turned: Vec<(String, bool)> = keys
            .iter()
            .map(|(key, descending)| (key.clone(), *descending != last_descending))
            .collect();
        let function = if last_descending {
            "argMaxIf"
        } else {
            "argMinIf"
        };
        format!(
            "{function}({value}, tuple({}), {filter})",
            ascending_keys(&turned).join(", ")
        )
    }
    fn ordered_join(&self, text: &str, keys: &[String], filter: &str, separator: &str) -> String {
        // Tuples sort by their elements in order: the keys, then the text.
        format!(
            "(CASE WHEN countIf({filter}) > 0 THEN arrayStringConcat(arrayMap(sumoql_item -> \
             assumeNotNull(tupleElement(sumoql_item, {})), arraySort(groupArrayIf(tuple({}, {text}), \
             {filter}))), {separator}) END)",
            keys.len() + 1,
            keys.join(", ")
        )
    }
    fn sample_stddev(&self, number: &str) -> String {
        // The plain form loses all precision on large values such as epoch milliseconds.
        format!("stddevSampStable({number})")
    }
    fn percentile(&self, number: &str, fraction: f64) -> String {
        // The inclusive form ranks from 0 to n - 1, as the native percentile does.
        format!("quantileExactInclusive({fraction})({number})")
    }
    fn format_date(&self, millis: &str, pattern: &str) -> Result<String, SqlError> {
        // ClickHouse spells minutes `%i` (its `%M` is the month's name).
        let format = java_to_strftime(
            pattern,
            &Directives {
                millis: "%f",
                minutes: "%i",
            },
        )?;
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
    fn stage(&self, body: &str) -> String {
        // A limit no stage reaches keeps ClickHouse from moving a later stage's filter into
        // this one, which copies every earlier stage's expressions into the filter and makes
        // planning a detection take minutes.
        format!("SELECT * FROM ({body}) LIMIT 9223372036854775807")
    }
    fn settings(&self) -> Vec<String> {
        // A cast of a null stays null (ClickHouse refuses it otherwise); the deep chain of
        // stages a detection compiles to, and its text, are allowed; a name read in a stage is the column of
        // its input even where the stage gives a result of the same name (the row order it
        // renumbers); `%f` writes as many digits as the time has (milliseconds).
        vec![
            "SET cast_keep_nullable = 1".to_string(),
            "SET max_subquery_depth = 1000".to_string(),
            "SET max_query_size = 1073741824".to_string(),
            "SET prefer_column_name_to_alias = 1".to_string(),
            "SET formatdatetime_f_prints_scale_number_of_digits = 1".to_string(),
            // Pushing filters down the chain of stages repeats the stages' expressions, which
            // makes planning a detection over the extraction rules take seconds to minutes.
            "SET query_plan_filter_push_down = 0".to_string(),
            // The query plan's optimizations take time that doubles with each stage a column
            // passes through (seconds at 15 stages, half a minute at 20), and an extraction
            // rule has dozens.
            "SET query_plan_enable_optimizations = 0".to_string(),
            // A row a LEFT JOIN finds no match for gets nulls, as in standard SQL.
            "SET join_use_nulls = 1".to_string(),
        ]
    }
    fn materialize(&self, name: &str, query: &str) -> Vec<String> {
        vec![
            format!("DROP TEMPORARY TABLE IF EXISTS {name}"),
            format!("CREATE TEMPORARY TABLE {name} ENGINE = Memory AS {query}"),
        ]
    }
    fn line_reader(&self, path: &str, folder: bool) -> (Vec<String>, String) {
        let path = if folder {
            format!("{}/**", path.trim_end_matches('/'))
        } else {
            path.to_string()
        };
        (
            Vec::new(),
            format!(
                "(SELECT line AS {LINE}, _path AS {FILE}, (_path, _row_number) AS {ORDER} \
                 FROM file({}, LineAsString))",
                self.string(&path)
            ),
        )
    }
    fn json_member(&self, line: &str, path: &[JsonStep]) -> String {
        // ClickHouse counts array elements from 1.
        let steps: Vec<String> = path
            .iter()
            .map(|step| match step {
                JsonStep::Key(key) => self.string(key),
                JsonStep::Index(index) => (index + 1).to_string(),
                JsonStep::Wildcard => "'*'".to_string(),
            })
            .collect();
        format!(
            "JSONExtract({line}, {}, 'Nullable(String)')",
            steps.join(", ")
        )
    }
    fn json_array_size(&self, text: &str) -> String {
        format!("(CASE WHEN isValidJSON({text}) = 1 AND JSONType({text}) = 'Array' THEN toInt64(JSONLength({text})) ELSE toInt64(-1) END)")
    }
    fn json_valid(&self, line: &str) -> String {
        format!("(isValidJSON({line}) = 1)")
    }
    fn list_map(&self, list: &str, variable: &str, body: &str) -> String {
        format!("arrayMap({variable} -> {body}, {list})")
    }
    fn list_filter(&self, list: &str, variable: &str, condition: &str) -> String {
        format!("arrayFilter({variable} -> {condition}, {list})")
    }
    fn list_positions(&self, list: &str) -> String {
        format!("arrayEnumerate({list})")
    }
    fn list_max(&self, list: &str) -> String {
        format!("arrayMax({list})")
    }
    fn list_min(&self, list: &str) -> String {
        format!("arrayMin({list})")
    }
    fn list_distinct(&self, list: &str) -> String {
        format!("arrayDistinct({list})")
    }
    fn list_flatten(&self, list: &str) -> String {
        format!("arrayFlatten({list})")
    }
    fn list_slice(&self, list: &str, start: &str, length: &str) -> String {
        format!("arraySlice({list}, {start}, {length})")
    }
    fn list_concat(&self, list: &str) -> String {
        format!("arrayStringConcat({list}, '')")
    }
    fn first_present(&self, list: &str) -> String {
        // Null, not the type's default, when none is.
        format!("arrayFirstOrNull(sumoql_element -> sumoql_element IS NOT NULL, {list})")
    }
    fn now_millis(&self) -> &'static str {
        "toUnixTimestamp64Milli(now64(3))"
    }
}
