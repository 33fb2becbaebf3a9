//! One NDJSON line to one record, extracting only the fields the plan reads.
//!
//! The line is scanned once ([`scan_object`]), which validates it and finds its top-level
//! members without building anything; only the wanted values are then decoded. Scalars become
//! text (D6): a JSON number keeps its source text, `true` becomes `"true"`; objects and arrays
//! become their compact JSON text. Nested fields are reached by dotted path (`source.ip`).
//!
//! Decoding happens in two steps so that most records cost little: first the fields of the
//! query's early filter (scope and leading `where`), then, only for records that pass it,
//! every other field.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use memchr::memmem::Finder;
use sumoql_value::{Record, SlotId, SourceField, Value, WarningKind, Warnings};

use super::intern::TextCache;
use super::json_scan::{members_of, Member, ObjectScan, ScanError};
use super::metadata::{MetadataOptions, TIMESTAMP_KEYS};

/// Why a line could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError(pub String);

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A field the readers extract, and whether the early filter reads it.
#[derive(Clone, Debug)]
struct WantedField {
    name: Arc<str>,
    slot: SlotId,
    early: bool,
    /// The field's values seen so far, shared when they repeat.
    cache: TextCache,
}

/// A metadata slot and whether the early filter reads it.
#[derive(Clone, Copy, Debug)]
struct MetadataSlot {
    slot: SlotId,
    early: bool,
}

/// The two decoding steps: the early filter's fields, then the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Early,
    Late,
}

impl MetadataSlot {
    fn in_step(self, step: Step) -> Option<SlotId> {
        (self.early == (step == Step::Early)).then_some(self.slot)
    }
}

