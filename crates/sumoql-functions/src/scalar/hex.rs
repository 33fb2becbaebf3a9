//! Hexadecimal conversions: `hexToDec` (and `parseHex`), `decToHex` and `hexToAscii`.

use super::cast::{cast_failed, to_long};
use super::text::with_text;
use crate::prelude::*;

/// The 64-bit integer that up to 16 hexadecimal digits (after an optional `0x`) stand for, in
/// two's complement: `FFFFFFFFFFFFFFFF` is -1.
fn parse_hex(text: &str) -> Option<i64> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // The 64 bits reinterpreted as signed: two's complement, as intended.
    u64::from_str_radix(digits, 16).ok().map(|bits| bits as i64)
}

/// `hexToDec(x)`: the integer a hexadecimal text stands for.
#[derive(Debug)]
pub struct HexToDec;

impl ScalarFunction for HexToDec {
    fn name(&self) -> &'static str {
        "hexToDec"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the 64-bit integer that 1 to 16 hexadecimal digits (either case, after an \
         optional 0x) stand for, reading 16 digits in two's complement so that \
         \"FFFFFFFFFFFFFFFF\" is -1. Null gives null; anything else (more than 16 digits, a \
         non-hexadecimal character, empty text) gives null and counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("hexToDec(\"0000000000001337\")", "4919"),
            example!("hexToDec(\"7af\")", "1967"),
            example!("hexToDec(\"FFFFFFFFFFFFFFFF\")", "-1"),
            example!("hexToDec(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(hex_to_long(&args[0], ctx))
    }
}

/// The integer a hexadecimal text stands for, as `hexToDec` and `parseHex` read it: null for
/// null, null with a warning for text that is not 1 to 16 hexadecimal digits.
fn hex_to_long(value: &Value, ctx: &mut CallContext) -> Value {
    let Some(text) = value.to_text() else {
        return Value::Null;
    };
    parse_hex(&text).map_or_else(|| cast_failed(ctx), Value::Int)
}

/// `parseHex(x)`: Sumo's parse operator for hexadecimal text, the same reading as `hexToDec`.
#[derive(Debug)]
pub struct ParseHex;

impl ScalarFunction for ParseHex {
    fn name(&self) -> &'static str {
        "parseHex"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the number that a hexadecimal text of 16 or fewer digits stands for, with or \
         without 0x (\"ABCD\" and \"0xABCD\" are the same): the reading of hexToDec, so 16 \
         digits are two's complement. Null gives null; anything else gives null and counts a \
         cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("parseHex(\"12D230\")", "1233456"),
            example!("parseHex(\"0xABCD\")", "43981"),
            example!("parseHex(\"ABCD\")", "43981"),
            example!("parseHex(\"0xZZ\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(hex_to_long(&args[0], ctx))
    }
}

/// `decToHex(x)`: an integer written in upper-case hexadecimal.
#[derive(Debug)]
pub struct DecToHex;

impl ScalarFunction for DecToHex {
    fn name(&self) -> &'static str {
        "decToHex"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Writes the value, cast to a 64-bit integer as toLong does, in upper-case hexadecimal \
         without leading zeros; a negative number is written in 64-bit two's complement (-1 \
         gives \"FFFFFFFFFFFFFFFF\"). Null gives null; a value toLong cannot cast gives null and \
         counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("decToHex(\"4919\")", "\"1337\""),
            example!("decToHex(70)", "\"46\""),
            example!("decToHex(-1)", "\"FFFFFFFFFFFFFFFF\""),
            example!("decToHex(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(match to_long(&args[0], ctx) {
            Value::Int(n) => Value::text(format!("{n:X}")),
            other => other,
        })
    }
}

/// `hexToAscii(x)`: the text whose bytes a hexadecimal text spells.
#[derive(Debug)]
pub struct HexToAscii;

impl ScalarFunction for HexToAscii {
    fn name(&self) -> &'static str {
        "hexToAscii"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Reads the value's text form as pairs of hexadecimal digits (either case), each one byte, \
         and returns the text those bytes spell in UTF-8 (so plain ASCII reads as itself; bytes \
         invalid in UTF-8 become U+FFFD). Text that is not an even number of hexadecimal digits \
         is returned unchanged. Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("hexToAscii(\"68656c6c6f20776f726c64\")", "\"hello world\""),
            example!("hexToAscii(\"4869210A\")", "\"Hi!\\n\""),
            example!("hexToAscii(\"xyz\")", "\"xyz\""),
            example!("hexToAscii(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| match hex_bytes(text) {
            Some(bytes) => Value::text(String::from_utf8_lossy(&bytes)),
            None => Value::text(text),
        }))
    }
}

/// The bytes that pairs of hexadecimal digits spell; `None` unless `text` is only such pairs.
fn hex_bytes(text: &str) -> Option<Vec<u8>> {
    let pairs = text.as_bytes().chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    pairs
        .map(|pair| {
            let pair = std::str::from_utf8(pair).ok()?;
            if pair.starts_with(['+', '-']) {
                return None;
            }
            u8::from_str_radix(pair, 16).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &dyn ScalarFunction, value: Value) -> (Value, u64) {
        let mut ctx = CallContext::default();
        let result = function.call(&[value], &mut ctx).unwrap();
        (result, ctx.warnings.count(WarningKind::CastFailed))
    }

    #[test]
    fn hex_to_dec_reads_two_complement() {
        assert_eq!(parse_hex("0x10"), Some(16));
        assert_eq!(parse_hex("8000000000000000"), Some(i64::MIN));
        assert_eq!(parse_hex("7FFFFFFFFFFFFFFF"), Some(i64::MAX));
        for bad in ["", "0x", "12345678901234567", "12g4", "+1", " 1", "é"] {
            assert_eq!(parse_hex(bad), None, "{bad}");
        }
        assert_eq!(call(&HexToDec, Value::text("zz")), (Value::Null, 1));
        assert_eq!(call(&HexToDec, Value::Int(10)), (Value::Int(16), 0));
    }

    #[test]
    fn dec_to_hex_round_trips() {
        for n in [0, 1, 255, -256, i64::MIN, i64::MAX] {
            let (hex, _) = call(&DecToHex, Value::Int(n));
            assert_eq!(call(&HexToDec, hex), (Value::Int(n), 0), "{n}");
        }
        assert_eq!(call(&DecToHex, Value::text("abc")), (Value::Null, 1));
        assert_eq!(call(&DecToHex, Value::Float(15.9)), (Value::text("F"), 0));
    }

    #[test]
    fn hex_to_ascii_needs_whole_pairs() {
        assert_eq!(hex_bytes("4a4B"), Some(vec![0x4a, 0x4b]));
        assert_eq!(hex_bytes(""), Some(vec![]));
        for bad in ["4", "+1", "4g", "é1"] {
            assert_eq!(hex_bytes(bad), None, "{bad}");
        }
        assert_eq!(
            call(&HexToAscii, Value::text("c3a9ff")),
            (Value::text("é\u{fffd}"), 0)
        );
    }
}
