//! The limits a run keeps, each named once here with what happens when it is hit. The code
//! that keeps a limit uses its constant, and `sumoql help limits` prints [`LIMITS`].

/// The most distinct values `values(f)` returns for a group (D14); the run warns when a group
/// has more.
pub const VALUES_PER_GROUP: usize = 100;

/// The most records `parse regex … multi` (and `extract … multi`) makes from one record; the
/// run warns when a record has more matches, and the matches after these are not used.
pub const MATCHES_PER_RECORD: usize = 10_000;

/// The most slices the `timeslice` generator of `fillmissing` makes (Sumo's limit on the
/// combinations a generator enumerates); a query that would make more is an error.
pub const GENERATED_SLICES: usize = 10_000;

/// How many of the most frequent value combinations `count_frequent` keeps (Sumo's limit).
pub const MOST_FREQUENT_ROWS: usize = 10_000;

/// How many transactions `transaction` follows at once (Sumo's group limit); records of later
/// transactions are left out, with a warning.
pub const TRANSACTION_GROUPS: usize = 10_000;

/// How many sessions, partial or complete, `sessionize` follows at once; past it, later ones
/// are left out with a warning.
pub const SESSIONS: usize = 100_000;

/// How many points of a series `predict` fits its model to (Sumo's limit): the latest ones,
/// with a warning when there are more.
pub const PREDICT_POINTS: usize = 10_000;

/// How many slices `predict` forecasts at most (Sumo's limit); a query asking more is an error.
pub const PREDICT_FORECAST: usize = 100;

/// How many missing slices `predict` adds to a series at most (Sumo's limit); past it, none
/// are added and the run warns.
pub const PREDICT_FILLED: usize = 20_000;

/// How many rows `filter` takes (Sumo's limit on its data points); later ones are left out with
/// a warning.
pub const FILTER_ROWS: usize = 100_000;

/// The rows a subquery returns when it names no `maxresults`.
pub const DEFAULT_SUBQUERY_ROWS: usize = 2_500;

/// How many rows one join table holds at most; past it, rows are left out with a warning.
pub const JOIN_TABLE_ROWS: usize = 1_000_000;

/// How many rows a join makes at most (Sumo's limit); past it, the rest are left out with a
/// warning.
pub const JOIN_OUTPUT_ROWS: usize = 10_000_000;

/// The most signatures a `logreduce` group makes; past them, a message that joins none goes
/// to the signature `Others`, and the run warns.
pub const LOGREDUCE_SIGNATURES: usize = 10_000;

/// How many sample messages (such as `file:line`) a warning shows.
pub const WARNING_SAMPLES: usize = 5;

/// One limit, as `sumoql help limits` shows it.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// A short name.
    pub name: &'static str,
    /// The value.
    pub value: usize,
    /// What is limited, and what the run does when the limit is hit.
    pub when_hit: &'static str,
}

/// Every limit of a run.
pub const LIMITS: &[Limit] = &[
    Limit {
        name: "values per group",
        value: VALUES_PER_GROUP,
        when_hit: "values(f) keeps the first distinct values in byte order and warns on stderr",
    },
    Limit {
        name: "matches per record",
        value: MATCHES_PER_RECORD,
        when_hit: "parse regex … multi makes a record for each of the first matches only and warns on stderr",
    },
    Limit {
        name: "generated slices",
        value: GENERATED_SLICES,
        when_hit: "a fillmissing timeslice generator that would make more slices is an error",
    },
    Limit {
        name: "count_frequent rows",
        value: MOST_FREQUENT_ROWS,
        when_hit: "count_frequent keeps the most frequent combinations only, as Sumo does (no warning)",
    },
    Limit {
        name: "transactions",
        value: TRANSACTION_GROUPS,
        when_hit: "transaction leaves out the records of later transactions and warns on stderr",
    },
    Limit {
        name: "sessions",
        value: SESSIONS,
        when_hit: "sessionize leaves out the sessions past it and warns on stderr",
    },
    Limit {
        name: "predict points",
        value: PREDICT_POINTS,
        when_hit: "predict fits its model to the latest points only and warns on stderr",
    },
    Limit {
        name: "predict forecast",
        value: PREDICT_FORECAST,
        when_hit: "a predict forecast of more slices is an error",
    },
    Limit {
        name: "predict filled slices",
        value: PREDICT_FILLED,
        when_hit: "predict adds no missing slices to a series that lacks more and warns on stderr",
    },
    Limit {
        name: "filter rows",
        value: FILTER_ROWS,
        when_hit: "filter leaves out the rows past it and warns on stderr",
    },
    Limit {
        name: "subquery rows",
        value: DEFAULT_SUBQUERY_ROWS,
        when_hit: "a subquery without maxresults returns this many rows and warns on stderr when it leaves rows out",
    },
    Limit {
        name: "join table rows",
        value: JOIN_TABLE_ROWS,
        when_hit: "a join table leaves out later rows and warns on stderr",
    },
    Limit {
        name: "join rows",
        value: JOIN_OUTPUT_ROWS,
        when_hit: "join leaves out the rows past it and warns on stderr",
    },
    Limit {
        name: "logreduce signatures",
        value: LOGREDUCE_SIGNATURES,
        when_hit: "logreduce counts the messages that fit no signature under Others and warns on stderr",
    },
    Limit {
        name: "warning samples",
        value: WARNING_SAMPLES,
        when_hit: "a warning shows this many examples (such as file:line) and counts the rest",
    },
];
