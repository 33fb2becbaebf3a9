//! `fillmissing values("a", "b") in f` in SQL: the rows, then one row for every combination
//! of the generated key values that no row has, in generator order (the first generator
//! slowest), as the native stage appends them at the end.
//!
//! The combinations are a cross join of constant rows, one relation per generator; the ones
//! some row has are left out by a join on the keys' text (so that a generated `"80"` matches a
//! key 80). The other fields of an added row hold their `with` value, else the zero of their
//! type when some row has a value there, else the value of their aggregate over no records.

use sumoql_value::{SlotId, Value};

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::{Kind, Sql};
use crate::SqlError;

/// The prefix of a generator's columns: its values, and their places in its list.
const GENERATED: &str = "sumoql_generated";
const PLACE: &str = "sumoql_place";

/// The prefix of the key texts of the rows, and the column that marks a combination found.
const SEEN_KEY: &str = "sumoql_seen_key";
const SEEN: &str = "sumoql_seen";

/// The prefix of the counts of each field's values among the rows.
const FILLED: &str = "sumoql_filled";

/// The hidden columns that order the result: 0 for a row, 1 for an added one; then the row's
/// place or the combination's.
const PART: &str = "sumoql_part";
const RANK: &str = "sumoql_fill_rank";

/// The relations of the constant rows, the rows' key texts and their counts.
const GENERATOR: &str = "sumoql_generator";
const SEEN_TABLE: &str = "sumoql_seen_table";
const FILLED_TABLE: &str = "sumoql_filled_table";

/// How a field of an added row gets its value.
enum Filled {
    /// A constant.
    Constant(String),
    /// The zero of its type when some row has a value there, else the other constant.
    ZeroIfSeen { zero: String, otherwise: String },
}

