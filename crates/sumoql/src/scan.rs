//! The parallel scan: one thread cuts the inputs into chunks, handing out each plain file as
//! spans of bytes that the workers read themselves, and reading gzip and standard input into
//! chunks of whole lines; worker threads decode and filter the lines of each chunk and run the
//! row-local part of the query, aggregating in part when the query aggregates next; the calling
//! thread takes the chunks' results back in input order and runs the rest of the query.
//!
//! Because results are taken in input order and partial aggregates are merged by their input
//! position, the rows (and their order) do not depend on the number of threads. Workers number
//! a chunk's lines from its start; the line numbers in its warnings and errors are moved to
//! where the chunk is in its input as the results are taken back in order.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};

use sumoql_exec::{AggregateStage, Pipeline, RunOptions};
use sumoql_io::read::{InputSource, LineDecoder, LineError, PlainFile, ReadError};
use sumoql_value::{Record, Sample, WarningKind, Warnings};

use crate::parsers::{Extraction, ParserSet, SNIFF_BYTES};
use crate::progress::Progress;
use crate::run::{RunError, RunSummary};

/// The size of the chunks the reader hands to workers. A line longer than this makes its
/// chunk longer; no line is ever cut.
pub const CHUNK_BYTES: usize = 1 << 20;

/// How many chunks per worker may be read but not yet taken back in order: this bounds the
/// memory a streaming query uses, whatever the size of the input.
pub const CHUNKS_IN_FLIGHT_PER_WORKER: usize = 4;

/// How much more of a plain file a worker reads at a time when the last line of its span goes
/// on past the span's end.
const SPAN_EXTENSION_BYTES: u64 = 1 << 16;

/// Whole lines of one input, in input order.
#[derive(Clone)]
pub(crate) struct Chunk {
    /// The chunk's position in the whole input.
    seq: u64,
    /// Which input (an index into the names).
    source: usize,
    /// The chunk's lines, from byte `start` on.
    bytes: Vec<u8>,
    start: usize,
}

impl Chunk {
    /// The chunk at position `seq` of the whole input: lines of input `source`.
    pub(crate) fn new(seq: u64, source: usize, bytes: Vec<u8>) -> Chunk {
        Chunk {
            seq,
            source,
            bytes,
            start: 0,
        }
    }

    /// The chunk at position `seq` of the whole input: in-memory `lines` of input `source`.
    pub(crate) fn of_lines(seq: u64, source: usize, lines: &[&str]) -> Chunk {
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        Chunk::new(seq, source, bytes)
    }

    /// The chunk's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }

    /// Which input the chunk is of (an index into the names).
    pub(crate) fn source(&self) -> usize {
        self.source
    }

    /// The name of the chunk's input, from the names of all inputs.
    pub(crate) fn source_name<'n>(&self, names: &'n [String]) -> &'n str {
        source_name(names, self.source)
    }

    /// Each line of the chunk (without its line end): its number, counting the chunk's first
    /// line as line 1 (the scan moves the numbers a chunk reports to where the chunk is in
    /// its input), its position in the whole input (as [`Worker::process`] sets it) and its
    /// bytes.
    pub(crate) fn lines(&self) -> impl Iterator<Item = (u64, u64, &[u8])> {
        let seq = self.seq;
        let bytes = self.bytes();
        let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let mut rest = (!bytes.is_empty()).then_some(body);
        let lines = std::iter::from_fn(move || {
            let current = rest?;
            match memchr::memchr(b'\n', current) {
                Some(end) => {
                    rest = Some(&current[end + 1..]);
                    Some(&current[..end])
                }
                None => {
                    rest = None;
                    Some(current)
                }
            }
        });
        // Chunks hold far fewer than 2^32 lines, so the position orders lines across chunks.
        lines.enumerate().map(move |(index, line)| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            (index as u64 + 1, (seq << 32) | index as u64, line)
        })
    }
}

/// What a worker tells of a chunk besides its records. Its line numbers count the chunk's
/// first line as line 1 until the scan moves them to where the chunk is in its input.
#[derive(Default)]
pub(crate) struct ChunkReport {
    warnings: Warnings,
    /// The chunk's bytes.
    bytes: u64,
    /// Records left out for a `_messageTime` outside the time window.
    outside_window: u64,
    /// Lines read (blank lines excluded).
    lines_read: u64,
    /// Lines seen, blank ones included: the number of the last one.
    lines_seen: u64,
    /// With `--strict`, the first malformed line, which ends the run.
    fatal: Option<RunError>,
}

