//! The float functions in SQL (`sqrt`, `exp`, `log`, `pow`, the trigonometry, `haversine`,
//! `isNaN`, `isInfinity`): each argument read as a double (D6), NaN and the infinities where
//! sumoql gives them (the logarithms are guarded at and below zero, where Spark gives null),
//! and a result that may be NaN or infinite written out as sumoql spells it (`NaN`,
//! `Infinity`, `-Infinity`), which the engines write otherwise.
//!
//! Known difference: the transcendental functions come from each engine's math library, which
//! may differ from sumoql's in the last bit of a result (Spark's `exp(1)` is
//! 2.7182818284590455, sumoql's 2.718281828459045); `pow` of two integers is a double, exact
//! up to 2^53; DuckDB, which has no `hypot`, computes it from its larger side, as exact as the
//! engines' own `hypot` but not always rounded alike in the last bit.

use std::collections::HashSet;

use sumoql_plan::PlanExpr;
use sumoql_value::SlotId;

use crate::expr::{round_half_up, ExprWriter, Kind, Sql};
use crate::SqlError;

/// The functions whose result may be NaN or infinite, by lower-case name.
const NON_FINITE: &[&str] = &[
    "sqrt",
    "cbrt",
    "exp",
    "expm1",
    "log",
    "log10",
    "log1p",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "atan2",
    "pow",
    "hypot",
    "todegrees",
    "toradians",
];

/// The Earth's radius in kilometres of sumoql's `haversine`.
const EARTH_RADIUS_KM: f64 = 6372.8;

/// The double NaN.
const NAN: &str = "CAST('NaN' AS DOUBLE)";

/// The double positive infinity.
const INFINITY: &str = "CAST('Infinity' AS DOUBLE)";

/// The double negative infinity.
const NEGATIVE_INFINITY: &str = "CAST('-Infinity' AS DOUBLE)";

impl ExprWriter<'_> {
    /// `name(values)` when `name` (lower case) is a float function, else `None`.
    pub(crate) fn float_function(
        &self,
        name: &str,
        values: &[Sql],
    ) -> Option<Result<Sql, SqlError>> {
        let doubles: Vec<String> = values
            .iter()
            .map(|value| format!("CAST({} AS DOUBLE)", self.number(value).text))
            .collect();
        let float = |text: String| Ok(Sql::new(text, Kind::Float));
        let result = match (name, doubles.as_slice()) {
            ("log" | "log10", [x]) => self.logarithm(name, x, "0").and_then(float),
            ("log1p", [x]) => self.logarithm(name, x, "-1").and_then(float),
            ("todegrees", [x]) => float(format!("({x} * CAST({:?} AS DOUBLE))", 1f64.to_degrees())),
            ("toradians", [x]) => float(radians(x)),
            ("isnan", [x]) => Ok(Sql::new(
                format!(
                    "(CASE WHEN {x} IS NOT NULL THEN {} END)",
                    self.dialect.is_nan(x)
                ),
                Kind::Bool,
            )),
            ("isinfinity", [x]) => Ok(Sql::new(format!("(abs({x}) = {INFINITY})"), Kind::Bool)),
            ("haversine", [lat1, lon1, lat2, lon2]) => float(haversine([lat1, lon1, lat2, lon2])),
            ("hypot", [x, y]) if self.dialect.float_function(name).is_none() => float(
                scaled_hypot(x, y, [x, y].map(|side| self.dialect.is_nan(side))),
            ),
            (_, [_] | [_, _]) if NON_FINITE.contains(&name) => self
                .engine_function(name)
                .and_then(|function| float(format!("{function}({})", doubles.join(", ")))),
            _ => return None,
        };
        Some(result)
    }

    /// The engine's function for the float function `name`, or a refusal when it has none.
    fn engine_function(&self, name: &str) -> Result<&'static str, SqlError> {
        self.dialect.float_function(name).ok_or_else(|| {
            SqlError::new(
                format!("{name}()"),
                "this engine has no such function, and writing it from others rounds differently",
            )
        })
    }

    /// A logarithm of `x`: -Infinity at `zero` and NaN below it, as natively (DuckDB and
    /// ClickHouse give these too, Spark null).
    fn logarithm(&self, name: &str, x: &str, zero: &str) -> Result<String, SqlError> {
        let function = self.engine_function(name)?;
        Ok(format!(
            "(CASE WHEN {x} = {zero} THEN {NEGATIVE_INFINITY} WHEN {x} < {zero} THEN {NAN} ELSE {function}({x}) END)"
        ))
    }

    /// Text for a double that may be NaN or infinite, spelled as sumoql writes those; other
    /// values are the engine's text of the double.
    pub(crate) fn spelled_float(&self, number: &str) -> String {
        format!(
            "(CASE WHEN {} THEN 'NaN' WHEN {number} = {INFINITY} THEN 'Infinity' WHEN {number} = {NEGATIVE_INFINITY} THEN '-Infinity' ELSE CAST({number} AS {}) END)",
            self.dialect.is_nan(number),
            self.dialect.text_type()
        )
    }
}

