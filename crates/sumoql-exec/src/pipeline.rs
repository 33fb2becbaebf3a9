//! The pipeline: a chain of stages with the run's context.

use sumoql_functions::CallContext;
use sumoql_plan::{Operator, Plan};
use sumoql_value::time::Zone;
use sumoql_value::{Record, Schema, Warnings};

use sumoql_plan::{PlanExpr, ScopeFilter};
use sumoql_value::SlotId;

use crate::guard::EarlyGuard;
use crate::stages::{
    holds, row_stage, state_stage, AggregateStage, AssignStage, CompareStage, ExtractStage,
    FilterStage, GroupFilter, JoinStage, KeepStage, LimitStage, RemoveStage, SortStage, Stage,
};

/// What to do with records whose group-by key is null (D2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NullGroups {
    /// They form the group whose key is null (the default).
    #[default]
    Keep,
    /// They are left out, as Splunk does.
    Drop,
}

/// Settings of one run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Null group keys (D2).
    pub null_groups: NullGroups,
    /// The zone for date functions (`--tz`).
    pub zone: Zone,
    /// "Now", in epoch milliseconds, fixed for the run.
    pub now_ms: i64,
    /// The time window of the run (`--from`/`--to`, `--last`), start and end in epoch
    /// milliseconds, for `queryStartTime()` and `queryEndTime()`.
    pub window: (Option<i64>, Option<i64>),
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            null_groups: NullGroups::Keep,
            zone: Zone::utc(),
            now_ms: 0,
            window: (None, None),
        }
    }
}

/// The checks a record meets before anything else happens to it: the scope and the `where`
/// stages that open the query. Readers decode the fields these read first, and skip the rest
/// of a record that fails them.
#[derive(Clone)]
pub struct EarlyFilter {
    scope: ScopeFilter,
    conditions: Vec<PlanExpr>,
    slots: Vec<SlotId>,
}

impl EarlyFilter {
    /// The scope and leading `where` stages of `plan`, with the number of operators taken.
    fn of(plan: &Plan) -> (EarlyFilter, usize) {
        let conditions: Vec<PlanExpr> = plan
            .operators
            .iter()
            .map_while(|operator| match operator {
                Operator::Filter(condition) => Some(condition.clone()),
                _ => None,
            })
            .collect();
        let mut slots = Vec::new();
        plan.scope.collect_slots(&mut slots);
        for condition in &conditions {
            condition.collect_slots(&mut slots);
        }
        let taken = conditions.len();
        (
            EarlyFilter {
                scope: plan.scope.clone(),
                conditions,
                slots,
            },
            taken,
        )
    }

    /// The fields the filter reads.
    pub fn slots(&self) -> &[SlotId] {
        &self.slots
    }

    /// The part of the filter a reader can judge on a line's raw texts, if any.
    pub fn line_guard(&self) -> Option<EarlyGuard> {
        EarlyGuard::of(&self.scope, &self.conditions)
    }

    /// Whether `record` passes; a record an IP function drops counts its warning (D4).
    pub fn admits(&self, record: &Record, ctx: &mut CallContext) -> bool {
        if !self.scope.matches(record) {
            return false;
        }
        self.conditions
            .iter()
            .all(|condition| holds(condition, record, ctx))
    }
}

/// How many groups of a merged aggregation go through the tail at a time.
const AGGREGATED_BATCH: usize = 1024;

/// A running query, or one part of it: push records in, take result records out.
///
/// A whole query is one pipeline ([`Pipeline::new`]). To run on several threads, a query
/// splits where its first stage that needs all the records stands: each worker runs a
/// [`Pipeline::worker`] over its share of the input (ending in a partial aggregation when that
/// stage aggregates), and one [`Pipeline::tail`] runs the rest over the workers' output.
pub struct Pipeline {
    early: EarlyFilter,
    stages: Vec<Box<dyn Stage>>,
    /// A worker's partial aggregation, fed by the last stage instead of the output.
    partial: Option<AggregateStage>,
    /// In a tail after an aggregation whose first stage is a `where`: that condition, for the
    /// merged aggregation to judge its groups with before making them.
    group_filter: Option<GroupFilter>,
    ctx: CallContext,
    output: Vec<Record>,
    /// The batch of groups a merged aggregation emits, reused from batch to batch.
    aggregated: Vec<Record>,
}

/// Where a plan splits for parallel runs: the operators before `at` handle records one by one;
/// `aggregate` tells whether the operator at `at` is an aggregation that workers can compute
/// in part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// The index of the first operator that is not row-local.
    pub at: usize,
    /// Whether that operator is an aggregation.
    pub aggregate: bool,
}

