//! The plan: a plain data type the executor runs and a SQL generator can walk.

use std::sync::Arc;

use sumoql_functions::AggregateFunction;
use sumoql_value::{Schema, SlotId, WarningKind, Warnings};

use crate::expr::PlanExpr;
use crate::extract::Extractor;
use crate::scope::ScopeFilter;

mod compare;
mod join;
mod resolve;
mod rows;
mod state;
mod subquery;

pub use compare::{Compare, CompareLane, CompareOutput};
pub use join::{Join, JoinKey, JoinTable};
pub use rows::{
    BinSpec, LogReduceSpec, LookupTable, OutlierFields, OutlierSpec, RowOperator, SaveTable,
    TableRows,
};
pub use state::{
    BoundaryCheck, FilterIn, Fringe, GroupFields, Merge, MergeSpec, Predict, SessionStep,
    Sessionize, StateCheck, StateOperator, Trace, Transaction, TransactionRows, Transactionize,
    Withtime,
};
pub use subquery::{Subquery, SubqueryTarget};

/// A query ready to run: its schema, scope filter, operators and output columns.
#[derive(Clone)]
pub struct Plan {
    /// Every field the query names, each with a slot.
    pub schema: Schema,
    /// What readers must extract from each log line.
    pub read: ReadSpec,
    /// The scope filter, applied to each record as read.
    pub scope: ScopeFilter,
    /// The stages, in order.
    pub operators: Vec<Operator>,
    /// The columns of the result.
    pub output: Columns,
    /// The subqueries, run before the query; the placeholders
    /// [`ScopeFilter::Subquery`] and [`PlanExpr::Subquery`] name them by index.
    pub subqueries: Vec<Subquery>,
}

impl Plan {
    /// Whether the query reads log records: not when it lists a table (`cat path://"NAME"`),
    /// whose rows are all its input.
    pub fn reads_logs(&self) -> bool {
        !matches!(
            self.operators.first(),
            Some(Operator::Rows(RowOperator::Table(_)))
        )
    }

    /// Whether running the query reads its inputs more than once: once per subquery and per
    /// lane of `compare`, before the query itself.
    pub fn reads_inputs_again(&self) -> bool {
        !self.subqueries.is_empty() || self.compare().is_some()
    }

    /// Warnings about the query itself, known before any record is read: a lookup table whose
    /// keys repeat, an indicator file with indicators it cannot match.
    pub fn warnings(&self) -> Warnings {
        let mut warnings = Warnings::new();
        for operator in &self.operators {
            if let Operator::Rows(RowOperator::Threat(lookup)) = operator {
                if let Some(first) = lookup.intel.skipped.first() {
                    warnings.add_with_sample(WarningKind::ThreatIndicatorSkipped, || {
                        format!(
                            "{}: {} indicator(s) skipped, the first {first}",
                            lookup.intel.file.display(),
                            lookup.intel.skipped.len()
                        )
                    });
                }
            }
            if let Operator::Rows(RowOperator::Lookup(table)) = operator {
                if table.duplicate_keys > 0 {
                    warnings.add_with_sample(WarningKind::LookupDuplicateKeys, || {
                        format!(
                            "{}: {} row(s) repeat an earlier key",
                            table.path, table.duplicate_keys
                        )
                    });
                }
            }
        }
        warnings
    }
}

/// What the readers must extract: only these fields (projection pushdown), plus every other
/// field of the line when the result shows whole records.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadSpec {
    /// The fields to extract, by name, with the slot each goes to. Metadata fields such as
    /// `_sourceCategory` and `_messageTime` are among them when the query uses them.
    pub fields: Vec<(String, SlotId)>,
    /// Whether the result shows whole records, so every field of the line is kept.
    pub whole_records: bool,
}

impl ReadSpec {
    /// The names of the fields to extract, in order.
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.iter().map(|(name, _)| name.as_str()).collect()
    }
}

/// The columns a stage's output has.
#[derive(Clone, Debug, PartialEq)]
pub enum Columns {
    /// Whole log records (no `fields` and no aggregation yet): every field of the line, in
    /// source order, then the fields stages added, less those removed by `fields -`.
    Whole {
        /// Fields added by assignments, in order of first assignment.
        added: Vec<SlotId>,
        /// Fields removed by `fields - ...`.
        removed: Vec<SlotId>,
    },
    /// Exactly these columns, in this order.
    Exact(Vec<SlotId>),
    /// These columns, then columns known only at run time (after `transpose`), carried in each
    /// record's `source` as [`SourceField::Extra`](sumoql_value::SourceField::Extra) cells.
    Dynamic {
        /// The columns known at plan time, first.
        leading: Vec<SlotId>,
    },
}

