//! The row operators of a plan: time slices, top lists, de-duplication, row sequences, lookups
//! and transposition.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use sumoql_syntax::ast::{OutlierDirection, ReduceCriteria, SequenceKind};
use sumoql_value::{Schema, SlotId, Value};

use crate::ip_lookup::IpLookup;
use crate::threat_intel::{ThreatLookup, ThreatMode};

/// One row operator of the plan.
#[derive(Clone, Debug)]
pub enum RowOperator {
    /// Sets `output` to the start of the `width_ms` slice holding `time`, aligned to the run's
    /// zone (`timeslice 5m`).
    Timeslice {
        /// `_messageTime`.
        time: SlotId,
        /// `_timeslice` or the `as` name.
        output: SlotId,
        /// `_timeslice_end`, the end of the slice (its first millisecond past), which the
        /// result shows only when a stage names it.
        end: SlotId,
        /// The slice width in milliseconds, positive.
        width_ms: i64,
    },
    /// Keeps the `limit` records with the largest `ranked` values per `by` group
    /// (`topk(5, _count) by host`; `top` is an aggregation followed by this).
    Top {
        /// How many records to keep per group.
        limit: u64,
        /// The fields compared, largest first, in order.
        ranked: Vec<SlotId>,
        /// The grouping fields.
        by: Vec<SlotId>,
        /// Where the rank (1, 2...) goes; `None` for `top`, which shows none.
        rank: Option<SlotId>,
    },
    /// Keeps the first `limit` records per key (`dedup 2 by user`).
    Dedup {
        /// Whether a key's count starts again when another key comes between.
        consecutive: bool,
        /// How many records to keep per key.
        limit: u64,
        /// The key fields.
        by: Vec<SlotId>,
    },
    /// A row-sequence operator (`accum`, `total`, `diff`, `backshift`, `smooth`, `rollingstd`).
    Sequence {
        /// Which one.
        kind: SequenceKind,
        /// The field read.
        field: SlotId,
        /// How many rows back `backshift` looks, or the window of `smooth` and `rollingstd`
        /// (1 for the others, unused).
        shift: u64,
        /// The field written.
        output: SlotId,
        /// The grouping fields.
        by: Vec<SlotId>,
    },
    /// Marks the points of each series far from the mean of the points before it (`outlier`).
    Outlier(OutlierSpec),
    /// Copies table columns to each record whose key fields match a row (`lookup`).
    Lookup(Arc<LookupTable>),
    /// The rows of a table, which the query lists instead of log records (`cat
    /// path://"t"`); it comes first and the run reads no logs.
    Table(Arc<TableRows>),
    /// Sets fields from the database record of the address in a field (`geoip ip`,
    /// `lookup asn from asn://default on ip=src_ip`).
    IpLookup(IpLookup),
    /// Sets threat intelligence fields from the indicators matching a field (`threatip ip`,
    /// `threatlookup singleIndicator ip`); without `singleIndicator`, `threatlookup` gives a
    /// row per match.
    Threat(ThreatLookup),
    /// Groups the records by the signature of a field's text and gives one row per signature
    /// with its count (`logreduce by k`).
    LogReduce(LogReduceSpec),
    /// Writes the rows to a table of the local table folder at the end, passing them on
    /// (`save [append] path://"NAME"`).
    Save(SaveTable),
    /// Appends a row for every combination of the generated key values that no row has
    /// (`fillmissing values("a", "b") in f`). Its other fields hold their `with` value, else a
    /// value of their type as Sumo does: 0 for a number, false for a boolean, null for text.
    FillMissing {
        /// The key fields.
        keys: Vec<SlotId>,
        /// The values each key field must show, in the order of `keys`.
        values: Vec<Vec<Value>>,
        /// The other fields' values given with `with ... for f`.
        defaults: Vec<(SlotId, Value)>,
        /// The other fields' values when no row shows their type: the value of their aggregate
        /// over no records, when that is a number (`count` gives 0).
        empty: Vec<(SlotId, Value)>,
    },
    /// Assigns each record to a histogram bin of its field's value (`bin latency width=10`).
    Bin(BinSpec),
    /// Pivots keyed rows into one row per `row` key with one cell per `column` value
    /// (`transpose row r column c`); the cells hold `value`.
    Transpose {
        /// The row key fields.
        row: Vec<SlotId>,
        /// The fields whose values name the columns.
        column: Vec<SlotId>,
        /// The field whose value fills the cells.
        value: SlotId,
    },
}

