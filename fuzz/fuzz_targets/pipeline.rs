//! A whole run: the first line of the input is the query, the rest the log lines; no panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sumoql::{run_lines, Engine, RunConfig};

/// One engine for every input: building its registry is costlier than most runs.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

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
