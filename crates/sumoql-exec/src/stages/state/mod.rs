//! The stages of the operators that follow records through time and state, one file each.

mod filter_in;
mod merge;
mod predict;
mod sessionize;
mod trace;
mod transaction;
mod transactionize;
mod withtime;

use sumoql_plan::StateOperator;
use sumoql_value::Schema;

use super::Stage;
use crate::pipeline::RunOptions;

/// The stage that runs `operator` over records of `schema`.
pub(crate) fn state_stage(
    operator: &StateOperator,
    schema: &Schema,
    options: &RunOptions,
) -> Box<dyn Stage> {
    match operator {
        StateOperator::Transactionize(group) => Box::new(transactionize::TransactionizeStage::new(
            group.clone(),
            schema,
            options,
        )),
        StateOperator::Merge(merge) => {
            Box::new(merge::MergeStage::new(merge.clone(), schema.len()))
        }
        StateOperator::Transaction(transaction) => Box::new(transaction::TransactionStage::new(
            transaction.clone(),
            schema.len(),
        )),
        StateOperator::Sessionize(sessionize) => {
            Box::new(sessionize::SessionizeStage::new(sessionize.clone()))
        }
        StateOperator::Trace(trace) => Box::new(trace::TraceStage::new(trace.clone())),
        StateOperator::Filter(filter) => Box::new(filter_in::FilterInStage::new(
            filter.clone(),
            schema,
            options,
        )),
        StateOperator::Predict(predict) => {
            Box::new(predict::PredictStage::new(*predict, schema.len()))
        }
        StateOperator::Withtime(withtime) => Box::new(withtime::WithtimeStage::new(*withtime)),
    }
}
