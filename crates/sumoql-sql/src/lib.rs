//! Compiles a sumoql [`Plan`](sumoql_plan::Plan) to SQL for Spark, DuckDB or ClickHouse.
//!
//! The SQL is a chain of common table expressions in pipeline order, so it reads like the
//! query. DESIGN §2 is carried over: every column read is text; comparisons with a number are
//! numeric when the text is numeric (D6); `isPrivateIP` drops rows that are not IPv4 (D4);
//! aggregation emits groups in ascending key order and `sort` is stable (D18). Constructs with
//! no faithful SQL form give an [`SqlError`] naming the construct, never wrong SQL.
//!
//! ```
//! use sumoql_functions::Registry;
//! use sumoql_plan::plan_query;
//! use sumoql_sql::{to_sql, Dialect, Input, SqlOptions};
//! use sumoql_syntax::parse_query;
//!
//! let query = parse_query("* | where dest_port = \"21\" | count by src_ip").unwrap();
//! let plan = plan_query(&query, &Registry::standard()).unwrap();
//! let options = SqlOptions::new(Dialect::DuckDb, Input::Table("logs".into()));
//! let sql = to_sql(&plan, &options).unwrap().sql;
//! assert!(sql.contains("GROUP BY"));
//! ```

mod aggregate;
mod clickhouse;
mod dialect;
mod duckdb;
mod expr;
mod generate;
mod math;
mod patterns;
mod refused;
mod spark;
#[cfg(test)]
mod test_support;
mod text_forms;
mod zones;

use std::fmt;

use sumoql_plan::Plan;

pub use dialect::Dialect;
pub use generate::to_sql;

/// Where the rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// An existing table (or view) whose columns are strings.
    Table(String),
    /// Log lines read as text, as `sumoql run` reads them: a JSON object's members become
    /// fields (extracted with the engine's JSON functions), any other line is a record with
    /// `_raw` only; every record keeps `_raw`, and `_sourceName` is its file.
    Lines {
        /// A file, a glob, or a folder.
        path: String,
        /// Whether `path` is a folder, read with every file under it.
        folder: bool,
    },
}

/// What [`to_sql`] needs besides the plan.
#[derive(Clone)]
pub struct SqlOptions {
    /// The SQL dialect written.
    pub dialect: Dialect,
    /// Where the rows come from.
    pub input: Input,
    /// Leave out groups whose key has a null (`--null-groups drop`, D2).
    pub drop_null_groups: bool,
    /// "Now" in epoch milliseconds (`--now`): the receipt time of every record, and so the
    /// `_messageTime` of a record without a time; the engine's clock when absent.
    pub now_ms: Option<i64>,
    /// Read only the JSON objects of [`Input::Lines`] (`--json-only`): any other line is left
    /// out, with no header and no extraction rule, which makes the SQL much smaller.
    pub json_only: bool,
    /// The extraction rules for lines that are not JSON objects, in detection order (the
    /// built-in `queries/parsers/`), applied to [`Input::Lines`] as `sumoql run` applies them.
    pub raw_rules: Vec<RawRule>,
    /// The index in `raw_rules` of the rule every text line is read with (`--parser`), in
    /// place of detection.
    pub forced_rule: Option<usize>,
    /// The rule that normalises the JSON objects (Windows Sysmon, say): its pipeline runs over
    /// each one, and the fields it sets replace the record's (`sumoql run` chooses it from
    /// the start of the input, or `--parser`).
    pub json_rule: Option<RawRule>,
    /// The `_sourceCategory` of every text line and of the JSON objects that carry none
    /// (`--source-category`, or the input's mapping).
    pub category: Option<String>,
    /// The fields of every record, in order, for a query whose result is whole records
    /// (`--columns`, or the JSON keys `sumoql sql` finds at the start of `--source`): the
    /// result shows these, with the fields the query adds and less those it removes. Such a
    /// query is refused without them.
    pub record_fields: Option<Vec<String>>,
}

impl SqlOptions {
    /// Options for `dialect` reading `input`, with the defaults of `sumoql sql`: null groups
    /// kept, the engine's clock as "now", every line read, no extraction rules, no record
    /// fields.
    pub fn new(dialect: Dialect, input: Input) -> SqlOptions {
        SqlOptions {
            dialect,
            input,
            drop_null_groups: false,
            now_ms: None,
            json_only: false,
            raw_rules: Vec::new(),
            forced_rule: None,
            json_rule: None,
            category: None,
            record_fields: None,
        }
    }
}

