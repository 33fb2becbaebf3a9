//! Sigma rule text to the converter: no panic, and a rule it converts compiles.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sumoql::{sigma_to_rule, Rule, SigmaMapping};
use sumoql_fuzz::engine;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(conversion) = sigma_to_rule(text, &SigmaMapping::default()) else {
        return;
    };
    let rule = Rule::parse(&conversion.rule)
        .unwrap_or_else(|_| panic!("the converted rule does not read:\n{}", conversion.rule));
    let query = &rule.text[rule.query_start..];
    if let Err(diagnostics) = engine().compile(query) {
        panic!("the converted query does not compile:\n{query}\n{diagnostics:?}");
    }
});
