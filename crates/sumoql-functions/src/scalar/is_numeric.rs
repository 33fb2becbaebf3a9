//! `isNumeric(x)`: whether text is a number as Java writes one.

use crate::prelude::*;

/// Whether `text` is a Java number literal: an optional sign, then hexadecimal (`0x1F`), octal
/// (`017`), or decimal with an optional fraction and exponent (`1.5e-3`), and an optional type
/// letter (`L` for whole numbers; `f`, `d` for any).
fn is_java_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if let Some(hex) = unsigned
        .strip_prefix("0x")
        .or_else(|| unsigned.strip_prefix("0X"))
    {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    let (body, whole_only) = match unsigned.as_bytes().last() {
        Some(b'l' | b'L') => (&unsigned[..unsigned.len() - 1], true),
        Some(b'f' | b'F' | b'd' | b'D') => (&unsigned[..unsigned.len() - 1], false),
        _ => (unsigned, false),
    };
    let all_digits = !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit());
    if all_digits {
        let octal = body.len() > 1 && body.starts_with('0');
        return !octal || body.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if whole_only {
        return false;
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(whole) && digits(fraction) && whole.len() + fraction.len() > 0;
    let exponent_ok = exponent.is_none_or(|exponent| {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        !exponent.is_empty() && digits(exponent)
    });
    mantissa_ok && exponent_ok
}

/// `isNumeric(x)`: whether `x` is a number or text that is one.
#[derive(Debug)]
pub struct IsNumeric;

impl ScalarFunction for IsNumeric {
    fn name(&self) -> &'static str {
        "isNumeric"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is a number, or text that is a valid Java number: an \
         optional sign, then decimal digits with an optional fraction and exponent (\"1.56\", \
         \"1e5\", \".5\"), hexadecimal after 0x (\"0x1F\"), or octal after a leading 0 (so \"017\" \
         is true and \"09\" false), with an optional type letter (\"123L\", \"1.5f\", \"2d\"). \
         Anything else is false, including null, empty or blank text, text with surrounding \
         spaces, booleans, NaN and Infinity."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isNumeric(\"1.56\")", "true"),
            example!("isNumeric(\"0x1F\")", "true"),
            example!("isNumeric(\"09\")", "false"),
            example!("isNumeric(null)", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let numeric = match &args[0] {
            Value::Int(_) => true,
            Value::Float(f) => f.is_finite(),
            Value::Text(text) => is_java_number(text),
            Value::Null | Value::Bool(_) | Value::List(_) => false,
        };
        Ok(Value::Bool(numeric))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_numbers() {
        let yes = [
            "0", "-7", "+7", "1.", ".5", "1e5", "1E-5", "2.5e+3", "0x1f", "-0XAB", "017", "123L",
            "1.5f", "2d", "0.9", "00",
        ];
        for text in yes {
            assert!(is_java_number(text), "{text}");
        }
        let no = [
            "", " ", " 1", "1 ", "09", "1e", "e5", ".", "-", "0x", "0xg", "1.5L", "L", "1..2",
            "1e5.0", "abc", "NaN", "Infinity", "1,000", "--1", "١",
        ];
        for text in no {
            assert!(!is_java_number(text), "{text}");
        }
    }

    #[test]
    fn values_that_are_numbers() {
        let call = |value: Value| {
            IsNumeric
                .call(&[value], &mut CallContext::default())
                .unwrap()
        };
        assert_eq!(call(Value::Int(3)), Value::Bool(true));
        assert_eq!(call(Value::Float(f64::NAN)), Value::Bool(false));
        assert_eq!(call(Value::Bool(true)), Value::Bool(false));
        assert_eq!(call(Value::text("  ")), Value::Bool(false));
    }
}
