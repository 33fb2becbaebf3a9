//! The arithmetic family, after Java's `Math` class as Sumo Logic exposes it: `abs`, `ceil`,
//! `floor`, `round`, `min`, `max`, `pow`, `hypot`, `isNaN`, `isInfinity`, and the float
//! functions `sqrt`, `cbrt`, `exp`, `expm1`, `log`, `log10` and `log1p`.
//!
//! Every argument may be a number or numeric text (D6). Null gives null; text that is not a
//! number (or a boolean) gives null and counts a cast warning, as `toLong` does (D10).
//! Integers stay integers where the result is exact (D12); float functions give floats, NaN
//! and infinities included (`sqrt(-1)` is NaN, which `isNaN` detects).

use std::cmp::Ordering;

use super::cast::truncate_to_i64;
use crate::prelude::*;

/// The number an argument is: null gives `None` quietly, anything else that is not a number
/// gives `None` and counts a cast warning.
pub(super) fn number_argument(value: &Value, ctx: &mut CallContext) -> Option<Number> {
    if value.is_null() {
        return None;
    }
    let number = value.as_number();
    if number.is_none() {
        ctx.warn(WarningKind::CastFailed);
    }
    number
}

/// Every argument as a float, or `None` when one is not a number (see [`number_argument`]).
/// All arguments are looked at, so each bad one counts its warning.
pub(super) fn float_arguments<const N: usize>(
    args: &[Value],
    ctx: &mut CallContext,
) -> Option<[f64; N]> {
    let mut floats = [0.0; N];
    let mut complete = true;
    for (slot, value) in floats.iter_mut().zip(args) {
        match number_argument(value, ctx) {
            Some(number) => *slot = number.as_f64(),
            None => complete = false,
        }
    }
    complete.then_some(floats)
}

/// A whole float as an integer when it fits in an `i64`; otherwise (NaN, infinite, huge) the
/// float itself.
fn whole_float(f: f64) -> Value {
    match truncate_to_i64(f) {
        Some(i) if (i as f64) == f => Value::Int(i),
        _ => Value::Float(f),
    }
}

/// A function of one float giving a float: the arithmetic of `apply` with the argument rules
/// of this family. Each instance is its own query function, named and documented.
#[derive(Debug)]
pub struct FloatFunction {
    name: &'static str,
    doc: &'static str,
    examples: &'static [Example],
    apply: fn(f64) -> f64,
}

impl ScalarFunction for FloatFunction {
    fn name(&self) -> &'static str {
        self.name
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        self.doc
    }

    fn examples(&self) -> &'static [Example] {
        self.examples
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(
            float_arguments::<1>(args, ctx)
                .map_or(Value::Null, |[x]| Value::Float((self.apply)(x))),
        )
    }
}

impl FloatFunction {
    /// A float function called `name`; `doc` ends with what null and non-numeric input give.
    pub(super) const fn new(
        name: &'static str,
        doc: &'static str,
        examples: &'static [Example],
        apply: fn(f64) -> f64,
    ) -> FloatFunction {
        FloatFunction {
            name,
            doc,
            examples,
            apply,
        }
    }
}

/// `sqrt(x)`: the square root.
pub const SQRT: FloatFunction = FloatFunction::new(
    "sqrt",
    "Returns the square root of x as a float; a negative x gives NaN. Null gives null; text \
     that is not a number gives null and counts a cast warning.",
    &[
        example!("sqrt(16)", "4"),
        example!("sqrt(\"2.25\")", "1.5"),
        example!("isNaN(sqrt(-1))", "true"),
        example!("sqrt(null)", "null"),
    ],
    f64::sqrt,
);

/// `cbrt(x)`: the cube root.
pub const CBRT: FloatFunction = FloatFunction::new(
    "cbrt",
    "Returns the cube root of x as a float, negative for a negative x. Null gives null; text \
     that is not a number gives null and counts a cast warning.",
    &[
        example!("cbrt(27)", "3"),
        example!("cbrt(\"-8\")", "-2"),
        example!("cbrt(\"eight\")", "null"),
    ],
    f64::cbrt,
);

