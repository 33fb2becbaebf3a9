//! `substring(text, start[, end])`.

use super::cast::to_long;
use crate::prelude::*;

/// The offset a constant argument holds, or why it cannot be one.
fn constant_offset(value: &Value, what: &str) -> Result<Option<i64>, String> {
    if value.is_null() {
        return Ok(None);
    }
    match value.as_number() {
        Some(Number::Int(offset)) if offset >= 0 => Ok(Some(offset)),
        Some(Number::Int(_)) => Err(format!("the {what} offset must not be negative")),
        _ => Err(format!("the {what} offset must be a whole number")),
    }
}

/// The offset a runtime argument holds: `None` when it is null, not a number (a cast warning) or
/// negative.
fn offset_of(value: &Value, ctx: &mut CallContext) -> Option<usize> {
    match to_long(value, ctx) {
        Value::Int(offset) => usize::try_from(offset).ok(),
        _ => None,
    }
}

/// `substring(text, start[, end])`: the characters of `text` from `start` up to `end`.
#[derive(Debug)]
pub struct Substring;

impl ScalarFunction for Substring {
    fn name(&self) -> &'static str {
        "substring"
    }

    fn signature(&self) -> Signature {
        Signature::between(2, 3)
    }

    fn doc(&self) -> &'static str {
        "Returns the part of the text form of the first argument from the character at the start \
         offset (counting from 0) up to, not including, the character at the end offset, or to \
         the end of the text when there is no end offset or it lies past the end. Offsets count \
         characters, not bytes; a start at or past the end gives empty text. Null in any argument \
         gives null, and so does a negative offset or an end before the start; an offset that is \
         not a number gives null and counts a cast warning. A literal offset that is negative, not \
         whole, or (for the end) before a literal start is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("substring(\"Sumo Logic\", 0, 4)", "\"Sumo\""),
            example!("substring(\"Hello world!\", 6)", "\"world!\""),
            example!("substring(\"héllo\", 1, 100)", "\"éllo\""),
            example!("substring(null, 1)", "null"),
        ];
        EXAMPLES
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        let offset = |index: usize, what: &str| match constants.get(index) {
            Some(Some(value)) => constant_offset(value, what).map_err(|message| (index, message)),
            _ => Ok(None),
        };
        let start = offset(1, "start")?;
        let end = offset(2, "end")?;
        if let (Some(start), Some(end)) = (start, end) {
            if end < start {
                return Err((
                    2,
                    format!("the end offset {end} is before the start offset {start}"),
                ));
            }
        }
        Ok(())
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        if args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        let Some(start) = offset_of(&args[1], ctx) else {
            return Ok(Value::Null);
        };
        let end = match args.get(2) {
            Some(value) => match offset_of(value, ctx) {
                Some(end) if end >= start => Some(end),
                _ => return Ok(Value::Null),
            },
            None => None,
        };
        let text = args[0].to_text().unwrap_or_default();
        let characters = text.chars().skip(start);
        let part: String = match end {
            Some(end) => characters.take(end - start).collect(),
            None => characters.collect(),
        };
        Ok(Value::text(part))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn substring(args: &[Value]) -> (Value, u64) {
        let mut ctx = CallContext::default();
        let result = Substring.call(args, &mut ctx).unwrap();
        (result, ctx.warnings.count(WarningKind::CastFailed))
    }

    #[test]
    fn offsets_count_characters() {
        let text = Value::text("日本語テキスト");
        assert_eq!(
            substring(&[text.clone(), Value::Int(1), Value::Int(3)]),
            (Value::text("本語"), 0)
        );
        assert_eq!(
            substring(&[text.clone(), Value::text("7")]),
            (Value::text(""), 0)
        );
        assert_eq!(
            substring(&[text, Value::Int(2), Value::Int(2)]),
            (Value::text(""), 0)
        );
        assert_eq!(
            substring(&[Value::Int(12345), Value::Float(1.0), Value::text("3")]),
            (Value::text("23"), 0)
        );
    }

    #[test]
    fn bad_offsets_give_null() {
        let text = Value::text("abc");
        assert_eq!(substring(&[text.clone(), Value::Int(-1)]), (Value::Null, 0));
        assert_eq!(
            substring(&[text.clone(), Value::Int(2), Value::Int(1)]),
            (Value::Null, 0)
        );
        assert_eq!(
            substring(&[text.clone(), Value::text("one")]),
            (Value::Null, 1)
        );
        assert_eq!(
            substring(&[text, Value::Int(0), Value::Null]),
            (Value::Null, 0)
        );
    }

    #[test]
    fn literal_offsets_are_checked() {
        let check =
            |start: Value, end: Option<Value>| Substring.check_constants(&[None, Some(start), end]);
        assert_eq!(check(Value::Int(0), Some(Value::Int(4))), Ok(()));
        assert_eq!(check(Value::Int(3), None), Ok(()));
        assert!(check(Value::Int(-2), None).is_err());
        assert!(check(Value::text("x"), None).is_err());
        assert!(check(Value::Float(1.5), None).is_err());
        assert_eq!(
            check(Value::Int(4), Some(Value::Int(2))),
            Err((
                2,
                "the end offset 2 is before the start offset 4".to_string()
            ))
        );
    }
}
