//! The `sumoql` command line: run, check and explain Sumo Logic-style queries over local logs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

mod check_cmd;
mod detect_cmd;
mod diff;
mod fmt_cmd;
mod help;
mod repl;
mod sigma_cmd;
mod sql_cmd;
mod test_cmd;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use sumoql::{
    parse_duration_ms, parse_time_arg, run, writer, Diagnostic, Engine, Format, InputSource,
    NullGroups, ParserError, ParserSet, Query, RuleSeverity, RunConfig, Severity, Zone,
    CONFIG_FILE_NAME,
};

const EXAMPLES: &str = "\
Examples:
  sumoql run queries/t1071_002_file_transfer_protocols.sumo examples/logs
  sumoql run -e '_sourceCategory=network/* | count by action' logs/ --format table
  zcat fw.json.gz | sumoql run -e '* | where dest_port = \"445\" | fields src_ip, dest_ip'
  sumoql check queries/*.sumo
  sumoql repl examples/logs
  sumoql explain queries/t1071_002_file_transfer_protocols.sumo
  sumoql help timeslice
  sumoql test queries
  sumoql fmt --check queries/*.sumo
  sumoql detect --rules queries examples/logs --min-severity high

Exit codes: 0 ok, 1 runtime or data error, 2 usage or query error.";

/// Run Sumo Logic-style pipe queries over local logs (JSON lines, gzip, folders, stdin).
#[derive(Parser)]
#[command(
    name = "sumoql",
    version,
    about,
    after_help = EXAMPLES,
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a query over log files or folders (stdin when no path, or `-`).
    #[command(
        after_help = "A query file comes first unless -e is given; every other argument is a log path.\n\
Folders are read recursively (.json .ndjson .jsonl .log, and their .gz).\n\
Warnings (skipped lines, dropped records) go to stderr, one summary line per kind."
    )]
    Run(RunArgs),
    /// Parse, plan and lint query or rule files; print every diagnostic. Exit 2 on error.
    #[command(after_help = CHECK_HELP)]
    Check {
        /// Query or rule files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// A file of the field names the logs have, one per line (`#` starts a comment).
        #[arg(long, value_name = "FILE")]
        schema: Option<PathBuf>,
        /// Sample logs (files or folders): the field names of their first records are known.
        #[arg(long = "input", value_name = "PATH")]
        inputs: Vec<PathBuf>,
    },
    /// Print the plan of a query as stable text.
    Explain {
        /// The query file (or use -e).
        file: Option<PathBuf>,
        /// The query text itself instead of a file.
        #[arg(short = 'e', long = "expression", value_name = "QUERY")]
        expression: Option<String>,
    },
    /// Run every rule's fixture cases (RULE.tests/CASE/input.* against expected.ndjson).
    #[command(after_help = TEST_HELP)]
    Test {
        /// Rule files or folders of rules [default: queries].
        paths: Vec<PathBuf>,
        /// Rewrite each case's expected.ndjson with the rows the rule prints now (review them!).
        #[arg(long)]
        bless: bool,
    },
    /// Run a set of rules over logs in one pass; print alerts as NDJSON. Exit 1 if any fired.
    #[command(after_help = DETECT_HELP)]
    Detect(DetectArgs),
    /// Rewrite query files in the canonical layout (one stage per line, `| ` first).
    #[command(after_help = FMT_HELP)]
    Fmt {
        /// Query or rule files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing; list the files not formatted with a diff, and exit 1 if any.
        #[arg(long)]
        check: bool,
    },
    /// Convert a Sigma rule (YAML) into a rule file of this dialect, printed on stdout.
    #[command(after_help = SIGMA_HELP)]
    Sigma {
        /// The Sigma rule.
        file: PathBuf,
        /// Field and log-source names: `fields:` (Sigma name: field) and `logsources:`
        /// (`product/service`, `product/category`, `product` or `category`: scope).
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
    },
    /// Load logs once, then run query after query interactively (completion, history).
    Repl(repl::ReplArgs),
    /// Print the SQL of a query for Spark, DuckDB or ClickHouse.
    Sql(sql_cmd::SqlArgs),
    /// The dialect reference: every operator and function, or one entry with examples.
    Help {
        /// An operator, function or command name (e.g. `timeslice`, `formatDate`, `run`).
        name: Option<String>,
        /// Print the whole reference as Markdown (the text of docs/dialect.md).
        #[arg(long, conflicts_with = "name")]
        markdown: bool,
    },
}

#[derive(Args)]
struct RunArgs {
    /// QUERY_FILE then PATH…, or only PATH… with -e.
    #[arg(value_name = "QUERY_FILE | PATH")]
    args: Vec<PathBuf>,
    /// The query text itself instead of a file.
    #[arg(short = 'e', long = "expression", value_name = "QUERY")]
    expression: Option<String>,
    /// Output format [default: table on a terminal, ndjson otherwise].
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Keep records whose _messageTime is at or after TIME (ISO-8601, epoch, `now`, `-2h`).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Keep records whose _messageTime is before TIME.
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
    /// Keep the last DURATION up to now (e.g. 15m, 24h, 7d); excludes --from/--to.
    #[arg(long, value_name = "DURATION", conflicts_with_all = ["from", "to"])]
    last: Option<String>,
    /// Time zone for dates (IANA name such as Europe/Paris, or an offset such as +02:00).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
    /// _sourceCategory for records that carry none (and for every raw line).
    #[arg(long, value_name = "CAT")]
    source_category: Option<String>,
    /// The extraction rule for the raw lines of every input (paloalto, cisco_asa, fortinet,
    /// or one named in the configuration); without it each input's mapping or each line's
    /// vendor decides.
    #[arg(long, value_name = "NAME")]
    parser: Option<String>,
    /// The source mapping and extraction rules to use [default: ./sumoql.toml when present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Records whose group-by field is null: keep them in a null group, or drop them.
    #[arg(long, value_enum, default_value_t = NullGroupsArg::Keep)]
    null_groups: NullGroupsArg,
    /// Make a malformed log line fatal instead of a counted warning.
    #[arg(long)]
    strict: bool,
    /// Worker threads [default: one per core]. The rows and their order do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

const TEST_HELP: &str = "\
A rule DIR/NAME.sumo keeps its cases in DIR/NAME.tests/CASE/: one or more input.* logs
(input.ndjson, input.json.gz, input.log, read in name order) and expected.ndjson, the rows
the rule must print (empty for a true negative). Each case prints `ok` or `FAIL` with a diff
(- expected, + actual); the last line is `N passed, M failed`. Exit 1 when a case fails.

Examples:
  sumoql test                      every rule under queries/
  sumoql test queries/t1110_001_ssh_password_guessing.sumo
  sumoql test queries --bless      accept the current rows as expected";

const DETECT_HELP: &str = "\
Each log line is read and decoded once and handed to every selected rule. Each alert is one
JSON line: {\"rule_id\",\"title\",\"severity\",\"mitre\":{tactic,technique,sub_technique},
\"result\":{the rule's row}}. A table of alerts per rule goes to stderr on a terminal (or
with --summary).

Exit codes: 0 no alert, 1 at least one alert, 2 a bad rule, a bad input or a usage error.

Examples:
  sumoql detect --rules queries examples/logs
  sumoql detect --rules queries --tag ssh --min-severity medium /var/log/auth.ndjson
  sumoql detect --rules queries --rule t1071_004_dns_tunneling dns.json.gz";

const CHECK_HELP: &str = "\
Errors (E01xx syntax, E02xx planning) make the exit code 2. Warnings (W03xx) point at queries
that run but probably not as meant:
  W0301  isPrivateIP/isPublicIP on a field never tested with isValidIPv4: IPv6 values give
         null and those records are dropped
  W0302  a `by` field no earlier stage makes and the logs do not have (only with --schema or
         --input, which tell what the logs have)
  W0303  an eval/as field never used later, when the output has explicit columns
  W0304  a sort on a field an earlier `fields -` removed
A rule file (starting with `// id:`) also gets its metadata checked (see docs/rules.md).

Examples:
  sumoql check queries/*.sumo
  sumoql check my.sumo --input examples/logs/firewall.ndjson";

const SIGMA_HELP: &str = "\
Each search of `detection` becomes a condition: a map ANDs its fields, a list ORs, a list of
plain words searches _raw. Modifiers: contains, startswith, endswith (as `matches` wildcards,
case-insensitive like Sigma), re (`matches /regex/`), cidr (cidrMatch), all. The condition
(and, or, not, parentheses, `1 of sel*`, `all of them`) becomes one `where`. Title,
description, level, falsepositives, references, author and tags become the metadata block.
Aggregating conditions (`| count() > N`) and `timeframe` are refused.

Example mapping file:
  fields:
    SourceIp: src_ip
  logsources:
    linux/sshd: _sourceCategory=linux/auth*

Examples:
  sumoql sigma rule.yml --mapping sigma-map.yml > queries/from_sigma.sumo";

const FMT_HELP: &str = "\
The layout: the scope at column 0, each stage on its own line after `| `, continuation lines
indented by four spaces (`by` by two), operator names and keywords (by, as, and, or, not, in,
asc, desc, nodrop, matches) in lower case, AND/OR/NOT in the scope in upper case. Comments
stay, including a rule's metadata block; spacing inside a line, strings and regular
expressions are never changed. Formatting never changes what a query means: the result is
parsed again and must give the same syntax tree. A rule with `verbatim: true` in its metadata
is left as written.

Examples:
  sumoql fmt queries/*.sumo
  sumoql fmt --check queries/*.sumo       for CI: exit 1 and a diff when a file is not formatted";

#[derive(Args)]
struct DetectArgs {
    /// A rule file or folder of rules (repeatable).
    #[arg(long = "rules", value_name = "DIR", required = true)]
    rules: Vec<PathBuf>,
    /// Log files or folders (stdin when none).
    paths: Vec<PathBuf>,
    /// Only rules at least this severe.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    min_severity: Option<SeverityArg>,
    /// Only the rule with this id (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    rule_ids: Vec<String>,
    /// Only rules with this tag (repeatable; a rule needs one of them).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Print the table of alerts per rule on stderr even when it is not a terminal.
    #[arg(long)]
    summary: bool,
    /// Worker threads [default: one per core]. The alerts and their order do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Table,
    Ndjson,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum NullGroupsArg {
    Keep,
    Drop,
}

/// A failure with its exit code, already reported on stderr.
struct Exit(u8);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run_command(args),
        Command::Check {
            files,
            schema,
            inputs,
        } => check_cmd::check_command(&files, schema.as_ref(), &inputs),
        Command::Explain { file, expression } => explain_command(file, expression),
        Command::Help { name, markdown } => help_command(name.as_deref(), markdown),
        Command::Test { paths, bless } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("queries")]
            } else {
                paths
            };
            test_cmd::test_command(&paths, bless)
        }
        Command::Detect(args) => detect(args),
        Command::Fmt { files, check } => fmt_cmd::fmt_command(&files, check),
        Command::Sigma { file, mapping } => sigma_cmd::sigma_command(&file, mapping.as_deref()),
        Command::Repl(args) => repl::repl_command(args),
        Command::Sql(args) => sql_cmd::sql_command(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Exit(code)) => ExitCode::from(code),
    }
}

fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

fn usage_error(message: impl std::fmt::Display) -> Exit {
    eprintln!("error: {message}");
    Exit(2)
}

/// Reads the query text from `-e` or a file; returns it with the name used in diagnostics.
fn query_text(file: Option<&Path>, expression: Option<String>) -> Result<(String, String), Exit> {
    match (expression, file) {
        (Some(text), _) => Ok((text, "<query>".to_string())),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|text| (text, path.display().to_string()))
            .map_err(|e| usage_error(format!("cannot read query file {}: {e}", path.display()))),
        (None, None) => Err(usage_error("give a query file or -e QUERY")),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], text: &str, origin: &str) {
    let color = color_stderr();
    let mut stderr = std::io::stderr().lock();
    for diagnostic in diagnostics {
        let _ = write!(stderr, "{}", diagnostic.render(text, origin, color));
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 1 {
        let _ = writeln!(stderr, "{errors} errors");
    }
}

fn compile(engine: &Engine, text: &str, origin: &str) -> Result<Query, Exit> {
    engine.compile(text).map_err(|diagnostics| {
        print_diagnostics(&diagnostics, text, origin);
        Exit(2)
    })
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn run_command(args: RunArgs) -> Result<(), Exit> {
    let engine = Engine::new();
    let parsers = parser_set(
        &engine,
        args.config.as_deref(),
        args.parser.as_deref(),
        args.source_category.as_deref(),
    )?;
    let mut paths = args.args;
    let query_file = if args.expression.is_none() {
        if paths.is_empty() {
            return Err(usage_error(
                "give a query file or -e QUERY (see sumoql run --help)",
            ));
        }
        Some(paths.remove(0))
    } else {
        None
    };
    let (text, origin) = query_text(query_file.as_deref(), args.expression)?;
    let query = compile(&engine, &text, &origin)?;
    let zone = Zone::parse(&args.tz).map_err(|e| usage_error(format!("--tz: {e}")))?;
    let now = now_ms();
    let window = match (&args.last, &args.from, &args.to) {
        (Some(last), _, _) => {
            let span = parse_duration_ms(last).ok_or_else(|| {
                usage_error(format!(
                    "--last: `{last}` is not a duration such as 15m, 24h or 7d"
                ))
            })?;
            Some((Some(now - span), None))
        }
        (None, None, None) => None,
        (None, from, to) => {
            let parse = |flag: &str, value: &Option<String>| -> Result<Option<i64>, Exit> {
                value
                    .as_deref()
                    .map(|v| {
                        parse_time_arg(v, now, &zone)
                            .map_err(|e| usage_error(format!("{flag}: {e}")))
                    })
                    .transpose()
            };
            Some((parse("--from", from)?, parse("--to", to)?))
        }
    };
    let sources = if query.plan.reads_logs() {
        sumoql_sources(&paths)?
    } else {
        let not_read = match paths.len() {
            0 => None,
            1 => Some("1 input given is".to_string()),
            n => Some(format!("{n} inputs given are")),
        };
        if let Some(not_read) = not_read {
            eprintln!("warning: `cat` lists a table and reads no logs: {not_read} not read");
        }
        Vec::new()
    };
    let format = match args.format {
        Some(FormatArg::Table) => Format::Table,
        Some(FormatArg::Ndjson) => Format::Ndjson,
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Csv) => Format::Csv,
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Ndjson,
    };
    let config = RunConfig {
        null_groups: match args.null_groups {
            NullGroupsArg::Keep => NullGroups::Keep,
            NullGroupsArg::Drop => NullGroups::Drop,
        },
        zone,
        now_ms: now,
        source_category: args.source_category,
        window,
        strict: args.strict,
        threads: args.threads.map(usize::from),
        parsers: Some(Arc::new(parsers)),
        cancel: None,
    };
    let mut out = writer(format, Box::new(std::io::stdout()));
    match run(&query, &sources, &config, out.as_mut()) {
        Ok(summary) => {
            eprint!("{}", summary.warnings);
            Ok(())
        }
        Err(error) => {
            eprintln!("error: {error}");
            Err(Exit(1))
        }
    }
}

/// The extraction rules of a run: the built-in ones, the configuration's (`--config`, else
/// `sumoql.toml` in the working folder when there is one), then `--parser` and
/// `--source-category` for every input.
fn parser_set(
    engine: &Engine,
    config: Option<&Path>,
    parser: Option<&str>,
    source_category: Option<&str>,
) -> Result<ParserSet, Exit> {
    let fail = |error: ParserError| {
        eprintln!("error: {error}");
        Exit(2)
    };
    let mut set = ParserSet::builtin(engine).map_err(fail)?;
    let default_config = PathBuf::from(CONFIG_FILE_NAME);
    let config = match config {
        Some(path) => Some(path.to_path_buf()),
        None => default_config.is_file().then_some(default_config),
    };
    if let Some(path) = config {
        set.load_config(engine, &path).map_err(fail)?;
    }
    if let Some(name) = parser {
        set.force_parser(name).map_err(fail)?;
    }
    if let Some(category) = source_category {
        set.force_category(category);
    }
    Ok(set)
}

fn detect(args: DetectArgs) -> Result<(), Exit> {
    let selection = detect_cmd::Selection {
        min_severity: args.min_severity.map(|severity| match severity {
            SeverityArg::Informational => RuleSeverity::Informational,
            SeverityArg::Low => RuleSeverity::Low,
            SeverityArg::Medium => RuleSeverity::Medium,
            SeverityArg::High => RuleSeverity::High,
            SeverityArg::Critical => RuleSeverity::Critical,
        }),
        ids: args.rule_ids,
        tags: args.tags,
    };
    detect_cmd::detect_command(
        &args.rules,
        &args.paths,
        &selection,
        args.summary,
        args.threads.map(usize::from),
    )
}

fn sumoql_sources(paths: &[PathBuf]) -> Result<Vec<InputSource>, Exit> {
    sumoql::expand_paths(paths).map_err(|e| {
        eprintln!("error: {e}");
        Exit(1)
    })
}

fn explain_command(file: Option<PathBuf>, expression: Option<String>) -> Result<(), Exit> {
    let (text, origin) = query_text(file.as_deref(), expression)?;
    let query = compile(&Engine::new(), &text, &origin)?;
    print!("{}", query.plan.explain());
    Ok(())
}

fn help_command(name: Option<&str>, markdown: bool) -> Result<(), Exit> {
    let engine = Engine::new();
    let Some(name) = name else {
        if markdown {
            print!("{}", help::markdown(&engine));
        } else {
            print!("{}", help::overview(&engine));
        }
        return Ok(());
    };
    if let Some(entry) = help::entry(&engine, name) {
        print!("{entry}");
        return Ok(());
    }
    if Cli::command().find_subcommand(name).is_some() {
        // Clap renders a subcommand's help with its full usage line when asked through argv.
        if let Err(help) = Cli::try_parse_from(["sumoql", name, "--help"]) {
            let _ = help.print();
        }
        return Ok(());
    }
    let known = sumoql::OPERATOR_DOCS
        .iter()
        .map(|doc| doc.name)
        .chain(engine.registry().names());
    let mut message = format!("no operator, function or command named `{name}`");
    if let Some(suggestion) = sumoql::did_you_mean(name, known) {
        message.push_str(&format!("; did you mean `{suggestion}`?"));
    }
    Err(usage_error(message))
}
