//! Running a compiled query over inputs and writing its rows.

use sumoql_exec::{NullGroups, Pipeline, RunOptions};
use sumoql_io::read::{InputSource, LineDecoder, MetadataOptions, ReadError};
use sumoql_io::write::RowWriter;
use sumoql_value::time::Zone;
use sumoql_value::{Record, Value, WarningKind, Warnings};
use thiserror::Error;

use crate::engine::Query;
use crate::output::{ColumnNames, OutputColumns, Row};

/// Where a run hands its rows.
type RowSink<'s> = dyn FnMut(ColumnNames, Vec<Value>) -> Result<(), RunError> + 's;

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
        }
    }
}

/// What a finished run reports.
#[derive(Clone, Debug, Default)]
pub struct RunSummary {
    /// Log lines read (blank lines excluded).
    pub lines_read: u64,
    /// Result rows written.
    pub rows_written: u64,
    /// Warnings counted by readers, stages and functions.
    pub warnings: Warnings,
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
}

struct Runner<'q> {
    query: &'q Query,
    pipeline: Pipeline,
    decoder: LineDecoder,
    output: OutputColumns,
    summary: RunSummary,
    strict: bool,
}

impl<'q> Runner<'q> {
    fn new(query: &'q Query, config: &RunConfig) -> Runner<'q> {
        let plan = &query.plan;
        let metadata = MetadataOptions {
            source_category: config.source_category.clone(),
            receipt_time_ms: config.now_ms,
            zone: config.zone,
            window: config.window,
        };
        let pipeline = Pipeline::new(
            plan,
            RunOptions {
                null_groups: config.null_groups,
                zone: config.zone,
                now_ms: config.now_ms,
                window: config.window.unwrap_or_default(),
            },
        );
        Runner {
            query,
            pipeline,
            decoder: LineDecoder::new(
                &plan.read.fields,
                plan.schema.len(),
                plan.read.whole_records,
                metadata,
            ),
            output: OutputColumns::new(plan),
            summary: RunSummary::default(),
            strict: config.strict,
        }
    }

    fn line(&mut self, line: &[u8], source_name: &str, number: u64) -> Result<(), RunError> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        self.summary.lines_read += 1;
        match self
            .decoder
            .decode(line, source_name, &mut self.summary.warnings)
        {
            Ok(Some(record)) => self.pipeline.push(record),
            Ok(None) => {}
            Err(error) if self.strict => {
                return Err(RunError::MalformedLine {
                    source_name: source_name.to_string(),
                    line: number,
                    message: error.0,
                })
            }
            Err(error) => self
                .summary
                .warnings
                .add_with_sample(WarningKind::MalformedLine, || {
                    format!("{source_name}:{number}: {error}")
                }),
        }
        Ok(())
    }

    fn emit(&mut self, records: Vec<Record>, sink: &mut RowSink<'_>) -> Result<(), RunError> {
        for record in records {
            let (names, values) = self.output.row(&self.query.plan, &record);
            sink(names, values)?;
            self.summary.rows_written += 1;
        }
        Ok(())
    }

    fn finish(mut self, sink: &mut RowSink<'_>) -> Result<RunSummary, RunError> {
        let rest = self.pipeline.finish();
        self.emit(rest, sink)?;
        let mut summary = self.summary;
        summary.warnings.merge(self.pipeline.warnings().clone());
        Ok(summary)
    }
}

/// Runs `query` over `sources`, writing rows to `writer` as they come (streaming queries) or
/// at the end (aggregations and sorts).
pub fn run(
    query: &Query,
    sources: &[InputSource],
    config: &RunConfig,
    writer: &mut dyn RowWriter,
) -> Result<RunSummary, RunError> {
    let mut runner = Runner::new(query, config);
    let mut sink = |names: ColumnNames, values: Vec<Value>| {
        writer.row(&names, &values).map_err(RunError::Write)
    };
    let mut buffer = Vec::new();
    for source in sources {
        let name = source.name();
        let mut lines = source.open()?;
        loop {
            let number = match lines.next_line(&mut buffer) {
                Ok(Some(number)) => number,
                Ok(None) => break,
                Err(e) => return Err(RunError::Read(ReadError::Read(name, e))),
            };
            runner.line(&buffer, &name, number)?;
            let ready = runner.pipeline.take_output();
            runner.emit(ready, &mut sink)?;
        }
    }
    let summary = runner.finish(&mut sink)?;
    writer.finish().map_err(RunError::Write)?;
    Ok(summary)
}

/// The rows of a run over in-memory lines, for tests and embedding.
#[derive(Clone, Debug)]
pub struct LinesResult {
    /// Each row's column names and values.
    pub rows: Vec<Row>,
    /// The run's summary.
    pub summary: RunSummary,
}

/// Runs `query` over `lines` (as if one input named `<lines>`), collecting the rows.
pub fn run_lines(
    query: &Query,
    lines: &[&str],
    config: &RunConfig,
) -> Result<LinesResult, RunError> {
    let mut runner = Runner::new(query, config);
    let mut rows = Vec::new();
    let mut sink = |names: ColumnNames, values: Vec<Value>| {
        rows.push((names, values));
        Ok(())
    };
    for (i, line) in lines.iter().enumerate() {
        runner.line(line.as_bytes(), "<lines>", i as u64 + 1)?;
        let ready = runner.pipeline.take_output();
        runner.emit(ready, &mut sink)?;
    }
    let summary = runner.finish(&mut sink)?;
    Ok(LinesResult { rows, summary })
}
