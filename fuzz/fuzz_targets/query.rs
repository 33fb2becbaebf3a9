//! Query text to the parser, the planner and the formatter: none may panic, and a query the
//! formatter writes parses again to the same formatting.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sumoql::format_query;
use sumoql_fuzz::engine;

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
