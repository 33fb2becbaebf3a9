//! One NDJSON line to one record, extracting only the fields the plan reads.
//!
//! The line is scanned once ([`scan_line`]), which validates it and finds its top-level
//! members without building anything; only the wanted values are then decoded. Scalars become
//! text (D6): a JSON number keeps its source text, `true` becomes `"true"`; objects and arrays
//! become their compact JSON text. Nested fields are reached by dotted path (`source.ip`).
//!
//! Decoding happens in steps so that most records cost little: a [`LineGuard`] may refuse the
//! line on its raw field texts before any value is made; then the fields of the query's early
//! filter (scope and leading `where`) are decoded, and, only for records that pass it, every
//! other field.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use sumoql_value::{Record, SlotId, SourceField, Value, WarningKind, Warnings};

use super::intern::TextCache;
use super::json_scan::{members_of, scan_line, scan_object, Member};
use super::key_table::KeyTable;
use super::line_index::LineIndex;
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
    /// The quotes of the line being decoded, and what kinds of bytes it holds.
    index: LineIndex,
    /// The names of the wanted fields, to match keys quickly.
    keys: KeyTable,
    /// For each slot, where a guard finds its raw text.
    raw_sources: Vec<RawSource>,
    /// A record the early filter refused or the caller gave back, kept to be filled again.
    spare: Option<Record>,
    /// The slots the early step may fill: what a refused record must have cleared.
    early_filled: Vec<SlotId>,
    /// Whether the query reads `_raw`, `_receiptTime`, `_sourceName` or `_sourceCategory`.
    fills_metadata: bool,
    /// The test that may refuse a line on its raw texts before its values are made.
    guard: Option<Arc<dyn LineGuard>>,
    /// Records left out for their time since [`LineDecoder::take_outside_window`] last asked.
    outside_window: u64,
}

/// Where a [`LineGuard`] finds a slot's raw text.
#[derive(Clone, Copy, Debug)]
enum RawSource {
    /// Nowhere before decoding: a time, the source's name, or a slot no field fills.
    Unknown,
    /// The whole line (`_raw`).
    Line,
    /// The value of the wanted field at this index.
    Field(usize),
}

/// A field's text as a line gives it, before any value is made, for a [`LineGuard`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawText<'a> {
    /// The field will be null.
    Null,
    /// The field will be this text: its bytes as the line holds them, which are UTF-8 (an
    /// ASCII line is, and any other line is checked before a guard sees it).
    Text(&'a [u8]),
    /// Not known without decoding (an escaped string, an object or array, a time).
    Unknown,
}

