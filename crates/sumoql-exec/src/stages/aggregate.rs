//! The aggregation stage: groups in a [`GroupTable`], the aggregates' states column by column.

use std::collections::VecDeque;

use sumoql_functions::aggregate::Count;
use sumoql_functions::{Accumulator, AggregateFunction, CallContext, GroupStates};
use sumoql_plan::{AggregateSpec, PlanExpr};
use sumoql_value::{hash_group_key, Record, SlotId, Value};

use super::group_table::{prefetch, GroupTable, PREFETCH_DISTANCE};
use super::{holds, Stage};
use crate::pipeline::NullGroups;

/// Aggregation: one state per aggregate per group; groups come out in ascending key order
/// (D18). Workers each aggregate their share of the input; [`AggregateStage::merge`] joins
/// their states.
pub struct AggregateStage {
    keys: Vec<SlotId>,
    aggregates: Vec<AggregateSpec>,
    width: usize,
    null_groups: NullGroups,
    groups: GroupTable,
    /// One column per aggregate, holding its state for each group.
    columns: Vec<Column>,
    /// Each aggregate's evaluated arguments for the record at hand, reused from record to
    /// record.
    arguments: Vec<Vec<Value>>,
    /// Records pushed but not yet added, at most twice [`PREFETCH_DISTANCE`], oldest first:
    /// a record's bucket is fetched when it is pushed, its group's key and states when it is
    /// halfway through, so that they are in the cache when it is added.
    pending: VecDeque<Pending>,
    /// The last record added, which the reader may take back to fill again
    /// ([`AggregateStage::take_added_record`]).
    added: Option<Record>,
    /// Once emitting has begun, the groups still to emit.
    emitting: Option<Emitting>,
}

/// A record waiting to be added to its group.
struct Pending {
    record: Record,
    /// The hash of its key.
    hash: u64,
    /// Where it stands in the input ([`CallContext::position`]) when it was pushed.
    position: u64,
}

/// The groups an aggregation has still to emit, in key order, and what judging them with a
/// following `where` made.
struct Emitting {
    order: std::vec::IntoIter<usize>,
    /// With a filter: the groups it admitted, in the order they were added.
    admitted: Vec<usize>,
    /// The results the filter read, `stride` for each admitted group, in aggregate order.
    results: Vec<Value>,
    stride: usize,
}

impl Emitting {
    /// The results the filter read for `group` (none without a filter).
    fn judged_results(&mut self, group: usize) -> std::slice::IterMut<'_, Value> {
        let row = match self.admitted.binary_search(&group) {
            Ok(position) => position * self.stride..(position + 1) * self.stride,
            Err(_) => 0..0,
        };
        self.results[row].iter_mut()
    }
}

/// The states of one aggregate, group by group.
enum Column {
    /// `count` without an argument: the number of records, with no accumulator to allocate.
    Counts(Vec<i64>),
    /// An aggregate that keeps its groups' states side by side.
    States(Box<dyn GroupStates>),
    /// Any other aggregate: its accumulator for each group.
    Accumulators(Vec<Box<dyn Accumulator>>),
}

impl Column {
    /// An empty column for `spec`.
    fn for_spec(spec: &AggregateSpec) -> Column {
        if spec.args.is_empty() && spec.function.name() == Count.name() {
            Column::Counts(Vec::new())
        } else if let Some(states) = spec.function.group_states() {
            Column::States(states)
        } else {
            Column::Accumulators(Vec::new())
        }
    }

    /// Adds the state of a new group.
    fn add_group(&mut self, function: &dyn AggregateFunction) {
        match self {
            Column::Counts(counts) => counts.push(0),
            Column::States(states) => states.add_group(),
            Column::Accumulators(accumulators) => accumulators.push(function.accumulator()),
        }
    }

    /// Has the state of `group` fetched into the cache, without waiting for it (see
    /// [`PREFETCH_DISTANCE`]); only for counts, whose state is in the column itself.
    fn prefetch(&self, group: usize) {
        if let Column::Counts(counts) = self {
            prefetch(&counts[group]);
        }
    }

