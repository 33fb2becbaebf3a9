//! The extraction operators and `matches` never panic: every short sequence of their words and
//! patterns is compiled, and whatever compiles runs over awkward lines.

use sumoql::{run_lines, Engine, RunConfig};

const PIECES: [&str; 24] = [
    "parse",
    "regex",
    "extract",
    "json",
    "kv",
    "auto",
    "csv",
    "split",
    "x",
    "field=x",
    "delim='|'",
    "quote='''",
    "as",
    "y",
    ",",
    "nodrop",
    "multi",
    "\"a=*\"",
    "\"(?<n>\\d)\"",
    "\"p[1].q\"",
    "1",
    "_",
    "matches",
    "/é|*/",
];

const LINES: [&str; 6] = [
    r#"{"x":"a=1|b=\"é\",c=[2]"}"#,
    r#"{"x":"{\"p\":[0,{\"q\":\"z\"}],\"n\":1}"}"#,
    r#"{"x":"'unclosed|\\"}"#,
    r#"{"x":""}"#,
    r#"{"x":null}"#,
    "{}",
];

#[test]
fn every_short_extraction_query_compiles_or_fails_cleanly() {
    let engine = Engine::new();
    let mut queries = 0;
    let mut texts = Vec::new();
    for first in PIECES {
        for second in PIECES {
            texts.push(format!("* | where x {first} {second}"));
            for third in PIECES {
                texts.push(format!("* | {first} {second} {third}"));
            }
        }
    }
    for text in texts {
        if let Ok(query) = engine.compile(&text) {
            queries += 1;
            let _ = run_lines(&query, &LINES, &RunConfig::default());
        }
    }
    assert!(queries > 50, "only {queries} queries compiled");
}