/// `exp(x)`: e to the power x.
pub const EXP: FloatFunction = FloatFunction::new(
    "exp",
    "Returns Euler's number e raised to the power x, as a float (Infinity past about 709.78). \
     Null gives null; text that is not a number gives null and counts a cast warning.",
    &[
        example!("exp(0)", "1"),
        example!("exp(1)", "2.718281828459045"),
        example!("exp(null)", "null"),
    ],
    f64::exp,
);

/// `expm1(x)`: e to the power x, minus 1, precise near zero.
pub const EXPM1: FloatFunction = FloatFunction::new(
    "expm1",
    "Returns e raised to the power x, minus 1, as a float; for x near zero it is more precise \
     than exp(x) - 1. Null gives null; text that is not a number gives null and counts a cast \
     warning.",
    &[
        example!("expm1(0)", "0"),
        example!("round(expm1(1), 6)", "1.718282"),
        example!("expm1(\"x\")", "null"),
    ],
    f64::exp_m1,
);

/// `log(x)`: the natural logarithm.
pub const LOG: FloatFunction = FloatFunction::new(
    "log",
    "Returns the natural (base e) logarithm of x as a float: -Infinity for 0 and NaN for a \
     negative x. Null gives null; text that is not a number gives null and counts a cast \
     warning.",
    &[
        example!("log(1)", "0"),
        example!("log(exp(2))", "2"),
        example!("log(0)", "\"-Infinity\""),
        example!("log(null)", "null"),
    ],
    f64::ln,
);

/// `log10(x)`: the base-10 logarithm.
pub const LOG10: FloatFunction = FloatFunction::new(
    "log10",
    "Returns the base-10 logarithm of x as a float: -Infinity for 0 and NaN for a negative x. \
     Null gives null; text that is not a number gives null and counts a cast warning.",
    &[
        example!("log10(1000)", "3"),
        example!("log10(\"0.01\")", "-2"),
        example!("isNaN(log10(-1))", "true"),
    ],
    f64::log10,
);

/// `log1p(x)`: the natural logarithm of 1 + x, precise near zero.
pub const LOG1P: FloatFunction = FloatFunction::new(
    "log1p",
    "Returns the natural logarithm of 1 + x as a float; for x near zero it is more precise \
     than log(1 + x). -1 gives -Infinity and anything below NaN. Null gives null; text that is \
     not a number gives null and counts a cast warning.",
    &[
        example!("log1p(0)", "0"),
        example!("round(log1p(1), 6)", "0.693147"),
        example!("log1p(\"\")", "null"),
    ],
    f64::ln_1p,
);

/// `abs(x)`: the absolute value.
#[derive(Debug)]
pub struct Abs;

impl ScalarFunction for Abs {
    fn name(&self) -> &'static str {
        "abs"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the absolute value of x: an integer for an integer (or integer text), a float \
         for a float. Null gives null; text that is not a number gives null and counts a cast \
         warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("abs(-42)", "42"),
            example!("abs(\"-2.5\")", "2.5"),
            example!("abs(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(match number_argument(&args[0], ctx) {
            Some(Number::Int(i)) => i
                .checked_abs()
                .map_or(Value::Float((i as f64).abs()), Value::Int),
            Some(Number::Float(f)) => Value::Float(f.abs()),
            None => Value::Null,
        })
    }
}

/// A rounding to a whole number: `ceil`, `floor` or `round`. Integers pass unchanged; a whole
/// float result becomes an integer when it fits (D12).
fn round_with(value: &Value, ctx: &mut CallContext, rounding: fn(f64) -> f64) -> Value {
    match number_argument(value, ctx) {
        Some(Number::Int(i)) => Value::Int(i),
        Some(Number::Float(f)) => whole_float(rounding(f)),
        None => Value::Null,
    }
}

/// `ceil(x)`: the smallest whole number not below x.
#[derive(Debug)]
pub struct Ceil;

