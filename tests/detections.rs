//! Every detection in `queries/` runs on its fixtures through `sumoql test queries` (the real
//! binary), so `cargo test --workspace` covers every shipped rule.
//!
//! A rule `queries/NAME.sumo` keeps its cases in `queries/NAME.tests/CASE/`: the logs in
//! `input.*` and the rows the rule must print in `expected.ndjson` (empty when the case is a
//! true negative). `SUMOQL_BLESS=1 cargo test --test detections` rewrites the expected rows
//! (`sumoql test queries --bless`); a person reviews them before committing.

mod support;

use support::sumoql;

#[test]
fn every_detection_passes_its_fixtures() {
    let bless = std::env::var_os("SUMOQL_BLESS").is_some();
    let mut args = vec!["test", "queries"];
    if bless {
        args.push("--bless");
    }
    let out = sumoql(&args, "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    let summary = stdout.lines().last().unwrap_or_default();
    let verb = if bless { "blessed" } else { "passed" };
    let count: usize = summary
        .strip_suffix(&format!(" {verb}, 0 failed"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected summary: {stdout}"));
    assert!(count >= 7, "only {count} fixture cases:\n{stdout}");
    if !bless {
        let default = sumoql(&["test"], "");
        assert_eq!(
            String::from_utf8_lossy(&default.stdout),
            stdout,
            "queries/ is the default"
        );
    }
    // Every rule has cases: one `ok` line at least per rule file.
    for entry in std::fs::read_dir(support::repo_root().join("queries")).expect("list queries") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "sumo") {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            assert!(
                stdout.contains(&format!(" {stem}/")),
                "{stem} has no fixture case:\n{stdout}"
            );
        }
    }
}
