//! `transaction on id with ... as state`: each record's state and transaction found by a stage,
//! then one row per transaction (`results by transactions`) or per change of state between
//! a transaction's records in time order (`results by flow`), as the native stage makes them.

use sumoql_plan::{StateCheck, Transaction, TransactionRows};
use sumoql_value::limits::TRANSACTION_GROUPS;
use sumoql_value::SlotId;

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::Kind;
use crate::SqlError;

/// The hidden column of a record's time in epoch milliseconds.
const TIME: &str = "sumoql_tx_time";

/// The hidden column of a record's state: the index of the first state whose test it passes.
const STATE: &str = "sumoql_tx_state";

/// The hidden columns of a record's transaction: its first record in row order, and its
/// first and last times.
const FIRST: &str = "sumoql_tx_first";
const START: &str = "sumoql_tx_start";
const END: &str = "sumoql_tx_end";

/// The hidden column that numbers transactions by their first record, for the native limit
/// of transactions followed.
const RANK: &str = "sumoql_tx_rank";

/// The hidden columns of the state and time of the record before, in a transaction's order.
const PREVIOUS_STATE: &str = "sumoql_tx_previous_state";
const PREVIOUS_TIME: &str = "sumoql_tx_previous_time";

impl Generator<'_> {
    /// The stages of `transaction`. Records without every ID or in no state take no part;
    /// transactions whose first record comes after [`TRANSACTION_GROUPS`] others have begun
    /// are left out, and so are those `fringe=` cuts. Transactions come in ascending ID order.
    pub(super) fn transaction(&mut self, plan: &Transaction) -> Result<(), SqlError> {
        let writer = self.writer();
        let mut keys = Vec::new();
        for slot in &plan.on {
            let key = self.present_column(&writer, *slot);
            keys.push(format!("{} AS {}", key.text, self.name(*slot)));
        }
        let time = self.record_millis(&writer, plan.time);
        let mut states = Vec::new();
        for (index, (_, check)) in plan.states.iter().enumerate() {
            let test = match check {
                StateCheck::Pattern { slot, pattern } => {
                    writer.pattern_test(&writer.text(&self.present_column(&writer, *slot)), pattern)
                }
                StateCheck::Value { slot, value } => format!(
                    "{} = {}",
                    writer.text(&self.present_column(&writer, *slot)),
                    self.dialect.string(value)
                ),
            };
            states.push(format!("WHEN COALESCE({test}, FALSE) THEN {index}"));
        }
        let names: Vec<String> = plan.on.iter().map(|slot| self.name(*slot)).collect();
        let not_null: Vec<String> = names.iter().map(|n| format!("{n} IS NOT NULL")).collect();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, {} AS {TIME}, (CASE {} END) AS {STATE}, {ORDER} FROM {previous}",
            keys.join(", "),
            time,
            states.join(" ")
        ));
        let partition = self.partition(&plan.on);
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, MIN({ORDER}) OVER ({p}) AS {FIRST}, MIN({TIME}) OVER ({p}) AS {START}, MAX({TIME}) OVER ({p}) AS {END} FROM {previous} WHERE {STATE} IS NOT NULL AND {}",
            not_null.join(" AND "),
            p = partition.trim_end()
        ));
        let mut kept = vec![format!("{RANK} <= {TRANSACTION_GROUPS}")];
        if let Some(fringe) = plan.fringe {
            let (start, end, width) = (fringe.start_ms, fringe.end_ms, fringe.width_ms);
            kept.push(format!(
                "NOT COALESCE(({END} >= {start} AND {END} < {}) OR ({START} > {} AND {START} <= {end}), FALSE)",
                start + width,
                end - width
            ));
        }
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, DENSE_RANK() OVER (ORDER BY {FIRST}) AS {RANK} FROM {previous}"
        ));
        let key_order: Vec<String> = names
            .iter()
            .map(|n| format!("{n} ASC NULLS FIRST"))
            .collect();
        let key_order = key_order.join(", ");
        let keys = names.join(", ");
        let previous = self.previous();
        let mut outputs: Vec<(SlotId, Kind)> = Vec::new();
        match &plan.rows {
            TransactionRows::Transactions { start, end, counts } => {
                let mut select = vec![
                    format!("MIN({TIME}) AS {}", self.name(*start)),
                    format!("MAX({TIME}) AS {}", self.name(*end)),
                ];
                outputs.push((*start, Kind::Integer));
                outputs.push((*end, Kind::Integer));
                for (state, slot) in counts.iter().enumerate() {
                    select.push(format!(
                        "COUNT(CASE WHEN {STATE} = {state} THEN 1 END) AS {}",
                        self.name(*slot)
                    ));
                    outputs.push((*slot, Kind::Integer));
                }
                self.stages.push(format!(
                    "SELECT {keys}, {}, ROW_NUMBER() OVER (ORDER BY {key_order}) AS {ORDER} FROM {previous} WHERE {} GROUP BY {keys}",
                    select.join(", "),
                    kept.join(" AND ")
                ));
            }
            TransactionRows::Flow { from, to, latency } => {
                let within = format!("{partition}ORDER BY {TIME} ASC NULLS LAST, {ORDER}");
                self.stages.push(format!(
                    "SELECT {keys}, {TIME}, {STATE}, LAG({STATE}) OVER ({within}) AS {PREVIOUS_STATE}, LAG({TIME}) OVER ({within}) AS {PREVIOUS_TIME}, ROW_NUMBER() OVER (ORDER BY {key_order}, {TIME} ASC NULLS LAST, {ORDER}) AS {ORDER} FROM {previous} WHERE {}",
                    kept.join(" AND ")
                ));
                let state_name = |column: &str| {
                    let cases: Vec<String> = plan
                        .states
                        .iter()
                        .enumerate()
                        .map(|(index, (name, _))| {
                            format!("WHEN {index} THEN {}", self.dialect.string(name))
                        })
                        .collect();
                    format!("(CASE {column} {} END)", cases.join(" "))
                };
                let previous = self.previous();
                self.stages.push(format!(
                    "SELECT {keys}, {} AS {}, {} AS {}, ({TIME} - {PREVIOUS_TIME}) AS {}, {ORDER} FROM {previous} WHERE {PREVIOUS_STATE} IS NOT NULL AND {PREVIOUS_STATE} <> {STATE}",
                    state_name(PREVIOUS_STATE),
                    self.name(*from),
                    state_name(STATE),
                    self.name(*to),
                    self.name(*latency)
                ));
                outputs.push((*from, Kind::Text));
                outputs.push((*to, Kind::Text));
                outputs.push((*latency, Kind::Integer));
            }
        }
        self.columns = plan.on.clone();
        for (slot, kind) in outputs {
            self.columns.push(slot);
            self.kinds.insert(slot, kind);
            self.forget_withtime(slot);
        }
        Ok(())
    }
}
