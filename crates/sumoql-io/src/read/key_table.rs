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
                })
                .collect(),
        }
    }

    /// The index of the last of `members` (of the object whose text is `bytes`) whose key is
    /// the name at `index`.
    pub fn last_member(&self, index: usize, bytes: &[u8], members: &[Member]) -> Option<usize> {
        let key = &self.keys[index];
        let name = key.name.as_bytes();
        members.iter().rposition(|member| {
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
            // The line goes on after the key, so its first eight bytes can often be read
            // whole, then cut to the key's length.
            let first = match from_key.get(..8) {
                Some(word) => {
                    let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
                    match name.len() {
                        0 => 0,
                        length @ 1..8 => word & (u64::MAX >> (64 - 8 * length)),
                        _ => word,
                    }
                }
                None => prefix(&from_key[..name.len()]),
            };
            first == key.first && (name.len() <= 8 || from_key[8..name.len()] == name[8..])
        })
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
        let names = [
            "a",
            "dest_port",
            "dest_ip",
            "dest_por",
            "dest_portx",
            "",
            "k",
            "missing",
        ];
        let table = KeyTable::new(names);
        let line = r#"{"a":1,"dest_port":2,"Dest_port":3,"dest_portx":4,"dest_por":5,"a":6,"":7,"dest_pore":8,"dest_ip":9,"\u006b":10}"#;
        let mut members = Vec::new();
        scan_object(line, &mut members).unwrap();
        let found: Vec<Option<&str>> = (0..names.len())
            .map(|i| {
                table
                    .last_member(i, line.as_bytes(), &members)
                    .map(|m| members[m].value(line))
            })
            .collect();
        assert_eq!(
            found,
            [
                Some("6"),
                Some("2"),
                Some("9"),
                Some("5"),
                Some("4"),
                Some("7"),
                Some("10"),
                None
            ]
        );
    }
}
