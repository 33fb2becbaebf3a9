//! The plan of the operators that follow records through time and state.

use sumoql_syntax::ast::MergeStrategy;
use sumoql_value::{Schema, SlotId};

use crate::pattern::TextPattern;
use crate::plan::{slot_names, Operator};

/// An operator that groups or follows records through time.
#[derive(Clone)]
pub enum StateOperator {
    /// `transaction on f with … [results by transactions|flow]`.
    Transaction(Transaction),
    /// `transactionize f, g [as t] [maxSpan=…] [(stages)]`.
    Transactionize(Transactionize),
    /// `merge f takeFirst, _raw join with "--"`.
    Merge(Merge),
    /// `sessionize "user=* start" as (user), "user=$user end in * ms" as (ms)`.
    Sessionize(Sessionize),
    /// `trace [+|-] "ID=([0-9a-f]{4})" "7F92"`.
    Trace(Trace),
    /// `withtime status`.
    Withtime(Withtime),
    /// `predict _count by 1m [forecast=5]`.
    Predict(Predict),
    /// `filter host in (outlier _count by host | where _count_violation > 0)`.
    Filter(FilterIn),
}

/// Keeps the rows whose values of the fields are those of a row of the child query, which runs
/// over the same rows (`filter host in (sum(_count) by host | top 2 host by _sum)`). The rows
/// keep their order.
#[derive(Clone)]
pub struct FilterIn {
    /// The fields matched, in the rows and in the child's rows alike.
    pub fields: Vec<SlotId>,
    /// The child query's operators.
    pub child: Vec<Operator>,
}

/// A linear model of a series over `_timeslice` (`predict _count by 1m [forecast=5]`): the
/// least-squares line through the points, each at its slice's distance from the first slice.
///
/// The rows come in `_timeslice` order, each with the line's value (`<field>_predicted`) and
/// the line's value minus the field (`<field>_error`); a slice missing between the first and
/// the last is added with the field 0, and `forecast` slices past the last are added with the
/// line's value only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Predict {
    /// The numeric field of the series.
    pub value: SlotId,
    /// `_timeslice`, which places each point.
    pub timeslice: SlotId,
    /// `<field>_predicted`.
    pub predicted: SlotId,
    /// `<field>_error`.
    pub error: SlotId,
    /// The width of a slice, in milliseconds.
    pub width_ms: i64,
    /// How many slices past the last to forecast.
    pub forecast: usize,
}

/// Weaves records into sessions, one anchor pattern after another
/// (`sessionize "id=* started" as (id), "id=$id done in * ms" as (ms)`).
///
/// Each pattern is looked for in `_raw` as `parse` does, a `$field` capturing like a `*`.
/// Every record the first pattern finds starts a partial session with its captures; each later
/// pattern joins the partial sessions so far with the records it finds on the fields they
/// share (a `$field`, or a field captured again), the captures having to equal the session's
/// values: a session reaching the last pattern is complete. The records of each complete
/// session pass on with all its captures; the join takes no account of record order.
#[derive(Clone, Debug)]
pub struct Sessionize {
    /// `_messageTime`, which orders the sessions.
    pub time: SlotId,
    /// `_raw`, which the patterns are looked for in.
    pub raw: SlotId,
    /// The patterns, in the order written.
    pub steps: Vec<SessionStep>,
}

/// One anchor pattern of `sessionize`.
#[derive(Clone, Debug)]
pub struct SessionStep {
    /// The pattern as written, for `explain`.
    pub written: String,
    /// The compiled pattern: a group for each `*` and each `$field`, in order.
    pub regex: regex::Regex,
    /// The field each group fills or must equal, in order; `None` for a capture named `_`.
    pub captures: Vec<Option<SlotId>>,
}

/// Follows a chain of IDs from a starting one (`trace [+|-] "ID=([0-9a-f]{4})" "7F92"`).
///
/// The records are taken oldest first (newest first with `-`); a record is kept when one of
/// the IDs in its `_raw` (each match's first group) is in the chain, and then all its IDs join
/// the chain. The chain starts with the given ID; other records are left out.
#[derive(Clone, Debug)]
pub struct Trace {
    /// `_messageTime`, which orders the records.
    pub time: SlotId,
    /// `_raw`, where the IDs are found.
    pub raw: SlotId,
    /// The regular expression whose first group is an ID.
    pub regex: regex::Regex,
    /// The ID the chain starts from.
    pub start: String,
    /// `-`: the chain is followed from the newest record back.
    pub backward: bool,
}

/// Pairs a field's value with its record's time (`withtime status` adds `status_withtime`),
/// for `most_recent` and `least_recent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Withtime {
    /// The field read.
    pub field: SlotId,
    /// `_messageTime`.
    pub time: SlotId,
    /// `FIELD_withtime`, written.
    pub output: SlotId,
}

