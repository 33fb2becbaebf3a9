//! The pipeline: a chain of stages with the run's context.

use sumoql_functions::CallContext;
use sumoql_plan::{Operator, Plan};
use sumoql_value::time::Zone;
use sumoql_value::{Record, Warnings};

use crate::stages::{
    row_stage, AggregateStage, AssignStage, ExtractStage, FilterStage, KeepStage, LimitStage,
    RemoveStage, ScopeStage, SortStage, Stage,
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

/// A running query: push records in, take result records out.
pub struct Pipeline {
    stages: Vec<Box<dyn Stage>>,
    ctx: CallContext,
    output: Vec<Record>,
}

impl Pipeline {
    /// Builds the stages of `plan`, the scope filter first.
    pub fn new(plan: &Plan, options: RunOptions) -> Pipeline {
        let width = plan.schema.len();
        let mut stages: Vec<Box<dyn Stage>> = vec![Box::new(ScopeStage::new(plan.scope.clone()))];
        for operator in &plan.operators {
            let stage: Box<dyn Stage> = match operator {
                Operator::Filter(condition) => Box::new(FilterStage::new(condition.clone())),
                Operator::Assign { slot, expr } => Box::new(AssignStage::new(*slot, expr.clone())),
                Operator::Aggregate { keys, aggregates } => Box::new(AggregateStage::new(
                    keys.clone(),
                    aggregates.clone(),
                    width,
                    options.null_groups,
                )),
                Operator::Keep(slots) => Box::new(KeepStage::new(slots.clone(), &plan.schema)),
                Operator::Remove(slots) => Box::new(RemoveStage::new(slots.clone())),
                Operator::Sort(keys) => Box::new(SortStage::new(keys.clone())),
                Operator::Limit(n) => Box::new(LimitStage::new(*n)),
                Operator::Extract {
                    source,
                    extractor,
                    nodrop,
                } => Box::new(ExtractStage::new(
                    *source,
                    extractor.clone(),
                    *nodrop,
                    &plan.schema,
                )),
                Operator::Rows(row) => row_stage(row, width),
            };
            stages.push(stage);
        }
        Pipeline {
            stages,
            ctx: CallContext {
                zone: options.zone,
                now_ms: options.now_ms,
                window: options.window,
                warnings: Warnings::new(),
            },
            output: Vec::new(),
        }
    }

    /// Pushes one record through every streaming stage.
    pub fn push(&mut self, record: Record) {
        let mut batch = vec![record];
        self.run_from(0, &mut batch);
    }

    /// Pushes `batch` through the stages from `first` on; what comes out of the last stage is
    /// kept as output.
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
        self.output.append(batch);
    }

    /// Takes the records that have come out of the pipeline so far (streaming queries).
    pub fn take_output(&mut self) -> Vec<Record> {
        std::mem::take(&mut self.output)
    }

    /// Ends the input: each stage in turn emits what it held, which flows through the stages
    /// after it. Returns the remaining output.
    pub fn finish(&mut self) -> Vec<Record> {
        for i in 0..self.stages.len() {
            let mut emitted = Vec::new();
            self.stages[i].finish(&mut emitted, &mut self.ctx);
            self.run_from(i + 1, &mut emitted);
        }
        self.take_output()
    }

    /// The warnings counted so far by stages and function calls.
    pub fn warnings(&self) -> &Warnings {
        &self.ctx.warnings
    }
}
