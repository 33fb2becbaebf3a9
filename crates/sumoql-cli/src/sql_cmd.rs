//! `sumoql sql`: prints the SQL of a query for Spark, DuckDB or ClickHouse.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use sumoql::{
    expand_paths, parse_time_arg, Engine, ExtractionRule, InputSource, ParserSet, SourceChoice,
    Zone, SNIFF_BYTES,
};
use sumoql_sql::{to_sql, Dialect, Input, RawRule, SqlOptions};

use crate::input::RuleArgs;
use crate::record_fields::sample_record_fields;
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
    /// The fields of each record, for a query that outputs whole records (no `fields` and
    /// no aggregation at its end): the result's columns are these, then the fields the query
    /// adds, less those it removes [default: the keys of the JSON objects in the first
    /// --sample-lines lines of --source; with --table, required].
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    columns: Option<Vec<String>>,
    /// How many lines of --source are read for the fields of whole records, when --columns
    /// does not name them.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    sample_lines: usize,
    /// Keep (default) or leave out groups whose key is null.
    #[arg(long, value_enum, default_value = "keep")]
    null_groups: NullGroupsArg,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum DialectArg {
    Spark,
    Duckdb,
    Clickhouse,
}

/// A rule as the SQL applies it.
fn sql_rule(rule: &ExtractionRule) -> Result<RawRule, Exit> {
    let query = rule.query().map_err(|e| usage_error(e.to_string()))?;
    Ok(RawRule {
        name: rule.name().to_string(),
        category: rule.category().map(str::to_string),
        detect: rule.detect_patterns().map(str::to_string).collect(),
        evidence: rule.evidence().to_vec(),
        plan: query.plan.clone(),
    })
}

/// The extraction rules of `set` as the SQL applies them to the lines of `source`, in
/// `options`: the rules for text lines in detection order, the one `--parser` or the input's
/// mapping forces, the category they give, and the rule for JSON objects, which `sumoql run`
/// chooses from the start of each input (a file or folder of `source` is read for it).
fn apply_rules(
    set: &ParserSet,
    source: Option<&str>,
    options: &mut SqlOptions,
) -> Result<Vec<String>, Exit> {
    let mut warnings = Vec::new();
    let raw: Vec<&ExtractionRule> = set.rules().iter().filter(|r| !r.reads_json()).collect();
    for rule in &raw {
        options.raw_rules.push(sql_rule(rule)?);
    }
    let Some(source) = source else {
        return Ok(warnings);
    };
    let files = if Path::new(source).exists() {
        expand_paths(&[PathBuf::from(source)]).map_err(|e| usage_error(e.to_string()))?
    } else {
        Vec::new()
    };
    let names: Vec<String> = if files.is_empty() {
        vec![source.to_string()]
    } else {
        files.iter().map(|file| file.name()).collect()
    };
    let choice = set.choice_for(&names[0]);
    if let Some(other) = names.iter().find(|name| set.choice_for(name) != choice) {
        warnings.push(format!(
            "the inputs of --source map to different rules or categories ({} and {other}); \
             the SQL reads all of them as the first",
            names[0]
        ));
    }
    let SourceChoice { category, parser } = choice;
    options.category = category;
    let forced = parser.and_then(|index| set.rules().get(index));
    options.forced_rule = forced
        .filter(|rule| !rule.reads_json())
        .and_then(|rule| raw.iter().position(|r| r.name() == rule.name()));
    let json_rule = match forced.filter(|rule| rule.reads_json()) {
        Some(rule) => Some(rule),
        None => sniffed_json_rule(set, &files)?,
    };
    if files.is_empty() && json_rule.is_none() && set.rules().iter().any(|r| r.reads_json()) {
        warnings.push(format!(
            "--source `{source}` is not a file or folder here, so no input's start was read \
             to choose a rule for JSON objects; name one with --parser"
        ));
    }
    options.json_rule = json_rule.map(sql_rule).transpose()?;
    Ok(warnings)
}

/// The first rule for JSON objects that the start of one of `files` (its first
/// [`SNIFF_BYTES`]) calls for, as `sumoql run` chooses it for each input.
fn sniffed_json_rule<'a>(
    set: &'a ParserSet,
    files: &[InputSource],
) -> Result<Option<&'a ExtractionRule>, Exit> {
    for file in files {
        let mut head = Vec::new();
        let reader = file.open_bytes().map_err(|e| usage_error(e.to_string()))?;
        reader
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut head)
            .map_err(|e| usage_error(format!("cannot read {}: {e}", file.name())))?;
        if let Some(index) = set.json_rule_for(&file.name(), &head) {
            return Ok(set.rules().get(index));
        }
    }
    Ok(None)
}

/// Prints the SQL of the query; exit 2 when the query does not compile or has a construct with
/// no SQL form.
pub fn sql_command(args: SqlArgs) -> Result<(), Exit> {
    let (text, origin) = query_text(args.file.as_deref(), args.expression)?;
    let query = compile(&Engine::new(), &text, &origin)?;
    let source = args.source.clone();
    let input = match (args.source, args.table) {
        (Some(path), _) => Input::Lines {
            folder: Path::new(&path).is_dir(),
            path,
        },
        (None, table) => Input::Table(table.unwrap_or_else(|| "logs".to_string())),
    };
    let dialect = match args.dialect {
        DialectArg::Spark => Dialect::Spark,
        DialectArg::Duckdb => Dialect::DuckDb,
        DialectArg::Clickhouse => Dialect::ClickHouse,
    };
    let mut options = SqlOptions {
        drop_null_groups: matches!(args.null_groups, NullGroupsArg::Drop),
        json_only: args.json_only,
        now_ms: args
            .now
            .map(|now| {
                parse_time_arg(&now, now_ms(), &Zone::utc())
                    .map_err(|e| usage_error(format!("--now: {e}")))
            })
            .transpose()?,
        ..SqlOptions::new(dialect, input)
    };
    let set = args.rules.parser_set(None)?;
    let mut warnings = apply_rules(&set, source.as_deref(), &mut options)?;
    if source.is_none() {
        let ignored: Vec<&str> = [
            ("--parser", args.rules.parser.is_some()),
            ("--source-category", args.rules.source_category.is_some()),
            ("--config", args.rules.config.is_some()),
            ("--json-only", args.json_only),
        ]
        .into_iter()
        .filter_map(|(flag, given)| given.then_some(flag))
        .collect();
        if !ignored.is_empty() {
            warnings.push(format!(
                "with --table, {} change nothing: they apply to the lines of --source, and a \
                 table's columns are read as they are",
                ignored.join(", ")
            ));
        }
    }
    options.record_fields = match (args.columns, source.as_deref()) {
        (Some(columns), _) => Some(
            columns
                .iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
        ),
        (None, Some(source)) if query.plan.read.whole_records => {
            let sample = sample_record_fields(source, args.sample_lines)?;
            let (note, sample_warnings) = sample.messages(source);
            eprintln!("note: {note}");
            warnings.extend(sample_warnings);
            Some(sample.fields)
        }
        (None, _) => None,
    };
    let translation = to_sql(&query.plan, &options).map_err(usage_error)?;
    warnings.extend(translation.warnings);
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", translation.sql);
    Ok(())
}