impl ScalarFunction for Ceil {
    fn name(&self) -> &'static str {
        "ceil"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Rounds x up to the nearest whole number and returns it as an integer (NaN and the \
         infinities stay floats). Null gives null; text that is not a number gives null and \
         counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("ceil(1.2)", "2"),
            example!("ceil(\"-1.8\")", "-1"),
            example!("ceil(sqrt(5))", "3"),
            example!("ceil(\"n/a\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(round_with(&args[0], ctx, f64::ceil))
    }
}

/// `floor(x)`: the largest whole number not above x.
#[derive(Debug)]
pub struct Floor;

impl ScalarFunction for Floor {
    fn name(&self) -> &'static str {
        "floor"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Rounds x down to the nearest whole number and returns it as an integer (NaN and the \
         infinities stay floats). Null gives null; text that is not a number gives null and \
         counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("floor(1.8)", "1"),
            example!("floor(\"-1.2\")", "-2"),
            example!("floor(7)", "7"),
            example!("floor(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(round_with(&args[0], ctx, f64::floor))
    }
}

/// Java's `Math.round`: to the nearest whole number, halves toward positive infinity.
fn round_half_up(f: f64) -> f64 {
    let floor = f.floor();
    if f - floor >= 0.5 {
        floor + 1.0
    } else {
        floor
    }
}

/// `round(x[, digits])`: x to the nearest whole number, or to `digits` decimal places.
#[derive(Debug)]
pub struct Round;

impl ScalarFunction for Round {
    fn name(&self) -> &'static str {
        "round"
    }

    fn signature(&self) -> Signature {
        Signature::between(1, 2)
    }

    fn doc(&self) -> &'static str {
        "Rounds x to the nearest whole number, halves toward positive infinity as Java's \
         Math.round does (2.5 gives 3, -2.5 gives -2), and returns an integer. With a second \
         argument, rounds to that many decimal places instead (a negative count rounds to tens, \
         hundreds...) and returns a float. Null gives null; text that is not a number gives null \
         and counts a cast warning, as does a count of places that is not a whole number."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("round(2.5)", "3"),
            example!("round(\"-2.5\")", "-2"),
            example!("round(3.14159, 2)", "3.14"),
            example!("round(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let Some(places) = args.get(1) else {
            return Ok(round_with(&args[0], ctx, round_half_up));
        };
        let number = number_argument(&args[0], ctx);
        let places = match number_argument(places, ctx) {
            Some(Number::Int(places)) => Some(places),
            Some(Number::Float(f)) if f.fract() == 0.0 => truncate_to_i64(f),
            Some(Number::Float(_)) => {
                ctx.warn(WarningKind::CastFailed);
                None
            }
            None => None,
        }
        .and_then(|places| i32::try_from(places.clamp(-400, 400)).ok());
        let (Some(number), Some(places)) = (number, places) else {
            return Ok(Value::Null);
        };
        let x = number.as_f64();
        let scale = 10f64.powi(places.abs());
        let rounded = if places >= 0 {
            round_half_up(x * scale) / scale
        } else {
            round_half_up(x / scale) * scale
        };
        // Scaling can overflow for huge x; such a value has no decimals to round.
        Ok(Value::Float(if rounded.is_finite() { rounded } else { x }))
    }
}

/// The smaller (`keep` = `Less`) or larger (`Greater`) of two numbers: both integers give an
/// integer (D12), else a float, NaN when either is NaN.
fn extreme(args: &[Value], ctx: &mut CallContext, keep: Ordering) -> Value {
    let a = number_argument(&args[0], ctx);
    let b = number_argument(&args[1], ctx);
    match (a, b) {
        (Some(Number::Int(x)), Some(Number::Int(y))) => {
            Value::Int(if x.cmp(&y) == keep { x } else { y })
        }
        (Some(x), Some(y)) => {
            let (x, y) = (x.as_f64(), y.as_f64());
            Value::Float(match x.partial_cmp(&y) {
                None => f64::NAN,
                Some(order) if order == keep => x,
                Some(_) => y,
            })
        }
        _ => Value::Null,
    }
}