impl Generator<'_> {
    /// `fillmissing`: the stage of the rows and the added rows, then their order.
    pub(super) fn fill_missing(
        &mut self,
        keys: &[SlotId],
        values: &[Vec<Value>],
        defaults: &[(SlotId, Value)],
        empty: &[(SlotId, Value)],
    ) -> Result<(), SqlError> {
        if values.iter().any(Vec::is_empty) {
            // No combination: the rows pass as they are.
            return Ok(());
        }
        let previous = self.previous();
        let writer = self.writer();
        let mut generators = Vec::new();
        let mut matches = Vec::new();
        let mut seen_keys = Vec::new();
        for (index, (slot, listed)) in keys.iter().zip(values).enumerate() {
            if !self.columns.contains(slot) {
                return Err(SqlError::new(
                    "fillmissing of a field the rows do not have",
                    "the added rows would have a column the others lack",
                ));
            }
            let key = writer.column(*slot);
            let rows: Vec<String> = listed
                .iter()
                .enumerate()
                .map(|(place, value)| {
                    let cell = self.generated_cell(key.kind, value)?;
                    Ok(format!(
                        "SELECT {cell} AS {GENERATED}{index}, CAST({place} AS BIGINT) AS {PLACE}{index}"
                    ))
                })
                .collect::<Result<_, SqlError>>()?;
            generators.push(format!("({}) {GENERATOR}{index}", rows.join(" UNION ALL ")));
            seen_keys.push(format!(
                "{} AS {SEEN_KEY}{index}",
                writer.exact_text("fillmissing key", &key)?
            ));
            let generated = Sql::new(format!("{GENERATED}{index}"), key.kind);
            matches.push(format!(
                "{} = {SEEN_TABLE}.{SEEN_KEY}{index}",
                writer.text(&generated)
            ));
        }
        // The place of a combination: the last generator counts fastest.
        let mut stride = 1;
        let mut places = Vec::new();
        for (index, listed) in values.iter().enumerate().rev() {
            places.push(format!("{PLACE}{index} * {stride}"));
            stride *= listed.len();
        }
        places.reverse();
        let mut rows = Vec::new();
        let mut added = Vec::new();
        let mut counted = Vec::new();
        let mut text_zeros = Vec::new();
        for column in &self.columns {
            let name = self.name(*column);
            let kind = writer.column(*column).kind;
            rows.push(match kind {
                Kind::Integer => format!("CAST({name} AS BIGINT) AS {name}"),
                Kind::Float => format!("CAST({name} AS DOUBLE) AS {name}"),
                _ => name.clone(),
            });
            if let Some(index) = keys.iter().position(|key| key == column) {
                added.push(format!("{GENERATED}{index} AS {name}"));
                continue;
            }
            let given = defaults.iter().rev().find(|(slot, _)| slot == column);
            let fallback = empty.iter().rev().find(|(slot, _)| slot == column);
            let filled = match given {
                Some((_, value)) => Filled::Constant(self.constant_cell(*column, kind, value)?),
                None => {
                    let otherwise =
                        self.constant_cell(*column, kind, fallback.map_or(&Value::Null, |f| &f.1))?;
                    let zero = self.constant_cell(*column, kind, &zero_of(kind))?;
                    if kind == Kind::Text {
                        text_zeros.push(self.plan.schema.name(*column).to_string());
                    }
                    if zero == otherwise {
                        Filled::Constant(zero)
                    } else {
                        Filled::ZeroIfSeen { zero, otherwise }
                    }
                }
            };
            added.push(match filled {
                Filled::Constant(cell) => format!("{cell} AS {name}"),
                Filled::ZeroIfSeen { zero, otherwise } => {
                    let count = counted.len();
                    counted.push(format!("COUNT({name}) AS {FILLED}{count}"));
                    format!(
                        "(CASE WHEN {FILLED_TABLE}.{FILLED}{count} > 0 THEN {zero} ELSE {otherwise} END) AS {name}"
                    )
                }
            });
        }
        if !text_zeros.is_empty() {
            self.warnings.push(format!(
                "fillmissing: the added rows hold null in the text field(s) {}; where the rows hold JSON numbers or booleans there, sumoql gives 0 or false",
                text_zeros.join(", ")
            ));
        }
        let mut sources = generators.join(" CROSS JOIN ");
        if !counted.is_empty() {
            sources.push_str(&format!(
                " CROSS JOIN (SELECT {} FROM {previous}) {FILLED_TABLE}",
                counted.join(", ")
            ));
        }
        self.stages.push(format!(
            "SELECT {}, CAST(0 AS BIGINT) AS {PART}, CAST(ROW_NUMBER() OVER (ORDER BY {ORDER}) AS BIGINT) AS {RANK} FROM {previous} \
             UNION ALL SELECT {}, CAST(1 AS BIGINT) AS {PART}, CAST({} AS BIGINT) AS {RANK} FROM {sources} \
             LEFT JOIN (SELECT DISTINCT {}, 1 AS {SEEN} FROM {previous}) {SEEN_TABLE} ON {} \
             WHERE {SEEN_TABLE}.{SEEN} IS NULL",
            rows.join(", "),
            added.join(", "),
            places.join(" + "),
            seen_keys.join(", "),
            matches.join(" AND ")
        ));
        let select: Vec<String> = self.columns.iter().map(|slot| self.name(*slot)).collect();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, ROW_NUMBER() OVER (ORDER BY {PART}, {RANK}) AS {ORDER} FROM {previous}",
            select.join(", ")
        ));
        Ok(())
    }

    /// A generated key value as a cell of a key column of `kind`: text for a text key, an
    /// integer for an integer key (a `timeslice` generator's).
    fn generated_cell(&self, kind: Kind, value: &Value) -> Result<String, SqlError> {
        match (kind, value) {
            (Kind::Text, Value::Text(text)) => Ok(self.dialect.string(text)),
            (Kind::Integer, Value::Int(number)) => Ok(format!("CAST({number} AS BIGINT)")),
            _ => Err(SqlError::new(
                "fillmissing of a key whose values are of another type than the generated ones",
                "the added rows would hold values of another type in the key's column, which a SQL column cannot",
            )),
        }
    }

    /// `value` as a constant cell of the field `slot`, whose column is of `kind`.
    fn constant_cell(&self, slot: SlotId, kind: Kind, value: &Value) -> Result<String, SqlError> {
        let cell = match (kind, value) {
            (Kind::List, _) => None,
            (Kind::Text, value) => Some(self.text_cell(value.to_text().as_deref())),
            (Kind::Integer, Value::Null) => Some("CAST(NULL AS BIGINT)".to_string()),
            (Kind::Integer, Value::Int(number)) => Some(format!("CAST({number} AS BIGINT)")),
            (Kind::Float, Value::Null) => Some("CAST(NULL AS DOUBLE)".to_string()),
            (Kind::Float, value) => value
                .as_number()
                .map(|number| number.as_f64())
                .filter(|number| number.is_finite())
                .map(|number| format!("CAST({number:?} AS DOUBLE)")),
            (Kind::Bool, Value::Null) => Some("CAST(NULL AS BOOLEAN)".to_string()),
            // A comparison is a condition in every engine (ClickHouse's are numbers).
            (Kind::Bool, Value::Bool(truth)) => {
                Some(if *truth { "(1 = 1)" } else { "(1 = 0)" }.to_string())
            }
            _ => None,
        };
        cell.ok_or_else(|| {
            SqlError::new(
                format!(
                    "fillmissing of the field {} with a value of another type",
                    self.plan.schema.name(slot)
                ),
                "the added rows would hold a value of another type than the rows in one column, which a SQL column cannot",
            )
        })
    }
}

/// The value Sumo gives an added row's field of `kind` when some row has a value there: 0 for
/// a number, false for a boolean, null for anything else.
fn zero_of(kind: Kind) -> Value {
    match kind {
        Kind::Integer => Value::Int(0),
        Kind::Float => Value::Float(0.0),
        Kind::Bool => Value::Bool(false),
        Kind::Text | Kind::List => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::table_sql;
    use crate::Dialect;

    #[test]
    fn fillmissing_adds_the_unseen_combinations_after_the_rows() {
        let sql = table_sql(
            "* | count by host, status | fillmissing values(\"a\", \"b\") in host, values(\"200\", \"500\") in status",
            Dialect::DuckDb,
        );
        assert!(
            sql.contains("FROM (SELECT 'a' AS sumoql_generated0, CAST(0 AS BIGINT) AS sumoql_place0 UNION ALL SELECT 'b'")
                && sql.contains("CAST(sumoql_place0 * 2 + sumoql_place1 * 1 AS BIGINT) AS sumoql_fill_rank")
                && sql.contains("WHERE sumoql_seen_table.sumoql_seen IS NULL")
                && sql.contains("ROW_NUMBER() OVER (ORDER BY sumoql_part, sumoql_fill_rank)"),
            "{sql}"
        );
    }
}
