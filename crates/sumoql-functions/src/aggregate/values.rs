//! `values(f)`.

use std::any::Any;

use super::{distinct_key, first_argument, same_kind};
use crate::prelude::*;

use sumoql_value::limits::VALUES_PER_GROUP as VALUES_CAP;

/// `values(f)`: the distinct values of `f`, sorted.
#[derive(Debug)]
pub struct Values;

impl AggregateFunction for Values {
    fn name(&self) -> &'static str {
        "values"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the list of the different non-null values of its argument in the group, as \
         text, sorted byte by byte and told apart by their text form. At most 100 are kept: \
         when there are more, the 100 first in that order are returned and the run counts a \
         warning for the group. Over no values the result is an empty list."
    }

    fn default_name(&self) -> &'static str {
        "_values"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "values(a)",
            [r#"{"a":"b"}"#, r#"{"a":"a"}"#, r#"{"a":"b"}"#, r#"{}"#],
            r#"{"_values":["a","b"]}"#
        )]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(ValuesAccumulator::default())
    }

    fn group_states(&self) -> Option<Box<dyn GroupStates>> {
        Some(Box::new(StatesOf::new(ValuesAccumulator::default)))
    }
}

/// The smallest distinct text forms seen, and whether any larger one had to be let go.
///
/// The forms are kept in a vector sorted byte by byte: it holds at most [`VALUES_CAP`] + 1 of
/// them, and most groups see one or two, which a vector stores in one small allocation.
#[derive(Debug, Default)]
struct ValuesAccumulator {
    kept: Vec<Arc<str>>,
    capped: bool,
}

impl ValuesAccumulator {
    fn insert(&mut self, key: Arc<str>) {
        if let Err(at) = self.kept.binary_search(&key) {
            if at == VALUES_CAP {
                // Larger than every kept form, of which there are already enough.
                self.capped = true;
                return;
            }
            if self.kept.len() == self.kept.capacity() {
                // Grow from one: most groups never see a second value.
                self.kept.reserve_exact(self.kept.len().max(1));
            }
            self.kept.insert(at, key);
            if self.kept.len() > VALUES_CAP {
                self.kept.pop();
                self.capped = true;
            }
        }
    }
}

impl Accumulator for ValuesAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        if let Some(key) = distinct_key(first_argument(args)) {
            self.insert(key);
        }
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        let other = same_kind::<ValuesAccumulator>(other)?;
        for key in &other.kept {
            self.insert(Arc::clone(key));
        }
        self.capped |= other.capped;
        Ok(())
    }

    fn finish(&self, ctx: &mut CallContext) -> Value {
        self.finish_warnings(ctx);
        Value::List(
            self.kept
                .iter()
                .map(|key| Value::Text(Arc::clone(key)))
                .collect(),
        )
    }

    fn finish_warnings(&self, ctx: &mut CallContext) {
        if self.capped {
            ctx.warn(WarningKind::ValuesCapped);
        }
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
    fn distinct_sorted_text() {
        let values = [
            Value::text("b"),
            Value::Int(10),
            Value::text("a"),
            Value::Null,
            Value::text("b"),
            Value::Int(9),
        ];
        let expected = ["10", "9", "a", "b"].map(Value::text);
        assert_eq!(run_split(&Values, &values), Value::List(expected.into()));
        assert_eq!(
            run_split(&Values, &[Value::Null]),
            Value::List(Vec::new().into())
        );
    }

    #[test]
    fn keeps_the_smallest_hundred_and_warns_once() {
        let values: Vec<Value> = (0..150)
            .rev()
            .map(|i| Value::text(format!("v{i:03}")))
            .collect();
        let result = run_split(&Values, &values);
        let Value::List(items) = &result else {
            panic!("a list")
        };
        assert_eq!(items.len(), VALUES_CAP);
        assert_eq!(items[0], Value::text("v000"));
        assert_eq!(items[99], Value::text("v099"));
        let (_, ctx) = run(&Values, &values);
        assert_eq!(ctx.warnings.count(WarningKind::ValuesCapped), 1);
        let (_, ctx) = run(&Values, &values[..VALUES_CAP]);
        assert_eq!(ctx.warnings.count(WarningKind::ValuesCapped), 0);
    }
}