/// `min(a, b)`: the smaller of two numbers (the one-argument `min` is the aggregate).
#[derive(Debug)]
pub struct Min;

impl ScalarFunction for Min {
    fn name(&self) -> &'static str {
        "min"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "With two arguments, returns the smaller number: an integer when both are integers (or \
         integer text), else a float, NaN when either is NaN. Null on either side gives null; \
         text that is not a number gives null and counts a cast warning. With one argument, \
         `min` is the aggregate over a group."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("min(3, \"12\")", "3"),
            example!("min(2.5, -1)", "-1"),
            example!("min(1, null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(extreme(args, ctx, Ordering::Less))
    }
}

/// `max(a, b)`: the larger of two numbers (the one-argument `max` is the aggregate).
#[derive(Debug)]
pub struct Max;

impl ScalarFunction for Max {
    fn name(&self) -> &'static str {
        "max"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "With two arguments, returns the larger number: an integer when both are integers (or \
         integer text), else a float, NaN when either is NaN. Null on either side gives null; \
         text that is not a number gives null and counts a cast warning. With one argument, \
         `max` is the aggregate over a group."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("max(3, \"12\")", "12"),
            example!("max(2.5, -1)", "2.5"),
            example!("max(\"many\", 1)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(extreme(args, ctx, Ordering::Greater))
    }
}

/// `pow(x, y)`: x to the power y.
#[derive(Debug)]
pub struct Pow;

impl ScalarFunction for Pow {
    fn name(&self) -> &'static str {
        "pow"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Returns x raised to the power y: an integer when both are integers, y is not negative \
         and the result fits in 64 bits; otherwise a float (NaN for a negative x and a \
         fractional y). Null on either side gives null; text that is not a number gives null and \
         counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("pow(2, 10)", "1024"),
            example!("pow(\"9\", 0.5)", "3"),
            example!("pow(2, -2)", "0.25"),
            example!("pow(null, 2)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let base = number_argument(&args[0], ctx);
        let exponent = number_argument(&args[1], ctx);
        let (Some(base), Some(exponent)) = (base, exponent) else {
            return Ok(Value::Null);
        };
        if let (Number::Int(b), Number::Int(e)) = (base, exponent) {
            let exact = u32::try_from(e).ok().and_then(|e| b.checked_pow(e));
            if let Some(power) = exact {
                return Ok(Value::Int(power));
            }
        }
        Ok(Value::Float(base.as_f64().powf(exponent.as_f64())))
    }
}

/// `hypot(x, y)`: the length of the hypotenuse, sqrt(x² + y²) without overflow.
#[derive(Debug)]
pub struct Hypot;

impl ScalarFunction for Hypot {
    fn name(&self) -> &'static str {
        "hypot"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Returns the square root of x² + y² as a float, without overflow in between. Null on \
         either side gives null; text that is not a number gives null and counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("hypot(3, 4)", "5"),
            example!("hypot(\"5\", -12)", "13"),
            example!("hypot(3, null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(float_arguments::<2>(args, ctx).map_or(Value::Null, |[x, y]| Value::Float(x.hypot(y))))
    }
}

/// A test on one number, such as `isNaN`: null stays null, non-numeric text counts a warning.
fn test_number(value: &Value, ctx: &mut CallContext, test: fn(f64) -> bool) -> Value {
    number_argument(value, ctx).map_or(Value::Null, |n| Value::Bool(test(n.as_f64())))
}

/// `isNaN(x)`: whether x is the float NaN.
#[derive(Debug)]
pub struct IsNan;

impl ScalarFunction for IsNan {
    fn name(&self) -> &'static str {
        "isNaN"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when x is NaN (\"not a number\", as sqrt(-1) or 0 * Infinity give), and \
         false for any other number or numeric text. Null gives null; text that is not a number \
         (the text \"NaN\" included) gives null and counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isNaN(sqrt(-4))", "true"),
            example!("isNaN(\"12\")", "false"),
            example!("isNaN(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(test_number(&args[0], ctx, f64::is_nan))
    }
}

/// `isInfinity(x)`: whether x is positive or negative infinity.
#[derive(Debug)]
pub struct IsInfinity;

