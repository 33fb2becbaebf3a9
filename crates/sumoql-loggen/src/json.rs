//! Minimal JSON output: string escaping, integer formatting and a tiny value
//! tree for the hand-built example records.

/// Appends `s` as a quoted JSON string, escaping quotes, backslashes and
/// control characters. Non-ASCII text is written as UTF-8.
pub fn push_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        match escape {
            Some(e) => buf.extend_from_slice(e),
            None => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(b"\\u00");
                buf.push(HEX[usize::from(b >> 4)]);
                buf.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

/// Appends the decimal digits of `v`.
#[inline]
pub fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `v` either as a bare JSON number or as a quoted numeric string.
#[inline]
pub fn push_u64_maybe_quoted(buf: &mut Vec<u8>, v: u64, quoted: bool) {
    if quoted {
        buf.push(b'"');
        push_u64(buf, v);
        buf.push(b'"');
    } else {
        push_u64(buf, v);
    }
}

/// A JSON value as written by the example generator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// A non-negative integer number.
    Num(u64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object whose keys keep their insertion order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Appends the compact JSON text of this value.
    pub fn write(&self, buf: &mut Vec<u8>) {
        match self {
            Json::Null => buf.extend_from_slice(b"null"),
            Json::Num(n) => push_u64(buf, *n),
            Json::Str(s) => push_str(buf, s),
            Json::Arr(items) => {
                buf.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    item.write(buf);
                }
                buf.push(b']');
            }
            Json::Obj(fields) => {
                buf.push(b'{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        buf.push(b',');
                    }
                    push_str(buf, key);
                    buf.push(b':');
                    value.write(buf);
                }
                buf.push(b'}');
            }
        }
    }
}

/// Builder for a JSON object with ordered keys.
#[derive(Clone, Debug, Default)]
pub struct Obj {
    fields: Vec<(String, Json)>,
}

impl Obj {
    /// Starts an empty object.
    pub fn new() -> Self {
        Obj::default()
    }

    /// Adds a key with any value.
    pub fn put(mut self, key: &str, value: Json) -> Self {
        self.fields.push((key.to_string(), value));
        self
    }

    /// Adds a string-valued key.
    pub fn s(self, key: &str, value: impl Into<String>) -> Self {
        self.put(key, Json::Str(value.into()))
    }

    /// Adds a number-valued key.
    pub fn n(self, key: &str, value: u64) -> Self {
        self.put(key, Json::Num(value))
    }

    /// Adds a key unless `value` is `None` (the key is then left out).
    pub fn opt(self, key: &str, value: Option<Json>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    /// Finishes the object.
    pub fn build(self) -> Json {
        Json::Obj(self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn escapes() {
        assert_eq!(text(|b| push_str(b, "plain")), "\"plain\"");
        assert_eq!(
            text(|b| push_str(b, "C:\\a \"q\"\n\u{1}é")),
            "\"C:\\\\a \\\"q\\\"\\n\\u0001é\""
        );
    }

    #[test]
    fn integers() {
        assert_eq!(text(|b| push_u64(b, 0)), "0");
        assert_eq!(text(|b| push_u64(b, u64::MAX)), u64::MAX.to_string());
        assert_eq!(text(|b| push_u64_maybe_quoted(b, 445, true)), "\"445\"");
    }

    #[test]
    fn nested_values() {
        let v = Obj::new()
            .s("a", "x")
            .n("b", 2)
            .put("c", Json::Null)
            .put(
                "d",
                Json::Arr(vec![Json::Num(1), Obj::new().s("e", "f").build()]),
            )
            .opt("g", None)
            .build();
        assert_eq!(
            text(|b| v.write(b)),
            r#"{"a":"x","b":2,"c":null,"d":[1,{"e":"f"}]}"#
        );
    }
}
