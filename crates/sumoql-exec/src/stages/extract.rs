//! The extraction stage: `parse`, `parse regex`, `json`, `keyvalue`, `csv` and `split`.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::value::RawValue;
use sumoql_functions::CallContext;
use sumoql_io::read::{json_element, json_member, json_members, JsonText};
use sumoql_plan::{Extractor, JsonStep};
use sumoql_value::{Record, Schema, SlotId, SourceField, Value};

use super::Stage;

mod keyvalue_regex;
mod xml;

/// Extracts fields from the text of one field. A record the extraction does not match (or
/// whose field is null) is dropped, or passed on unchanged with `nodrop`.
pub(crate) struct ExtractStage {
    source: SlotId,
    extractor: Extractor,
    nodrop: bool,
    /// The slot where a run of `nodrop` parses notes a match, for the parse that ends the run
    /// (see [`sumoql_plan::Operator::Extract`]).
    chain: Option<SlotId>,
    /// The slots of every field the query names, by their names in lower case, for `json auto`
    /// and `kv auto`, whose keys are known only at run time.
    known: HashMap<Box<str>, SlotId>,
}

impl ExtractStage {
    pub(crate) fn new(
        source: SlotId,
        extractor: Extractor,
        nodrop: bool,
        chain: Option<SlotId>,
        schema: &Schema,
    ) -> ExtractStage {
        ExtractStage {
            source,
            extractor,
            nodrop,
            chain,
            known: schema
                .iter()
                .map(|(slot, name)| (name.to_lowercase().into_boxed_str(), slot))
                .collect(),
        }
    }

    /// Applies the extraction to `record` (whose source field holds `text`), pushing what
    /// results; gives the record back untouched when nothing matched.
    fn apply(&self, text: &str, mut record: Record, out: &mut Vec<Record>) -> Result<(), Record> {
        match &self.extractor {
            Extractor::Regex {
                regex,
                groups,
                multi: false,
                ..
            } => {
                let Some(captures) = regex.captures(text) else {
                    return Err(record);
                };
                for &(group, slot) in groups {
                    record.set(slot, captured(captures.get(group)));
                }
                out.push(record);
            }
            Extractor::Regex {
                regex,
                groups,
                multi: true,
                ..
            } => {
                let before = out.len();
                for captures in regex.captures_iter(text) {
                    let mut copy = record.clone();
                    for &(group, slot) in groups {
                        copy.set(slot, captured(captures.get(group)));
                    }
                    out.push(copy);
                }
                if out.len() == before {
                    return Err(record);
                }
            }
            Extractor::Json(paths) if paths.is_empty() => {
                let Some(members) = json_members(text) else {
                    return Err(record);
                };
                for (key, value) in members {
                    self.write_dynamic(&mut record, &key, value.value());
                }
                out.push(record);
            }
            Extractor::Json(paths) => {
                let mut found = false;
                for (path, slot) in paths {
                    if let Some(value) = json_at(text, &path.steps) {
                        record.set(*slot, value);
                        found = true;
                    }
                }
                if !found {
                    return Err(record);
                }
                out.push(record);
            }
            Extractor::KeyValue(keys) => {
                let pairs = key_value_pairs(text);
                let mut found = false;
                if keys.is_empty() {
                    for (key, value) in pairs {
                        self.write_dynamic(&mut record, key, Value::text(value));
                        found = true;
                    }
                } else {
                    for (wanted, slot) in keys {
                        if let Some((_, value)) = pairs.iter().find(|(key, _)| key == wanted) {
                            record.set(*slot, Value::text(value));
                            found = true;
                        }
                    }
                }
                if !found {
                    return Err(record);
                }
                out.push(record);
            }
            Extractor::Xml(paths) => {
                let Some(document) = xml::document(text) else {
                    return Err(record);
                };
                let mut found = false;
                for (path, slot) in paths {
                    let value = xml::value_at(&document, text, path);
                    found |= value.is_some();
                    record.set(*slot, value.map_or(Value::Null, Value::text));
                }
                if !found {
                    return Err(record);
                }
                out.push(record);
            }
            Extractor::KeyValueRegex { regex, keys, .. } => {
                let values = keyvalue_regex::values_by_regex(regex, keys, text);
                if values.iter().all(Option::is_none) {
                    return Err(record);
                }
                for ((_, slot), value) in keys.iter().zip(values) {
                    record.set(*slot, value.map_or(Value::Null, Value::text));
                }
                out.push(record);
            }
            Extractor::Delimited {
                delimiter,
                quote,
                escape,
                columns,
            } => {
                let cells = split_delimited(text, *delimiter, *quote, *escape);
                for &(position, slot) in columns {
                    let cell = position.checked_sub(1).and_then(|i| cells.get(i));
                    record.set(slot, cell.map_or(Value::Null, Value::text));
                }
                out.push(record);
            }
        }
        Ok(())
    }

