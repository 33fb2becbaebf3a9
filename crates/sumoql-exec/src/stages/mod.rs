//! The physical stages, one per plan operator, all behind the one [`Stage`] trait.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use sumoql_functions::{Accumulator, CallContext};
use sumoql_plan::{AggregateSpec, PlanExpr, SortSpec};
use sumoql_value::{GroupKey, Record, Schema, SlotId, SourceField, Value};

use crate::pipeline::NullGroups;

mod extract;
mod rows;

pub(crate) use extract::ExtractStage;
pub(crate) use rows::row_stage;

/// One step of a running pipeline. Streaming stages emit from `push`; blocking stages hold
/// records and emit from `finish`.
pub trait Stage: Send {
    /// Takes one record, emitting zero or more into `out`.
    fn push(&mut self, record: Record, out: &mut Vec<Record>, ctx: &mut CallContext);
    /// The input has ended: emit anything held.
    fn finish(&mut self, _out: &mut Vec<Record>, _ctx: &mut CallContext) {}
}

/// `where`: keeps a record only when its condition is true (D5).
pub(crate) struct FilterStage {
    condition: PlanExpr,
}

impl FilterStage {
    pub(crate) fn new(condition: PlanExpr) -> FilterStage {
        FilterStage { condition }
    }
}

impl Stage for FilterStage {
    fn push(&mut self, record: Record, out: &mut Vec<Record>, ctx: &mut CallContext) {
        match self.condition.evaluate(&record, ctx) {
            Ok(value) if value.truth() == Some(true) => out.push(record),
            Ok(_) => {}
            Err(dropped) => ctx.warn(dropped.0),
        }
    }
}

/// `expr as name` and `eval name = expr`.
pub(crate) struct AssignStage {
    slot: SlotId,
    expr: PlanExpr,
}

impl AssignStage {
    pub(crate) fn new(slot: SlotId, expr: PlanExpr) -> AssignStage {
        AssignStage { slot, expr }
    }
}

impl Stage for AssignStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, ctx: &mut CallContext) {
        match self.expr.evaluate(&record, ctx) {
            Ok(value) => {
                record.set(self.slot, value);
                out.push(record);
            }
            Err(dropped) => ctx.warn(dropped.0),
        }
    }
}

/// Aggregation: one set of accumulators per group key; groups come out in ascending key order
/// (D18). Workers each aggregate their share of the input; [`AggregateStage::merge`] joins
/// their states.
pub struct AggregateStage {
    keys: Vec<SlotId>,
    aggregates: Vec<AggregateSpec>,
    width: usize,
    null_groups: NullGroups,
    groups: HashMap<GroupKey, Vec<Box<dyn Accumulator>>>,
    /// Each aggregate's evaluated arguments for the record at hand, reused from record to
    /// record.
    arguments: Vec<Vec<Value>>,
}

impl AggregateStage {
    pub(crate) fn new(
        keys: Vec<SlotId>,
        aggregates: Vec<AggregateSpec>,
        width: usize,
        null_groups: NullGroups,
    ) -> AggregateStage {
        AggregateStage {
            keys,
            aggregates,
            width,
            null_groups,
            groups: HashMap::new(),
            arguments: Vec::new(),
        }
    }
}

impl AggregateStage {
    /// Adds the groups of `other` (a later share of the input) to these.
    pub fn merge(&mut self, other: AggregateStage) {
        for (key, theirs) in other.groups {
            match self.groups.entry(key) {
                Entry::Occupied(mut entry) => {
                    for (mine, theirs) in entry.get_mut().iter_mut().zip(&theirs) {
                        // Both stages come from one plan: their accumulators are of the same kinds.
                        let merged = mine.merge(theirs.as_ref());
                        debug_assert!(merged.is_ok(), "partial aggregates of one plan");
                    }
                }
                Entry::Vacant(entry) => {
                    entry.insert(theirs);
                }
            }
        }
    }
}

