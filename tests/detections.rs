//! Every detection in `queries/` runs on its fixtures through the real binary.
//!
//! A rule `queries/NAME.sumo` keeps its cases in `queries/NAME.tests/CASE/`: the logs in
//! `input.ndjson` and the rows the rule must print in `expected.ndjson` (empty when the case
//! is a true negative). `SUMOQL_BLESS=1 cargo test --test detections` rewrites the expected
//! rows; a person reviews them before committing.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::{repo_root, sumoql};

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn every_detection_passes_its_fixtures() {
    let queries = repo_root().join("queries");
    let bless = std::env::var_os("SUMOQL_BLESS").is_some();
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in sorted_entries(&queries) {
        if rule.extension().is_none_or(|e| e != "sumo") {
            continue;
        }
        let tests = rule.with_extension("tests");
        assert!(tests.is_dir(), "{} has no fixtures", rule.display());
        for case in sorted_entries(&tests) {
            cases += 1;
            let rule_arg = rule.strip_prefix(repo_root()).expect("inside the repo");
            let input = case.join("input.ndjson");
            let input_arg = input.strip_prefix(repo_root()).expect("inside the repo");
            let out = sumoql(
                &[
                    "run",
                    &rule_arg.to_string_lossy(),
                    &input_arg.to_string_lossy(),
                    "--format",
                    "ndjson",
                ],
                "",
            );
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let expected_path = case.join("expected.ndjson");
            if bless && out.status.success() {
                fs::write(&expected_path, &stdout).expect("write expected rows");
                continue;
            }
            let expected = fs::read_to_string(&expected_path).unwrap_or_default();
            if !out.status.success() || stdout != expected {
                failures.push(format!(
                    "{}: exit {:?}\n--- expected\n{expected}--- actual\n{stdout}--- stderr\n{stderr}",
                    case.display(),
                    out.status.code()
                ));
            }
        }
    }
    assert!(cases >= 5, "only {cases} fixture cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
