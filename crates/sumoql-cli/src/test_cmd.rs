//! `sumoql test`: runs every rule's fixture cases and compares the rows with the expected ones.
//!
//! A rule `DIR/NAME.sumo` keeps its cases in `DIR/NAME.tests/CASE/`: one or more `input.*`
//! logs (`input.ndjson`, `input.json.gz`, `input.log`, …, read in name order) and
//! `expected.ndjson`, the rows the rule must print (empty for a true negative).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sumoql::{
    find_rule_files, run, writer, Engine, Format, InputSource, Rule, RunConfig, WarningKind,
};

use crate::diff::{line_diff, Palette};
use crate::input::InputArgs;
use crate::{now_ms, print_diagnostics, Exit};

/// The outcome of one case: `None` when it passed, else what to print.
type CaseOutcome = Option<String>;

/// A `Write` whose bytes can be read back once the writer that owns it is done.
#[derive(Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut buffer) = self.0.lock() {
            buffer.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    fn text(&self) -> String {
        self.0
            .lock()
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }
}

/// Runs `sumoql test` over `paths` (rule files or folders), reading each case's inputs as
/// `input` says (a case's own `sumoql.toml`, when it has one, is its configuration file).
pub fn test_command(paths: &[PathBuf], bless: bool, input: &InputArgs) -> Result<(), Exit> {
    let palette = Palette::for_stdout();
    let files = find_rule_files(paths).map_err(|e| {
        eprintln!("error: {e}");
        Exit(2)
    })?;
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!(
            "error: no rule files in {}: a rule is a .sumo file whose first line is `// id: NAME`",
            shown.join(", ")
        );
        return Err(Exit(2));
    }
    let engine = input.engine(&input.run_config(now_ms(), None)?);
    let cases = CaseRunner { input, bless };
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut stdout = std::io::stdout().lock();
    for file in files {
        let outcomes = cases.test_rule(&engine, &file)?;
        for (case, outcome) in outcomes {
            match outcome {
                None => {
                    passed += 1;
                    let _ = writeln!(stdout, "{} {case}", palette.paint("32", "ok  "));
                }
                Some(report) => {
                    failed += 1;
                    let _ = writeln!(stdout, "{} {case}", palette.paint("31", "FAIL"));
                    let _ = write!(stdout, "{}", palette.diff_lines(&report, "    "));
                }
            }
        }
    }
    let verb = if bless { "blessed" } else { "passed" };
    let _ = writeln!(stdout, "{passed} {verb}, {failed} failed");
    if failed > 0 {
        Err(Exit(1))
    } else {
        Ok(())
    }
}

/// How cases run: the reading options, and whether expectations are rewritten.
struct CaseRunner<'a> {
    input: &'a InputArgs,
    bless: bool,
}

impl CaseRunner<'_> {
    /// Runs one rule's cases; a rule that does not load or compile is one failed case. A
    /// bad reading option (an unknown parser, say) stops the whole test run.
    fn test_rule(&self, engine: &Engine, file: &Path) -> Result<Vec<(String, CaseOutcome)>, Exit> {
        let origin = file.display().to_string();
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(error) => return Ok(vec![(origin, Some(format!("cannot read: {error}")))]),
        };
        let rule = match Rule::parse(&text) {
            Ok(rule) => rule,
            Err(error) => return Ok(vec![(origin.clone(), Some(format!("{origin}:{error}")))]),
        };
        let query = match engine.compile(&rule.text) {
            Ok(query) => query,
            Err(diagnostics) => {
                print_diagnostics(&diagnostics, &rule.text, &origin);
                return Ok(vec![(
                    origin,
                    Some("the query does not compile".to_string()),
                )]);
            }
        };
        let tests = file.with_extension("tests");
        let Ok(cases) = sorted_entries(&tests) else {
            let missing = format!("no fixtures: {} is missing", tests.display());
            return Ok(vec![(origin, Some(missing))]);
        };
        let mut outcomes = Vec::new();
        for case in cases.into_iter().filter(|case| case.is_dir()) {
            let name = format!("{}/{}", rule.metadata.id, file_name(&case));
            let config_file = case.join(CASE_CONFIG_FILE);
            let config = self.input.run_config(
                now_ms(),
                config_file.is_file().then_some(config_file.as_path()),
            )?;
            outcomes.push((name, run_case(&query, &case, &config, self.bless)));
        }
        Ok(outcomes)
    }
}

/// A case's own configuration file, read instead of the working folder's.
const CASE_CONFIG_FILE: &str = "sumoql.toml";

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    Ok(entries)
}

fn run_case(query: &sumoql::Query, case: &Path, config: &RunConfig, bless: bool) -> CaseOutcome {
    let inputs: Vec<InputSource> = match sorted_entries(case) {
        Ok(entries) => entries
            .into_iter()
            .filter(|path| file_name(path).starts_with("input."))
            .map(InputSource::File)
            .collect(),
        Err(error) => return Some(format!("cannot list {}: {error}", case.display())),
    };
    if inputs.is_empty() {
        return Some(format!("no input.* file in {}", case.display()));
    }
    let buffer = SharedBuffer::default();
    let mut out = writer(Format::Ndjson, Box::new(buffer.clone()));
    let summary = match run(query, &inputs, config, out.as_mut()) {
        Ok(summary) => summary,
        Err(error) => return Some(format!("error: {error}")),
    };
    drop(out);
    // A fixture that reads nothing tests nothing, and its every line must be a record.
    if let Some(reason) = summary.why_empty() {
        return Some(format!("the fixture tests nothing: {reason}"));
    }
    if summary.warnings.count(WarningKind::MalformedLine) > 0 {
        return Some(format!(
            "the fixture has lines that are no log record:\n{}",
            summary.warnings
        ));
    }
    let actual = buffer.text();
    let expected_path = case.join("expected.ndjson");
    if bless {
        return std::fs::write(&expected_path, &actual)
            .err()
            .map(|error| format!("cannot write {}: {error}", expected_path.display()));
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    (actual != expected).then(|| {
        format!(
            "--- {} (expected)\n+++ actual rows\n{}",
            expected_path.display(),
            line_diff(&expected, &actual)
        )
    })
}
