//! The operators that hold state across records, nest pipelines or run the query more than
//! once, refused with their reasons: their SQL would need engine-specific windows, recursion
//! or several queries.

use sumoql_plan::StateOperator;

use crate::SqlError;

/// A subquery: its child runs first and its rows become a condition.
pub(crate) fn subquery() -> SqlError {
    SqlError::new(
        "subquery",
        "its child query runs first and its rows become the condition; run the child on its own and put its rows in the query",
    )
}

/// `join`: each table is a pipeline of its own.
pub(crate) fn join() -> SqlError {
    SqlError::new(
        "join",
        "each table is a pipeline of its own made from the same records, joined in Sumo's record order",
    )
}

/// `compare`, whose lanes are the query run again over earlier time ranges.
pub(crate) fn compare() -> SqlError {
    SqlError::new(
        "compare",
        "each earlier time range is the query run once more over other records; run one SQL query per range and join them",
    )
}

/// An operator that follows records through time and state.
pub(crate) fn state(operator: &StateOperator) -> SqlError {
    let (construct, why) = match operator {
        StateOperator::Transaction(_) => (
            "transaction",
            "it follows each transaction's records in time order from state to state",
        ),
        StateOperator::Transactionize(_) => (
            "transactionize",
            "its groups grow record by record in time order through any shared value, which SQL does not express",
        ),
        StateOperator::Merge(_) => (
            "merge",
            "not translated to SQL yet",
        ),
        StateOperator::Sessionize(_) => (
            "sessionize",
            "its patterns change with the values each session captured, which SQL does not express",
        ),
        StateOperator::Trace(_) => (
            "trace",
            "its chain of IDs grows record by record in time order, which SQL does not express",
        ),
        StateOperator::Filter(_) => (
            "filter",
            "its child query runs over the rows first and its rows become the condition; run the child on its own and put its rows in a `where`",
        ),
        StateOperator::Predict(_) => (
            "predict",
            "its model is fitted over the whole series of rows before any row is written, and it adds slices that no row holds",
        ),
        StateOperator::Withtime(_) => (
            "withtime",
            "not translated to SQL yet",
        ),
    };
    SqlError::new(construct, why)
}
