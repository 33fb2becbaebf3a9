//! `first(x)` and `last(x)`: the ends of the record order, which over log records is Sumo's
//! (newest first) and after a `sort` or an aggregation the order that stage made.

use std::any::Any;

use super::{first_argument, same_kind};
use crate::prelude::*;

/// `first(x)`: the first non-null value of `x` in the group, in the record order.
#[derive(Debug)]
pub struct First;

impl AggregateFunction for First {
    fn name(&self) -> &'static str {
        "first"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the first non-null value of its argument in the group, in Sumo's order: over \
         log records that is newest first (by `_messageTime`, equal times in input order), so \
         `first` is the most recent value, as `most_recent` gives; after a `sort` (or over the \
         rows of an earlier aggregation) it is the first in that order. The value keeps its \
         kind. Over no non-null values the result is null."
    }

    fn default_name(&self) -> &'static str {
        "_first"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "first(user) by host",
            [
                r#"{"host":"a","user":null}"#,
                r#"{"host":"a","user":"ann"}"#,
                r#"{"host":"b","user":"bob"}"#,
                r#"{"host":"a","user":"al"}"#,
            ],
            "{\"host\":\"a\",\"_first\":\"ann\"}\n{\"host\":\"b\",\"_first\":\"bob\"}"
        )]
    }

    fn in_message_order(&self) -> Option<&'static str> {
        Some("most_recent")
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(EndAccumulator::new(End::First))
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(|| EndAccumulator::new(End::First))))
    }
}

/// `last(x)`: the last non-null value of `x` in the group, in the record order.
#[derive(Debug)]
pub struct Last;

impl AggregateFunction for Last {
    fn name(&self) -> &'static str {
        "last"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the last non-null value of its argument in the group, in Sumo's order: over \
         log records the oldest value (the last in input order among equal times), as \
         `least_recent` gives; after a `sort` the last in that order (see `first`). The value \
         keeps its kind. Over no non-null values the result is null."
    }

    fn default_name(&self) -> &'static str {
        "_last"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "last(user)",
            [r#"{"user":"ann"}"#, r#"{"user":"bob"}"#, r#"{"user":null}"#,],
            r#"{"_last":"bob"}"#
        )]
    }

    fn in_message_order(&self) -> Option<&'static str> {
        Some("least_recent")
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(EndAccumulator::new(End::Last))
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(|| EndAccumulator::new(End::Last))))
    }
}

/// Which end of the order records arrive in the accumulator keeps (after a `sort`, or over
/// aggregated rows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    First,
    Last,
}

/// The kept value.
#[derive(Debug)]
struct EndAccumulator {
    end: End,
    /// The value kept, with its position in the input.
    kept: Option<(u64, Value)>,
}

impl EndAccumulator {
    fn new(end: End) -> EndAccumulator {
        EndAccumulator { end, kept: None }
    }

    /// Offers a value at `position`, offered after every value seen so far: at an equal
    /// position it counts as the later one.
    fn offer(&mut self, position: u64, value: &Value) {
        if value.is_null() {
            return;
        }
        let replaces = match (&self.kept, self.end) {
            (None, _) => true,
            (Some((kept, _)), End::First) => position < *kept,
            (Some((kept, _)), End::Last) => position >= *kept,
        };
        if replaces {
            self.kept = Some((position, value.clone()));
        }
    }
}

impl Accumulator for EndAccumulator {
    fn update(&mut self, args: &[Value], ctx: &mut CallContext) {
        self.offer(ctx.position, first_argument(args));
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        if let Some((position, value)) = &same_kind::<EndAccumulator>(other)?.kept {
            self.offer(*position, value);
        }
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        self.kept
            .as_ref()
            .map_or(Value::Null, |(_, value)| value.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::run;

    /// Parts of the input may be aggregated out of order (by parallel workers): the input
    /// position, not the merge order, decides.
    #[test]
    fn merge_goes_by_input_position() {
        for (function, expected) in [(&First as &dyn AggregateFunction, "early"), (&Last, "late")] {
            let mut ctx = CallContext::default();
            let (mut merged, mut earlier) = (function.accumulator(), function.accumulator());
            ctx.position = 9;
            merged.update(&[Value::text("late")], &mut ctx);
            ctx.position = 2;
            earlier.update(&[Value::text("early")], &mut ctx);
            merged.merge(earlier.as_ref()).expect("same function");
            assert_eq!(merged.finish(&mut ctx), Value::text(expected));
        }
    }

    /// Runs `function` over `values` split in two at every point, the later half merged into
    /// the earlier, and checks each gives `expected`.
    fn check_in_order(function: &dyn AggregateFunction, values: &[Value], expected: &Value) {
        assert_eq!(&run(function, values).0, expected);
        let mut ctx = CallContext::default();
        for split in 0..=values.len() {
            let (mut earlier, mut later) = (function.accumulator(), function.accumulator());
            for value in &values[..split] {
                earlier.update(std::slice::from_ref(value), &mut ctx);
            }
            for value in &values[split..] {
                later.update(std::slice::from_ref(value), &mut ctx);
            }
            earlier.merge(later.as_ref()).expect("same function");
            assert_eq!(&earlier.finish(&mut ctx), expected, "split at {split}");
        }
    }

    #[test]
    fn ends_of_the_input_order_skipping_nulls() {
        let values = [Value::Null, Value::text("a"), Value::Int(2), Value::Null];
        check_in_order(&First, &values, &Value::text("a"));
        check_in_order(&Last, &values, &Value::Int(2));
        check_in_order(&First, &[Value::Null], &Value::Null);
        check_in_order(&Last, &[], &Value::Null);
    }

    #[test]
    fn merging_another_function_is_refused() {
        let mut first = First.accumulator();
        let count = crate::aggregate::Count.accumulator();
        assert_eq!(first.merge(count.as_ref()), Err(MismatchedAccumulator));
    }
}