    /// Adds one record's arguments to `group`'s state.
    fn update(&mut self, group: usize, arguments: &[Value], ctx: &mut CallContext) {
        match self {
            Column::Counts(counts) => counts[group] += 1,
            Column::States(states) => states.update(group, arguments, ctx),
            Column::Accumulators(accumulators) => accumulators[group].update(arguments, ctx),
        }
    }

    /// Adds the states of `other` (a later share of the input): its group `g` is this
    /// column's group `targets[g]`, which is new when it is `first_new` or above; the
    /// `new_groups` new groups come in the order of `other`'s.
    fn merge(&mut self, other: Column, targets: &[usize], first_new: usize, new_groups: usize) {
        match (self, other) {
            (Column::Counts(mine), Column::Counts(theirs)) => {
                mine.reserve_exact(new_groups);
                for (&target, count) in targets.iter().zip(theirs) {
                    if target < first_new {
                        mine[target] += count;
                    } else {
                        mine.push(count);
                    }
                }
            }
            (Column::States(mine), Column::States(theirs)) => {
                mine.reserve(new_groups);
                let merged = mine.merge(theirs, targets, first_new);
                debug_assert!(merged.is_ok(), "partial aggregates of one plan");
            }
            (Column::Accumulators(mine), Column::Accumulators(theirs)) => {
                mine.reserve_exact(new_groups);
                for (&target, accumulator) in targets.iter().zip(theirs) {
                    if target < first_new {
                        // Both stages come from one plan: their accumulators are of one kind.
                        let merged = mine[target].merge(accumulator.as_ref());
                        debug_assert!(merged.is_ok(), "partial aggregates of one plan");
                    } else {
                        mine.push(accumulator);
                    }
                }
            }
            // Both stages come from one plan, so their columns are of one kind.
            _ => {}
        }
    }

    /// The result for `group`.
    fn finish(&self, group: usize, ctx: &mut CallContext) -> Value {
        match self {
            Column::Counts(counts) => Value::Int(counts[group]),
            Column::States(states) => states.finish(group, ctx),
            Column::Accumulators(accumulators) => accumulators[group].finish(ctx),
        }
    }

    /// Counts the warnings [`Column::finish`] would count for `group`.
    fn finish_warnings(&self, group: usize, ctx: &mut CallContext) {
        match self {
            Column::Counts(_) => {}
            Column::States(states) => states.finish_warnings(group, ctx),
            Column::Accumulators(accumulators) => accumulators[group].finish_warnings(ctx),
        }
    }
}

impl AggregateStage {
    pub(crate) fn new(
        keys: Vec<SlotId>,
        aggregates: Vec<AggregateSpec>,
        width: usize,
        null_groups: NullGroups,
    ) -> AggregateStage {
        let columns = aggregates.iter().map(Column::for_spec).collect();
        let arguments = vec![Vec::new(); aggregates.len()];
        AggregateStage {
            groups: GroupTable::new(keys.len()),
            keys,
            aggregates,
            width,
            null_groups,
            columns,
            arguments,
            pending: VecDeque::with_capacity(2 * PREFETCH_DISTANCE + 1),
            added: None,
            emitting: None,
        }
    }

    /// Adds the groups of `other` (a later share of the input) to these.
    /// Both must have added every record pushed ([`AggregateStage::add_pending`]).
    pub fn merge(&mut self, mut other: AggregateStage) {
        debug_assert!(self.pending.is_empty() && other.pending.is_empty());
        // First the groups both have, then room for exactly the new ones, which are added in
        // the order of `other`'s (their states are pushed in that order).
        let mut new_groups = 0;
        let mut targets: Vec<Option<usize>> = Vec::with_capacity(other.groups.len());
        let hashes = other.groups.hashes();
        for (group, &hash) in hashes.iter().enumerate() {
            if let Some(&ahead) = hashes.get(group + 2 * PREFETCH_DISTANCE) {
                self.groups.prefetch_bucket(ahead);
            }
            let ahead = hashes.get(group + PREFETCH_DISTANCE);
            if let Some(likely) = ahead.and_then(|&hash| self.groups.likely_group(hash)) {
                self.groups.prefetch_key(likely);
            }
            let found = self.groups.find(hash, other.groups.key(group).iter());
            new_groups += usize::from(found.is_none());
            targets.push(found);
        }
        self.groups.reserve_exact(new_groups);
        let first_new = self.groups.len();
        for (group, target) in targets.iter_mut().enumerate() {
            if target.is_none() {
                let key = other.groups.key(group);
                *target = Some(
                    self.groups
                        .find_or_add(other.groups.hash(group), key.iter())
                        .0,
                );
            }
        }
        let targets: Vec<usize> = targets.into_iter().flatten().collect();
        for (mine, theirs) in self.columns.iter_mut().zip(other.columns.drain(..)) {
            mine.merge(theirs, &targets, first_new, new_groups);
        }
    }