/// A test on a line's raw field texts that may refuse the line before any of its values is
/// made. It must refuse only lines the early filter would refuse, and only where that
/// refusal would count no warning.
pub trait LineGuard: Send + Sync {
    /// Whether the line is refused, given the text each field slot will have.
    fn refuses<'t>(&self, text_of: &dyn Fn(SlotId) -> RawText<'t>) -> bool;
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
            index: LineIndex::default(),
            keys: KeyTable::new(fields.iter().map(|(name, _)| name.as_str())),
            raw_sources: vec![RawSource::Unknown; width],
            spare: None,
            early_filled: Vec::new(),
            fills_metadata: false,
            guard: None,
            outside_window: 0,
        };
        decoder.fills_metadata = [
            decoder.raw,
            decoder.receipt,
            decoder.source_name,
            decoder.category,
        ]
        .iter()
        .any(Option::is_some);
        for (i, field) in decoder.fields.iter().enumerate() {
            if let Some(entry) = decoder.raw_sources.get_mut(field.slot) {
                *entry = RawSource::Field(i);
            }
        }
        // Metadata slots are known only once decoded, but for `_raw`, the line itself.
        let metadata = [decoder.time, decoder.receipt, decoder.source_name];
        for (metadata, source) in metadata
            .into_iter()
            .map(|m| (m, RawSource::Unknown))
            .chain([(decoder.raw, RawSource::Line)])
        {
            if let Some(entry) = metadata.and_then(|m| decoder.raw_sources.get_mut(m.slot)) {
                *entry = source;
            }
        }
        decoder.early_filled = decoder.early_filled_slots();
        decoder
    }

    /// How many records were left out for a `_messageTime` outside the time window since the
    /// last call.
    pub fn take_outside_window(&mut self) -> u64 {
        std::mem::take(&mut self.outside_window)
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
        self.early_filled = self.early_filled_slots();
    }

    /// Sets the test that may refuse lines on their raw texts (see [`LineGuard`]).
    pub fn set_guard(&mut self, guard: Arc<dyn LineGuard>) {
        self.guard = Some(guard);
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

    /// Decodes one line read from `source_name`, whatever its guard would say. Returns
    /// `Ok(None)` for a blank line or a record outside the time window.
    pub fn decode(
        &mut self,
        line: &[u8],
        source_name: &str,
        warnings: &mut Warnings,
    ) -> Result<Option<Record>, LineError> {
        self.decode_line(line, source_name, warnings, false, |_| true)
    }

    /// Decodes one line, asking the guard about its raw texts and then `admit` about the
    /// record once the early filter's fields are in; a line either refuses is left
    /// undecoded and `Ok(None)` returned.
    pub fn decode_filtered(
        &mut self,
        line: &[u8],
        source_name: &str,
        warnings: &mut Warnings,
        admit: impl FnOnce(&Record) -> bool,
    ) -> Result<Option<Record>, LineError> {
        self.decode_line(line, source_name, warnings, true, admit)
    }

    /// Decodes one line; the guard is asked when `guarded`.
    fn decode_line(
        &mut self,
        line: &[u8],
        source_name: &str,
        warnings: &mut Warnings,
        guarded: bool,
        admit: impl FnOnce(&Record) -> bool,
    ) -> Result<Option<Record>, LineError> {
        self.members.clear();
        let Some(ascii) = scan_line(line, &mut self.index, &mut self.members) else {
            return self.malformed_or_blank(line);
        };
        // The line as text, made once and only when needed. An ASCII line is valid UTF-8; any
        // other is checked here, before a guard refuses it.
        let mut text = None;
        if !ascii {
            text = Some(line_text(line, text)?);
        }
        // The time window is part of the early filter; a bad time is counted here.
        let early_time = self.metadata.window.is_some() || self.time.is_some_and(|t| t.early);
        let mut time_ms = None;
        if early_time {
            let whole = line_text(line, text)?;
            text = Some(whole);
            let time = self.message_time(whole, warnings);
            if !self.metadata.in_window(time) {
                self.outside_window += 1;
                return Ok(None);
            }
            time_ms = Some(time);
        }
        if let Some(guard) = self.guard.as_ref().filter(|_| guarded) {
            if guard.refuses(&|slot| self.raw_text(line, slot)) {
                return Ok(None);
            }
        }
        let text = line_text(line, text)?;
        let mut record = self
            .spare
            .take()
            .unwrap_or_else(|| Record::with_width(self.width));
        self.fill_fields(Step::Early, text, &mut record);
        self.fill_metadata(Some(Step::Early), text, source_name, &mut record);
        if let (Some(time), Some(ms)) = (self.time, time_ms) {
            record.set(time.slot, Value::Int(ms));
        }
        if !admit(&record) {
            self.recycle_refused(record);
            return Ok(None);
        }
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

    /// The outcome for a line the fast scan did not take: blank, or malformed (with the
    /// exact reason).
    fn malformed_or_blank(&mut self, line: &[u8]) -> Result<Option<Record>, LineError> {
        let text = text_of_line(line).map_err(not_utf8)?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        self.members.clear();
        match scan_object(text, &mut self.members) {
            Err(e) => Err(LineError(format!("not a JSON object: {e}"))),
            // The two scanners accept the same lines; should they ever disagree, the line
            // is still reported rather than lost.
            Ok(()) => Err(LineError("not a JSON object".to_string())),
        }
    }

    /// The text `slot` will have once this line (with its members scanned) is decoded, as
    /// far as it is known without decoding.
    fn raw_text<'t>(&'t self, line: &'t [u8], slot: SlotId) -> RawText<'t> {
        let field = match self.raw_sources.get(slot) {
            Some(RawSource::Field(field)) => *field,
            Some(RawSource::Line) => return RawText::Text(line),
            Some(RawSource::Unknown) | None => return RawText::Unknown,
        };
        let found = match self.field_bytes(line, field) {
            None => RawText::Null,
            Some(raw) => match raw.first() {
                Some(b'"') if !self.may_be_escaped(raw) => RawText::Text(&raw[1..raw.len() - 1]),
                Some(b'-' | b'0'..=b'9' | b't' | b'f') => RawText::Text(raw),
                Some(b'n') => RawText::Null,
                _ => RawText::Unknown,
            },
        };
        match (&self.metadata.source_category, found) {
            (Some(default), RawText::Null) if self.category.is_some_and(|m| m.slot == slot) => {
                RawText::Text(default.as_bytes())
            }
            _ => found,
        }
    }

    /// Takes back a record its reader is done with, to fill with a later line instead of
    /// allocating one. A record of another width is let go.
    pub fn recycle(&mut self, mut record: Record) {
        if record.slots.len() == self.width {
            for value in &mut record.slots {
                *value = Value::Null;
            }
            record.source.clear();
            self.spare = Some(record);
        }
    }

    /// Keeps a refused record to fill with the next line. Only the early step has filled it.
    fn recycle_refused(&mut self, mut record: Record) {
        for &slot in &self.early_filled {
            record.set(slot, Value::Null);
        }
        self.spare = Some(record);
    }

    /// The raw value of the wanted field at `index` of `fields`: its key's member, else a
    /// dotted path into nested objects.
    fn field_text<'t>(&self, text: &'t str, index: usize) -> Option<&'t str> {
        match self.member_value(text.as_bytes(), index) {
            Some(range) => Some(&text[range]),
            None if self.fields[index].name.contains('.') => {
                lookup(text, &self.members, &self.fields[index].name)
            }
            None => None,
        }
    }

    /// [`LineDecoder::field_text`] as bytes of a line not yet known to be UTF-8 as a whole
    /// (a dotted path is followed only in one that is).
    #[inline]
    fn field_bytes<'t>(&self, line: &'t [u8], index: usize) -> Option<&'t [u8]> {
        match self.member_value(line, index) {
            Some(range) => Some(&line[range]),
            None if self.fields[index].name.contains('.') => {
                let text = text_of_line(line).ok()?;
                lookup(text, &self.members, &self.fields[index].name).map(str::as_bytes)
            }
            None => None,
        }
    }

    /// Where the value of the last top-level member keyed by the wanted field at `index` is.
    #[inline]
    fn member_value(&self, line: &[u8], index: usize) -> Option<std::ops::Range<usize>> {
        let escapes = self.index.backslash;
        let member = &self.members[self.keys.last_member(index, line, &self.members, escapes)?];
        Some(member.value_start..member.value_end)
    }

    /// Whether a value of this line may hold an escape (only if the line has a backslash).
    fn may_be_escaped(&self, raw: &[u8]) -> bool {
        self.index.backslash && raw.contains(&b'\\')
    }

    /// Sets the wanted fields of `step` from the line's members.
    fn fill_fields(&mut self, step: Step, text: &str, record: &mut Record) {
        for index in 0..self.fields.len() {
            if self.fields[index].early != (step == Step::Early) {
                continue;
            }
            if let Some(raw) = self.field_text(text, index) {
                let escaped = self.may_be_escaped(raw.as_bytes());
                let field = &mut self.fields[index];
                record.set(field.slot, scalar_value(raw, escaped, &mut field.cache));
            }
        }
    }

    /// Sets the metadata of `step` (of both steps when `None`): `_raw`, `_receiptTime`, and
    /// `_sourceName` and `_sourceCategory` where the line has none. Most queries read none
    /// of them, and then this costs one test a line.
    #[inline]
    fn fill_metadata(
        &self,
        step: Option<Step>,
        text: &str,
        source_name: &str,
        record: &mut Record,
    ) {
        if !self.fills_metadata {
            return;
        }
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

fn not_utf8(error: std::str::Utf8Error) -> LineError {
    LineError(format!("not valid UTF-8 ({error})"))
}

/// `line` as text: `known` when it was already checked, else checked now.
fn line_text<'l>(line: &'l [u8], known: Option<&'l str>) -> Result<&'l str, LineError> {
    match known {
        Some(text) => Ok(text),
        None => text_of_line(line).map_err(not_utf8),
    }
}

/// A whole line as text, if it is UTF-8. The check runs many bytes at a time (`simdutf8`),
/// several times faster than the standard library's on log lines; only a line that fails it
/// is checked again, for the standard library's error, which tells where.
pub fn text_of_line(line: &[u8]) -> Result<&str, std::str::Utf8Error> {
    simdutf8::basic::from_utf8(line).or_else(|_| std::str::from_utf8(line))
}

/// A member's key with its escapes decoded.
pub(crate) fn key_text<'t>(text: &'t str, member: &Member) -> Cow<'t, str> {
    let key = member.key(text);
    if member.key_escaped {
        Cow::Owned(decode_string(
            &text[member.key_start - 1..member.key_end + 1],
        ))
    } else {
        Cow::Borrowed(key)
    }
}

