//! `count_distinct(f)`.

use std::any::Any;
use std::collections::HashSet;

use super::{distinct_key, first_argument, same_kind};
use crate::prelude::*;

/// `count_distinct(f)`: how many different non-null values `f` takes.
#[derive(Debug)]
pub struct CountDistinct;

impl AggregateFunction for CountDistinct {
    fn name(&self) -> &'static str {
        "count_distinct"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the exact number of different non-null values of its argument in the group, as \
         an integer; values are told apart by their text form, so \"01\" and \"1\" are two \
         values. Nulls are not counted; over no values the result is 0."
    }

    fn default_name(&self) -> &'static str {
        "_count_distinct"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "count_distinct(a)",
            [r#"{"a":"x"}"#, r#"{"a":"y"}"#, r#"{"a":"x"}"#, r#"{}"#],
            r#"{"_count_distinct":2}"#
        )]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(CountDistinctAccumulator::default())
    }
}

/// The distinct text forms seen.
#[derive(Debug, Default)]
struct CountDistinctAccumulator {
    seen: HashSet<Arc<str>>,
}

impl Accumulator for CountDistinctAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        if let Some(key) = distinct_key(first_argument(args)) {
            self.seen.insert(key);
        }
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        let other = same_kind::<CountDistinctAccumulator>(other)?;
        self.seen.extend(other.seen.iter().cloned());
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        Value::Int(self.seen.len() as i64)
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
    fn counts_distinct_text_forms() {
        let values = [
            Value::text("a"),
            Value::text("b"),
            Value::text("a"),
            Value::Null,
            Value::text("1"),
            Value::Int(1),
            Value::text("01"),
        ];
        assert_eq!(run_split(&CountDistinct, &values), Value::Int(4));
        assert_eq!(run_split(&CountDistinct, &[Value::Null]), Value::Int(0));
    }
}
