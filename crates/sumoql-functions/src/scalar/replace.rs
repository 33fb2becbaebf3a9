//! `replace(text, target, replacement)`.

use crate::prelude::*;

/// `replace(text, target, replacement)`: every occurrence of `target` replaced.
#[derive(Debug)]
pub struct Replace;

impl ScalarFunction for Replace {
    fn name(&self) -> &'static str {
        "replace"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(3)
    }

    fn doc(&self) -> &'static str {
        "Returns the text form of the first argument with every occurrence of the second \
         argument's text replaced by the third's, left to right without overlaps and \
         case-sensitively; text without the target comes back unchanged, and an empty target \
         inserts the replacement around every character. Null in any argument gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "replace(\"flight/12345/flight\", \"flight\", \"trip\")",
                "\"trip/12345/trip\""
            ),
            example!("replace(\"a.b.c\", \".\", \"\")", "\"abc\""),
            example!("replace(\"Error\", \"error\", \"x\")", "\"Error\""),
            example!("replace(\"abc\", null, \"x\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let (Some(text), Some(target), Some(replacement)) =
            (args[0].to_text(), args[1].to_text(), args[2].to_text())
        else {
            return Ok(Value::Null);
        };
        Ok(Value::text(text.replace(&*target, &replacement)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace(text: Value, target: Value, replacement: Value) -> Value {
        Replace
            .call(&[text, target, replacement], &mut CallContext::default())
            .unwrap()
    }

    #[test]
    fn replaces_every_occurrence_of_text() {
        assert_eq!(
            replace(Value::text("aaa"), Value::text("aa"), Value::text("b")),
            Value::text("ba")
        );
        assert_eq!(
            replace(Value::Int(1001), Value::Int(0), Value::text("-")),
            Value::text("1--1")
        );
        assert_eq!(
            replace(Value::text("ab"), Value::text(""), Value::text("|")),
            Value::text("|a|b|")
        );
        assert_eq!(
            replace(Value::text("a.*b"), Value::text(".*"), Value::text("$1")),
            Value::text("a$1b")
        );
        assert_eq!(
            replace(Value::Null, Value::text("a"), Value::text("b")),
            Value::Null
        );
        assert_eq!(
            replace(Value::text("a"), Value::text("a"), Value::Null),
            Value::Null
        );
    }
}