/// Decodes lines into records of a fixed width for one plan. Each thread has its own.
#[derive(Clone)]
pub struct LineDecoder {
    width: usize,
    fields: Vec<WantedField>,
    whole_records: bool,
    metadata: MetadataOptions,
    raw: Option<MetadataSlot>,
    time: Option<MetadataSlot>,
    receipt: Option<MetadataSlot>,
    category: Option<MetadataSlot>,
    source_name: Option<MetadataSlot>,
    /// The members of the line being decoded, reused from line to line.
    members: Vec<Member>,
    /// A record the early filter refused, kept to be filled again.
    spare: Option<Record>,
    /// The quoted keys of the early filter's fields, when lines may be read only up to them
    /// (see [`LineDecoder::set_early_slots`]).
    early_keys: Option<Vec<Finder<'static>>>,
    /// The slots the early step may fill: what a refused record must have cleared.
    early_filled: Vec<SlotId>,
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
        let slot_of = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|&(_, slot)| MetadataSlot { slot, early: false })
        };
        let mut decoder = LineDecoder {
            width,
            fields: fields
                .iter()
                .map(|(name, slot)| WantedField {
                    name: Arc::from(name.as_str()),
                    slot: *slot,
                    early: false,
                    cache: TextCache::default(),
                })
                .collect(),
            whole_records,
            raw: slot_of("_raw"),
            time: slot_of("_messageTime"),
            receipt: slot_of("_receiptTime"),
            category: slot_of("_sourceCategory"),
            source_name: slot_of("_sourceName"),
            metadata,
            members: Vec::new(),
            spare: None,
            early_keys: None,
            early_filled: Vec::new(),
        };
        decoder.early_filled = decoder.early_filled_slots();
        decoder
    }

    /// Sets the `_sourceCategory` given to records without one (a source mapping's category).
    pub fn set_default_category(&mut self, category: Option<String>) {
        self.metadata.source_category = category;
    }

    /// Marks the fields the early filter reads: they are decoded before the filter runs, and
    /// the others only for records it admits.
    pub fn set_early_slots(&mut self, slots: &[SlotId]) {
        for field in &mut self.fields {
            field.early = slots.contains(&field.slot);
        }
        for metadata in [
            &mut self.raw,
            &mut self.time,
            &mut self.receipt,
            &mut self.category,
            &mut self.source_name,
        ]
        .into_iter()
        .flatten()
        {
            metadata.early = slots.contains(&metadata.slot);
        }
        self.early_keys = self.early_exit_keys();
        self.early_filled = self.early_filled_slots();
    }

    /// The slots the early step may fill: the early fields and every metadata slot.
    fn early_filled_slots(&self) -> Vec<SlotId> {
        let metadata = [
            self.raw,
            self.time,
            self.receipt,
            self.category,
            self.source_name,
        ];
        self.fields
            .iter()
            .filter(|f| f.early)
            .map(|f| f.slot)
            .chain(metadata.into_iter().flatten().map(|m| m.slot))
            .collect()
    }

    /// Reads every line to its end, even one the early filter refuses, so that a malformed
    /// line is always found (`--strict`).
    pub fn read_whole_lines(&mut self) {
        self.early_keys = None;
    }

    /// The quoted keys of the early filter's fields, when a line may be left half-read once
    /// they are found: each is a plain top-level key, and nothing else the filter needs (the
    /// time window, whole records) depends on the rest of the line.
    fn early_exit_keys(&self) -> Option<Vec<Finder<'static>>> {
        let early: Vec<&WantedField> = self.fields.iter().filter(|f| f.early).collect();
        let possible = !early.is_empty()
            && early.len() <= 64
            && !self.whole_records
            && self.metadata.window.is_none()
            && !self.time.is_some_and(|t| t.early)
            && early.iter().all(|f| !f.name.contains('.'));
        possible.then(|| {
            early
                .iter()
                .map(|f| Finder::new(format!("\"{}\"", f.name).as_bytes()).into_owned())
                .collect()
        })
    }

    /// Decodes one line read from `source_name`. Returns `Ok(None)` for a blank line or a
    /// record outside the time window.
    pub fn decode(
        &mut self,
        line: &[u8],
        source_name: &str,
        warnings: &mut Warnings,
    ) -> Result<Option<Record>, LineError> {
        self.decode_filtered(line, source_name, warnings, |_| true)
    }

    /// Decodes one line, asking `admit` about the record once the early filter's fields are
    /// in; a record it refuses is left undecoded and `Ok(None)` returned.
    pub fn decode_filtered(
        &mut self,
        line: &[u8],
        source_name: &str,
        warnings: &mut Warnings,
        admit: impl FnOnce(&Record) -> bool,
    ) -> Result<Option<Record>, LineError> {
        let text =
            std::str::from_utf8(line).map_err(|e| LineError(format!("not valid UTF-8 ({e})")))?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        let malformed = |e: ScanError| LineError(format!("not a JSON object: {e}"));
        self.members.clear();
        let mut scan = ObjectScan::new(text).map_err(malformed)?;
        // With an early exit, the line is read up to the early filter's fields, and the rest
        // only if the filter admits the record.
        let early_final = match &self.early_keys {
            Some(keys) => scan_to_keys(&mut scan, &mut self.members, keys).map_err(malformed)?,
            None => false,
        };
        if !early_final {
            while let Some(member) = scan.next_member().map_err(malformed)? {
                self.members.push(member);
            }
        }
        let mut record = self
            .spare
            .take()
            .unwrap_or_else(|| Record::with_width(self.width));
        // The time window is part of the early filter.
        let early_time = self.metadata.window.is_some() || self.time.is_some_and(|t| t.early);
        let mut time_ms = None;
        if early_time {
            let time = self.message_time(text, warnings);
            if !self.metadata.in_window(time) {
                self.recycle(record);
                return Ok(None);
            }
            time_ms = Some(time);
        }
        self.fill_fields(Step::Early, text, &mut record);
        self.fill_metadata(Some(Step::Early), text, source_name, &mut record);
        if let (Some(time), Some(ms)) = (self.time, time_ms) {
            record.set(time.slot, Value::Int(ms));
        }
        if !admit(&record) {
            self.recycle(record);
            return Ok(None);
        }
        while let Some(member) = scan.next_member().map_err(malformed)? {
            self.members.push(member);
        }
        scan.finish().map_err(malformed)?;
        if self.whole_records {
            self.fill_whole(text, &mut record);
            self.fill_metadata(None, text, source_name, &mut record);
        } else {
            self.fill_fields(Step::Late, text, &mut record);
            self.fill_metadata(Some(Step::Late), text, source_name, &mut record);
        }
        if let Some(time) = self.time {
            let ms = time_ms.unwrap_or_else(|| self.message_time(text, warnings));
            record.set(time.slot, Value::Int(ms));
        }
        Ok(Some(record))
    }

    /// Keeps a refused record to fill with the next line. Only the early step has filled it.
    fn recycle(&mut self, mut record: Record) {
        for &slot in &self.early_filled {
            record.set(slot, Value::Null);
        }
        self.spare = Some(record);
    }

    /// Sets the wanted fields of `step` from the line's members.
    fn fill_fields(&mut self, step: Step, text: &str, record: &mut Record) {
        for field in &mut self.fields {
            if field.early == (step == Step::Early) {
                if let Some(raw) = lookup(text, &self.members, &field.name) {
                    record.set(field.slot, scalar_value(raw, &mut field.cache));
                }
            }
        }
    }

    /// Sets the metadata of `step` (of both steps when `None`): `_raw`, `_receiptTime`, and
    /// `_sourceName` and `_sourceCategory` where the line has none.
    fn fill_metadata(
        &self,
        step: Option<Step>,
        text: &str,
        source_name: &str,
        record: &mut Record,
    ) {
        let slot = |metadata: Option<MetadataSlot>| match step {
            Some(step) => metadata.and_then(|m| m.in_step(step)),
            None => metadata.map(|m| m.slot),
        };
        if let Some(raw) = slot(self.raw) {
            record.set(raw, Value::text(text));
        }
        if let Some(receipt) = slot(self.receipt) {
            record.set(receipt, Value::Int(self.metadata.receipt_time_ms));
        }
        if let Some(name) = slot(self.source_name) {
            if record.get(name).is_null() {
                record.set(name, Value::text(source_name));
            }
        }
        if let (Some(category), Some(default)) =
            (slot(self.category), &self.metadata.source_category)
        {
            if record.get(category).is_null() {
                record.set(category, Value::text(default));
            }
        }
    }

    /// `_messageTime` (D9): the `_messageTime` key, else the first timestamp key present, else
    /// the receipt time (counted as a warning when a key was present but unreadable).
    fn message_time(&self, text: &str, warnings: &mut Warnings) -> i64 {
        let keys = std::iter::once("_messageTime").chain(TIMESTAMP_KEYS);
        for key in keys {
            if let Some(raw) = lookup(text, &self.members, key) {
                if let Some(value) = raw_to_value(raw).to_text() {
                    if let Some(ms) = self.metadata.parse_time(&value) {
                        return ms;
                    }
                }
                warnings.add(WarningKind::BadTimestamp);
                return self.metadata.receipt_time_ms;
            }
        }
        self.metadata.receipt_time_ms
    }

    /// Every member into the record: wanted ones into their slots, the others as extra source
    /// fields, in source order (a repeated key keeps its first place and its last value).
    fn fill_whole(&self, text: &str, record: &mut Record) {
        for member in &self.members {
            let value = raw_to_value(member.value(text));
            let name = key_text(text, member);
            match self.fields.iter().find(|f| *f.name == *name) {
                Some(field) => {
                    if !record.source.contains(&SourceField::Slot(field.slot)) {
                        record.source.push(SourceField::Slot(field.slot));
                    }
                    record.set(field.slot, value);
                }
                None => {
                    match record
                        .source
                        .iter_mut()
                        .find(|f| matches!(f, SourceField::Extra(n, _) if **n == *name))
                    {
                        Some(SourceField::Extra(_, existing)) => *existing = value,
                        _ => record
                            .source
                            .push(SourceField::Extra(Arc::from(&*name), value)),
                    }
                }
            }
        }
        for field in &self.fields {
            if record.get(field.slot).is_null() && field.name.contains('.') {
                if let Some(raw) = lookup(text, &self.members, &field.name) {
                    record.set(field.slot, raw_to_value(raw));
                }
            }
        }
    }
}

