//! Lines that are not JSON objects (syslog and vendor text) as records: `_raw` holds the line,
//! and the syslog header, when there is one, gives `_messageTime` and `_sourceHost`.
//!
//! Field extraction from the text is left to extraction rules run over these records.

use sumoql_value::{Record, SlotId, Value};

use super::metadata::MetadataOptions;
use super::syslog::{parse_header, SyslogHeader};

/// Whether a line is read raw rather than as JSON: its first non-blank byte is not `{`. A
/// line that starts with `{` but is not valid JSON stays a malformed JSON line.
pub fn is_raw_line(line: &[u8]) -> bool {
    line.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b != b'{')
}

/// Builds records of one plan's width from raw lines. Cheap to clone; one per thread.
#[derive(Clone, Debug)]
pub struct RawLineDecoder {
    width: usize,
    raw: Option<SlotId>,
    time: Option<SlotId>,
    receipt: Option<SlotId>,
    host: Option<SlotId>,
    category: Option<SlotId>,
    source_name: Option<SlotId>,
    metadata: MetadataOptions,
}

impl RawLineDecoder {
    /// A decoder for records of `width` slots, filling the metadata fields among `fields`.
    pub fn new(fields: &[(String, SlotId)], width: usize, metadata: MetadataOptions) -> Self {
        let slot_of = |name: &str| fields.iter().find(|(n, _)| n == name).map(|&(_, s)| s);
        RawLineDecoder {
            width,
            raw: slot_of("_raw"),
            time: slot_of("_messageTime"),
            receipt: slot_of("_receiptTime"),
            host: slot_of("_sourceHost"),
            category: slot_of("_sourceCategory"),
            source_name: slot_of("_sourceName"),
            metadata,
        }
    }

    /// The metadata options the decoder fills records with.
    pub fn metadata(&self) -> &MetadataOptions {
        &self.metadata
    }

    /// The syslog header of `text`, read with the run's "now" and zone.
    pub fn header(&self, text: &str) -> SyslogHeader {
        parse_header(text, self.metadata.receipt_time_ms, &self.metadata.zone)
    }

    /// The record of a raw line: `_raw`, `_messageTime` (the header's time, else the receipt
    /// time), `_sourceHost`, `_receiptTime`, `_sourceName`, and `_sourceCategory` (`category`,
    /// else the run's default).
    pub fn decode(
        &self,
        text: &str,
        header: &SyslogHeader,
        source_name: &str,
        category: Option<&str>,
    ) -> Record {
        let mut record = Record::with_width(self.width);
        let mut set = |slot: Option<SlotId>, value: Value| {
            if let Some(slot) = slot {
                record.set(slot, value);
            }
        };
        set(self.raw, Value::text(text));
        let time = header.time_ms.unwrap_or(self.metadata.receipt_time_ms);
        set(self.time, Value::Int(time));
        set(self.receipt, Value::Int(self.metadata.receipt_time_ms));
        if let Some(host) = &header.host {
            set(self.host, Value::text(host));
        }
        set(self.source_name, Value::text(source_name));
        if let Some(category) = category.or(self.metadata.source_category.as_deref()) {
            set(self.category, Value::text(category));
        }
        record
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lines_are_those_not_starting_with_a_brace() {
        assert!(is_raw_line(b"<13>Jan  1 00:00:00 host x"));
        assert!(is_raw_line(b"  date=2024-01-01 devid=x"));
        assert!(!is_raw_line(b"  {\"a\":1}"));
        assert!(!is_raw_line(b"{bad"));
        assert!(!is_raw_line(b"   "));
    }

    #[test]
    fn a_raw_record_carries_the_line_and_its_header() {
        let fields = [
            ("_raw".to_string(), 0),
            ("_messageTime".to_string(), 1),
            ("_sourceHost".to_string(), 2),
            ("_sourceCategory".to_string(), 3),
        ];
        let decoder = RawLineDecoder::new(&fields, 4, MetadataOptions::default());
        let line = "<134>Mar  4 2024 10:15:02 fw1 : %ASA-6-302013: Built";
        let record = decoder.decode(line, &decoder.header(line), "a.log", Some("net/asa"));
        assert_eq!(record.get(0), &Value::text(line));
        assert_eq!(record.get(1), &Value::Int(1_709_547_302_000));
        assert_eq!(record.get(2), &Value::text("fw1"));
        assert_eq!(record.get(3), &Value::text("net/asa"));
        let bare = decoder.decode("text", &decoder.header("text"), "a.log", None);
        assert_eq!(bare.get(1), &Value::Int(0));
        assert!(bare.get(2).is_null() && bare.get(3).is_null());
    }
}
