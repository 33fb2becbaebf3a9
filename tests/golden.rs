//! The golden suite: drives the real `sumoql` binary.
//!
//! - Every `tests/cases/*.case` file holds named cases (see `tests/cases/README.md`): a query,
//!   input lines, and the expected NDJSON rows or the expected rendered diagnostic.
//! - The reference detection runs on `examples/logs` and must print `tests/golden/t1071_002.ndjson`.
//!
//! `SUMOQL_BLESS=1 cargo test --test golden` rewrites the expectations from the actual output;
//! a person reviews the diff before committing it.

mod support;

use std::fs;
use std::path::PathBuf;

use support::{repo_root, sumoql};

fn blessing() -> bool {
    std::env::var_os("SUMOQL_BLESS").is_some()
}

/// One case of a `.case` file.
#[derive(Debug, Default)]
struct Case {
    name: String,
    line: usize,
    args: Vec<String>,
    query: String,
    input: String,
    /// Expected stdout (NDJSON rows), when the run succeeds.
    expect: Option<String>,
    /// Expected stderr: the rendered diagnostic of a failing query, or the warnings of a run.
    stderr: Option<String>,
    /// Expected exit code (0 unless given, or 2 when only `stderr` is given with an `error`).
    exit: i32,
}

const SECTIONS: [&str; 6] = ["args", "query", "input", "expect", "stderr", "exit"];

/// Splits a case file into cases. `=== name` starts a case, `--- section` a section; lines
/// before the first case are comments.
fn parse_cases(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    let mut section: Option<String> = None;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some(name) = line.strip_prefix("=== ") {
            cases.push(Case {
                name: name.trim().to_string(),
                line: index + 1,
                ..Case::default()
            });
            section = None;
            continue;
        }
        let Some(case) = cases.last_mut() else {
            continue;
        };
        if let Some(name) = line.strip_prefix("--- ") {
            let name = name.trim().to_string();
            assert!(
                SECTIONS.contains(&name.as_str()),
                "unknown section `{name}` in case {}",
                case.name
            );
            match name.as_str() {
                "expect" => case.expect = Some(String::new()),
                "stderr" => case.stderr = Some(String::new()),
                _ => {}
            }
            section = Some(name);
            continue;
        }
        match section.as_deref() {
            Some("args") => case
                .args
                .extend(line.split_whitespace().map(str::to_string)),
            Some("query") => case.query.push_str(line),
            Some("input") => case.input.push_str(line),
            Some("expect") => case.expect.get_or_insert_with(String::new).push_str(line),
            Some("stderr") => case.stderr.get_or_insert_with(String::new).push_str(line),
            Some("exit") => case.exit = line.trim().parse().expect("exit code"),
            _ => {}
        }
    }
    cases
}

/// Writes cases back in the file format, after blessing.
fn format_cases(header: &str, cases: &[Case]) -> String {
    let mut out = header.to_string();
    for case in cases {
        out.push_str(&format!("=== {}\n", case.name));
        if !case.args.is_empty() {
            out.push_str(&format!("--- args\n{}\n", case.args.join(" ")));
        }
        out.push_str("--- query\n");
        out.push_str(&case.query);
        if !case.input.is_empty() {
            out.push_str("--- input\n");
            out.push_str(&case.input);
        }
        if let Some(expect) = &case.expect {
            out.push_str("--- expect\n");
            out.push_str(expect);
        }
        if let Some(stderr) = &case.stderr {
            out.push_str("--- stderr\n");
            out.push_str(stderr);
        }
        if case.exit != 0 {
            out.push_str(&format!("--- exit\n{}\n", case.exit));
        }
    }
    out
}

struct Outcome {
    stdout: String,
    stderr: String,
    exit: i32,
}

fn run_binary(args: &[&str], stdin: &str) -> Outcome {
    let output = sumoql(args, stdin);
    Outcome {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        exit: output.status.code().unwrap_or(-1),
    }
}

fn run_case(case: &Case) -> Outcome {
    let mut args = vec![
        "run",
        "-e",
        case.query.trim_end_matches('\n'),
        "--format",
        "ndjson",
    ];
    args.extend(case.args.iter().map(String::as_str));
    args.push("-");
    run_binary(&args, &case.input)
}

#[test]
fn golden_cases() {
    let folder = repo_root().join("tests/cases");
    let mut files: Vec<PathBuf> = fs::read_dir(&folder)
        .expect("tests/cases")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "case"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no case files in {}", folder.display());
    let mut failures = Vec::new();
    let mut count = 0;
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let header_end = text.find("\n=== ").map_or(0, |i| i + 1);
        let header = if text.starts_with("=== ") {
            ""
        } else {
            &text[..header_end]
        };
        let mut cases = parse_cases(&text);
        for case in &mut cases {
            count += 1;
            let outcome = run_case(case);
            let location = format!("{}:{} ({})", file.display(), case.line, case.name);
            if blessing() {
                // A successful run that prints nothing keeps the `expect` section only if the
                // case had one.
                case.expect = (outcome.exit == 0
                    && (case.expect.is_some() || !outcome.stdout.is_empty()))
                .then(|| outcome.stdout.clone());
                case.stderr = (!outcome.stderr.is_empty()).then(|| outcome.stderr.clone());
                case.exit = outcome.exit;
                continue;
            }
            let expected_stdout = case.expect.clone().unwrap_or_default();
            let expected_stderr = case.stderr.clone().unwrap_or_default();
            if outcome.stdout != expected_stdout
                || outcome.stderr != expected_stderr
                || outcome.exit != case.exit
            {
                failures.push(format!(
                    "{location}\n  exit: expected {}, got {}\n  stdout expected:\n{}\n  stdout got:\n{}\n  stderr expected:\n{}\n  stderr got:\n{}",
                    case.exit, outcome.exit, expected_stdout, outcome.stdout, expected_stderr, outcome.stderr
                ));
            }
        }
        if blessing() {
            fs::write(&file, format_cases(header, &cases)).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} golden cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn reference_detection_on_bundled_logs() {
    let args = [
        "run",
        "queries/t1071_002_file_transfer_protocols.sumo",
        "examples/logs",
        "--format",
        "ndjson",
    ];
    let outcome = run_binary(&args, "");
    assert_eq!(outcome.exit, 0, "stderr: {}", outcome.stderr);
    let golden = repo_root().join("tests/golden/t1071_002.ndjson");
    if blessing() {
        fs::write(&golden, &outcome.stdout).unwrap();
        return;
    }
    let expected = fs::read_to_string(&golden).expect("tests/golden/t1071_002.ndjson");
    assert_eq!(
        outcome.stdout, expected,
        "the reference detection's rows changed"
    );
    assert!(outcome
        .stderr
        .contains("dropped: an IP function got a value that is not a valid IPv4"));
}
