//! The `sumoql` command line: run, check and explain Sumo Logic-style queries over local logs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod help;
mod repl;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use sumoql::{
    parse_duration_ms, parse_time_arg, run, writer, Diagnostic, Engine, Format, InputSource,
    NullGroups, Query, RunConfig, Severity, Zone,
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
    /// Parse and plan query files; print every diagnostic. Exit 2 on error.
    Check {
        /// Query files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the plan of a query as stable text.
    Explain {
        /// The query file (or use -e).
        file: Option<PathBuf>,
        /// The query text itself instead of a file.
        #[arg(short = 'e', long = "expression", value_name = "QUERY")]
        expression: Option<String>,
    },
    /// Load logs once, then run query after query interactively (completion, history).
    Repl(repl::ReplArgs),
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
    /// _sourceCategory for records that carry none.
    #[arg(long, value_name = "CAT")]
    source_category: Option<String>,
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
        Command::Check { files } => check_command(&files),
        Command::Explain { file, expression } => explain_command(file, expression),
        Command::Help { name, markdown } => help_command(name.as_deref(), markdown),
        Command::Repl(args) => repl::repl_command(args),
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
    let engine = Engine::new();
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
    let sources = sumoql_sources(&paths)?;
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

fn sumoql_sources(paths: &[PathBuf]) -> Result<Vec<InputSource>, Exit> {
    sumoql::expand_paths(paths).map_err(|e| {
        eprintln!("error: {e}");
        Exit(1)
    })
}

fn check_command(files: &[PathBuf]) -> Result<(), Exit> {
    let engine = Engine::new();
    let mut failed = false;
    for file in files {
        let (text, origin) = query_text(Some(file), None)?;
        match engine.compile(&text) {
            Ok(_) => eprintln!("{origin}: ok"),
            Err(diagnostics) => {
                print_diagnostics(&diagnostics, &text, &origin);
                failed = true;
            }
        }
    }
    if failed {
        Err(Exit(2))
    } else {
        Ok(())
    }
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