impl ChunkReport {
    /// The report on `chunk`, before its lines are read.
    pub(crate) fn of(chunk: &Chunk) -> ChunkReport {
        ChunkReport {
            bytes: chunk.bytes().len() as u64,
            ..ChunkReport::default()
        }
    }

    /// Notes line `number` of the chunk; says whether it is read (blank lines are not).
    pub(crate) fn read_line(&mut self, number: u64, line: &[u8]) -> bool {
        self.lines_seen = number;
        let blank = line.iter().all(u8::is_ascii_whitespace);
        self.lines_read += u64::from(!blank);
        !blank
    }

    /// Counts `records` more left out for a time outside the window.
    pub(crate) fn left_out_for_time(&mut self, records: u64) {
        self.outside_window += records;
    }

    /// The warnings, for the worker's other warnings to join.
    pub(crate) fn warnings(&mut self) -> &mut Warnings {
        &mut self.warnings
    }

    /// Reports malformed line `number` of input `name`: a warning, or with `strict` the end of
    /// the run. Says whether the chunk's scan goes on.
    pub(crate) fn malformed_line(
        &mut self,
        strict: bool,
        name: &str,
        number: u64,
        error: LineError,
    ) -> bool {
        if strict {
            self.fatal = Some(RunError::MalformedLine {
                source_name: name.to_string(),
                line: number,
                message: error.0,
            });
            return false;
        }
        self.warnings
            .add_with_sample(WarningKind::MalformedLine, || {
                Sample::at_line(&format!("{name}:"), number, &format!(": {error}"))
            });
        true
    }

    /// Moves the line numbers by `lines`, the lines of the input before the chunk.
    fn shift_lines(&mut self, lines: u64) {
        self.warnings.shift_lines(lines);
        if let Some(RunError::MalformedLine { line, .. }) = &mut self.fatal {
            *line += lines;
        }
    }

    /// Adds the report to a run's summary and to its progress, when shown; the malformed line
    /// that ends the run is an error.
    pub(crate) fn add_to(
        self,
        summary: &mut RunSummary,
        progress: Option<&Progress>,
    ) -> Result<(), RunError> {
        summary.lines_read += self.lines_read;
        summary.bytes_read += self.bytes;
        summary.outside_window += self.outside_window;
        if let Some(progress) = progress {
            progress.advance(self.bytes, self.lines_read);
        }
        summary.warnings.merge(self.warnings);
        self.fatal.map_or(Ok(()), Err)
    }
}

/// What the parallel scan needs of a worker: a result per chunk, with a report on the chunk's
/// lines, and a partial result once the input ends.
pub(crate) trait ChunkWorker {
    /// What the worker makes of one chunk.
    type Output: Send;
    /// What the worker holds at the end (a partial aggregation, say).
    type Partial: Send;
    /// Processes one chunk; `json_rule` is the rule that normalises its input's JSON records,
    /// if one does.
    fn process(
        &mut self,
        chunk: &Chunk,
        names: &[String],
        json_rule: Option<usize>,
    ) -> Self::Output;
    /// The report part of an output.
    fn report(output: &mut Self::Output) -> &mut ChunkReport;
    /// Ends the input.
    fn into_partial(self) -> Self::Partial;
}

impl ChunkWorker for Worker {
    type Output = ChunkResult;
    type Partial = Option<AggregateStage>;

    fn process(
        &mut self,
        chunk: &Chunk,
        names: &[String],
        json_rule: Option<usize>,
    ) -> ChunkResult {
        Worker::process(self, chunk, names, json_rule)
    }

    fn report(output: &mut ChunkResult) -> &mut ChunkReport {
        &mut output.report
    }

    fn into_partial(self) -> Option<AggregateStage> {
        Worker::into_partial(self)
    }
}

/// What a worker made of one chunk.
pub(crate) struct ChunkResult {
    /// Records that came out of the worker's stages (none when it aggregates).
    pub(crate) records: Vec<Record>,
    /// The chunk's warnings, lines read and malformed line.
    pub(crate) report: ChunkReport,
}

/// One worker's decoder and pipeline.
pub(crate) struct Worker {
    decoder: LineDecoder,
    pipeline: Pipeline,
    strict: bool,
    /// The extraction rules: for lines that are not JSON objects, and for JSON records.
    rules: Extraction,
}

