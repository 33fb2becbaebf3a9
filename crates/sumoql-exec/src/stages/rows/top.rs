//! `topk(N, f) by k` and the ranking half of `top N f`: the N records with the largest values
//! per group.

use std::cmp::Ordering;
use std::collections::HashMap;

use sumoql_functions::CallContext;
use sumoql_value::{GroupKey, Record, SlotId, Value};

use super::key_of;
use crate::stages::Stage;

/// Holds every record; at the end, emits each group (in ascending key order) with its `limit`
/// largest records, largest first, ties in input order.
pub(crate) struct TopStage {
    limit: u64,
    ranked: Vec<SlotId>,
    by: Vec<SlotId>,
    rank: Option<SlotId>,
    groups: HashMap<GroupKey, Vec<Record>>,
}

impl TopStage {
    pub(crate) fn new(
        limit: u64,
        ranked: Vec<SlotId>,
        by: Vec<SlotId>,
        rank: Option<SlotId>,
    ) -> TopStage {
        TopStage {
            limit,
            ranked,
            by,
            rank,
            groups: HashMap::new(),
        }
    }
}

impl Stage for TopStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let key = key_of(&record, &self.by);
        self.groups.entry(key).or_default().push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut groups: Vec<(GroupKey, Vec<Record>)> = self.groups.drain().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let ranked = &self.ranked;
        for (_, mut records) in groups {
            records.sort_by(|a, b| {
                ranked
                    .iter()
                    .map(|&slot| largest_first(a.get(slot), b.get(slot)))
                    .find(|order| order.is_ne())
                    .unwrap_or(Ordering::Equal)
            });
            let keep = usize::try_from(self.limit).unwrap_or(usize::MAX);
            for (index, mut record) in records.into_iter().take(keep).enumerate() {
                if let Some(rank) = self.rank {
                    record.set(rank, Value::Int(index as i64 + 1));
                }
                out.push(record);
            }
        }
    }
}

/// Descending order: numbers (and numeric text) by value, anything else as `sort` orders it
/// (D18); null last.
fn largest_first(a: &Value, b: &Value) -> Ordering {
    match (a.as_number(), b.as_number()) {
        (Some(x), Some(y)) => y.total_cmp(x),
        _ => b.sort_cmp(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_text_ranks_by_value() {
        assert_eq!(
            largest_first(&Value::text("9"), &Value::text("10")),
            Ordering::Greater
        );
        assert_eq!(
            largest_first(&Value::Null, &Value::Int(1)),
            Ordering::Greater
        );
    }
}
