//! The AST of the operators that follow records through time and state: `transaction`,
//! `transactionize`, `merge`, `sessionize`, `trace`, `withtime`, `predict` and `filter`.

use crate::ast::{Name, Stage};
use crate::span::Spanned;

/// An operator that groups or follows records through time.
#[derive(Clone, Debug, PartialEq)]
pub enum StateStage {
    /// `transaction on sessionid with "*start*" as init, with "*end*" as done results by flow`.
    Transaction(Transaction),
    /// `transactionize ip, user [as t] [maxspan=5m …] [(merge _raw join with "\n")]`.
    Transactionize(Transactionize),
    /// `merge bytes join with "--", _messageTime takeLast`; a bare `merge` merges `_raw`.
    Merge(Vec<MergeField>),
    /// `sessionize "user=* start" as (user), "user=$user end * ms" as (ms)`.
    Sessionize(Vec<SessionPattern>),
    /// `trace [+|-] "ID=([0-9a-f]{4})" "7F92"`.
    Trace(Trace),
    /// `withtime status`: adds `status_withtime`, the value with its record's time.
    Withtime(Name),
    /// `predict _count by 1m [forecast=5]`: a linear model of a `_timeslice` series.
    Predict(Predict),
    /// `filter _sourceHost in (outlier _count by _sourceHost | where _count_violation > 0)`.
    Filter(FilterIn),
}

impl StateStage {
    /// The operator's name as spelled after a pipe.
    pub fn name(&self) -> &'static str {
        match self {
            StateStage::Transaction(_) => "transaction",
            StateStage::Transactionize(_) => "transactionize",
            StateStage::Merge(_) => "merge",
            StateStage::Sessionize(_) => "sessionize",
            StateStage::Trace(_) => "trace",
            StateStage::Withtime(_) => "withtime",
            StateStage::Predict(_) => "predict",
            StateStage::Filter(_) => "filter",
        }
    }
}

/// `transaction on f[, g] [fringe=10m] with … [results by transactions|flow]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Transaction {
    /// The transaction IDs: records with equal values are one transaction.
    pub on: Vec<Name>,
    /// `fringe=10m`: transactions cut by the edges of the run's time range are left out.
    pub fringe: Option<Spanned<i64>>,
    /// The states, in the order written.
    pub states: Vec<TransactionState>,
    /// What the rows are.
    pub results: TransactionResults,
}

/// One state of a transaction and how a record is found to be in it.
#[derive(Clone, Debug, PartialEq)]
pub struct TransactionState {
    /// The state's name, the column of its count.
    pub name: Name,
    /// The test a record in this state passes.
    pub test: StateTest,
}

/// How a record is found to be in a state.
#[derive(Clone, Debug, PartialEq)]
pub enum StateTest {
    /// `with "*Starting session*" [in f] as init`: the whole of `_raw` (or `f`) matches the
    /// pattern, `*` standing for any run of characters.
    Pattern {
        /// The pattern.
        pattern: Spanned<String>,
        /// The field tested; `_raw` when absent.
        field: Option<Name>,
    },
    /// `with states login, cart in page`: the field's value is the state's text.
    Value {
        /// The text.
        value: String,
        /// The field tested.
        field: Name,
    },
}

/// The rows `transaction` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransactionResults {
    /// `results by transactions` (the default): one row per transaction, with its IDs,
    /// `_start_time`, `_end_time` and a count per state.
    Transactions,
    /// `results by flow`: one row per change of state within a transaction, with `fromstate`,
    /// `tostate` and `latency`.
    Flow,
}

/// `transactionize f[, g] [as name] [options] [(stages)]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Transactionize {
    /// The fields that link records: records sharing a value of any of them are one group.
    pub fields: Vec<Name>,
    /// The prefix of the added fields; `_group` when absent.
    pub alias: Option<Name>,
    /// `maxSpan=10m`: a group ends when it would last longer.
    pub max_span: Option<Spanned<i64>>,
    /// `maxPause=1m`: a group ends when this much time passes between two of its records.
    pub max_pause: Option<Spanned<i64>>,
    /// `maxLogs=10`: a group ends when it would hold more records.
    pub max_logs: Option<Spanned<u64>>,
    /// `startsWith="login"[;strict]`: a record matching it starts a new group.
    pub starts_with: Option<Boundary>,
    /// `endsWith="logout"[;strict]`: a record matching it ends its group.
    pub ends_with: Option<Boundary>,
    /// `keepOrphans=false`: records with none of the fields are dropped (kept by default).
    pub keep_orphans: bool,
    /// The stages run on each group's records apart, in parentheses; empty when none.
    pub stages: Vec<Spanned<Stage>>,
}

/// The pattern of `startsWith` or `endsWith`.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    /// The text a record's `_raw` holds (`*` for any run of characters).
    pub pattern: Spanned<String>,
    /// `;strict`: groups that do not start (or end) with a matching record are left out.
    pub strict: bool,
}

/// One field of `merge` (`bytes join with "--"`, `ip takeFirst as first_ip`).
#[derive(Clone, Debug, PartialEq)]
pub struct MergeField {
    /// The field merged.
    pub field: Name,
    /// How its values become one.
    pub strategy: MergeStrategy,
    /// The name of the result; the field's own when absent.
    pub alias: Option<Name>,
}

/// How `merge` makes one value of a field's values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeStrategy {
    /// `takeFirst`: the earliest record's value.
    TakeFirst,
    /// `takeLast`: the latest record's value.
    TakeLast,
    /// `takeDistinct`: each distinct value once, joined with new lines.
    TakeDistinct,
    /// `join [with "sep"]`: every value, joined with `sep` (a new line when absent).
    Join(String),
}

/// One pattern of `sessionize`: `"user=$user ended after * ms" as (ms)`.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionPattern {
    /// The anchor pattern: `*` captures, `$name` stands for a field captured earlier.
    pub pattern: Spanned<String>,
    /// The fields the `*`s capture, in order (`_` names a capture to leave out).
    pub fields: Vec<Name>,
}

/// `trace [+|-] "regex" "start"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// `-`: the chain is followed backward in time, from the newest record.
    pub backward: bool,
    /// The regular expression whose first group is an ID.
    pub regex: Spanned<String>,
    /// The ID the chain starts from.
    pub start: Spanned<String>,
}

/// `predict FIELD by WIDTH [forecast=N|D]`, Sumo's linear regression model.
#[derive(Clone, Debug, PartialEq)]
pub struct Predict {
    /// The numeric field of the series.
    pub field: Name,
    /// The width of a time slice, in milliseconds.
    pub width: Spanned<i64>,
    /// `forecast=`: how far past the last slice to predict; three slices when absent.
    pub forecast: Option<Spanned<Forecast>>,
}

/// How far `predict` forecasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forecast {
    /// `forecast=5`: five slices.
    Points(u64),
    /// `forecast=5m`: the slices within five minutes, in milliseconds.
    Span(i64),
}

/// `filter f[, g] in (child stages)`: the rows whose values of the fields are in the child
/// query's rows, the child running over the same rows.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterIn {
    /// The fields matched.
    pub fields: Vec<Name>,
    /// The child query's stages.
    pub stages: Vec<Spanned<Stage>>,
}
