//! `most_recent(x)` and `least_recent(x)`, which order values by their record's `_messageTime`.

use std::any::Any;
use std::cmp::Ordering;

use serde_json::Value as Json;

use super::same_kind;
use crate::prelude::*;

/// The value `withtime f` gives `f_withtime`: a JSON object of the value and its record's time
/// in epoch milliseconds, `{"value":"up","time":1700000000000}`, which `most_recent` and
/// `least_recent` read back.
pub fn with_time(value: &Value, time_ms: i64) -> Value {
    let mut text = String::from("{\"value\":");
    value.write_json(&mut text);
    text.push_str(&format!(",\"time\":{time_ms}}}"));
    Value::text(text)
}

/// The value and time of a [`with_time`] object: text holding a JSON object with exactly the
/// keys `value` and `time` (a number); `None` for anything else.
fn from_with_time(value: &Value) -> Option<(Value, Number)> {
    let Value::Text(text) = value else {
        return None;
    };
    if !text.starts_with('{') {
        return None;
    }
    let Ok(Json::Object(object)) = serde_json::from_str::<Json>(text) else {
        return None;
    };
    if object.len() != 2 {
        return None;
    }
    let time = match object.get("time")? {
        Json::Number(n) => match n.as_i64() {
            Some(i) => Number::Int(i),
            None => Number::Float(n.as_f64()?),
        },
        _ => return None,
    };
    let inner = match object.get("value")? {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::String(text) => Value::text(text),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => n.as_f64().map_or(Value::Null, Value::Float),
        },
        other => Value::text(other.to_string()),
    };
    Some((inner, time))
}

/// The field the planner passes as the implicit second argument.
const MESSAGE_TIME: [&str; 1] = ["_messageTime"];

/// `most_recent(x)`: the value of `x` in the group's newest record.
#[derive(Debug)]
pub struct MostRecent;

impl AggregateFunction for MostRecent {
    fn name(&self) -> &'static str {
        "most_recent"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the non-null value of its argument in the record of the group with the latest \
         `_messageTime` (records without a time are skipped); between records of the same time, \
         the earlier one in input order: the first in Sumo's newest-first order, as `first` \
         gives over log records. The value keeps its kind. Given a `withtime` field \
         (`most_recent(status_withtime)`), it goes by the time `withtime` paired with each \
         value and returns the value; any other field is timed by its record's \
         `_messageTime`. Over no values the result is null."
    }

    fn default_name(&self) -> &'static str {
        "_mostrecent"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "most_recent(status) by host",
            [
                r#"{"host":"a","status":"up","_messageTime":2000}"#,
                r#"{"host":"a","status":"down","_messageTime":3000}"#,
                r#"{"host":"a","status":"up","_messageTime":1000}"#,
                r#"{"host":"a","_messageTime":4000}"#,
            ],
            r#"{"host":"a","_mostrecent":"down"}"#
        )]
    }

    fn implicit_fields(&self) -> &'static [&'static str] {
        &MESSAGE_TIME
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(RecentAccumulator::new(Ordering::Greater))
    }
}

/// `least_recent(x)`: the value of `x` in the group's oldest record.
#[derive(Debug)]
pub struct LeastRecent;

impl AggregateFunction for LeastRecent {
    fn name(&self) -> &'static str {
        "least_recent"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the non-null value of its argument in the record of the group with the earliest \
         `_messageTime` (records without a time are skipped); between records of the same time, \
         the later one in input order: the last in Sumo's newest-first order, as `last` gives \
         over log records. The value keeps its kind. Given a `withtime` field, it goes by the \
         time `withtime` paired with each value and returns the value. Over no values the \
         result is null."
    }

    fn default_name(&self) -> &'static str {
        "_leastrecent"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[aggregate_example!(
            "least_recent(status)",
            [
                r#"{"status":"up","_messageTime":"2024-01-02T00:00:00Z"}"#,
                r#"{"status":"down","_messageTime":"2024-01-01T00:00:00Z"}"#,
            ],
            r#"{"_leastrecent":"down"}"#
        )]
    }

    fn implicit_fields(&self) -> &'static [&'static str] {
        &MESSAGE_TIME
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(RecentAccumulator::new(Ordering::Less))
    }
}

/// The value with the most extreme time seen, and that time.
#[derive(Debug)]
struct RecentAccumulator {
    /// How a later-kept time compares to the one it replaces: `Greater` for the newest.
    wanted: Ordering,
    /// The time, input position and value kept.
    kept: Option<(Number, u64, Value)>,
}

impl RecentAccumulator {
    fn new(wanted: Ordering) -> RecentAccumulator {
        RecentAccumulator { wanted, kept: None }
    }

