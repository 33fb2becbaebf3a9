//! Encodings: `urlencode`, `urldecode`, `base64Encode` and `base64Decode`.
//!
//! The decoders return text that is not validly encoded unchanged, as Sumo's `base64Decode`
//! does; decoded bytes that are not valid in the character set become U+FFFD.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::format_date::constant_text;
use super::text::with_text;
use crate::prelude::*;

/// `urlencode(x)`: the text form of `x` encoded for a URL query.
#[derive(Debug)]
pub struct UrlEncode;

impl ScalarFunction for UrlEncode {
    fn name(&self) -> &'static str {
        "urlencode"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Encodes the value's text form as an HTML form or URL query does (Java's URLEncoder with \
         UTF-8): letters, digits and `. - * _` stay, a space becomes `+`, and every other byte \
         becomes `%` and two upper-case hexadecimal digits. Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "urlencode(\"http://example.org/a.php?gk=G4&x=1\")",
                "\"http%3A%2F%2Fexample.org%2Fa.php%3Fgk%3DG4%26x%3D1\""
            ),
            example!("urlencode(\"hello world é\")", "\"hello+world+%C3%A9\""),
            example!("urlencode(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| Value::text(url_encode(text))))
    }
}

/// `text` encoded as Java's `URLEncoder` does with UTF-8.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0x0f)]));
            }
        }
    }
    out
}

/// `urldecode(x)`: the text form of `x` with URL escapes decoded.
#[derive(Debug)]
pub struct UrlDecode;

impl ScalarFunction for UrlDecode {
    fn name(&self) -> &'static str {
        "urldecode"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Decodes URL escapes in the value's text form: `+` becomes a space and `%` with two \
         hexadecimal digits the byte they name, bytes read as UTF-8. Text with a `%` not followed \
         by two hexadecimal digits is returned unchanged. Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "urldecode(\"http%3A%2F%2Fexample.org%2Fa.php%3Fq%3Dx%26y\")",
                "\"http://example.org/a.php?q=x&y\""
            ),
            example!("urldecode(\"hello+world+%C3%A9\")", "\"hello world é\""),
            example!("urldecode(\"100%\")", "\"100%\""),
            example!("urldecode(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| {
            Value::text(url_decode(text).unwrap_or_else(|| text.to_string()))
        }))
    }
}

/// `text` with URL escapes decoded; `None` when an escape is malformed.
fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        match byte {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = bytes.get(index + 1..index + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                decoded.push(u8::from_str_radix(hex, 16).ok()?);
                index += 2;
            }
            _ => decoded.push(byte),
        }
        index += 1;
    }
    Some(String::from_utf8_lossy(&decoded).into_owned())
}

/// `base64Encode(x)`: the UTF-8 bytes of the text form of `x` in Base64.
#[derive(Debug)]
pub struct Base64Encode;

impl ScalarFunction for Base64Encode {
    fn name(&self) -> &'static str {
        "base64Encode"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Encodes the UTF-8 bytes of the value's text form in standard Base64, with `=` padding. \
         Null gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("base64Encode(\"hello world\")", "\"aGVsbG8gd29ybGQ=\""),
            example!("base64Encode(\"世 よいち\")", "\"5LiWIOOCiOOBhOOBoQ==\""),
            example!("base64Encode(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(with_text(&args[0], |text| {
            Value::text(STANDARD.encode(text))
        }))
    }
}

/// A character set `base64Decode` reads decoded bytes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Charset {
    Ascii,
    Utf8,
    /// UTF-16; `None` for the byte order a byte-order mark gives (big-endian without one).
    Utf16 {
        little_endian: Option<bool>,
    },
    /// UTF-32, likewise.
    Utf32 {
        little_endian: Option<bool>,
    },
}

/// The character set names `base64Decode` accepts.
const CHARSETS: &str = "US-ASCII, UTF-8, UTF-16, UTF-16BE, UTF-16LE, UTF-32, UTF-32BE or UTF-32LE";

impl Charset {
    /// The character set called `name`, in any letter case.
    fn named(name: &str) -> Option<Charset> {
        Some(match name.to_ascii_uppercase().as_str() {
            "US-ASCII" | "ASCII" => Charset::Ascii,
            "UTF-8" | "UTF8" => Charset::Utf8,
            "UTF-16" => Charset::Utf16 {
                little_endian: None,
            },
            "UTF-16BE" => Charset::Utf16 {
                little_endian: Some(false),
            },
            "UTF-16LE" => Charset::Utf16 {
                little_endian: Some(true),
            },
            "UTF-32" => Charset::Utf32 {
                little_endian: None,
            },
            "UTF-32BE" => Charset::Utf32 {
                little_endian: Some(false),
            },
            "UTF-32LE" => Charset::Utf32 {
                little_endian: Some(true),
            },
            _ => return None,
        })
    }

    /// `bytes` read as text, invalid sequences as U+FFFD.
    fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Ascii => bytes
                .iter()
                .map(|&b| {
                    if b.is_ascii() {
                        char::from(b)
                    } else {
                        '\u{fffd}'
                    }
                })
                .collect(),
            Charset::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Charset::Utf16 { little_endian } => {
                let (little, rest) = byte_order(bytes, little_endian, &[0xfe, 0xff], &[0xff, 0xfe]);
                let units = rest.chunks(2).map(|pair| match *pair {
                    [a, b] if little => u16::from_le_bytes([a, b]),
                    [a, b] => u16::from_be_bytes([a, b]),
                    _ => 0xfffd,
                });
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or('\u{fffd}'))
                    .collect()
            }
            Charset::Utf32 { little_endian } => {
                let (little, rest) = byte_order(
                    bytes,
                    little_endian,
                    &[0, 0, 0xfe, 0xff],
                    &[0xff, 0xfe, 0, 0],
                );
                rest.chunks(4)
                    .map(|quad| {
                        let code = match *quad {
                            [a, b, c, d] if little => u32::from_le_bytes([a, b, c, d]),
                            [a, b, c, d] => u32::from_be_bytes([a, b, c, d]),
                            _ => 0xfffd,
                        };
                        char::from_u32(code).unwrap_or('\u{fffd}')
                    })
                    .collect()
            }
        }
    }
}

