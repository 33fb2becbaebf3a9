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
//! let options = SqlOptions { dialect: Dialect::DuckDb, input: Input::Table("logs".into()), drop_null_groups: false };
//! let sql = to_sql(&plan, &options).unwrap();
//! assert!(sql.contains("GROUP BY"));
//! ```

mod clickhouse;
mod dialect;
mod duckdb;
mod expr;
mod generate;
mod spark;

use std::fmt;

pub use dialect::Dialect;
pub use generate::to_sql;

/// Where the rows come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// An existing table (or view) whose columns are strings.
    Table(String),
    /// An NDJSON file or folder, read by the engine's own JSON reader with every column as text.
    Source(String),
}

/// What [`to_sql`] needs besides the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlOptions {
    /// The SQL dialect written.
    pub dialect: Dialect,
    /// Where the rows come from.
    pub input: Input,
    /// Leave out groups whose key has a null (`--null-groups drop`, D2).
    pub drop_null_groups: bool,
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