    /// Adds a new group's state to every column.
    fn add_group(&mut self) {
        for (column, spec) in self.columns.iter_mut().zip(&self.aggregates) {
            column.add_group(spec.function.as_ref());
        }
    }
}

impl AggregateStage {
    /// Adds the records pushed so far to their groups.
    pub(crate) fn add_pending(&mut self, ctx: &mut CallContext) {
        while let Some(pending) = self.pending.pop_front() {
            self.add_pending_record(pending, ctx);
        }
    }

    /// Has the key and states of `group` fetched into the cache, without waiting for them.
    fn prefetch_group(&self, group: usize) {
        self.groups.prefetch_key(group);
        for column in &self.columns {
            column.prefetch(group);
        }
    }

    /// Adds a pending record to its group, at the position it was pushed at.
    fn add_pending_record(&mut self, pending: Pending, ctx: &mut CallContext) {
        let position = std::mem::replace(&mut ctx.position, pending.position);
        self.add(&pending.record, pending.hash, ctx);
        ctx.position = position;
        self.added = Some(pending.record);
    }

    /// The last record added to its group, done with: a reader can fill it again rather
    /// than allocate another.
    pub(crate) fn take_added_record(&mut self) -> Option<Record> {
        self.added.take()
    }

    /// Adds `record`, whose key hashes to `hash`, to its group.
    fn add(&mut self, record: &Record, hash: u64, ctx: &mut CallContext) {
        // Evaluate every argument first, so a dropped record (D4) touches no state.
        for (spec, values) in self.aggregates.iter().zip(&mut self.arguments) {
            values.clear();
            for arg in &spec.args {
                match arg.evaluate(record, ctx) {
                    Ok(value) => values.push(value),
                    Err(dropped) => {
                        ctx.warn(dropped.0);
                        return;
                    }
                }
            }
        }
        let key = self.keys.iter().map(|&slot| record.get(slot));
        let (group, added) = self.groups.find_or_add(hash, key);
        if added {
            self.add_group();
        }
        for (column, values) in self.columns.iter_mut().zip(&self.arguments) {
            column.update(group, values, ctx);
        }
    }
}

impl Stage for AggregateStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        let key = self.keys.iter().map(|&slot| record.get(slot));
        if self.null_groups == NullGroups::Drop && key.clone().any(Value::is_null) {
            return;
        }
        let hash = hash_group_key(key);
        self.groups.prefetch_bucket(hash);
        self.pending.push_back(Pending {
            hash,
            position: ctx.position,
            record,
        });
        let halfway = self.pending.len().checked_sub(PREFETCH_DISTANCE + 1);
        let halfway = halfway.and_then(|index| self.groups.likely_group(self.pending[index].hash));
        if let Some(likely) = halfway {
            self.prefetch_group(likely);
        }
        if self.pending.len() > 2 * PREFETCH_DISTANCE {
            if let Some(oldest) = self.pending.pop_front() {
                self.add_pending_record(oldest, ctx);
            }
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        self.emit(out, ctx, usize::MAX, None);
    }
}

/// A `where` right after an aggregation. The aggregation judges each group with it as soon as
/// the fields it reads are made, and makes the rest of a group only when it holds: a group it
/// refuses costs no record, no copied key and no finished aggregate.
pub(crate) struct GroupFilter {
    condition: PlanExpr,
    /// The fields the condition reads.
    slots: Vec<SlotId>,
}

impl GroupFilter {
    /// The filter of `condition`.
    pub(crate) fn new(condition: PlanExpr) -> GroupFilter {
        let mut slots = Vec::new();
        condition.collect_slots(&mut slots);
        GroupFilter { condition, slots }
    }

    fn reads(&self, slot: SlotId) -> bool {
        self.slots.contains(&slot)
    }
}