impl Columns {
    /// Whether `slot` is a column (always true for whole records, whose fields are unknown
    /// until read).
    pub fn has(&self, slot: SlotId) -> bool {
        match self {
            Columns::Whole { removed, .. } => !removed.contains(&slot),
            Columns::Exact(columns) | Columns::Dynamic { leading: columns } => {
                columns.contains(&slot)
            }
        }
    }
}

/// One stage of the plan.
#[derive(Clone)]
pub enum Operator {
    /// Keeps records whose condition is true (`where c`).
    Filter(PlanExpr),
    /// Sets a field (`expr as name`, `eval name = expr`), in place if it exists (D16).
    Assign {
        /// The field set.
        slot: SlotId,
        /// Its new value.
        expr: PlanExpr,
    },
    /// Groups records and computes aggregates (`count by a, b`); emits one record per group
    /// at the end, in ascending order of the group key (D18).
    Aggregate {
        /// The `by` fields.
        keys: Vec<SlotId>,
        /// The aggregates computed per group.
        aggregates: Vec<AggregateSpec>,
    },
    /// Keeps only these fields, in this order (`fields a, b`) (D17).
    Keep(Vec<SlotId>),
    /// Removes these fields (`fields - a, b`).
    Remove(Vec<SlotId>),
    /// Stable sort by several keys (`sort by a desc, b asc`) (D18).
    Sort(Vec<SortSpec>),
    /// Keeps the first `n` records (`limit n`).
    Limit(u64),
    /// Extracts fields from a text field (`parse "a=*" as a`, `parse regex`, `json`, `kv`,
    /// `csv`, `split`). A record the extraction does not match is dropped, or kept as it is
    /// with `nodrop`.
    Extract {
        /// The field parsed (`_raw` unless `field=` says otherwise).
        source: SlotId,
        /// How fields are extracted.
        extractor: Extractor,
        /// Whether records that do not match are kept.
        nodrop: bool,
        /// In a run of `nodrop` parses ended by one without (`parse "a=*," as a nodrop | parse
        /// "b=*," as b`), which Sumo reads as an OR, the slot where the run notes that a record
        /// matched: the run's `nodrop` parses set it when they match, and its last parse keeps
        /// a record its own pattern does not match when it is set. `None` outside such a run.
        chain: Option<SlotId>,
    },
    /// A row operator (`timeslice`, `top`, `topk`, `dedup`, `accum`, `total`, `diff`,
    /// `backshift`, `lookup`, `transpose`).
    Rows(RowOperator),
    /// A join of tables made from the records (`join (…) as t1, (…) as t2 on t1.a = t2.b`).
    Join(Join),
    /// An operator that follows records through time and state (`transaction`, `merge`…).
    State(StateOperator),
    /// The aggregation's rows beside the same query's rows over earlier time ranges
    /// (`compare with timeshift 1d`).
    Compare(Compare),
}

impl Operator {
    /// Whether the operator handles each record on its own, keeping no state between records,
    /// so that workers may run it on separate parts of the input.
    pub fn is_row_local(&self) -> bool {
        match self {
            Operator::Filter(_)
            | Operator::Assign { .. }
            | Operator::Keep(_)
            | Operator::Remove(_)
            | Operator::Extract { .. } => true,
            Operator::Rows(row) => row.is_row_local(),
            Operator::Aggregate { .. }
            | Operator::Sort(_)
            | Operator::Limit(_)
            | Operator::Join(_)
            | Operator::State(_)
            | Operator::Compare(_) => false,
        }
    }
}

/// The names of `slots`, joined with commas, for `explain`.
pub(crate) fn slot_names(schema: &Schema, slots: &[SlotId]) -> String {
    slots
        .iter()
        .map(|&slot| schema.name(slot))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One aggregate of an [`Operator::Aggregate`]: `sum(BytesSent) as TotalBytesSent`.
#[derive(Clone)]
pub struct AggregateSpec {
    /// The aggregate function.
    pub function: Arc<dyn AggregateFunction>,
    /// Its arguments, evaluated per record.
    pub args: Vec<PlanExpr>,
    /// The output field.
    pub output: SlotId,
}

/// One key of a sort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortSpec {
    /// The field sorted by.
    pub slot: SlotId,
    /// Ascending (`asc`, `+f`) or descending (the default).
    pub ascending: bool,
}
