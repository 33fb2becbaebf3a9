//! Logs held in memory, to run query after query without reading the files again (the REPL).
//!
//! The inputs' raw bytes are kept, cut into chunks of whole lines as the file scan cuts them;
//! each run decodes them again on worker threads, which is as fast as the scan and far more
//! compact than decoded records.
//!
//! ```
//! use sumoql::{run_in_memory, writer, Engine, Format, InMemoryLogs, RunConfig};
//!
//! let mut logs = InMemoryLogs::default();
//! logs.add_lines("<lines>", &[r#"{"src":"a"}"#, r#"{"src":"b"}"#, r#"{"src":"a"}"#]);
//! let query = Engine::new().compile("* | count by src | sort by src asc").unwrap();
//! let mut ndjson = writer(Format::Ndjson, Box::new(std::io::sink()));
//! let summary = run_in_memory(&query, &logs, &RunConfig::default(), ndjson.as_mut()).unwrap();
//! assert_eq!(summary.lines_read, 3);
//! assert_eq!(summary.rows_written, 2);
//! ```

use std::borrow::Cow;

use sumoql_exec::AggregateStage;
use sumoql_io::read::{InputSource, ReadError};
use sumoql_io::write::RowWriter;

use crate::engine::Query;
use crate::parsers::ParserSet;
use crate::run::{execute_into, RunConfig, RunError, RunSummary};
use crate::scan::{next_block, scan_chunks, Chunk, ChunkResult, Work, Worker, CHUNK_BYTES};

/// The raw lines of some inputs, held in memory in chunks, with the inputs' names.
#[derive(Default)]
pub struct InMemoryLogs {
    chunks: Vec<Chunk>,
    names: Vec<String>,
    bytes: usize,
}

/// What [`InMemoryLogs::load`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Held {
    /// Every input is now held.
    All,
    /// Holding the inputs would pass the budget: nothing of them was kept.
    OverBudget,
}

impl InMemoryLogs {
    /// Reads every input of `sources` (gzip decompressed) and holds its lines, unless the
    /// bytes held would then pass `budget_bytes`: then what this call read is dropped and
    /// [`Held::OverBudget`] says so. On a read error too, the logs held before stay as they were.
    pub fn load(&mut self, sources: &[InputSource], budget_bytes: usize) -> Result<Held, RunError> {
        let before = (self.chunks.len(), self.names.len(), self.bytes);
        let outcome = self.read_all(sources, budget_bytes);
        if !matches!(outcome, Ok(Held::All)) {
            self.chunks.truncate(before.0);
            self.names.truncate(before.1);
            self.bytes = before.2;
        }
        outcome
    }

    /// Reads `sources` into chunks; stops at the budget or the first error.
    fn read_all(&mut self, sources: &[InputSource], budget_bytes: usize) -> Result<Held, RunError> {
        for source in sources {
            let index = self.names.len();
            self.names.push(source.name());
            let mut reader = source.open_bytes()?;
            let mut carry = Vec::new();
            loop {
                let (bytes, ended) = next_block(&mut *reader, &mut carry, Vec::new(), CHUNK_BYTES)
                    .map_err(|e| RunError::Read(ReadError::Read(source.name(), e)))?;
                self.bytes += bytes.len();
                if self.bytes > budget_bytes {
                    return Ok(Held::OverBudget);
                }
                if !bytes.is_empty() {
                    self.push(index, bytes);
                }
                if ended {
                    break;
                }
            }
        }
        Ok(Held::All)
    }

    /// Holds `lines` as one more input named `name`.
    pub fn add_lines(&mut self, name: &str, lines: &[&str]) {
        let index = self.names.len();
        self.names.push(name.to_string());
        let chunk = Chunk::of_lines(self.next_seq(), index, lines);
        self.bytes += chunk.bytes().len();
        self.chunks.push(chunk);
    }

    /// Holds one more chunk, the next in input order.
    fn push(&mut self, source: usize, bytes: Vec<u8>) {
        self.chunks.push(Chunk::new(self.next_seq(), source, bytes));
    }

    /// The position in input order of the next chunk held.
    fn next_seq(&self) -> u64 {
        self.chunks.len() as u64
    }

    /// The names of the inputs held, in load order.
    pub fn source_names(&self) -> &[String] {
        &self.names
    }

    /// The bytes held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Whether no line is held.
    pub fn is_empty(&self) -> bool {
        self.chunks.iter().all(|chunk| chunk.bytes().is_empty())
    }

    /// Drops every input held.
    pub fn clear(&mut self) {
        *self = InMemoryLogs::default();
    }
}

