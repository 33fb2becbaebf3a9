//! `transaction`: each transaction's records, taken in time order, summed up per state or
//! followed from state to state.

use std::collections::HashMap;

use sumoql_functions::CallContext;
use sumoql_plan::{StateCheck, Transaction, TransactionRows};
use sumoql_value::limits::TRANSACTION_GROUPS;
use sumoql_value::{GroupKey, Record, Value, WarningKind};

use crate::stages::order::time_of;
use crate::stages::Stage;

/// Holds, per transaction, the time and state of each of its records until the input ends.
pub(crate) struct TransactionStage {
    plan: Transaction,
    width: usize,
    transactions: HashMap<GroupKey, Vec<Event>>,
    /// How many records came before, to order records of the same time as they came.
    seen: usize,
    /// Whether the group limit was reached (and warned about).
    full: bool,
}

/// One record of a transaction: its time, its place in the input and its state.
struct Event {
    time: Option<i64>,
    order: usize,
    state: usize,
}

impl TransactionStage {
    pub(crate) fn new(plan: Transaction, width: usize) -> TransactionStage {
        TransactionStage {
            plan,
            width,
            transactions: HashMap::new(),
            seen: 0,
            full: false,
        }
    }

    /// The first state whose test `record` passes.
    fn state_of(&self, record: &Record) -> Option<usize> {
        self.plan.states.iter().position(|(_, check)| match check {
            StateCheck::Pattern { slot, pattern } => record
                .get(*slot)
                .to_text()
                .is_some_and(|text| pattern.is_match(&text)),
            StateCheck::Value { slot, value } => record
                .get(*slot)
                .to_text()
                .is_some_and(|text| text == *value),
        })
    }

    /// Whether a transaction from `start` to `end` is cut by the run's edges under `fringe=`.
    fn on_the_fringe(&self, start: Option<i64>, end: Option<i64>) -> bool {
        let Some(fringe) = self.plan.fringe else {
            return false;
        };
        let ends_early = end
            .is_some_and(|end| end >= fringe.start_ms && end < fringe.start_ms + fringe.width_ms);
        let starts_late = start
            .is_some_and(|start| start > fringe.end_ms - fringe.width_ms && start <= fringe.end_ms);
        ends_early || starts_late
    }

    /// A row holding the transaction's IDs.
    fn row_of(&self, key: &GroupKey) -> Record {
        let mut row = Record::with_width(self.width);
        for (&slot, value) in self.plan.on.iter().zip(&key.0) {
            row.set(slot, value.clone());
        }
        row
    }
}

impl Stage for TransactionStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        self.seen += 1;
        let key = GroupKey(
            self.plan
                .on
                .iter()
                .map(|&slot| record.get(slot).clone())
                .collect(),
        );
        if key.0.iter().any(Value::is_null) {
            return;
        }
        let Some(state) = self.state_of(&record) else {
            return;
        };
        let event = Event {
            time: time_of(&record, self.plan.time),
            order: self.seen,
            state,
        };
        if let Some(events) = self.transactions.get_mut(&key) {
            events.push(event);
        } else if self.transactions.len() < TRANSACTION_GROUPS {
            self.transactions.insert(key, vec![event]);
        } else if !self.full {
            self.full = true;
            ctx.warnings.add_with_sample(WarningKind::OperatorLimit, || {
                format!("transaction: at most {TRANSACTION_GROUPS} transactions are followed; records of later ones were left out")
            });
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut transactions: Vec<(GroupKey, Vec<Event>)> = self.transactions.drain().collect();
        transactions.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, mut events) in transactions {
            events.sort_by_key(|event| (event.time.is_none(), event.time, event.order));
            let start = events.iter().filter_map(|e| e.time).min();
            let end = events.iter().filter_map(|e| e.time).max();
            if self.on_the_fringe(start, end) {
                continue;
            }
            match &self.plan.rows {
                TransactionRows::Transactions {
                    start: start_slot,
                    end: end_slot,
                    counts,
                } => {
                    let mut row = self.row_of(&key);
                    row.set(*start_slot, start.map_or(Value::Null, Value::Int));
                    row.set(*end_slot, end.map_or(Value::Null, Value::Int));
                    for (state, &slot) in counts.iter().enumerate() {
                        let count = events.iter().filter(|e| e.state == state).count();
                        row.set(slot, Value::Int(count as i64));
                    }
                    out.push(row);
                }
                TransactionRows::Flow { from, to, latency } => {
                    for pair in events.windows(2) {
                        let (before, after) = (&pair[0], &pair[1]);
                        if before.state == after.state {
                            continue;
                        }
                        let mut row = self.row_of(&key);
                        row.set(*from, Value::text(&self.plan.states[before.state].0));
                        row.set(*to, Value::text(&self.plan.states[after.state].0));
                        let gap = before.time.zip(after.time).map(|(b, a)| a - b);
                        row.set(*latency, gap.map_or(Value::Null, Value::Int));
                        out.push(row);
                    }
                }
            }
        }
    }
}
