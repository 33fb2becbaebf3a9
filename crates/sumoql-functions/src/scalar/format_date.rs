//! `formatDate(epochMs[, pattern[, zone]])`.

use std::borrow::Cow;

use sumoql_value::time::Zone;

use super::cast::truncate_to_i64;
use crate::java_date::JavaDatePattern;
use crate::prelude::*;

/// The text of the constant at `index`, when that argument is a literal with text.
pub(super) fn constant_text(constants: &[Option<Value>], index: usize) -> Option<Cow<'_, str>> {
    constants.get(index)?.as_ref()?.to_text()
}

/// Checks a literal date pattern (argument 1) and zone (argument 2), as `formatDate` and
/// `parseDate` take them.
pub(super) fn check_pattern_and_zone(constants: &[Option<Value>]) -> Result<(), (usize, String)> {
    if let Some(pattern) = constant_text(constants, 1) {
        JavaDatePattern::compile(&pattern).map_err(|err| (1, err.to_string()))?;
    }
    if let Some(zone) = constant_text(constants, 2) {
        Zone::parse(&zone).map_err(|err| (2, err.to_string()))?;
    }
    Ok(())
}

/// The zone an optional zone argument names; the run's zone when it is absent or null, `None`
/// when it names no zone.
pub(super) fn zone_argument(argument: Option<&Value>, ctx: &CallContext) -> Option<Zone> {
    match argument.and_then(Value::to_text) {
        Some(name) => Zone::parse(&name).ok(),
        None => Some(ctx.zone),
    }
}

/// The pattern of `formatDate(ms)`: Sumo writes "a US-style date" without saying which; this
/// is the one its result pages show times in.
const US_STYLE_PATTERN: &str = "MM/dd/yyyy HH:mm:ss.SSS Z";

/// `formatDate(ms[, pattern[, zone]])`: an instant written with a Java date pattern.
#[derive(Debug)]
pub struct FormatDate;

impl ScalarFunction for FormatDate {
    fn name(&self) -> &'static str {
        "formatDate"
    }

    fn signature(&self) -> Signature {
        Signature::between(1, 3)
    }

    fn doc(&self) -> &'static str {
        "Writes the instant given in epoch milliseconds (a number or numeric text; a fraction is \
         truncated) as text, with a Java SimpleDateFormat pattern such as \"yyyy-MM-dd \
         HH:mm:ss\", in the zone of the third argument (UTC, an offset such as +05:30, or an IANA \
         name such as America/New_York, in any letter case) or else the run's zone (a null zone \
         also means the run's zone). Without a pattern, a US-style date, as Sumo gives: sumoql \
         writes \"MM/dd/yyyy HH:mm:ss.SSS Z\". A null or non-numeric instant, a null pattern, \
         or a pattern or zone that turns out invalid at run time gives null; a literal pattern \
         or zone that is invalid is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "formatDate(0, \"yyyy-MM-dd HH:mm:ss\")",
                "\"1970-01-01 00:00:00\""
            ),
            example!(
                "formatDate(\"1709547302123\", \"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\", \"+05:30\")",
                "\"2024-03-04T15:45:02.123+05:30\""
            ),
            example!(
                "formatDate(1709547302123, \"EEE d MMM h:mm a\", \"america/new_york\")",
                "\"Mon 4 Mar 5:15 AM\""
            ),
            example!(
                "formatDate(1709547302123)",
                "\"03/04/2024 10:15:02.123 +0000\""
            ),
        ];
        EXAMPLES
    }

    /// Not folded at plan time: without a zone argument the result depends on the run's zone
    /// (`--tz`), which the planner does not know.
    fn is_pure(&self) -> bool {
        false
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        check_pattern_and_zone(constants)
    }

    fn call(&self, args: &[Value], ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let ms = args[0].as_number().and_then(|n| match n {
            Number::Int(i) => Some(i),
            Number::Float(f) => truncate_to_i64(f),
        });
        let pattern = match args.get(1) {
            Some(pattern) => pattern.to_text(),
            None => Some(Cow::Borrowed(US_STYLE_PATTERN)),
        };
        let (Some(ms), Some(pattern)) = (ms, pattern) else {
            return Ok(Value::Null);
        };
        let zone = zone_argument(args.get(2), ctx);
        let pattern = JavaDatePattern::compile(&pattern).ok();
        Ok(match (pattern, zone) {
            (Some(pattern), Some(zone)) => Value::text(pattern.format(ms, &zone)),
            _ => Value::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(args: &[Value], ctx: &mut CallContext) -> Value {
        FormatDate.call(args, ctx).unwrap()
    }

    #[test]
    fn formats_in_the_given_or_default_zone() {
        let mut ctx = CallContext::default();
        let args = [Value::Int(3_600_000), Value::text("HH:mm")];
        assert_eq!(format(&args, &mut ctx), Value::text("01:00"));
        ctx.zone = Zone::parse("-02:00").unwrap();
        assert_eq!(format(&args, &mut ctx), Value::text("23:00"));
        let with_zone = [args[0].clone(), args[1].clone(), Value::text("UTC")];
        assert_eq!(format(&with_zone, &mut ctx), Value::text("01:00"));
        let null_zone = [args[0].clone(), args[1].clone(), Value::Null];
        assert_eq!(format(&null_zone, &mut ctx), Value::text("23:00"));
    }

    #[test]
    fn fractions_are_truncated() {
        let args = [Value::text("1999.9"), Value::text("ss.SSS")];
        assert_eq!(
            format(&args, &mut CallContext::default()),
            Value::text("01.999")
        );
    }

    #[test]
    fn bad_input_gives_null() {
        let mut ctx = CallContext::default();
        let cases = [
            [Value::Null, Value::text("yyyy"), Value::text("UTC")],
            [Value::text("x"), Value::text("yyyy"), Value::text("UTC")],
            [Value::Float(1e300), Value::text("yyyy"), Value::text("UTC")],
            [Value::Int(0), Value::Null, Value::text("UTC")],
            [Value::Int(0), Value::text("yyyy-QQ"), Value::text("UTC")],
            [
                Value::Int(0),
                Value::text("yyyy"),
                Value::text("Mars/Olympus"),
            ],
        ];
        for args in cases {
            assert_eq!(format(&args, &mut ctx), Value::Null, "{args:?}");
        }
        assert!(ctx.warnings.is_empty());
    }

    #[test]
    fn constants_are_checked_at_plan_time() {
        let pattern = |p: &str| Some(Value::text(p));
        assert_eq!(FormatDate.check_constants(&[None, pattern("yyyy")]), Ok(()));
        assert_eq!(
            FormatDate.check_constants(&[None, None, pattern("Europe/Paris")]),
            Ok(())
        );
        assert_eq!(
            FormatDate.check_constants(&[None, Some(Value::Null), None]),
            Ok(())
        );
        let bad_pattern = FormatDate.check_constants(&[None, pattern("yyyy-QQ")]);
        assert_eq!(bad_pattern.unwrap_err().0, 1);
        let bad_zone = FormatDate.check_constants(&[None, pattern("yyyy"), pattern("Nowhere")]);
        assert!(bad_zone.unwrap_err().1.contains("Nowhere"));
    }
}
