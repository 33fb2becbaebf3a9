//! JSON text held in a field, read the way lines are read (D6): for the `json` operator, which
//! parses JSON found inside a log value.

use serde_json::value::RawValue;
use sumoql_value::Value;

use super::json_line::{key_text, raw_to_value};
use super::json_scan::{scan_object, Member};

/// A JSON value's source text, borrowed from the text it was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonText<'a>(pub &'a str);

impl<'a> JsonText<'a> {
    /// The value as a record value: strings unquoted, numbers and booleans as their source
    /// text, `null` as null, objects and arrays as compact JSON text.
    pub fn value(self) -> Value {
        match serde_json::from_str::<&RawValue>(self.0) {
            Ok(raw) => raw_to_value(raw.get()),
            Err(_) => Value::Null,
        }
    }
}

/// The members of the JSON object `text`, in order; `None` when `text` is not an object.
///
/// ```
/// use sumoql_io::read::json_members;
/// let members = json_members(r#"{"a": 1, "b": {"c": "x"}}"#).unwrap();
/// assert_eq!(members[1].0, "b");
/// assert_eq!(members[1].1 .0, r#"{"c": "x"}"#);
/// assert!(json_members("[1]").is_none());
/// ```
pub fn json_members(text: &str) -> Option<Vec<(String, JsonText<'_>)>> {
    let members = scanned_members(text)?;
    Some(
        members
            .iter()
            .map(|m| (key_text(text, m).into_owned(), JsonText(m.value(text))))
            .collect(),
    )
}

/// The members of the JSON object `text`, or `None` when it is not one.
fn scanned_members(text: &str) -> Option<Vec<Member>> {
    let mut members = Vec::new();
    scan_object(text, &mut members).ok()?;
    Some(members)
}

/// The member `key` of the JSON object `text` (the last one when a key repeats).
///
/// ```
/// use sumoql_io::read::json_member;
/// assert_eq!(json_member(r#"{"a": 1, "a": 2}"#, "a").map(|t| t.0), Some("2"));
/// assert!(json_member("3", "a").is_none());
/// ```
pub fn json_member<'a>(text: &'a str, key: &str) -> Option<JsonText<'a>> {
    scanned_members(text)?
        .iter()
        .rev()
        .find(|m| key_text(text, m) == key)
        .map(|m| JsonText(m.value(text)))
}

/// The element `index` (from 0) of the JSON array `text`.
///
/// ```
/// use sumoql_io::read::json_element;
/// assert_eq!(json_element("[10, [20]]", 1).map(|t| t.0), Some("[20]"));
/// assert!(json_element("[10]", 1).is_none());
/// ```
pub fn json_element(text: &str, index: usize) -> Option<JsonText<'_>> {
    let array: Vec<&RawValue> = serde_json::from_str(text).ok()?;
    array.get(index).map(|raw| JsonText(raw.get()))
}
