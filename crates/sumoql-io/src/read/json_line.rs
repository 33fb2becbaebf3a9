//! One NDJSON line to one record, extracting only the fields the plan reads.
//!
//! The line is parsed once into its top-level keys and the raw JSON text of their values,
//! borrowed from the line; only the wanted values are then decoded. Scalars become text (D6):
//! a JSON number keeps its source text, `true` becomes `"true"`; objects and arrays become
//! their compact JSON text. Nested fields are reached by dotted path (`source.ip`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use sumoql_value::{Record, SlotId, SourceField, Value, WarningKind, Warnings};

use super::metadata::{MetadataOptions, TIMESTAMP_KEYS};

/// Why a line could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError(pub String);

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Decodes lines into records of a fixed width for one plan.
pub struct LineDecoder {
    width: usize,
    /// Wanted plain fields, by name.
    wanted: HashMap<Arc<str>, SlotId>,
    /// Wanted fields in order, for dotted-path and metadata lookups.
    wanted_list: Vec<(Arc<str>, SlotId)>,
    whole_records: bool,
    metadata: MetadataOptions,
    raw_slot: Option<SlotId>,
    time_slot: Option<SlotId>,
    receipt_slot: Option<SlotId>,
    category_slot: Option<SlotId>,
    source_name_slot: Option<SlotId>,
}

