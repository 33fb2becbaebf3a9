//! `withtime f`: each record's value of `f` paired with the record's time in `f_withtime`.

use sumoql_functions::aggregate::with_time;
use sumoql_functions::CallContext;
use sumoql_plan::Withtime;
use sumoql_value::{Record, Value};

use crate::stages::order::time_of;
use crate::stages::Stage;

/// Sets `f_withtime` on each record as it comes: null when the value or the time is missing.
pub(crate) struct WithtimeStage {
    plan: Withtime,
}

impl WithtimeStage {
    pub(crate) fn new(plan: Withtime) -> WithtimeStage {
        WithtimeStage { plan }
    }
}

impl Stage for WithtimeStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let value = record.get(self.plan.field);
        let paired = match time_of(&record, self.plan.time) {
            Some(time) if !value.is_null() => with_time(value, time),
            _ => Value::Null,
        };
        record.set(self.plan.output, paired);
        out.push(record);
    }
}
