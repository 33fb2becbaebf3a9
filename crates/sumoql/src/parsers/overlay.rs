//! Laying what an extraction rule made over the record of the user's query: the fields the
//! query reads by slot, and, when it shows whole records, the rest as the record's fields.

use std::sync::Arc;

use sumoql_value::{Record, Schema, SlotId, SourceField, Value};

/// The fields of the user's records a rule's output is laid over.
#[derive(Clone, Debug)]
pub(super) struct Overlay {
    /// The fields the query reads, by name, with their slots in its records.
    pub(super) fields: Vec<(String, SlotId)>,
    /// Whether the query shows whole records, so every field a rule makes counts.
    pub(super) whole_records: bool,
}

impl Overlay {
    /// For each field the query reads, the slot of the same name in a rule's `schema`.
    pub(super) fn copies(&self, schema: &Schema) -> Vec<Option<SlotId>> {
        self.fields
            .iter()
            .map(|(name, _)| schema.slot(name))
            .collect()
    }

    /// Sets each field the query reads to the rule's value when that is not null (`copies`
    /// from [`Overlay::copies`]); for whole records, gives the record every other field the
    /// rule made or changed.
    pub(super) fn apply(
        &self,
        output: &Record,
        schema: &Schema,
        copies: &[Option<SlotId>],
        record: &mut Record,
    ) {
        for ((name, user_slot), rule_slot) in self.fields.iter().zip(copies) {
            let value = rule_field(output, *rule_slot, name);
            if !value.is_null() {
                record.set(*user_slot, value);
            }
        }
        if self.whole_records {
            self.add_whole_record_fields(output, schema, record);
        }
    }

    /// Every non-null field of the rule's output, in the rule's order, among the record's
    /// source fields: a field the record has already takes the rule's value in its place
    /// (the query's own fields by slot, set above), any other comes last.
    fn add_whole_record_fields(&self, output: &Record, schema: &Schema, record: &mut Record) {
        let add = |name: &str, value: &Value, record: &mut Record| {
            if value.is_null() || name.starts_with('_') {
                return;
            }
            if let Some((_, slot)) = self.fields.iter().find(|(n, _)| n == name) {
                if !record.source.contains(&SourceField::Slot(*slot)) {
                    record.source.push(SourceField::Slot(*slot));
                }
                return;
            }
            let existing = record.source.iter_mut().find_map(|field| match field {
                SourceField::Extra(key, existing) if &**key == name => Some(existing),
                _ => None,
            });
            match existing {
                Some(existing) => *existing = value.clone(),
                None => record
                    .source
                    .push(SourceField::Extra(Arc::from(name), value.clone())),
            }
        };
        for (slot, name) in schema.iter() {
            add(name, output.get(slot), record);
        }
        for field in &output.source {
            if let SourceField::Extra(name, value) = field {
                add(name, value, record);
            }
        }
    }
}

/// A field of a rule's output: from its slot when the rule names the field, else from the
/// fields it made without naming them (`kv auto`); null when absent.
pub(super) fn rule_field(output: &Record, slot: Option<SlotId>, name: &str) -> Value {
    match slot {
        Some(slot) => output.get(slot).clone(),
        None => output
            .source
            .iter()
            .find_map(|field| match field {
                SourceField::Extra(key, value) if &**key == name => Some(value.clone()),
                _ => None,
            })
            .unwrap_or(Value::Null),
    }
}