/// A planned `logreduce`: the field reduced, the grouping and the order and number of rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogReduceSpec {
    /// The field whose text is reduced (`_raw` unless named).
    pub field: SlotId,
    /// The fields the signatures are counted by.
    pub by: Vec<SlotId>,
    /// How many rows to keep, when given.
    pub limit: Option<u64>,
    /// Which rows come first.
    pub criteria: ReduceCriteria,
    /// Where the signature goes (`signature`).
    pub signature: SlotId,
    /// Where its count goes (`_count`).
    pub count: SlotId,
}

/// The bins of `bin f width=W[, min=A][, max=B]` and the fields they are written to.
#[derive(Clone, Debug, PartialEq)]
pub struct BinSpec {
    /// The field binned.
    pub field: SlotId,
    /// The bins' width, positive.
    pub width: f64,
    /// Where the first bin starts: values below fall in it. Without it, bins are aligned to 0.
    pub min: Option<f64>,
    /// The upper bound: values at or above it fall in the last bin, the one holding the values
    /// just below it.
    pub max: Option<f64>,
    /// `_bin_lower`, `_bin_upper` and `_bin_label` (`[lower, upper)`).
    pub lower: SlotId,
    /// `_bin_upper`.
    pub upper: SlotId,
    /// `_bin_label`.
    pub label: SlotId,
}

impl BinSpec {
    /// The bounds of the bin holding `value`.
    ///
    /// ```
    /// # use sumoql_plan::BinSpec;
    /// let spec = BinSpec { field: 0, width: 10.0, min: Some(0.0), max: Some(500.0), lower: 1, upper: 2, label: 3 };
    /// assert_eq!(spec.bounds(17.5), (10.0, 20.0));
    /// assert_eq!(spec.bounds(-4.0), (0.0, 10.0));
    /// assert_eq!(spec.bounds(612.0), (490.0, 500.0));
    /// ```
    pub fn bounds(&self, value: f64) -> (f64, f64) {
        let base = self.min.unwrap_or(0.0);
        let index = match self.max {
            // The last bin holds the values just below `max`.
            Some(max) if value >= max => ((max - base) / self.width).ceil() - 1.0,
            _ => ((value - base) / self.width).floor(),
        };
        // Values below `min` fall in the first bin.
        let index = if self.min.is_some() {
            index.max(0.0)
        } else {
            index
        };
        let lower = base + index * self.width;
        (lower, lower + self.width)
    }
}

/// A table that `cat` lists, read at plan time.
#[derive(Clone, Debug, PartialEq)]
pub struct TableRows {
    /// The path as written.
    pub path: String,
    /// The slots of its columns, in the header's order.
    pub columns: Vec<SlotId>,
    /// Its data rows, one text cell per column (missing cells are null).
    pub rows: Vec<Vec<Value>>,
}

/// A lookup table read at plan time.
#[derive(Clone, Debug, PartialEq)]
pub struct LookupTable {
    /// The path as written.
    pub path: String,
    /// The record fields matched against the table's key columns, in order.
    pub keys: Vec<SlotId>,
    /// The fields the table's output columns go to, in order.
    pub outputs: Vec<SlotId>,
    /// The output cells of each key, by the key columns' text.
    pub rows: HashMap<Vec<String>, Vec<Value>>,
    /// How many table rows repeated an earlier key (the last row wins).
    pub duplicate_keys: u64,
    /// Whether keys match without regard to case (`rows` is keyed in lower case): the tables
    /// of the table folder (`path://`) do.
    pub fold_case: bool,
}

/// Where and how `save` writes its table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveTable {
    /// The table's name as written after `path://`.
    pub name: String,
    /// The table's CSV file in the table folder.
    pub file: PathBuf,
    /// Whether rows merge into the table by its first column (`save append`): a row whose
    /// first cell matches an old row's replaces it, others are added at the end.
    pub append: bool,
    /// The columns written, in order (the header).
    pub columns: Vec<SlotId>,
}

