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
            hash_group_value(value, state);
        }
    }
}

/// Feeds one part of a group key to `state`, so that parts equal under [`Value::sort_cmp`]
/// hash alike: an integer as the float it equals, `-0.0` as `0.0`, every NaN as one, a
/// boolean as its text.
pub fn hash_group_value<H: Hasher>(value: &Value, state: &mut H) {
    match value {
        Value::Null => state.write_u8(0),
        Value::Int(i) => {
            state.write_u8(1);
            (*i as f64).to_bits().hash(state);
        }
        Value::Float(f) => {
            state.write_u8(1);
            let normalised = if *f == 0.0 {
                0.0f64
            } else if f.is_nan() {
                f64::NAN
            } else {
                *f
            };
            normalised.to_bits().hash(state);
        }
        Value::Bool(b) => hash_group_text(if *b { b"true" } else { b"false" }, state),
        Value::Text(s) => hash_group_text(s.as_bytes(), state),
        Value::List(items) => {
            state.write_u8(3);
            state.write_usize(items.len());
            for item in items.iter() {
                hash_group_value(item, state);
            }
        }
    }
}

/// Feeds a text part of a group key, given as its bytes, to `state`.
fn hash_group_text<H: Hasher>(text: &[u8], state: &mut H) {
    state.write_u8(2);
    state.write(text);
    state.write_u8(0xff);
}

