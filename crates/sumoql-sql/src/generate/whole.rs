//! Whole records: a query that ends without `fields` or an aggregation shows every field of
//! each record. A SQL query's columns are fixed when it is written, so they come from
//! [`SqlOptions::record_fields`]: each record field is read as the fields the query names are,
//! and the result shows them, then the fields the query adds, less those it removes.

use sumoql_plan::{Columns, Extractor, Operator, Plan, METADATA_FIELDS};
use sumoql_value::SlotId;

use super::Generator;
use crate::{SqlError, SqlOptions};

/// The construct named when whole records cannot be written.
const WHOLE_RECORDS: &str = "whole records";

/// `plan` with every record field read as well, when its result is whole records (`None`
/// when it is not): each field of [`SqlOptions::record_fields`] that the plan does not read
/// yet gets a slot and is read after the plan's own fields. Refused without record fields,
/// when a stage adds fields known only at run time (`json auto`, `kv auto`), and when a
/// record field differs from another field only in letter case.
pub(super) fn with_record_fields(
    plan: &Plan,
    options: &SqlOptions,
) -> Result<Option<Plan>, SqlError> {
    if !matches!(plan.output, Columns::Whole { .. }) {
        return Ok(None);
    }
    refuse_run_time_fields(plan)?;
    let Some(fields) = record_field_names(options) else {
        return Err(SqlError::new(
            WHOLE_RECORDS,
            "SQL needs the record's fields when it is written: name them with --columns \
             (with --source, sumoql sql finds them in the input), or end the query with \
             `fields` or an aggregation",
        ));
    };
    let mut widened = plan.clone();
    for name in fields {
        let slot = widened.schema.intern(&name);
        let known = widened.schema.name(slot);
        if known != name {
            return Err(SqlError::new(
                format!("field `{name}`"),
                format!(
                    "the query or another record field spells it `{known}`: the native \
                     reader tells the two apart, SQL column names do not"
                ),
            ));
        }
        if !widened.read.fields.iter().any(|(_, read)| *read == slot) {
            widened.read.fields.push((name, slot));
        }
    }
    Ok(Some(widened))
}

/// The columns of whole records in `plan` (widened by [`with_record_fields`]): the record
/// fields in order, then the fields the query `added` that are not among them, less the
/// `removed` ones. Refused when that leaves no column.
pub(super) fn whole_columns(
    plan: &Plan,
    options: &SqlOptions,
    added: &[SlotId],
    removed: &[SlotId],
) -> Result<Vec<SlotId>, SqlError> {
    let mut columns: Vec<SlotId> = record_field_names(options)
        .iter()
        .flatten()
        .filter_map(|name| plan.schema.slot(name))
        .collect();
    for slot in added {
        if !columns.contains(slot) {
            columns.push(*slot);
        }
    }
    columns.retain(|slot| !removed.contains(slot));
    if columns.is_empty() {
        return Err(SqlError::new(
            WHOLE_RECORDS,
            "no field of the records is known (no JSON object was found in the input): name \
             them with --columns",
        ));
    }
    Ok(columns)
}

/// The fields of every record: those of [`SqlOptions::record_fields`], then those the rule
/// that normalises JSON objects sets ([`SqlOptions::json_rule`]) that are not among them in
/// any letter case, metadata such as the time it gives aside (they are not record fields).
/// `None` without record fields.
fn record_field_names(options: &SqlOptions) -> Option<Vec<String>> {
    let mut names = options.record_fields.clone()?;
    if let Some(plan) = options.json_rule.as_ref().map(|rule| &rule.plan) {
        let set: &[SlotId] = match &plan.output {
            Columns::Whole { added, .. } => added,
            Columns::Exact(columns) | Columns::Dynamic { leading: columns } => columns,
        };
        for slot in set {
            let name = plan.schema.name(*slot);
            let known = |field: &String| field.eq_ignore_ascii_case(name);
            if !METADATA_FIELDS
                .iter()
                .any(|field| field.eq_ignore_ascii_case(name))
                && !names.iter().any(known)
            {
                names.push(name.to_string());
            }
        }
    }
    Some(names)
}

/// Refuses a stage of `plan` that, on whole records, adds fields whose names are found only
/// when it runs: `json auto` and `kv auto` add every key of the text they read.
fn refuse_run_time_fields(plan: &Plan) -> Result<(), SqlError> {
    for operator in &plan.operators {
        let construct = match operator {
            Operator::Extract {
                extractor: Extractor::Json(paths),
                ..
            } if paths.is_empty() => "json auto",
            Operator::Extract {
                extractor: Extractor::KeyValue(keys),
                ..
            } if keys.is_empty() => "kv auto",
            _ => continue,
        };
        return Err(SqlError::new(
            format!("{construct} on whole records"),
            "it adds a field for every key of the text it reads, found only when it runs, and \
             a SQL query's columns are fixed when it is written; name the keys, or end the \
             query with `fields`",
        ));
    }
    Ok(())
}

impl Generator<'_> {
    /// The column `name` (of `slot`) as read from the input table: the table's own, or null
    /// for whole records when the record fields (the table's columns) do not name it, as a
    /// field the query writes first or one no record has.
    pub(super) fn table_column(&self, name: &str, slot: SlotId) -> String {
        let column = self.dialect.identifier(name);
        let missing = matches!(self.plan.output, Columns::Whole { .. })
            && !self
                .options
                .record_fields
                .iter()
                .flatten()
                .any(|field| self.plan.schema.slot(field) == Some(slot));
        if missing {
            format!("CAST(NULL AS {}) AS {column}", self.dialect.text_type())
        } else {
            column
        }
    }
}
