//! Aggregate functions and their accumulators, one file each (or one small family per file).

use std::sync::Arc;

use sumoql_value::Value;

use crate::{Accumulator, AggregateFunction, MismatchedAccumulator};

mod count;
mod count_distinct;
mod count_frequent;
mod exact_sum;
mod extreme;
mod first_last;
mod numbers;
mod percentile;
mod recent;
mod stddev;
mod sum;
mod values;

pub use count::Count;
pub use count_distinct::CountDistinct;
pub use count_frequent::CountFrequent;
pub use extreme::{Max, Min};
pub use first_last::{First, Last};
pub use percentile::{Median, Pct};
pub use recent::{with_time, LeastRecent, MostRecent};
pub use stddev::Stddev;
pub use sum::{Avg, Sum};
pub use values::Values;

/// Every standard aggregate function.
pub fn all() -> Vec<Arc<dyn AggregateFunction>> {
    vec![
        Arc::new(Count),
        Arc::new(CountDistinct),
        Arc::new(Sum),
        Arc::new(Avg),
        Arc::new(Min),
        Arc::new(Max),
        Arc::new(Values),
        Arc::new(CountFrequent),
        Arc::new(Stddev),
        Arc::new(Pct),
        Arc::new(Median),
        Arc::new(First),
        Arc::new(Last),
        Arc::new(MostRecent),
        Arc::new(LeastRecent),
    ]
}

/// `other` as an accumulator of type `T`, for [`Accumulator::merge`]; merging the states of two
/// different functions is a bug of the caller, reported as [`MismatchedAccumulator`].
fn same_kind<T: 'static>(other: &dyn Accumulator) -> Result<&T, MismatchedAccumulator> {
    other.as_any().downcast_ref().ok_or(MismatchedAccumulator)
}

/// The first argument of an update, null when there is none (the planner checks arity, so
/// that is only a caller's bug, which must not panic).
fn first_argument(args: &[Value]) -> &Value {
    static NULL: Value = Value::Null;
    args.first().unwrap_or(&NULL)
}

/// The text form that tells distinct values apart; null has none.
fn distinct_key(value: &Value) -> Option<Arc<str>> {
    match value {
        Value::Text(text) => Some(Arc::clone(text)),
        other => other.to_text().map(Arc::from),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers that run an aggregate over values, in one pass or split and merged.

    use sumoql_value::Value;

    use crate::{AggregateFunction, CallContext};

    /// The result over `values` (one argument each) in one accumulator, and the warnings.
    pub(crate) fn run(function: &dyn AggregateFunction, values: &[Value]) -> (Value, CallContext) {
        let mut ctx = CallContext::default();
        let mut accumulator = function.accumulator();
        for value in values {
            accumulator.update(std::slice::from_ref(value), &mut ctx);
        }
        let result = accumulator.finish(&mut ctx);
        (result, ctx)
    }

    /// Asserts that every split of `values` into two accumulators, merged either way, gives the
    /// one-pass result; returns that result.
    pub(crate) fn run_split(function: &dyn AggregateFunction, values: &[Value]) -> Value {
        let (expected, _) = run(function, values);
        let mut ctx = CallContext::default();
        for split in 0..=values.len() {
            for reversed in [false, true] {
                let (mut first, mut second) = (function.accumulator(), function.accumulator());
                for value in values[..split].iter().rev() {
                    first.update(std::slice::from_ref(value), &mut ctx);
                }
                for value in &values[split..] {
                    second.update(std::slice::from_ref(value), &mut ctx);
                }
                if reversed {
                    std::mem::swap(&mut first, &mut second);
                }
                first.merge(second.as_ref()).expect("same function");
                let merged = first.finish(&mut ctx);
                let (mut got, mut want) = (String::new(), String::new());
                merged.write_json(&mut got);
                expected.write_json(&mut want);
                assert_eq!(got, want, "{} split at {split}", function.name());
            }
        }
        expected
    }
}