/// `outlier`: each series (one per `by` key) taken in `_timeslice` order; each point is
/// measured against the mean and sample standard deviation of the `window` points before it.
#[derive(Clone, Debug)]
pub struct OutlierSpec {
    /// The numeric field followed.
    pub field: OutlierFields,
    /// `_timeslice`, which orders each series.
    pub timeslice: SlotId,
    /// The fields whose values make separate series.
    pub by: Vec<SlotId>,
    /// How many earlier points make the mean and deviation.
    pub window: usize,
    /// How many standard deviations from the mean the band reaches.
    pub threshold: f64,
    /// How many outliers in a row make a violation.
    pub consecutive: usize,
    /// Which side of the band counts.
    pub direction: OutlierDirection,
}

/// The fields `outlier` writes, named after the field followed (`_count_error`…).
#[derive(Clone, Copy, Debug)]
pub struct OutlierFields {
    /// The field followed.
    pub value: SlotId,
    /// `<field>_error`: the value minus the mean.
    pub error: SlotId,
    /// `<field>_lower`: the mean minus `threshold` deviations.
    pub lower: SlotId,
    /// `<field>_upper`: the mean plus `threshold` deviations.
    pub upper: SlotId,
    /// `<field>_indicator`: 1 for a point outside the band on the counted side.
    pub indicator: SlotId,
    /// `<field>_violation`: 1 once `consecutive` points in a row are outliers.
    pub violation: SlotId,
}

impl RowOperator {
    /// Whether the operator handles each record on its own (`timeslice`, `lookup`), so that
    /// workers may run it on separate parts of the input.
    pub fn is_row_local(&self) -> bool {
        match self {
            RowOperator::Timeslice { .. }
            | RowOperator::Lookup(_)
            | RowOperator::IpLookup(_)
            | RowOperator::Threat(_)
            | RowOperator::Bin(_) => true,
            RowOperator::Top { .. }
            | RowOperator::Table(_)
            | RowOperator::Dedup { .. }
            | RowOperator::Sequence { .. }
            | RowOperator::Outlier(_)
            | RowOperator::FillMissing { .. }
            | RowOperator::Save(_)
            | RowOperator::LogReduce(_)
            | RowOperator::Transpose { .. } => false,
        }
    }