impl PartialOrd for GroupKey {
    fn partial_cmp(&self, other: &GroupKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GroupKey {
    fn cmp(&self, other: &GroupKey) -> Ordering {
        compare_group_keys(&self.0, &other.0)
    }
}

/// The order of group keys held as slices of parts: part by part under [`Value::sort_cmp`],
/// then the shorter first. [`GroupKey`] orders the same way.
pub fn compare_group_keys(a: &[Value], b: &[Value]) -> Ordering {
    for (a, b) in a.iter().zip(b) {
        match a.sort_cmp(b) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
    }
    a.len().cmp(&b.len())
}

/// A cheap summary of a group key's first part for sorting keys: whenever `a` orders before
/// `b` under [`Value::sort_cmp`], `sort_prefix(a) <= sort_prefix(b)`, so sorting by prefix and
/// then by [`compare_group_keys`] among equal prefixes gives the order of D18. The top two bits
/// are the part's rank (null, number, text, list), the rest its number in an order-preserving
/// form or the leading bytes of its text.
pub fn sort_prefix(value: &Value) -> u64 {
    let (rank, detail): (u64, u64) = match value {
        Value::Null => (0, 0),
        Value::Int(i) => (1, float_order_bits(*i as f64)),
        Value::Float(f) => (1, float_order_bits(*f)),
        Value::Bool(b) => return text_sort_prefix(if *b { b"true" } else { b"false" }),
        Value::Text(s) => return text_sort_prefix(s.as_bytes()),
        Value::List(_) => (3, 0),
    };
    (rank << 62) | (detail >> 2)
}

/// [`sort_prefix`] of a text given as its bytes.
pub fn text_sort_prefix(text: &[u8]) -> u64 {
    (2 << 62) | (text_order_bits(text) >> 2)
}

/// The bits of `f` as an unsigned number in the order of [`crate::Number::total_cmp`]: `-0.0`
/// as `0.0`, NaN above everything.
fn float_order_bits(f: f64) -> u64 {
    if f.is_nan() {
        return u64::MAX;
    }
    let bits = if f == 0.0 { 0.0f64 } else { f }.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The first eight bytes of `text`, zero-padded, as a big-endian number.
fn text_order_bits(text: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let length = text.len().min(8);
    word[..length].copy_from_slice(&text[..length]);
    u64::from_be_bytes(word)
}

/// A fast, non-cryptographic hasher for group keys (the multiply-and-rotate scheme of the
/// Firefox and rustc hashers). Group keys come from the data being queried, not from an
/// adversary, so speed matters more than resistance to chosen collisions; the high bits of
/// [`Hasher::finish`] are the best mixed.
#[derive(Clone, Copy, Debug, Default)]
pub struct GroupHasher {
    hash: u64,
}

/// The odd multiplier that spreads each word over the high bits.
const GROUP_HASH_MULTIPLIER: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl GroupHasher {
    fn add_word(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(GROUP_HASH_MULTIPLIER);
    }
}

impl Hasher for GroupHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for chunk in &mut words {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add_word(u64::from_le_bytes(word));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // The last bytes as a little-endian word, built in registers: a copy of a length
            // known only at run time would be a call to `memcpy`.
            let word = rest
                .iter()
                .rev()
                .fold(0, |word, &b| (word << 8) | u64::from(b));
            // The length tells "a" from "a\0" in the last word.
            self.add_word(word ^ ((rest.len() as u64) << 59));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add_word(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add_word(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add_word(i as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// The [`GroupHasher`] hash of a group key given part by part.
pub fn hash_group_key<'a>(parts: impl IntoIterator<Item = &'a Value>) -> u64 {
    let mut state = GroupHasher::default();
    for part in parts {
        hash_group_value(part, &mut state);
    }
    state.finish()
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

    #[test]
    fn equal_parts_hash_alike() {
        let hash = |values: &[Value]| hash_group_key(values);
        assert_eq!(hash(&[Value::Int(3)]), hash(&[Value::Float(3.0)]));
        assert_eq!(hash(&[Value::Float(0.0)]), hash(&[Value::Float(-0.0)]));
        assert_eq!(
            hash(&[Value::Float(f64::NAN)]),
            hash(&[Value::Float(-f64::NAN)])
        );
        assert_eq!(hash(&[Value::Bool(true)]), hash(&[Value::text("true")]));
        assert_ne!(hash(&[Value::text("a")]), hash(&[Value::text("a\0")]));
        assert_ne!(hash(&[Value::text("1")]), hash(&[Value::text("1.0")]));
        assert_ne!(
            hash(&[Value::text("ab"), Value::text("c")]),
            hash(&[Value::text("a"), Value::text("bc")])
        );
    }

    #[test]
    fn slices_order_as_group_keys() {
        let keys = [
            vec![Value::Null],
            vec![Value::Int(2)],
            vec![Value::Float(10.5)],
            vec![Value::text("10")],
            vec![Value::text("9")],
            vec![Value::text("9"), Value::Null],
        ];
        for a in &keys {
            for b in &keys {
                assert_eq!(
                    compare_group_keys(a, b),
                    GroupKey(a.clone()).cmp(&GroupKey(b.clone()))
                );
            }
        }
        assert!(compare_group_keys(&keys[3], &keys[4]).is_lt());
    }

    #[test]
    fn sort_prefixes_keep_the_order() {
        let values = [
            Value::Null,
            Value::Float(f64::NEG_INFINITY),
            Value::Int(i64::MIN),
            Value::Float(-2.5),
            Value::Int(-2),
            Value::Float(-0.0),
            Value::Int(0),
            Value::Float(1e-300),
            Value::Int(3),
            Value::Float(3.0),
            Value::Int(i64::MAX),
            Value::Float(f64::INFINITY),
            Value::Float(f64::NAN),
            Value::text(""),
            Value::text("10"),
            Value::text("9"),
            Value::text("abcdefgh"),
            Value::text("abcdefgh\0"),
            Value::text("abcdefghi"),
            Value::text("abcdefgi"),
            Value::text("f"),
            Value::Bool(false),
            Value::text("falsf"),
            Value::Bool(true),
            Value::text("\u{ff}"),
            Value::List(vec![Value::Int(1)].into()),
        ];
        for a in &values {
            for b in &values {
                if a.sort_cmp(b).is_lt() {
                    assert!(sort_prefix(a) <= sort_prefix(b), "{a:?} before {b:?}");
                }
                if a.sort_cmp(b).is_eq() {
                    assert_eq!(sort_prefix(a), sort_prefix(b), "{a:?} is {b:?}");
                }
            }
        }
    }
}
