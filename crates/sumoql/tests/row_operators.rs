//! The row operators never panic, in any order, on any input: every pair of a list of row
//! stages (valid and broken) runs over awkward records; and a few results that need no golden
//! file are checked through the library.

use sumoql::{run_lines, Engine, RunConfig};

/// Row stages, valid and broken, that the pairs test chains.
const STAGES: [&str; 30] = [
    "timeslice 1m",
    "timeslice by 1d as d",
    "timeslice 0m",
    "timeslice 99999999999w",
    "top 2 x",
    "top 0 x by y",
    "topk(1, x)",
    "topk(3, x, y) by z",
    "topk(2, _count)",
    "dedup",
    "dedup 0 by x",
    "dedup consecutive 2 by x, y",
    "accum x",
    "accum x as a by y",
    "total x by y",
    "diff x as d",
    "backshift x, 3 by y",
    "backshift x, 0",
    "lookup owner from file://tests/cases/tables/hosts.csv on x=hostname",
    "lookup nothing from missing.csv on x=y",
    "transpose row x column y",
    "transpose row y column x",
    "fillmissing values(\"1\", 2) in x",
    "fillmissing values() in x",
    "count by x, y",
    "count by x",
    "fields x",
    "fields - x",
    "x * 2 as total",
    "sort by x",
];

/// Records with numbers, text, nulls, nesting and huge values.
const LINES: [&str; 8] = [
    r#"{"x":"1","y":"a","z":"p","timestamp":"2024-01-01T00:00:00Z"}"#,
    r#"{"x":"2","y":"a","timestamp":"2024-01-01T00:01:00Z"}"#,
    r#"{"x":"text","y":"b","timestamp":"1e400"}"#,
    r#"{"x":null,"y":null}"#,
    r#"{"x":"9223372036854775807","y":"b","_messageTime":"-9223372036854775808"}"#,
    r#"{"x":{"nested":[1,2]},"y":"c"}"#,
    r#"{"x":"1e308","y":"c","timestamp":99999999999999999}"#,
    r#"{}"#,
];

#[test]
fn every_pair_of_row_stages_runs_without_panicking() {
    let engine = Engine::new();
    for first in STAGES {
        for second in STAGES {
            let text = format!("* | {first} | {second}");
            if let Ok(query) = engine.compile(&text) {
                let result = run_lines(&query, &LINES, &RunConfig::default());
                assert!(result.is_ok(), "{text}: {:?}", result.err());
            }
        }
    }
}

/// The rows of `query` over `lines`, as `name=value` text per row.
fn rows(query: &str, lines: &[&str]) -> Vec<String> {
    let query = Engine::new().compile(query).expect("the query compiles");
    let result = run_lines(&query, lines, &RunConfig::default()).expect("the run succeeds");
    result
        .rows
        .iter()
        .map(|(names, values)| {
            names
                .iter()
                .zip(values)
                .map(|(name, value)| format!("{name}={}", value.to_text().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn a_running_sum_overflowing_i64_turns_to_float() {
    let big = r#"{"n":"9223372036854775807"}"#;
    assert_eq!(
        rows("* | accum n | fields _accum", &[big, r#"{"n":"1"}"#]),
        ["_accum=9223372036854775807", "_accum=9223372036854776000"]
    );
}

#[test]
fn transpose_rows_all_carry_every_column() {
    let lines = [r#"{"r":"1","c":"b"}"#, r#"{"r":"2","c":"a"}"#];
    assert_eq!(
        rows("* | count by r, c | transpose row r column c", &lines),
        ["r=1 a= b=1", "r=2 a=1 b="]
    );
}

/// `sort | limit` holds few records at a time, and the records it keeps are those a full sort
/// would: the smallest keys, equal keys in arrival order, across the points where it cuts its
/// buffer down.
#[test]
fn a_sort_before_a_limit_keeps_what_a_whole_sort_would() {
    let lines: Vec<String> = (0..5000)
        .map(|i| format!(r#"{{"n":"{}","id":"{i}"}}"#, (i * 7919) % 1000))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let whole = rows("* | toLong(n) as k | sort by k asc, id | fields id", &lines);
    let limited = rows(
        "* | toLong(n) as k | sort by k asc, id | limit 7 | fields id",
        &lines,
    );
    assert_eq!(limited, whole[..7]);
    let equal_keys = rows(
        "* | \"same\" as k | sort by k | limit 3 | fields id",
        &lines,
    );
    assert_eq!(equal_keys, ["id=0", "id=1", "id=2"]);
}
