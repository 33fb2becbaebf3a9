//! `sumoql test`: runs every rule's fixture cases and compares the rows with the expected ones.
//!
//! A rule `DIR/NAME.sumo` keeps its cases in `DIR/NAME.tests/CASE/`: one or more `input.*`
//! logs (`input.ndjson`, `input.json.gz`, `input.log`, …, read in name order) and
//! `expected.ndjson`, the rows the rule must print (empty for a true negative).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sumoql::{find_rule_files, run, writer, Engine, Format, InputSource, Rule, RunConfig};

use crate::diff::{line_diff, Palette};
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

/// Runs `sumoql test` over `paths` (rule files or folders).
pub fn test_command(paths: &[PathBuf], bless: bool) -> Result<(), Exit> {
    let palette = Palette::for_stdout();
    let files = find_rule_files(paths).map_err(|e| {
        eprintln!("error: {e}");
        Exit(2)
    })?;
    let engine = Engine::new();
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut stdout = std::io::stdout().lock();
    for file in files {
        let outcomes = test_rule(&engine, &file, bless);
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

/// Runs one rule's cases; a rule that does not load or compile is one failed case.
fn test_rule(engine: &Engine, file: &Path, bless: bool) -> Vec<(String, CaseOutcome)> {
    let origin = file.display().to_string();
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => return vec![(origin, Some(format!("cannot read: {error}")))],
    };
    let rule = match Rule::parse(&text) {
        Ok(rule) => rule,
        Err(error) => return vec![(origin.clone(), Some(format!("{origin}:{error}")))],
    };
    let query = match engine.compile(&rule.text) {
        Ok(query) => query,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, &rule.text, &origin);
            return vec![(origin, Some("the query does not compile".to_string()))];
        }
    };
    let tests = file.with_extension("tests");
    let cases = match sorted_entries(&tests) {
        Ok(cases) => cases,
        Err(_) => {
            return vec![(
                origin,
                Some(format!("no fixtures: {} is missing", tests.display())),
            )]
        }
    };
    cases
        .into_iter()
        .filter(|case| case.is_dir())
        .map(|case| {
            let name = format!("{}/{}", rule.metadata.id, file_name(&case));
            (name, run_case(&query, &case, bless))
        })
        .collect()
}

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

fn run_case(query: &sumoql::Query, case: &Path, bless: bool) -> CaseOutcome {
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
    let config = RunConfig {
        now_ms: now_ms(),
        ..RunConfig::default()
    };
    if let Err(error) = run(query, &inputs, &config, out.as_mut()) {
        return Some(format!("error: {error}"));
    }
    drop(out);
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
