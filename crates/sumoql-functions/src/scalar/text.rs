//! Text functions: `concat`, `length`, `toLowerCase`, `toUpperCase`, `trim` and `contains`.

use crate::prelude::*;

/// `make` applied to the text form of `value`; null stays null.
pub(super) fn with_text(value: &Value, make: impl FnOnce(&str) -> Value) -> Value {
    value.to_text().map_or(Value::Null, |text| make(&text))
}

/// `concat(a, b, ...)`: the text forms of its arguments, joined.
#[derive(Debug)]
pub struct Concat;

impl ScalarFunction for Concat {
    fn name(&self) -> &'static str {
        "concat"
    }

    fn signature(&self) -> Signature {
        Signature::between(2, 16)
    }

    fn doc(&self) -> &'static str {
        "Returns the text forms of all its arguments joined end to end, numbers written as a \
         table cell shows them. A null argument counts as empty text, so the result is never \
         null. As in Sumo it takes 2 to 16 values; nest it for more: \
         `concat(concat(f1, …, f16), f17)`."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("concat(\"user\", \"-\", 42)", "\"user-42\""),
            example!("concat(\"a\", null, \"b\")", "\"ab\""),
            example!("concat(null, null)", "\"\""),
            example!(
                "concat(\"2024\", \"-\", \"03\", \"-\", \"04\", \"T\", 12)",
                "\"2024-03-04T12\""
            ),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let joined: String = args.iter().filter_map(Value::to_text).collect();
        Ok(Value::text(joined))
    }
}

/// `length(x)`: how many characters the text form of `x` has.
#[derive(Debug)]
pub struct Length;

impl ScalarFunction for Length {
    fn name(&self) -> &'static str {
        "length"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the number of characters (Unicode scalar values, not bytes) in the value's text \
         form, as an integer; a number is measured as it is written. Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("length(\"hello\")", "5"),
            example!("length(\"héllo\")", "5"),
            example!("length(1024)", "4"),
            example!("length(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| {
            Value::Int(text.chars().count() as i64)
        }))
    }
}

/// `toLowerCase(x)`: the text form of `x` in lower case.
#[derive(Debug)]
pub struct ToLowerCase;

impl ScalarFunction for ToLowerCase {
    fn name(&self) -> &'static str {
        "toLowerCase"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the value's text form with every letter in lower case (Unicode rules, not only \
         ASCII). Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("toLowerCase(\"GET /Index.HTML\")", "\"get /index.html\""),
            example!("toLowerCase(\"ÉTÉ\")", "\"été\""),
            example!("toLowerCase(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| Value::text(text.to_lowercase())))
    }
}

/// `toUpperCase(x)`: the text form of `x` in upper case.
#[derive(Debug)]
pub struct ToUpperCase;

impl ScalarFunction for ToUpperCase {
    fn name(&self) -> &'static str {
        "toUpperCase"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the value's text form with every letter in upper case (Unicode rules, so \"ß\" \
         becomes \"SS\"). Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("toUpperCase(\"warn\")", "\"WARN\""),
            example!("toUpperCase(\"straße\")", "\"STRASSE\""),
            example!("toUpperCase(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| Value::text(text.to_uppercase())))
    }
}

/// `trim(x)`: the text form of `x` without leading and trailing whitespace.
#[derive(Debug)]
pub struct Trim;

impl ScalarFunction for Trim {
    fn name(&self) -> &'static str {
        "trim"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the value's text form without leading and trailing whitespace (spaces, tabs, \
         line breaks and other Unicode white space); whitespace inside is kept. Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("trim(\" Hello World  \")", "\"Hello World\""),
            example!("trim(\"\\tuser=bob\\n\")", "\"user=bob\""),
            example!("trim(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| Value::text(text.trim())))
    }
}

/// `contains(text, part)` or `text contains part`: whether `part` occurs in `text`.
#[derive(Debug)]
pub struct Contains;

impl ScalarFunction for Contains {
    fn name(&self) -> &'static str {
        "contains"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the second argument's text form occurs in the first's, comparing \
         case-sensitively, and false otherwise. As Sumo documents, empty text occurs only in \
         empty text: two empty values give true, one empty value false. Null in either argument \
         gives null. Also written infix: `address contains city`."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("contains(\"connection refused\", \"refused\")", "true"),
            example!("contains(\"Error\", \"error\")", "false"),
            example!("contains(\"abc\", \"\")", "false"),
            example!("contains(null, \"x\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[1], |part| {
            with_text(&args[0], |text| {
                Value::Bool(if part.is_empty() {
                    text.is_empty()
                } else {
                    text.contains(part)
                })
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &dyn ScalarFunction, args: &[Value]) -> Value {
        function.call(args, &mut CallContext::default()).unwrap()
    }

    #[test]
    fn concat_joins_text_forms_and_skips_null() {
        let args = [
            Value::text("a"),
            Value::Int(1),
            Value::Null,
            Value::Float(0.5),
            Value::Bool(true),
        ];
        assert_eq!(call(&Concat, &args), Value::text("a10.5true"));
        assert_eq!(call(&Concat, &[Value::Null, Value::Null]), Value::text(""));
    }

    #[test]
    fn length_counts_characters() {
        assert_eq!(call(&Length, &[Value::text("")]), Value::Int(0));
        assert_eq!(call(&Length, &[Value::text("日本")]), Value::Int(2));
        assert_eq!(call(&Length, &[Value::Float(2.5)]), Value::Int(3));
        assert_eq!(call(&Length, &[Value::Null]), Value::Null);
    }

    #[test]
    fn case_changes() {
        assert_eq!(
            call(&ToLowerCase, &[Value::text("AbC")]),
            Value::text("abc")
        );
        assert_eq!(
            call(&ToUpperCase, &[Value::text("AbC")]),
            Value::text("ABC")
        );
        assert_eq!(
            call(&ToUpperCase, &[Value::Bool(true)]),
            Value::text("TRUE")
        );
        assert_eq!(call(&ToLowerCase, &[Value::Null]), Value::Null);
    }

    #[test]
    fn trim_keeps_inner_whitespace() {
        assert_eq!(
            call(&Trim, &[Value::text(" \u{a0}a  b\r\n")]),
            Value::text("a  b")
        );
        assert_eq!(call(&Trim, &[Value::text("   ")]), Value::text(""));
        assert_eq!(call(&Trim, &[Value::Int(7)]), Value::text("7"));
        assert_eq!(call(&Trim, &[Value::Null]), Value::Null);
    }

    #[test]
    fn contains_is_case_sensitive_and_finds_empty_text_only_in_empty_text() {
        let check = |text: Value, part: Value| call(&Contains, &[text, part]);
        assert_eq!(
            check(Value::text("abc"), Value::text("bc")),
            Value::Bool(true)
        );
        assert_eq!(
            check(Value::text("abc"), Value::text("B")),
            Value::Bool(false)
        );
        assert_eq!(
            check(Value::text("abc"), Value::text("")),
            Value::Bool(false)
        );
        assert_eq!(check(Value::text(""), Value::text("")), Value::Bool(true));
        assert_eq!(check(Value::Int(1234), Value::Int(23)), Value::Bool(true));
        assert_eq!(check(Value::text("abc"), Value::Null), Value::Null);
        assert_eq!(check(Value::Null, Value::text("a")), Value::Null);
    }
}
