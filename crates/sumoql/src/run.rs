//! Running a compiled query over inputs and writing its rows.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sumoql_exec::{AggregateStage, NullGroups, Pipeline, RunOptions, Split};
use sumoql_io::read::{InputSource, LineDecoder, MetadataOptions, ReadError};
use sumoql_io::write::RowWriter;

use sumoql_value::time::Zone;
use sumoql_value::{Record, Value, Warnings};
use thiserror::Error;

use crate::engine::Query;
use crate::memory::{run_in_memory, Held, InMemoryLogs};
use crate::output::{ColumnNames, OutputColumns, Row};
use crate::parsers::{Extraction, ParserSet};
use crate::passes::{resolve_compare_lanes, resolve_subqueries, REREAD_HOLD_BYTES};
use crate::progress::Progress;
use crate::scan::{scan_parallel, Chunk, ChunkResult, Worker, CHUNK_BYTES};

/// Where a run hands its rows.
pub(crate) type RowSink<'s> = dyn FnMut(ColumnNames, Vec<Value>) -> Result<(), RunError> + 's;

/// One read of a run's inputs: workers made by the first argument process the chunks, whose
/// results go in input order to the second; the workers' partial aggregations come back. A
/// query with subqueries reads its inputs once per query, so the scan can be run again.
pub(crate) type Scan<'a> = dyn Fn(
        &(dyn Fn() -> Worker + Sync),
        &mut dyn FnMut(ChunkResult) -> Result<(), RunError>,
    ) -> Result<Vec<AggregateStage>, RunError>
    + 'a;

/// A [`Scan`] on a number of worker threads, given first.
pub(crate) type ThreadedScan<'a> = dyn Fn(
        usize,
        &(dyn Fn() -> Worker + Sync),
        &mut dyn FnMut(ChunkResult) -> Result<(), RunError>,
    ) -> Result<Vec<AggregateStage>, RunError>
    + 'a;

/// How a query runs.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Null group keys (D2).
    pub null_groups: NullGroups,
    /// The zone for dates (`--tz`).
    pub zone: Zone,
    /// "Now" in epoch milliseconds, fixed for the run; also the receipt time.
    pub now_ms: i64,
    /// `_sourceCategory` for records without one.
    pub source_category: Option<String>,
    /// Keep records with `_messageTime` in `[from, to)`; also the range `queryStartTime()` and
    /// `queryEndTime()` report.
    pub window: Option<(Option<i64>, Option<i64>)>,
    /// Whether a malformed line is fatal.
    pub strict: bool,
    /// Worker threads (`--threads`); `None` means one per core. Results do not depend on it.
    pub threads: Option<usize>,
    /// The size in bytes of the chunks files and streams are cut into for the workers
    /// ([`CHUNK_BYTES`] by default; 0 counts as 1). A line longer than this makes its chunk
    /// longer; logs held in memory keep the chunks they were loaded in. Results do not depend
    /// on it, which small chunks put to the test.
    pub chunk_bytes: usize,
    /// Extraction rules for raw (non-JSON) lines and how inputs map to them (the built-in
    /// rules by default).
    pub parsers: Arc<ParserSet>,
    /// When set and it becomes true, the run stops between chunks with [`RunError::Cancelled`]
    /// (the REPL sets it on Ctrl-C).
    pub cancel: Option<Arc<AtomicBool>>,
    /// When set, counts what the run has read as it goes (for a progress display).
    pub progress: Option<Arc<Progress>>,
}

impl Default for RunConfig {
    fn default() -> RunConfig {
        RunConfig {
            null_groups: NullGroups::Keep,
            zone: Zone::utc(),
            now_ms: 0,
            source_category: None,
            window: None,
            strict: false,
            threads: None,
            chunk_bytes: CHUNK_BYTES,
            parsers: ParserSet::shared_builtin(),
            cancel: None,
            progress: None,
        }
    }
}

/// What a finished run reports.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// Log lines read (blank lines excluded).
    pub lines_read: u64,
    /// Bytes of log lines read (after decompression).
    pub bytes_read: u64,
    /// Records left out because their `_messageTime` is outside the time window.
    pub outside_window: u64,
    /// Result rows written.
    pub rows_written: u64,
    /// Warnings counted by readers, stages and functions.
    pub warnings: Warnings,
}

