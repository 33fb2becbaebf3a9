//! The AST of the row operators: time slices, top lists, de-duplication, row sequences,
//! lookups and transposition.

use crate::ast::{Literal, Name};
use crate::span::{Span, Spanned};

/// A row operator, after a `|`.
#[derive(Clone, Debug, PartialEq)]
pub enum RowStage {
    /// Time buckets (`timeslice 5m`, `timeslice by 1h as hour`): the start of the slice holding
    /// `_messageTime`, in epoch milliseconds.
    Timeslice {
        /// The slice width in milliseconds.
        width: Spanned<i64>,
        /// The output field; `_timeslice` when absent.
        alias: Option<Name>,
    },
    /// Time buckets by count (`timeslice 150 buckets [as name]`): slices of a clock-aligned
    /// width that cuts the run's time range into at most that many.
    TimesliceBuckets {
        /// How many buckets at most.
        buckets: Spanned<u64>,
        /// The output field; `_timeslice` when absent.
        alias: Option<Name>,
    },
    /// The top values (`top 5 src_ip, dest_ip`, `top 10 host by _messageTime`): the `limit`
    /// combinations of the fields with the largest count, or with `by`, the largest value of
    /// the `by` fields.
    Top {
        /// How many rows to keep.
        limit: Spanned<u64>,
        /// The fields whose values are ranked.
        fields: Vec<Name>,
        /// The fields that rank them, empty (or `count`) for the number of records.
        by: Vec<Name>,
    },
    /// The rows with the largest values (`topk(5, _count) by src_ip`), ranked in `_rank`.
    TopK {
        /// How many rows to keep.
        limit: Spanned<u64>,
        /// The fields ranked, compared in order, largest first.
        fields: Vec<Name>,
        /// The grouping fields, empty when there are none.
        by: Vec<Name>,
    },
    /// Duplicate removal (`dedup 2 by user`, `dedup consecutive by host`).
    Dedup {
        /// Whether only duplicates in succession are removed.
        consecutive: bool,
        /// How many records to keep per key (1 unless given).
        limit: Spanned<u64>,
        /// The key fields; empty means `_raw`.
        by: Vec<Name>,
    },
    /// A row-sequence operator (`accum bytes as running by host`, `backshift n, 2`).
    Sequence {
        /// Which one.
        kind: SequenceKind,
        /// The field it reads.
        field: Name,
        /// How many rows back `backshift` looks, or the window of `smooth` and `rollingstd`;
        /// `None` when not written.
        shift: Option<Spanned<u64>>,
        /// The output field; the kind's default name when absent.
        alias: Option<Name>,
        /// The grouping fields, empty when there are none.
        by: Vec<Name>,
    },
    /// A table lookup (`lookup owner as team from file://tables/hosts.csv on host=hostname`, or
    /// `from path://"/Library/Users/me/Users"` for a table of the local table folder).
    Lookup {
        /// The table columns copied to each record, each with its optional `as` name.
        outputs: Vec<(Name, Option<Name>)>,
        /// The table as written: a file path without its `file://` scheme, or a table name
        /// with its `path://` scheme kept.
        path: Spanned<String>,
        /// The join conditions: a record field and the table column it must equal.
        on: Vec<(Name, Name)>,
    },
    /// Places of IP addresses (`geoip remote_ip [region, continent]`): the default fields
    /// (latitude, longitude, country_code, country_name, city, state) and the optional ones
    /// named, from a MaxMind City database.
    GeoIp {
        /// The field holding the address.
        field: Name,
        /// The optional fields asked for.
        optional: Vec<Name>,
    },
    /// Threat intelligence on IP addresses (`threatip src_ip`): `actor`, `malicious_confidence`,
    /// `raw_threat` and `type` from the best matching IP indicator of the indicator file.
    ThreatIp {
        /// The field holding the address.
        field: Name,
    },
    /// Threat intelligence on any indicator (`threatlookup [singleIndicator] [source="S"]
    /// field`): the `_threatlookup.*` fields of each matching indicator, one row each, or of
    /// the best one.
    ThreatLookup {
        /// Whether only the best match is given (`singleIndicator`), with `num_matches`.
        single: bool,
        /// The only source searched, when given.
        source: Option<Spanned<String>>,
        /// The field holding the indicator.
        field: Name,
    },
    /// Message signatures (`logreduce [field=f] [by k] [limit=N] [, criteria=mostcommon]`):
    /// the records grouped by the masked shape of their text, one row per signature with its
    /// count.
    LogReduce {
        /// The field whose text is grouped; `_raw` when absent.
        field: Option<Name>,
        /// The fields the signatures are counted by.
        by: Vec<Name>,
        /// How many signature rows to keep, when given.
        limit: Option<Spanned<u64>>,
        /// Which signatures come first.
        criteria: ReduceCriteria,
        /// Where the stage's options are written (empty after a bare `logreduce`).
        span: Span,
    },
    /// Results saved as a table of the local table folder (`save [append]
    /// path://"/Library/Users/me/Users"`); the rows pass on unchanged.
    Save {
        /// Whether rows are merged into the table (by its first column) rather than replacing it.
        append: bool,
        /// The table's name, after `path://`.
        table: Spanned<String>,
    },
    /// Rows for missing keys (`fillmissing values("a", "b") in f, timeslice(15m) with 0 for
    /// n`): after an aggregation, appends a row for every combination of the generated values
    /// that no row has.
    FillMissing {
        /// The generators, one per key field.
        generators: Vec<Generator>,
        /// The `with` values of the other fields in the rows it adds (`with -1 for _count`).
        defaults: Vec<(Literal, Name)>,
    },
    /// Histogram bins (`bin latency width=10, min=0, max=500`): `_bin_lower`, `_bin_upper` and
    /// `_bin_label` of the bin the field's value falls in.
    Bin {
        /// The numeric field binned.
        field: Name,
        /// The bins' width, positive.
        width: Spanned<f64>,
        /// The lower bound: values below it fall in the first bin, which starts there.
        min: Option<Spanned<f64>>,
        /// The upper bound: values above it fall in the last bin.
        max: Option<Spanned<f64>>,
    },
    /// Outliers of a numeric series (`outlier _count by host window=5, threshold=2`).
    Outlier(Outlier),
    /// A pivot (`transpose row _timeslice column status`): one row per distinct `row` key, one
    /// column per distinct `column` value, holding the remaining field.
    Transpose {
        /// The fields whose values make the rows.
        row: Vec<Name>,
        /// The fields whose values make the columns.
        column: Vec<Name>,
    },
}