/// Reads members until every key of `keys` (quoted) has been seen, and tells whether their
/// values are final: no key with escapes was read, and the rest of the line holds neither a
/// backslash nor any of the keys, so no later member can repeat one (the last of a repeated
/// key wins). An object that ends first is read whole, and is final.
fn scan_to_keys(
    scan: &mut ObjectScan<'_>,
    members: &mut Vec<Member>,
    keys: &[Finder<'static>],
) -> Result<bool, ScanError> {
    let all = if keys.len() == 64 {
        u64::MAX
    } else {
        (1u64 << keys.len()) - 1
    };
    let mut seen = 0u64;
    let mut escaped = false;
    while seen != all {
        let Some(member) = scan.next_member()? else {
            return Ok(true);
        };
        members.push(member);
        escaped |= member.key_escaped;
        let length = member.key_end - member.key_start;
        let key = scan.text_of(member.key_start, member.key_end);
        if let Some(index) = keys.iter().position(|k| {
            let quoted = k.needle();
            quoted.len() == length + 2 && &quoted[1..=length] == key
        }) {
            seen |= 1 << index;
        }
    }
    let rest = scan.rest();
    Ok(!escaped
        && memchr::memchr(b'\\', rest).is_none()
        && keys.iter().all(|k| k.find(rest).is_none()))
}

/// A member's key with its escapes decoded.
pub(crate) fn key_text<'t>(text: &'t str, member: &Member) -> Cow<'t, str> {
    let key = member.key(text);
    if member.key_escaped {
        // The scanner validated the escapes; decoding cannot fail but would leave the key as
        // written if it did.
        serde_json::from_str::<String>(&text[member.key_start - 1..member.key_end + 1])
            .map_or(Cow::Borrowed(key), Cow::Owned)
    } else {
        Cow::Borrowed(key)
    }
}