impl RunSummary {
    /// Why the run wrote no row, when it is for want of input rather than because no record
    /// matched: nothing was read at all, or records were left out for their time. `None`
    /// when rows were written or every record read was there to match.
    pub fn why_empty(&self) -> Option<String> {
        if self.rows_written > 0 {
            return None;
        }
        if self.lines_read == 0 {
            return Some("no rows: the inputs held no log lines".to_string());
        }
        (self.outside_window > 0).then(|| {
            format!(
                "no rows: {} of the {} line(s) read were outside the time window \
                 (--from/--to/--last)",
                self.outside_window, self.lines_read
            )
        })
    }
}

/// Errors that stop a run.
#[derive(Debug, Error)]
pub enum RunError {
    /// An input could not be opened or read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// `--strict` and a malformed line.
    #[error("{source_name}:{line}: {message}")]
    MalformedLine {
        /// The input.
        source_name: String,
        /// The line number.
        line: u64,
        /// What is wrong with it.
        message: String,
    },
    /// Writing the output failed.
    #[error("cannot write output: {0}")]
    Write(#[source] std::io::Error),
    /// The run was cancelled through [`RunConfig::cancel`].
    #[error("query cancelled")]
    Cancelled,
    /// The query reads its inputs more than once, and standard input is too large to hold.
    #[error(
        "this query reads its input more than once (it has a subquery or a `compare`); standard \
         input is held in memory for that, up to {limit} bytes, and it is larger: pass the logs \
         as files"
    )]
    InputTooLargeToReread {
        /// The limit, [`REREAD_HOLD_BYTES`](crate::REREAD_HOLD_BYTES).
        limit: usize,
    },
    /// A query that a shared pass cannot run (a rule of `sumoql detect`).
    #[error("{0}")]
    NeedsOwnRun(String),
    /// A subquery's `from=` or `to=` is not a time.
    #[error("subquery time `{0}` is not a time")]
    SubqueryTime(String),
}

/// Turns finished records into rows for a sink, counting them.
struct Emitter<'q, 's> {
    query: &'q Query,
    output: OutputColumns,
    sink: &'s mut RowSink<'s>,
    rows_written: u64,
}

impl Emitter<'_, '_> {
    fn emit(&mut self, records: impl IntoIterator<Item = Record>) -> Result<(), RunError> {
        for record in records {
            let (names, values) = self.output.row(&self.query.plan, record);
            (self.sink)(names, values)?;
            self.rows_written += 1;
        }
        Ok(())
    }
}

/// Runs `query` over the chunks `scan` produces, after its `compare` lanes and subqueries (each
/// a run of its own over the same inputs, see [`crate::passes`]).
pub(crate) fn execute(
    query: &Query,
    config: &RunConfig,
    sink: &mut RowSink<'_>,
    scan: &Scan<'_>,
) -> Result<RunSummary, RunError> {
    let (with_lanes, lane_warnings) = resolve_compare_lanes(query, config, scan)?;
    let (resolved, warnings) = resolve_subqueries(&with_lanes, config, scan)?;
    let mut summary = execute_pass(&resolved, config, sink, scan)?;
    summary.warnings.merge(lane_warnings);
    summary.warnings.merge(warnings);
    Ok(summary)
}

/// One read of the inputs for `query`, whose subqueries are resolved: each chunk's result,
/// taken in input order, goes through the tail of the query; at the end the partial
/// aggregations are merged. The cancel flag is checked before each chunk's result is taken.
fn execute_pass(
    query: &Query,
    config: &RunConfig,
    sink: &mut RowSink<'_>,
    scan: &Scan<'_>,
) -> Result<RunSummary, RunError> {
    let plan = &query.plan;
    let options = RunOptions {
        null_groups: config.null_groups,
        zone: config.zone,
        now_ms: config.now_ms,
        window: config.window.unwrap_or_default(),
    };
    let metadata = MetadataOptions {
        source_category: config.source_category.clone(),
        receipt_time_ms: config.now_ms,
        zone: config.zone,
        window: config.window,
    };
    let decoder = LineDecoder::new(
        &plan.read.fields,
        plan.schema.len(),
        plan.read.whole_records,
        metadata.clone(),
    );
    let make_worker = || {
        let rules = Extraction::for_plan(config.parsers.clone(), plan, &metadata, &options);
        Worker::new(plan, decoder.clone(), options.clone(), config.strict, rules)
    };
    let mut tail = Pipeline::tail(plan, options.clone());
    let mut summary = RunSummary {
        warnings: plan.warnings(),
        ..RunSummary::default()
    };
    let mut emitter = Emitter {
        query,
        output: OutputColumns::new(plan),
        sink,
        rows_written: 0,
    };
    let partials = scan(&make_worker, &mut |result: ChunkResult| {
        if is_cancelled(config) {
            return Err(RunError::Cancelled);
        }
        result
            .report
            .add_to(&mut summary, config.progress.as_deref())?;
        for record in result.records {
            tail.push_admitted(record);
        }
        emitter.emit(tail.drain_output())
    })?;
    if Split::of(plan).aggregate {
        let mut partials = partials.into_iter();
        if let Some(mut merged) = partials.next() {
            for partial in partials {
                merged.merge(partial);
            }
            while tail.push_aggregated_batch(&mut merged) {
                emitter.emit(tail.drain_output())?;
            }
        }
    }
    if is_cancelled(config) {
        return Err(RunError::Cancelled);
    }
    let rest = tail.finish();
    emitter.emit(rest)?;
    summary.rows_written = emitter.rows_written;
    summary.warnings.merge(tail.take_warnings());
    Ok(summary)
}

