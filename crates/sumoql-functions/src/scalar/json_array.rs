//! JSON arrays held as text: `jsonArrayContains` and `jsonArraySize`.

use serde_json::Value as Json;

use crate::prelude::*;

/// The items of the JSON array that `value`'s text form is; `None` for null, invalid JSON or
/// JSON that is not an array.
fn json_array(value: &Value) -> Option<Vec<Json>> {
    match serde_json::from_str(&value.to_text()?) {
        Ok(Json::Array(items)) => Some(items),
        _ => None,
    }
}

/// A JSON item as a value: a string as its text, a number as written, `true`/`false`, an
/// object or array as compact JSON, and `null` as null.
fn item_value(item: &Json) -> Value {
    match item {
        Json::Null => Value::Null,
        Json::String(text) => Value::text(text),
        other => Value::text(other.to_string()),
    }
}

/// `jsonArrayContains(array, item)`: whether a JSON array holds an item.
#[derive(Debug)]
pub struct JsonArrayContains;

impl ScalarFunction for JsonArrayContains {
    fn name(&self) -> &'static str {
        "jsonArrayContains"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the first argument is text holding a JSON array (such as a field read \
         from a JSON array) and one of its items equals the second argument as `=` decides: \
         case-sensitively as text, numerically when the second argument is a number (so 2 \
         matches the item 2.0). A string item counts as its text, an object or array item as \
         its compact JSON. Text that is not a JSON array gives false; null in either argument \
         gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "jsonArrayContains(\"[\\\"foo\\\", \\\"bar\\\"]\", \"foo\")",
                "true"
            ),
            example!("jsonArrayContains(\"[1, 2.0, 3]\", 2)", "true"),
            example!("jsonArrayContains(\"not json\", \"x\")", "false"),
            example!("jsonArrayContains(null, \"foo\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let (array, wanted) = (&args[0], &args[1]);
        if array.is_null() || wanted.is_null() {
            return Ok(Value::Null);
        }
        let found = json_array(array).is_some_and(|items| {
            items
                .iter()
                .any(|item| wanted.equals(&item_value(item)) == Some(true))
        });
        Ok(Value::Bool(found))
    }
}

/// `jsonArraySize(array)`: how many items a JSON array has.
#[derive(Debug)]
pub struct JsonArraySize;

impl ScalarFunction for JsonArraySize {
    fn name(&self) -> &'static str {
        "jsonArraySize"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the number of items in the JSON array the value's text form holds, as an \
         integer (nested arrays count as one item). As Sumo documents, null gives -1, and so \
         does text that is not a JSON array."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("jsonArraySize(\"[1, 2, 3]\")", "3"),
            example!("jsonArraySize(\"[[1, 2], {\\\"a\\\": 1}]\")", "2"),
            example!("jsonArraySize(\"{}\")", "-1"),
            example!("jsonArraySize(null)", "-1"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let size = json_array(&args[0]).map_or(-1, |items| items.len() as i64);
        Ok(Value::Int(size))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &dyn ScalarFunction, args: &[Value]) -> Value {
        function.call(args, &mut CallContext::default()).unwrap()
    }

    #[test]
    fn contains_compares_items_as_values() {
        let array = Value::text(r#"["Admin", 10, true, null, {"k":"v"}]"#);
        let contains = |wanted: Value| call(&JsonArrayContains, &[array.clone(), wanted]);
        assert_eq!(contains(Value::text("Admin")), Value::Bool(true));
        assert_eq!(contains(Value::text("admin")), Value::Bool(false));
        assert_eq!(contains(Value::text("10")), Value::Bool(true));
        assert_eq!(contains(Value::Float(10.0)), Value::Bool(true));
        assert_eq!(contains(Value::Bool(true)), Value::Bool(true));
        assert_eq!(contains(Value::text(r#"{"k":"v"}"#)), Value::Bool(true));
        assert_eq!(contains(Value::text("null")), Value::Bool(false));
        assert_eq!(contains(Value::Null), Value::Null);
    }

    #[test]
    fn size_is_minus_one_without_an_array() {
        assert_eq!(call(&JsonArraySize, &[Value::text("[]")]), Value::Int(0));
        assert_eq!(call(&JsonArraySize, &[Value::text("[1,")]), Value::Int(-1));
        assert_eq!(call(&JsonArraySize, &[Value::Int(5)]), Value::Int(-1));
    }
}
