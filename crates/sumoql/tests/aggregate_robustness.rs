//! Every aggregate, over awkward values (nulls, objects, huge and tiny numbers, text that looks
//! almost numeric, missing times), grouped and not, gives a result and never panics.

use sumoql::{run_lines, Engine, RunConfig};

const AWKWARD_RECORDS: [&str; 12] = [
    r#"{"x":null,"g":"a"}"#,
    r#"{"x":"9223372036854775807","g":"a"}"#,
    r#"{"x":"9223372036854775807","g":"a"}"#,
    r#"{"x":"-9223372036854775808","g":"b"}"#,
    r#"{"x":"1e308","g":"b"}"#,
    r#"{"x":"-1e308","g":"b"}"#,
    r#"{"x":"NaN","g":"c"}"#,
    r#"{"x":"inf"}"#,
    r#"{"x":{"nested":[1,2]},"g":"c"}"#,
    r#"{"x":"4.9e-324","_messageTime":"not a time"}"#,
    r#"{"x":"é","_messageTime":-1}"#,
    "{}",
];

#[test]
fn every_aggregate_survives_awkward_values() {
    let engine = Engine::new();
    for function in engine.registry().aggregates() {
        let (call, by) = match function.name() {
            "count" => ("count".to_string(), " by g"),
            "pct" => ("pct(x, 0, 50, 99.9, 100)".to_string(), " by g"),
            "count_frequent" => ("count_frequent(x, g)".to_string(), ""),
            name => (format!("{name}(x)"), " by g"),
        };
        for query in [format!("| {call}"), format!("| {call}{by}")] {
            let compiled = engine
                .compile(&query)
                .unwrap_or_else(|errors| panic!("`{query}`: {}", errors[0].message));
            let result = run_lines(&compiled, &AWKWARD_RECORDS, &RunConfig::default());
            assert!(result.is_ok(), "`{query}` failed: {:?}", result.err());
        }
    }
}

/// A `where` right after an aggregation judges each group before the group is made whole; the
/// rows and every warning (a capped `values` of a refused group, a cast or an IP check that
/// fails in the condition) are those of the same `where` run as a stage of its own.
#[test]
fn a_filter_right_after_an_aggregation_gives_the_rows_and_warnings_of_a_later_one() {
    let mut lines = Vec::new();
    for (group, distinct) in [("a", 200), ("b", 150), ("7", 5), ("c", 1)] {
        for i in 0..distinct {
            let ip = if i % 3 == 0 { "10.0.0.1" } else { "not an ip" };
            lines.push(format!(
                r#"{{"g":"{group}","x":"v{i}","n":{i},"ip":"{ip}"}}"#
            ));
        }
    }
    lines.push(r#"{"x":"no group"}"#.to_string());
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let engine = Engine::new();
    let conditions = [
        ("values(x) as xs, count by g", "_count > 150"),
        ("values(x) as xs, count by g", "_count < 150"),
        ("count by g, ip", "!isPrivateIP(ip)"),
        (
            "sum(n) as total, count by g",
            "toLong(g) > 0 or total > 10000",
        ),
        ("count by g", "g = \"a\""),
        ("count", "_count > 0"),
        ("values(x) as xs by g", "true"),
    ];
    let mut seen = Vec::new();
    for (aggregation, condition) in conditions {
        let run = |query: String| {
            let compiled = engine
                .compile(&query)
                .unwrap_or_else(|e| panic!("{query}: {e:?}"));
            let result = run_lines(&compiled, &lines, &RunConfig::default()).unwrap();
            (result.rows, result.summary.warnings.to_string())
        };
        let judged = run(format!("* | {aggregation} | where {condition}"));
        // A `limit` between them makes the `where` a stage of its own.
        let staged = run(format!(
            "* | {aggregation} | limit 10000 | where {condition}"
        ));
        assert_eq!(judged.0, staged.0, "{aggregation} | where {condition}");
        assert_eq!(judged.1, staged.1, "{aggregation} | where {condition}");
        seen.push(judged);
    }
    // The cases do exercise what they are about.
    assert!(
        seen[0].1.contains("2 group(s) hit the cap"),
        "{}",
        seen[0].1
    );
    assert_eq!(seen[0].0.len(), 1);
    assert!(seen[2].1.contains("not a valid IPv4"), "{}", seen[2].1);
    assert!(seen[3].1.contains("could not be cast"), "{}", seen[3].1);
}