/// The text of a JSON string written with its quotes and escapes, which the scanner has
/// validated. JSON's grammar allows a `\u` escape of half a surrogate pair on its own, which
/// no Rust string can hold: it becomes U+FFFD, as a lossy UTF-16 decoder gives, rather than
/// losing the whole value.
pub(crate) fn decode_string(quoted: &str) -> String {
    let inner = quoted
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or(quoted);
    let mut out = String::with_capacity(inner.len());
    let mut units: Vec<u16> = Vec::new();
    let mut rest = inner;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A run of `\u` escapes is decoded together, so that surrogate pairs join.
        units.clear();
        while let Some(unit) = unicode_escape(rest) {
            units.push(unit);
            rest = &rest[6..];
        }
        if !units.is_empty() {
            let chars = char::decode_utf16(units.iter().copied());
            out.extend(chars.map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)));
            continue;
        }
        let mut chars = rest[1..].chars();
        let decoded = match chars.next() {
            Some('b') => '\u{8}',
            Some('f') => '\u{c}',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some(other) => other,
            None => break,
        };
        out.push(decoded);
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// The UTF-16 unit of the `\uXXXX` escape that `text` starts with, if it does.
fn unicode_escape(text: &str) -> Option<u16> {
    let hex = text.strip_prefix("\\u")?.get(..4)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

/// The raw value of `name` among the `members` of `text`: the key itself (the last one wins
/// when a key repeats), else a dotted path into nested objects.
///
/// A path is followed one key at a time: a key made of the path's first segments (the
/// shortest first), then the rest of the path inside that key's object. Each object of the
/// line is entered by one chain of keys only, so the search enters it at most once and takes
/// time linear in the line for each segment of the path (trying every split of every prefix
/// again, as a search for the first key by path would, is exponential in the dots).
fn lookup<'t>(text: &'t str, members: &[Member], name: &str) -> Option<&'t str> {
    if let Some(value) = member_named(text, members, name) {
        return Some(value);
    }
    for (i, _) in name.match_indices('.') {
        let Some(object) = member_named(text, members, &name[..i]) else {
            continue;
        };
        if !object.starts_with('{') {
            continue;
        }
        let mut inner = Vec::new();
        members_of(object, &mut inner);
        if let Some(found) = lookup(object, &inner, &name[i + 1..]) {
            return Some(found);
        }
    }
    None
}

