//! Bad input never panics: random bytes, truncated and deeply nested JSON to the reader, and
//! random text to the parser and planner.

use sumoql::{run_lines, Engine, RunConfig};

/// A small seeded generator, so a failure can be replayed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const QUERY_PIECES: [&str; 40] = [
    "*", "|", "where", "eval", "stats", "count", "by", "fields", "sort", "limit", "(", ")", "\"",
    "x", "=", "==", "!=", "<", ">", "and", "or", "not", "!", "in", ",", "as", "if(", "toLong(",
    "sum(", "values(", "10k", "1.5", "-", "+", "*", "/", "%\"", "?", ":", "//",
];

#[test]
fn random_queries_never_panic() {
    let engine = Engine::new();
    let mut rng = SplitMix(7);
    for _ in 0..5_000 {
        let length = rng.below(24);
        let text: Vec<&str> = (0..length)
            .map(|_| QUERY_PIECES[rng.below(QUERY_PIECES.len())])
            .collect();
        let text = text.join(if rng.below(2) == 0 { " " } else { "" });
        if let Ok(query) = engine.compile(&text) {
            let _ = run_lines(&query, &[r#"{"x":"1"}"#, "{}"], &RunConfig::default());
        }
    }
    for _ in 0..2_000 {
        let bytes: Vec<u8> = (0..rng.below(40)).map(|_| rng.next() as u8).collect();
        let _ = engine.compile(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn bad_log_lines_are_counted_never_fatal() {
    let engine = Engine::new();
    let query = engine.compile("* | count by x").unwrap();
    let mut rng = SplitMix(11);
    let deep = format!("{{\"x\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let mut lines: Vec<String> = vec![
        "{\"x\":".to_string(),
        "{\"x\":\"unterminated}".to_string(),
        "[1,2,3]".to_string(),
        "null".to_string(),
        deep,
        "{\"x\":\"ok\"}".to_string(),
    ];
    for _ in 0..500 {
        let bytes: Vec<u8> = (0..rng.below(60)).map(|_| rng.next() as u8).collect();
        lines.push(String::from_utf8_lossy(&bytes).into_owned());
        let valid = r#"{"x":"1","y":{"z":[1,2,{"w":null}]}}"#;
        lines.push(valid[..rng.below(valid.len())].to_string());
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let result = run_lines(&query, &refs, &RunConfig::default()).expect("a bad line is not fatal");
    let skipped = result
        .summary
        .warnings
        .count(sumoql::WarningKind::MalformedLine);
    // A line that is not a JSON object is text, a record of its own; a line that starts as a
    // JSON object and is not one is malformed. Each line read is one or the other.
    let records: i64 = result
        .rows
        .iter()
        .map(|(_, values)| values[1].to_string().parse::<i64>().unwrap())
        .sum();
    assert_eq!(records as u64 + skipped, result.summary.lines_read);
    // The deeply nested line is valid JSON that serde_json refuses for its depth: left out.
    let broken_objects = refs
        .iter()
        .filter(|line| line.trim_start().starts_with('{') && line.len() < 1000)
        .filter(|line| serde_json::from_str::<serde_json::Value>(line).is_err())
        .count() as u64;
    assert!(
        skipped >= broken_objects && broken_objects >= 400,
        "{skipped} lines counted as malformed, {broken_objects} broken objects"
    );
    let strict = RunConfig {
        strict: true,
        ..RunConfig::default()
    };
    assert!(run_lines(&query, &refs, &strict).is_err());
}
