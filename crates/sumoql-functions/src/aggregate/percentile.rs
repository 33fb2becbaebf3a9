//! `pct(x, p…)` and `median(x)`.

use std::any::Any;

use super::numbers::NumericValues;
use super::{first_argument, same_kind};
use crate::prelude::*;

/// `pct(x, 95)`, `pct(x, 50, 95, 99.9)`: percentiles of the numeric values of `x`, one column
/// each.
#[derive(Debug)]
pub struct Pct;

impl AggregateFunction for Pct {
    fn name(&self) -> &'static str {
        "pct"
    }

    fn signature(&self) -> Signature {
        Signature::at_least(2)
    }

    fn doc(&self) -> &'static str {
        "Returns, for each percentile given after the field (a number from 0 to 100, decimals \
         allowed), that percentile of the field's numeric values in the group, in its own column \
         named `_<field>_pct_<percentile>` (`_pct_<percentile>` when the first argument is not \
         a plain field); `as` names the column of a call with one percentile. Numbers and text \
         that is clearly a number count; other text and nulls are skipped. The percentile is \
         exact, interpolated linearly between the two nearest ranks (rank p/100 * (n - 1) from \
         0): a value that falls on one rank is that value, keeping its kind (an integer stays \
         one), otherwise the result is a float. Over no numeric values the result is null."
    }

    fn default_name(&self) -> &'static str {
        "_pct"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[
            aggregate_example!(
                "pct(ms, 50, 95)",
                [
                    r#"{"ms":"10"}"#,
                    r#"{"ms":"20"}"#,
                    r#"{"ms":"30"}"#,
                    r#"{"ms":"40"}"#,
                    r#"{"ms":"slow"}"#,
                ],
                r#"{"_ms_pct_50":25,"_ms_pct_95":38.5}"#
            ),
            aggregate_example!(
                "pct(ms, 50) as p50",
                [r#"{"ms":"1"}"#, r#"{"ms":"3"}"#, r#"{"ms":"2"}"#],
                r#"{"p50":2}"#
            ),
        ]
    }

    fn columns(
        &self,
        constants: &[Option<Value>],
        first_field: Option<&str>,
    ) -> Result<Vec<AggregateColumn>, (usize, String)> {
        let mut columns = Vec::new();
        for (index, constant) in constants.iter().enumerate().skip(1) {
            let percent = constant
                .as_ref()
                .and_then(Value::as_number)
                .filter(|n| (0.0..=100.0).contains(&n.as_f64()))
                .ok_or((
                    index,
                    "a percentile is a literal number from 0 to 100".to_string(),
                ))?;
            let label = Value::from_number(percent)
                .to_text()
                .map(|text| text.into_owned())
                .unwrap_or_default();
            let default_name = match first_field {
                Some(field) => format!("_{field}_pct_{label}"),
                None => format!("_pct_{label}"),
            };
            columns.push(AggregateColumn {
                function: Some(Arc::new(Percentile {
                    percent: percent.as_f64(),
                })),
                arguments: vec![0, index],
                default_name,
            });
        }
        Ok(columns)
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        // Never used by a plan: `columns` gives each percentile of a call its own aggregate. The
        // median is the nearest meaning of `pct` without a percentile.
        Box::new(PercentileAccumulator::new(50.0))
    }
}

/// `median(x)`: the 50th percentile of the numeric values of `x`.
#[derive(Debug)]
pub struct Median;

impl AggregateFunction for Median {
    fn name(&self) -> &'static str {
        "median"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the median of its argument's numeric values in the group, as `pct(x, 50)` does \
         (the mean of the two middle values when their number is even), in a column named \
         `_median`. Nulls and text that is not a number are skipped; over no numeric values the \
         result is null."
    }

    fn default_name(&self) -> &'static str {
        "_median"
    }

    fn examples(&self) -> &'static [AggregateExample] {
        &[
            aggregate_example!(
                "median(x)",
                [r#"{"x":"5"}"#, r#"{"x":"1"}"#, r#"{"x":"3"}"#, r#"{}"#],
                r#"{"_median":3}"#
            ),
            aggregate_example!(
                "median(x)",
                [r#"{"x":"1"}"#, r#"{"x":"2"}"#],
                r#"{"_median":1.5}"#
            ),
        ]
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(PercentileAccumulator::new(50.0))
    }
}

