//! The group keys of an aggregation: an open-addressing hash table over keys stored flat.
//!
//! A record's group is looked up from the values in its slots, without building a key first;
//! only a new group copies its values into the table, short texts in place (no allocation, and
//! one memory access fewer to compare them). Groups are numbered in the order they were added,
//! so the states of the aggregates can live in plain vectors indexed by group.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use sumoql_value::{sort_prefix, text_sort_prefix, Value};

/// The longest text a [`Part`] holds in place: what fits in the size of a [`Value`].
const SHORT_TEXT: usize = 22;

/// One part of a stored key: a short text in place, or any value.
#[derive(Clone, Debug)]
pub(crate) enum Part {
    /// A text of at most [`SHORT_TEXT`] bytes.
    Short { length: u8, bytes: [u8; SHORT_TEXT] },
    /// Any other value.
    Value(Value),
}

impl Part {
    /// The part that stands for `value`.
    fn of(value: &Value) -> Part {
        match value {
            Value::Text(text) if text.len() <= SHORT_TEXT => {
                let mut bytes = [0u8; SHORT_TEXT];
                bytes[..text.len()].copy_from_slice(text.as_bytes());
                // At most SHORT_TEXT, so the length fits in a byte.
                Part::Short {
                    length: text.len() as u8,
                    bytes,
                }
            }
            other => Part::Value(other.clone()),
        }
    }

    /// The bytes of the part when it is a text.
    fn text(&self) -> Option<&[u8]> {
        match self {
            Part::Short { length, bytes } => bytes.get(..usize::from(*length)),
            Part::Value(Value::Text(text)) => Some(text.as_bytes()),
            Part::Value(_) => None,
        }
    }

    /// The part as a value (a short text is copied out).
    fn to_value(&self) -> Cow<'_, Value> {
        match self {
            Part::Value(value) => Cow::Borrowed(value),
            Part::Short { .. } => Cow::Owned(text_value(self.text().unwrap_or_default())),
        }
    }

    /// Moves the value out, leaving null.
    fn take(&mut self) -> Value {
        match std::mem::replace(self, Part::Value(Value::Null)) {
            Part::Value(value) => value,
            short => short.to_value().into_owned(),
        }
    }

    /// Whether the part equals `value` under [`Value::sort_cmp`].
    fn equals(&self, value: &Value) -> bool {
        match (self.text(), value) {
            (Some(mine), Value::Text(theirs)) => mine == theirs.as_bytes(),
            _ => *self.to_value() == *value,
        }
    }

    /// The order of [`Value::sort_cmp`].
    fn sort_cmp(&self, other: &Part) -> Ordering {
        match (self.text(), other.text()) {
            (Some(mine), Some(theirs)) => mine.cmp(theirs),
            _ => self.to_value().sort_cmp(&other.to_value()),
        }
    }

    /// [`sumoql_value::sort_prefix`] of the part.
    fn sort_prefix(&self) -> u64 {
        match (self, self.text()) {
            (_, Some(text)) => text_sort_prefix(text),
            (Part::Value(value), None) => sort_prefix(value),
            (Part::Short { .. }, None) => 0,
        }
    }
}

/// A text value of `bytes`, which a short part copied from a `str` (so they are UTF-8).
fn text_value(bytes: &[u8]) -> Value {
    Value::Text(Arc::from(std::str::from_utf8(bytes).unwrap_or_default()))
}

/// What a key can be looked up by: the values of a record, or the parts of another table.
pub(crate) trait KeyPart {
    /// Whether `stored` equals this under [`Value::sort_cmp`].
    fn is_stored_as(&self, stored: &Part) -> bool;
    /// This as a part to store.
    fn to_part(&self) -> Part;
}

impl KeyPart for Value {
    fn is_stored_as(&self, stored: &Part) -> bool {
        stored.equals(self)
    }

    fn to_part(&self) -> Part {
        Part::of(self)
    }
}

impl KeyPart for Part {
    fn is_stored_as(&self, stored: &Part) -> bool {
        stored.sort_cmp(self).is_eq()
    }

    fn to_part(&self) -> Part {
        self.clone()
    }
}

