//! The column union of rows whose column sets may differ.

use std::collections::HashMap;
use std::sync::Arc;

use sumoql_value::Value;

/// The output columns of a result: every column name seen so far, in order of first appearance.
///
/// Rows mostly repeat the previous row's columns, so the slot of each column of the last row is
/// kept and reused while the names stay the same. The check compares `Arc` pointers first and
/// names only when those differ; the kept clones keep those pointers from being reused.
#[derive(Default)]
pub(crate) struct ColumnUnion {
    names: Vec<Arc<str>>,
    slot_of: HashMap<Arc<str>, usize>,
    last_columns: Vec<Arc<str>>,
    last_slots: Vec<usize>,
}

impl ColumnUnion {
    /// The columns seen so far, in order of first appearance.
    pub(crate) fn names(&self) -> &[Arc<str>] {
        &self.names
    }

    /// Adds the columns of a row that the union does not have yet.
    pub(crate) fn note(&mut self, columns: &[Arc<str>]) {
        let same = self.last_columns.len() == columns.len()
            && self
                .last_columns
                .iter()
                .zip(columns)
                .all(|(kept, name)| Arc::ptr_eq(kept, name) || kept == name);
        if same {
            return;
        }
        self.last_slots.clear();
        for name in columns {
            let slot = match self.slot_of.get(name) {
                Some(&slot) => slot,
                None => {
                    let slot = self.names.len();
                    self.names.push(Arc::clone(name));
                    self.slot_of.insert(Arc::clone(name), slot);
                    slot
                }
            };
            self.last_slots.push(slot);
        }
        self.last_columns.clear();
        self.last_columns.extend_from_slice(columns);
    }

    /// Notes a row's columns and lays its values out along the union: one cell per column known
    /// now, `None` where the row has no such column. If a name repeats, its last value wins.
    pub(crate) fn arrange<'v>(
        &mut self,
        columns: &[Arc<str>],
        values: &'v [Value],
    ) -> Vec<Option<&'v Value>> {
        debug_assert_eq!(columns.len(), values.len(), "one value per column");
        self.note(columns);
        let mut cells = vec![None; self.names.len()];
        for (&slot, value) in self.last_slots.iter().zip(values) {
            cells[slot] = Some(value);
        }
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::columns;
    use super::*;

    #[test]
    fn union_keeps_first_appearance_order() {
        let mut union = ColumnUnion::default();
        let first = columns(&["a", "b"]);
        let second = columns(&["c", "a"]);
        let values = [Value::Int(1), Value::Int(2)];
        assert_eq!(
            union.arrange(&first, &values),
            [Some(&Value::Int(1)), Some(&Value::Int(2))]
        );
        assert_eq!(
            union.arrange(&second, &values),
            [Some(&Value::Int(2)), None, Some(&Value::Int(1))]
        );
        // Equal names in new allocations still match.
        assert_eq!(
            union.arrange(&columns(&["c", "a"]), &values),
            [Some(&Value::Int(2)), None, Some(&Value::Int(1))]
        );
        assert_eq!(union.names(), &columns(&["a", "b", "c"])[..]);
    }
}