/// One percentile of one `pct` call: the aggregate behind each of its columns.
#[derive(Debug)]
struct Percentile {
    percent: f64,
}

impl AggregateFunction for Percentile {
    fn name(&self) -> &'static str {
        Pct.name()
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        Pct.doc()
    }

    fn default_name(&self) -> &'static str {
        Pct.default_name()
    }

    fn examples(&self) -> &'static [AggregateExample] {
        Pct.examples()
    }

    fn accumulator(&self) -> Box<dyn Accumulator> {
        Box::new(PercentileAccumulator::new(self.percent))
    }
}

/// The numeric values seen, and the percentile to read from them.
#[derive(Debug)]
struct PercentileAccumulator {
    percent: f64,
    values: NumericValues,
}

impl PercentileAccumulator {
    fn new(percent: f64) -> PercentileAccumulator {
        PercentileAccumulator {
            percent,
            values: NumericValues::default(),
        }
    }
}

impl Accumulator for PercentileAccumulator {
    fn update(&mut self, args: &[Value], _ctx: &mut CallContext) {
        self.values.offer(first_argument(args));
    }

    fn merge(&mut self, other: &dyn Accumulator) -> Result<(), MismatchedAccumulator> {
        self.values
            .merge(&same_kind::<PercentileAccumulator>(other)?.values);
        Ok(())
    }

    fn finish(&self, _ctx: &mut CallContext) -> Value {
        percentile(&self.values.sorted(), self.percent).map_or(Value::Null, Value::from_number)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The `percent`th percentile of `sorted` (ascending), interpolated linearly between the two
/// nearest ranks; `None` when there are no values.
fn percentile(sorted: &[Number], percent: f64) -> Option<Number> {
    let last = sorted.len().checked_sub(1)?;
    let rank = (percent / 100.0).clamp(0.0, 1.0) * last as f64;
    let below = (rank.floor() as usize).min(last);
    let above = (rank.ceil() as usize).min(last);
    let (low, high) = (sorted[below], sorted[above]);
    if below == above {
        return Some(low);
    }
    let fraction = rank - below as f64;
    let (low, high) = (low.as_f64(), high.as_f64());
    Some(Number::Float(low + (high - low) * fraction))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::testing::run_split;

    fn numbers(values: &[i64]) -> Vec<Number> {
        values.iter().map(|&i| Number::Int(i)).collect()
    }

    #[test]
    fn interpolates_between_ranks() {
        let sorted = numbers(&[10, 20, 30, 40]);
        assert_eq!(percentile(&sorted, 0.0), Some(Number::Int(10)));
        assert_eq!(percentile(&sorted, 100.0), Some(Number::Int(40)));
        assert_eq!(percentile(&sorted, 50.0), Some(Number::Float(25.0)));
        assert_eq!(percentile(&sorted, 95.0), Some(Number::Float(38.5)));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&numbers(&[7]), 99.9), Some(Number::Int(7)));
    }

    #[test]
    fn median_skips_what_is_not_a_number() {
        let values = [
            Value::text("3"),
            Value::Null,
            Value::text("x"),
            Value::Float(1.5),
            Value::text("10"),
        ];
        assert_eq!(run_split(&Median, &values), Value::Int(3));
        assert_eq!(run_split(&Median, &[]), Value::Null);
    }

    #[test]
    fn columns_are_named_after_the_field_and_percentile() {
        let constants = [None, Some(Value::Int(50)), Some(Value::Float(99.9))];
        let columns = Pct.columns(&constants, Some("ms")).unwrap();
        let names: Vec<&str> = columns.iter().map(|c| c.default_name.as_str()).collect();
        assert_eq!(names, ["_ms_pct_50", "_ms_pct_99.9"]);
        assert_eq!(columns[1].arguments, [0, 2]);
        let bad = [None, Some(Value::Int(101))];
        assert!(matches!(Pct.columns(&bad, None), Err((1, _))));
        assert!(matches!(Pct.columns(&[None, None], None), Err((1, _))));
    }
}
