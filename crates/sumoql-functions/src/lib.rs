//! The functions of the sumoql dialect: scalar functions (one file each, or one small family
//! per file, under [`scalar`]) and aggregate functions with their [`Accumulator`]s (under
//! [`aggregate`]), collected in a [`Registry`] that the planner is given.
//!
//! Every function carries its documentation and examples; one test runs every example.
//!
//! ```
//! use sumoql_functions::{CallContext, Registry};
//! use sumoql_value::Value;
//!
//! let registry = Registry::standard();
//! let is_private = registry.scalar("isPrivateIP").expect("registered");
//! let mut ctx = CallContext::default();
//! assert_eq!(is_private.call(&[Value::text("10.1.2.3")], &mut ctx), Ok(Value::Bool(true)));
//! ```

pub mod aggregate;
mod group_states;
pub mod java_date;
pub mod prelude;
mod registry;
pub mod scalar;
mod signature;

pub use group_states::{GroupStates, StatesOf};
pub use registry::Registry;
pub use signature::{
    Accumulator, AggregateColumn, AggregateExample, AggregateFunction, CallContext, Example,
    MismatchedAccumulator, RecordDropped, ScalarFunction, Signature,
};
