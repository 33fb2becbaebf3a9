//! `trace`: the records linked to a starting ID through a chain of IDs found together.

use std::collections::HashSet;

use sumoql_functions::CallContext;
use sumoql_plan::Trace;
use sumoql_value::Record;

use crate::stages::order::{newest_first, oldest_first};
use crate::stages::Stage;

/// Holds the records until the input ends, then follows the chain through them.
pub(crate) struct TraceStage {
    plan: Trace,
    held: Vec<Record>,
}

impl TraceStage {
    pub(crate) fn new(plan: Trace) -> TraceStage {
        TraceStage {
            plan,
            held: Vec::new(),
        }
    }

    /// The IDs in `record`'s `_raw`: each match's first group.
    fn ids_of(&self, record: &Record) -> Vec<String> {
        let Some(raw) = record.get(self.plan.raw).to_text() else {
            return Vec::new();
        };
        self.plan
            .regex
            .captures_iter(&raw)
            .filter_map(|captures| captures.get(1))
            .map(|id| id.as_str().to_string())
            .collect()
    }
}

impl Stage for TraceStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut records = std::mem::take(&mut self.held);
        if self.plan.backward {
            newest_first(&mut records, self.plan.time);
        } else {
            oldest_first(&mut records, self.plan.time);
        }
        let mut chain: HashSet<String> = HashSet::from([self.plan.start.clone()]);
        let mut kept = Vec::new();
        for record in records {
            let ids = self.ids_of(&record);
            if ids.iter().any(|id| chain.contains(id)) {
                chain.extend(ids);
                kept.push(record);
            }
        }
        newest_first(&mut kept, self.plan.time);
        out.extend(kept);
    }
}
