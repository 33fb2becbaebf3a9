//! `parseDate(text, pattern[, zone])`.

use super::format_date::{check_pattern_and_zone, zone_argument};
use crate::java_date::JavaDatePattern;
use crate::prelude::*;

/// `parseDate(text, pattern[, zone])`: the instant a date text stands for, read with a Java
/// date pattern.
#[derive(Debug)]
pub struct ParseDate;

impl ScalarFunction for ParseDate {
    fn name(&self) -> &'static str {
        "parseDate"
    }

    fn signature(&self) -> Signature {
        Signature::between(2, 3)
    }

    fn doc(&self) -> &'static str {
        "Reads a date from the start of the text with a Java SimpleDateFormat pattern such as \
         \"MM/dd/yyyy HH:mm:ss\" and returns the instant as an integer of epoch milliseconds; \
         text after the date is ignored (\"3/4/2005 other\" matches \"M/d/yyyy\"). A zone in the \
         text (pattern letters z, Z, X) wins; else the zone of the third argument (UTC, an offset \
         such as +05:30, or an IANA name), else the run's zone. Fields left out default to \
         1970-01-01 00:00:00.000; a two-digit year lands within 80 years before and 20 after now. \
         Values out of range (month 13, 30 February) do not match. Null text or pattern, text \
         that does not match, or a pattern or zone invalid at run time give null; a literal \
         pattern or zone that is invalid is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "parseDate(\"2019-11-18T19:00:00.000-08:00\", \"yyyy-MM-dd'T'HH:mm:ss.SSSXXX\")",
                "1574132400000"
            ),
            example!(
                "parseDate(\"04/Mar/2024:10:15:02 GET /\", \"dd/MMM/yyyy:HH:mm:ss\", \"+05:30\")",
                "1709527502000"
            ),
            example!("parseDate(\"2024-02-30\", \"yyyy-MM-dd\")", "null"),
            example!("parseDate(null, \"yyyy\")", "null"),
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
        let (Some(text), Some(pattern)) = (args[0].to_text(), args[1].to_text()) else {
            return Ok(Value::Null);
        };
        let zone = zone_argument(args.get(2), ctx);
        let pattern = JavaDatePattern::compile(&pattern).ok();
        let instant = match (pattern, zone) {
            (Some(pattern), Some(zone)) => pattern.parse(&text, &zone, ctx.now_ms),
            _ => None,
        };
        Ok(instant.map_or(Value::Null, Value::Int))
    }
}

#[cfg(test)]
mod tests {
    use sumoql_value::time::Zone;

    use super::*;

    fn parse(args: &[Value], ctx: &mut CallContext) -> Value {
        ParseDate.call(args, ctx).unwrap()
    }

    #[test]
    fn the_run_zone_is_the_default() {
        let mut ctx = CallContext::default();
        let args = [
            Value::text("1970-01-01 01:00"),
            Value::text("yyyy-MM-dd HH:mm"),
        ];
        assert_eq!(parse(&args, &mut ctx), Value::Int(3_600_000));
        ctx.zone = Zone::parse("+01:00").unwrap();
        assert_eq!(parse(&args, &mut ctx), Value::Int(0));
        let null_zone = [args[0].clone(), args[1].clone(), Value::Null];
        assert_eq!(parse(&null_zone, &mut ctx), Value::Int(0));
    }

    #[test]
    fn bad_input_gives_null() {
        let mut ctx = CallContext::default();
        for args in [
            [Value::text("2024"), Value::Null, Value::text("UTC")],
            [
                Value::text("2024"),
                Value::text("yyyy-QQ"),
                Value::text("UTC"),
            ],
            [
                Value::text("2024"),
                Value::text("yyyy"),
                Value::text("Nowhere"),
            ],
            [Value::text("soon"), Value::text("yyyy"), Value::text("UTC")],
        ] {
            assert_eq!(parse(&args, &mut ctx), Value::Null, "{args:?}");
        }
        assert!(ParseDate
            .check_constants(&[None, Some(Value::text("yyyy-QQ"))])
            .is_err());
    }
}