/// The order of `logreduce`'s signatures (its `criteria`), which `limit` cuts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceCriteria {
    /// Without `criteria`: the rarest signatures first, our reading of Sumo's "most anomalous".
    Anomalous,
    /// `criteria=mostcommon`: the largest counts first.
    MostCommon,
    /// `criteria=leastcommon`: the smallest counts first.
    LeastCommon,
}

/// A generator of `fillmissing`: the values one key field must show.
#[derive(Clone, Debug, PartialEq)]
pub enum Generator {
    /// `values("a", "b") in f`.
    Values(Vec<Literal>, Name),
    /// `timeslice[(15m)] [in f]`: every slice start of the run's time range, in `f`
    /// (`_timeslice` unless given); without a width, the width of the last `timeslice`.
    Timeslice {
        /// The slice width in milliseconds, if given.
        width: Option<Spanned<i64>>,
        /// The key field, if given.
        field: Option<Name>,
        /// Where the generator is written.
        span: Span,
    },
}

/// The row-sequence operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceKind {
    /// `accum`: the running sum.
    Accum,
    /// `total`: the sum over the whole group, on every row.
    Total,
    /// `diff`: the difference from the previous row.
    Diff,
    /// `backshift`: the value of an earlier row.
    Backshift,
    /// `smooth`: the average of the last rows' values (a moving average).
    Smooth,
    /// `rollingstd`: the standard deviation of the last rows' values.
    RollingStd,
}

impl SequenceKind {
    /// The operator's name, as written after a pipe.
    pub fn name(self) -> &'static str {
        match self {
            SequenceKind::Accum => "accum",
            SequenceKind::Total => "total",
            SequenceKind::Diff => "diff",
            SequenceKind::Backshift => "backshift",
            SequenceKind::Smooth => "smooth",
            SequenceKind::RollingStd => "rollingstd",
        }
    }

    /// The output field when no `as` name is given.
    pub fn default_output(self) -> &'static str {
        match self {
            SequenceKind::Accum => "_accum",
            SequenceKind::Total => "_total",
            SequenceKind::Diff => "_diff",
            SequenceKind::Backshift => "_backshift",
            SequenceKind::Smooth => "_smooth",
            SequenceKind::RollingStd => "_rollingstd",
        }
    }

    /// The number after the field when none is written: how many rows back `backshift`
    /// looks, or how many rows `smooth` and `rollingstd` take (Sumo's default window, 10).
    pub fn default_count(self) -> u64 {
        match self {
            SequenceKind::Smooth | SequenceKind::RollingStd => 10,
            _ => 1,
        }
    }

    /// Whether a number may follow the field (`backshift f, 2`, `smooth f, 5`).
    pub fn takes_count(self) -> bool {
        matches!(
            self,
            SequenceKind::Backshift | SequenceKind::Smooth | SequenceKind::RollingStd
        )
    }
}

/// `outlier f [by k] [window=N, threshold=T, consecutive=C, direction=+-]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Outlier {
    /// The numeric field followed.
    pub field: Name,
    /// The fields whose values make separate series; empty for one series.
    pub by: Vec<Name>,
    /// `window=`: how many earlier points make the mean and deviation.
    pub window: Option<Spanned<u64>>,
    /// `threshold=`: how many standard deviations from the mean the band reaches.
    pub threshold: Option<Spanned<f64>>,
    /// `consecutive=`: how many outliers in a row make a violation.
    pub consecutive: Option<Spanned<u64>>,
    /// `direction=`: which side of the band counts.
    pub direction: OutlierDirection,
}

/// Which side of `outlier`'s band makes a point an outlier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlierDirection {
    /// `+-` (the default): either side.
    Both,
    /// `+`: above the band.
    Above,
    /// `-`: below the band.
    Below,
}

impl OutlierDirection {
    /// The direction as written after `direction=`.
    pub fn written(self) -> &'static str {
        match self {
            OutlierDirection::Both => "+-",
            OutlierDirection::Above => "+",
            OutlierDirection::Below => "-",
        }
    }
}