/// Whether the run's cancel flag is set.
fn is_cancelled(config: &RunConfig) -> bool {
    config
        .cancel
        .as_ref()
        .is_some_and(|flag| flag.load(Ordering::Relaxed))
}

/// Runs `query` over `sources`, writing rows to `writer` as they come (streaming queries) or
/// at the end (aggregations and sorts). A query that lists a table (`cat`) reads none of them.
/// A query with subqueries or `compare` reads its inputs once per query; standard input is
/// then held in memory (up to [`REREAD_HOLD_BYTES`]) to be read again.
pub fn run(
    query: &Query,
    sources: &[InputSource],
    config: &RunConfig,
    writer: &mut dyn RowWriter,
) -> Result<RunSummary, RunError> {
    // A query that lists a table (`cat`) reads no logs.
    let sources = if query.plan.reads_logs() {
        sources
    } else {
        &[]
    };
    if query.plan.reads_inputs_again() && sources.contains(&InputSource::Stdin) {
        let mut logs = InMemoryLogs::default();
        return match logs.load(sources, REREAD_HOLD_BYTES)? {
            Held::All => run_in_memory(query, &logs, config, writer),
            Held::OverBudget => Err(RunError::InputTooLargeToReread {
                limit: REREAD_HOLD_BYTES,
            }),
        };
    }
    execute_into(query, config, writer, &|threads, make_worker, take| {
        scan_parallel(
            sources,
            &config.parsers,
            threads,
            config.chunk_bytes,
            make_worker,
            take,
        )
        .map(|partials| partials.into_iter().flatten().collect())
    })
}

/// [`execute`] with the rows written to `writer`, on `config.threads` workers (every core by
/// default); `scan` gets the number of threads.
pub(crate) fn execute_into(
    query: &Query,
    config: &RunConfig,
    writer: &mut dyn RowWriter,
    scan: &ThreadedScan<'_>,
) -> Result<RunSummary, RunError> {
    let mut sink = |names: ColumnNames, values: Vec<Value>| {
        writer.row(&names, &values).map_err(RunError::Write)
    };
    let threads = config.threads.unwrap_or_else(default_threads);
    let summary = execute(query, config, &mut sink, &|make_worker, take| {
        scan(threads, make_worker, take)
    })?;
    writer.finish().map_err(RunError::Write)?;
    Ok(summary)
}

/// The number of threads when none is given: every core.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The rows of a run over in-memory lines, for tests and embedding.
#[derive(Clone, Debug)]
pub struct LinesResult {
    /// Each row's column names and values.
    pub rows: Vec<Row>,
    /// The run's summary.
    pub summary: RunSummary,
}

/// Runs `query` over `lines` (as if one input named `<lines>`) on the calling thread,
/// collecting the rows.
pub fn run_lines(
    query: &Query,
    lines: &[&str],
    config: &RunConfig,
) -> Result<LinesResult, RunError> {
    let mut rows = Vec::new();
    let mut sink = |names: ColumnNames, values: Vec<Value>| {
        rows.push((names, values));
        Ok(())
    };
    let summary = execute(query, config, &mut sink, &|make_worker, take| {
        let mut worker = make_worker();
        let chunk = Chunk::of_lines(0, 0, lines);
        let json_rule = config.parsers.json_rule_for("<lines>", chunk.bytes());
        take(worker.process(&chunk, &["<lines>".to_string()], json_rule))?;
        Ok(worker.into_partial().into_iter().collect())
    })?;
    Ok(LinesResult { rows, summary })
}