impl Worker {
    /// A worker for `plan` with the decoder given (cloned per worker) and the extraction
    /// rules.
    pub(crate) fn new(
        plan: &sumoql_plan::Plan,
        mut decoder: LineDecoder,
        options: RunOptions,
        strict: bool,
        rules: Extraction,
    ) -> Worker {
        let pipeline = Pipeline::worker(plan, options);
        decoder.set_early_slots(pipeline.early_filter().slots());
        if let Some(guard) = pipeline.early_filter().line_guard() {
            decoder.set_guard(Arc::new(guard));
        }
        Worker {
            decoder,
            pipeline,
            strict,
            rules,
        }
    }

    /// Decodes, filters and runs every line of `chunk`; `json_rule` normalises the chunk's
    /// JSON records when its input has one.
    pub(crate) fn process(
        &mut self,
        chunk: &Chunk,
        names: &[String],
        json_rule: Option<usize>,
    ) -> ChunkResult {
        let name = chunk.source_name(names);
        let mut report = ChunkReport::of(chunk);
        self.decoder
            .set_default_category(self.rules.raw.category_for(name));
        for (number, position, line) in chunk.lines() {
            self.pipeline.set_position(position);
            if !report.read_line(number, line) {
                continue;
            }
            if let Some(decoded) = self.rules.raw.decode(line, name, number) {
                if let Some(record) = decoded.filter(|r| self.pipeline.admits(r)) {
                    self.pipeline.push_admitted(record);
                }
                continue;
            }
            let decoded = match json_rule {
                // The rule makes fields the query may test, so no guard judges the line on
                // its raw texts before the rule has run.
                Some(rule) => self
                    .decoder
                    .decode(line, name, report.warnings())
                    .map(|record| {
                        record
                            .map(|mut record| {
                                self.rules.json.apply(rule, line, name, &mut record);
                                record
                            })
                            .filter(|record| self.pipeline.admits(record))
                    }),
                None => {
                    let pipeline = &mut self.pipeline;
                    self.decoder
                        .decode_filtered(line, name, report.warnings(), |record| {
                            pipeline.admits(record)
                        })
                }
            };
            match decoded {
                Ok(Some(record)) => {
                    self.pipeline.push_admitted(record);
                    if let Some(spent) = self.pipeline.take_spent_record() {
                        self.decoder.recycle(spent);
                    }
                }
                Ok(None) => {}
                Err(error) => {
                    if !report.malformed_line(self.strict, name, number, error) {
                        break;
                    }
                }
            }
        }
        let outside_window = self.rules.raw.report(name, report.warnings());
        report.left_out_for_time(outside_window + self.decoder.take_outside_window());
        report.warnings().merge(self.pipeline.take_warnings());
        ChunkResult {
            records: self.pipeline.take_output(),
            report,
        }
    }

    /// The worker's partial aggregation, when the query aggregates.
    pub(crate) fn into_partial(mut self) -> Option<AggregateStage> {
        self.pipeline.finish();
        self.pipeline.take_partial()
    }
}

/// Runs `make_worker()` workers over the chunks of `sources` on `threads` threads, handing each
/// chunk's result to `take` in input order. Returns the workers' partial aggregations (or
/// other end states), in worker order, or the first error (a read error, or what `take`
/// returned).
pub(crate) fn scan_parallel<W: ChunkWorker>(
    sources: &[InputSource],
    parsers: &ParserSet,
    threads: usize,
    make_worker: &(dyn Fn() -> W + Sync),
    take: &mut dyn FnMut(W::Output) -> Result<(), RunError>,
) -> Result<Vec<W::Partial>, RunError> {
    let names: Vec<String> = sources.iter().map(InputSource::name).collect();
    let spare = SpareBuffers::default();
    scan_chunks(&names, threads, make_worker, take, Some(&spare), |send| {
        read_chunks(sources, parsers, send, &spare)
    })
}

/// What the reader hands a worker.
pub(crate) enum Work<'c> {
    /// Lines read already (from a stream, or held in memory), and the rule that normalises
    /// their input's JSON records, if one does.
    Lines(Cow<'c, Chunk>, Option<usize>),
    /// A span of a plain file, for the worker to read itself: the bytes then arrive in the
    /// cache of the core that scans them, and no thread copies the whole input alone.
    Span(FileSpan),
}

/// The lines of a plain file that start in the bytes `start..end`.
pub(crate) struct FileSpan {
    /// The position of the span's chunk in the whole input.
    seq: u64,
    /// The rule that normalises the file's JSON records, if one does.
    json_rule: Option<usize>,
    /// Which input (an index into the names).
    source: usize,
    file: Arc<PlainFile>,
    start: u64,
    end: u64,
}