impl ScalarFunction for IsInfinity {
    fn name(&self) -> &'static str {
        "isInfinity"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when x is positive or negative infinity (as log(0) or exp(1000) give), and \
         false for any other number or numeric text. Null gives null; text that is not a number \
         gives null and counts a cast warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isInfinity(log(0))", "true"),
            example!("isInfinity(exp(1000))", "true"),
            example!("isInfinity(\"1e308\")", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(test_number(&args[0], ctx, f64::is_infinite))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &dyn ScalarFunction, args: &[Value]) -> (Value, u64) {
        let mut ctx = CallContext::default();
        let result = function.call(args, &mut ctx).unwrap();
        (result, ctx.warnings.count(WarningKind::CastFailed))
    }

    #[test]
    fn integers_stay_integers() {
        assert!(matches!(call(&Abs, &[Value::Int(-3)]).0, Value::Int(3)));
        assert!(matches!(
            call(&Abs, &[Value::Int(i64::MIN)]).0,
            Value::Float(_)
        ));
        assert!(matches!(call(&Ceil, &[Value::Float(1.5)]).0, Value::Int(2)));
        assert!(matches!(call(&Floor, &[Value::text("9")]).0, Value::Int(9)));
        assert!(matches!(
            call(&Round, &[Value::Float(-0.5)]).0,
            Value::Int(0)
        ));
        assert!(matches!(
            call(&Round, &[Value::Float(1e300)]).0,
            Value::Float(_)
        ));
        assert!(matches!(
            call(&Pow, &[Value::Int(3), Value::Int(39)]).0,
            Value::Int(4_052_555_153_018_976_267)
        ));
        assert!(matches!(
            call(&Pow, &[Value::Int(10), Value::Int(19)]).0,
            Value::Float(_)
        ));
        assert!(matches!(
            call(&Min, &[Value::text("4"), Value::Int(7)]).0,
            Value::Int(4)
        ));
        assert!(matches!(
            call(&Max, &[Value::Int(4), Value::Float(7.0)]).0,
            Value::Float(_)
        ));
    }

    #[test]
    fn rounding_to_places() {
        let round = |x: f64, places: i64| call(&Round, &[Value::Float(x), Value::Int(places)]).0;
        assert_eq!(round(2.345, 1), Value::Float(2.3));
        assert_eq!(round(1250.0, -2), Value::Float(1300.0));
        assert_eq!(round(-1.25, 1), Value::Float(-1.2));
        assert_eq!(round(1e300, 400), Value::Float(1e300));
        assert_eq!(
            call(&Round, &[Value::Int(1), Value::Float(0.5)]),
            (Value::Null, 1)
        );
        assert_eq!(
            call(&Round, &[Value::Float(0.125), Value::Float(2.0)]),
            (Value::Float(0.13), 0)
        );
    }

    #[test]
    fn nulls_are_quiet_and_bad_text_warns() {
        let functions: [&dyn ScalarFunction; 6] = [&Abs, &Ceil, &SQRT, &LOG, &IsNan, &IsInfinity];
        for function in functions {
            assert_eq!(call(function, &[Value::Null]), (Value::Null, 0));
            assert_eq!(call(function, &[Value::text("abc")]), (Value::Null, 1));
            assert_eq!(call(function, &[Value::Bool(true)]), (Value::Null, 1));
        }
        assert_eq!(
            call(&Hypot, &[Value::text("a"), Value::text("b")]),
            (Value::Null, 2)
        );
        assert_eq!(call(&Min, &[Value::Null, Value::Int(1)]), (Value::Null, 0));
    }

    #[test]
    fn nan_and_infinity_pass_through() {
        let (nan, _) = call(&Max, &[Value::Float(f64::NAN), Value::Int(1)]);
        assert!(matches!(nan, Value::Float(f) if f.is_nan()));
        assert!(matches!(
            call(&Ceil, &[Value::Float(f64::INFINITY)]).0,
            Value::Float(f) if f.is_infinite()
        ));
    }
}
