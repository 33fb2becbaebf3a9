//! `stddev(x)`.

use std::any::Any;

use super::exact_sum::NumericSum;
use super::numbers::NumericValues;
use super::{first_argument, same_kind};
use crate::prelude::*;

/// `stddev(x)`: the sample standard deviation of the numeric values of `x`.
#[derive(Debug)]
pub struct Stddev;

impl AggregateFunction for Stddev {
    fn name(&self) -> &'static str {
        "stddev"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the sample standard deviation (divided by n - 1) of its argument's numeric values \
         in the group: numbers, and text that is clearly a number; other text and nulls are \
         skipped. The result is a float, computed in two exact passes (the mean, then the sum \
         of squared deviations, each rounded once), so it does not depend on the order of the \
         records. Over one value it is 0; over no numeric values, null."
    }

    fn default_name(&self) -> &'static str {
        "_stddev"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[
            aggregate_example!(
                "stddev(x)",
                [
                    r#"{"x":"2"}"#,
                    r#"{"x":"4"}"#,
                    r#"{"x":"4"}"#,
                    r#"{"x":"5"}"#,
                    r#"{"x":"n/a"}"#,
                    r#"{"x":"5"}"#,
                ],
                r#"{"_stddev":1.224744871391589}"#
            ),
            aggregate_example!("stddev(x)", [r#"{"x":7}"#], r#"{"_stddev":0}"#),
            aggregate_example!("stddev(x)", [r#"{}"#], r#"{"_stddev":null}"#),
        ]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(StddevAccumulator::default())
    }
}

/// The numeric values seen.
#[derive(Debug, Default)]
struct StddevAccumulator {
    values: NumericValues,
}

impl Accumulator for StddevAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        self.values.offer(first_argument(args));
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        self.values
            .merge(&same_kind::<StddevAccumulator>(other)?.values);
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        let values = self.values.sorted();
        let mut total = NumericSum::default();
        for &n in &values {
            total.add(n);
        }
        let count = values.len();
        if count == 0 {
            return Value::Null;
        }
        let mean = total.total_f64() / count as f64;
        let mut squares = NumericSum::default();
        for n in &values {
            let deviation = n.as_f64() - mean;
            squares.add(Number::Float(deviation * deviation));
        }
        let spread = if count == 1 {
            0.0
        } else {
            (squares.total_f64() / (count - 1) as f64).sqrt()
        };
        Value::Float(spread)
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
    fn sample_deviation_of_numeric_values() {
        let values = ["2", "4", "4", "4", "5", "5", "7", "9"].map(Value::text);
        let Value::Float(result) = run_split(&Stddev, &values) else {
            panic!("a float")
        };
        assert!((result - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
        let values = [Value::Int(3), Value::text("x"), Value::Null];
        assert_eq!(run_split(&Stddev, &values), Value::Float(0.0));
        assert_eq!(run_split(&Stddev, &[Value::Null]), Value::Null);
    }

    #[test]
    fn large_offsets_keep_their_precision() {
        let values = [1, 2, 3].map(|i| Value::Int(1_700_000_000_000 + i));
        assert_eq!(run_split(&Stddev, &values), Value::Float(1.0));
    }
}
