//! The traits every function implements, and what a call is given.

use std::any::Any;
use std::sync::Arc;

use sumoql_value::time::Zone;
use sumoql_value::{Value, WarningKind, Warnings};

/// How many arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The fewest arguments.
    pub min_args: usize,
    /// The most arguments; `None` for any number.
    pub max_args: Option<usize>,
}

impl Signature {
    /// Exactly `n` arguments.
    pub const fn exactly(n: usize) -> Signature {
        Signature {
            min_args: n,
            max_args: Some(n),
        }
    }

    /// From `min` to `max` arguments.
    pub const fn between(min: usize, max: usize) -> Signature {
        Signature {
            min_args: min,
            max_args: Some(max),
        }
    }

    /// At least `min` arguments.
    pub const fn at_least(min: usize) -> Signature {
        Signature {
            min_args: min,
            max_args: None,
        }
    }

    /// Whether `n` arguments fit.
    pub fn accepts(&self, n: usize) -> bool {
        n >= self.min_args && self.max_args.is_none_or(|max| n <= max)
    }

    /// "1 argument", "2 or 3 arguments", "at least 2 arguments".
    pub fn describe(&self) -> String {
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        match self.max_args {
            Some(max) if max == self.min_args => format!("{max} {}", plural(max)),
            Some(max) => format!("{} to {max} {}", self.min_args, plural(max)),
            None => format!("at least {} {}", self.min_args, plural(self.min_args)),
        }
    }
}

/// One documented example of a function: an expression and the JSON of its result. The file
/// and line let a failing example point at its source.
#[derive(Clone, Copy, Debug)]
pub struct Example {
    /// An expression calling the function, e.g. `isPrivateIP("10.1.2.3")`.
    pub expression: &'static str,
    /// Its result as JSON, e.g. `true`, `"21"`, `null`; or `drop` when the record is dropped.
    pub result: &'static str,
    /// The source file of the example.
    pub file: &'static str,
    /// The line of the example.
    pub line: u32,
}

/// One documented example of an aggregate function: a stage over some records and the rows it
/// gives. The file and line let a failing example point at its source.
#[derive(Clone, Copy, Debug)]
pub struct AggregateExample {
    /// An aggregation stage, e.g. `sum(x)` or `pct(x, 50, 95) by host`.
    pub stage: &'static str,
    /// The input records, one JSON object each.
    pub input: &'static [&'static str],
    /// The result rows as JSON objects, one a line.
    pub result: &'static str,
    /// The source file of the example.
    pub file: &'static str,
    /// The line of the example.
    pub line: u32,
}

/// Declares an [`AggregateExample`] at the current file and line:
/// `aggregate_example!("sum(x)", [r#"{"x":"1"}"#, r#"{"x":2}"#], r#"{"_sum":3}"#)`.
#[macro_export]
macro_rules! aggregate_example {
    ($stage:expr, [$($input:expr),* $(,)?], $result:expr) => {
        $crate::AggregateExample {
            stage: $stage,
            input: &[$($input),*],
            result: $result,
            file: file!(),
            line: line!(),
        }
    };
}

/// Declares an [`Example`] at the current file and line: `example!("abs(-1)", "1")`.
#[macro_export]
macro_rules! example {
    ($expression:expr, $result:expr) => {
        $crate::Example {
            expression: $expression,
            result: $result,
            file: file!(),
            line: line!(),
        }
    };
}

/// What a call is given besides its arguments: the time zone, clock and time window of the run,
/// and the run's warning counters.
#[derive(Debug)]
pub struct CallContext {
    /// The zone for date functions without an explicit one (`--tz`, default UTC).
    pub zone: Zone,
    /// The run's "now", in epoch milliseconds, fixed at the start of the run.
    pub now_ms: i64,
    /// The run's time window (`--from`/`--to`, or `--last`) in epoch milliseconds: its start
    /// and end, each `None` where not given.
    pub window: (Option<i64>, Option<i64>),
    /// Warnings counted by calls (failed casts, capped values...).
    pub warnings: Warnings,
    /// Where the record being handled stands in the whole input (a larger position is later).
    /// Order-dependent aggregates (`first`, `last`, `most_recent` ties) keep it, so that
    /// partial results computed on separate parts of the input merge in input order.
    pub position: u64,
}

impl Default for CallContext {
    fn default() -> CallContext {
        CallContext {
            position: 0,
            zone: Zone::utc(),
            now_ms: 0,
            window: (None, None),
            warnings: Warnings::new(),
        }
    }
}

impl CallContext {
    /// Counts one warning of `kind`.
    pub fn warn(&mut self, kind: WarningKind) {
        self.warnings.add(kind);
    }
}

/// A call that removes its record from the results, as an IP function given something that is
/// not a valid IPv4 address does (D4). The run counts such drops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordDropped(pub WarningKind);