/// The order of two keys held as parts, as [`sumoql_value::compare_group_keys`].
fn compare_parts(a: &[Part], b: &[Part]) -> Ordering {
    for (a, b) in a.iter().zip(b) {
        match a.sort_cmp(b) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
    }
    a.len().cmp(&b.len())
}

/// One bucket of the index: a group's number (the low [`GROUP_BITS`] bits) and a few bits of
/// its hash (the rest), or nothing. Eight bytes, so that a cache line holds eight buckets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bucket(u64);

/// The odd multiplier that mixes a hash into a bucket's tag ([`Bucket::tag`]).
const TAG_MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// The bits of a bucket that number its group. A group's key takes at least one part of 24
/// bytes, and a process addresses less than 2^48 bytes, so group numbers stay below 2^48 - 1.
const GROUP_BITS: u32 = 48;

impl Bucket {
    /// The bucket no group occupies.
    const EMPTY: Bucket = Bucket(u64::MAX);

    fn new(group: usize, hash: u64) -> Bucket {
        Bucket((Bucket::tag(hash) << GROUP_BITS) | (group as u64 & ((1 << GROUP_BITS) - 1)))
    }

    /// The 16 bits of `hash` a bucket keeps, to tell most other keys from its own without
    /// reading either. Only the high bits of a group hash are well mixed, and the highest
    /// choose the bucket, so the tag is the top of the hash multiplied again: bits that
    /// depend on all of it.
    fn tag(hash: u64) -> u64 {
        hash.wrapping_mul(TAG_MULTIPLIER) >> 48
    }

    fn group(self) -> usize {
        (self.0 & ((1 << GROUP_BITS) - 1)) as usize
    }

    /// Whether the group here may have `hash` (it has not when the kept bits differ).
    fn may_have(self, hash: u64) -> bool {
        self.0 >> GROUP_BITS == Bucket::tag(hash)
    }

    fn is_empty(self) -> bool {
        self == Bucket::EMPTY
    }
}

/// The smallest index, in buckets.
const MIN_BUCKETS: usize = 16;

/// How far ahead lookups fetch what they will read. A group's bucket, key and states lie at
/// random places in tables too large for the cache; asking for them this many lookups before
/// they are needed lets the cache misses of many lookups overlap instead of being paid one
/// after another. Eight records take longer to decode than a miss takes to serve; 4 and 16
/// measured the same.
pub(crate) const PREFETCH_DISTANCE: usize = 8;

/// The bytes the processor fetches at once.
const CACHE_LINE: usize = 64;

/// Asks the processor to bring the cache line of `value` in, without waiting for it.
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    safe_arch::prefetch_t0(value);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// The distinct keys of the groups, each of the same number of parts, numbered from 0 in
/// the order they were added.
///
/// Keys are equal when every part is equal under [`Value::sort_cmp`], as for
/// [`sumoql_value::GroupKey`]; callers hash them with [`sumoql_value::hash_group_key`], which
/// hashes equal keys alike.
#[derive(Debug)]
pub(crate) struct GroupTable {
    /// Parts per key.
    width: usize,
    /// Every key's parts, group after group.
    parts: Vec<Part>,
    /// How many groups there are (also when keys have no part).
    len: usize,
    /// Each group's hash, to rebuild the index and to merge without hashing again.
    hashes: Vec<u64>,
    /// Linear-probing index; its length is zero or a power of two.
    buckets: Vec<Bucket>,
}

impl GroupTable {
    /// An empty table of keys of `width` parts.
    pub(crate) fn new(width: usize) -> GroupTable {
        GroupTable {
            width,
            parts: Vec::new(),
            len: 0,
            hashes: Vec::new(),
            buckets: Vec::new(),
        }
    }

    /// How many groups there are.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The key of `group`.
    pub(crate) fn key(&self, group: usize) -> &[Part] {
        let start = group * self.width;
        &self.parts[start..start + self.width]
    }

