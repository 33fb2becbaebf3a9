//! Query text to the parser, the planner and the formatter: none may panic, and a query the
//! formatter writes parses again to the same formatting.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sumoql::{format_query, Engine};

/// One engine for every input: building its registry is costlier than most runs.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::new)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = engine().compile(text);
    if let Ok(formatted) = format_query(text) {
        let again = format_query(&formatted)
            .unwrap_or_else(|_| panic!("the formatted query does not parse:\n{formatted}"));
        assert_eq!(again, formatted, "formatting is not stable");
    }
});
