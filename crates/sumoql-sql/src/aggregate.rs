//! Aggregate calls: each [`AggregateSpec`] of an aggregation becomes one SQL aggregate with
//! the kind of its result. The stage around them (keys, group order, null groups) is written
//! by the generator.

use sumoql_plan::{AggregateSpec, PlanExpr};
use sumoql_value::Value;

use crate::dialect::{SqlDialect, ORDER};
use crate::expr::{ExprWriter, Kind, Sql};
use crate::{refused, SqlError};

/// The SQL of one aggregate call, over the rows of its group.
pub(crate) fn aggregate(
    writer: &mut ExprWriter<'_>,
    spec: &AggregateSpec,
) -> Result<Sql, SqlError> {
    let name = spec.function.name();
    let mut args = Vec::new();
    for arg in &spec.args {
        args.push(writer.write(arg)?);
    }
    let dialect = writer.dialect;
    let sql = |text: String, kind: Kind| Ok(Sql { text, kind });
    match (name, args.as_slice()) {
        // `count_frequent` is planned as its fields for keys, then a sort and a limit: the
        // count of each combination is all that is left to compute here.
        ("count" | "count_frequent", []) => sql("COUNT(*)".to_string(), Kind::Integer),
        ("count", [x]) => sql(format!("COUNT({})", x.text), Kind::Integer),
        ("count_distinct", [x]) => {
            sql(format!("COUNT(DISTINCT {})", writer.text(x)), Kind::Integer)
        }
        ("sum", [x]) => {
            let number = writer.number(x);
            sql(format!("SUM({})", number.text), number.kind)
        }
        ("avg", [x]) => sql(
            format!("AVG(CAST({} AS DOUBLE))", writer.number(x).text),
            Kind::Float,
        ),
        ("min" | "max", [x]) => {
            let number = writer.number(x);
            sql(
                format!("{}({})", name.to_uppercase(), number.text),
                number.kind,
            )
        }
        ("values", [x]) => sql(dialect.values_aggregate(&writer.text(x)), Kind::List),
        ("stddev", [x]) => {
            // The sample deviation; one value gives 0 (SQL gives null or NaN), none null.
            let number = format!("CAST({} AS DOUBLE)", writer.number(x).text);
            sql(
                format!(
                    "(CASE WHEN COUNT({number}) = 0 THEN CAST(NULL AS DOUBLE) \
                     WHEN COUNT({number}) = 1 THEN CAST(0 AS DOUBLE) \
                     ELSE {} END)",
                    dialect.sample_stddev(&number)
                ),
                Kind::Float,
            )
        }
        ("median", [x]) => sql(dialect.percentile(&writer.number(x).text, 0.5), Kind::Float),
        ("pct", [x, _]) => {
            let Some(PlanExpr::Literal(percent)) = spec.args.get(1) else {
                return Err(refused::aggregate(name));
            };
            let Some(percent) = percent_of(percent) else {
                return Err(refused::aggregate(name));
            };
            sql(
                dialect.percentile(&writer.number(x).text, percent / 100.0),
                Kind::Float,
            )
        }
        // Over log records: the value of the newest record with a time, equal times in row
        // order; the oldest, equal times the last in row order.
        ("most_recent" | "least_recent", [x, time]) => {
            let time = writer.number(time);
            let filter = format!("{} IS NOT NULL AND {} IS NOT NULL", x.text, time.text);
            sql(
                recent(dialect, &x.text, &time.text, name == "most_recent", &filter),
                x.kind,
            )
        }
        // Over rows an earlier stage arranged: the first or last non-null value in row order.
        ("first" | "last", [x]) => {
            let key = (ORDER.to_string(), name == "last");
            let filter = format!("{} IS NOT NULL", x.text);
            sql(dialect.first_by(&x.text, &[key], &filter), x.kind)
        }
        _ => Err(refused::aggregate(name)),
    }
}

/// `most_recent` (`newest`) or `least_recent` of `value` by `time` over the rows that meet
/// `filter`: the newest value with equal times in row order, or the oldest with equal times
/// the last in row order, as over log records.
pub(crate) fn recent(
    dialect: &dyn SqlDialect,
    value: &str,
    time: &str,
    newest: bool,
    filter: &str,
) -> String {
    let keys = [(time.to_string(), newest), (ORDER.to_string(), !newest)];
    dialect.first_by(value, &keys, filter)
}

/// A percentile constant as a number.
fn percent_of(value: &Value) -> Option<f64> {
    value.as_number().map(|n| n.as_f64())
}

#[cfg(test)]
mod tests {
    use crate::test_support::table_sql as compile;
    use crate::Dialect;

    #[test]
    fn first_of_log_records_is_the_newest_and_after_a_sort_the_first_row() {
        let newest = compile("* | first(user) by host", Dialect::DuckDb);
        assert!(
            newest.contains("first(\"user\" ORDER BY (CASE WHEN")
                && newest.contains(
                    "END) DESC, sumoql_row_order ASC) FILTER (WHERE \"user\" IS NOT NULL AND"
                ),
            "{newest}"
        );
        let sorted = compile("* | sort by n | last(user)", Dialect::Spark);
        assert!(
            sorted.contains(
                "min_by(`user`, struct(-(sumoql_row_order))) FILTER (WHERE `user` IS NOT NULL)"
            ),
            "{sorted}"
        );
        // ClickHouse's row order of lines is a tuple: the last row is the greatest.
        let last = compile("* | sort by n | last(user)", Dialect::ClickHouse);
        assert!(
            last.contains("argMaxIf(`user`, tuple(sumoql_row_order), `user` IS NOT NULL)"),
            "{last}"
        );
        let oldest = compile("* | least_recent(user)", Dialect::ClickHouse);
        assert!(
            oldest.contains("argMaxIf(`user`, tuple(-((CASE"),
            "{oldest}"
        );
    }

    #[test]
    fn percentiles_interpolate_between_ranks_in_every_dialect() {
        for (dialect, form) in [
            (Dialect::DuckDb, "quantile_cont("),
            (Dialect::Spark, "percentile("),
            (Dialect::ClickHouse, "quantileExactInclusive(0.95)("),
        ] {
            let sql = compile("* | pct(ms, 95)", dialect);
            assert!(sql.contains(form), "{sql}");
        }
    }

    #[test]
    fn stddev_of_one_value_is_zero() {
        let sql = compile("* | stddev(x)", Dialect::ClickHouse);
        assert!(
            sql.contains("= 1 THEN CAST(0 AS DOUBLE) ELSE stddevSampStable("),
            "{sql}"
        );
    }
}