/// Runs `query` over the lines `logs` holds, as [`run`](crate::run) does over files: on
/// `config.threads` workers, with the same rows in the same order, writing to `writer`.
pub fn run_in_memory(
    query: &Query,
    logs: &InMemoryLogs,
    config: &RunConfig,
    writer: &mut dyn RowWriter,
) -> Result<RunSummary, RunError> {
    execute_into(query, config, writer, &|threads, make_worker, take| {
        scan_held(logs, &config.parsers, threads, make_worker, take)
    })
}

/// The scan of held chunks: the same parallel scan as for files, its chunks borrowed. Each
/// input's first chunk tells which rule of `parsers`, if any, normalises its JSON records.
fn scan_held(
    logs: &InMemoryLogs,
    parsers: &ParserSet,
    threads: usize,
    make_worker: &(dyn Fn() -> Worker + Sync),
    take: &mut dyn FnMut(ChunkResult) -> Result<(), RunError>,
) -> Result<Vec<AggregateStage>, RunError> {
    let mut json_rules: Vec<Option<Option<usize>>> = vec![None; logs.names.len()];
    for chunk in &logs.chunks {
        let name = chunk.source_name(&logs.names);
        if let Some(slot) = json_rules.get_mut(chunk.source()) {
            slot.get_or_insert_with(|| parsers.json_rule_for(name, chunk.bytes()));
        }
    }
    let partials = scan_chunks(&logs.names, threads, make_worker, take, None, |send| {
        for chunk in &logs.chunks {
            let json_rule = json_rules.get(chunk.source()).copied().flatten().flatten();
            if !send(Work::Lines(Cow::Borrowed(chunk), json_rule)) {
                break;
            }
        }
        Ok(())
    })?;
    Ok(partials.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;
    use crate::run::run_lines;
    use std::sync::atomic::AtomicBool;
    use std::sync::Mutex;
    use sumoql_io::write::{writer, Format};

    fn lines() -> Vec<String> {
        (0..5000)
            .map(|i| format!(r#"{{"n":"{i}","k":"{}"}}"#, i % 7))
            .collect()
    }

    fn ndjson_of(query: &str, logs: &InMemoryLogs, config: &RunConfig) -> String {
        let query = Engine::new().compile(query).unwrap();
        let buffer = std::sync::Arc::new(Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Shared {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = writer(Format::Ndjson, Box::new(Shared(buffer.clone())));
        run_in_memory(&query, logs, config, out.as_mut()).unwrap();
        drop(out);
        let bytes = buffer.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn held_lines_give_the_rows_of_run_lines_whatever_the_threads() {
        let owned = lines();
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        let mut logs = InMemoryLogs::default();
        logs.add_lines("a", &refs[..2000]);
        logs.add_lines("b", &refs[2000..]);
        let text = "* | where n > 10 | count by k | sort by k asc";
        let query = Engine::new().compile(text).unwrap();
        let expected = run_lines(&query, &refs, &RunConfig::default()).unwrap();
        for threads in [1, 3] {
            let config = RunConfig {
                threads: Some(threads),
                ..RunConfig::default()
            };
            let got = ndjson_of(text, &logs, &config);
            assert_eq!(got.lines().count(), expected.rows.len());
            assert!(got.starts_with(r#"{"k":"0","_count":"#), "{got}");
        }
    }

    #[test]
    fn a_set_cancel_flag_stops_the_run() {
        let owned = lines();
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        let mut logs = InMemoryLogs::default();
        logs.add_lines("a", &refs);
        let config = RunConfig {
            cancel: Some(std::sync::Arc::new(AtomicBool::new(true))),
            ..RunConfig::default()
        };
        let query = Engine::new().compile("* | count").unwrap();
        let mut out = writer(Format::Ndjson, Box::new(std::io::sink()));
        let result = run_in_memory(&query, &logs, &config, out.as_mut());
        assert!(matches!(result, Err(RunError::Cancelled)));
    }

    #[test]
    fn loading_past_the_budget_keeps_nothing_new() {
        let dir = std::env::temp_dir().join(format!("sumoql-memory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("logs.ndjson");
        std::fs::write(&path, lines().join("\n")).unwrap();
        let sources = [InputSource::File(path.clone())];
        let mut logs = InMemoryLogs::default();
        assert_eq!(logs.load(&sources, 100).unwrap(), Held::OverBudget);
        assert!(logs.is_empty() && logs.source_names().is_empty());
        let missing = [InputSource::File(dir.join("missing.ndjson"))];
        assert!(logs.load(&missing, usize::MAX).is_err());
        assert!(logs.source_names().is_empty());
        assert_eq!(logs.load(&sources, usize::MAX).unwrap(), Held::All);
        assert_eq!(logs.source_names().len(), 1);
        let count = ndjson_of("* | count", &logs, &RunConfig::default());
        assert_eq!(count.trim(), r#"{"_count":5000}"#);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
