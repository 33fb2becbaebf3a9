//! Finding a wanted field among a line's members: the members are searched from the last
//! (the last of a repeated key wins), told apart by the length of their keys and then by
//! their first sixteen bytes read as two words, so that most are passed over in a few
//! instructions. (One pass finding every wanted field at once was measured and lost: the
//! fields a reader wants mostly come early in a line, where each search stops.)

use super::json_line::decode_string;
use super::json_scan::Member;

/// The names of the wanted fields, ready to be found among a line's keys.
#[derive(Clone, Debug, Default)]
pub struct KeyTable {
    keys: Vec<Key>,
}

#[derive(Clone, Debug)]
struct Key {
    name: Box<str>,
    /// The name's first eight bytes, as [`prefix`] reads them.
    first: u64,
    /// Which bits of a word read at the start of a key hold the name's first eight bytes.
    first_mask: u64,
    /// The name's next eight bytes, as [`prefix`] reads them.
    second: u64,
    /// Which bits of the word read eight bytes into a key hold the name's next eight bytes.
    second_mask: u64,
}

impl KeyTable {
    /// A table of `names`; [`KeyTable::last_member`] takes indexes into them.
    pub fn new<'n>(names: impl IntoIterator<Item = &'n str>) -> KeyTable {
        KeyTable {
            keys: names
                .into_iter()
                .map(|name| Key {
                    name: name.into(),
                    first: prefix(name.as_bytes()),
                    first_mask: mask(name.len()),
                    second: prefix(name.as_bytes().get(8..).unwrap_or_default()),
                    second_mask: mask(name.len().saturating_sub(8)),
                })
                .collect(),
        }
    }

    /// The index of the last of `members` (of the object whose text is `bytes`) whose key is
    /// the name at `index`. `escapes` says whether a key may be written with escapes: only
    /// a line holding a backslash has such keys.
    #[inline]
    pub fn last_member(
        &self,
        index: usize,
        bytes: &[u8],
        members: &[Member],
        escapes: bool,
    ) -> Option<usize> {
        let key = &self.keys[index];
        if escapes {
            members.iter().rposition(|member| {
                if member.key_escaped {
                    key.is_decoded(member, bytes)
                } else {
                    key.is_written(member, bytes)
                }
            })
        } else {
            members
                .iter()
                .rposition(|member| key.is_written(member, bytes))
        }
    }
}

impl Key {
    /// Whether `member`, whose key is written without escapes, has this key: most members
    /// are told apart by their length, and a name of up to sixteen bytes is compared as two
    /// words, in a few instructions that keep the search's loop in registers; the rest is
    /// done out of it.
    #[inline(always)]
    fn is_written(&self, member: &Member, bytes: &[u8]) -> bool {
        let length = self.name.len();
        if member.key_end - member.key_start != length {
            return false;
        }
        match bytes.get(member.key_start..member.key_start + 16) {
            Some(words) if length <= 16 => {
                let (first, second) = words.split_at(8);
                let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
                word(first) & self.first_mask == self.first
                    && word(second) & self.second_mask == self.second
            }
            _ => self.is_at(&bytes[member.key_start..]),
        }
    }

    /// Whether the bytes of `from_key` (a key as long as this name, and whatever follows it
    /// in the line) begin with this name.
    #[inline(never)]
    fn is_at(&self, from_key: &[u8]) -> bool {
        let name = self.name.as_bytes();
        word_at(from_key, 0, name.len()) == self.first
            && (name.len() <= 8
                || word_at(from_key, 8, name.len()) == self.second
                    && (name.len() <= 16 || from_key[16..name.len()] == name[16..]))
    }

    /// Whether `member`, whose key is written with escapes, has this key once decoded.
    #[cold]
    #[inline(never)]
    fn is_decoded(&self, member: &Member, bytes: &[u8]) -> bool {
        // The key's quotes are ASCII, so the slice is UTF-8 when the line is.
        let quoted = &bytes[member.key_start - 1..member.key_end + 1];
        std::str::from_utf8(quoted).is_ok_and(|quoted| decode_string(quoted) == *self.name)
    }
}

/// The eight bytes of a key of `length` bytes at the start of `from_key` that begin at
/// `offset`, at most `length` (fewer when the key ends sooner), as [`prefix`] reads them. The
/// line goes on after the key, so they can most often be read as one word and cut to the
/// key's length.
#[inline(always)]
fn word_at(from_key: &[u8], offset: usize, length: usize) -> u64 {
    let wanted = length.saturating_sub(offset).min(8);
    match from_key.get(offset..offset + 8) {
        Some(word) => u64::from_le_bytes(word.try_into().unwrap_or([0; 8])) & mask(wanted),
        None => prefix(&from_key[offset..offset + wanted]),
    }
}

/// The bits of a little-endian word that hold its first `length` bytes (all of them from
/// eight bytes on).
fn mask(length: usize) -> u64 {
    match length {
        0 => 0,
        1..=7 => u64::MAX >> (64 - 8 * length),
        _ => u64::MAX,
    }
}

/// The first eight bytes of `bytes` (fewer, padded with zeros) as a little-endian number.
fn prefix(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .rev()
        .fold(0u64, |number, &b| number << 8 | u64::from(b))
}

#[cfg(test)]
mod tests {
    use super::super::json_scan::scan_object;
    use super::*;

