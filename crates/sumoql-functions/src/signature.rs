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

/// What a call is given besides its arguments: the time zone and clock of the run, and the
/// run's warning counters.
#[derive(Debug)]
pub struct CallContext {
    /// The zone for date functions without an explicit one (`--tz`, default UTC).
    pub zone: Zone,
    /// The run's "now", in epoch milliseconds, fixed at the start of the run.
    pub now_ms: i64,
    /// Warnings counted by calls (failed casts, capped values...).
    pub warnings: Warnings,
}

impl Default for CallContext {
    fn default() -> CallContext {
        CallContext {
            zone: Zone::utc(),
            now_ms: 0,
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
    /// A fresh accumulator for one group.
    fn accumulator(&self) -> Box<dyn Accumulator>;
}

/// The running state of one aggregate in one group.
pub trait Accumulator: Send {
    /// Adds one record's argument values.
    fn update(&mut self, args: &[Value], ctx: &mut CallContext);
    /// Adds another accumulator's state (of the same function), as partial aggregation on
    /// several workers needs.
    fn merge(&mut self, other: &dyn Accumulator);
    /// The result for the group.
    fn finish(&self, ctx: &mut CallContext) -> Value;
    /// The state as [`Any`], so [`Accumulator::merge`] can downcast its argument.
    fn as_any(&self) -> &dyn Any;
}
