//! Same rows everywhere: every shipped rule gives the same rows, in the same order, from
//! `sumoql run`, `sumoql detect`, `sumoql test` and the REPL's engine (logs held in memory),
//! on a folder of raw syslog (Palo Alto, Cisco ASA, FortiGate, Linux auth, BIND) and on a
//! folder of JSON lines (Sysmon events among them). Each rule must fire on the inputs it reads,
//! so no comparison is of empty answers only.

mod support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sumoql::{run_in_memory, writer, Engine, Format, InMemoryLogs, Rule, RunConfig};
use support::{repo_root, scratch, sumoql, text};

/// The shipped rules, by path relative to the repository.
fn shipped_rules() -> Vec<String> {
    let mut rules: Vec<String> = fs::read_dir(repo_root().join("queries"))
        .expect("list queries/")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().to_string_lossy().into_owned();
            name.ends_with(".sumo").then(|| format!("queries/{name}"))
        })
        .collect();
    rules.sort();
    assert!(rules.len() >= 5, "{rules:?}");
    rules
}

/// A folder of JSON lines: the sample logs and every shipped rule's fixture inputs.
fn json_folder() -> PathBuf {
    let dir = scratch("json");
    let root = repo_root();
    for entry in fs::read_dir(root.join("examples/logs")).expect("list examples/logs") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|ext| ext == "ndjson") {
            fs::copy(&path, dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    for rule in shipped_rules() {
        let tests = root.join(rule.replace(".sumo", ".tests"));
        for case in fs::read_dir(&tests).expect("list fixtures") {
            let case = case.expect("entry").path();
            let input = case.join("input.ndjson");
            if input.is_file() {
                let name = format!(
                    "{}-{}.ndjson",
                    tests.file_stem().expect("name").to_string_lossy(),
                    case.file_name().expect("name").to_string_lossy()
                );
                fs::copy(&input, dir.join(name)).expect("copy");
            }
        }
    }
    dir
}

/// The rows `sumoql run` prints, as NDJSON lines.
fn run_rows(rule: &str, inputs: &[&str]) -> String {
    let mut args = vec!["run", rule, "--format", "ndjson"];
    args.extend_from_slice(inputs);
    let out = sumoql(&args, "");
    assert_eq!(out.status.code(), Some(0), "{rule}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// The `result` of each alert `sumoql detect` prints, as NDJSON lines.
fn detect_rows(rule: &str, inputs: &[&str]) -> String {
    let mut args = vec!["detect", "--rules", rule, "--format", "ndjson"];
    args.extend_from_slice(inputs);
    let out = sumoql(&args, "");
    assert!(
        out.status.code() != Some(2),
        "{rule}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
        .lines()
        .map(|line| {
            let alert: serde_json::Value = serde_json::from_str(line).expect("an alert is JSON");
            // The result object's text as the alert holds it, keys in the rule's column order.
            let start = line.find("\"result\":").expect("a result") + "\"result\":".len();
            let result = &line[start..line.len() - 1];
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(result).expect("JSON"),
                alert["result"]
            );
            format!("{result}\n")
        })
        .collect()
}

/// Whether `sumoql test` passes a case of `rule` whose inputs are `inputs` (files in input
/// order) and whose expected rows are `expected`; `what` names the inputs.
fn test_passes(rule: &str, what: &str, inputs: &[PathBuf], expected: &str) -> Result<(), String> {
    let name = Path::new(rule).file_name().expect("name");
    let dir = scratch(&format!("case-{what}-{}", name.to_string_lossy()).replace(' ', "-"));
    fs::copy(repo_root().join(rule), dir.join(name)).expect("copy the rule");
    let case = dir
        .join(Path::new(name).with_extension("tests"))
        .join("same");
    fs::create_dir_all(&case).expect("create the case");
    for (index, input) in inputs.iter().enumerate() {
        let file = input.file_name().expect("name").to_string_lossy();
        fs::copy(input, case.join(format!("input.{index:03}.{file}"))).expect("copy an input");
    }
    fs::write(case.join("expected.ndjson"), expected).expect("write the expectation");
    let out = sumoql(&["test", dir.to_str().expect("UTF-8")], "");
    let report = text(&out.stdout);
    if out.status.code() == Some(0) && report.contains("1 passed, 0 failed") {
        Ok(())
    } else {
        Err(format!("{report}{}", text(&out.stderr)))
    }
}

/// A `Write` that keeps what it is given where the test can read it.
#[derive(Clone, Default)]
struct Collected(Arc<Mutex<Vec<u8>>>);

impl Write for Collected {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The rows of the REPL's engine: the logs loaded into memory once, then the rule run over
/// them, as `sumoql repl` runs a query.
fn repl_rows(rule: &str, inputs: &[&str]) -> String {
    let root = repo_root();
    let engine = Engine::new();
    let rule_text = fs::read_to_string(root.join(rule)).expect("read the rule");
    let query = engine
        .compile(&Rule::parse(&rule_text).expect("a rule").text)
        .expect("the rule compiles");
    let paths: Vec<PathBuf> = inputs.iter().map(|input| root.join(input)).collect();
    let sources = sumoql::expand_paths(&paths).expect("inputs");
    let mut held = InMemoryLogs::default();
    held.load(&sources, usize::MAX).expect("load");
    let config = RunConfig {
        now_ms: now_ms(),
        ..RunConfig::default()
    };
    let collected = Collected::default();
    let mut rows = writer(Format::Ndjson, Box::new(collected.clone()));
    run_in_memory(&query, &held, &config, rows.as_mut()).expect("the rule runs");
    drop(rows);
    let bytes = collected.0.lock().expect("lock").clone();
    String::from_utf8(bytes).expect("UTF-8")
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64)
}

/// Every rule over `inputs` (paths relative to the repository), through the four paths; each
/// rule but those of `silent` must find rows.
fn same_rows_on(what: &str, inputs: &[&str], silent: &[&str]) {
    let root = repo_root();
    let files: Vec<PathBuf> = sumoql::expand_paths(
        &inputs
            .iter()
            .map(|input| root.join(input))
            .collect::<Vec<_>>(),
    )
    .expect("inputs")
    .into_iter()
    .map(|source| match source {
        sumoql::InputSource::File(path) => path,
        sumoql::InputSource::Stdin => unreachable!("no stdin among the inputs"),
    })
    .collect();
    for rule in shipped_rules() {
        let run = run_rows(&rule, inputs);
        let expected_silent = silent.iter().any(|id| rule.contains(id));
        assert_eq!(
            run.is_empty(),
            expected_silent,
            "{rule} on the {what} folder:\n{run}"
        );
        assert_eq!(
            detect_rows(&rule, inputs),
            run,
            "detect and run differ: {rule}, {what}"
        );
        assert_eq!(
            repl_rows(&rule, inputs),
            run,
            "the REPL and run differ: {rule}, {what}"
        );
        if let Err(report) = test_passes(&rule, what, &files, &run) {
            panic!("test does not give run's rows: {rule}, {what}\n{report}");
        }
    }
}

#[test]
fn every_shipped_rule_gives_the_same_rows_everywhere_on_raw_syslog() {
    // The endpoint rule reads Sysmon events, which come as JSON.
    let silent = ["t1071_002_endpoint"];
    same_rows_on(
        "raw syslog",
        &["tests/data/raw", "tests/data/firewall"],
        &silent,
    );
}

#[test]
fn every_shipped_rule_gives_the_same_rows_everywhere_on_json_lines() {
    let folder = json_folder();
    same_rows_on("JSON", &[folder.to_str().expect("UTF-8")], &[]);
}
