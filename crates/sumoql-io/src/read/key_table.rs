//! Finding a wanted field among a line's members: the members are searched from the last
//! (the last of a repeated key wins), told apart by the length of their keys and then by
//! their first eight bytes, so that most are passed over in a few instructions.

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
    /// The name's next eight bytes, as [`prefix`] reads them.
    second: u64,
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
                    second: prefix(name.as_bytes().get(8..).unwrap_or_default()),
                })
                .collect(),
        }
    }

    /// The index of the last of `members` (of the object whose text is `bytes`) whose key is
    /// the name at `index`.
    pub fn last_member(&self, index: usize, bytes: &[u8], members: &[Member]) -> Option<usize> {
        let key = &self.keys[index];
        members.iter().rposition(|member| key.is(member, bytes))
    }
}

impl Key {
    /// Whether `member` (of the object whose text is `bytes`) has this key.
    #[inline]
    fn is(&self, member: &Member, bytes: &[u8]) -> bool {
        let name = self.name.as_bytes();
        if member.key_escaped {
            // An escaped key is decoded; its quotes are ASCII, so the slice is UTF-8 when
            // the line is.
            let quoted = &bytes[member.key_start - 1..member.key_end + 1];
            return std::str::from_utf8(quoted)
                .ok()
                .and_then(decode_string)
                .is_some_and(|key| key.as_bytes() == name);
        }
        if member.key_end - member.key_start != name.len() {
            return false;
        }
        let from_key = &bytes[member.key_start..];
        word_at(from_key, 0, name.len()) == self.first
            && (name.len() <= 8
                || word_at(from_key, 8, name.len()) == self.second
                    && (name.len() <= 16 || from_key[16..name.len()] == name[16..]))
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
        Some(word) => {
            let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            match wanted {
                0 => 0,
                8 => word,
                _ => word & (u64::MAX >> (64 - 8 * wanted)),
            }
        }
        None => prefix(&from_key[offset..offset + wanted]),
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
                    table
                        .last_member(i, line.as_bytes(), &members)
                        .map(|m| members[m].value(line).to_string())
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
}
