//! `threatip` and `threatlookup`: fields from the threat indicators matching a field.

use sumoql_functions::CallContext;
use sumoql_plan::{ThreatIntel, ThreatLookup, ThreatMode};
use sumoql_value::{Record, Value};

use crate::stages::Stage;

/// Sets the threat fields from the best match, or one row per match; a record whose field
/// matches nothing (or is null) passes with the fields null.
pub(crate) struct ThreatStage {
    lookup: ThreatLookup,
}

impl ThreatStage {
    pub(crate) fn new(lookup: ThreatLookup) -> ThreatStage {
        ThreatStage { lookup }
    }
}

impl Stage for ThreatStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let value = record
            .get(self.lookup.field)
            .to_text()
            .map(|t| t.into_owned());
        let candidates = value
            .as_deref()
            .map_or_else(Vec::new, |v| self.lookup.candidates(v));
        let each = matches!(self.lookup.mode, ThreatMode::Lookup { single: false, .. });
        if each && !candidates.is_empty() {
            for indicator in &candidates {
                let mut row = record.clone();
                for &(field, slot) in &self.lookup.outputs {
                    row.set(slot, field.value(indicator, candidates.len()));
                }
                out.push(row);
            }
            return;
        }
        let best = ThreatIntel::best(&candidates);
        for &(field, slot) in &self.lookup.outputs {
            let value = best.map_or(Value::Null, |indicator| {
                field.value(indicator, candidates.len())
            });
            record.set(slot, value);
        }
        out.push(record);
    }
}
