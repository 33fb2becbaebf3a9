//! The stages of the operators that follow records through time and state, one file each.

mod transaction;

use sumoql_plan::StateOperator;
use sumoql_value::Schema;

use super::Stage;

/// The stage that runs `operator` over records of `schema`.
pub(crate) fn state_stage(operator: &StateOperator, schema: &Schema) -> Box<dyn Stage> {
    match operator {
        StateOperator::Transaction(transaction) => Box::new(transaction::TransactionStage::new(
            transaction.clone(),
            schema.len(),
        )),
    }
}
