//! `dedup [consecutive] [N] by f`: the first N records of each key, in input order.

use std::collections::HashMap;

use sumoql_functions::CallContext;
use sumoql_value::{GroupKey, Record, SlotId};

use super::key_of;
use crate::stages::Stage;

/// Passes a record while its key has been seen fewer than `limit` times (in a row, when
/// `consecutive`).
pub(crate) struct DedupStage {
    consecutive: bool,
    limit: u64,
    by: Vec<SlotId>,
    seen: HashMap<GroupKey, u64>,
    run: Option<(GroupKey, u64)>,
}

impl DedupStage {
    pub(crate) fn new(consecutive: bool, limit: u64, by: Vec<SlotId>) -> DedupStage {
        DedupStage {
            consecutive,
            limit,
            by,
            seen: HashMap::new(),
            run: None,
        }
    }
}

impl Stage for DedupStage {
    fn push(&mut self, record: Record, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let key = key_of(&record, &self.by);
        let count = if self.consecutive {
            match &mut self.run {
                Some((last, count)) if *last == key => {
                    *count += 1;
                    *count
                }
                _ => {
                    self.run = Some((key, 1));
                    1
                }
            }
        } else {
            let count = self.seen.entry(key).or_insert(0);
            *count += 1;
            *count
        };
        if count <= self.limit {
            out.push(record);
        }
    }
}