impl Split {
    /// The split of `plan`.
    pub fn of(plan: &Plan) -> Split {
        let at = plan
            .operators
            .iter()
            .position(|operator| !operator.is_row_local())
            .unwrap_or(plan.operators.len());
        Split {
            at,
            aggregate: matches!(plan.operators.get(at), Some(Operator::Aggregate { .. })),
        }
    }
}

impl Pipeline {
    /// The whole of `plan`, run in one thread.
    pub fn new(plan: &Plan, options: RunOptions) -> Pipeline {
        let (early, taken) = EarlyFilter::of(plan);
        Pipeline::build(
            early,
            stages_for(&plan.schema, &plan.operators[taken..], &options),
            None,
            options,
        )
    }

    /// The part of `plan` a worker runs on its share of the input: the early filter, the
    /// row-local stages, and a partial aggregation when the query aggregates next.
    pub fn worker(plan: &Plan, options: RunOptions) -> Pipeline {
        let split = Split::of(plan);
        let (early, taken) = EarlyFilter::of(plan);
        let stages = stages_for(
            &plan.schema,
            &plan.operators[taken.min(split.at)..split.at],
            &options,
        );
        let partial = match plan.operators.get(split.at) {
            Some(Operator::Aggregate { keys, aggregates }) => Some(AggregateStage::new(
                keys.clone(),
                aggregates.clone(),
                plan.schema.len(),
                options.null_groups,
            )),
            _ => None,
        };
        Pipeline::build(early, stages, partial, options)
    }

    /// The part of `plan` after the workers' share: every stage from the split on (after the
    /// aggregation, when workers aggregate in part). It admits every record.
    pub fn tail(plan: &Plan, options: RunOptions) -> Pipeline {
        let split = Split::of(plan);
        let from = if split.aggregate {
            split.at + 1
        } else {
            split.at
        };
        let early = EarlyFilter {
            scope: ScopeFilter::All,
            conditions: Vec::new(),
            slots: Vec::new(),
        };
        let mut tail = Pipeline::build(
            early,
            stages_for(&plan.schema, &plan.operators[from..], &options),
            None,
            options,
        );
        if let (true, Some(Operator::Filter(condition))) =
            (split.aggregate, plan.operators.get(from))
        {
            tail.group_filter = Some(GroupFilter::new(condition.clone()));
        }
        tail
    }

    fn build(
        early: EarlyFilter,
        stages: Vec<Box<dyn Stage>>,
        partial: Option<AggregateStage>,
        options: RunOptions,
    ) -> Pipeline {
        Pipeline {
            early,
            stages,
            partial,
            group_filter: None,
            ctx: CallContext {
                zone: options.zone,
                now_ms: options.now_ms,
                window: options.window,
                warnings: Warnings::new(),
                position: 0,
            },
            output: Vec::new(),
            aggregated: Vec::new(),
        }
    }

    /// The early filter, for readers that decode its fields first.
    pub fn early_filter(&self) -> &EarlyFilter {
        &self.early
    }

    /// Whether `record` passes the early filter (counting any warning it causes).
    pub fn admits(&mut self, record: &Record) -> bool {
        self.early.admits(record, &mut self.ctx)
    }

    /// Pushes one record through the early filter and every streaming stage.
    pub fn push(&mut self, record: Record) {
        if self.admits(&record) {
            self.push_admitted(record);
        }
    }

    /// Sets where the records pushed next stand in the whole input (see
    /// [`CallContext::position`]).
    pub fn set_position(&mut self, position: u64) {
        self.ctx.position = position;
    }

    /// Pushes a record that has passed the early filter.
    pub fn push_admitted(&mut self, record: Record) {
        if let (true, Some(aggregate)) = (self.stages.is_empty(), &mut self.partial) {
            // A worker that only aggregates (`* | count by f`): no batch to allocate.
            aggregate.push(record, &mut self.output, &mut self.ctx);
            return;
        }
        let mut batch = vec![record];
        self.run_from(0, &mut batch);
    }

    /// Pushes `batch` through the stages from `first` on; what comes out of the last stage is
    /// kept as output, or aggregated in part by a worker.
    fn run_from(&mut self, first: usize, batch: &mut Vec<Record>) {
        let mut next = Vec::new();
        for stage in &mut self.stages[first..] {
            if batch.is_empty() {
                return;
            }
            for record in batch.drain(..) {
                stage.push(record, &mut next, &mut self.ctx);
            }
            std::mem::swap(batch, &mut next);
        }
        match &mut self.partial {
            Some(aggregate) => {
                for record in batch.drain(..) {
                    aggregate.push(record, &mut next, &mut self.ctx);
                }
            }
            // A batch at least as roomy as the empty output becomes it, without a copy of its
            // records; the output's room stays with the caller for the next batch.
            None if self.output.is_empty() && batch.capacity() >= self.output.capacity() => {
                std::mem::swap(&mut self.output, batch);
            }
            None => self.output.append(batch),
        }
    }