/// The raw value of `name` among the `members` of `text`: the key itself (the last one wins
/// when a key repeats), else a dotted path into nested objects.
fn lookup<'t>(text: &'t str, members: &[Member], name: &str) -> Option<&'t str> {
    let found = members.iter().rev().find(|m| {
        if m.key_escaped {
            key_text(text, m) == name
        } else {
            m.key_end - m.key_start == name.len() && m.key(text) == name
        }
    });
    if let Some(member) = found {
        return Some(member.value(text));
    }
    if !name.contains('.') {
        return None;
    }
    for (i, _) in name.match_indices('.') {
        let (head, tail) = (&name[..i], &name[i + 1..]);
        let Some(object) = lookup(text, members, head) else {
            continue;
        };
        if !object.starts_with('{') {
            continue;
        }
        let mut inner = Vec::new();
        members_of(object, &mut inner);
        if let Some(found) = lookup(object, &inner, tail) {
            return Some(found);
        }
    }
    None
}

/// A JSON value's text as a record value (D6).
/// [`raw_to_value`], with plain strings and numbers taken from the field's cache.
fn scalar_value(text: &str, cache: &mut TextCache) -> Value {
    match text.as_bytes().first() {
        Some(b'"') if !text.contains('\\') => cache.value(&text[1..text.len() - 1]),
        Some(b'-' | b'0'..=b'9' | b't' | b'f') => cache.value(text),
        _ => raw_to_value(text),
    }
}