impl Stage for AggregateStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        let key = GroupKey(
            self.keys
                .iter()
                .map(|&slot| record.get(slot).clone())
                .collect(),
        );
        if self.null_groups == NullGroups::Drop && key.0.iter().any(Value::is_null) {
            return;
        }
        // Evaluate every argument first, so a dropped record (D4) touches no accumulator.
        self.arguments.resize_with(self.aggregates.len(), Vec::new);
        for (spec, values) in self.aggregates.iter().zip(&mut self.arguments) {
            values.clear();
            for arg in &spec.args {
                match arg.evaluate(&record, ctx) {
                    Ok(value) => values.push(value),
                    Err(dropped) => {
                        ctx.warn(dropped.0);
                        return;
                    }
                }
            }
        }
        let aggregates = &self.aggregates;
        let accumulators = self.groups.entry(key).or_insert_with(|| {
            aggregates
                .iter()
                .map(|spec| spec.function.accumulator())
                .collect()
        });
        for (accumulator, values) in accumulators.iter_mut().zip(&self.arguments) {
            accumulator.update(values, ctx);
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let mut groups: Vec<(GroupKey, Vec<Box<dyn Accumulator>>)> = self.groups.drain().collect();
        if groups.is_empty() && self.keys.is_empty() {
            // An aggregation with no `by` over no records still gives one row (count = 0).
            groups.push((
                GroupKey::default(),
                self.aggregates
                    .iter()
                    .map(|spec| spec.function.accumulator())
                    .collect(),
            ));
        }
        // Group keys are distinct, so an unstable sort gives the one order.
        groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, accumulators) in groups {
            let mut record = Record::with_width(self.width);
            for (&slot, value) in self.keys.iter().zip(key.0) {
                record.set(slot, value);
            }
            for (spec, accumulator) in self.aggregates.iter().zip(accumulators) {
                record.set(spec.output, accumulator.finish(ctx));
            }
            out.push(record);
        }
    }
}

/// `fields a, b`: clears every other field (D17), except those whose names start with `_`,
/// which pass through for later stages (Sumo's allow-list rule) though the result does not
/// show them.
pub(crate) struct KeepStage {
    keep: Vec<bool>,
}

impl KeepStage {
    pub(crate) fn new(slots: Vec<SlotId>, schema: &Schema) -> KeepStage {
        let mut keep: Vec<bool> = schema
            .iter()
            .map(|(_, name)| name.starts_with('_'))
            .collect();
        for slot in slots {
            keep[slot] = true;
        }
        KeepStage { keep }
    }
}

impl Stage for KeepStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        for (value, &keep) in record.slots.iter_mut().zip(&self.keep) {
            if !keep {
                *value = Value::Null;
            }
        }
        record.source.clear();
        out.push(record);
    }
}

/// `fields - a, b`: clears the named fields.
pub(crate) struct RemoveStage {
    slots: Vec<SlotId>,
}

impl RemoveStage {
    pub(crate) fn new(slots: Vec<SlotId>) -> RemoveStage {
        RemoveStage { slots }
    }
}

impl Stage for RemoveStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        for &slot in &self.slots {
            record.set(slot, Value::Null);
        }
        record
            .source
            .retain(|field| !matches!(field, SourceField::Slot(s) if self.slots.contains(s)));
        out.push(record);
    }
}

/// `sort`: a stable sort under the order of D18, emitted at the end.
pub(crate) struct SortStage {
    keys: Vec<SortSpec>,
    held: Vec<Record>,
}

impl SortStage {
    pub(crate) fn new(keys: Vec<SortSpec>) -> SortStage {
        SortStage {
            keys,
            held: Vec::new(),
        }
    }
}

impl Stage for SortStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let keys = &self.keys;
        self.held.sort_by(|a, b| {
            for key in keys {
                let order = a.get(key.slot).sort_cmp(b.get(key.slot));
                let order = if key.ascending {
                    order
                } else {
                    order.reverse()
                };
                if order.is_ne() {
                    return order;
                }
            }
            std::cmp::Ordering::Equal
        });
        out.append(&mut self.held);
    }
}

/// `limit n`: passes the first `n` records.
pub(crate) struct LimitStage {
    remaining: u64,
}

impl LimitStage {
    pub(crate) fn new(n: u64) -> LimitStage {
        LimitStage { remaining: n }
    }
}

impl Stage for LimitStage {
    fn push(&mut self, record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        if self.remaining > 0 {
            self.remaining -= 1;
            out.push(record);
        }
    }
}
