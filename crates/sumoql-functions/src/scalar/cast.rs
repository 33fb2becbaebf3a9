//! Casts: `toLong`, `toInt`, `num` (also `number`) and `toString`. Each also works as a bare
//! stage that casts a field in place (`| toLong(x)`).

use crate::prelude::*;

/// `f` truncated toward zero, when the result is an `i64` (NaN and infinities are not).
pub(super) fn truncate_to_i64(f: f64) -> Option<i64> {
    /// 2^63, the first whole float past `i64::MAX`.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    let whole = f.trunc();
    (-LIMIT..LIMIT).contains(&whole).then_some(whole as i64)
}

/// Null after counting a failed cast.
pub(super) fn cast_failed(ctx: &mut CallContext) -> Value {
    ctx.warn(WarningKind::CastFailed);
    Value::Null
}

/// The `toLong` cast that `toInt` shares: integers stay, floats and numeric text are truncated
/// toward zero, null stays null, and anything else is null with a warning.
pub(super) fn to_long(value: &Value, ctx: &mut CallContext) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    let long = match value.as_number() {
        Some(Number::Int(i)) => Some(i),
        Some(Number::Float(f)) => truncate_to_i64(f),
        None => None,
    };
    long.map_or_else(|| cast_failed(ctx), Value::Int)
}

/// `toLong(x)`: the 64-bit integer `x` is.
#[derive(Debug)]
pub struct ToLong;

impl ScalarFunction for ToLong {
    fn name(&self) -> &'static str {
        "toLong"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn casts_in_place(&self) -> bool {
        true
    }

    fn doc(&self) -> &'static str {
        "Returns the value as a 64-bit integer: an integer as it is, a float or decimal text \
         truncated toward zero (\"-2.7\" gives -2), integer text as its number. Null gives null. \
         Anything else (non-numeric text such as \"abc\", \"\" or \" 5\", a boolean, or a number \
         outside the 64-bit range) gives null and counts a cast warning. As a stage of its own, \
         `| toLong(x)` casts the field x in place."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("toLong(\"42\")", "42"),
            example!("toLong(\"-2.7\")", "-2"),
            example!("toLong(\"abc\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(to_long(&args[0], ctx))
    }
}

/// `toInt(x)`: the same cast as `toLong`, also 64-bit.
#[derive(Debug)]
pub struct ToInt;

impl ScalarFunction for ToInt {
    fn name(&self) -> &'static str {
        "toInt"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn casts_in_place(&self) -> bool {
        true
    }

    fn doc(&self) -> &'static str {
        "The same cast as toLong, and like it 64-bit (no 32-bit wrap-around): an integer as it \
         is, a float or decimal text truncated toward zero, integer text as its number, null as \
         null, and anything else null with a cast warning. `| toInt(x)` casts x in place."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("toInt(\"3000000000\")", "3000000000"),
            example!("toInt(9.99)", "9"),
            example!("toInt(\"\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(to_long(&args[0], ctx))
    }
}

/// `num(x)`: the float `x` is.
#[derive(Debug)]
pub struct Num;

impl ScalarFunction for Num {
    fn name(&self) -> &'static str {
        "num"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn casts_in_place(&self) -> bool {
        true
    }

    fn doc(&self) -> &'static str {
        "Returns the value as a float: a number, or text that is clearly a number (\"1e3\", \
         \"-0.5\"); a whole result prints without a decimal point. Null gives null; anything else \
         (non-numeric text, a boolean) gives null and counts a cast warning. `| num(x)` casts \
         x in place."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("num(\"2.5\")", "2.5"),
            example!("num(\"1e3\")", "1000"),
            example!("num(\"twelve\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(to_float(&args[0], ctx))
    }
}

/// The `num` cast that `number` shares: a number or numeric text as a float, null as null,
/// anything else null with a warning.
fn to_float(value: &Value, ctx: &mut CallContext) -> Value {
    if value.is_null() {
        return Value::Null;
    }
    value
        .as_number()
        .map_or_else(|| cast_failed(ctx), |n| Value::Float(n.as_f64()))
}

/// `number(x)`: Sumo's other name for `num`.
#[derive(Debug)]
pub struct NumberFn;

