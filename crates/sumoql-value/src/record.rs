//! Records and the schema that names their slots.

use std::collections::HashMap;
use std::sync::Arc;

use crate::Value;

/// The index of a field's slot in every [`Record`] of one query.
pub type SlotId = usize;

/// The fields one query knows by name, each with a fixed slot.
///
/// The planner builds it from every field the query mentions, so readers extract only those
/// fields and stages address them by index, never by name. Names match without regard to case,
/// as Sumo's do: `SrcIP` and `srcip` are one field, which keeps the spelling it was first given.
///
/// ```
/// use sumoql_value::Schema;
/// let mut schema = Schema::new();
/// let slot = schema.intern("SrcIP");
/// assert_eq!(schema.intern("srcip"), slot);
/// assert_eq!(schema.slot("SRCIP"), Some(slot));
/// assert_eq!(schema.name(slot), "SrcIP");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    names: Vec<Arc<str>>,
    /// Each slot by its name in lower case.
    index: HashMap<Box<str>, SlotId>,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// The slot of `name` (in any letter case), adding it if it is new.
    pub fn intern(&mut self, name: &str) -> SlotId {
        let key = name.to_lowercase();
        if let Some(&slot) = self.index.get(key.as_str()) {
            return slot;
        }
        let slot = self.names.len();
        self.names.push(Arc::from(name));
        self.index.insert(key.into_boxed_str(), slot);
        slot
    }

    /// The slot of `name` (in any letter case), if the schema has it.
    pub fn slot(&self, name: &str) -> Option<SlotId> {
        self.index.get(name.to_lowercase().as_str()).copied()
    }

    /// The name of `slot`.
    pub fn name(&self, slot: SlotId) -> &str {
        &self.names[slot]
    }

    /// How many slots a record of this schema has.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the schema names no field.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Every slot with its name, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (SlotId, &str)> {
        self.names.iter().enumerate().map(|(i, n)| (i, &**n))
    }
}

/// One field of the source line, in source order, kept when a query outputs whole records.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceField {
    /// A field the schema names; its value lives in the record's slot.
    Slot(SlotId),
    /// A field the query never mentions, carried through to the output as read.
    Extra(Arc<str>, Value),
}

/// One record flowing through a pipeline: a value per schema slot (null when absent), plus the
/// source fields in their order when the query outputs whole records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// One value per slot of the query's [`Schema`].
    pub slots: Vec<Value>,
    /// The line's own fields in source order; empty unless the query outputs whole records.
    pub source: Vec<SourceField>,
}

impl Record {
    /// A record of `width` null slots.
    pub fn with_width(width: usize) -> Record {
        Record {
            slots: vec![Value::Null; width],
            source: Vec::new(),
        }
    }

    /// The value in `slot`.
    pub fn get(&self, slot: SlotId) -> &Value {
        &self.slots[slot]
    }

    /// Sets the value in `slot`.
    pub fn set(&mut self, slot: SlotId, value: Value) {
        self.slots[slot] = value;
    }
}
