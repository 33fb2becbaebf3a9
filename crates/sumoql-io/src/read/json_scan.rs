//! A validating scanner for one JSON object per line, that finds the members of the top-level
//! object without building anything: each member is a key and the raw text of its value, both
//! borrowed from the line.
//!
//! It accepts exactly the JSON that `serde_json` accepts (RFC 8259: strict numbers, escapes,
//! no control characters in strings, nothing after the object, nesting as deep as memory
//! allows), which a differential test checks, so the fast path and a full parse never
//! disagree on which lines are malformed. Nested values are skipped without recursion.

use std::fmt;

use super::line_index::LineIndex;

/// Why a line is not one JSON object, with the byte offset where reading stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanError {
    /// What went wrong.
    pub reason: &'static str,
    /// The byte offset in the line.
    pub offset: usize,
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.reason, self.offset + 1)
    }
}

/// One member of an object, as byte ranges of the scanned text (so a buffer of members can be
/// reused from line to line): the key as written between its quotes (escapes not decoded) and
/// the raw JSON text of its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// Where the key's text starts, after its opening quote.
    pub key_start: usize,
    /// Where the key's text ends, at its closing quote.
    pub key_end: usize,
    /// Whether the key contains a backslash escape.
    pub key_escaped: bool,
    /// Where the value's JSON text starts.
    pub value_start: usize,
    /// Where the value's JSON text ends.
    pub value_end: usize,
}

impl Member {
    /// The key as written, escapes not decoded.
    pub fn key<'t>(&self, text: &'t str) -> &'t str {
        &text[self.key_start..self.key_end]
    }

    /// The value's JSON text (a string keeps its quotes).
    pub fn value<'t>(&self, text: &'t str) -> &'t str {
        &text[self.value_start..self.value_end]
    }
}

/// Scans `text`, which must hold exactly one JSON object (white space around it allowed), and
/// appends its top-level members to `members` in order.
pub fn scan_object(text: &str, members: &mut Vec<Member>) -> Result<(), ScanError> {
    let mut scan = ObjectScan::new(text)?;
    while let Some(member) = scan.next_member()? {
        members.push(member);
    }
    scan.finish()
}

/// Scans `line` for one JSON object, as [`scan_object`] does, with the help of its `index`
/// (built here). Returns whether the line is all ASCII (when it is not, the caller checks
/// that it is UTF-8), or `None` when the line is not one well-formed object; [`scan_object`]
/// then says exactly why.
///
/// This is the reader's path for every line, tuned for what logs hold: top-level scalars and
/// strings. In a line without backslashes or control characters, every quote opens or
/// closes a string, so a string ends at the next quote of the index. A compact line (no white
/// space, strings and integers only) is read by [`compact_object`]; in any other, a nested
/// value is handed to the general scanner and the walk goes on after it.
pub fn scan_line(line: &[u8], index: &mut LineIndex, members: &mut Vec<Member>) -> Option<bool> {
    index.build(line);
    let plain = !index.backslash && !index.control;
    let before = members.len();
    if plain && compact_object(line, index.quote_words(), members) {
        return Some(!index.non_ascii);
    }
    members.truncate(before);
    let walk = LineWalk {
        bytes: line,
        quotes: plain.then_some(&*index),
    };
    walk.object(members)?;
    Some(!index.non_ascii)
}

/// The walk of [`scan_line`] for what most log lines are: a line with no backslash or control
/// character, holding one object written without white space whose values are strings and
/// integers. Says whether the line was all read; when it was not (some other shape, or an
/// error), the members found so far mean nothing and the general walk reads the line again.
///
/// In such a line every quote opens or closes a string, so the walk takes the strings'
/// quotes from the index's mask in order, a bit at a time.
#[inline(never)]
fn compact_object(bytes: &[u8], quotes: &[u64], members: &mut Vec<Member>) -> bool {
    let (mut word, mut base, mut next_word) = (0u64, 0usize, 0usize);
    let mut next_quote = || -> Option<usize> {
        while word == 0 {
            word = *quotes.get(next_word)?;
            base = next_word * 64;
            next_word += 1;
        }
        let at = base + word.trailing_zeros() as usize;
        word &= word - 1;
        Some(at)
    };
    if bytes.first() != Some(&b'{') {
        return false;
    }
    // Where the next key's opening quote must be.
    let mut key_start = 1;
    loop {
        if next_quote() != Some(key_start) {
            return false;
        }
        let Some(key_end) = next_quote() else {
            return false;
        };
        if bytes.get(key_end + 1) != Some(&b':') {
            return false;
        }
        let value_start = key_end + 2;
        let value_end = match bytes.get(value_start) {
            // The next quote opens the value: only the colon lies between.
            Some(b'"') => match (next_quote(), next_quote()) {
                (Some(_), Some(value_close)) => value_close + 1,
                _ => return false,
            },
            Some(b'1'..=b'9') => {
                let mut digits = Scanner {
                    bytes,
                    pos: value_start + 1,
                };
                digits.digits();
                digits.pos
            }
            Some(b'0') => value_start + 1,
            _ => return false,
        };
        members.push(Member {
            key_start: key_start + 1,
            key_end,
            key_escaped: false,
            value_start,
            value_end,
        });
        match bytes.get(value_end) {
            Some(b',') => key_start = value_end + 1,
            Some(b'}') => return value_end + 1 == bytes.len(),
            _ => return false,
        }
    }
}