impl ScalarFunction for NumberFn {
    fn name(&self) -> &'static str {
        "number"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn casts_in_place(&self) -> bool {
        true
    }

    fn doc(&self) -> &'static str {
        "The same cast as num, by the other name Sumo gives it: the value as a float, null as \
         null, and anything else null with a cast warning. `| number(x)` casts x in place."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("number(\"352.748\")", "352.748"),
            example!("number(\"500\") + 1", "501"),
            example!("number(\"n/a\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(to_float(&args[0], ctx))
    }
}

/// `toString(x)`: the text form of `x` (named so as not to shadow [`std::string::ToString`]).
#[derive(Debug)]
pub struct ToStringFn;

impl ScalarFunction for ToStringFn {
    fn name(&self) -> &'static str {
        "toString"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn casts_in_place(&self) -> bool {
        true
    }

    fn doc(&self) -> &'static str {
        "Returns the value as text, written as a table cell shows it: numbers without a needless \
         decimal point, booleans as \"true\" or \"false\", text unchanged. Null gives null. \
         `| toString(x)` casts x in place."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("toString(42)", "\"42\""),
            example!("toString(num(\"2.50\"))", "\"2.5\""),
            example!("toString(null)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(args[0].to_text().map_or(Value::Null, Value::text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast(function: &dyn ScalarFunction, value: Value) -> (Value, u64) {
        let mut ctx = CallContext::default();
        let result = function.call(&[value], &mut ctx).unwrap();
        (result, ctx.warnings.count(WarningKind::CastFailed))
    }

    #[test]
    fn to_long_and_to_int_agree() {
        let cases = [
            (Value::Int(-7), Value::Int(-7)),
            (Value::Float(-7.9), Value::Int(-7)),
            (Value::text("12"), Value::Int(12)),
            (Value::text("12.99"), Value::Int(12)),
            (Value::text("-1e2"), Value::Int(-100)),
            (Value::text("9223372036854775807"), Value::Int(i64::MAX)),
        ];
        for function in [&ToLong as &dyn ScalarFunction, &ToInt] {
            for (input, expected) in &cases {
                assert_eq!(
                    cast(function, input.clone()),
                    (expected.clone(), 0),
                    "{input:?}"
                );
            }
        }
    }

    #[test]
    fn failed_long_casts_warn() {
        let failures = [
            Value::text(""),
            Value::text(" 5"),
            Value::text("abc"),
            Value::Bool(true),
            Value::Float(f64::NAN),
            Value::Float(1e19),
            Value::text("9223372036854775808"),
        ];
        for input in failures {
            assert_eq!(cast(&ToLong, input.clone()), (Value::Null, 1), "{input:?}");
        }
        assert_eq!(cast(&ToLong, Value::Null), (Value::Null, 0));
    }

    #[test]
    fn truncation_stays_in_range() {
        assert_eq!(
            truncate_to_i64(-9_223_372_036_854_775_808.0),
            Some(i64::MIN)
        );
        assert_eq!(truncate_to_i64(9_223_372_036_854_775_808.0), None);
        assert_eq!(truncate_to_i64(-0.5), Some(0));
        assert_eq!(truncate_to_i64(f64::NEG_INFINITY), None);
    }

    #[test]
    fn num_gives_floats() {
        assert_eq!(cast(&Num, Value::Int(3)), (Value::Float(3.0), 0));
        assert_eq!(cast(&Num, Value::text("0.25")), (Value::Float(0.25), 0));
        assert_eq!(cast(&Num, Value::text("x")), (Value::Null, 1));
        assert_eq!(cast(&Num, Value::Null), (Value::Null, 0));
    }

    #[test]
    fn to_string_writes_text() {
        assert_eq!(cast(&ToStringFn, Value::Float(3.0)), (Value::text("3"), 0));
        assert_eq!(
            cast(&ToStringFn, Value::Bool(false)),
            (Value::text("false"), 0)
        );
        assert_eq!(cast(&ToStringFn, Value::text("x")), (Value::text("x"), 0));
        assert_eq!(cast(&ToStringFn, Value::Null), (Value::Null, 0));
    }
}
