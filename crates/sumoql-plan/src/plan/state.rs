//! The plan of the operators that follow records through time and state.

use sumoql_value::{Schema, SlotId};

use crate::pattern::TextPattern;
use crate::plan::slot_names;

/// An operator that groups or follows records through time.
#[derive(Clone, Debug)]
pub enum StateOperator {
    /// `transaction on f with … [results by transactions|flow]`.
    Transaction(Transaction),
}

/// Groups the records of each transaction (equal `on` values) and reports their states
/// (`transaction on sessionid with "*start*" as init, with "*end*" as done [results by flow]`).
///
/// A record is in the first state whose test it passes, in the order written; records in no
/// state, or without every ID, take no part.
#[derive(Clone, Debug)]
pub struct Transaction {
    /// The ID fields.
    pub on: Vec<SlotId>,
    /// `_messageTime`, which orders each transaction's records.
    pub time: SlotId,
    /// The states: each one's name and test, in the order written.
    pub states: Vec<(String, StateCheck)>,
    /// `fringe=`: transactions ending within this many milliseconds of the run's start, or
    /// starting within them of its end, are left out; with the run's `[start, end)`.
    pub fringe: Option<Fringe>,
    /// The rows made.
    pub rows: TransactionRows,
}

/// How a record is found to be in a state.
#[derive(Clone, Debug)]
pub enum StateCheck {
    /// The whole of the field's text matches the pattern.
    Pattern {
        /// The field (`_raw` unless `in f` was given).
        slot: SlotId,
        /// The wildcard pattern.
        pattern: TextPattern,
    },
    /// The field's text is the state's value.
    Value {
        /// The field after `in`.
        slot: SlotId,
        /// The value.
        value: String,
    },
}

/// The cut-off of `fringe=` against the run's time range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fringe {
    /// The width, in milliseconds.
    pub width_ms: i64,
    /// The run's start, in epoch milliseconds.
    pub start_ms: i64,
    /// The run's end.
    pub end_ms: i64,
}

/// The rows `transaction` makes and where their values go.
#[derive(Clone, Debug)]
pub enum TransactionRows {
    /// One row per transaction: its IDs, its first and last record's times and each state's
    /// count of records.
    Transactions {
        /// `_start_time`.
        start: SlotId,
        /// `_end_time`.
        end: SlotId,
        /// Each state's count, in the order of the states.
        counts: Vec<SlotId>,
    },
    /// One row per change of state in a transaction's records taken in time order: its IDs,
    /// the state left, the state entered and the milliseconds between the two records.
    Flow {
        /// `fromstate`.
        from: SlotId,
        /// `tostate`.
        to: SlotId,
        /// `latency`.
        latency: SlotId,
    },
}

impl StateOperator {
    /// The operator as one line of `explain`.
    pub fn describe(&self, schema: &Schema) -> String {
        match self {
            StateOperator::Transaction(transaction) => {
                let states: Vec<String> = transaction
                    .states
                    .iter()
                    .map(|(name, check)| match check {
                        StateCheck::Pattern { slot, pattern } => {
                            format!(
                                "{name} = {} matches {}",
                                schema.name(*slot),
                                pattern.written
                            )
                        }
                        StateCheck::Value { slot, value } => {
                            format!("{name} = {} is {value:?}", schema.name(*slot))
                        }
                    })
                    .collect();
                let rows = match transaction.rows {
                    TransactionRows::Transactions { .. } => "transactions",
                    TransactionRows::Flow { .. } => "flow",
                };
                format!(
                    "Transaction on {} with {}{} results by {rows}",
                    slot_names(schema, &transaction.on),
                    states.join(", "),
                    transaction
                        .fringe
                        .map_or(String::new(), |f| format!(", fringe {} ms", f.width_ms)),
                )
            }
        }
    }
}
