//! JSON text output for values.

use std::fmt::Write as _;

/// Appends `s` to `out` as a JSON string literal, escaping quotes, backslashes and control
/// characters. The runs of text between them are copied whole.
pub fn write_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let mut rest = s;
    while let Some(at) = rest
        .bytes()
        .position(|b| b == b'"' || b == b'\\' || b < 0x20)
    {
        // The byte found is ASCII, so `at` and `at + 1` fall between characters.
        out.push_str(&rest[..at]);
        match rest.as_bytes()[at] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            control => {
                let _ = write!(out, "\\u{control:04x}");
            }
        }
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_exactly_what_json_requires() {
        let cases = [
            ("", r#""""#),
            ("plain é text", r#""plain é text""#),
            ("a\"b\\c", r#""a\"b\\c""#),
            ("\n\r\t\u{1}\u{1f} ", r#""\n\r\t\u0001\u001f ""#),
            ("\"", r#""\"""#),
            ("ends with \\", r#""ends with \\""#),
        ];
        for (text, expected) in cases {
            let mut out = String::from("[");
            write_json_string(&mut out, text);
            assert_eq!(out, format!("[{expected}"), "{text:?}");
            let parsed: String = serde_json::from_str(&out[1..]).unwrap();
            assert_eq!(parsed, text);
        }
    }
}
