//! `bin f width=10`: the histogram bin each record's value falls in.

use sumoql_functions::CallContext;
use sumoql_plan::BinSpec;
use sumoql_value::{Record, Value, WarningKind};

use crate::stages::Stage;

/// Sets the bin's lower and upper bounds and its label `[lower, upper)`; a null value gives
/// null bounds, and a value that is not a number null bounds with a cast warning.
pub(crate) struct BinStage {
    spec: BinSpec,
}

impl BinStage {
    pub(crate) fn new(spec: BinSpec) -> BinStage {
        BinStage { spec }
    }
}

impl Stage for BinStage {
    fn push(&mut self, mut record: Record, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let value = record.get(self.spec.field);
        let number = value.as_number().map(|n| n.as_f64());
        let (lower, upper, label) = match number {
            Some(number) if number.is_finite() => {
                let (lower, upper) = self.spec.bounds(number);
                let (lower, upper) = (Value::Float(lower), Value::Float(upper));
                let label = format!(
                    "[{}, {})",
                    lower.to_text().unwrap_or_default(),
                    upper.to_text().unwrap_or_default()
                );
                (lower, upper, Value::text(label))
            }
            _ => {
                if !value.is_null() {
                    ctx.warn(WarningKind::CastFailed);
                }
                (Value::Null, Value::Null, Value::Null)
            }
        };
        record.set(self.spec.lower, lower);
        record.set(self.spec.upper, upper);
        record.set(self.spec.label, label);
        out.push(record);
    }
}