impl AggregateStage {
    /// Ends the input and emits the next `limit` groups, in ascending key order, into `out`;
    /// says whether groups remain. Emitting a few at a time lets the stages after this one
    /// filter them before the rest are made into records. With a `filter`, only the groups it
    /// admits are emitted, as a [`super::FilterStage`] of its condition would pass them.
    pub(crate) fn emit(
        &mut self,
        out: &mut Vec<Record>,
        ctx: &mut CallContext,
        limit: usize,
        filter: Option<&GroupFilter>,
    ) -> bool {
        let mut emitting = match self.emitting.take() {
            Some(emitting) => emitting,
            None => self.start_emitting(filter, ctx),
        };
        for _ in 0..limit {
            if let Some(&ahead) = emitting.order.as_slice().get(PREFETCH_DISTANCE) {
                self.prefetch_group(ahead);
            }
            let Some(group) = emitting.order.next() else {
                break;
            };
            let mut record = Record::with_width(self.width);
            for (index, &slot) in self.keys.iter().enumerate() {
                record.set(slot, self.groups.take_part(group, index));
            }
            let mut judged = emitting.judged_results(group);
            for (spec, column) in self.aggregates.iter().zip(&self.columns) {
                let value = match filter.is_some_and(|filter| filter.reads(spec.output)) {
                    true => judged.next().map(std::mem::take).unwrap_or_default(),
                    false => column.finish(group, ctx),
                };
                record.set(spec.output, value);
            }
            out.push(record);
        }
        if emitting.order.len() > 0 {
            self.emitting = Some(emitting);
            return true;
        }
        self.groups = GroupTable::new(self.keys.len());
        self.columns = self.aggregates.iter().map(Column::for_spec).collect();
        false
    }

    /// Ends the input: the groups to emit, in key order. With a `filter`, every group is
    /// judged first (in the order groups were added) and only those it admits are sorted.
    fn start_emitting(&mut self, filter: Option<&GroupFilter>, ctx: &mut CallContext) -> Emitting {
        self.add_pending(ctx);
        if self.groups.len() == 0 && self.keys.is_empty() {
            // An aggregation with no `by` over no records still gives one row (count = 0).
            let groups = &mut self.groups;
            groups.find_or_add(hash_group_key([]), std::iter::empty::<&Value>());
            for (column, spec) in self.columns.iter_mut().zip(&self.aggregates) {
                column.add_group(spec.function.as_ref());
            }
        }
        let Some(filter) = filter else {
            return Emitting {
                order: self.groups.sorted_groups().into_iter(),
                admitted: Vec::new(),
                results: Vec::new(),
                stride: 0,
            };
        };
        let stride = self
            .aggregates
            .iter()
            .filter(|spec| filter.reads(spec.output))
            .count();
        let (admitted, results) = self.judge(filter, ctx);
        Emitting {
            order: self.groups.sort(admitted.clone()).into_iter(),
            admitted,
            results,
            stride,
        }
    }

    /// The groups `filter` admits, in the order they were added, each judged on a record of
    /// only the fields the filter reads; with the results the filter read, a row per admitted
    /// group. A refused group counts the warnings of the results left unmade.
    fn judge(&self, filter: &GroupFilter, ctx: &mut CallContext) -> (Vec<usize>, Vec<Value>) {
        let mut record = Record::with_width(self.width);
        let (mut admitted, mut results) = (Vec::new(), Vec::new());
        for group in 0..self.groups.len() {
            for (index, &slot) in self.keys.iter().enumerate() {
                if filter.reads(slot) {
                    record.set(slot, self.groups.part(group, index));
                }
            }
            for (spec, column) in self.aggregates.iter().zip(&self.columns) {
                if filter.reads(spec.output) {
                    record.set(spec.output, column.finish(group, ctx));
                }
            }
            if holds(&filter.condition, &record, ctx) {
                admitted.push(group);
                for spec in &self.aggregates {
                    if filter.reads(spec.output) {
                        results.push(record.get(spec.output).clone());
                    }
                }
            } else {
                for (spec, column) in self.aggregates.iter().zip(&self.columns) {
                    if !filter.reads(spec.output) {
                        column.finish_warnings(group, ctx);
                    }
                }
            }
        }
        (admitted, results)
    }
}
