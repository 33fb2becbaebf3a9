//! The `sumoql` command line: run, check and explain Sumo Logic-style queries over local logs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod check_cmd;
mod detect_cmd;
mod diff;
mod fmt_cmd;
mod help;
mod input;
mod output;
mod record_fields;
mod repl;
mod replace_file;
mod sigma_cmd;
mod sql_cmd;
mod terminal;
mod test_cmd;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use sumoql::{
    run, Diagnostic, Engine, InputSource, NullGroups, Query, RuleSeverity, RunError, RunSummary,
    Severity,
};

use input::InputArgs;
use output::OutputArgs;
use terminal::{is_closed_pipe, ColorArg, ProgressLine};

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
    /// When to colour output: auto (a terminal, unless NO_COLOR is set; CLICOLOR_FORCE
    /// forces it), always or never.
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// No progress line and no summary table on stderr (warnings and errors still show).
    #[arg(short = 'q', long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a query over log files or folders (stdin when no path, or `-`).
    #[command(
        after_help = RUN_HELP
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
        #[command(flatten)]
        input: InputArgs,
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
        /// Field and log-source names: `fields:` (Sigma name: field), `logsources:`
        /// (`product/service`, `product/category`, `product`, `category` or `service`: scope)
        /// and `placeholders:` (name: values, for `expand`). Repeatable; the first file to
        /// name a thing wins.
        #[arg(long, value_name = "FILE")]
        mapping: Vec<PathBuf>,
    },
    /// Load logs once, then run query after query interactively (completion, history).
    Repl(repl::ReplArgs),
    /// Print the SQL of a query for Spark, DuckDB or ClickHouse.
    #[command(after_help = SQL_HELP)]
    Sql(sql_cmd::SqlArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    #[command(after_help = COMPLETIONS_HELP)]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `sumoql man > sumoql.1`.
    Man,
    /// The dialect reference: every operator and function, or one entry with examples.
    Help {
        /// An operator, function or command name (e.g. `timeslice`, `formatDate`, `run`), or
        /// `limits` for the limits a run keeps.
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
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    output: OutputArgs,
    /// Records whose group-by field is null: keep them in a null group, or drop them.
    #[arg(long, value_enum, default_value_t = NullGroupsArg::Keep)]
    null_groups: NullGroupsArg,
}

const RUN_HELP: &str = "\
A query file comes first unless -e is given; every other argument is a log path (stdin when
none, or `-`). Folders are read recursively: files ending in .json .ndjson .jsonl .log .txt
.syslog .out in any case, rotated copies (.1, -20240301) and compressed ones (.gz, .zst), and
files named syslog, messages, secure or auth. Compression is told by content, stdin included.

Every line is a record: a JSON object gives its fields; any other line is text in _raw, with
its syslog header's time and host, and the extraction rule of its vendor (Palo Alto, Cisco ASA,
FortiGate, Linux auth, BIND) or of its mapping in sumoql.toml fills the normalised fields.

Records come in input order. Warnings (skipped lines, dropped records) go to stderr, one
summary line per kind; an empty result says why when nothing was read or the time window held
nothing.

Examples:
  sumoql run queries/t1071_002_file_transfer_protocols.sumo /var/log/firewalls/
  sumoql run -e '\"Failed password\" | count by _sourceHost' /var/log/auth.log*
  sumoql run q.sumo logs/ --from -2h --format csv -o last-two-hours.csv";

const COMPLETIONS_HELP: &str = "\
Examples:
  sumoql completions bash > ~/.local/share/bash-completion/completions/sumoql
  sumoql completions zsh > ~/.zfunc/_sumoql
  sumoql completions fish > ~/.config/fish/completions/sumoql.fish";

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

const SQL_HELP: &str = "\
A query that outputs whole records (no `fields` and no aggregation at its end) gets a column
for each field of the records: the ones --columns names, else the keys of the JSON objects in
the first --sample-lines lines of --source (a note on stderr lists them; a warning says when
the input goes on past them or they hold text lines, whose rule fields are not sampled); then
the fields the query adds, less those `fields -` removes. With --table, --columns is required.
Refused, with the reason (exit 2): `transpose`, and `json auto` and `kv auto` on whole records,
whose columns are known only at run time; `join`, subqueries, `transaction` and the other
operators that follow records through state, among others.";

const SIGMA_HELP: &str = "\
Each search of `detection` becomes a condition: a map ANDs its fields, a list ORs, a list of
plain words searches _raw. Values are Sigma strings: `*` and `?` wildcards, `\\` escaping
them and itself, compared without regard to case (`cased`: with). Modifiers: contains,
startswith, endswith, all, cased, re (a case-sensitive search; i, m, s flags), cidr, windash
(- / and the Unicode dashes), base64, base64offset (with wide, utf16le, utf16be, utf16),
expand (placeholders from the mapping), fieldref, exists, lt, lte, gt, gte. The condition
(and, or, not, parentheses, `1 of sel*`, `all of them`) becomes one `where` that keeps
Sigma's meaning over missing fields: an event without the filter's field does not match the
filter, so `not filter` keeps it. Title, description, level, falsepositives, references,
author and tags become the metadata block. Refused, with the reason: aggregating conditions
(`| count() > N`), `timeframe`, correlations, regular expressions outside RE2, placeholders
without values, unknown modifiers. A log source the mappings do not know gets the scope `*`
and a warning.

Shipped mappings (see docs/sigma.md):
  queries/sigma/sources.yml   firewall, dns, proxy, webserver, linux auth and syslog
  queries/sigma/sysmon.yml    Windows Sysmon events (_sourceCategory=endpoint/sysmon)

