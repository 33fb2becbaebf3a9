//! `isNull`, `isEmpty` and `isBlank`: whether a value is missing, or text with nothing in it.

use crate::prelude::*;

/// Whether `value` is null, or text that `empty` holds for; other values never are.
fn is_missing_or(value: &Value, empty: fn(&str) -> bool) -> Value {
    Value::Bool(match value {
        Value::Null => true,
        Value::Text(text) => empty(text),
        _ => false,
    })
}

/// `isNull(x)`: whether `x` is null.
#[derive(Debug)]
pub struct IsNull;

impl ScalarFunction for IsNull {
    fn name(&self) -> &'static str {
        "isNull"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is null (such as a field the record does not have), and \
         false for anything else, including empty text."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isNull(null)", "true"),
            example!("isNull(\"\")", "false"),
            example!("isNull(0)", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(Value::Bool(args[0].is_null()))
    }
}

/// `isEmpty(x)`: whether `x` is null or empty text.
#[derive(Debug)]
pub struct IsEmpty;

impl ScalarFunction for IsEmpty {
    fn name(&self) -> &'static str {
        "isEmpty"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is null or the empty text \"\", and false otherwise: text \
         holding only spaces is not empty, and neither is any number or boolean."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isEmpty(\"\")", "true"),
            example!("isEmpty(null)", "true"),
            example!("isEmpty(\" \")", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(is_missing_or(&args[0], str::is_empty))
    }
}

/// `isBlank(x)`: whether `x` is null, empty text or whitespace only.
#[derive(Debug)]
pub struct IsBlank;

impl ScalarFunction for IsBlank {
    fn name(&self) -> &'static str {
        "isBlank"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is null, the empty text, or text made only of whitespace \
         (spaces, tabs, line breaks and other Unicode white space); false for any other text and \
         for every number or boolean."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isBlank(\"  \")", "true"),
            example!("isBlank(null)", "true"),
            example!("isBlank(\" a \")", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(is_missing_or(&args[0], |text| text.trim().is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(function: &dyn ScalarFunction, value: Value) -> bool {
        let result = function.call(&[value], &mut CallContext::default());
        result.unwrap().truth().unwrap()
    }

    #[test]
    fn null_is_null_empty_and_blank() {
        assert!(check(&IsNull, Value::Null));
        assert!(check(&IsEmpty, Value::Null));
        assert!(check(&IsBlank, Value::Null));
    }

    #[test]
    fn empty_and_blank_text() {
        assert!(!check(&IsNull, Value::text("")));
        assert!(check(&IsEmpty, Value::text("")));
        assert!(!check(&IsEmpty, Value::text(" \t")));
        assert!(check(&IsBlank, Value::text(" \t\n")));
        assert!(!check(&IsBlank, Value::text(" x ")));
    }

    #[test]
    fn non_text_values_are_neither_empty_nor_blank() {
        for value in [Value::Int(0), Value::Float(0.0), Value::Bool(false)] {
            assert!(!check(&IsNull, value.clone()));
            assert!(!check(&IsEmpty, value.clone()));
            assert!(!check(&IsBlank, value));
        }
    }
}
