//! Metadata fields of records read from local logs (D9).

use sumoql_value::time::{parse_timestamp_ms, Zone};

/// Keys tried, in order, for a record's time when it has no `_messageTime` key.
pub const TIMESTAMP_KEYS: [&str; 5] = ["timestamp", "@timestamp", "time", "_time", "eventTime"];

/// How readers fill metadata for records that do not carry it.
#[derive(Clone, Debug)]
pub struct MetadataOptions {
    /// `_sourceCategory` for records without one (`--source-category`).
    pub source_category: Option<String>,
    /// The read time in epoch milliseconds: `_receiptTime`, and `_messageTime` when a record
    /// has no usable timestamp.
    pub receipt_time_ms: i64,
    /// The zone of timestamps written without one.
    pub zone: Zone,
    /// Keep only records whose `_messageTime` is in `[from, to)` (`--from/--to/--last`).
    pub window: Option<(Option<i64>, Option<i64>)>,
}

impl Default for MetadataOptions {
    fn default() -> MetadataOptions {
        MetadataOptions {
            source_category: None,
            receipt_time_ms: 0,
            zone: Zone::utc(),
            window: None,
        }
    }
}

impl MetadataOptions {
    /// Whether `time_ms` is inside the time window (always, without one).
    pub fn in_window(&self, time_ms: i64) -> bool {
        match self.window {
            None => true,
            Some((from, to)) => from.is_none_or(|f| time_ms >= f) && to.is_none_or(|t| time_ms < t),
        }
    }

    /// Reads a timestamp value: epoch numbers by magnitude or ISO-8601 text.
    pub fn parse_time(&self, text: &str) -> Option<i64> {
        parse_timestamp_ms(text, &self.zone)
    }
}