impl FileSpan {
    /// The spans of `span_bytes` that cover `file`, input `source`, at positions from
    /// `first_seq` on in the whole input.
    fn cover(
        file: Arc<PlainFile>,
        source: usize,
        first_seq: u64,
        span_bytes: u64,
        json_rule: Option<usize>,
    ) -> impl Iterator<Item = FileSpan> {
        let starts = (0..file.size()).step_by(span_bytes as usize);
        starts.zip(first_seq..).map(move |(start, seq)| FileSpan {
            seq,
            json_rule,
            source,
            end: file.size().min(start + span_bytes),
            start,
            file: Arc::clone(&file),
        })
    }

    /// Reads the span's lines into `buffer` (its bytes are reused): from the first line that
    /// starts in the span to the end of the last one, which may go on past the span's end.
    fn read(&self, mut buffer: Vec<u8>) -> std::io::Result<Chunk> {
        // The byte before the span tells whether a line starts at its first byte.
        let from = self.start.saturating_sub(1);
        let mut filled = (self.end - from) as usize;
        buffer.resize(filled, 0);
        self.file.read_exact_at(&mut buffer, from)?;
        // The first line that starts in the span follows the first line end from `start - 1`
        // on, if that is before the span's last byte.
        let start = match self.start {
            0 => 0,
            _ => match memchr::memchr(b'\n', &buffer[..filled - 1]) {
                Some(end) => end + 1,
                None => {
                    buffer.clear();
                    return Ok(self.chunk(buffer, 0));
                }
            },
        };
        // The last line that starts in the span ends at the first line end from `end - 1` on.
        let (mut search_from, mut next) = (filled - 1, self.end);
        let lines_end = loop {
            if let Some(found) = memchr::memchr(b'\n', &buffer[search_from..]) {
                break search_from + found + 1;
            }
            if next >= self.file.size() {
                break filled;
            }
            let more = (self.file.size() - next).min(SPAN_EXTENSION_BYTES);
            buffer.resize(filled + more as usize, 0);
            self.file.read_exact_at(&mut buffer[filled..], next)?;
            (search_from, filled, next) = (filled, filled + more as usize, next + more);
        };
        buffer.truncate(lines_end);
        Ok(self.chunk(buffer, start))
    }

    /// The span's chunk: the lines of `bytes` from byte `start` on.
    fn chunk(&self, bytes: Vec<u8>, start: usize) -> Chunk {
        Chunk {
            seq: self.seq,
            source: self.source,
            bytes,
            start,
        }
    }
}

/// The buffers of chunks already scanned, for the reader to fill again: the scan then needs
/// no new memory once the first chunks are out, and pays no page faults for it.
#[derive(Default)]
pub(crate) struct SpareBuffers(Mutex<Vec<Vec<u8>>>);

impl SpareBuffers {
    /// An empty buffer: a spare one when there is one.
    fn take(&self) -> Vec<u8> {
        let spare = self.0.lock().ok().and_then(|mut spares| spares.pop());
        let mut buffer = spare.unwrap_or_default();
        buffer.clear();
        buffer
    }

    /// Keeps a chunk's buffer for another chunk.
    fn give(&self, chunk: Cow<'_, Chunk>) {
        if let (Cow::Owned(chunk), Ok(mut spares)) = (chunk, self.0.lock()) {
            spares.push(chunk.bytes);
        }
    }
}

/// A worker's output for the chunk at position `seq`, which is of input `source`; or the
/// error reading it.
struct Done<O> {
    seq: u64,
    source: usize,
    output: Result<O, RunError>,
}

