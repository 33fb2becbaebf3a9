//! The JSON line decoder against serde_json: a line the decoder reads as a record is a JSON
//! object to serde_json, and the reverse; and each wanted key's string value is the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::IgnoredAny;
use serde_json::{Map, Value as Json};
use sumoql_io::read::{LineDecoder, MetadataOptions};
use sumoql_value::{Value, Warnings};

/// Keys the decoder is asked for.
const KEYS: [&str; 3] = ["a", "b", "a.b"];

fuzz_target!(|data: &[u8]| {
    // serde_json refuses nesting deeper than its recursion limit; the decoder does not look
    // that deep for top-level keys, so such lines are not compared.
    if data.iter().filter(|&&b| b == b'[' || b == b'{').count() > 100 {
        return;
    }
    let fields: Vec<(String, usize)> = KEYS
        .iter()
        .enumerate()
        .map(|(i, k)| (k.to_string(), i))
        .collect();
    let mut decoder = LineDecoder::new(&fields, KEYS.len(), false, MetadataOptions::default());
    let mut warnings = Warnings::new();
    let decoded = decoder.decode(data, "fuzz", &mut warnings);
    let line = std::str::from_utf8(data).ok();
    // Whether the line is one JSON object by JSON's grammar. serde_json checks only the grammar
    // when it ignores the values; building them, it also refuses numbers beyond f64's range
    // (`1e400`) and lone surrogate escapes, which the decoder keeps (as text, and as U+FFFD).
    let object = line.is_some_and(|text| {
        text.trim_start().starts_with('{') && serde_json::from_str::<IgnoredAny>(text).is_ok()
    });
    let parsed = line.and_then(|text| serde_json::from_str::<Map<String, Json>>(text).ok());
    // A blank line is white space as `str::trim` reads it (vertical tabs and Unicode spaces too).
    let blank = line.is_some_and(|text| text.trim().is_empty());
    match (&decoded, object) {
        (Ok(Some(record)), true) => {
            let Some(object) = &parsed else {
                return;
            };
            for (slot, key) in KEYS.iter().enumerate().take(2) {
                if let Some(Json::String(text)) = object.get(*key) {
                    assert_eq!(record.get(slot), &Value::text(text.as_str()), "key {key}");
                }
                if object.get(*key).is_none() {
                    assert_eq!(record.get(slot), &Value::Null, "key {key}");
                }
            }
        }
        (Ok(Some(_)), false) => {
            // A line that is not a JSON object may still be a record: a raw line of text.
            let starts_object = line.is_some_and(|text| text.trim_start().starts_with('{'));
            assert!(
                !starts_object,
                "the decoder read a broken object as a record"
            );
        }
        (Ok(None), _) => assert!(blank, "a line that is not blank gave no record"),
        (Err(_), true) => panic!("the decoder refused an object serde_json reads"),
        (Err(_), false) => {}
    }
});