Example mapping file:
  fields:
    SourceIp: src_ip
  logsources:
    linux/sshd: _sourceCategory=linux/auth*
  placeholders:
    domain_controller_hostnames: [dc01.corp.example, dc02.corp.example]

Examples:
  sumoql sigma rule.yml --mapping queries/sigma/sysmon.yml > queries/from_sigma.sumo
  sumoql sigma rule.yml --mapping queries/sigma/sources.yml --mapping my-placeholders.yml";

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
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

/// What happens to records whose group-by field is null (`--null-groups`).
#[derive(Clone, Copy, ValueEnum)]
enum NullGroupsArg {
    /// In a group of their own (D2).
    Keep,
    /// Left out, as Splunk does.
    Drop,
}

impl NullGroupsArg {
    fn setting(self) -> NullGroups {
        match self {
            NullGroupsArg::Keep => NullGroups::Keep,
            NullGroupsArg::Drop => NullGroups::Drop,
        }
    }
}

/// A failure with its exit code, already reported on stderr.
struct Exit(u8);

fn main() -> ExitCode {
    let cli = Cli::parse();
    terminal::set_color(cli.color);
    let quiet = cli.quiet;
    let result = match cli.command {
        Command::Run(args) => run_command(args, quiet),
        Command::Check {
            files,
            schema,
            inputs,
        } => check_cmd::check_command(&files, schema.as_ref(), &inputs),
        Command::Explain { file, expression } => explain_command(file, expression),
        Command::Help { name, markdown } => help_command(name.as_deref(), markdown),
        Command::Test {
            paths,
            bless,
            input,
        } => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("queries")]
            } else {
                paths
            };
            test_cmd::test_command(&paths, bless, &input)
        }
        Command::Detect(args) => detect(args, quiet),
        Command::Fmt { files, check } => fmt_cmd::fmt_command(&files, check),
        Command::Sigma { file, mapping } => sigma_cmd::sigma_command(&file, &mapping),
        Command::Repl(args) => repl::repl_command(args),
        Command::Sql(args) => sql_cmd::sql_command(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sumoql", &mut script);
            terminal::print_out(&String::from_utf8_lossy(&script))
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => terminal::print_out(&String::from_utf8_lossy(&page)),
                Err(error) => Err(usage_error(format!(
                    "cannot render the manual page: {error}"
                ))),
            }
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Exit(code)) => ExitCode::from(code),
    }
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
    let color = terminal::stderr_colored();
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

fn run_command(args: RunArgs, quiet: bool) -> Result<(), Exit> {
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
    let mut config = args.input.run_config(now_ms(), None)?;
    config.null_groups = args.null_groups.setting();
    let engine = args.input.engine(&config);
    let query = compile(&engine, &text, &origin)?;
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
    let mut out = args.output.writer()?;
    let progress = ProgressLine::start(&sources, quiet);
    config.progress = progress.counter();
    let result = run(&query, &sources, &config, out.as_mut());
    drop(progress);
    match result {
        Ok(summary) => {
            report_warnings(&summary);
            Ok(())
        }
        Err(RunError::Write(error)) if is_closed_pipe(&error) => Ok(()),
        Err(error) => {
            eprintln!("error: {error}");
            Err(Exit(1))
        }
    }
}

/// Prints a run's warnings on stderr, and why its answer is empty when it is for want of
/// input.
fn report_warnings(summary: &RunSummary) {
    eprint!("{}", summary.warnings);
    if let Some(reason) = summary.why_empty() {
        eprintln!("warning: {reason}");
    }
}

fn detect(args: DetectArgs, quiet: bool) -> Result<(), Exit> {
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
    let options = detect_cmd::DetectOptions {
        summary_table: args.summary && !quiet,
        quiet,
    };
    detect_cmd::detect_command(
        &args.rules,
        &args.paths,
        &selection,
        &args.input,
        &args.output,
        options,
    )
}

/// The sources of `paths`; a path that does not exist, or a folder without a log file in
/// it, is an error (exit 2) that says what was there.
fn sumoql_sources(paths: &[PathBuf]) -> Result<Vec<InputSource>, Exit> {
    sumoql::expand_paths(paths).map_err(usage_error)
}

fn explain_command(file: Option<PathBuf>, expression: Option<String>) -> Result<(), Exit> {
    let (text, origin) = query_text(file.as_deref(), expression)?;
    let query = compile(&Engine::new(), &text, &origin)?;
    terminal::print_out(&query.plan.explain())
}

fn help_command(name: Option<&str>, markdown: bool) -> Result<(), Exit> {
    let engine = Engine::new();
    let Some(name) = name else {
        let text = if markdown {
            help::markdown(&engine)
        } else {
            help::overview(&engine)
        };
        return terminal::print_out(&text);
    };
    if name == "limits" {
        return terminal::print_out(&help::limits());
    }
    if let Some(entry) = help::entry(&engine, name) {
        return terminal::print_out(&entry);
    }
    if Cli::command().find_subcommand(name).is_some() {
        // Clap renders a subcommand's help with its full usage line when asked through argv.
        if let Err(help) = Cli::try_parse_from(["sumoql", name, "--help"]) {
            let _ = help.print();
        }
        return Ok(());
    }
    if let Some(why) = sumoql::refusal_reason(name) {
        return Err(usage_error(format!(
            "`{name}` is a Sumo operator that sumoql does not run: {why}"
        )));
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
