//! The REPL's state: the logs loaded (held in memory, or re-read per query over the budget),
//! what was found in them, the display settings, and the last result.

use std::io::{self, Write};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use sumoql::{
    run, run_in_memory, writer, Engine, Format, Held, InMemoryLogs, InputSource, Query, RowWriter,
    RunConfig, RunError, RunSummary, TableOptions,
};

use super::catalog::Catalog;
use super::rows::{write_rows, CollectedRows};

/// Past this many bytes of logs, loading says that it looks through the records, which takes a
/// moment, and that Ctrl-C skips it.
const SURVEY_NOTICE_BYTES: usize = 8 << 20;

/// Where queries read their records.
enum Logs {
    /// The lines are held in memory.
    Held(InMemoryLogs),
    /// Over the memory budget: the files are read again for each query.
    Files,
}

/// Settings and data of one REPL session.
pub(super) struct Session {
    pub(super) engine: Engine,
    sources: Vec<InputSource>,
    logs: Logs,
    budget_bytes: usize,
    pub(super) catalog: Catalog,
    pub(super) format: Format,
    pub(super) limit: usize,
    pub(super) show_time: bool,
    /// How queries read the logs (`sumoql run`'s options; `:tz` changes the zone); its
    /// cancel flag is set by Ctrl-C while a query runs.
    pub(super) base: RunConfig,
    /// The rows of the last query that finished.
    pub(super) last: Option<CollectedRows>,
}

impl Session {
    /// An empty session.
    pub(super) fn new(budget_bytes: usize, engine: Engine, base: RunConfig) -> Session {
        Session {
            engine,
            sources: Vec::new(),
            logs: Logs::Held(InMemoryLogs::default()),
            budget_bytes,
            catalog: Catalog::default(),
            format: Format::Table,
            limit: 100,
            show_time: true,
            base,
            last: None,
        }
    }

    /// Adds `sources` to the logs, holding them in memory while they fit in the budget, then
    /// prints what the logs now hold.
    pub(super) fn load(&mut self, sources: Vec<InputSource>) -> Result<(), RunError> {
        if let Logs::Held(held) = &mut self.logs {
            if held.load(&sources, self.budget_bytes)? == Held::OverBudget {
                println!(
                    "the logs pass the memory budget of {}: they will be read again for each query",
                    human_bytes(self.budget_bytes)
                );
                self.logs = Logs::Files;
            }
        }
        self.sources.extend(sources);
        self.refresh_catalog()
    }

    /// Drops every log loaded.
    pub(super) fn clear(&mut self) {
        self.sources.clear();
        self.logs = Logs::Held(InMemoryLogs::default());
        self.catalog = Catalog::default();
        self.last = None;
    }

