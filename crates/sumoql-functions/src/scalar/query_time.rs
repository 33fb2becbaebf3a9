//! The run's time range: `queryStartTime()`, `queryEndTime()` and `queryTimeRange()`.
//!
//! The range is the one the run was given (`--from`/`--to`, or `--last`). Its end defaults to
//! the run's "now" (a range with no end reaches up to the moment the run started, as Sumo
//! Logic's "from X" does); a range with no start has no start time, so `queryStartTime()` and
//! `queryTimeRange()` are null then.

use crate::prelude::*;

/// The range's end: `--to`, or else the run's now.
fn end_ms(ctx: &CallContext) -> i64 {
    ctx.window.1.unwrap_or(ctx.now_ms)
}

/// `queryStartTime()`: the start of the run's time range, in epoch milliseconds.
#[derive(Debug)]
pub struct QueryStartTime;

impl ScalarFunction for QueryStartTime {
    fn name(&self) -> &'static str {
        "queryStartTime"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(0)
    }

    fn doc(&self) -> &'static str {
        "Returns the start of the run's time range as an integer of epoch milliseconds: the \
         --from time, or now minus the --last duration. Without either, the range has no start \
         and the result is null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("queryStartTime()", "null"),
            example!("isNull(queryStartTime())", "true"),
        ];
        EXAMPLES
    }

    fn is_pure(&self) -> bool {
        false
    }

    fn call(&self, _args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(ctx.window.0.map_or(Value::Null, Value::Int))
    }
}

/// `queryEndTime()`: the end of the run's time range, in epoch milliseconds.
#[derive(Debug)]
pub struct QueryEndTime;

impl ScalarFunction for QueryEndTime {
    fn name(&self) -> &'static str {
        "queryEndTime"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(0)
    }

    fn doc(&self) -> &'static str {
        "Returns the end of the run's time range as an integer of epoch milliseconds: the --to \
         time, or else the moment the run started (the same value as now()), with --last, with \
         --from alone, or with no range at all."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("queryEndTime() - now()", "0"),
            example!("isNull(queryEndTime())", "false"),
        ];
        EXAMPLES
    }

    fn is_pure(&self) -> bool {
        false
    }

    fn call(&self, _args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(Value::Int(end_ms(ctx)))
    }
}

/// `queryTimeRange()`: the length of the run's time range, in milliseconds.
#[derive(Debug)]
pub struct QueryTimeRange;

impl ScalarFunction for QueryTimeRange {
    fn name(&self) -> &'static str {
        "queryTimeRange"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(0)
    }

    fn doc(&self) -> &'static str {
        "Returns the length of the run's time range in milliseconds, queryEndTime() minus \
         queryStartTime(): with --last 15m it is 900000. Without --from or --last the range has \
         no start and the result is null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("queryTimeRange()", "null"),
            example!("isNull(queryTimeRange())", "true"),
        ];
        EXAMPLES
    }

    fn is_pure(&self) -> bool {
        false
    }

    fn call(&self, _args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let range = ctx
            .window
            .0
            .and_then(|start| end_ms(ctx).checked_sub(start));
        Ok(range.map_or(Value::Null, Value::Int))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(window: (Option<i64>, Option<i64>)) -> [Value; 3] {
        let mut ctx = CallContext {
            now_ms: 10_000,
            window,
            ..CallContext::default()
        };
        [
            QueryStartTime.call(&[], &mut ctx).unwrap(),
            QueryEndTime.call(&[], &mut ctx).unwrap(),
            QueryTimeRange.call(&[], &mut ctx).unwrap(),
        ]
    }

    #[test]
    fn the_range_and_its_defaults() {
        assert_eq!(
            answers((Some(1_000), Some(4_000))),
            [Value::Int(1_000), Value::Int(4_000), Value::Int(3_000)]
        );
        assert_eq!(
            answers((Some(1_000), None)),
            [Value::Int(1_000), Value::Int(10_000), Value::Int(9_000)]
        );
        assert_eq!(
            answers((None, Some(4_000))),
            [Value::Null, Value::Int(4_000), Value::Null]
        );
        assert_eq!(
            answers((None, None)),
            [Value::Null, Value::Int(10_000), Value::Null]
        );
        assert_eq!(answers((Some(i64::MIN), Some(i64::MAX)))[2], Value::Null);
    }
}
