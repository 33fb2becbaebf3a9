//! JSON text output for values.

use std::fmt::Write as _;

/// Appends `s` to `out` as a JSON string literal, escaping quotes, backslashes and control
/// characters. The runs of text between them are copied whole; a text with nothing to
/// escape, as most are, is found so eight bytes at a time and copied at once.
pub fn write_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let mut rest = s;
    while let Some(at) = rest.bytes().position(must_escape) {
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

/// Whether a JSON string must escape `byte`: a quote, a backslash or a control character
/// (below 0x20).
fn must_escape(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// Whether `bytes` holds a byte a JSON string must escape ([`must_escape`]), looked for eight
/// bytes at a time.
fn needs_escape(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for chunk in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if word_needs_escape(u64::from_le_bytes(word)) {
            return true;
        }
    }
    words.remainder().iter().any(|&b| must_escape(b))
}

/// Whether any of the eight bytes of `word` must be escaped. Each test is the classic "has a
/// byte below n": subtracting n from every byte borrows into the top bit exactly where a byte
/// is below n (a borrow can only follow a byte that already tested true), and `!word` drops
/// bytes whose own top bit was set.
fn word_needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & TOPS;
    let control = below(word, 0x20);
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    control | quote | backslash != 0
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

    /// The eight-bytes-at-a-time test agrees with a byte-by-byte one for every byte at every
    /// place, and for every pair of awkward bytes (a borrow from one must not hide or fake
    /// the other).
    #[test]
    fn finds_every_byte_to_escape_wherever_it_is() {
        let escaped = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        for length in 1..=17 {
            for place in 0..length {
                for byte in 0..=u8::MAX {
                    let mut bytes = vec![b'a'; length];
                    bytes[place] = byte;
                    assert_eq!(needs_escape(&bytes), escaped(byte), "{bytes:?}");
                }
            }
        }
        let awkward = [
            0x00, 0x1f, 0x20, b'"', b'\\', 0x21, 0x5d, 0x7f, 0x80, 0xa0, 0xff,
        ];
        for first in 0..16 {
            for second in first + 1..16 {
                for &a in &awkward {
                    for &b in &awkward {
                        let mut bytes = [b'x'; 16];
                        bytes[first] = a;
                        bytes[second] = b;
                        assert_eq!(needs_escape(&bytes), escaped(a) || escaped(b), "{bytes:?}");
                    }
                }
            }
        }
    }
}