/// A function from the values of one record to a value.
pub trait ScalarFunction: Send + Sync {
    /// The canonical name, e.g. `isPrivateIP`. Calls match it case-insensitively.
    fn name(&self) -> &'static str;
    /// How many arguments it takes.
    fn signature(&self) -> Signature;
    /// One paragraph: what it returns, including for null and bad input.
    fn doc(&self) -> &'static str;
    /// Examples that run as tests.
    fn examples(&self) -> &'static [Example];
    /// Whether the result depends only on the arguments, so a call on constants can be folded
    /// at plan time. `now()` is not pure.
    fn is_pure(&self) -> bool {
        true
    }
    /// Whether a stage that calls it on one field and names no result (`| toLong(x)`) writes
    /// the result back to that field, as Sumo's casts do.
    fn casts_in_place(&self) -> bool {
        false
    }
    /// Checks constant arguments at plan time (`Some` where the argument is a literal), e.g. a
    /// date pattern; the error names what is wrong and which argument (by index).
    fn check_constants(&self, _constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        Ok(())
    }
    /// The function a call becomes when its argument at `index` is a regular expression literal
    /// (`/pattern/`), as `replace(text, /regex/, replacement)` becomes a regex replace: `None`
    /// when the function takes no regular expression there, an error message when the pattern
    /// is invalid. The argument itself is then passed as the pattern's text.
    fn with_regex(
        &self,
        _index: usize,
        _pattern: &str,
    ) -> Option<Result<Arc<dyn ScalarFunction>, String>> {
        None
    }
    /// Computes the result.
    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped>;
}

/// One output column of an aggregate call, as [`AggregateFunction::columns`] describes it.
#[derive(Clone)]
pub struct AggregateColumn {
    /// The aggregate computing the column when it is not the function called: `pct(x, 50, 95)`
    /// computes each percentile with its own.
    pub function: Option<Arc<dyn AggregateFunction>>,
    /// The indices of the call's arguments that this column's aggregate is given, in order.
    pub arguments: Vec<usize>,
    /// The column's name when the call has no `as`.
    pub default_name: String,
}

/// A function over all the records of a group (`count`, `sum(x)`).
pub trait AggregateFunction: Send + Sync {
    /// The canonical name, e.g. `count_distinct`.
    fn name(&self) -> &'static str;
    /// How many arguments it takes (`count` takes 0 or 1).
    fn signature(&self) -> Signature;
    /// One paragraph: what it returns, including over no values.
    fn doc(&self) -> &'static str;
    /// The result column's name when no `as` is given: `_count`, `_sum`...
    fn default_name(&self) -> &'static str;
    /// Examples that run as tests.
    fn examples(&self) -> &'static [AggregateExample];
    /// Fields of each record that the planner passes after the call's own arguments:
    /// `most_recent(x)` is also given `_messageTime`.
    fn implicit_fields(&self) -> &'static [&'static str] {
        &[]
    }
    /// The aggregate, by name, that gives this one's answer over log records in Sumo's order
    /// (newest first, ties in input order) whatever order they come in: `first` is then
    /// `most_recent`. `None` (the default) for an aggregate that does not depend on order.
    fn in_message_order(&self) -> Option<&'static str> {
        None
    }
    /// The columns a call computes, given each argument's value when it is a literal and the
    /// first argument's field name when it is a plain field; or which argument is wrong, and
    /// why. By default a call computes one column, named [`AggregateFunction::default_name`],
    /// from all its arguments; `pct(x, 50, 95)` computes `_x_pct_50` and `_x_pct_95`.
    fn columns(
        &self,
        constants: &[Option<Value>],
        _first_field: Option<&str>,
    ) -> Result<Vec<AggregateColumn>, (usize, String)> {
        Ok(vec![AggregateColumn {
            function: None,
            arguments: (0..constants.len()).collect(),
            default_name: self.default_name().to_string(),
        }])
    }
    /// For a row-producing aggregate such as `count_frequent(a, b)`: how many rows it keeps.
    /// Its arguments then become the group keys, its column counts each group's records, and
    /// only the groups with the most records are kept, sorted by that count, descending.
    /// `None` (the default) for aggregates that give one value per group.
    fn most_frequent_rows(&self) -> Option<u64> {
        None
    }
    /// A fresh accumulator for one group.
    fn accumulator(&self) -> Box<dyn Accumulator>;
    /// The states of this aggregate for all the groups of an aggregation, held side by side
    /// (for an accumulator small enough to store in place); `None`, the default, keeps one
    /// boxed [`AggregateFunction::accumulator`] per group. Either gives the same results.
    fn group_states(&self) -> Option<Box<dyn crate::GroupStates>> {
        None
    }
}

/// [`Accumulator::merge`] was given the state of another function: a bug of the caller, which
/// leaves the accumulator unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MismatchedAccumulator;

/// The running state of one aggregate in one group.
pub trait Accumulator: Send {
    /// Adds one record's argument values.
    fn update(&mut self, args: &[Value], ctx: &mut CallContext);
    /// Adds another accumulator's state (of the same function), as partial aggregation on
    /// several workers needs. `other` holds records that come after this one's in input
    /// order, which `first` and `last` rely on; every other aggregate is order-independent.
    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator>;
    /// The result for the group.
    fn finish(&self, ctx: &mut CallContext) -> Value;
    /// Counts the warnings [`Accumulator::finish`] would count, without making the result:
    /// for a group that a filter right after the aggregation refuses before it is finished.
    fn finish_warnings(&self, _ctx: &mut CallContext) {}
    /// The state as [`Any`], so [`Accumulator::merge`] can downcast its argument.
    fn as_any(&self) -> &dyn Any;
}