/// An extraction rule, as the SQL applies it. For raw lines, the first rule whose `detect`
/// patterns all match a line's message (the text after its syslog header) runs its row-local
/// pipeline over the line; its fields count when one of its `evidence` fields is set, else
/// the line keeps only `_raw` and its metadata. For JSON objects ([`SqlOptions::json_rule`]),
/// the fields its pipeline sets replace the object's, on the objects it keeps.
#[derive(Clone)]
pub struct RawRule {
    /// The rule's name (`paloalto`).
    pub name: String,
    /// The `_sourceCategory` its lines get.
    pub category: Option<String>,
    /// The regular expressions a message must all match for the rule to apply.
    pub detect: Vec<String>,
    /// The fields of which one must be set for a line to count as parsed.
    pub evidence: Vec<String>,
    /// The rule's compiled pipeline.
    pub plan: Plan,
}

/// The SQL of a query, and what the reader of its rows should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// The statements, each ending with `;` and a new line.
    pub sql: String,
    /// What the SQL does not do as `sumoql run` does (an extraction rule with no SQL form).
    pub warnings: Vec<String>,
}

/// A construct of the query that has no faithful SQL form in the dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    /// The construct, as the query names it (`accum`, `transpose`, `parse regex multi`).
    pub construct: String,
    /// Why it cannot be written in SQL.
    pub reason: String,
}