/// The scan itself, over the work `produce` hands to its `send` function on a thread of its
/// own (spans of plain files, chunks read from streams, or chunks borrowed from memory).
/// `send` waits while [`CHUNKS_IN_FLIGHT_PER_WORKER`] chunks per worker are out and not yet
/// taken back in order, and says `false` when the scan is stopping.
pub(crate) fn scan_chunks<'c, W: ChunkWorker>(
    names: &[String],
    threads: usize,
    make_worker: &(dyn Fn() -> W + Sync),
    take: &mut dyn FnMut(W::Output) -> Result<(), RunError>,
    spare: Option<&SpareBuffers>,
    produce: impl FnOnce(&mut dyn FnMut(Work<'c>) -> bool) -> Result<(), RunError> + Send,
) -> Result<Vec<W::Partial>, RunError> {
    let threads = threads.max(1);
    let stop = AtomicBool::new(false);
    let in_flight = threads * CHUNKS_IN_FLIGHT_PER_WORKER;
    let (work_tx, work_rx) = mpsc::sync_channel::<Work<'c>>(threads * 2);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<Done<W::Output>>();
    let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel holds exactly `in_flight` permits, so these sends never block.
        let _ = permit_tx.send(());
    }
    std::thread::scope(|scope| {
        let stop_producing = &stop;
        let producer = scope.spawn(move || {
            let mut send = |work: Work<'c>| {
                !stop_producing.load(Ordering::Relaxed)
                    && permit_rx.recv().is_ok()
                    && work_tx.send(work).is_ok()
            };
            produce(&mut send)
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let done_tx = done_tx.clone();
                let (work_rx, stop) = (&work_rx, &stop);
                scope.spawn(move || {
                    let mut worker = make_worker();
                    let mut buffer = Vec::new();
                    while let Some(work) = next_work(work_rx) {
                        if stop.load(Ordering::Relaxed) {
                            continue;
                        }
                        let done = do_work(&mut worker, work, names, spare, &mut buffer);
                        if done_tx.send(done).is_err() {
                            break;
                        }
                    }
                    worker.into_partial()
                })
            })
            .collect();
        drop(done_tx);
        let mut outcome = Ok(());
        let mut pending = BTreeMap::new();
        let mut next_seq = 0;
        let mut numbering = LineNumbering::default();
        for done in done_rx {
            pending.insert(done.seq, done);
            while let Some(done) = pending.remove(&next_seq) {
                next_seq += 1;
                if outcome.is_ok() {
                    outcome = done.output.and_then(|mut output| {
                        numbering.place(done.source, W::report(&mut output));
                        take(output)
                    });
                    if outcome.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                let _ = permit_tx.send(());
            }
        }
        drop(permit_tx);
        let partials: Vec<W::Partial> = workers
            .into_iter()
            .filter_map(|worker| worker.join().ok())
            .collect();
        let produced = producer.join().unwrap_or(Ok(()));
        outcome?;
        produced?;
        Ok(partials)
    })
}

fn next_work<'c>(work_rx: &Mutex<Receiver<Work<'c>>>) -> Option<Work<'c>> {
    work_rx.lock().ok()?.recv().ok()
}

/// One piece of work on a worker: a chunk's lines processed (its buffer then kept for the
/// reader), or a span read into the worker's `buffer` and processed.
fn do_work<W: ChunkWorker>(
    worker: &mut W,
    work: Work<'_>,
    names: &[String],
    spare: Option<&SpareBuffers>,
    buffer: &mut Vec<u8>,
) -> Done<W::Output> {
    match work {
        Work::Lines(chunk, json_rule) => {
            let output = worker.process(&chunk, names, json_rule);
            let (seq, source) = (chunk.seq, chunk.source);
            if let Some(spare) = spare {
                spare.give(chunk);
            }
            Done {
                seq,
                source,
                output: Ok(output),
            }
        }
        Work::Span(span) => {
            let output = match span.read(std::mem::take(buffer)) {
                Ok(chunk) => {
                    let output = worker.process(&chunk, names, span.json_rule);
                    *buffer = chunk.bytes;
                    Ok(output)
                }
                Err(error) => {
                    let name = source_name(names, span.source).to_string();
                    Err(RunError::Read(ReadError::Read(name, error)))
                }
            };
            Done {
                seq: span.seq,
                source: span.source,
                output,
            }
        }
    }
}

/// The name of input `source`, from the names of all inputs.
fn source_name(names: &[String], source: usize) -> &str {
    names.get(source).map_or("-", String::as_str)
}

/// Where the chunks taken back in order are in their inputs, in lines.
#[derive(Default)]
struct LineNumbering {
    /// The input of the last chunk placed, and how many lines of it came before the next one.
    source: Option<usize>,
    lines_before: u64,
}

impl LineNumbering {
    /// Moves the line numbers of the report on the next chunk, of input `source`, to where
    /// the chunk is in that input.
    fn place(&mut self, source: usize, report: &mut ChunkReport) {
        if self.source != Some(source) {
            (self.source, self.lines_before) = (Some(source), 0);
        }
        report.shift_lines(self.lines_before);
        self.lines_before += report.lines_seen;
    }
}

