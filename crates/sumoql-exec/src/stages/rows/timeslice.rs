//! `timeslice 5m`: the start (and end) of the time slice holding `_messageTime`.

use sumoql_functions::CallContext;
use sumoql_value::time::slice_start;
use sumoql_value::{Number, Record, SlotId, Value};

use crate::stages::Stage;

/// Sets the output to the slice start in epoch milliseconds and `end` to the slice end (the
/// start plus the width), or both to null without a time.
pub(crate) struct TimesliceStage {
    time: SlotId,
    output: SlotId,
    end: SlotId,
    width_ms: i64,
}

impl TimesliceStage {
    pub(crate) fn new(time: SlotId, output: SlotId, end: SlotId, width_ms: i64) -> TimesliceStage {
        TimesliceStage {
            time,
            output,
            end,
            width_ms,
        }
    }
}

impl Stage for TimesliceStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let time = match record.get(self.time).as_number() {
            Some(Number::Int(ms)) => Some(ms),
            Some(Number::Float(ms)) if ms.is_finite() && ms.abs() < 9.0e18 => Some(ms as i64),
            _ => None,
        };
        let start = time.and_then(|ms| slice_start(ms, self.width_ms, &ctx.zone));
        let end = start.and_then(|start| start.checked_add(self.width_ms));
        record.set(self.output, start.map_or(Value::Null, Value::Int));
        record.set(self.end, end.map_or(Value::Null, Value::Int));
        out.push(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sumoql_value::time::Zone;

    #[test]
    fn slices_align_to_the_epoch_in_utc() {
        let utc = Zone::utc();
        assert_eq!(
            slice_start(1_700_000_123_456, 300_000, &utc),
            Some(1_700_000_100_000)
        );
        assert_eq!(slice_start(-1, 60_000, &utc), Some(-60_000));
        assert_eq!(
            slice_start(i64::MAX, 86_400_000, &utc),
            Some(i64::MAX - i64::MAX % 86_400_000)
        );
    }

    #[test]
    fn day_slices_follow_the_zone() {
        let kolkata = Zone::parse("Asia/Kolkata").unwrap();
        // 2023-11-14T22:13:20Z is 2023-11-15T03:43:20+05:30: the local day starts at
        // 2023-11-14T18:30:00Z.
        assert_eq!(
            slice_start(1_700_000_000_000, 86_400_000, &kolkata),
            Some(1_699_986_600_000)
        );
    }
}
