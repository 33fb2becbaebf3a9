//! The numeric values of a group, kept whole, for aggregates that need all of them at once
//! (`pct`, `median`, `stddev`).

use std::cmp::Ordering;

use crate::prelude::*;

/// Every numeric value seen (numbers, and text that is clearly a number; D6). Memory grows with
/// the group: these aggregates are exact, as Sumo's are below 1,000 values.
#[derive(Clone, Debug, Default)]
pub(super) struct NumericValues {
    values: Vec<Number>,
}

impl NumericValues {
    /// Keeps `value` when it is numeric; nulls and other text are skipped.
    pub(super) fn offer(&mut self, value: &Value) {
        if let Some(n) = value.as_number() {
            self.values.push(n);
        }
    }

    /// Keeps every value of `other`.
    pub(super) fn merge(&mut self, other: &NumericValues) {
        self.values.extend_from_slice(&other.values);
    }

    /// The values in ascending numeric order; an integer comes before an equal float, so the
    /// order never depends on the order of updates.
    pub(super) fn sorted(&self) -> Vec<Number> {
        let mut sorted = self.values.clone();
        sorted.sort_by(|&a, &b| number_order(a, b));
        sorted
    }
}

/// Numeric order, then integers before equal floats, then by bits: a total order.
fn number_order(a: Number, b: Number) -> Ordering {
    a.total_cmp(b).then_with(|| match (a, b) {
        (Number::Int(_), Number::Float(_)) => Ordering::Less,
        (Number::Float(_), Number::Int(_)) => Ordering::Greater,
        (a, b) => a.as_f64().total_cmp(&b.as_f64()),
    })
}