/// Groups records that share a value of any of the fields, transitively
/// (`transactionize ip, user [as t] [maxSpan=10m, maxPause=1m, maxLogs=10, startsWith="login",
/// endsWith="logout";strict, keepOrphans=false] [(merge _raw)]`).
///
/// Records are taken in time order. A record joins the open group holding one of its values (two
/// or more such groups become one); it starts a new group instead when it matches `startsWith`,
/// or when joining would make the group longer than `maxSpan`, its pause longer than
/// `maxPause` or its size larger than `maxLogs`; a record matching `endsWith` closes its group.
/// A record with none of the fields (an orphan) is a group of its own, marked orphaned, or left
/// out with `keepOrphans=false`. Groups are numbered from 1 in the order of their first record.
#[derive(Clone)]
pub struct Transactionize {
    /// The fields that link records.
    pub fields: Vec<SlotId>,
    /// `_messageTime`, which orders the records and measures spans and pauses.
    pub time: SlotId,
    /// `maxSpan`, in milliseconds.
    pub max_span_ms: Option<i64>,
    /// `maxPause`, in milliseconds.
    pub max_pause_ms: Option<i64>,
    /// `maxLogs`.
    pub max_logs: Option<u64>,
    /// `startsWith`.
    pub starts_with: Option<BoundaryCheck>,
    /// `endsWith`.
    pub ends_with: Option<BoundaryCheck>,
    /// `keepOrphans` (true by default).
    pub keep_orphans: bool,
    /// The stages run on each group's records apart, in time order; empty when none, and then
    /// every record passes on with its group's fields.
    pub stages: Vec<Operator>,
    /// Where each row's group fields go.
    pub group: GroupFields,
}

/// The text of `startsWith` or `endsWith` and how strictly groups must meet it.
#[derive(Clone, Debug)]
pub struct BoundaryCheck {
    /// `_raw`, which the pattern is looked for in.
    pub raw: SlotId,
    /// The text, `*` standing for any run of characters, found anywhere in `_raw`.
    pub pattern: TextPattern,
    /// `;strict`: groups that do not start (or end) with a matching record are left out.
    pub strict: bool,
}

/// The fields `transactionize` adds (`_group` unless named with `as`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupFields {
    /// `_group`: the group's number.
    pub id: SlotId,
    /// `_group_duration`: milliseconds from its first record to its last.
    pub duration: SlotId,
    /// `_group_size`: its number of records.
    pub size: SlotId,
    /// `_group_orphaned`: whether it is a record with none of the fields.
    pub orphaned: SlotId,
}

/// Reduces the records to one (`merge f takeLast as g, _raw join with "--"`), the records taken
/// in time order; a bare `merge` joins `_raw` with new lines and keeps the earliest
/// `_messageTime`.
#[derive(Clone, Debug)]
pub struct Merge {
    /// `_messageTime`, which orders the records.
    pub time: SlotId,
    /// Each field merged.
    pub fields: Vec<MergeSpec>,
}

/// One field of `merge`.
#[derive(Clone, Debug)]
pub struct MergeSpec {
    /// The field read.
    pub source: SlotId,
    /// How its values become one.
    pub strategy: MergeStrategy,
    /// The field written.
    pub output: SlotId,
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
            StateOperator::Sessionize(sessionize) => {
                let steps: Vec<String> = sessionize
                    .steps
                    .iter()
                    .map(|step| {
                        let names: Vec<&str> = step
                            .captures
                            .iter()
                            .map(|slot| slot.map_or("_", |slot| schema.name(slot)))
                            .collect();
                        format!("{:?} as ({})", step.written, names.join(", "))
                    })
                    .collect();
                format!("Sessionize {}", steps.join(", "))
            }
            StateOperator::Trace(trace) => format!(
                "Trace {} from {:?} by {:?} in {}",
                if trace.backward {
                    "backward"
                } else {
                    "forward"
                },
                trace.start,
                trace.regex.as_str(),
                schema.name(trace.raw)
            ),
            StateOperator::Filter(filter) => format!(
                "Filter {} in the rows of the child query:",
                slot_names(schema, &filter.fields)
            ),
            StateOperator::Predict(predict) => format!(
                "Predict {} by {} ms in _timeslice order, a linear model, {} slices forecast",
                schema.name(predict.value),
                predict.width_ms,
                predict.forecast
            ),
            StateOperator::Withtime(withtime) => format!(
                "Withtime {} as {}",
                schema.name(withtime.field),
                schema.name(withtime.output)
            ),
            StateOperator::Transactionize(group) => {
                let mut options = Vec::new();
                if let Some(ms) = group.max_span_ms {
                    options.push(format!("max span {ms} ms"));
                }
                if let Some(ms) = group.max_pause_ms {
                    options.push(format!("max pause {ms} ms"));
                }
                if let Some(n) = group.max_logs {
                    options.push(format!("max {n} records"));
                }
                for (name, boundary) in [("starts", &group.starts_with), ("ends", &group.ends_with)]
                {
                    if let Some(boundary) = boundary {
                        options.push(format!(
                            "{name} with {}{}",
                            boundary.pattern.written,
                            if boundary.strict { " (strict)" } else { "" }
                        ));
                    }
                }
                if !group.keep_orphans {
                    options.push("orphans dropped".to_string());
                }
                format!(
                    "Transactionize {} into {}{}{}",
                    slot_names(schema, &group.fields),
                    schema.name(group.group.id),
                    if options.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", options.join(", "))
                    },
                    if group.stages.is_empty() {
                        ""
                    } else {
                        ", stages per group:"
                    }
                )
            }
            StateOperator::Merge(merge) => {
                let fields: Vec<String> = merge
                    .fields
                    .iter()
                    .map(|field| {
                        let how = match &field.strategy {
                            MergeStrategy::TakeFirst => "takeFirst".to_string(),
                            MergeStrategy::TakeLast => "takeLast".to_string(),
                            MergeStrategy::TakeDistinct => "takeDistinct".to_string(),
                            MergeStrategy::Join(separator) => format!("join with {separator:?}"),
                        };
                        format!(
                            "{} {how} as {}",
                            schema.name(field.source),
                            schema.name(field.output)
                        )
                    })
                    .collect();
                format!("Merge {}", fields.join(", "))
            }
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
