//! `predict`: the least-squares line through a `_timeslice` series, its value beside each
//! point and past the last one.

use std::collections::BTreeSet;

use sumoql_functions::CallContext;
use sumoql_plan::Predict;
use sumoql_value::limits::{PREDICT_FILLED, PREDICT_POINTS};
use sumoql_value::{Record, Value, WarningKind};

use crate::stages::order::time_of;
use crate::stages::Stage;

/// Holds the rows until the input ends, then fits the line and writes them.
pub(crate) struct PredictStage {
    plan: Predict,
    width: usize,
    held: Vec<Record>,
}

impl PredictStage {
    pub(crate) fn new(plan: Predict, width: usize) -> PredictStage {
        PredictStage {
            plan,
            width,
            held: Vec::new(),
        }
    }

    /// A row of slice `time` alone, with `value` in the field.
    fn slice_row(&self, time: i64, value: Value) -> Record {
        let mut row = Record::with_width(self.width);
        row.set(self.plan.timeslice, Value::Int(time));
        row.set(self.plan.value, value);
        row
    }

    /// Adds a row with the field 0 for each slice missing between the first and the last;
    /// none when more than the limit are missing.
    fn fill_missing(&self, records: &mut Vec<Record>, ctx: &mut CallContext) {
        let times: BTreeSet<i64> = records
            .iter()
            .filter_map(|r| time_of(r, self.plan.timeslice))
            .collect();
        let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
            return;
        };
        let step = self.plan.width_ms;
        let missing: Vec<i64> = (0..)
            .map(|k| first + k * step)
            .take_while(|&t| t <= last)
            .filter(|t| !times.contains(t))
            .take(PREDICT_FILLED + 1)
            .collect();
        if missing.len() > PREDICT_FILLED {
            ctx.warnings.add_with_sample(WarningKind::OperatorLimit, || {
                format!("predict: a series lacks more than {PREDICT_FILLED} slices; none were added")
            });
            return;
        }
        for &time in &missing {
            ctx.warn(WarningKind::MissingSliceZero);
            records.push(self.slice_row(time, Value::Int(0)));
        }
    }
}

/// The intercept and slope of the least-squares line through `points`; a flat line through a
/// single point (or points of one `x`).
fn fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let spread: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let slope = if spread == 0.0 {
        0.0
    } else {
        points
            .iter()
            .map(|p| (p.0 - mean_x) * (p.1 - mean_y))
            .sum::<f64>()
            / spread
    };
    Some((mean_y - slope * mean_x, slope))
}

impl Stage for PredictStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let mut records = std::mem::take(&mut self.held);
        self.fill_missing(&mut records, ctx);
        records.sort_by_key(|record| {
            let time = time_of(record, self.plan.timeslice);
            (time.is_none(), time)
        });
        let Some(first) = records
            .first()
            .and_then(|r| time_of(r, self.plan.timeslice))
        else {
            out.extend(records);
            return;
        };
        let step = self.plan.width_ms as f64;
        let x_of = |time: i64| (time - first) as f64 / step;
        let point = |record: &Record| {
            let time = time_of(record, self.plan.timeslice)?;
            let value = record.get(self.plan.value).as_number()?;
            Some((x_of(time), value.as_f64()))
        };
        let points: Vec<(f64, f64)> = records.iter().filter_map(point).collect();
        if points.len() > PREDICT_POINTS {
            ctx.warnings
                .add_with_sample(WarningKind::OperatorLimit, || {
                    format!(
                        "predict: the model was fitted to the latest {PREDICT_POINTS} points only"
                    )
                });
        }
        let line = fit(&points[points.len().saturating_sub(PREDICT_POINTS)..]);
        let at = |x: f64| line.map_or(Value::Null, |(a, b)| Value::Float(a + b * x));
        let mut last = first;
        for mut record in records {
            let Some(time) = time_of(&record, self.plan.timeslice) else {
                out.push(record);
                continue;
            };
            last = last.max(time);
            match point(&record) {
                Some((x, y)) => {
                    let predicted = at(x);
                    let error = predicted
                        .as_number()
                        .map_or(Value::Null, |p| Value::Float(p.as_f64() - y));
                    record.set(self.plan.predicted, predicted);
                    record.set(self.plan.error, error);
                }
                None => ctx.warn(WarningKind::NonNumericUnmeasured),
            }
            out.push(record);
        }
        for k in 1..=self.plan.forecast {
            let time = last + self.plan.width_ms * k as i64;
            let mut row = self.slice_row(time, Value::Null);
            row.set(self.plan.predicted, at(x_of(time)));
            out.push(row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_line_is_the_least_squares_one_and_flat_for_one_x() {
        let (a, b) = fit(&[(0.0, 2.0), (1.0, 3.0), (2.0, 4.0), (3.0, 0.0), (4.0, 1.0)]).unwrap();
        assert!((a - 3.0).abs() < 1e-12 && (b + 0.5).abs() < 1e-12);
        assert_eq!(fit(&[(2.0, 5.0), (2.0, 7.0)]), Some((6.0, 0.0)));
        assert_eq!(fit(&[]), None);
    }
}