/// The walk of [`scan_line`]: the line, and its index when every quote is a string's start
/// or end. Anything unusual (an escape, a fraction, a nested value) is handed to the general
/// [`Scanner`] from where it starts.
struct LineWalk<'a> {
    bytes: &'a [u8],
    quotes: Option<&'a LineIndex>,
}

impl LineWalk<'_> {
    /// The whole line: one object and nothing after it.
    fn object(&self, members: &mut Vec<Member>) -> Option<()> {
        let bytes = self.bytes;
        members.reserve(32);
        let mut pos = self.skip_ws(0);
        if *bytes.get(pos)? != b'{' {
            return None;
        }
        pos = self.skip_ws(pos + 1);
        if *bytes.get(pos)? == b'}' {
            pos += 1;
        } else {
            loop {
                if *bytes.get(pos)? != b'"' {
                    return None;
                }
                let (key_end, key_escaped) = self.string(pos)?;
                let colon = self.skip_ws(key_end + 1);
                if *bytes.get(colon)? != b':' {
                    return None;
                }
                let value_start = self.skip_ws(colon + 1);
                let value_end = match *bytes.get(value_start)? {
                    b'"' => self.string(value_start)?.0 + 1,
                    b'1'..=b'9' => self.number(value_start)?,
                    _ => self.general_value(value_start)?,
                };
                members.push(Member {
                    key_start: pos + 1,
                    key_end,
                    key_escaped,
                    value_start,
                    value_end,
                });
                pos = self.skip_ws(value_end);
                match *bytes.get(pos)? {
                    b',' => pos = self.skip_ws(pos + 1),
                    b'}' => {
                        pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        (self.skip_ws(pos) == bytes.len()).then_some(())
    }

    /// The position of the first byte at or after `pos` that is not white space.
    #[inline(always)]
    fn skip_ws(&self, pos: usize) -> usize {
        skip_ws(self.bytes, pos)
    }

    /// The string whose opening quote is at `pos`: where its closing quote is, and whether
    /// it has escapes.
    #[inline(always)]
    fn string(&self, pos: usize) -> Option<(usize, bool)> {
        match self.quotes {
            Some(index) => Some((index.next_quote(pos + 1)?, false)),
            None => self.general_string(pos),
        }
    }

    /// [`LineWalk::string`] in a line that may hold escapes or control characters.
    #[inline(never)]
    fn general_string(&self, pos: usize) -> Option<(usize, bool)> {
        let mut scanner = self.scanner_at(pos);
        let (_, end, escaped) = scanner.string().ok()?;
        Some((end, escaped))
    }

    /// Where the number starting with a digit other than 0 at `pos` ends: plain digits are
    /// read here, a fraction or exponent by the general scanner.
    #[inline(always)]
    fn number(&self, pos: usize) -> Option<usize> {
        let mut scanner = self.scanner_at(pos + 1);
        scanner.digits();
        match scanner.peek() {
            Some(b'.' | b'e' | b'E') => self.general_value(pos),
            _ => Some(scanner.pos),
        }
    }

    /// Where the value at `pos` ends, read by the general scanner.
    fn general_value(&self, pos: usize) -> Option<usize> {
        let mut scanner = self.scanner_at(pos);
        scanner.value().ok()?;
        Some(scanner.pos)
    }

    #[inline(always)]
    fn scanner_at(&self, pos: usize) -> Scanner<'_> {
        Scanner {
            bytes: self.bytes,
            pos,
        }
    }
}

/// Appends the members of `object_text`, the raw text of a nested object value already
/// validated by [`scan_object`].
pub fn members_of(object_text: &str, members: &mut Vec<Member>) {
    // The text was validated as part of its line; an error here cannot happen, and would only
    // leave the members found so far.
    if let Ok(mut scan) = ObjectScan::new(object_text) {
        while let Ok(Some(member)) = scan.next_member() {
            members.push(member);
        }
    }
}

/// A scan of one JSON object, a member at a time, so a reader can stop once it has what it
/// needs. Each member is validated as it is read; [`ObjectScan::finish`] validates the rest.
pub struct ObjectScan<'a> {
    scanner: Scanner<'a>,
    /// Whether no member has been read yet.
    at_start: bool,
    /// Whether the closing `}` has been read.
    closed: bool,
}

impl<'a> ObjectScan<'a> {
    /// Starts scanning `text`, which must open a JSON object.
    pub fn new(text: &'a str) -> Result<ObjectScan<'a>, ScanError> {
        let mut scanner = Scanner {
            bytes: text.as_bytes(),
            pos: 0,
        };
        scanner.skip_ws();
        if scanner.peek() != Some(b'{') {
            return Err(scanner.error("expected a JSON object"));
        }
        scanner.pos += 1;
        scanner.skip_ws();
        Ok(ObjectScan {
            scanner,
            at_start: true,
            closed: false,
        })
    }

    /// The next member, or `None` after the last.
    #[inline]
    pub fn next_member(&mut self) -> Result<Option<Member>, ScanError> {
        if self.closed {
            return Ok(None);
        }
        let scanner = &mut self.scanner;
        if std::mem::take(&mut self.at_start) && scanner.peek() == Some(b'}') {
            scanner.pos += 1;
            self.closed = true;
            return Ok(None);
        }
        let (key_start, key_end, key_escaped) = scanner.key()?;
        let value_start = scanner.pos;
        scanner.value()?;
        let member = Member {
            key_start,
            key_end,
            key_escaped,
            value_start,
            value_end: scanner.pos,
        };
        scanner.skip_ws();
        match scanner.peek() {
            Some(b',') => {
                scanner.pos += 1;
                scanner.skip_ws();
            }
            Some(b'}') => {
                scanner.pos += 1;
                self.closed = true;
            }
            _ => return Err(scanner.error("expected `,` or `}` in an object")),
        }
        Ok(Some(member))
    }

    /// Validates the members not read yet and what follows the object.
    pub fn finish(mut self) -> Result<(), ScanError> {
        while self.next_member()?.is_some() {}
        self.scanner.skip_ws();
        if self.scanner.pos == self.scanner.bytes.len() {
            Ok(())
        } else {
            Err(self.scanner.error("trailing characters after the object"))
        }
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// Byte classes inside a string: 0 plain, 1 the closing quote, 2 a backslash, 3 a control
/// character (not allowed unescaped).
const STRING_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = 3;
        b += 1;
    }
    table[b'"' as usize] = 1;
    table[b'\\' as usize] = 2;
    table
};

impl Scanner<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, reason: &'static str) -> ScanError {
        let reason = if self.pos >= self.bytes.len() {
            "the line ends before the JSON does"
        } else {
            reason
        };
        ScanError {
            reason,
            offset: self.pos,
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        self.pos = skip_ws(self.bytes, self.pos);
    }

    /// A member's key (its range between the quotes and whether it has escapes) and the `:`
    /// after it, leaving the position at its value.
    #[inline]
    fn key(&mut self) -> Result<(usize, usize, bool), ScanError> {
        if self.peek() != Some(b'"') {
            return Err(self.error("expected a string key"));
        }
        let key = self.string()?;
        self.skip_ws();
        if self.peek() != Some(b':') {
            return Err(self.error("expected `:` after a key"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(key)
    }

    /// Any value at the current position (white space already skipped). Arrays and objects
    /// are skipped with a stack of the brackets still open, however deep they nest.
    fn value(&mut self) -> Result<(), ScanError> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // At the start of a value.
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        open.push(b'}');
                        self.key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        open.push(b']');
                        continue;
                    }
                }
                _ => self.scalar()?,
            }
            // After a complete value: close what ends here, or move to the next element.
            loop {
                let Some(&closer) = open.last() else {
                    return Ok(());
                };
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.skip_ws();
                        if closer == b'}' {
                            self.key()?;
                        }
                        break;
                    }
                    Some(b) if b == closer => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ if closer == b'}' => {
                        return Err(self.error("expected `,` or `}` in an object"))
                    }
                    _ => return Err(self.error("expected `,` or `]` in an array")),
                }
            }
        }
    }

    /// A string, number or literal.
    #[inline]
    fn scalar(&mut self) -> Result<(), ScanError> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("unexpected end of line")),
        }
    }

    #[inline]
    fn literal(&mut self, word: &'static str) -> Result<(), ScanError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("expected a value"))
        }
    }

    #[inline]
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    #[inline]
    fn number(&mut self) -> Result<(), ScanError> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(())
    }

    /// A string starting at `"`: returns the range of its text between the quotes and whether
    /// it has escapes.
    #[inline]
    fn string(&mut self) -> Result<(usize, usize, bool), ScanError> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            // The plain run up to the next quote, backslash or control character.
            self.pos = next_special(self.bytes, self.pos).ok_or(ScanError {
                reason: "unterminated string",
                offset: self.bytes.len(),
            })?;
            match STRING_CLASS[self.bytes[self.pos] as usize] {
                1 => {
                    let end = self.pos;
                    self.pos += 1;
                    return Ok((start, end, escaped));
                }
                2 => {
                    escaped = true;
                    self.escape()?;
                }
                _ => return Err(self.error("control character in a string")),
            }
        }
    }

    /// One escape sequence starting at the backslash.
    fn escape(&mut self) -> Result<(), ScanError> {
        self.pos += 1;
        match self.peek() {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'u') => {
                self.pos += 1;
                let hex = self.bytes.get(self.pos..self.pos + 4);
                if hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                    self.pos += 4;
                    Ok(())
                } else {
                    Err(self.error("invalid \\u escape"))
                }
            }
            _ => Err(self.error("invalid escape")),
        }
    }
}

