//! The physical stages, one per plan operator, all behind the one [`Stage`] trait.

use sumoql_functions::CallContext;
use sumoql_plan::{PlanExpr, SortSpec};
use sumoql_value::{Record, Schema, SlotId, SourceField, Value};

mod aggregate;
mod chain;
mod compare;
mod extract;
mod group_table;
mod join;
mod order;
mod rows;
mod state;

pub use aggregate::AggregateStage;
pub(crate) use aggregate::GroupFilter;
pub(crate) use compare::CompareStage;
pub(crate) use extract::ExtractStage;
pub(crate) use join::JoinStage;
pub(crate) use rows::row_stage;
pub(crate) use state::state_stage;

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
        if holds(&self.condition, &record, ctx) {
            out.push(record);
        }
    }
}

/// Whether `condition` is true for `record` (D5); a record an IP function drops counts its
/// warning (D4).
pub(crate) fn holds(condition: &PlanExpr, record: &Record, ctx: &mut CallContext) -> bool {
    match condition.evaluate(record, ctx) {
        Ok(value) => value.truth() == Some(true),
        Err(dropped) => {
            ctx.warn(dropped.0);
            false
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

/// `sort`: a stable sort under the order of D18, emitted at the end. Followed by `limit n`, it
/// holds only the `n` first records in the sort's order (and as many again before it sorts
/// them down), so `sort | limit` and `limit` over log records take bounded memory.
pub(crate) struct SortStage {
    keys: Vec<SortSpec>,
    /// How many records the sort's output is cut to, when a `limit` follows.
    kept: Option<usize>,
    held: Vec<Record>,
}

impl SortStage {
    pub(crate) fn new(keys: Vec<SortSpec>, kept: Option<u64>) -> SortStage {
        SortStage {
            keys,
            kept: kept.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            held: Vec::new(),
        }
    }

    /// Sorts the records held (stably, so equal ones stay in arrival order) and keeps those a
    /// following `limit` lets through.
    fn sort_held(&mut self) {
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
        if let Some(kept) = self.kept {
            self.held.truncate(kept);
        }
    }
}

impl Stage for SortStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        if self.kept == Some(0) {
            return;
        }
        self.held.push(record);
        if self
            .kept
            .is_some_and(|kept| self.held.len() >= kept.saturating_mul(2).max(1024))
        {
            self.sort_held();
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.sort_held();
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
