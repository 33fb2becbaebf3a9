//! Everything a function file needs, in one import: `use crate::prelude::*;`.

pub use std::sync::Arc;

pub use sumoql_value::{parse_number, Number, Value, WarningKind};

pub use crate::{aggregate_example, example};
pub use crate::{
    Accumulator, AggregateColumn, AggregateExample, AggregateFunction, CallContext, Example,
    MismatchedAccumulator, RecordDropped, ScalarFunction, Signature,
};
pub use crate::{GroupStates, StatesOf};