impl LineDecoder {
    /// A decoder filling `fields` (name and slot) into records of `width` slots; with
    /// `whole_records`, every other key of the line is kept too.
    pub fn new(
        fields: &[(String, SlotId)],
        width: usize,
        whole_records: bool,
        metadata: MetadataOptions,
    ) -> LineDecoder {
        let slot_of = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, s)| *s);
        LineDecoder {
            width,
            wanted: fields
                .iter()
                .map(|(n, s)| (Arc::from(n.as_str()), *s))
                .collect(),
            wanted_list: fields
                .iter()
                .map(|(n, s)| (Arc::from(n.as_str()), *s))
                .collect(),
            whole_records,
            raw_slot: slot_of("_raw"),
            time_slot: slot_of("_messageTime"),
            receipt_slot: slot_of("_receiptTime"),
            category_slot: slot_of("_sourceCategory"),
            source_name_slot: slot_of("_sourceName"),
            metadata,
        }
    }

    /// Decodes one line read from `source_name`. Returns `Ok(None)` for a blank line or a
    /// record outside the time window.
    pub fn decode(
        &self,
        line: &[u8],
        source_name: &str,
        warnings: &mut Warnings,
    ) -> Result<Option<Record>, LineError> {
        let text =
            std::str::from_utf8(line).map_err(|e| LineError(format!("not valid UTF-8 ({e})")))?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        let object: TopLevel<'_> =
            serde_json::from_str(text).map_err(|e| LineError(describe_json_error(&e)))?;
        let entries = object.0;
        let mut record = Record::with_width(self.width);
        if self.whole_records {
            self.fill_whole(&entries, &mut record);
        } else {
            for (name, slot) in &self.wanted_list {
                if let Some(raw) = lookup(&entries, name) {
                    record.set(*slot, raw_to_value(raw));
                }
            }
        }
        if let Some(slot) = self.raw_slot {
            record.set(slot, Value::text(text));
        }
        if let Some(slot) = self.receipt_slot {
            record.set(slot, Value::Int(self.metadata.receipt_time_ms));
        }
        if let Some(slot) = self.source_name_slot {
            if record.get(slot).is_null() {
                record.set(slot, Value::text(source_name));
            }
        }
        if let Some(slot) = self.category_slot {
            if record.get(slot).is_null() {
                if let Some(category) = &self.metadata.source_category {
                    record.set(slot, Value::text(category));
                }
            }
        }
        if self.time_slot.is_some() || self.metadata.window.is_some() {
            let time = self.message_time(&entries, warnings);
            if !self.metadata.in_window(time) {
                return Ok(None);
            }
            if let Some(slot) = self.time_slot {
                record.set(slot, Value::Int(time));
            }
        }
        Ok(Some(record))
    }

    /// `_messageTime` (D9): the `_messageTime` key, else the first timestamp key present, else
    /// the receipt time (counted as a warning when a key was present but unreadable).
    fn message_time(&self, entries: &[(Key<'_>, &RawValue)], warnings: &mut Warnings) -> i64 {
        let keys = std::iter::once("_messageTime").chain(TIMESTAMP_KEYS);
        for key in keys {
            if let Some(raw) = lookup(entries, key) {
                if let Some(text) = raw_to_value(raw).to_text() {
                    if let Some(ms) = self.metadata.parse_time(&text) {
                        return ms;
                    }
                }
                warnings.add(WarningKind::BadTimestamp);
                return self.metadata.receipt_time_ms;
            }
        }
        self.metadata.receipt_time_ms
    }

    fn fill_whole(&self, entries: &[(Key<'_>, &RawValue)], record: &mut Record) {
        for (key, raw) in entries {
            let value = raw_to_value(raw);
            let name: &str = &key.0;
            match self.wanted.get(name) {
                Some(&slot) => {
                    if !record.source.contains(&SourceField::Slot(slot)) {
                        record.source.push(SourceField::Slot(slot));
                    }
                    record.set(slot, value);
                }
                None => {
                    match record
                        .source
                        .iter_mut()
                        .find(|f| matches!(f, SourceField::Extra(n, _) if &**n == name))
                    {
                        Some(SourceField::Extra(_, existing)) => *existing = value,
                        _ => record
                            .source
                            .push(SourceField::Extra(Arc::from(name), value)),
                    }
                }
            }
        }
        for (name, slot) in &self.wanted_list {
            if record.get(*slot).is_null() && name.contains('.') {
                if let Some(raw) = lookup(entries, name) {
                    record.set(*slot, raw_to_value(raw));
                }
            }
        }
    }
}

fn describe_json_error(error: &serde_json::Error) -> String {
    format!("not a JSON object: {error}")
}

/// The value of `name` among `entries`: the key itself (the last one wins when a key repeats),
/// else a dotted path into nested objects.
fn lookup<'a>(entries: &[(Key<'a>, &'a RawValue)], name: &str) -> Option<&'a RawValue> {
    if let Some((_, raw)) = entries.iter().rev().find(|(k, _)| k.0 == name) {
        return Some(raw);
    }
    for (i, _) in name.match_indices('.') {
        let (head, tail) = (&name[..i], &name[i + 1..]);
        let Some((_, raw)) = entries.iter().rev().find(|(k, _)| k.0 == head) else {
            continue;
        };
        if !raw.get().starts_with('{') {
            continue;
        }
        if let Ok(inner) = serde_json::from_str::<TopLevel<'a>>(raw.get()) {
            if let Some(found) = lookup(&inner.0, tail) {
                return Some(found);
            }
        }
    }
    None
}

/// A JSON value's text as a record value (D6).
pub(crate) fn raw_to_value(raw: &RawValue) -> Value {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => {
            if text.contains('\\') {
                serde_json::from_str::<String>(text).map_or(Value::Null, Value::text)
            } else {
                Value::text(&text[1..text.len() - 1])
            }
        }
        Some(b'n') => Value::Null,
        Some(b'{') | Some(b'[') => Value::text(compact_json(text)),
        _ => Value::text(text),
    }
}

/// JSON text without the white space outside strings.
fn compact_json(text: &str) -> Cow<'_, str> {
    if !text.bytes().any(|b| b.is_ascii_whitespace()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// An object key, borrowed from the line when it has no escapes.
pub(crate) struct Key<'a>(pub(crate) Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// A JSON object's entries in order, values left as raw text.
pub(crate) struct TopLevel<'a>(pub(crate) Vec<(Key<'a>, &'a RawValue)>);

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor;
        impl<'de> Visitor<'de> for ObjectVisitor {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<TopLevel<'de>, M::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    entries.push(entry);
                }
                Ok(TopLevel(entries))
            }
        }
        deserializer.deserialize_map(ObjectVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoder(fields: &[&str], whole: bool) -> LineDecoder {
        let fields: Vec<(String, SlotId)> = fields
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_string(), i))
            .collect();
        LineDecoder::new(&fields, fields.len(), whole, MetadataOptions::default())
    }

    fn decode(d: &LineDecoder, line: &str) -> Result<Option<Record>, LineError> {
        d.decode(line.as_bytes(), "test", &mut Warnings::new())
    }

    #[test]
    fn scalars_become_text_keeping_number_source() {
        let d = decoder(&["port", "ok", "bytes", "none", "obj", "missing"], false);
        let r = decode(
            &d,
            r#"{"port":21,"ok":true,"bytes":"1.50","none":null,"obj":{ "a" : [1, 2.0] }}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            r.slots,
            vec![
                Value::text("21"),
                Value::text("true"),
                Value::text("1.50"),
                Value::Null,
                Value::text(r#"{"a":[1,2.0]}"#),
                Value::Null
            ]
        );
    }

    #[test]
    fn dotted_paths_reach_nested_objects_and_exact_keys_win() {
        let d = decoder(&["source.ip", "a.b.c"], false);
        let r = decode(&d, r#"{"source":{"ip":"1.2.3.4"},"a":{"b":{"c":"x"}}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.slots, vec![Value::text("1.2.3.4"), Value::text("x")]);
        let r = decode(&d, r#"{"source.ip":"5.6.7.8","source":{"ip":"1.2.3.4"}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.get(0), &Value::text("5.6.7.8"));
    }

    #[test]
    fn escaped_and_duplicate_keys() {
        let d = decoder(&["k"], false);
        let r = decode(&d, r#"{"\u006b":"escaped","k":"last"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.get(0), &Value::text("last"));
        let r = decode(&d, r#"{"k":"a\"b"}"#).unwrap().unwrap();
        assert_eq!(r.get(0), &Value::text("a\"b"));
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        let d = decoder(&["k"], true);
        for bad in ["[1,2]", "\"x\"", "{\"k\":", "{", "nul", "{\"k\":1}x"] {
            assert!(decode(&d, bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(10_000);
        assert!(decode(&d, &format!("{{\"k\":{deep}")).is_err());
        assert!(d.decode(&[0xff, 0xfe], "t", &mut Warnings::new()).is_err());
        assert_eq!(decode(&d, "   ").unwrap(), None);
    }

    #[test]
    fn whole_records_keep_source_order() {
        let d = decoder(&["b"], true);
        let r = decode(&d, r#"{"a":1,"b":2,"c":3}"#).unwrap().unwrap();
        assert_eq!(r.source.len(), 3);
        assert_eq!(r.source[1], SourceField::Slot(0));
        assert_eq!(
            r.source[2],
            SourceField::Extra(Arc::from("c"), Value::text("3"))
        );
    }
}
