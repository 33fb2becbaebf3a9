//! The formatter never changes a query's meaning and is idempotent: checked on the query of
//! every golden case and on every shipped rule.

use std::fs;
use std::path::{Path, PathBuf};

use sumoql_syntax::{format_query, parse_query};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `--- query` sections of a golden case file.
fn case_queries(text: &str) -> Vec<String> {
    let mut queries = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        if line.starts_with("=== ") || line.starts_with("--- ") {
            if let Some(lines) = current.take() {
                queries.push(lines.join("\n"));
            }
            if line.trim_end() == "--- query" {
                current = Some(Vec::new());
            }
        } else if let Some(lines) = current.as_mut() {
            lines.push(line);
        }
    }
    if let Some(lines) = current {
        queries.push(lines.join("\n"));
    }
    queries
}

/// The AST's debug text without spans.
fn meaning(source: &str) -> String {
    let debug = format!("{:?}", parse_query(source).expect("parses"));
    let mut out = String::new();
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        rest = after.find('}').map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

fn sources() -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for dir in ["tests/cases", "queries"] {
        let mut paths: Vec<PathBuf> = fs::read_dir(repo().join(dir))
            .expect("list")
            .map(|entry| entry.expect("entry").path())
            .collect();
        paths.sort();
        for path in paths {
            let text = match path.extension().and_then(|e| e.to_str()) {
                Some("case" | "sumo") => fs::read_to_string(&path).expect("read"),
                _ => continue,
            };
            if path.extension().is_some_and(|e| e == "sumo") {
                sources.push((path.display().to_string(), text));
            } else {
                for (index, query) in case_queries(&text).into_iter().enumerate() {
                    sources.push((format!("{}#{index}", path.display()), query));
                }
            }
        }
    }
    sources
}

#[test]
fn formatting_keeps_meaning_and_is_idempotent() {
    let mut formatted_count = 0;
    for (origin, source) in sources() {
        if parse_query(&source).is_err() {
            assert!(
                format_query(&source).is_err(),
                "{origin}: a broken query was formatted"
            );
            continue;
        }
        let formatted = format_query(&source).unwrap_or_else(|e| panic!("{origin}: {e:?}"));
        assert_eq!(
            meaning(&formatted),
            meaning(&source),
            "{origin}:\n{formatted}"
        );
        let again = format_query(&formatted).expect("formats again");
        assert_eq!(again, formatted, "{origin}: not idempotent");
        formatted_count += 1;
    }
    assert!(formatted_count > 100, "only {formatted_count} queries");
}

#[test]
fn shipped_rules_are_already_formatted() {
    for (origin, source) in sources() {
        if origin.ends_with(".sumo") {
            assert_eq!(format_query(&source).expect("formats"), source, "{origin}");
        }
    }
}