impl SqlError {
    /// An error about `construct`, for `reason`.
    pub fn new(construct: impl Into<String>, reason: impl Into<String>) -> SqlError {
        SqlError {
            construct: construct.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for SqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` has no SQL form: {}", self.construct, self.reason)
    }
}

impl std::error::Error for SqlError {}

#[cfg(test)]
mod tests {
    use super::*;
    use sumoql_functions::Registry;
    use sumoql_plan::plan_query;
    use sumoql_syntax::parse_query;

    fn compile(query: &str, dialect: Dialect, input: Input) -> Result<String, SqlError> {
        let plan = plan_query(&parse_query(query).unwrap(), &Registry::standard()).unwrap();
        to_sql(&plan, &SqlOptions::new(dialect, input)).map(|translation| translation.sql)
    }

    #[test]
    fn a_line_source_reads_json_members_from_the_line_as_text() {
        let sql = compile(
            "* | count by src_ip",
            Dialect::Spark,
            Input::Lines {
                path: "/data/logs".into(),
                folder: true,
            },
        )
        .unwrap();
        assert!(sql.contains("CREATE OR REPLACE TEMPORARY VIEW sumoql_lines USING text"));
        assert!(sql.contains("recursiveFileLookup 'true'"));
        assert!(
            sql.contains("get_json_object(sumoql_line, '$[\\'src_ip\\']')"),
            "{sql}"
        );
        assert!(sql.contains("GROUP BY `src_ip`"));
    }

    #[test]
    fn text_lines_get_their_header_and_the_rule_that_detects_them() {
        let plan_of =
            |text: &str| plan_query(&parse_query(text).unwrap(), &Registry::standard()).unwrap();
        let rule = |name: &str, text: &str| RawRule {
            name: name.into(),
            category: Some("linux/auth".into()),
            detect: vec![r"^sshd\[".into()],
            evidence: vec!["program".into()],
            plan: plan_of(text),
        };
        let options = SqlOptions {
            now_ms: Some(1_700_000_000_000),
            raw_rules: vec![
                rule("auth", r#"* | parse regex "^(?<program>\w+)\[" nodrop"#),
                rule("unsupported", r#"* | json "tags[*]" as program"#),
            ],
            ..SqlOptions::new(
                Dialect::DuckDb,
                Input::Lines {
                    path: "auth.log".into(),
                    folder: false,
                },
            )
        };
        let translation = to_sql(&plan_of("* | fields _sourceHost, program"), &options).unwrap();
        let sql = &translation.sql;
        assert!(sql.contains("AS sumoql_header_host"), "{sql}");
        assert!(
            sql.contains("WHERE NOT sumoql_is_json AND sumoql_rule = 0"),
            "{sql}"
        );
        assert!(sql.contains("LEFT JOIN s"), "{sql}");
        assert!(!sql.contains("sumoql_rule = 1"), "{sql}");
        assert_eq!(translation.warnings.len(), 1);
        assert!(translation.warnings[0].contains("`unsupported` is not applied"));
    }

    #[test]
    fn a_dotted_field_is_the_member_so_named_else_the_path() {
        let sql = compile(
            "* | fields a.b",
            Dialect::DuckDb,
            Input::Lines {
                path: "x.log".into(),
                folder: false,
            },
        )
        .unwrap();
        assert!(
            sql.contains(r#"COALESCE(json_extract_string(sumoql_line, '$."a.b"'), json_extract_string(sumoql_line, '$."a"."b"'))"#),
            "{sql}"
        );
    }

    #[test]
    fn a_number_against_log_text_compares_numerically_when_it_parses() {
        let sql = compile(
            "* | where bytes > 1000 | fields bytes",
            Dialect::DuckDb,
            Input::Table("logs".into()),
        )
        .unwrap();
        assert!(sql.contains("CAST(\"bytes\" AS DOUBLE)"));
        assert!(sql.contains("ELSE \"bytes\" > CAST(CAST(1000 AS BIGINT) AS VARCHAR)"));
    }

    #[test]
    fn number_and_a_cast_in_place_translate_as_num_does() {
        let sql = compile(
            "* | number(bytes) as n | num(size) | fields n, size",
            Dialect::DuckDb,
            Input::Table("logs".into()),
        )
        .unwrap();
        assert!(
            sql.contains("THEN CAST(\"bytes\" AS DOUBLE) END) AS DOUBLE) AS \"n\""),
            "{sql}"
        );
        assert!(
            sql.contains("THEN CAST(\"size\" AS DOUBLE) END) AS DOUBLE) AS \"size\""),
            "{sql}"
        );
    }

    #[test]
    fn row_sequences_are_windows_over_row_order() {
        let table = || Input::Table("logs".into());
        let accum = compile(
            "* | accum n as running | fields running",
            Dialect::Spark,
            table(),
        )
        .unwrap();
        assert!(
            accum.contains(
                "OVER (ORDER BY sumoql_row_order ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
            ),
            "{accum}"
        );
        let dedup = compile(
            "* | dedup 2 by user | fields user",
            Dialect::DuckDb,
            table(),
        )
        .unwrap();
        assert!(dedup.contains("ROW_NUMBER() OVER (PARTITION BY \"user\" ORDER BY sumoql_row_order) AS sumoql_rank"), "{dedup}");
        assert!(dedup.contains("WHERE sumoql_rank <= 2"), "{dedup}");
    }

    #[test]
    fn null_groups_can_be_dropped() {
        let plan = plan_query(
            &parse_query("* | count by host").unwrap(),
            &Registry::standard(),
        )
        .unwrap();
        let options = SqlOptions {
            drop_null_groups: true,
            ..SqlOptions::new(Dialect::ClickHouse, Input::Table("logs".into()))
        };
        assert!(to_sql(&plan, &options)
            .unwrap()
            .sql
            .contains("`host` IS NOT NULL"));
    }

    #[test]
    fn order_dependent_and_dynamic_constructs_are_refused_by_name() {
        let table = || Input::Table("logs".into());
        let transpose = compile(
            "* | count by a, b | transpose row a column b",
            Dialect::DuckDb,
            table(),
        );
        assert_eq!(transpose.unwrap_err().construct, "transpose");
        let whole = compile("* | where a = 1", Dialect::DuckDb, table());
        assert_eq!(whole.unwrap_err().construct, "whole records");
    }

    #[test]
    fn whole_records_show_the_record_fields_then_the_added_ones_less_the_removed() {
        let plan_of =
            |text: &str| plan_query(&parse_query(text).unwrap(), &Registry::standard()).unwrap();
        let options = SqlOptions {
            record_fields: Some(vec!["a".into(), "b".into(), "c".into()]),
            ..SqlOptions::new(Dialect::DuckDb, Input::Table("logs".into()))
        };
        let sql = to_sql(
            &plan_of("* | where a = \"x\" | 1 as k | fields - b"),
            &options,
        )
        .unwrap()
        .sql;
        assert!(
            sql.contains("SELECT \"a\", CAST(NULL AS VARCHAR) AS \"k\", \"b\", \"c\", "),
            "{sql}"
        );
        assert!(sql.contains("SELECT \"a\", \"c\", \"k\" FROM s"), "{sql}");
        for (query, construct) in [
            ("* | json field=m auto", "json auto on whole records"),
            ("* | kv field=m auto", "kv auto on whole records"),
            ("* | where A = 1", "field `a`"),
        ] {
            let error = to_sql(&plan_of(query), &options).unwrap_err();
            assert_eq!(error.construct, construct, "{query}");
        }
        let no_fields = SqlOptions {
            record_fields: Some(Vec::new()),
            ..options
        };
        let error = to_sql(&plan_of("* | where a = 1"), &no_fields).unwrap_err();
        assert_eq!(error.construct, "whole records");
    }

    #[test]
    fn a_subquery_is_its_child_crossed_with_the_records() {
        let sql = compile(
            "x [subquery: y | count by h | compose h maxresults=5] | where ![subquery: z | compose u] | count by h",
            Dialect::DuckDb,
            Input::Table("logs".into()),
        )
        .unwrap();
        assert!(
            sql.contains("ORDER BY MIN(sumoql_row_order) LIMIT 5"),
            "{sql}"
        );
        assert!(sql.contains("LIMIT 2500"), "{sql}");
        assert_eq!(sql.matches("CROSS JOIN").count(), 2, "{sql}");
        assert!(sql.contains("(NOT sumoql_subquery1)"), "{sql}");
        assert!(
            sql.contains("regexp_matches(lower(\"h\"), concat('(?s)^'"),
            "{sql}"
        );
    }

    #[test]
    fn a_join_joins_its_tables_branches_newest_first() {
        let sql = compile(
            "* | join (where k = \"a\") as t1, (count by u) as t2 on t1.u = t2.u | fields t1_u, t2__count",
            Dialect::DuckDb,
            Input::Lines {
                path: "x.log".into(),
                folder: false,
            },
        )
        .unwrap();
        let timed = compile(
            "* | join (where k = \"a\") as t1, (where k = \"b\") as t2 on t1.u = t2.u timewindow 1m | fields t1_u",
            Dialect::DuckDb,
            Input::Lines {
                path: "x.log".into(),
                folder: false,
            },
        )
        .unwrap();
        assert!(
            timed.contains(
                "abs(sumoql_join0.\"_messageTime\" - sumoql_join1.\"_messageTime\") <= 60000"
            ),
            "{timed}"
        );
        assert!(
            sql.contains("ORDER BY \"_messageTime\" DESC NULLS LAST, sumoql_row_order"),
            "{sql}"
        );
        assert!(sql.contains("ROW_NUMBER() OVER (ORDER BY sumoql_join0.sumoql_newest, sumoql_join1.sumoql_newest)"), "{sql}");
        assert!(
            sql.contains("WHERE sumoql_join0.\"u\" = sumoql_join1.\"u\""),
            "{sql}"
        );
    }

    #[test]
    fn lookup_and_cat_inline_the_table_as_constant_rows() {
        let table = std::env::temp_dir().join(format!("sumoql-sql-{}.csv", std::process::id()));
        std::fs::write(&table, "host,owner\nWeb-1,alice\nweb-2,bob\nweb-2,carol\n").unwrap();
        let path = table.display();
        let lookup = compile(
            &format!("* | lookup owner from file://{path} on h=host | fields h, owner"),
            Dialect::Spark,
            Input::Table("logs".into()),
        )
        .unwrap();
        let cat = compile(
            &format!("cat file://{path} | fields host"),
            Dialect::ClickHouse,
            Input::Table("logs".into()),
        )
        .unwrap();
        std::fs::remove_file(&table).unwrap();
        assert!(
            lookup.contains("LEFT JOIN (SELECT 'Web-1' AS sumoql_table_key0, 'alice' AS sumoql_table_cell0 UNION ALL SELECT 'web-2' AS sumoql_table_key0, 'carol' AS sumoql_table_cell0) sumoql_table"),
            "{lookup}"
        );
        assert!(
            cat.contains("SELECT 'Web-1' AS `host`, 'alice' AS `owner`, CAST(0 AS BIGINT) AS sumoql_row_order UNION ALL"),
            "{cat}"
        );
    }

    #[test]
    fn subqueries_of_their_own_time_and_state_are_refused_by_name() {
        let table = || Input::Table("logs".into());
        for (query, construct) in [
            (
                "x [subquery from=(-1d): y | compose h] | count by h",
                "subquery from= and to=",
            ),
            (
                "* | trace \"ID=([0-9A-F]{4})\" \"7F92\" | fields _raw",
                "trace",
            ),
        ] {
            let error = compile(query, Dialect::DuckDb, table()).unwrap_err();
            assert_eq!(error.construct, construct, "{query}");
        }
    }
}
