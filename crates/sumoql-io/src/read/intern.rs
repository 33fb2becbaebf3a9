//! Interning of the values of low-cardinality fields (`_sourceCategory`, ports, actions), so
//! that reading them costs a hash lookup and a reference count instead of an allocation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use sumoql_value::Value;

/// How many distinct values one field's cache holds; a field with more is not interned.
pub const INTERNED_VALUES_PER_FIELD: usize = 256;

/// After this many lookups, a cache that answers fewer than half of them stops being asked.
const TRIAL_LOOKUPS: u32 = 4096;

/// The values seen in one field, by their text.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextCache {
    values: HashMap<Box<str>, Value, BuildHasherDefault<Fnv>>,
    lookups: u32,
    hits: u32,
    /// Whether the field still looks low-cardinality enough to be worth a lookup.
    closed: bool,
}

impl TextCache {
    /// The text value of `text`, shared with earlier equal values when the field's values
    /// repeat.
    pub(crate) fn value(&mut self, text: &str) -> Value {
        if self.closed {
            return Value::text(text);
        }
        self.lookups = self.lookups.saturating_add(1);
        if let Some(value) = self.values.get(text) {
            self.hits = self.hits.saturating_add(1);
            return value.clone();
        }
        if self.lookups >= TRIAL_LOOKUPS && self.hits < self.lookups / 2 {
            self.closed = true;
            self.values = HashMap::default();
        }
        let value = Value::text(text);
        if !self.closed && self.values.len() < INTERNED_VALUES_PER_FIELD {
            self.values.insert(Box::from(text), value.clone());
        }
        value
    }
}

/// The FNV-1a hash: quick for the short texts interned here (not for untrusted keys at large:
/// the cache is small and bounded, so collisions cost little).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_values_share_one_text() {
        let mut cache = TextCache::default();
        let (Value::Text(a), Value::Text(b)) = (cache.value("443"), cache.value("443")) else {
            panic!("text values")
        };
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert_eq!(cache.value("80"), Value::text("80"));
    }

    #[test]
    fn a_high_cardinality_field_stops_being_interned() {
        let mut cache = TextCache::default();
        for i in 0..10_000 {
            let text = i.to_string();
            assert_eq!(cache.value(&text), Value::text(&text));
        }
        assert!(cache.closed);
        assert!(cache.values.is_empty());
    }
}
