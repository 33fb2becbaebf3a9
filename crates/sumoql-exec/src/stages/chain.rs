//! A pipeline inside a stage: the tables of a `join`, the stages run on each group of
//! `transactionize`, the child query of `filter`. (The lanes of `compare` are runs of their
//! own, before the query.)

use sumoql_functions::CallContext;
use sumoql_plan::Operator;
use sumoql_value::{Record, Schema};

use super::Stage;
use crate::pipeline::{stages_for, RunOptions};

/// The rows that `operators` make of `records`, run as a whole pipeline.
pub(crate) fn run_stages(
    schema: &Schema,
    operators: &[Operator],
    options: &RunOptions,
    records: impl Iterator<Item = Record>,
    ctx: &mut CallContext,
) -> Vec<Record> {
    let mut chain = StageChain::new(stages_for(schema, operators, options));
    let mut rows = Vec::new();
    for record in records {
        chain.push(record, &mut rows, ctx);
    }
    chain.finish(&mut rows, ctx);
    rows
}

/// Stages that records go through in turn, as in a whole pipeline.
pub(crate) struct StageChain {
    stages: Vec<Box<dyn Stage>>,
}

impl StageChain {
    /// The chain of `stages`, in order.
    pub(crate) fn new(stages: Vec<Box<dyn Stage>>) -> StageChain {
        StageChain { stages }
    }

    /// Pushes `record` through every stage; what comes out of the last goes to `out`.
    pub(crate) fn push(&mut self, record: Record, out: &mut Vec<Record>, ctx: &mut CallContext) {
        self.run_from(0, vec![record], out, ctx);
    }

    /// Ends the input: each stage in turn emits what it held into the stages after it.
    pub(crate) fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        for index in 0..self.stages.len() {
            let mut emitted = Vec::new();
            self.stages[index].finish(&mut emitted, ctx);
            self.run_from(index + 1, emitted, out, ctx);
        }
    }

    fn run_from(
        &mut self,
        first: usize,
        mut batch: Vec<Record>,
        out: &mut Vec<Record>,
        ctx: &mut CallContext,
    ) {
        let mut next = Vec::new();
        for stage in &mut self.stages[first..] {
            for record in batch.drain(..) {
                stage.push(record, &mut next, ctx);
            }
            std::mem::swap(&mut batch, &mut next);
        }
        out.append(&mut batch);
    }
}