/// `degrees` in radians, multiplied by the constant Rust's `to_radians` uses.
fn radians(degrees: &str) -> String {
    format!("({degrees} * CAST({:?} AS DOUBLE))", 1f64.to_radians())
}

/// `hypot(x, y)` where the engine has none: the larger side times the root of one plus the
/// square of the sides' ratio, so that no square overflows; an infinite side gives infinity
/// (even beside NaN), a NaN side (`x_nan`, `y_nan`: the tests) otherwise NaN, as natively.
fn scaled_hypot(x: &str, y: &str, [x_nan, y_nan]: [String; 2]) -> String {
    let larger = format!("greatest(abs({x}), abs({y}))");
    format!(
        "(CASE WHEN abs({x}) = {INFINITY} OR abs({y}) = {INFINITY} THEN {INFINITY} \
         WHEN {x_nan} OR {y_nan} THEN {NAN} WHEN {larger} = 0 THEN CAST(0 AS DOUBLE) \
         ELSE {larger} * sqrt(({x} / {larger}) * ({x} / {larger}) + ({y} / {larger}) * ({y} / {larger})) END)"
    )
}

/// The great-circle distance in kilometres, rounded to 2 places, by the same operations in
/// the same order as sumoql's `haversine`; null when a coordinate is null.
fn haversine([lat1, lon1, lat2, lon2]: [&String; 4]) -> String {
    let (phi1, phi2) = (radians(lat1), radians(lat2));
    let half_dphi = format!("(({phi2} - {phi1}) / CAST(2 AS DOUBLE))");
    let half_dlambda = format!(
        "({} / CAST(2 AS DOUBLE))",
        radians(&format!("({lon2} - {lon1})"))
    );
    let square = |x: String| format!("({x} * {x})");
    let h = format!(
        "({} + cos({phi1}) * cos({phi2}) * {})",
        square(format!("sin({half_dphi})")),
        square(format!("sin({half_dlambda})"))
    );
    // Rust's `min(1.0)` gives 1 for NaN, as this does in every engine.
    let root = format!("sqrt({h})");
    let bounded = format!("(CASE WHEN {root} <= 1 THEN {root} ELSE CAST(1 AS DOUBLE) END)");
    let km = format!(
        "(CAST({:?} AS DOUBLE) * asin({bounded}))",
        2.0 * EARTH_RADIUS_KM
    );
    // The distance is never negative: halves round up, as Rust's `round` does for it.
    let rounded = format!(
        "({} / CAST(100 AS DOUBLE))",
        round_half_up(&format!("({km} * CAST(100 AS DOUBLE))"))
    );
    format!("(CASE WHEN {lat1} IS NOT NULL AND {lon1} IS NOT NULL AND {lat2} IS NOT NULL AND {lon2} IS NOT NULL THEN {rounded} END)")
}

/// Whether `expr` may give NaN or an infinity: it calls a float function, or reads a field in
/// `non_finite`.
pub(crate) fn may_be_non_finite(expr: &PlanExpr, non_finite: &HashSet<SlotId>) -> bool {
    match expr {
        PlanExpr::Field(slot) => non_finite.contains(slot),
        PlanExpr::Call { function, args } => {
            NON_FINITE.contains(&function.name().to_ascii_lowercase().as_str())
                || args.iter().any(|arg| may_be_non_finite(arg, non_finite))
        }
        PlanExpr::Unary { operand, .. } => may_be_non_finite(operand, non_finite),
        PlanExpr::Binary { left, right, .. } => {
            may_be_non_finite(left, non_finite) || may_be_non_finite(right, non_finite)
        }
        PlanExpr::Conditional {
            condition,
            then,
            otherwise,
        } => [condition, then, otherwise]
            .iter()
            .any(|part| may_be_non_finite(part, non_finite)),
        PlanExpr::In { value, list, .. } => {
            may_be_non_finite(value, non_finite)
                || list.iter().any(|item| may_be_non_finite(item, non_finite))
        }
        PlanExpr::Matches { value, .. } => may_be_non_finite(value, non_finite),
        PlanExpr::Literal(_) | PlanExpr::Regex(_) | PlanExpr::Subquery(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::table_sql as compile;
    use crate::Dialect;

    #[test]
    fn a_logarithm_is_guarded_at_zero_and_its_column_spelled_as_sumoql_writes_it() {
        for dialect in [Dialect::DuckDb, Dialect::Spark, Dialect::ClickHouse] {
            let sql = compile("* | log(x) as l | fields l", dialect);
            assert!(
                sql.contains("= 0 THEN CAST('-Infinity' AS DOUBLE) WHEN")
                    && sql.contains("< 0 THEN CAST('NaN' AS DOUBLE) ELSE ln(")
                    && sql.contains("THEN 'NaN' WHEN"),
                "{sql}"
            );
        }
    }

    #[test]
    fn a_rounded_distance_is_not_spelled() {
        let sql = compile(
            "* | haversine(a, b, c, d) as km | fields km",
            Dialect::DuckDb,
        );
        assert!(!sql.contains("'NaN'"), "{sql}");
    }
}
