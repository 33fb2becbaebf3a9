//! Sumo's allow-list rule for `fields a, b`: fields whose names start with `_` (`_messageTime`,
//! `_sourceCategory`, `_count`...) pass through it, so later stages can still read them, though
//! the result shows exactly the listed columns (D17).

use sumoql_value::SlotId;

use super::{Planner, RecordOrder};
use crate::plan::Columns;

/// The `_` fields that earlier `fields` allow-lists let through, readable though not shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) enum Passthrough {
    /// None: no allow-list, or a stage since then replaced the records.
    #[default]
    Nothing,
    /// Every `_` field of the log records.
    AnyInternal,
    /// These `_` columns of an earlier aggregation.
    These(Vec<SlotId>),
}

impl Planner<'_> {
    /// Replaces the columns by a stage that builds new records (an aggregation): nothing
    /// passes through any more.
    pub(super) fn set_columns(&mut self, columns: Columns) {
        self.columns = columns;
        self.passthrough = Passthrough::Nothing;
        self.end_join_scope();
        self.order = RecordOrder::Arranged;
    }

    /// Applies `fields a, b`: the columns become exactly `kept`; the `_` fields available until
    /// now pass through.
    pub(super) fn allow_list(&mut self, kept: Vec<SlotId>) {
        let passthrough = match (&self.columns, &self.passthrough) {
            (Columns::Whole { .. }, _) | (_, Passthrough::AnyInternal) => Passthrough::AnyInternal,
            (Columns::Exact(columns) | Columns::Dynamic { leading: columns }, earlier) => {
                let mut internal = match earlier {
                    Passthrough::These(slots) => slots.clone(),
                    _ => Vec::new(),
                };
                for &slot in columns {
                    if self.schema.name(slot).starts_with('_') && !internal.contains(&slot) {
                        internal.push(slot);
                    }
                }
                Passthrough::These(internal)
            }
        };
        self.columns = Columns::Exact(kept);
        self.passthrough = passthrough;
        self.end_join_scope();
    }

    /// The slot for an internal field a stage writes beside its output (`_timeslice_end`): later
    /// stages may read it, but the result shows it only when a stage names it as a column.
    pub(super) fn write_internal_field(&mut self, name: &str) -> SlotId {
        let slot = self.intern(name);
        if !matches!(self.columns, Columns::Whole { .. }) && !self.columns.has(slot) {
            match &mut self.passthrough {
                Passthrough::AnyInternal => {}
                Passthrough::These(slots) => slots.push(slot),
                Passthrough::Nothing => self.passthrough = Passthrough::These(vec![slot]),
            }
        }
        slot
    }

    /// Whether a stage may still read `name`: the records are whole, it is one of the columns,
    /// or an allow-list let it through.
    pub(super) fn can_read(&mut self, name: &str) -> bool {
        let slot = self.intern(name);
        matches!(self.columns, Columns::Whole { .. })
            || self.columns.has(slot)
            || self.passes_through(name, slot)
    }

    /// Whether `name` (in `slot`) passed through an allow-list; a log record's `_` field must
    /// then be extracted by the readers.
    pub(super) fn passes_through(&mut self, name: &str, slot: SlotId) -> bool {
        if !name.starts_with('_') {
            return false;
        }
        match &self.passthrough {
            Passthrough::Nothing => false,
            Passthrough::AnyInternal => {
                if !self.reads.contains(&slot) {
                    self.reads.push(slot);
                }
                true
            }
            Passthrough::These(slots) => slots.contains(&slot),
        }
    }
}
