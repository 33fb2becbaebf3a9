//! `min(f)` and `max(f)`, which share one accumulator.

use std::any::Any;
use std::cmp::Ordering;

use super::{first_argument, same_kind};
use crate::prelude::*;

/// `min(f)`: the smallest numeric value of `f`.
#[derive(Debug)]
pub struct Min;

impl AggregateFunction for Min {
    fn name(&self) -> &'static str {
        "min"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the smallest of its argument's numeric values in the group: numbers, and text \
         that is clearly a number (compared as numbers, so \"9\" is below \"10\"); other text \
         and nulls are skipped. The result is an integer when the smallest value is one (an \
         integer wins a tie with an equal float), otherwise a float. Over no numeric values the \
         result is null."
    }

    fn default_name(&self) -> &'static str {
        "_min"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "min(x)",
            [r#"{"x":"10"}"#, r#"{"x":"9"}"#, r#"{"x":"n/a"}"#],
            r#"{"_min":9}"#
        )]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(ExtremeAccumulator::new(Direction::Smallest))
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(|| {
            ExtremeAccumulator::new(Direction::Smallest)
        })))
    }
}

/// `max(f)`: the largest numeric value of `f`.
#[derive(Debug)]
pub struct Max;

impl AggregateFunction for Max {
    fn name(&self) -> &'static str {
        "max"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the largest of its argument's numeric values in the group: numbers, and text \
         that is clearly a number (compared as numbers, so \"10\" is above \"9\"); other text \
         and nulls are skipped. The result is an integer when the largest value is one (an \
         integer wins a tie with an equal float), otherwise a float. Over no numeric values the \
         result is null."
    }

    fn default_name(&self) -> &'static str {
        "_max"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "max(x)",
            [r#"{"x":"10"}"#, r#"{"x":"9.5"}"#, r#"{}"#],
            r#"{"_max":10}"#
        )]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(ExtremeAccumulator::new(Direction::Largest))
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(|| {
            ExtremeAccumulator::new(Direction::Largest)
        })))
    }
}

/// Which end of the numbers the accumulator keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Smallest,
    Largest,
}

/// The extreme number seen so far.
#[derive(Debug)]
struct ExtremeAccumulator {
    direction: Direction,
    best: Option<Number>,
}

impl ExtremeAccumulator {
    fn new(direction: Direction) -> ExtremeAccumulator {
        ExtremeAccumulator {
            direction,
            best: None,
        }
    }

    /// Keeps `candidate` if it beats the current extreme. Ties between equal numbers go to an
    /// integer, then by [`f64::total_cmp`], so the result never depends on the order of updates.
    fn offer(&mut self, candidate: Number) {
        let beats = |current: Number| {
            let by_value = match self.direction {
                Direction::Smallest => current.total_cmp(candidate),
                Direction::Largest => candidate.total_cmp(current),
            };
            let tie_break = || match (candidate, current) {
                (Number::Int(_), Number::Float(_)) => Ordering::Greater,
                (Number::Float(_), Number::Int(_)) => Ordering::Less,
                (a, b) => a.as_f64().total_cmp(&b.as_f64()),
            };
            by_value.then_with(tie_break) == Ordering::Greater
        };
        if self.best.is_none_or(beats) {
            self.best = Some(candidate);
        }
    }
}

impl Accumulator for ExtremeAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        if let Some(n) = first_argument(args).as_number() {
            self.offer(n);
        }
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        if let Some(best) = same_kind::<ExtremeAccumulator>(other)?.best {
            self.offer(best);
        }
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        self.best.map_or(Value::Null, Value::from_number)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::run_split;

    fn json(value: &Value) -> String {
        let mut out = String::new();
        value.write_json(&mut out);
        out
    }

    #[test]
    fn compares_numerically_and_keeps_the_kind() {
        let values = [
            Value::text("9"),
            Value::text("10"),
            Value::Float(9.5),
            Value::text("x"),
            Value::Null,
        ];
        assert_eq!(json(&run_split(&Min, &values)), "9");
        assert!(matches!(run_split(&Min, &values), Value::Int(9)));
        assert!(matches!(run_split(&Max, &values), Value::Int(10)));
        let values = [Value::text("-0.5"), Value::Int(-0)];
        assert!(matches!(run_split(&Min, &values), Value::Float(f) if f == -0.5));
    }

    #[test]
    fn integers_win_ties() {
        let values = [Value::Float(3.0), Value::Int(3), Value::text("3.0")];
        assert!(matches!(run_split(&Max, &values), Value::Int(3)));
        assert!(matches!(run_split(&Min, &values), Value::Int(3)));
    }

    #[test]
    fn nothing_numeric_gives_null() {
        assert_eq!(run_split(&Min, &[Value::text("a")]), Value::Null);
        assert_eq!(run_split(&Max, &[]), Value::Null);
    }
}