    /// The group whose key is `key` (of the table's width, hashed to `hash`), added when there
    /// is none; says whether it was added.
    pub(crate) fn find_or_add<'v, P, K>(&mut self, hash: u64, key: K) -> (usize, bool)
    where
        P: KeyPart + 'v,
        K: Iterator<Item = &'v P> + Clone,
    {
        self.make_room(1);
        match self.probe(hash, key.clone()) {
            Ok(group) => (group, false),
            Err(at) => {
                let group = self.len;
                self.parts.extend(key.map(KeyPart::to_part));
                self.len += 1;
                self.hashes.push(hash);
                self.buckets[at] = Bucket::new(group, hash);
                (group, true)
            }
        }
    }

    /// Has the first bucket a lookup of `hash` reads fetched into the cache, without waiting
    /// for it: the first step of a lookup [`PREFETCH_DISTANCE`] ahead.
    pub(crate) fn prefetch_bucket(&self, hash: u64) {
        if !self.buckets.is_empty() {
            prefetch(&self.buckets[self.home(hash)]);
        }
    }

    /// The group a key hashed to `hash` most likely belongs to: the first along its probe
    /// whose kept hash bits match. The second step of a lookup ahead, once its bucket is
    /// fetched, to fetch that group's key and states next. Only a hint: a lookup after it
    /// finds what it would have found without.
    pub(crate) fn likely_group(&self, hash: u64) -> Option<usize> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.buckets.len() - 1;
        let mut at = self.home(hash);
        loop {
            let bucket = self.buckets[at];
            if bucket.is_empty() {
                return None;
            }
            if bucket.may_have(hash) {
                return Some(bucket.group());
            }
            at = (at + 1) & mask;
        }
    }

    /// Has the key of `group` fetched into the cache, without waiting for it: the cache line
    /// where it starts and, when it runs past that line, the line where it ends (where the
    /// part after it starts).
    pub(crate) fn prefetch_key(&self, group: usize) {
        let start = group * self.width;
        let Some(first) = self.parts.get(start) else {
            return;
        };
        prefetch(first);
        let offset = std::ptr::from_ref(first) as usize % CACHE_LINE;
        if offset + self.width * std::mem::size_of::<Part>() > CACHE_LINE {
            if let Some(after) = self.parts.get(start + self.width) {
                prefetch(after);
            }
        }
    }

    /// The group whose key is `key` (hashed to `hash`), if there is one.
    pub(crate) fn find<'v, P, K>(&self, hash: u64, key: K) -> Option<usize>
    where
        P: KeyPart + 'v,
        K: Iterator<Item = &'v P> + Clone,
    {
        if self.buckets.is_empty() {
            return None;
        }
        self.probe(hash, key).ok()
    }

    /// The hash of `group`'s key.
    pub(crate) fn hash(&self, group: usize) -> u64 {
        self.hashes[group]
    }

    /// The hashes of every group's key, in group order.
    pub(crate) fn hashes(&self) -> &[u64] {
        &self.hashes
    }

    /// Makes room for `groups` more groups, exactly as many for their keys' parts.
    pub(crate) fn reserve_exact(&mut self, groups: usize) {
        self.parts.reserve_exact(groups * self.width);
        self.hashes.reserve_exact(groups);
        self.make_room(groups);
    }

    /// Grows the index until `more` groups can be added without passing its load limit.
    fn make_room(&mut self, more: usize) {
        let mut size = self.buckets.len();
        while (self.len + more) * 4 > size * 3 {
            size = (size * 2).max(MIN_BUCKETS);
        }
        if size != self.buckets.len() {
            self.rebuild_index(size);
        }
    }

    /// The group of `key` (hashed to `hash`), or the empty bucket where it would go. The index
    /// must have buckets, one at least of them empty.
    fn probe<'v, P, K>(&self, hash: u64, key: K) -> Result<usize, usize>
    where
        P: KeyPart + 'v,
        K: Iterator<Item = &'v P> + Clone,
    {
        let mask = self.buckets.len() - 1;
        let mut at = self.home(hash);
        loop {
            let bucket = self.buckets[at];
            if bucket.is_empty() {
                return Err(at);
            }
            if bucket.may_have(hash)
                && self
                    .key(bucket.group())
                    .iter()
                    .zip(key.clone())
                    .all(|(stored, part)| part.is_stored_as(stored))
            {
                return Ok(bucket.group());
            }
            at = (at + 1) & mask;
        }
    }

    /// The groups in ascending key order (D18). The index is let go: after this the table can
    /// only be read ([`GroupTable::key`]) or emptied ([`GroupTable::take_part`]).
    pub(crate) fn sorted_groups(&mut self) -> Vec<usize> {
        self.sort((0..self.len).collect())
    }

    /// `groups` (some of the table's) in ascending key order, as [`GroupTable::sorted_groups`]
    /// gives them.
    pub(crate) fn sort(&mut self, groups: Vec<usize>) -> Vec<usize> {
        self.buckets = Vec::new();
        // Most comparisons are settled by the prefixes, which sit together in memory.
        let mut order: Vec<(u64, usize)> = groups
            .into_iter()
            .map(|group| (self.key(group).first().map_or(0, Part::sort_prefix), group))
            .collect();
        // Keys are distinct, so an unstable sort gives the one order.
        order.sort_unstable_by(|&(prefix_a, a), &(prefix_b, b)| {
            prefix_a
                .cmp(&prefix_b)
                .then_with(|| compare_parts(self.key(a), self.key(b)))
        });
        order.into_iter().map(|(_, group)| group).collect()
    }

    /// Part `index` of `group`'s key, copied.
    pub(crate) fn part(&self, group: usize, index: usize) -> Value {
        self.parts[group * self.width + index]
            .to_value()
            .into_owned()
    }

    /// Moves part `index` of `group`'s key out, leaving null.
    pub(crate) fn take_part(&mut self, group: usize, index: usize) -> Value {
        self.parts[group * self.width + index].take()
    }

    /// Where a probe for `hash` starts: the hash's high bits, the best mixed.
    fn home(&self, hash: u64) -> usize {
        let bits = self.buckets.len().trailing_zeros();
        // `bits` is at least 4 once the table has buckets, so the shift is below 64.
        (hash >> (64 - bits)) as usize
    }

    /// Makes an index of `size` buckets (a power of two) and puts every group back in it.
    fn rebuild_index(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.buckets, vec![Bucket::EMPTY; size]);
        let mask = size - 1;
        for bucket in old.into_iter().filter(|bucket| !bucket.is_empty()) {
            let mut at = self.home(self.hashes[bucket.group()]);
            while !self.buckets[at].is_empty() {
                at = (at + 1) & mask;
            }
            self.buckets[at] = bucket;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sumoql_value::hash_group_key;

    fn add(table: &mut GroupTable, key: &[Value]) -> (usize, bool) {
        table.find_or_add(hash_group_key(key), key.iter())
    }

    #[test]
    fn equal_keys_are_one_group() {
        let mut table = GroupTable::new(2);
        let a = [Value::text("a"), Value::Int(3)];
        let b = [Value::text("a"), Value::Float(3.0)];
        let c = [Value::text("a"), Value::text("3")];
        assert_eq!(add(&mut table, &a), (0, true));
        assert_eq!(add(&mut table, &b), (0, false));
        assert_eq!(add(&mut table, &c), (1, true));
        assert_eq!(table.len(), 2);
        assert_eq!(values(table.key(0)), a);
    }

    fn values(parts: &[Part]) -> Vec<Value> {
        parts
            .iter()
            .map(|part| part.to_value().into_owned())
            .collect()
    }

    #[test]
    fn short_and_long_texts_and_other_kinds_keep_their_equality() {
        let long = "a text longer than twenty-two bytes";
        let keys = [
            Value::text(""),
            Value::text("short"),
            Value::text("exactly twenty-two byt"),
            Value::text(long),
            Value::text("true"),
            Value::Bool(false),
            Value::Int(7),
            Value::Null,
            Value::List(vec![Value::text("x")].into()),
        ];
        let mut table = GroupTable::new(1);
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(add(&mut table, std::slice::from_ref(key)), (i, true));
        }
        // Looked up again, by value and by part (as a merge does), each finds its own group.
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(add(&mut table, std::slice::from_ref(key)).0, i);
            let part = table.key(i).to_vec();
            assert_eq!(table.hash(i), hash_group_key(std::slice::from_ref(key)));
            assert_eq!(table.find(table.hash(i), part.iter()), Some(i));
        }
        // A boolean is one group with its text (D18), whichever came first.
        assert_eq!(add(&mut table, &[Value::Bool(true)]), (4, false));
        assert_eq!(add(&mut table, &[Value::text("false")]), (5, false));
        assert_eq!(values(table.key(3)), [Value::text(long)]);
        let order = table.sorted_groups();
        let sorted: Vec<Value> = order
            .iter()
            .map(|&g| table.key(g)[0].to_value().into_owned())
            .collect();
        let mut expected = keys.to_vec();
        expected.sort_by(Value::sort_cmp);
        assert_eq!(sorted, expected);
    }

    #[test]
    fn buckets_keep_the_group_and_some_hash_bits() {
        let hash = 0x0123_4567_89ab_cdef;
        let bucket = Bucket::new(12345, hash);
        assert_eq!(bucket.group(), 12345);
        assert!(bucket.may_have(hash));
        assert!(!bucket.may_have(hash ^ (1 << 20)));
        assert!(!bucket.is_empty());
        assert!(Bucket::new((1 << GROUP_BITS) - 2, u64::MAX) != Bucket::EMPTY);
    }

    #[test]
    fn a_part_is_no_larger_than_a_value() {
        assert_eq!(std::mem::size_of::<Part>(), std::mem::size_of::<Value>());
    }

    #[test]
    fn text_that_reads_as_one_number_is_two_groups() {
        let mut table = GroupTable::new(1);
        assert_eq!(add(&mut table, &[Value::text("1")]), (0, true));
        assert_eq!(add(&mut table, &[Value::text("1.0")]), (1, true));
        assert_eq!(add(&mut table, &[Value::text("1")]), (0, false));
    }

    #[test]
    fn colliding_hashes_still_compare_keys() {
        let mut table = GroupTable::new(1);
        let keys: Vec<Value> = (0..100).map(|i| Value::text(format!("k{i}"))).collect();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(table.find_or_add(7, std::iter::once(key)), (i, true));
        }
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(table.find_or_add(7, std::iter::once(key)), (i, false));
        }
        assert_eq!(table.len(), 100);
    }

    #[test]
    fn the_likely_group_of_a_stored_key_is_nearly_always_its_own() {
        let mut table = GroupTable::new(1);
        assert_eq!(table.likely_group(hash_group_key(&[Value::Int(1)])), None);
        let keys: Vec<Value> = (0..5000).map(|i| Value::text(format!("key{i}"))).collect();
        for key in &keys {
            add(&mut table, std::slice::from_ref(key));
        }
        let mut wrong = 0;
        for (group, key) in keys.iter().enumerate() {
            let hash = hash_group_key(std::slice::from_ref(key));
            table.prefetch_bucket(hash);
            table.prefetch_key(group);
            // Another group along the probe may keep the same hash bits (1 in 65536).
            wrong += usize::from(table.likely_group(hash) != Some(group));
        }
        assert!(wrong <= 5, "{wrong} of {} keys", keys.len());
        // With every hash alike, the first group along the probe is the likely one.
        let mut alike = GroupTable::new(1);
        for key in &keys[..10] {
            alike.find_or_add(7, std::iter::once(key));
        }
        assert_eq!(alike.likely_group(7), Some(0));
    }

    #[test]
    fn keys_without_parts_are_one_group() {
        let mut table = GroupTable::new(0);
        assert_eq!(add(&mut table, &[]), (0, true));
        assert_eq!(add(&mut table, &[]), (0, false));
        assert_eq!(table.sorted_groups(), vec![0]);
    }

    #[test]
    fn grows_and_sorts() {
        let mut table = GroupTable::new(1);
        let count = 10_000;
        for i in (0..count).rev() {
            add(&mut table, &[Value::Int(i)]);
        }
        for i in 0..count {
            assert_eq!(
                add(&mut table, &[Value::Int(i)]).0,
                (count - 1 - i) as usize
            );
        }
        let order = table.sorted_groups();
        let mut sorted = Vec::new();
        for group in order {
            sorted.push(table.take_part(group, 0));
        }
        let expected: Vec<Value> = (0..count).map(Value::Int).collect();
        assert_eq!(sorted, expected);
    }
}
