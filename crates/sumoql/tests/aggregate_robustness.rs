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