    /// A record a worker's partial aggregation is done with, for the reader to fill again
    /// instead of allocating one.
    pub fn take_spent_record(&mut self) -> Option<Record> {
        self.partial.as_mut()?.take_added_record()
    }

    /// The records that have come out of the pipeline so far, taken one by one; the room they
    /// took stays for the next ones, so a run emitting many batches allocates it once.
    pub fn drain_output(&mut self) -> std::vec::Drain<'_, Record> {
        self.output.drain(..)
    }

    /// Takes the records that have come out of the pipeline so far (streaming queries).
    pub fn take_output(&mut self) -> Vec<Record> {
        std::mem::take(&mut self.output)
    }

    /// Takes the warnings counted so far, those of every record pushed into a partial
    /// aggregation included.
    pub fn take_warnings(&mut self) -> Warnings {
        if let Some(aggregate) = &mut self.partial {
            aggregate.add_pending(&mut self.ctx);
        }
        std::mem::take(&mut self.ctx.warnings)
    }

    /// Ends the input: each stage in turn emits what it held, which flows through the stages
    /// after it. Returns the remaining output. A worker's partial aggregation is left for
    /// [`Pipeline::take_partial`].
    pub fn finish(&mut self) -> Vec<Record> {
        for i in 0..self.stages.len() {
            let mut emitted = Vec::new();
            self.stages[i].finish(&mut emitted, &mut self.ctx);
            self.run_from(i + 1, &mut emitted);
        }
        self.take_output()
    }

    /// A worker's partial aggregation, to merge with the other workers'.
    pub fn take_partial(&mut self) -> Option<AggregateStage> {
        let mut partial = self.partial.take()?;
        partial.add_pending(&mut self.ctx);
        Some(partial)
    }

    /// Finishes `merged` (the workers' partial aggregations merged in input order) and pushes
    /// its groups through this tail.
    pub fn push_aggregated(&mut self, mut merged: AggregateStage) {
        while self.push_aggregated_batch(&mut merged) {}
    }

    /// Pushes the next batch of `merged`'s groups through this tail; says whether groups
    /// remain. Taking the output between batches keeps few result records in memory at once.
    pub fn push_aggregated_batch(&mut self, merged: &mut AggregateStage) -> bool {
        let mut groups = std::mem::take(&mut self.aggregated);
        let filter = self.group_filter.as_ref();
        let more = merged.emit(&mut groups, &mut self.ctx, AGGREGATED_BATCH, filter);
        // The groups come out judged by the first stage's condition: they skip that stage.
        let first = usize::from(filter.is_some());
        self.run_from(first, &mut groups);
        self.aggregated = groups;
        more
    }

    /// The warnings counted so far by stages and function calls.
    pub fn warnings(&self) -> &Warnings {
        &self.ctx.warnings
    }
}

/// The physical stages of `operators` over records of `schema`, in order.
pub(crate) fn stages_for(
    schema: &Schema,
    operators: &[Operator],
    options: &RunOptions,
) -> Vec<Box<dyn Stage>> {
    let width = schema.len();
    operators
        .iter()
        .enumerate()
        .map(|(index, operator)| -> Box<dyn Stage> {
            match operator {
                Operator::Filter(condition) => Box::new(FilterStage::new(condition.clone())),
                Operator::Assign { slot, expr } => Box::new(AssignStage::new(*slot, expr.clone())),
                Operator::Aggregate { keys, aggregates } => Box::new(AggregateStage::new(
                    keys.clone(),
                    aggregates.clone(),
                    width,
                    options.null_groups,
                )),
                Operator::Keep(slots) => Box::new(KeepStage::new(slots.clone(), schema)),
                Operator::Remove(slots) => Box::new(RemoveStage::new(slots.clone())),
                Operator::Sort(keys) => {
                    let limit = match operators.get(index + 1) {
                        Some(Operator::Limit(n)) => Some(*n),
                        _ => None,
                    };
                    Box::new(SortStage::new(keys.clone(), limit))
                }
                Operator::Limit(n) => Box::new(LimitStage::new(*n)),
                Operator::Extract {
                    source,
                    extractor,
                    nodrop,
                    chain,
                } => Box::new(ExtractStage::new(
                    *source,
                    extractor.clone(),
                    *nodrop,
                    *chain,
                    schema,
                )),
                Operator::Rows(row) => row_stage(row, schema),
                Operator::Join(join) => Box::new(JoinStage::new(join, schema, options)),
                Operator::State(state) => state_stage(state, schema, options),
                Operator::Compare(compare) => Box::new(CompareStage::new(compare.clone(), width)),
            }
        })
        .collect()
}