/// The reader thread: every source in turn, handed to `send` until it says the scan is
/// stopping. A plain file goes out as spans for the workers to read; any other input (gzip,
/// zstd, standard input) is read here and cut into chunks of whole lines. Each input's start
/// tells which rule of `parsers`, if any, normalises its JSON records.
fn read_chunks<'c>(
    sources: &[InputSource],
    parsers: &ParserSet,
    send: &mut dyn FnMut(Work<'c>) -> bool,
    spare: &SpareBuffers,
) -> Result<(), RunError> {
    let mut seq = 0;
    for (index, source) in sources.iter().enumerate() {
        let name = source.name();
        let read_failed = |e| RunError::Read(ReadError::Read(name.clone(), e));
        if let Some(file) = source.open_plain()? {
            let mut head = vec![0; file.size().min(SNIFF_BYTES as u64) as usize];
            file.read_exact_at(&mut head, 0).map_err(read_failed)?;
            let json_rule = parsers.json_rule_for(&name, &head);
            let file = Arc::new(file);
            for span in FileSpan::cover(file, index, seq, CHUNK_BYTES as u64, json_rule) {
                seq = span.seq + 1;
                if !send(Work::Span(span)) {
                    return Ok(());
                }
            }
            continue;
        }
        let mut reader = source.open_bytes()?;
        let mut carry = Vec::new();
        let mut json_rule = None;
        for first in std::iter::once(true).chain(std::iter::repeat(false)) {
            let (bytes, ended) =
                next_block(&mut *reader, &mut carry, spare.take()).map_err(read_failed)?;
            if first {
                json_rule = parsers.json_rule_for(&name, &bytes);
            }
            if !bytes.is_empty() {
                let chunk = Chunk::new(seq, index, bytes);
                seq += 1;
                if !send(Work::Lines(Cow::Owned(chunk), json_rule)) {
                    return Ok(());
                }
            }
            if ended {
                break;
            }
        }
    }
    Ok(())
}

/// The next block of whole lines, in `block` (an empty buffer): what `carry` held plus about
/// [`CHUNK_BYTES`] more, cut after its last line end; the part after it goes back to `carry`.
/// At the end of the input the block is whatever is left, and `true` says so.
pub(crate) fn next_block(
    reader: &mut dyn Read,
    carry: &mut Vec<u8>,
    mut block: Vec<u8>,
) -> std::io::Result<(Vec<u8>, bool)> {
    block.reserve(carry.len() + CHUNK_BYTES);
    block.append(carry);
    loop {
        let start = block.len();
        let read = (&mut *reader)
            .take(CHUNK_BYTES as u64)
            .read_to_end(&mut block)?;
        if read < CHUNK_BYTES {
            return Ok((block, true));
        }
        if let Some(last_newline) = memchr::memrchr(b'\n', &block[start..]) {
            carry.extend_from_slice(&block[start + last_newline + 1..]);
            block.truncate(start + last_newline + 1);
            return Ok((block, false));
        }
        // No line end in the new bytes: the line goes on; read more into the same block.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines that the spans of `size` bytes of a file holding `content` read, joined.
    fn spans_joined(path: &std::path::Path, content: &[u8], size: u64) -> Vec<u8> {
        std::fs::write(path, content).unwrap();
        let source = InputSource::File(path.to_path_buf());
        let file = Arc::new(source.open_plain().unwrap().unwrap());
        let mut joined = Vec::new();
        for (seq, span) in (7..).zip(FileSpan::cover(file, 0, 7, size, None)) {
            let chunk = span.read(vec![b'x'; 3]).unwrap();
            assert_eq!(chunk.seq, seq);
            joined.extend_from_slice(chunk.bytes());
        }
        joined
    }

    #[test]
    fn the_spans_of_a_plain_file_read_each_line_once_in_order() {
        let path = std::env::temp_dir().join(format!("sumoql-spans-{}", std::process::id()));
        let long = "y".repeat(150_000);
        let contents = [
            String::new(),
            "\n".to_string(),
            "a".to_string(),
            "a\n".to_string(),
            "\n\nab\n\n\ncd".to_string(),
            "{\"k\":1}\r\n{\"k\":22}\r\n\r\n{\"k\":333}\n".to_string(),
            format!("ab\n{long}\ncd\n{long}"),
            format!("{long}\n\n"),
        ];
        for content in &contents {
            for size in [1, 2, 3, 5, 8, 64, 65_536, 200_000] {
                let joined = spans_joined(&path, content.as_bytes(), size);
                assert!(joined == content.as_bytes(), "spans of {size} bytes");
            }
        }
        std::fs::remove_file(&path).unwrap();
    }
}