/// Whether `bytes` are little-endian, and the bytes after any byte-order mark: a fixed order
/// keeps its mark as text; an open one reads the mark (big-endian without one).
fn byte_order<'a>(
    bytes: &'a [u8],
    fixed: Option<bool>,
    big_mark: &[u8],
    little_mark: &[u8],
) -> (bool, &'a [u8]) {
    match fixed {
        Some(little) => (little, bytes),
        None => match (
            bytes.strip_prefix(big_mark),
            bytes.strip_prefix(little_mark),
        ) {
            (Some(rest), _) => (false, rest),
            (None, Some(rest)) => (true, rest),
            (None, None) => (false, bytes),
        },
    }
}

/// Standard Base64 that takes input with or without `=` padding.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// `base64Decode(x[, charset])`: Base64 text decoded.
#[derive(Debug)]
pub struct Base64Decode;

impl ScalarFunction for Base64Decode {
    fn name(&self) -> &'static str {
        "base64Decode"
    }

    fn signature(&self) -> Signature {
        Signature::between(1, 2)
    }

    fn doc(&self) -> &'static str {
        "Decodes standard Base64 text (`=` padding optional) and reads the bytes in the character \
         set of the second argument: US-ASCII, UTF-8 (the default, also for a null second \
         argument), UTF-16, UTF-16BE, UTF-16LE, UTF-32, UTF-32BE or UTF-32LE; bytes invalid in \
         it become U+FFFD. Text that is not valid Base64 is returned unchanged. A null first \
         argument or an unknown character set at run time gives null; a literal unknown \
         character set is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("base64Decode(\"aGVsbG8gd29ybGQ=\")", "\"hello world\""),
            example!(
                "base64Decode(\"VABoAGkAcwAgAGkAcwA=\", \"UTF-16LE\")",
                "\"This is\""
            ),
            example!("base64Decode(\"not base64!\")", "\"not base64!\""),
            example!("base64Decode(null)", "null"),
        ];
        EXAMPLES
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        match constant_text(constants, 1) {
            Some(name) if Charset::named(&name).is_none() => Err((
                1,
                format!("unknown character set \"{name}\"; use {CHARSETS}"),
            )),
            _ => Ok(()),
        }
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let charset = match args.get(1).and_then(Value::to_text) {
            Some(name) => Charset::named(&name),
            None => Some(Charset::Utf8),
        };
        let Some(charset) = charset else {
            return Ok(Value::Null);
        };
        Ok(with_text(&args[0], |text| {
            match LENIENT_BASE64.decode(text) {
                Ok(bytes) => Value::text(charset.decode(&bytes)),
                Err(_) => Value::text(text),
            }
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
    fn url_round_trip() {
        let original = "a b&c=d/é~*";
        let encoded = url_encode(original);
        assert_eq!(encoded, "a+b%26c%3Dd%2F%C3%A9%7E*");
        assert_eq!(url_decode(&encoded).as_deref(), Some(original));
    }

    #[test]
    fn malformed_url_escapes_leave_text_unchanged() {
        for text in ["%", "%4", "%zz", "a%é1"] {
            assert_eq!(call(&UrlDecode, &[Value::text(text)]), Value::text(text));
        }
        assert_eq!(
            call(&UrlDecode, &[Value::text("%FF")]),
            Value::text("\u{fffd}")
        );
    }

    #[test]
    fn base64_decodes_with_and_without_padding() {
        for text in ["aGk=", "aGk"] {
            assert_eq!(call(&Base64Decode, &[Value::text(text)]), Value::text("hi"));
        }
        let encoded = call(&Base64Encode, &[Value::Int(42)]);
        assert_eq!(call(&Base64Decode, &[encoded]), Value::text("42"));
    }

    #[test]
    fn charsets() {
        let decode = |bytes: &[u8], name: &str| Charset::named(name).unwrap().decode(bytes);
        assert_eq!(decode(&[0xfe, 0xff, 0, b'a'], "utf-16"), "a");
        assert_eq!(decode(&[0xff, 0xfe, b'a', 0], "UTF-16"), "a");
        assert_eq!(decode(&[0, b'a'], "UTF-16BE"), "a");
        assert_eq!(decode(&[b'a', 0, 0, 0], "UTF-32LE"), "a");
        assert_eq!(decode(&[0, 0, 0xfe, 0xff, 0, 0, 0, b'b'], "UTF-32"), "b");
        assert_eq!(decode(&[b'a', 0xc3], "US-ASCII"), "a\u{fffd}");
        assert_eq!(decode(b"a", "UTF-16LE"), "\u{fffd}");
        assert_eq!(Charset::named("latin-1"), None);
    }

    #[test]
    fn literal_charsets_are_checked() {
        let check = |name: &str| Base64Decode.check_constants(&[None, Some(Value::text(name))]);
        assert_eq!(check("utf-16le"), Ok(()));
        assert!(check("EBCDIC").is_err());
        let at_run_time = [Value::text("aGk="), Value::text("EBCDIC")];
        assert_eq!(call(&Base64Decode, &at_run_time), Value::Null);
    }
}
