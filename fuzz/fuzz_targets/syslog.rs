//! The syslog header reader and vendor detection on any line: no panic, and the header's end
//! lies within the line on a character boundary.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sumoql::ParserSet;
use sumoql_io::read::parse_header;
use sumoql_value::time::Zone;

fuzz_target!(|data: &[u8]| {
    static PARSERS: OnceLock<ParserSet> = OnceLock::new();
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let header = parse_header(line, 1_700_000_000_000, &Zone::utc());
    assert!(
        line.is_char_boundary(header.body_start),
        "body_start {}",
        header.body_start
    );
    let body = &line[header.body_start..];
    let parsers = PARSERS.get_or_init(ParserSet::builtin);
    if let Some(rule) = parsers.detect(body) {
        assert!(rule < parsers.rules().len());
    }
});
