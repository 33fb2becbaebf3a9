//! `smooth` and `rollingstd` in SQL: the mean and the sample deviation of the last N numbers of
//! each group in row order, computed term by term from `LAG` windows so that every sum adds
//! the same doubles in the same order as the native stage (oldest first), and so gives the
//! same bits.

use sumoql_plan::SequenceKind;
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

/// The hidden column that holds the mean of a row's window (`rollingstd`).
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
            "SELECT {columns}, CAST({number} AS DOUBLE) AS {NUMBER}, {ORDER} FROM {previous} WHERE {number} IS NOT NULL"
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
