//! `smooth`, `rollingstd` and `outlier` in SQL: the mean and the sample deviation of the last N numbers of
//! each group in row order, computed term by term from `LAG` windows so that every sum adds
//! the same doubles in the same order as the native stage (oldest first), and so gives the
//! same bits.

use sumoql_plan::{OutlierDirection, OutlierSpec, SequenceKind};
use sumoql_value::SlotId;

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::{Kind, Sql};
use crate::SqlError;

/// The longest window translated: each place of the window is a term of one chain of
/// additions, and the engines refuse expressions much deeper than this (DuckDB at 1,000).
const MAX_WINDOW: u64 = 100;

/// The hidden column that holds a row's value as a double.
const NUMBER: &str = "sumoql_number";

/// The hidden column that holds how many numbers a row's window has.
const COUNT: &str = "sumoql_count";

/// The hidden column that holds a row's place in its series (`outlier`).
const PLACE: &str = "sumoql_place";

/// The hidden column that holds how far the band reaches from the mean (`outlier`).
const REACH: &str = "sumoql_reach";

/// The hidden column that holds whether a row lies outside its band (`outlier`).
const INDICATOR: &str = "sumoql_indicator";

/// The hidden column that holds the mean of a row's window (`rollingstd`, `outlier`).
const MEAN: &str = "sumoql_mean";

impl Generator<'_> {
    /// `smooth` (the mean) or `rollingstd` (the sample deviation, 0 for one number) of the
    /// last `window` numbers of each group, the row's own included. Rows whose value is not a
    /// number are left out, as natively, and take no place in any window. A window of more
    /// than [`MAX_WINDOW`] rows is refused.
    pub(super) fn moving_window(
        &mut self,
        kind: SequenceKind,
        field: SlotId,
        window: u64,
        output: SlotId,
        by: &[SlotId],
    ) -> Result<(), SqlError> {
        if window > MAX_WINDOW {
            return Err(SqlError::new(
                format!("{} over more than {MAX_WINDOW} rows", kind.name()),
                "each row of the window is a term of one sum, added in order to give sumoql's exact value, and the engines refuse an expression that deep",
            ));
        }
        let writer = self.writer();
        let number = writer.number(&writer.column(field)).text;
        let columns = self.column_list();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {} AS {NUMBER}, {ORDER} FROM {previous} WHERE {number} IS NOT NULL",
            self.dialect.nullable_double(&number)
        ));
        let in_order = format!("OVER ({}ORDER BY {ORDER})", self.partition(by));
        // The window's numbers, oldest first: a place before the group's first row is null.
        let lags: Vec<String> = (0..window)
            .rev()
            .map(|back| match back {
                0 => NUMBER.to_string(),
                _ => format!("LAG({NUMBER}, {back}) {in_order}"),
            })
            .collect();
        let count = format!("LEAST(ROW_NUMBER() {in_order}, {window})");
        // Natively the sum starts at -0.0, which adding leaves every other double unchanged;
        // a missing place adds -0.0 too.
        let sum: Vec<String> = lags
            .iter()
            .map(|lag| format!("COALESCE({lag}, {NEGATIVE_ZERO})"))
            .collect();
        let mean = format!("(({}) / CAST({count} AS DOUBLE))", sum.join(" + "));
        if kind == SequenceKind::Smooth {
            self.assign(output, Sql::new(mean, Kind::Float), &[]);
            return Ok(());
        }
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {NUMBER}, {mean} AS {MEAN}, {count} AS {COUNT}, {ORDER} FROM {previous}"
        ));
        // The squares of the differences from the mean, oldest first; a missing place adds 0.
        let squares: Vec<String> = lags
            .iter()
            .map(|lag| format!("COALESCE(({lag} - {MEAN}) * ({lag} - {MEAN}), CAST(0 AS DOUBLE))"))
            .collect();
        let deviation = format!(
            "(CASE WHEN {COUNT} < 2 THEN CAST(0 AS DOUBLE) ELSE sqrt(({}) / CAST({COUNT} - 1 AS DOUBLE)) END)",
            squares.join(" + ")
        );
        self.assign(output, Sql::new(deviation, Kind::Float), &[]);
        Ok(())
    }

    /// `outlier`: the rows sorted by time (none last), then each number measured against the
    /// mean and sample deviation of the `window` numbers before it in its series (a band only
    /// from two earlier numbers); the violation when the last `consecutive` indicators of the
    /// series are all 1. Rows whose value is not a number keep their fields unset.
    pub(super) fn outlier(&mut self, spec: &OutlierSpec) -> Result<(), SqlError> {
        let window = spec.window as u64;
        let fields = spec.field;
        let outputs = [
            fields.error,
            fields.lower,
            fields.upper,
            fields.indicator,
            fields.violation,
        ];
        if window > MAX_WINDOW
            || self.non_finite.contains(&fields.value)
            || outputs.iter().any(|slot| self.columns.contains(slot))
        {
            return Err(SqlError::new(
                "outlier",
                "only a window of at most 100 rows, over finite numbers, into fields the rows do not have yet, is translated",
            ));
        }
        let writer = self.writer();
        let number = writer.number(&writer.column(fields.value)).text;
        let time = writer.number(&writer.column(spec.timeslice)).text;
        let time = self.dialect.truncate_to_long(&time);
        let columns = self.column_list();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {} AS {NUMBER}, ROW_NUMBER() OVER (ORDER BY {time} ASC NULLS LAST, {ORDER}) AS {ORDER} FROM {previous}",
            self.dialect.nullable_double(&number)
        ));
        let mut keys: Vec<String> = spec.by.iter().map(|slot| self.name(*slot)).collect();
        keys.push(format!("({NUMBER} IS NULL)"));
        let series = format!("PARTITION BY {} ORDER BY {ORDER}", keys.join(", "));
        let in_order = format!("OVER ({series})");
        // The numbers before the row, oldest first.
        let lags: Vec<String> = (1..=window)
            .rev()
            .map(|back| format!("LAG({NUMBER}, {back}) {in_order}"))
            .collect();
        let count = format!("LEAST(ROW_NUMBER() {in_order} - 1, {window})");
        let sum: Vec<String> = lags
            .iter()
            .map(|lag| format!("COALESCE({lag}, {NEGATIVE_ZERO})"))
            .collect();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {NUMBER}, (CASE WHEN {count} >= 2 THEN ({}) / CAST({count} AS DOUBLE) END) AS {MEAN}, {count} AS {COUNT}, ROW_NUMBER() {in_order} AS {PLACE}, {ORDER} FROM {previous}",
            sum.join(" + ")
        ));
        let squares: Vec<String> = lags
            .iter()
            .map(|lag| format!("COALESCE(({lag} - {MEAN}) * ({lag} - {MEAN}), CAST(0 AS DOUBLE))"))
            .collect();
        let reach = format!(
            "(CAST({:?} AS DOUBLE) * sqrt(({}) / CAST({COUNT} - 1 AS DOUBLE)))",
            spec.threshold,
            squares.join(" + ")
        );
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {NUMBER}, {MEAN}, {PLACE}, (CASE WHEN {MEAN} IS NOT NULL THEN {reach} END) AS {REACH}, {ORDER} FROM {previous}"
        ));
        let (lower, upper) = (format!("({MEAN} - {REACH})"), format!("({MEAN} + {REACH})"));
        let outside = match spec.direction {
            OutlierDirection::Both => format!("({NUMBER} < {lower} OR {NUMBER} > {upper})"),
            OutlierDirection::Above => format!("({NUMBER} > {upper})"),
            OutlierDirection::Below => format!("({NUMBER} < {lower})"),
        };
        let indicator = format!("(CASE WHEN COALESCE({outside}, FALSE) THEN 1 ELSE 0 END)");
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {NUMBER}, {MEAN}, {REACH}, {PLACE}, {indicator} AS {INDICATOR}, {ORDER} FROM {previous}"
        ));
        // The run of indicators 1 that ends at the row: its place after the last 0.
        let last_zero = format!(
            "MAX(CASE WHEN {INDICATOR} = 0 THEN {PLACE} END) OVER ({series} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        );
        let run = format!("({PLACE} - COALESCE({last_zero}, 0))");
        let numeric = |value: String, kind: Kind| {
            Sql::new(
                format!("(CASE WHEN {NUMBER} IS NOT NULL THEN {value} END)"),
                kind,
            )
        };
        let values = vec![
            (
                fields.error,
                numeric(format!("({NUMBER} - {MEAN})"), Kind::Float),
            ),
            (fields.lower, numeric(lower, Kind::Float)),
            (fields.upper, numeric(upper, Kind::Float)),
            (
                fields.indicator,
                numeric(format!("CAST({INDICATOR} AS BIGINT)"), Kind::Integer),
            ),
            (
                fields.violation,
                numeric(
                    format!(
                        "CAST(CASE WHEN {run} >= {} THEN 1 ELSE 0 END AS BIGINT)",
                        spec.consecutive
                    ),
                    Kind::Integer,
                ),
            ),
        ];
        self.assign_all(values, &[]);
        Ok(())
    }

    /// The current columns' names, comma-separated.
    fn column_list(&self) -> String {
        let names: Vec<String> = self.columns.iter().map(|slot| self.name(*slot)).collect();
        names.join(", ")
    }
}