    /// The slot of a key found at run time, when the query names it (in any letter case).
    fn known_slot(&self, key: &str) -> Option<SlotId> {
        match self.known.get(key) {
            Some(&slot) => Some(slot),
            None if key.chars().any(char::is_uppercase) => {
                self.known.get(key.to_lowercase().as_str()).copied()
            }
            None => None,
        }
    }

    /// Writes a key found at run time: into its slot when the query names it (and into the
    /// record's source fields, so whole records show it), else as an extra source field.
    fn write_dynamic(&self, record: &mut Record, key: &str, value: Value) {
        if let Some(slot) = self.known_slot(key) {
            record.set(slot, value);
            if !record.source.contains(&SourceField::Slot(slot)) {
                record.source.push(SourceField::Slot(slot));
            }
            return;
        }
        let existing = record
            .source
            .iter_mut()
            .find(|field| matches!(field, SourceField::Extra(name, _) if &**name == key));
        match existing {
            Some(SourceField::Extra(_, old)) => *old = value,
            _ => record
                .source
                .push(SourceField::Extra(Arc::from(key), value)),
        }
    }
}

impl Stage for ExtractStage {
    fn push(&mut self, record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        // A clone of the value shares its text, which stays readable while the record changes.
        let value = record.get(self.source).clone();
        let before = out.len();
        let unmatched = match value.to_text() {
            Some(text) => self.apply(&text, record, out).err(),
            None => Some(record),
        };
        match (unmatched, self.chain) {
            (None, Some(mark)) if self.nodrop => {
                for matched in &mut out[before..] {
                    matched.set(mark, Value::Bool(true));
                }
            }
            (Some(record), chain) => {
                let matched_earlier =
                    chain.is_some_and(|mark| record.get(mark).truth() == Some(true));
                if self.nodrop || matched_earlier {
                    out.push(record);
                }
            }
            (None, _) => {}
        }
    }
}

/// A capture group's text, or null when the group took no part in the match.
fn captured(group: Option<regex::Match<'_>>) -> Value {
    group.map_or(Value::Null, |m| Value::text(m.as_str()))
}

/// The value at `steps` inside the JSON text `text`. A path with a wildcard gives the JSON
/// array of every value it reaches, in document order, or nothing when it reaches none.
fn json_at(text: &str, steps: &[JsonStep]) -> Option<Value> {
    if !steps.contains(&JsonStep::Wildcard) {
        let mut current = JsonText(text);
        for step in steps {
            current = match step {
                JsonStep::Key(key) => json_member(current.0, key)?,
                JsonStep::Index(index) => json_element(current.0, *index)?,
                // Not reached: a path with a wildcard is walked below.
                JsonStep::Wildcard => return None,
            };
        }
        return Some(current.value());
    }
    let mut reached = Vec::new();
    json_reach(text, steps, &mut reached);
    if reached.is_empty() {
        return None;
    }
    let array = format!("[{}]", reached.join(","));
    Some(JsonText(&array).value())
}

/// Pushes the source text of every value `steps` reach from the JSON text `text`.
fn json_reach<'a>(text: &'a str, steps: &[JsonStep], reached: &mut Vec<&'a str>) {
    let Some((step, rest)) = steps.split_first() else {
        reached.push(text);
        return;
    };
    match step {
        JsonStep::Key(key) => {
            if let Some(member) = json_member(text, key) {
                json_reach(member.0, rest, reached);
            }
        }
        JsonStep::Index(index) => {
            if let Some(element) = json_element(text, *index) {
                json_reach(element.0, rest, reached);
            }
        }
        JsonStep::Wildcard => {
            if let Ok(elements) = serde_json::from_str::<Vec<&RawValue>>(text) {
                for element in elements {
                    json_reach(element.get(), rest, reached);
                }
            } else if let Some(members) = json_members(text) {
                for (_, member) in members {
                    json_reach(member.0, rest, reached);
                }
            }
        }
    }
}

