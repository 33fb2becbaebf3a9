//! `sumoql sigma` against public rules: every rule of the pinned SigmaHQ snapshot in
//! `tests/sigma/corpus/` converts to a rule whose query the engine compiles, or is refused
//! with a reason; the table of both is printed and kept in `docs/sigma.md`
//! (`SUMOQL_BLESS=1 cargo test --test sigma` rewrites it, for a person to review). The cases
//! of `tests/sigma/behaviour.cases` run converted rules over events written from what each
//! rule means.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use sumoql::{run_lines, sigma_to_rule, Engine, Rule, RunConfig, SigmaMapping};
use support::{repo_root, sumoql};

/// The mappings the corpus is converted with: the ones shipped in `queries/sigma/`.
const SHIPPED_MAPPINGS: [&str; 2] = ["queries/sigma/sources.yml", "queries/sigma/sysmon.yml"];

/// Where the table lives in the documentation, between these two lines.
const TABLE_START: &str =
    "<!-- corpus table: written by `SUMOQL_BLESS=1 cargo test --test sigma` -->";
const TABLE_END: &str = "<!-- end of corpus table -->";

fn corpus() -> PathBuf {
    repo_root().join("tests/sigma/corpus")
}

/// The mapping made of `paths` (from the repository root), in order: the first file that
/// names a field or log source wins.
fn mapping(paths: &[&str]) -> SigmaMapping {
    let mut merged = SigmaMapping::default();
    for path in paths {
        let text = fs::read_to_string(repo_root().join(path)).expect("read mapping");
        let mapping =
            SigmaMapping::parse(&text).unwrap_or_else(|e| panic!("{path} does not load: {e}"));
        merged.extend(mapping);
    }
    merged
}