    /// The operator as one line of `explain`.
    pub fn describe(&self, schema: &Schema) -> String {
        let names = |slots: &[SlotId]| {
            slots
                .iter()
                .map(|&s| schema.name(s))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let by = |slots: &[SlotId]| {
            if slots.is_empty() {
                String::new()
            } else {
                format!(" by {}", names(slots))
            }
        };
        match self {
            RowOperator::Timeslice {
                time,
                output,
                width_ms,
                ..
            } => format!(
                "Timeslice {} = {width_ms} ms slice of {}",
                schema.name(*output),
                schema.name(*time)
            ),
            RowOperator::Top {
                limit,
                ranked,
                by: keys,
                rank,
            } => format!(
                "Top {limit} by {} desc{}{}",
                names(ranked),
                if keys.is_empty() {
                    String::new()
                } else {
                    format!(" per {}", names(keys))
                },
                rank.map_or(String::new(), |r| format!(", rank in {}", schema.name(r)))
            ),
            RowOperator::Dedup {
                consecutive,
                limit,
                by: keys,
            } => format!(
                "Dedup {}{limit}{}",
                if *consecutive { "consecutive " } else { "" },
                by(keys)
            ),
            RowOperator::Sequence {
                kind,
                field,
                shift,
                output,
                by: keys,
            } => format!(
                "{} {} = {}({}{}){}",
                capitalised(kind.name()),
                schema.name(*output),
                kind.name(),
                schema.name(*field),
                if kind.takes_count() {
                    format!(", {shift}")
                } else {
                    String::new()
                },
                by(keys)
            ),
            RowOperator::Outlier(spec) => format!(
                "Outlier {} window {} threshold {} consecutive {} direction {} in _timeslice order{}",
                schema.name(spec.field.value),
                spec.window,
                spec.threshold,
                spec.consecutive,
                spec.direction.written(),
                by(&spec.by)
            ),
            RowOperator::Lookup(table) => format!(
                "Lookup {} from {} on {} ({} rows)",
                names(&table.outputs),
                table.path,
                names(&table.keys),
                table.rows.len()
            ),
            RowOperator::Table(table) => format!(
                "Table {} ({} rows): {}",
                table.path,
                table.rows.len(),
                names(&table.columns)
            ),
            RowOperator::IpLookup(lookup) => {
                let fields: Vec<String> = lookup
                    .outputs
                    .iter()
                    .map(|(field, slot)| match schema.name(*slot) {
                        name if name == field => field.clone(),
                        name => format!("{field} as {name}"),
                    })
                    .collect();
                format!(
                    "IpLookup {} of {} from {:?} database {}",
                    fields.join(", "),
                    schema.name(lookup.ip),
                    lookup.database.kind,
                    lookup.database.file.display()
                )
            }
            RowOperator::Threat(lookup) => {
                let how = match &lookup.mode {
                    ThreatMode::Ip => "ip".to_string(),
                    ThreatMode::Lookup { single, source } => format!(
                        "{}{}",
                        if *single { "single" } else { "each" },
                        source
                            .as_ref()
                            .map_or(String::new(), |s| format!(" from source {s}"))
                    ),
                };
                let fields: Vec<SlotId> = lookup.outputs.iter().map(|(_, slot)| *slot).collect();
                format!(
                    "Threat {how} {} of {} from {} ({} indicators)",
                    names(&fields),
                    schema.name(lookup.field),
                    lookup.intel.file.display(),
                    lookup.intel.indicators.len()
                )
            }
            RowOperator::LogReduce(spec) => format!(
                "LogReduce {} of {}{}, {}{}",
                schema.name(spec.signature),
                schema.name(spec.field),
                by(&spec.by),
                match spec.criteria {
                    ReduceCriteria::Anomalous | ReduceCriteria::LeastCommon => "least common first",
                    ReduceCriteria::MostCommon => "most common first",
                },
                spec.limit.map_or(String::new(), |n| format!(", limit {n}"))
            ),
            RowOperator::Save(table) => format!(
                "Save {}{} to {} ({})",
                names(&table.columns),
                if table.append { " appending" } else { "" },
                table.name,
                table.file.display()
            ),
            RowOperator::FillMissing {
                keys,
                values,
                defaults,
                ..
            } => {
                let generators: Vec<String> = keys
                    .iter()
                    .zip(values)
                    .map(|(&key, values)| {
                        let listed: Vec<String> = values
                            .iter()
                            .map(|v| v.to_text().unwrap_or_default().into_owned())
                            .collect();
                        format!("{} in ({})", schema.name(key), listed.join(", "))
                    })
                    .collect();
                let given: Vec<String> = defaults
                    .iter()
                    .map(|(slot, value)| {
                        let mut json = String::new();
                        value.write_json(&mut json);
                        format!("{json} for {}", schema.name(*slot))
                    })
                    .collect();
                if given.is_empty() {
                    format!("FillMissing {}", generators.join(", "))
                } else {
                    format!(
                        "FillMissing {} with {}",
                        generators.join(", "),
                        given.join(", ")
                    )
                }
            }
            RowOperator::Bin(spec) => {
                let bound = |name: &str, value: Option<f64>| {
                    value.map_or(String::new(), |v| format!(", {name} {v}"))
                };
                format!(
                    "Bin {} width {}{}{} into {}, {}, {}",
                    schema.name(spec.field),
                    spec.width,
                    bound("min", spec.min),
                    bound("max", spec.max),
                    schema.name(spec.lower),
                    schema.name(spec.upper),
                    schema.name(spec.label)
                )
            }
            RowOperator::Transpose { row, column, value } => format!(
                "Transpose row {} column {} value {}",
                names(row),
                names(column),
                schema.name(*value)
            ),
        }
    }
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}