    #[test]
    fn finds_the_last_member_of_each_name_exactly() {
        let long = "k".repeat(300);
        let names = [
            "a",
            "dest_port",
            "dest_ip",
            "dest_por",
            "dest_portx",
            "",
            "k",
            "missing",
            "dest_port_number",
            "destination_port_x",
            &long,
        ];
        let table = KeyTable::new(names);
        let found = |line: &str| -> Vec<Option<String>> {
            let mut members = Vec::new();
            scan_object(line, &mut members).unwrap();
            (0..names.len())
                .map(|i| {
                    let found = table.last_member(i, line.as_bytes(), &members, true);
                    if !line.contains('\\') {
                        let plain = table.last_member(i, line.as_bytes(), &members, false);
                        assert_eq!(found, plain, "{line}");
                    }
                    found.map(|m| members[m].value(line).to_string())
                })
                .collect()
        };
        let expect = |values: [Option<&str>; 11]| values.map(|v| v.map(str::to_string)).to_vec();
        let line = r#"{"a":1,"dest_port":2,"Dest_port":3,"dest_portx":4,"dest_por":5,"a":6,"":7,"dest_pore":8,"dest_ip":9,"\u006b":10,"destination_port_x":11,"destination_port_X":12,"dest_port_numbeR":13,"dest_port_number":14,"dest_port_numbex":15}"#;
        assert_eq!(
            found(line),
            expect([
                Some("6"),
                Some("2"),
                Some("9"),
                Some("5"),
                Some("4"),
                Some("7"),
                Some("10"),
                None,
                Some("14"),
                Some("11"),
                None,
            ])
        );
        // Keys so near the end of the line that eight bytes cannot be read past them.
        let line = r#"{"dest_portx":1,"dest_port_numbeX":2,"dest_port":3,"dest_portY":4}"#;
        assert_eq!(
            found(line),
            expect([
                None,
                Some("3"),
                None,
                None,
                Some("1"),
                None,
                None,
                None,
                None,
                None,
                None
            ])
        );
        let line = r#"{"dest_port_number":1}"#;
        assert_eq!(
            found(line),
            expect([
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some("1"),
                None,
                None
            ])
        );
        // Long keys; an escaped key is compared once decoded.
        let line = format!(
            r#"{{"{long}":1,"{}":2,"{}":3,"\u006b{}":4}}"#,
            "k".repeat(299),
            "k".repeat(301),
            "k".repeat(299)
        );
        assert_eq!(found(&line)[10].as_deref(), Some("4"));
        assert_eq!(found(&line)[..10], expect([None; 11])[..10]);
    }

    /// The search against a plain one (every key decoded, the last equal one taken), on lines
    /// made of keys that differ from the wanted names in one byte (the first, the eighth, the
    /// ninth, the sixteenth, the seventeenth, the last), in length, or only in being written
    /// with escapes, repeated before and after the wanted ones and ending the line.
    #[test]
    fn matches_a_plain_search_on_near_miss_keys() {
        let long = "k".repeat(300);
        let names: Vec<String> = [
            "",
            "a",
            "ab",
            "dest_ip",
            "dest_por",
            "dest_port",
            "bytes_out",
            "dest_port_numbe",
            "dest_port_number",
            "dest_port_number1",
            "_sourceCategory",
            &long,
        ]
        .map(str::to_string)
        .to_vec();
        let mut keys: Vec<String> = Vec::new();
        for name in &names {
            keys.push(name.clone());
            keys.push(format!("{name}x"));
            keys.push(format!("x{name}"));
            if !name.is_empty() {
                keys.push(name[..name.len() - 1].to_string());
                // The name with its first byte escaped, then its last.
                let bytes = name.as_bytes();
                keys.push(format!("\\u{:04x}{}", bytes[0], &name[1..]));
                let last = bytes.len() - 1;
                keys.push(format!("{}\\u{:04x}", &name[..last], bytes[last]));
            }
            for at in [0, 7, 8, 15, 16, name.len().saturating_sub(1)] {
                if at < name.len() {
                    let mut changed = name.clone().into_bytes();
                    changed[at] = if changed[at] == b'Z' { b'Y' } else { b'Z' };
                    keys.extend(String::from_utf8(changed).ok());
                }
            }
        }
        let table = KeyTable::new(names.iter().map(String::as_str));
        let mut seed = 12345u64;
        let mut next = |below: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % below
        };
        for line_number in 0..3000 {
            let count = 1 + next(12);
            let members: Vec<String> = (0..count)
                .map(|i| format!(r#""{}":{}"#, keys[next(keys.len())], line_number * 100 + i))
                .collect();
            let line = format!("{{{}}}", members.join(","));
            let mut scanned = Vec::new();
            scan_object(&line, &mut scanned).unwrap();
            for (index, name) in names.iter().enumerate() {
                let plain = scanned
                    .iter()
                    .rposition(|m| super::super::json_line::key_text(&line, m) == name.as_str());
                let ours = table.last_member(index, line.as_bytes(), &scanned, true);
                assert_eq!(ours, plain, "{name} in {line}");
                if !line.contains('\\') {
                    let ours = table.last_member(index, line.as_bytes(), &scanned, false);
                    assert_eq!(ours, plain, "{name} in {line} (no escapes)");
                }
            }
        }
    }
}
