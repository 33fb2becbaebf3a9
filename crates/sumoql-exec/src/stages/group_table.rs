//! The group keys of an aggregation: an open-addressing hash table over keys stored flat.
//!
//! A record's group is looked up from the values in its slots, without building a key first;
//! only a new group copies its values into the table. Groups are numbered in the order they
//! were added, so the states of the aggregates can live in plain vectors indexed by group.

use sumoql_value::{compare_group_keys, sort_prefix, Value};

/// One bucket of the index: the group that lives there, with its hash, or nothing.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    hash: u64,
    group: usize,
}

impl Bucket {
    /// The bucket no group occupies.
    const EMPTY: Bucket = Bucket {
        hash: 0,
        group: usize::MAX,
    };

    fn is_empty(self) -> bool {
        self.group == usize::MAX
    }
}

/// The smallest index, in buckets.
const MIN_BUCKETS: usize = 16;

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
    parts: Vec<Value>,
    /// How many groups there are (also when keys have no part).
    len: usize,
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
            buckets: Vec::new(),
        }
    }

    /// How many groups there are.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The key of `group`.
    pub(crate) fn key(&self, group: usize) -> &[Value] {
        let start = group * self.width;
        &self.parts[start..start + self.width]
    }

    /// The group whose key is `key` (of the table's width, hashed to `hash`), added when there
    /// is none; says whether it was added.
    pub(crate) fn find_or_add<'v, K>(&mut self, hash: u64, key: K) -> (usize, bool)
    where
        K: Iterator<Item = &'v Value> + Clone,
    {
        if (self.len + 1) * 4 > self.buckets.len() * 3 {
            self.grow();
        }
        let mask = self.buckets.len() - 1;
        let mut at = self.home(hash);
        loop {
            let bucket = self.buckets[at];
            if bucket.is_empty() {
                break;
            }
            if bucket.hash == hash && same_key(self.key(bucket.group), key.clone()) {
                return (bucket.group, false);
            }
            at = (at + 1) & mask;
        }
        let group = self.len;
        self.parts.extend(key.cloned());
        self.len += 1;
        self.buckets[at] = Bucket { hash, group };
        (group, true)
    }

    /// The groups in ascending key order (D18). The index is let go: after this the table can
    /// only be read ([`GroupTable::key`]) or emptied ([`GroupTable::take_key`]).
    pub(crate) fn sorted_groups(&mut self) -> Vec<usize> {
        self.buckets = Vec::new();
        // Most comparisons are settled by the prefixes, which sit together in memory.
        let mut order: Vec<(u64, usize)> = (0..self.len)
            .map(|group| (self.key(group).first().map_or(0, sort_prefix), group))
            .collect();
        // Keys are distinct, so an unstable sort gives the one order.
        order.sort_unstable_by(|&(prefix_a, a), &(prefix_b, b)| {
            prefix_a
                .cmp(&prefix_b)
                .then_with(|| compare_group_keys(self.key(a), self.key(b)))
        });
        order.into_iter().map(|(_, group)| group).collect()
    }

    /// Moves the parts of `group`'s key out, leaving nulls.
    pub(crate) fn take_key(&mut self, group: usize) -> impl Iterator<Item = Value> + '_ {
        let start = group * self.width;
        self.parts[start..start + self.width]
            .iter_mut()
            .map(std::mem::take)
    }

    /// Where a probe for `hash` starts: the hash's high bits, the best mixed.
    fn home(&self, hash: u64) -> usize {
        let bits = self.buckets.len().trailing_zeros();
        // `bits` is at least 4 once the table has buckets, so the shift is below 64.
        (hash >> (64 - bits)) as usize
    }

    /// Doubles the index (or makes the first one) and puts every group back in it.
    fn grow(&mut self) {
        let size = (self.buckets.len() * 2).max(MIN_BUCKETS);
        let old = std::mem::replace(&mut self.buckets, vec![Bucket::EMPTY; size]);
        let mask = size - 1;
        for bucket in old.into_iter().filter(|bucket| !bucket.is_empty()) {
            let mut at = self.home(bucket.hash);
            while !self.buckets[at].is_empty() {
                at = (at + 1) & mask;
            }
            self.buckets[at] = bucket;
        }
    }
}

/// Whether `stored` and the key given part by part are equal under [`Value::sort_cmp`], with
/// a shortcut for the common case of two texts.
fn same_key<'v>(stored: &[Value], key: impl Iterator<Item = &'v Value>) -> bool {
    stored.iter().zip(key).all(|pair| match pair {
        (Value::Text(a), Value::Text(b)) => a.as_bytes() == b.as_bytes(),
        (a, b) => a == b,
    })
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
        assert_eq!(table.key(0), &a);
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
            sorted.extend(table.take_key(group));
        }
        let expected: Vec<Value> = (0..count).map(Value::Int).collect();
        assert_eq!(sorted, expected);
    }
}