/// The raw value of the member of `members` keyed `name` (the last one when a key repeats).
fn member_named<'t>(text: &'t str, members: &[Member], name: &str) -> Option<&'t str> {
    let found = members.iter().rev().find(|m| {
        if m.key_escaped {
            key_text(text, m) == name
        } else {
            m.key_end - m.key_start == name.len() && m.key(text) == name
        }
    })?;
    Some(found.value(text))
}

/// [`raw_to_value`], with plain strings and numbers taken from the field's cache; `escaped`
/// tells whether a string may hold escapes.
fn scalar_value(text: &str, escaped: bool, cache: &mut TextCache) -> Value {
    match text.as_bytes().first() {
        Some(b'"') if !escaped => cache.value(&text[1..text.len() - 1]),
        Some(b'-' | b'0'..=b'9' | b't' | b'f') => cache.value(text),
        _ => raw_to_value(text),
    }
}

/// A JSON value's text as a record value (D6).
pub(crate) fn raw_to_value(text: &str) -> Value {
    match text.as_bytes().first() {
        Some(b'"') => {
            if text.contains('\\') {
                Value::text(decode_string(text))
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
    fn escapes_decode_as_serde_json_does_and_lone_surrogates_are_kept_as_u_fffd() {
        for quoted in [
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\te""#,
            r#""\u00e9\u20AC \ud83d\ude00 x""#,
            r#""\\u0041""#,
        ] {
            let serde: String = serde_json::from_str(quoted).unwrap();
            assert_eq!(decode_string(quoted), serde, "{quoted}");
        }
        // serde_json refuses these; JSON's grammar allows them.
        assert_eq!(decode_string(r#""x\udff5y""#), "x\u{fffd}y");
        assert_eq!(decode_string(r#""\ud800\u0041""#), "\u{fffd}A");
        assert_eq!(decode_string(r#""\udc00\ud800""#), "\u{fffd}\u{fffd}");
        let mut d = decoder(&["a", "k\u{fffd}"], false);
        let r = decode(&mut d, r#"{"a":"x\uDFF5y","k\udfff":"v"}"#)
            .unwrap()
            .unwrap();
        assert_eq!(r.slots, vec![Value::text("x\u{fffd}y"), Value::text("v")]);
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
    fn a_record_given_back_is_filled_again_from_scratch() {
        let mut d = decoder(&["a", "b"], true);
        let first = decode(&mut d, r#"{"a":"1","b":"2","c":"3"}"#)
            .unwrap()
            .unwrap();
        d.recycle(first);
        let second = decode(&mut d, r#"{"b":"x"}"#).unwrap().unwrap();
        assert_eq!(second.slots, vec![Value::Null, Value::text("x")]);
        assert_eq!(second.source.len(), 1, "{:?}", second.source);
        // A record of another width is not kept.
        d.recycle(Record::with_width(5));
        let third = decode(&mut d, "{}").unwrap().unwrap();
        assert_eq!(third.slots, vec![Value::Null, Value::Null]);
    }

    /// The probe that found path resolution exponential in the dots: 40 dots into objects
    /// nested 20 deep (the path goes deeper than the line) answer at once.
    #[test]
    fn a_long_dotted_path_resolves_in_linear_time() {
        let deep = |depth: usize| {
            (0..depth).fold(r#""v""#.to_string(), |inner, _| {
                format!(r#"{{"a":{inner}}}"#)
            })
        };
        let path = vec!["a"; 41].join(".");
        let mut d = decoder(&[path.as_str()], false);
        let r = decode(&mut d, &deep(20)).unwrap().unwrap();
        assert_eq!(r.get(0), &Value::Null);
        let r = decode(&mut d, &deep(41)).unwrap().unwrap();
        assert_eq!(r.get(0), &Value::text("v"));
        let mixed = r#"{"a.a":{"a":{"a.a.a":"w"}}}"#;
        let mut d = decoder(&["a.a.a.a.a.a"], false);
        assert_eq!(
            decode(&mut d, mixed).unwrap().unwrap().get(0),
            &Value::text("w")
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
            // Keys as long as a wanted one, or sharing its first eight bytes.
            r#"{"dest_pore":"21","dest_port":"22","bytes_out":"21","dest_por":"21"}"#,
            r#"{"dest_port":"21","dest_porT":"22","Dest_port":"22","dest_portt":"22"}"#,
            // A wanted key written with escapes, before and after the plain one.
            r#"{"dest_\u0070ort":"22","dest_port":"21"}"#,
            r#"{"x":"a\\b","dest_port":"21","dest_porT":"22"}"#,
            r#"{"dest_port":"21","x":1,"\u0064est_port":"22"}"#,
            r#"{"src":"a","dest_port":"21","src":"b","\u0073rc":"c","src_":"d"}"#,
            // Wanted keys ending the line, too near its end to be read as whole words.
            r#"{"x":"1","dest_port":21}"#,
            r#"{"x":"1","s":2}"#,
            r#"{"a":1,"":2}"#,
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
            // With an early filter on `dest_port`: the same records pass as a full parse
            // followed by the filter.
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