fn is_key_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// The `key=value` pairs of `text`, in order. A key is a run of letters, digits, `_`, `.` and
/// `-`; a value is quoted (`"..."` or `'...'`, with backslash escapes) or runs to the next
/// white space, `,` or `;`.
fn key_value_pairs(text: &str) -> Vec<(&str, String)> {
    let mut pairs = Vec::new();
    let mut key_start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if is_key_char(c) {
            key_start.get_or_insert(i);
            continue;
        }
        let Some(start) = key_start.take() else {
            continue;
        };
        if c != '=' {
            continue;
        }
        let key = &text[start..i];
        let mut value = String::new();
        match chars.peek().copied() {
            Some((_, quote @ ('"' | '\''))) => {
                chars.next();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        c if c == quote => break,
                        c => value.push(c),
                    }
                }
            }
            _ => {
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || c == ',' || c == ';' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        pairs.push((key, value));
    }
    pairs
}

/// The cells of a delimited line: `delimiter` separates cells outside quotes, `quote` encloses
/// a cell (a doubled quote inside stands for one), `escape` makes the next character literal.
fn split_delimited(text: &str, delimiter: char, quote: char, escape: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == escape {
            cell.push(chars.next().unwrap_or(escape));
        } else if c == quote {
            if quoted && chars.peek() == Some(&quote) {
                cell.push(quote);
                chars.next();
            } else {
                quoted = !quoted;
            }
        } else if c == delimiter && !quoted {
            cells.push(std::mem::take(&mut cell));
        } else {
            cell.push(c);
        }
    }
    cells.push(cell);
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_take_quoted_and_bare_values() {
        let pairs =
            key_value_pairs(r#"ts=1 user="bob smith", ip=10.0.0.1;empty= x:1 a.b-c='q\'s'"#);
        let shown: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            shown,
            [
                ("ts", "1"),
                ("user", "bob smith"),
                ("ip", "10.0.0.1"),
                ("empty", ""),
                ("a.b-c", "q's")
            ]
        );
    }

    #[test]
    fn delimited_cells_honour_quotes_and_escapes() {
        assert_eq!(
            split_delimited(r#"a,"b,c",d\,e,"say ""hi""",,"#, ',', '"', '\\'),
            ["a", "b,c", "d,e", "say \"hi\"", "", ""]
        );
        assert_eq!(split_delimited("x|y", '|', '"', '\\'), ["x", "y"]);
        assert_eq!(split_delimited("", ',', '"', '\\'), [""]);
    }

    #[test]
    fn json_paths_walk_objects_and_arrays() {
        let text = r#"{"a": {"b": [1, {"c": "x"}]}}"#;
        let steps = [
            JsonStep::Key("a".into()),
            JsonStep::Key("b".into()),
            JsonStep::Index(1),
            JsonStep::Key("c".into()),
        ];
        assert_eq!(json_at(text, &steps), Some(Value::text("x")));
        assert!(json_at(text, &steps[..1]).is_some());
        assert!(json_at("not json", &steps).is_none());
    }

    #[test]
    fn json_wildcards_gather_every_value_reached() {
        let text =
            r#"{"Actor": [{"Type": 5}, {"ID": "x"}, {"Type": "14"}], "o": {"p": 1, "q": 2}}"#;
        let every_type = [
            JsonStep::Key("Actor".into()),
            JsonStep::Wildcard,
            JsonStep::Key("Type".into()),
        ];
        assert_eq!(json_at(text, &every_type), Some(Value::text(r#"[5,"14"]"#)));
        let members = [JsonStep::Key("o".into()), JsonStep::Wildcard];
        assert_eq!(json_at(text, &members), Some(Value::text("[1,2]")));
        let nothing = [
            JsonStep::Key("o".into()),
            JsonStep::Wildcard,
            JsonStep::Index(0),
        ];
        assert_eq!(json_at(text, &nothing), None);
    }
}
