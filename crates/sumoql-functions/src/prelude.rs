//! Everything a function file needs, in one import: `use crate::prelude::*;`.

pub use std::sync::Arc;

pub use sumoql_value::{parse_number, Number, Value, WarningKind};

pub use crate::example;
pub use crate::{
    Accumulator, AggregateFunction, CallContext, Example, RecordDropped, ScalarFunction, Signature,
};