    /// Offers a value at `time`, from a record after every one seen so far: in Sumo's order
    /// (newest first, equal times in input order) it loses a tie for the newest, and wins one
    /// for the oldest.
    fn offer(&mut self, time: Number, position: u64, value: &Value) {
        let replaces = match &self.kept {
            None => true,
            Some((kept, kept_position, _)) => match time.total_cmp(*kept) {
                // Equal times go by input position; at an equal position the offer is later.
                Ordering::Equal => match self.wanted {
                    Ordering::Greater => position < *kept_position,
                    _ => position >= *kept_position,
                },
                order => order == self.wanted,
            },
        };
        if replaces {
            self.kept = Some((time, position, value.clone()));
        }
    }
}

impl Accumulator for RecentAccumulator {
    fn update(&mut self, args: &[Value], ctx: &mut CallContext) {
        let Some(value) = args.first() else {
            return;
        };
        if let Some((inner, time)) = from_with_time(value) {
            if !inner.is_null() {
                self.offer(time, ctx.position, &inner);
            }
            return;
        }
        let Some(time) = args.get(1).and_then(Value::as_number) else {
            return;
        };
        if !value.is_null() {
            self.offer(time, ctx.position, value);
        }
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        if let Some((time, position, value)) = &same_kind::<RecentAccumulator>(other)?.kept {
            self.offer(*time, *position, value);
        }
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        self.kept
            .as_ref()
            .map_or(Value::Null, |(_, _, value)| value.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_timed(function: &dyn AggregateFunction, records: &[(&str, Value)]) -> Value {
        let mut ctx = CallContext::default();
        let mut accumulator = function.accumulator();
        for (value, time) in records {
            accumulator.update(&[Value::text(value), time.clone()], &mut ctx);
        }
        accumulator.finish(&mut ctx)
    }

    #[test]
    fn picks_by_time_and_breaks_ties_by_input_order() {
        let records = [
            ("b", Value::Int(5)),
            ("a", Value::Int(9)),
            ("c", Value::Int(9)),
            ("d", Value::Int(1)),
            ("e", Value::Int(1)),
            ("no time", Value::Null),
        ];
        assert_eq!(run_timed(&MostRecent, &records), Value::text("a"));
        assert_eq!(run_timed(&LeastRecent, &records), Value::text("e"));
        assert_eq!(run_timed(&MostRecent, &[]), Value::Null);
    }

    #[test]
    fn withtime_values_go_by_their_own_time_and_give_back_the_value() {
        let paired = |value: Value, time| with_time(&value, time);
        // The paired times decide, not the records' own `_messageTime` (the second value).
        let records = [
            (paired(Value::text("up"), 2000), Value::Int(1)),
            (paired(Value::Int(404), 3000), Value::Int(9)),
            (paired(Value::Null, 4000), Value::Int(9)),
        ];
        let mut ctx = CallContext::default();
        let (mut most, mut least) = (MostRecent.accumulator(), LeastRecent.accumulator());
        for (value, message_time) in &records {
            most.update(&[value.clone(), message_time.clone()], &mut ctx);
            least.update(&[value.clone(), message_time.clone()], &mut ctx);
        }
        assert_eq!(most.finish(&mut ctx), Value::Int(404));
        assert_eq!(least.finish(&mut ctx), Value::text("up"));
        assert_eq!(
            with_time(&Value::text("a\"b"), 5),
            Value::text(r#"{"value":"a\"b","time":5}"#)
        );
        let other_json = Value::text(r#"{"value":1,"time":2,"more":3}"#);
        assert!(from_with_time(&other_json).is_none());
    }

    #[test]
    fn equal_times_merge_by_input_position() {
        let mut ctx = CallContext::default();
        let (mut merged, mut earlier) = (MostRecent.accumulator(), MostRecent.accumulator());
        ctx.position = 9;
        merged.update(&[Value::text("later line"), Value::Int(7)], &mut ctx);
        ctx.position = 2;
        earlier.update(&[Value::text("earlier line"), Value::Int(7)], &mut ctx);
        merged.merge(earlier.as_ref()).expect("same function");
        assert_eq!(merged.finish(&mut ctx), Value::text("earlier line"));
    }

    #[test]
    fn merge_treats_the_other_state_as_later() {
        let mut ctx = CallContext::default();
        let (mut earlier, mut later) = (MostRecent.accumulator(), MostRecent.accumulator());
        earlier.update(&[Value::text("old"), Value::Int(7)], &mut ctx);
        later.update(&[Value::text("new"), Value::Int(7)], &mut ctx);
        earlier.merge(later.as_ref()).expect("same function");
        assert_eq!(earlier.finish(&mut ctx), Value::text("old"));
    }
}
