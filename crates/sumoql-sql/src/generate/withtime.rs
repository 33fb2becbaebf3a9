//! `withtime f` and the `most_recent`/`least_recent` picks over the field it writes: the
//! field holds `{"value":V,"time":MS}` as sumoql writes it, and the picks order by that time.

use sumoql_plan::{AggregateSpec, JsonStep, PlanExpr, Withtime};
use sumoql_value::SlotId;

use super::Generator;
use crate::expr::{ExprWriter, Kind, Sql};
use crate::SqlError;

impl Generator<'_> {
    /// A stage that sets `f_withtime` to the JSON object of the value and its record's time,
    /// null when either is missing; the output's value kind is kept for the picks.
    pub(super) fn withtime(&mut self, plan: &Withtime) -> Result<(), SqlError> {
        let writer = self.writer();
        let value = self.present_column(&writer, plan.field);
        let json_value = match value.kind {
            Kind::Text => json_string(&writer, &value.text),
            Kind::Integer | Kind::Bool => writer.text(&value),
            Kind::Float | Kind::List => {
                return Err(SqlError::new(
                    "withtime of a decimal number or a list",
                    "sumoql's JSON spelling of these values has no portable SQL form",
                ))
            }
        };
        let time = writer.number(&self.present_column(&writer, plan.time));
        let object = Sql::new(
            format!(
                "(CASE WHEN {value} IS NOT NULL AND {time} IS NOT NULL THEN '{{\"value\":' || {json_value} || ',\"time\":' || CAST(CAST({time} AS BIGINT) AS {text}) || '}}' END)",
                value = value.text,
                time = time.text,
                text = self.dialect.text_type(),
            ),
            Kind::Text,
        );
        if value.kind == Kind::Text {
            self.warnings.push(format!(
                "`withtime {}`: control characters other than tab, newline and carriage return are written as they are in the JSON object, where sumoql escapes them",
                self.plan.schema.name(plan.field)
            ));
        }
        self.assign(plan.output, object, &[]);
        self.withtime_kinds.insert(plan.output, value.kind);
        Ok(())
    }

    /// `most_recent(f_withtime)` or `least_recent(f_withtime)` over a field `withtime` wrote:
    /// the value of the newest (oldest) object by the time it holds, equal times in row order
    /// as for log records; `None` for any other aggregate.
    pub(super) fn withtime_pick(
        &self,
        writer: &ExprWriter<'_>,
        spec: &AggregateSpec,
    ) -> Option<Sql> {
        let name = spec.function.name();
        if name != "most_recent" && name != "least_recent" {
            return None;
        }
        let Some(PlanExpr::Field(slot)) = spec.args.first() else {
            return None;
        };
        let kind = *self.withtime_kinds.get(slot)?;
        let object = writer.column(*slot).text;
        let member = |key: &str| {
            self.dialect
                .json_member(&object, &[JsonStep::Key(key.to_string())])
        };
        let time = self.dialect.text_to_double(&member("time"));
        let value = Sql::new(member("value"), Kind::Text);
        let value = match kind {
            Kind::Integer => Sql::new(format!("CAST({} AS BIGINT)", value.text), kind),
            Kind::Bool => Sql::new(format!("({} = 'true')", value.text), kind),
            _ => value,
        };
        let filter = format!("{object} IS NOT NULL");
        Some(Sql::new(
            crate::aggregate::recent(
                self.dialect,
                &value.text,
                &time,
                name == "most_recent",
                &filter,
            ),
            kind,
        ))
    }

    /// Forgets that `slot` holds a `withtime` object once a stage sets it otherwise.
    pub(super) fn forget_withtime(&mut self, slot: SlotId) {
        self.withtime_kinds.remove(&slot);
    }
}

/// `text` as a JSON string: quoted, with quotes, backslashes, tabs, newlines and carriage
/// returns escaped.
fn json_string(writer: &ExprWriter<'_>, text: &str) -> String {
    let string = |s: &str| writer.dialect.string(s);
    let mut escaped = text.to_string();
    for (from, to) in [
        ("\\", "\\\\"),
        ("\"", "\\\""),
        ("\t", "\\t"),
        ("\n", "\\n"),
        ("\r", "\\r"),
    ] {
        escaped = format!("replace({escaped}, {}, {})", string(from), string(to));
    }
    format!("('\"' || {escaped} || '\"')")
}
