//! `sumoql sql`: prints the SQL of a query for Spark, DuckDB or ClickHouse.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use sumoql::{parse_time_arg, Engine, ParserSet, Zone};
use sumoql_sql::{to_sql, Dialect, Input, RawRule, SqlOptions};

use crate::{compile, now_ms, query_text, usage_error, Exit, NullGroupsArg};

/// The arguments of `sumoql sql`.
#[derive(Args)]
pub struct SqlArgs {
    /// The query file (or use -e).
    file: Option<PathBuf>,
    /// The query text itself instead of a file.
    #[arg(short = 'e', long = "expression", value_name = "QUERY")]
    expression: Option<String>,
    /// The SQL dialect written.
    #[arg(long, value_enum)]
    dialect: DialectArg,
    /// Read the log lines of this file, glob or folder as `sumoql run` does (the SQL starts with
    /// the engine's text reader): a JSON object's members are fields, any other line a record
    /// with `_raw`; every record keeps `_raw` and `_sourceName`.
    #[arg(long, value_name = "PATH", conflicts_with = "table")]
    source: Option<String>,
    /// Read only the JSON objects of --source: any other line is left out, unparsed (a much
    /// smaller SQL, for inputs that hold JSON alone).
    #[arg(long, requires = "source")]
    json_only: bool,
    /// Take TIME as now (ISO-8601, epoch, or `-2h` from the clock): the receipt time, and so
    /// the _messageTime of records without a time [default: the engine's clock when it runs].
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Read this existing table, whose columns are strings [default: logs].
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    /// Keep (default) or leave out groups whose key is null.
    #[arg(long, value_enum, default_value = "keep")]
    null_groups: NullGroupsArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    Spark,
    Duckdb,
    Clickhouse,
}

/// The built-in extraction rules for raw lines, in detection order, as the SQL applies them.
fn raw_rules() -> Result<Vec<RawRule>, Exit> {
    let set = ParserSet::shared_builtin();
    let mut rules = Vec::new();
    for rule in set.rules().iter().filter(|rule| !rule.reads_json()) {
        let query = rule.query().map_err(|e| usage_error(e.to_string()))?;
        rules.push(RawRule {
            name: rule.name().to_string(),
            category: rule.category().map(str::to_string),
            detect: rule.detect_patterns().map(str::to_string).collect(),
            evidence: rule.evidence().to_vec(),
            plan: query.plan.clone(),
        });
    }
    Ok(rules)
}

/// Prints the SQL of the query; exit 2 when the query does not compile or has a construct with
/// no SQL form.
pub fn sql_command(args: SqlArgs) -> Result<(), Exit> {
    let (text, origin) = query_text(args.file.as_deref(), args.expression)?;
    let query = compile(&Engine::new(), &text, &origin)?;
    let input = match (args.source, args.table) {
        (Some(path), _) => Input::Lines {
            folder: Path::new(&path).is_dir(),
            path,
        },
        (None, table) => Input::Table(table.unwrap_or_else(|| "logs".to_string())),
    };
    let options = SqlOptions {
        dialect: match args.dialect {
            DialectArg::Spark => Dialect::Spark,
            DialectArg::Duckdb => Dialect::DuckDb,
            DialectArg::Clickhouse => Dialect::ClickHouse,
        },
        input,
        drop_null_groups: matches!(args.null_groups, NullGroupsArg::Drop),
        json_only: args.json_only,
        raw_rules: raw_rules()?,
        now_ms: args
            .now
            .map(|now| {
                parse_time_arg(&now, now_ms(), &Zone::utc())
                    .map_err(|e| usage_error(format!("--now: {e}")))
            })
            .transpose()?,
    };
    let translation = to_sql(&query.plan, &options).map_err(usage_error)?;
    for warning in &translation.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", translation.sql);
    Ok(())
}
