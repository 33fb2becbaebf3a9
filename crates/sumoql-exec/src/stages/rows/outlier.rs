//! `outlier`: each series in `_timeslice` order, each point measured against the band of the
//! points before it.

use std::collections::{HashMap, VecDeque};

use sumoql_functions::CallContext;
use sumoql_plan::{OutlierDirection, OutlierSpec};
use sumoql_value::{GroupKey, Record, Value, WarningKind};

use super::key_of;
use super::sequence::{mean, sample_deviation};
use crate::stages::order::time_of;
use crate::stages::Stage;

/// Holds every record until the input ends, then follows each series in time order.
pub(crate) struct OutlierStage {
    spec: OutlierSpec,
    held: Vec<Record>,
}

/// One series: its last `window` values and how many outliers it has had in a row.
#[derive(Default)]
struct Series {
    window: VecDeque<f64>,
    run: usize,
}

impl OutlierStage {
    pub(crate) fn new(spec: OutlierSpec) -> OutlierStage {
        OutlierStage {
            spec,
            held: Vec::new(),
        }
    }

    /// Measures `value` against `series`, writes the fields to `record` and adds the value to
    /// the series. The band needs two earlier points (a deviation); until then the band's
    /// fields are null and the point is no outlier.
    fn measure(&self, series: &mut Series, value: f64, record: &mut Record) {
        let fields = self.spec.field;
        let earlier: Vec<f64> = series.window.iter().copied().collect();
        let band = (earlier.len() >= 2).then(|| {
            let average = mean(&earlier);
            let reach = self.spec.threshold * sample_deviation(&earlier);
            (average, average - reach, average + reach)
        });
        let outside = band.is_some_and(|(_, lower, upper)| match self.spec.direction {
            OutlierDirection::Both => value < lower || value > upper,
            OutlierDirection::Above => value > upper,
            OutlierDirection::Below => value < lower,
        });
        series.run = if outside { series.run + 1 } else { 0 };
        let number = |n: Option<f64>| n.map_or(Value::Null, Value::Float);
        record.set(
            fields.error,
            number(band.map(|(average, _, _)| value - average)),
        );
        record.set(fields.lower, number(band.map(|(_, lower, _)| lower)));
        record.set(fields.upper, number(band.map(|(_, _, upper)| upper)));
        record.set(fields.indicator, Value::Int(i64::from(outside)));
        let violation = series.run >= self.spec.consecutive;
        record.set(fields.violation, Value::Int(i64::from(violation)));
        series.window.push_back(value);
        if series.window.len() > self.spec.window {
            series.window.pop_front();
        }
    }
}

impl Stage for OutlierStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let mut records = std::mem::take(&mut self.held);
        records.sort_by_key(|record| {
            let time = time_of(record, self.spec.timeslice);
            (time.is_none(), time)
        });
        let mut series: HashMap<GroupKey, Series> = HashMap::new();
        for mut record in records {
            match record.get(self.spec.field.value).as_number() {
                Some(number) => {
                    let key = key_of(&record, &self.spec.by);
                    let one = series.entry(key).or_default();
                    self.measure(one, number.as_f64(), &mut record);
                }
                None => ctx.warn(WarningKind::NonNumericUnmeasured),
            }
            out.push(record);
        }
    }
}