/// The position of the first byte at or after `pos` that is not JSON white space.
#[inline(always)]
fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    // Most lines have no white space between tokens: one test, then out.
    while let Some(&byte) = bytes.get(pos) {
        if byte > b' ' || !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            break;
        }
        pos += 1;
    }
    pos
}

/// The position of the first byte at or after `from` that is a quote, a backslash or a
/// control character, eight bytes at a time.
#[inline]
fn next_special(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut pos = from;
    while let Some(word) = bytes.get(pos..pos + 8) {
        let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        // A byte of `x` is zero (or, for the last term, below 0x20): its high bit is set in
        // these; bytes above a true hit may be flagged falsely, so only the lowest counts.
        let found = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | word.wrapping_sub(ONES * 0x20) & !word)
            & HIGHS;
        if found != 0 {
            return Some(pos + (found.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    bytes[pos.min(bytes.len())..]
        .iter()
        .position(|&b| STRING_CLASS[b as usize] != 0)
        .map(|offset| pos + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(text: &str) -> Result<Vec<(String, String)>, ScanError> {
        let mut found = Vec::new();
        scan_object(text, &mut found)?;
        Ok(found
            .iter()
            .map(|m| (m.key(text).to_string(), m.value(text).to_string()))
            .collect())
    }

    /// The word-at-a-time search finds exactly the first special byte, wherever it falls.
    #[test]
    fn next_special_matches_a_byte_by_byte_search() {
        let alphabet = [b'a', b'"', b'\\', 0x1f, 0x20, 0x7f, 0x80, 0xff, b'!', 0x00];
        for length in 0..20 {
            for seed in 0..200u32 {
                let bytes: Vec<u8> = (0..length)
                    .map(|i| {
                        alphabet[((seed.wrapping_mul(31) + i * 7) as usize
                            ^ (seed as usize >> (i % 5)))
                            % alphabet.len()]
                    })
                    .collect();
                for from in 0..=bytes.len() {
                    let expected = bytes[from..]
                        .iter()
                        .position(|&b| STRING_CLASS[b as usize] != 0)
                        .map(|o| from + o);
                    assert_eq!(
                        next_special(&bytes, from),
                        expected,
                        "{bytes:?} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn finds_members_with_their_raw_values() {
        let found =
            members(r#" { "a" : 1.5e3 , "b":"x\"y", "c":{"d":[1,{"e":null}]},"f":true} "#).unwrap();
        let pairs: Vec<(&str, &str)> = found.iter().map(|(k, v)| (&k[..], &v[..])).collect();
        assert_eq!(
            pairs,
            [
                ("a", "1.5e3"),
                ("b", r#""x\"y""#),
                ("c", r#"{"d":[1,{"e":null}]}"#),
                ("f", "true")
            ]
        );
    }

    /// The line walk and the general scanner agree on every line: the same members, or both
    /// refuse it. Lines are built from pieces that trip a walk that jumps from quote to quote
    /// (escaped quotes, control characters, nested strings with quotes, white space, numbers
    /// of every form, cut-off lines), many thousands of them from a fixed seed.
    #[test]
    fn the_line_walk_agrees_with_the_general_scanner() {
        // The first PLAIN_KEYS keys and PLAIN_VALUES values are the shapes most logs hold.
        const PLAIN_KEYS: usize = 4;
        const PLAIN_VALUES: usize = 7;
        let keys = [
            "\"a\"",
            "\"dest_port\"",
            "\"\"",
            "\"é\"",
            "\"k\\\"q\"",
            "\"\\u0061\"",
        ];
        let values = [
            "1",
            "0",
            "4096",
            "\"\"",
            "\"a:b,c}\"",
            "\"x\"",
            "\"é\"",
            "-0",
            "10.5",
            "1e3",
            "01",
            "1.",
            "\"a\\\"b\"",
            "\"\\\\\"",
            "\"\t\"",
            "null",
            "true",
            "fals",
            "{\"n\":\"}\"}",
            "[1,\"]\",{}]",
            "[",
            "{\"a\" 1}",
            "\"\\ud800\"",
        ];
        let glue = ["", " ", "\t", "\r"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |bound: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % bound as u64) as usize
        };
        let (mut index, mut walked, mut general) = (LineIndex::default(), Vec::new(), Vec::new());
        let ends = ["", " ", "x", "}", ","];
        for _ in 0..20_000 {
            // Most logs are written without white space: a third of the lines are, a third
            // have a space here and there, a third have any white space anywhere.
            let spacing = next(3);
            let spaced = |pick: usize| match spacing {
                0 => "",
                1 if pick.is_multiple_of(8) => " ",
                1 => "",
                _ => glue[pick % glue.len()],
            };
            let mut line = String::from(spaced(next(32)));
            line.push('{');
            for member in 0..next(8) {
                // Now and then a member lacks its comma, or its colon.
                if member > 0 {
                    line.push(if next(32) == 0 { ' ' } else { ',' });
                }
                line.push_str(spaced(next(32)));
                // Three keys and values in four are plain ones.
                let plain = next(4) != 0;
                line.push_str(keys[next(if plain { PLAIN_KEYS } else { keys.len() })]);
                line.push_str(spaced(next(32)));
                line.push_str(if next(32) == 0 { " " } else { ":" });
                line.push_str(values[next(if plain { PLAIN_VALUES } else { values.len() })]);
                line.push_str(spaced(next(32)));
            }
            line.push('}');
            if next(8) == 0 {
                line.push_str(ends[next(ends.len())]);
            }
            if next(8) == 0 {
                let cut = next(line.len() + 1);
                line = line.chars().take(cut).collect();
            }
            walked.clear();
            general.clear();
            let walk = scan_line(line.as_bytes(), &mut index, &mut walked);
            let scan = scan_object(&line, &mut general);
            match (walk, scan) {
                (Some(ascii), Ok(())) => {
                    assert_eq!(walked, general, "{line}");
                    assert_eq!(ascii, line.is_ascii(), "{line}");
                }
                (None, Err(_)) => {}
                (walk, scan) => panic!("{line}: walk {walk:?}, general {scan:?}"),
            }
        }
    }

    /// Every line is judged as serde_json judges it: accepted or rejected alike.
    #[test]
    fn accepts_exactly_what_serde_json_accepts() {
        let mut lines: Vec<String> = [
            "{}",
            "{\"a\":01}",
            "{\"a\":-0}",
            "{\"a\":-}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1e}",
            "{\"a\":1E+2}",
            "{\"a\":+1}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12G4\"}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":\"\\udc00\\ud800\"}",
            "{\"a\":\"tab\there\"}",
            "{\"a\":tru}",
            "{\"a\":nulll}",
            "{\"a\":1,}",
            "{,\"a\":1}",
            "{\"a\" 1}",
            "{\"a\":[1,]}",
            "{\"a\":[1 2]}",
            "{\"a\":1}}",
            "{\"a\":1} x",
            "[1]",
            "\"x\"",
            "{\"a\":\"unterminated}",
            "{\"a\":1",
            "{\"a\":1}\u{a0}",
            "\u{feff}{\"a\":1}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":\"\u{7f}\"}",
            "{1:2}",
            "{\"a\":[]}",
            "{\"a\":{}}",
            "{\"a\":NaN}",
            "{\"a\":Infinity}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for depth in [1, 127, 128, 129, 5000] {
            lines.push(format!(
                "{{\"a\":{}{}}}",
                "[".repeat(depth),
                "]".repeat(depth)
            ));
            lines.push(format!(
                "{{\"a\":{}1{}}}",
                "{\"b\":".repeat(depth),
                "}".repeat(depth)
            ));
        }
        let disagreements: Vec<String> = lines
            .iter()
            .filter(|line| {
                let serde = serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()
                    && line.trim_start().starts_with('{');
                members(line).is_ok() != serde
            })
            .map(|line| format!("{} bytes: {line:.40}", line.len()))
            .collect();
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }
}