/// The double -0.0, which a negated zero is in every engine (a literal `-0.0` may be read as
/// a decimal, whose zero has no sign).
const NEGATIVE_ZERO: &str = "(-CAST(0 AS DOUBLE))";

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_plan::plan_query;
    use sumoql_syntax::parse_query;

    use crate::{to_sql, Dialect, Input, SqlOptions};

    fn compile(query: &str) -> String {
        let plan = plan_query(&parse_query(query).unwrap(), &Registry::standard()).unwrap();
        let options = SqlOptions::new(Dialect::DuckDb, Input::Table("logs".into()));
        to_sql(&plan, &options).unwrap().sql
    }

    #[test]
    fn smooth_adds_its_window_oldest_first_from_negative_zero() {
        let sql = compile("* | count by h | smooth _count, 3 by h");
        assert!(
            sql.contains(
                "((COALESCE(LAG(sumoql_number, 2) OVER (PARTITION BY \"h\" ORDER BY sumoql_row_order), (-CAST(0 AS DOUBLE))) + COALESCE(LAG(sumoql_number, 1) OVER"
            ) && sql.contains("/ CAST(LEAST(ROW_NUMBER() OVER (PARTITION BY \"h\" ORDER BY sumoql_row_order), 3) AS DOUBLE)) AS \"_smooth\""),
            "{sql}"
        );
    }

    #[test]
    fn rollingstd_of_one_number_is_zero() {
        let sql = compile("* | count by h | rollingstd _count, 4");
        assert!(
            sql.contains("(CASE WHEN sumoql_count < 2 THEN CAST(0 AS DOUBLE) ELSE sqrt(("),
            "{sql}"
        );
    }

    #[test]
    fn a_window_deeper_than_the_engines_parse_is_refused() {
        let plan = plan_query(
            &parse_query("* | smooth n, 101 | fields _smooth").unwrap(),
            &Registry::standard(),
        )
        .unwrap();
        let options = SqlOptions::new(Dialect::Spark, Input::Table("logs".into()));
        let error = to_sql(&plan, &options).unwrap_err();
        assert_eq!(error.construct, "smooth over more than 100 rows");
    }
}
