//! Group keys: tuples of values that hash and compare consistently with [`Value::sort_cmp`].

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::Value;

/// The key of one aggregation group: the values of the `by` fields, in order.
///
/// Keys are equal when every part is equal under [`Value::sort_cmp`] (so `3` and `3.0` are one
/// group, while the text `"21"` and the number `21` are two), and they order the same way, which
/// is the order groups are emitted in (D18).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupKey(pub Vec<Value>);

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.0.len());
        for value in &self.0 {
            hash_value(value, state);
        }
    }
}

fn hash_value<H: Hasher>(value: &Value, state: &mut H) {
    match value {
        Value::Null => state.write_u8(0),
        Value::Int(i) => {
            state.write_u8(1);
            (*i as f64).to_bits().hash(state);
        }
        Value::Float(f) => {
            state.write_u8(1);
            let normalised = if *f == 0.0 { 0.0f64 } else { *f };
            normalised.to_bits().hash(state);
        }
        Value::Bool(b) => {
            state.write_u8(2);
            (if *b { "true" } else { "false" }).hash(state);
        }
        Value::Text(s) => {
            state.write_u8(2);
            (**s).hash(state);
        }
        Value::List(items) => {
            state.write_u8(3);
            state.write_usize(items.len());
            for item in items.iter() {
                hash_value(item, state);
            }
        }
    }
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &GroupKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GroupKey {
    fn cmp(&self, other: &GroupKey) -> Ordering {
        for (a, b) in self.0.iter().zip(other.0.iter()) {
            match a.sort_cmp(b) {
                Ordering::Equal => {}
                unequal => return unequal,
            }
        }
        self.0.len().cmp(&other.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn equal_numbers_of_either_kind_are_one_key() {
        let mut set = HashSet::new();
        set.insert(GroupKey(vec![Value::Int(3)]));
        assert!(set.contains(&GroupKey(vec![Value::Float(3.0)])));
        assert!(!set.contains(&GroupKey(vec![Value::text("3")])));
    }
}