    /// Looks through every record for the fields and source categories, and prints a summary.
    fn refresh_catalog(&mut self) -> Result<(), RunError> {
        let Ok(query) = self.engine.compile("*") else {
            return Ok(());
        };
        let large = self
            .held_bytes()
            .is_none_or(|bytes| bytes > SURVEY_NOTICE_BYTES);
        if large {
            println!("looking through the records for fields (Ctrl-C skips)…");
        }
        let mut catalog = Catalog::default();
        let surveyed = self.execute(&query, &mut catalog);
        self.catalog = catalog;
        match surveyed {
            Ok(_) => {
                let summary = self.catalog.summary(self.sources.len(), self.held_bytes());
                print!("{summary}");
                Ok(())
            }
            Err(RunError::Cancelled) => {
                self.catalog = Catalog::default();
                println!(
                    "{} inputs loaded; field survey skipped (no field completion, :fields is empty)",
                    self.sources.len()
                );
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// The bytes held in memory, or `None` when the files are read per query.
    fn held_bytes(&self) -> Option<usize> {
        match &self.logs {
            Logs::Held(held) => Some(held.bytes()),
            Logs::Files => None,
        }
    }

    /// How a query runs now: the session's reading options, "now" being now.
    fn config(&self) -> RunConfig {
        RunConfig {
            now_ms: crate::now_ms(),
            ..self.base.clone()
        }
    }

    /// Clears the cancel flag.
    fn clear_cancel(&self) {
        if let Some(cancel) = &self.base.cancel {
            cancel.store(false, Ordering::Relaxed);
        }
    }

    /// Runs `query` over the logs into `out`, cancellable with Ctrl-C (the cancel flag).
    pub(super) fn execute(
        &self,
        query: &Query,
        out: &mut dyn RowWriter,
    ) -> Result<RunSummary, RunError> {
        // The flag is cleared after each run, not before: a Ctrl-C while logs load skips the
        // field survey that follows.
        let config = self.config();
        let result = match &self.logs {
            Logs::Held(held) => run_in_memory(query, held, &config, out),
            Logs::Files => run(query, &self.sources, &config, out),
        };
        self.clear_cancel();
        result
    }

    /// Compiles `text`, printing its diagnostics as `sumoql run` does when it fails.
    pub(super) fn compile(&self, text: &str) -> Option<Query> {
        match self.engine.compile(text) {
            Ok(query) => Some(query),
            Err(diagnostics) => {
                crate::print_diagnostics(&diagnostics, text, "<query>");
                None
            }
        }
    }

    /// Runs `text` and shows its rows (at most the display limit), its time and warnings.
    pub(super) fn query(&mut self, text: &str) {
        let Some(query) = self.compile(text) else {
            return;
        };
        let started = Instant::now();
        let mut rows = CollectedRows::default();
        match self.execute(&query, &mut rows) {
            Ok(summary) => {
                let elapsed = started.elapsed();
                self.show(&rows);
                if self.show_time {
                    println!(
                        "{} records read in {}",
                        summary.lines_read,
                        human_duration(elapsed)
                    );
                }
                eprint!("{}", summary.warnings);
                self.last = Some(rows);
            }
            Err(RunError::Cancelled) => println!("query cancelled"),
            Err(error) => eprintln!("error: {error}"),
        }
    }

    /// Prints `rows` in the display format, at most the display limit of them.
    pub(super) fn show(&self, rows: &CollectedRows) {
        let stdout = Box::new(io::stdout());
        let shown = match self.format {
            Format::Table => write_rows(
                rows,
                Box::new(sumoql::TableWriter::new(
                    stdout,
                    TableOptions::default().max_rows(Some(self.limit)),
                )),
                None,
            ),
            format => write_rows(rows, writer(format, stdout), Some(self.limit)),
        };
        if let Err(error) = shown {
            eprintln!("error: cannot write output: {error}");
        }
        let _ = io::stdout().flush();
        if self.format != Format::Table && rows.len() > self.limit {
            println!("… {} more rows", rows.len() - self.limit);
        }
    }

    /// Writes the last result, every row, to `path` in the display format.
    pub(super) fn save(&self, path: &str) -> Result<usize, String> {
        let rows = self.last.as_ref().ok_or("no result to save yet")?;
        let file = std::fs::File::create(path).map_err(|e| format!("cannot create {path}: {e}"))?;
        write_rows(rows, writer(self.format, Box::new(file)), None)
            .map_err(|e| format!("cannot write {path}: {e}"))?;
        Ok(rows.len())
    }

    /// Runs every prefix of `text` that ends before one of its pipes, and the whole query,
    /// showing the number of rows and the first few after each stage.
    pub(super) fn preview(&mut self, text: &str, pipes: &[usize]) {
        if self.compile(text).is_none() {
            return;
        }
        let ends = pipes.iter().copied().chain(std::iter::once(text.len()));
        let limit = self.limit;
        self.limit = limit.min(3);
        let mut start = 0;
        for end in ends {
            let stage = text[start..end].trim().trim_start_matches('|').trim();
            start = end;
            let prefix = &text[..end];
            let Ok(query) = self.engine.compile(prefix) else {
                println!("── {stage}: (cannot run up to here alone)");
                continue;
            };
            let mut rows = CollectedRows::default();
            match self.execute(&query, &mut rows) {
                Ok(_) => {
                    println!("── {stage}: {} rows", rows.len());
                    self.show(&rows);
                }
                Err(RunError::Cancelled) => {
                    println!("query cancelled");
                    break;
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    break;
                }
            }
        }
        self.limit = limit;
    }
}

/// A size for people: `1.2 MB`.
pub(super) fn human_bytes(bytes: usize) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < units.len() {
        size /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", units[unit])
    }
}

/// A duration for people: `63 ms`, `1.25 s`.
fn human_duration(elapsed: Duration) -> String {
    if elapsed.as_secs() >= 1 {
        format!("{:.2} s", elapsed.as_secs_f64())
    } else {
        format!("{} ms", elapsed.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_shown_for_people() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1_234_567), "1.2 MB");
    }
}
