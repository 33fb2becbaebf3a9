//! From result records to named output columns.

use std::sync::Arc;

use sumoql_plan::{Columns, Plan};
use sumoql_value::{Record, SourceField, Value};

/// The column names of a row, shared by every row of the same shape.
pub type ColumnNames = Arc<[Arc<str>]>;

/// One result row: its column names and values.
pub type Row = (ColumnNames, Vec<Value>);

/// Turns result records into rows of named columns, as the plan's output says.
pub struct OutputColumns {
    /// For exact columns: the names (shared by every row) and slots.
    exact: Option<(ColumnNames, Vec<usize>)>,
    /// Whether the exact columns are the first slots in order, so that a record's values
    /// become the row's as they are.
    leading_slots: bool,
    /// For whole records: the names of the fields stages added, and their slots.
    added: Vec<(Arc<str>, usize)>,
    removed: Vec<usize>,
    /// For columns made at run time (`transpose`): the names and slots of the columns known
    /// at plan time, which come first.
    dynamic: Option<(ColumnNames, Vec<usize>)>,
}

impl OutputColumns {
    /// The output layout of `plan`.
    pub fn new(plan: &Plan) -> OutputColumns {
        let name = |slot: usize| -> Arc<str> { Arc::from(plan.schema.name(slot)) };
        match &plan.output {
            Columns::Exact(slots) => OutputColumns {
                exact: Some((slots.iter().map(|&s| name(s)).collect(), slots.clone())),
                leading_slots: slots.iter().copied().eq(0..slots.len()),
                added: Vec::new(),
                removed: Vec::new(),
                dynamic: None,
            },
            Columns::Dynamic { leading } => OutputColumns {
                exact: None,
                leading_slots: false,
                added: Vec::new(),
                removed: Vec::new(),
                dynamic: Some((leading.iter().map(|&s| name(s)).collect(), leading.clone())),
            },
            Columns::Whole { added, removed } => OutputColumns {
                exact: None,
                leading_slots: false,
                added: added.iter().map(|&s| (name(s), s)).collect(),
                removed: removed.clone(),
                dynamic: None,
            },
        }
    }

    /// The column names and values of one result record.
    pub fn row(&self, plan: &Plan, record: Record) -> Row {
        if let Some((names, slots)) = &self.exact {
            if self.leading_slots && record.slots.len() >= slots.len() {
                let mut values = record.slots;
                values.truncate(slots.len());
                return (names.clone(), values);
            }
            return (
                names.clone(),
                slots.iter().map(|&s| record.get(s).clone()).collect(),
            );
        }
        let mut names: Vec<Arc<str>> = Vec::new();
        let mut values = Vec::new();
        if let Some((leading, slots)) = &self.dynamic {
            names.extend(leading.iter().cloned());
            values.extend(slots.iter().map(|&s| record.get(s).clone()));
            for field in &record.source {
                if let SourceField::Extra(name, value) = field {
                    names.push(name.clone());
                    values.push(value.clone());
                }
            }
            return (names.into(), values);
        }
        // The line's fields in source order; one a stage overwrote keeps its place (D16).
        for field in &record.source {
            match field {
                SourceField::Slot(slot) if self.removed.contains(slot) => {}
                SourceField::Slot(slot) => {
                    names.push(Arc::from(plan.schema.name(*slot)));
                    values.push(record.get(*slot).clone());
                }
                SourceField::Extra(name, value) => {
                    names.push(name.clone());
                    values.push(value.clone());
                }
            }
        }
        for (name, slot) in &self.added {
            if !record.source.contains(&SourceField::Slot(*slot)) {
                names.push(name.clone());
                values.push(record.get(*slot).clone());
            }
        }
        (names.into(), values)
    }
}
