//! A whole run: the first line of the input is the query, the rest the log lines; no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sumoql::{run_lines, RunConfig};
use sumoql_fuzz::engine;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (query, logs) = text.split_once('\n').unwrap_or((text, ""));
    let Ok(query) = engine().compile(query) else {
        return;
    };
    let lines: Vec<&str> = logs.lines().collect();
    let _ = run_lines(&query, &lines, &RunConfig::default());
});
