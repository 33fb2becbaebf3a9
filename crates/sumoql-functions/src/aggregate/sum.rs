//! `sum(f)` and `avg(f)`, which share one exact running sum.

use std::any::Any;

use super::exact_sum::NumericSum;
use super::{first_argument, same_kind};
use crate::prelude::*;

/// `sum(f)`: the total of the numeric values of `f`.
#[derive(Debug)]
pub struct Sum;

impl AggregateFunction for Sum {
    fn name(&self) -> &'static str {
        "sum"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the total of its argument's numeric values in the group: numbers, and text that \
         is clearly a number; other text and nulls are skipped. When every value is an integer \
         and the exact total fits in 64 bits the result is that integer; otherwise (a float \
         among the values, or a total too large) it is a float, the exact total rounded once, \
         so it does not depend on the order of the records. Over no numeric values the result \
         is null."
    }

    fn default_name(&self) -> &'static str {
        "_sum"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[
            aggregate_example!(
                "sum(x)",
                [r#"{"x":"2"}"#, r#"{"x":3}"#, r#"{"x":"n/a"}"#],
                r#"{"_sum":5}"#
            ),
            aggregate_example!("sum(x)", [r#"{}"#], r#"{"_sum":null}"#),
        ]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(SumAccumulator::new(Reading::Total))
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(|| {
            SumAccumulator::new(Reading::Total)
        })))
    }
}

/// `avg(f)`: the mean of the numeric values of `f`.
#[derive(Debug)]
pub struct Avg;

impl AggregateFunction for Avg {
    fn name(&self) -> &'static str {
        "avg"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the mean of its argument's numeric values in the group (numbers, and text that \
         is clearly a number; other text and nulls are skipped) as a float: the exact total \
         rounded once, divided by the count, so it does not depend on the order of the records. \
         Over no numeric values the result is null."
    }

    fn default_name(&self) -> &'static str {
        "_avg"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "avg(x)",
            [r#"{"x":"1"}"#, r#"{"x":2}"#, r#"{"x":null}"#],
            r#"{"_avg":1.5}"#
        )]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(SumAccumulator::new(Reading::Mean))
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(|| {
            SumAccumulator::new(Reading::Mean)
        })))
    }
}

/// What the running sum finishes as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    /// The total, for `sum`.
    Total,
    /// The total divided by the count, for `avg`.
    Mean,
}

/// The exact running sum of the numeric values.
#[derive(Debug)]
struct SumAccumulator {
    reading: Reading,
    sum: NumericSum,
}

impl SumAccumulator {
    fn new(reading: Reading) -> SumAccumulator {
        SumAccumulator {
            reading,
            sum: NumericSum::default(),
        }
    }
}

impl Accumulator for SumAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        if let Some(n) = first_argument(args).as_number() {
            self.sum.add(n);
        }
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        self.sum.merge(&same_kind::<SumAccumulator>(other)?.sum);
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        match (self.reading, self.sum.count()) {
            (_, 0) => Value::Null,
            (Reading::Total, _) => self.sum.total().map_or(Value::Null, Value::from_number),
            (Reading::Mean, count) => Value::Float(self.sum.total_f64() / count as f64),
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::run_split;

    #[test]
    fn sums_numbers_and_numeric_text() {
        let values = [
            Value::text("2"),
            Value::Int(3),
            Value::text("x"),
            Value::Null,
            Value::Bool(true),
        ];
        assert_eq!(run_split(&Sum, &values), Value::Int(5));
        let values = [Value::text("0.1"), Value::text("0.2"), Value::Int(1)];
        assert_eq!(run_split(&Sum, &values), Value::Float(1.3));
    }

    #[test]
    fn integer_overflow_turns_to_float() {
        let values = [Value::Int(i64::MAX), Value::Int(i64::MAX), Value::Int(-5)];
        assert_eq!(
            run_split(&Sum, &values),
            Value::Float(2.0 * i64::MAX as f64)
        );
        let values = [Value::Int(i64::MAX), Value::Int(1), Value::Int(-1)];
        assert_eq!(run_split(&Sum, &values), Value::Int(i64::MAX));
    }

    #[test]
    fn averages_numeric_values() {
        let values = [
            Value::text("1"),
            Value::Int(2),
            Value::text("n/a"),
            Value::Null,
        ];
        assert_eq!(run_split(&Avg, &values), Value::Float(1.5));
        let values = [Value::Float(0.1), Value::Float(0.2), Value::Float(0.3)];
        assert_eq!(run_split(&Avg, &values), Value::Float(0.6 / 3.0));
        let values = [Value::Int(i64::MAX), Value::Int(i64::MAX)];
        assert_eq!(run_split(&Avg, &values), Value::Float(i64::MAX as f64));
    }

    #[test]
    fn nothing_numeric_gives_null() {
        for function in [&Sum as &dyn AggregateFunction, &Avg] {
            assert_eq!(
                run_split(function, &[Value::text("a"), Value::Null]),
                Value::Null
            );
            assert_eq!(run_split(function, &[]), Value::Null);
        }
    }
}
