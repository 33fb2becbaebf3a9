//! `bin f width=W[, min=A][, max=B]` in SQL: each value's bin bounds by the same double
//! operations as the native stage (values below `min` in the first bin, at or above `max` in
//! the last), and its label `[lower, upper)` written with the bounds' whole-number text.

use sumoql_plan::BinSpec;

use super::Generator;
use crate::expr::{Kind, Sql};
use crate::SqlError;

/// The largest bound whose whole-number text the SQL writes as sumoql does: below it a double
/// holds every whole number exactly, and a 64-bit integer holds it.
const EXACT_BOUND: f64 = 1e15;

impl Generator<'_> {
    /// `bin`: `_bin_lower` and `_bin_upper` as doubles, then `_bin_label` from them; all three
    /// null for a value that is not a finite number. The width, `min` and `max` must be whole
    /// numbers, so that every bound is one and its text is the integer's.
    pub(super) fn bin(&mut self, spec: &BinSpec) -> Result<(), SqlError> {
        let constants = [Some(spec.width), spec.min, spec.max];
        if constants
            .iter()
            .flatten()
            .any(|constant| constant.fract() != 0.0 || constant.abs() >= EXACT_BOUND)
        {
            return Err(SqlError::new(
                "bin with a width, min or max that is not a whole number",
                "the label writes the bounds as sumoql's shortest float text (2.5, no exponents), which the engines' casts to text do not give",
            ));
        }
        let writer = self.writer();
        let value = format!(
            "CAST({} AS DOUBLE)",
            writer
                .number(&self.present_column(&writer, spec.field))
                .text
        );
        let base = double(spec.min.unwrap_or(0.0));
        let width = double(spec.width);
        let mut index = format!("floor(({value} - {base}) / {width})");
        if let Some(max) = spec.max {
            // The last bin holds the values just below `max`.
            let last = ((max - spec.min.unwrap_or(0.0)) / spec.width).ceil() - 1.0;
            index = format!(
                "(CASE WHEN {value} >= {} THEN {} ELSE {index} END)",
                double(max),
                double(last)
            );
        }
        if spec.min.is_some() {
            // Values below `min` fall in the first bin.
            index = format!(
                "(CASE WHEN {index} < 0 THEN {} ELSE {index} END)",
                double(0.0)
            );
        }
        // A NaN or an infinity minus itself is not zero.
        let lower =
            format!("(CASE WHEN {value} - {value} = 0 THEN {base} + {index} * {width} END)");
        let upper = format!("({lower} + {width})");
        self.assign_all(
            vec![
                (spec.lower, Sql::new(lower, Kind::Float)),
                (spec.upper, Sql::new(upper, Kind::Float)),
            ],
            &[],
        );
        let label = format!(
            "('[' || {} || ', ' || {} || ')')",
            self.whole_text(&self.name(spec.lower)),
            self.whole_text(&self.name(spec.upper))
        );
        self.assign(spec.label, Sql::new(label, Kind::Text), &[]);
        self.warnings.push(format!(
            "bin: a bound of {EXACT_BOUND:e} or more in magnitude (from a value that large) is computed and written by the engine, whose text may differ from sumoql's"
        ));
        Ok(())
    }

    /// The text of the double `number`, a whole number, as sumoql writes it (`10`, not `10.0`)
    /// when it is below [`EXACT_BOUND`] in magnitude; the engine's text beyond.
    fn whole_text(&self, number: &str) -> String {
        let text = self.dialect.text_type();
        format!(
            "(CASE WHEN abs({number}) < {} THEN CAST(CAST({number} AS BIGINT) AS {text}) ELSE CAST({number} AS {text}) END)",
            double(EXACT_BOUND)
        )
    }
}

/// A double constant.
fn double(value: f64) -> String {
    format!("CAST({value:?} AS DOUBLE)")
}

#[cfg(test)]
mod tests {
    use crate::test_support::table_sql;
    use crate::Dialect;

    #[test]
    fn bin_clamps_to_min_and_max_and_labels_whole_bounds() {
        let sql = table_sql(
            "* | bin ms width=10, min=0, max=500 | fields ms, _bin_label",
            Dialect::DuckDb,
        );
        assert!(
            sql.contains("THEN CAST(49.0 AS DOUBLE) ELSE floor((")
                && sql.contains(" < 0 THEN CAST(0.0 AS DOUBLE) ELSE ")
                && sql.contains("CAST(CAST(\"_bin_lower\" AS BIGINT) AS VARCHAR)"),
            "{sql}"
        );
    }
}