/// Every `.yml` file under `dir`, sorted.
fn rule_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("list corpus") {
            let path = entry.expect("corpus entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The area a corpus rule belongs to: `network`, `web`, `linux` or `windows`.
fn area(relative: &Path) -> String {
    relative
        .components()
        .nth(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What became of the corpus: counts per area, refusals per reason (with one example each).
#[derive(Default)]
struct Tally {
    by_area: BTreeMap<String, (usize, usize)>,
    refused: BTreeMap<String, (usize, String)>,
}

impl Tally {
    fn table(&self) -> String {
        let (converted, refused) = self
            .by_area
            .values()
            .fold((0, 0), |(c, r), (ac, ar)| (c + ac, r + ar));
        let mut out =
            String::from("| area | rules | converted | refused |\n| --- | ---: | ---: | ---: |\n");
        for (area, (c, r)) in &self.by_area {
            out.push_str(&format!("| {area} | {} | {c} | {r} |\n", c + r));
        }
        out.push_str(&format!(
            "| all | {} | {converted} | {refused} |\n\n| refused because | rules | for example |\n| --- | ---: | --- |\n",
            converted + refused
        ));
        let mut reasons: Vec<_> = self.refused.iter().collect();
        reasons.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
        for (reason, (count, example)) in reasons {
            out.push_str(&format!("| {reason} | {count} | `{example}` |\n"));
        }
        out
    }
}

#[test]
fn every_corpus_rule_converts_to_a_query_that_compiles_or_is_refused_with_a_reason() {
    let mapping = mapping(&SHIPPED_MAPPINGS);
    let engine = Engine::new();
    let mut tally = Tally::default();
    let mut broken = Vec::new();
    let files = rule_files(&corpus());
    assert!(files.len() >= 500, "the corpus holds {} rules", files.len());
    for path in &files {
        let relative = path.strip_prefix(corpus()).expect("under the corpus");
        let text = fs::read_to_string(path).expect("read rule");
        let counts = tally.by_area.entry(area(relative)).or_default();
        match sigma_to_rule(&text, &mapping).map(|c| c.rule) {
            Ok(converted) => {
                counts.0 += 1;
                match Rule::parse(&converted) {
                    Err(error) => broken.push(format!("{}: {error}", relative.display())),
                    Ok(rule) => {
                        if let Err(diagnostics) = engine.compile(&rule.text) {
                            broken.push(format!(
                                "{}: {}\n{converted}",
                                relative.display(),
                                diagnostics[0].message
                            ));
                        }
                    }
                }
            }
            Err(error) => {
                counts.1 += 1;
                let entry = tally
                    .refused
                    .entry(error.reason().to_string())
                    .or_insert_with(|| (0, String::new()));
                entry.0 += 1;
                if entry.1.is_empty() {
                    let name = relative.file_name().unwrap_or_default();
                    entry.1 = name.to_string_lossy().into_owned();
                }
            }
        }
    }
    let table = tally.table();
    println!("{table}");
    assert!(
        broken.is_empty(),
        "{} converted rules do not compile:\n{}",
        broken.len(),
        broken.join("\n")
    );
    check_documented_table(&table);
}

/// The table in docs/sigma.md is the one just made (or is made so, when blessing).
fn check_documented_table(table: &str) {
    let path = repo_root().join("docs/sigma.md");
    let doc = fs::read_to_string(&path).expect("read docs/sigma.md");
    let (before, rest) = doc
        .split_once(TABLE_START)
        .expect("docs/sigma.md has the table start");
    let (documented, after) = rest
        .split_once(TABLE_END)
        .expect("docs/sigma.md has the table end");
    let fresh = format!("\n{table}");
    if std::env::var_os("SUMOQL_BLESS").is_some() {
        fs::write(
            &path,
            format!("{before}{TABLE_START}{fresh}{TABLE_END}{after}"),
        )
        .expect("write docs/sigma.md");
    } else {
        assert_eq!(
            documented, fresh,
            "docs/sigma.md's corpus table is stale: SUMOQL_BLESS=1 cargo test --test sigma"
        );
    }
}

/// One case of `behaviour.cases`.
#[derive(Default)]
struct Case {
    name: String,
    rule: String,
    mappings: Vec<String>,
    events: Vec<(bool, String)>,
}

fn behaviour_cases() -> Vec<Case> {
    let text = fs::read_to_string(repo_root().join("tests/sigma/behaviour.cases"))
        .expect("read behaviour.cases");
    let mut cases: Vec<Case> = Vec::new();
    let mut section = "";
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            cases.push(Case {
                name: name.to_string(),
                ..Case::default()
            });
            section = "";
        } else if let Some(name) = line.strip_prefix("--- ") {
            section = match name {
                "rule" | "mapping" | "match" | "no match" => name,
                other => panic!("unknown section `{other}` in behaviour.cases"),
            };
        } else if let Some(case) = cases.last_mut() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            match section {
                "rule" => case.rule = line.to_string(),
                "mapping" => case.mappings.push(line.to_string()),
                "match" => case.events.push((true, line.to_string())),
                "no match" => case.events.push((false, line.to_string())),
                _ => panic!("`{line}` is outside a section in case `{}`", case.name),
            }
        }
    }
    cases
}

/// Why `case` does not behave as its events say, if it does not, with how many of its events
/// went wrong.
fn misbehaviour(case: &Case) -> Option<(usize, String)> {
    let text = fs::read_to_string(corpus().join(&case.rule)).expect("read the case's rule");
    let mappings: Vec<&str> = case.mappings.iter().map(String::as_str).collect();
    let converted = match sigma_to_rule(&text, &mapping(&mappings)) {
        Ok(converted) => converted.rule,
        Err(error) => return Some((case.events.len(), format!("not converted: {error}"))),
    };
    let query = match Rule::parse(&converted)
        .map_err(|e| e.to_string())
        .and_then(|rule| {
            Engine::new()
                .compile(&rule.text)
                .map_err(|d| d[0].message.clone())
        }) {
        Ok(query) => query,
        Err(error) => {
            let why = format!("does not compile: {error}\n{converted}");
            return Some((case.events.len(), why));
        }
    };
    let wrong: Vec<String> = case
        .events
        .iter()
        .filter(|(expected, event)| {
            let result = run_lines(&query, &[event.as_str()], &RunConfig::default()).expect("runs");
            let matched = !result.rows.is_empty();
            matched != *expected
        })
        .map(|(expected, event)| {
            let verb = if *expected { "missed" } else { "matched" };
            format!("  {verb}: {event}")
        })
        .collect();
    (!wrong.is_empty()).then(|| (wrong.len(), format!("{}\n{converted}", wrong.join("\n"))))
}

#[test]
fn converted_rules_match_the_events_their_meaning_says() {
    let cases = behaviour_cases();
    assert!(cases.len() >= 20, "only {} behaviour cases", cases.len());
    let mut failures = Vec::new();
    let mut wrong_events = 0;
    for case in &cases {
        assert!(
            case.events.iter().any(|(m, _)| *m) && case.events.iter().any(|(m, _)| !*m),
            "case `{}` needs match and no-match events",
            case.name
        );
        if let Some((wrong, why)) = misbehaviour(case) {
            wrong_events += wrong;
            failures.push(format!("{} ({}): {why}", case.name, case.rule));
        }
    }
    let events: usize = cases.iter().map(|case| case.events.len()).sum();
    println!(
        "{} of {} rules behave as meant ({} of {events} events)",
        cases.len() - failures.len(),
        cases.len(),
        events - wrong_events
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_help_names_the_shipped_mappings_and_they_load() {
    let help = sumoql(&["sigma", "--help"], "");
    let help = String::from_utf8_lossy(&help.stdout);
    for path in SHIPPED_MAPPINGS {
        assert!(
            help.contains(path),
            "`sumoql sigma --help` does not name {path}"
        );
    }
    // Each log source a shipped mapping names gives a scope the engine compiles.
    let mut scopes = 0;
    for path in SHIPPED_MAPPINGS {
        let text = fs::read_to_string(repo_root().join(path)).expect("read mapping");
        let rules = text
            .lines()
            .skip_while(|line| *line != "logsources:")
            .skip(1)
            .take_while(|line| line.starts_with("  "))
            .filter_map(|line| line.trim().split_once(": "));
        for (source, scope) in rules {
            let query = format!("{scope}\n| where true");
            assert!(
                Engine::new().compile(&query).is_ok(),
                "{path}: the scope of {source} does not compile: {scope}"
            );
            scopes += 1;
        }
    }
    assert!(
        scopes >= 30,
        "only {scopes} log sources in the shipped mappings"
    );
}