pub(crate) fn raw_to_value(text: &str) -> Value {
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

    fn decode(d: &mut LineDecoder, line: &str) -> Result<Option<Record>, LineError> {
        d.decode(line.as_bytes(), "test", &mut Warnings::new())
    }

    #[test]
    fn scalars_become_text_keeping_number_source() {
        let mut d = decoder(&["port", "ok", "bytes", "none", "obj", "missing"], false);
        let r = decode(
            &mut d,
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
        let mut d = decoder(&["source.ip", "a.b.c"], false);
        let r = decode(&mut d, r#"{"source":{"ip":"1.2.3.4"},"a":{"b":{"c":"x"}}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.slots, vec![Value::text("1.2.3.4"), Value::text("x")]);
        let r = decode(
            &mut d,
            r#"{"source.ip":"5.6.7.8","source":{"ip":"1.2.3.4"}}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(r.get(0), &Value::text("5.6.7.8"));
    }

    #[test]
    fn escaped_and_duplicate_keys() {
        let mut d = decoder(&["k"], false);
        let r = decode(&mut d, r#"{"\u006b":"escaped","k":"last"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.get(0), &Value::text("last"));
        let r = decode(&mut d, r#"{"k":"a\"b"}"#).unwrap().unwrap();
        assert_eq!(r.get(0), &Value::text("a\"b"));
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        let mut d = decoder(&["k"], true);
        for bad in ["[1,2]", "\"x\"", "{\"k\":", "{", "nul", "{\"k\":1}x"] {
            assert!(decode(&mut d, bad).is_err(), "{bad}");
        }
        let deep = "[".repeat(10_000);
        assert!(decode(&mut d, &format!("{{\"k\":{deep}")).is_err());
        assert!(d.decode(&[0xff, 0xfe], "t", &mut Warnings::new()).is_err());
        assert_eq!(decode(&mut d, "   ").unwrap(), None);
    }

    #[test]
    fn whole_records_keep_source_order() {
        let mut d = decoder(&["b"], true);
        let r = decode(&mut d, r#"{"a":1,"b":2,"c":3}"#).unwrap().unwrap();
        assert_eq!(r.source.len(), 3);
        assert_eq!(r.source[1], SourceField::Slot(0));
        assert_eq!(
            r.source[2],
            SourceField::Extra(Arc::from("c"), Value::text("3"))
        );
    }

    /// The fast path against a plain full parse (serde_json into borrowed raw values, then
    /// the same D6 conversion) on lines built to trip a hand-written scanner: escapes, nested
    /// objects reusing key names, duplicate keys, odd white space, malformed tails.
    #[test]
    fn fast_path_matches_a_full_parse_on_adversarial_lines() {
        let lines = [
            r#"{"dest_port":"21","src":"a"}"#,
            r#"{"dest_port":21 , "dest_port" : "22"}"#,
            r#"{"x":{"dest_port":"21"},"dest_port":"445"}"#,
            r#"{"x":{"dest_port":"21"}}"#,
            r#"{"dest_\u0070ort":"990"}"#,
            r#"{"dest_port":"2\u0031"}"#,
            r#"{"dest_port":"\"21\""}"#,
            r#"{"s":"a\\","dest_port":"69"}"#,
            r#"{"s":"}{\"dest_port\":\"21\"","dest_port":null}"#,
            "{\t\"dest_port\"\r:\n\"139\" }",
            r#"{"dest_port":[21,{"a":"}"}],"b":1}"#,
            r#"{"dest_port":1.0e2}"#,
            r#"{"dest_port":-0}"#,
            r#"{"dest_port":true}"#,
            r#"{"source":{"ip":"1.2.3.4","ip":"5.6.7.8"},"source.ip":null}"#,
            r#"{"source":{"ip":{"v":"x"}}}"#,
            r#"{"source":[{"ip":"1"}]}"#,
            r#"{"dest_port":"21"} trailing"#,
            r#"{"dest_port":"21",}"#,
            r#"{"dest_port":"\ud83d\ude00"}"#,
            r#"{"dest_port":"\ud800"}"#,
            r#"{"dest_port":"é😀"}"#,
            r#"{"":"empty key","dest_port":""}"#,
            r#"{"dest_port" "21"}"#,
            r#"{"a":"\/"}"#,
            r#"{}"#,
            r#"{"dest_port":"22","dest_port":"21"}"#,
            r#"{"dest_port":"21","dest_port":"22"}"#,
            r#"{"dest_port":"22","x":"a\\"b","dest_port":"21"}"#,
            r#"{"dest_port":"22","x":{"dest_port":"21"}}"#,
            r#"{"dest_port":"22","dest_\u0070ort":"21"}"#,
            r#"{"dest_port":"21","rest":[1,2}"#,
            r#"{"dest_port":"22","rest":[1,2}"#,
            r#"{"dest_port":"21"} {"#,
        ];
        let fields = ["dest_port", "src", "source.ip", "source.ip.v", "a", "s", ""];
        let wanted = Value::text("21");
        for line in lines {
            let mut fast = decoder(&fields, false);
            let ours = decode(&mut fast, line);
            let plain = plain::decode(&fields, line);
            match (ours, &plain) {
                (Ok(Some(record)), Some(slots)) => assert_eq!(&record.slots, slots, "{line}"),
                (Err(_), None) => {}
                (ours, plain) => panic!("{line}: fast {ours:?}, plain {plain:?}"),
            }
            // With an early filter on `dest_port`, which may stop reading the line: the same
            // records pass as a full parse followed by the filter.
            let mut early = decoder(&fields, false);
            early.set_early_slots(&[0]);
            let admitted = early.decode_filtered(line.as_bytes(), "t", &mut Warnings::new(), |r| {
                r.get(0) == &wanted
            });
            let expected = plain.filter(|slots| slots[0] == wanted);
            match (admitted, expected) {
                (Ok(Some(record)), Some(slots)) => assert_eq!(record.slots, slots, "{line}"),
                (Ok(None) | Err(_), None) => {}
                (ours, plain) => panic!("{line}: early {ours:?}, plain {plain:?}"),
            }
        }
    }

    /// A refused record is reused for the next line: nothing of the refused line may leak.
    #[test]
    fn a_reused_record_starts_empty() {
        let mut d = decoder(&["port", "host"], false);
        d.set_early_slots(&[0]);
        let mut warnings = Warnings::new();
        let refused = d.decode_filtered(br#"{"port":"22","host":"a"}"#, "t", &mut warnings, |_| {
            false
        });
        assert_eq!(refused, Ok(None));
        let next = d
            .decode_filtered(br#"{"host":"b"}"#, "t", &mut warnings, |r| {
                r.get(0).is_null()
            })
            .unwrap()
            .unwrap();
        assert_eq!(next.slots, vec![Value::Null, Value::text("b")]);
    }

    /// The plain path: a full serde_json parse of the line's top level.
    mod plain {
        use std::borrow::Cow;
        use std::fmt;

        use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
        use serde_json::value::RawValue;
        use sumoql_value::Value;

        /// The slots of `fields`, or `None` for a malformed line.
        pub fn decode(fields: &[&str], line: &str) -> Option<Vec<Value>> {
            let object: TopLevel<'_> = serde_json::from_str(line).ok()?;
            Some(
                fields
                    .iter()
                    .map(|name| {
                        lookup(&object.0, name)
                            .map_or(Value::Null, |raw| super::raw_to_value(raw.get()))
                    })
                    .collect(),
            )
        }

        fn lookup<'a>(
            entries: &[(Cow<'a, str>, &'a RawValue)],
            name: &str,
        ) -> Option<&'a RawValue> {
            if let Some((_, raw)) = entries.iter().rev().find(|(k, _)| k == name) {
                return Some(raw);
            }
            for (i, _) in name.match_indices('.') {
                let (head, tail) = (&name[..i], &name[i + 1..]);
                let Some((_, raw)) = entries.iter().rev().find(|(k, _)| k == head) else {
                    continue;
                };
                if let Ok(inner) = serde_json::from_str::<TopLevel<'a>>(raw.get()) {
                    if let Some(found) = lookup(&inner.0, tail) {
                        return Some(found);
                    }
                }
            }
            None
        }

        struct TopLevel<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

        impl<'de> Deserialize<'de> for TopLevel<'de> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> Visitor<'de> for ObjectVisitor {
                    type Value = TopLevel<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a JSON object")
                    }
                    fn visit_map<M: MapAccess<'de>>(
                        self,
                        mut map: M,
                    ) -> Result<TopLevel<'de>, M::Error> {
                        let mut entries = Vec::new();
                        while let Some((key, value)) =
                            map.next_entry::<Cow<'de, str>, &'de RawValue>()?
                        {
                            entries.push((key, value));
                        }
                        Ok(TopLevel(entries))
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }
    }
}
