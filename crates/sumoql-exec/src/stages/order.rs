//! The orders of records in time that the state and join operators sort by themselves, so
//! that their results never depend on the order records arrive in.

use std::cmp::Ordering;

use sumoql_value::{Record, SlotId};

/// Sorts `records` newest first by `time`, Sumo's order; records of the same time keep their
/// order, and records without a time come last.
pub(crate) fn newest_first(records: &mut [Record], time: SlotId) {
    records.sort_by(|a, b| by_time(a, b, time).reverse());
}

/// Sorts `records` oldest first by `time`; records of the same time keep their order, and
/// records without a time come first (D18's ascending order).
pub(crate) fn oldest_first(records: &mut [Record], time: SlotId) {
    records.sort_by(|a, b| by_time(a, b, time));
}

fn by_time(a: &Record, b: &Record, time: SlotId) -> Ordering {
    a.get(time).sort_cmp(b.get(time))
}

/// A record's time in epoch milliseconds, when it has one.
pub(crate) fn time_of(record: &Record, time: SlotId) -> Option<i64> {
    record.get(time).as_number().map(|n| n.as_f64() as i64)
}
