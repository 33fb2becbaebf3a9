//! `count` and `count(f)`.

use std::any::Any;

use super::same_kind;
use crate::prelude::*;

/// `count` counts records; `count(f)` counts the records where `f` is not null.
#[derive(Debug)]
pub struct Count;

impl AggregateFunction for Count {
    fn name(&self) -> &'static str {
        "count"
    }

    fn signature(&self) -> Signature {
        Signature::between(0, 1)
    }

    fn doc(&self) -> &'static str {
        "Without an argument, returns how many records the group has; with one, how many of them \
         have a non-null value for it. The result is an integer, 0 over no records."
    }

    fn default_name(&self) -> &'static str {
        "_count"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[
            aggregate_example!("count", [r#"{"a":"x"}"#, r#"{}"#], r#"{"_count":2}"#),
            aggregate_example!(
                "count(a) by b",
                [
                    r#"{"a":"x","b":"1"}"#,
                    r#"{"b":"1"}"#,
                    r#"{"a":null,"b":"2"}"#
                ],
                "{\"b\":\"1\",\"_count\":1}\n{\"b\":\"2\",\"_count\":0}"
            ),
        ]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(CountAccumulator::default())
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(CountAccumulator::default)))
    }
}

/// How many records (or non-null values) were seen.
#[derive(Debug, Default)]
pub(super) struct CountAccumulator {
    count: i64,
}

impl Accumulator for CountAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        if !matches!(args.first(), Some(Value::Null)) {
            self.count += 1;
        }
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        self.count += same_kind::<CountAccumulator>(other)?.count;
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        Value::Int(self.count)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::{run, run_split};

    #[test]
    fn counts_non_null_values() {
        let values = [
            Value::text("a"),
            Value::Null,
            Value::text(""),
            Value::Int(0),
        ];
        assert_eq!(run_split(&Count, &values), Value::Int(3));
        assert_eq!(run(&Count, &[]).0, Value::Int(0));
    }

    #[test]
    fn without_an_argument_counts_every_record() {
        let mut ctx = CallContext::default();
        let mut accumulator = Count.accumulator();
        for _ in 0..3 {
            accumulator.update(&[], &mut ctx);
        }
        assert_eq!(accumulator.finish(&mut ctx), Value::Int(3));
    }
}
