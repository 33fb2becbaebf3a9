//! The parallel scan: one thread reads the inputs (decompressing gzip) into chunks of whole
//! lines; worker threads decode and filter the lines of each chunk and run the row-local part
//! of the query, aggregating in part when the query aggregates next; the calling thread takes
//! the chunks' results back in input order and runs the rest of the query.
//!
//! Because results are taken in input order and partial aggregates are merged by their input
//! position, the rows (and their order) do not depend on the number of threads.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};

use sumoql_exec::{AggregateStage, Pipeline, RunOptions};
use sumoql_io::read::{InputSource, LineDecoder, ReadError};
use sumoql_value::{Record, WarningKind, Warnings};

use crate::parsers::RawLines;
use crate::run::RunError;

/// The size of the chunks the reader hands to workers. A line longer than this makes its
/// chunk longer; no line is ever cut.
pub const CHUNK_BYTES: usize = 1 << 20;

/// How many chunks per worker may be read but not yet taken back in order: this bounds the
/// memory a streaming query uses, whatever the size of the input.
pub const CHUNKS_IN_FLIGHT_PER_WORKER: usize = 4;

/// Whole lines of one input, in input order.
#[derive(Clone)]
pub(crate) struct Chunk {
    /// The chunk's position in the whole input.
    seq: u64,
    /// Which input (an index into the names).
    source: usize,
    /// The number of the chunk's first line in its input.
    first_line: u64,
    bytes: Vec<u8>,
}

impl Chunk {
    /// The chunk at position `seq` of the whole input: lines of input `source` from line
    /// `first_line` on.
    pub(crate) fn new(seq: u64, source: usize, first_line: u64, bytes: Vec<u8>) -> Chunk {
        Chunk {
            seq,
            source,
            first_line,
            bytes,
        }
    }

    /// The chunk's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// A chunk of in-memory lines, for runs without files.
    pub(crate) fn of_lines(lines: &[&str]) -> Chunk {
        let mut bytes = Vec::new();
        for line in lines {
            bytes.extend_from_slice(line.as_bytes());
            bytes.push(b'\n');
        }
        Chunk {
            seq: 0,
            source: 0,
            first_line: 1,
            bytes,
        }
    }
}

impl Chunk {
    /// The chunk's position in the whole input.
    pub(crate) fn seq(&self) -> u64 {
        self.seq
    }

    /// The name of the chunk's input, from the names of all inputs.
    pub(crate) fn source_name<'n>(&self, names: &'n [String]) -> &'n str {
        names.get(self.source).map_or("-", String::as_str)
    }

    /// Each line of the chunk (without its line end): its number in its input, its position
    /// in the whole input (as [`Worker::process`] sets it) and its bytes.
    pub(crate) fn lines(&self) -> impl Iterator<Item = (u64, u64, &[u8])> {
        let (seq, first_line) = (self.seq, self.first_line);
        let body = self.bytes.strip_suffix(b"\n").unwrap_or(&self.bytes);
        let mut rest = (!self.bytes.is_empty()).then_some(body);
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
            (first_line + index as u64, (seq << 32) | index as u64, line)
        })
    }
}

/// What the parallel scan needs of a worker: a result per chunk, which says which chunk it is
/// for, and a partial result once the input ends.
pub(crate) trait ChunkWorker {
    /// What the worker makes of one chunk.
    type Output: Send;
    /// What the worker holds at the end (a partial aggregation, say).
    type Partial: Send;
    /// Processes one chunk.
    fn process(&mut self, chunk: &Chunk, names: &[String]) -> Self::Output;
    /// The chunk position an output is for (outputs are taken back in that order).
    fn seq_of(output: &Self::Output) -> u64;
    /// Ends the input.
    fn into_partial(self) -> Self::Partial;
}

impl ChunkWorker for Worker {
    type Output = ChunkResult;
    type Partial = Option<AggregateStage>;

    fn process(&mut self, chunk: &Chunk, names: &[String]) -> ChunkResult {
        Worker::process(self, chunk, names)
    }

    fn seq_of(output: &ChunkResult) -> u64 {
        output.seq
    }

    fn into_partial(self) -> Option<AggregateStage> {
        Worker::into_partial(self)
    }
}

/// What a worker made of one chunk.
pub(crate) struct ChunkResult {
    seq: u64,
    /// Records that came out of the worker's stages (none when it aggregates).
    pub(crate) records: Vec<Record>,
    pub(crate) warnings: Warnings,
    pub(crate) lines_read: u64,
    /// With `--strict`, the first malformed line, which ends the run.
    pub(crate) fatal: Option<RunError>,
}

/// One worker's decoder and pipeline.
pub(crate) struct Worker {
    decoder: LineDecoder,
    pipeline: Pipeline,
    strict: bool,
    /// The raw-line path, when the run reads raw lines.
    raw: Option<RawLines>,
}

impl Worker {
    /// A worker for `plan` with the decoder given (cloned per worker), and the raw-line path
    /// when the run reads raw lines.
    pub(crate) fn new(
        plan: &sumoql_plan::Plan,
        mut decoder: LineDecoder,
        options: RunOptions,
        strict: bool,
        raw: Option<RawLines>,
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
            raw,
        }
    }

    /// Decodes, filters and runs every line of `chunk`.
    pub(crate) fn process(&mut self, chunk: &Chunk, names: &[String]) -> ChunkResult {
        let name = names.get(chunk.source).map_or("-", String::as_str);
        let mut warnings = Warnings::new();
        let mut lines_read = 0;
        let mut fatal = None;
        if let Some(raw) = &mut self.raw {
            self.decoder.set_default_category(raw.category_for(name));
        }
        for (this_line, position, line) in chunk.lines() {
            self.pipeline.set_position(position);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            lines_read += 1;
            if let Some(raw) = &mut self.raw {
                if let Some(decoded) = raw.decode(line, name, this_line) {
                    if let Some(record) = decoded.filter(|r| self.pipeline.admits(r)) {
                        self.pipeline.push_admitted(record);
                    }
                    continue;
                }
            }
            let pipeline = &mut self.pipeline;
            match self
                .decoder
                .decode_filtered(line, name, &mut warnings, |record| pipeline.admits(record))
            {
                Ok(Some(record)) => self.pipeline.push_admitted(record),
                Ok(None) => {}
                Err(error) if self.strict => {
                    fatal = Some(RunError::MalformedLine {
                        source_name: name.to_string(),
                        line: this_line,
                        message: error.0,
                    });
                    break;
                }
                Err(error) => warnings.add_with_sample(WarningKind::MalformedLine, || {
                    format!("{name}:{this_line}: {error}")
                }),
            }
        }
        if let Some(raw) = &mut self.raw {
            raw.report(name, &mut warnings);
        }
        warnings.merge(self.pipeline.take_warnings());
        ChunkResult {
            seq: chunk.seq,
            records: self.pipeline.take_output(),
            warnings,
            lines_read,
            fatal,
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
    threads: usize,
    make_worker: &(dyn Fn() -> W + Sync),
    take: &mut dyn FnMut(W::Output) -> Result<(), RunError>,
) -> Result<Vec<W::Partial>, RunError> {
    let names: Vec<String> = sources.iter().map(InputSource::name).collect();
    let spare = SpareBuffers::default();
    scan_chunks(&names, threads, make_worker, take, Some(&spare), |send| {
        read_chunks(sources, send, &spare)
    })
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

/// The scan itself, over the chunks `produce` hands to its `send` function on a thread of its
/// own (owned chunks read from files, or chunks borrowed from memory). `send` waits while
/// [`CHUNKS_IN_FLIGHT_PER_WORKER`] chunks per worker are out and not yet taken back in order,
/// and says `false` when the scan is stopping.
pub(crate) fn scan_chunks<'c, W: ChunkWorker>(
    names: &[String],
    threads: usize,
    make_worker: &(dyn Fn() -> W + Sync),
    take: &mut dyn FnMut(W::Output) -> Result<(), RunError>,
    spare: Option<&SpareBuffers>,
    produce: impl FnOnce(&mut dyn FnMut(Cow<'c, Chunk>) -> bool) -> Result<(), RunError> + Send,
) -> Result<Vec<W::Partial>, RunError> {
    let threads = threads.max(1);
    let stop = AtomicBool::new(false);
    let in_flight = threads * CHUNKS_IN_FLIGHT_PER_WORKER;
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Cow<'c, Chunk>>(threads * 2);
    let chunk_rx = Mutex::new(chunk_rx);
    let (result_tx, result_rx) = mpsc::channel::<W::Output>();
    let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel holds exactly `in_flight` permits, so these sends never block.
        let _ = permit_tx.send(());
    }
    std::thread::scope(|scope| {
        let stop_producing = &stop;
        let producer = scope.spawn(move || {
            let mut send = |chunk: Cow<'c, Chunk>| {
                !stop_producing.load(Ordering::Relaxed)
                    && permit_rx.recv().is_ok()
                    && chunk_tx.send(chunk).is_ok()
            };
            produce(&mut send)
        });
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let result_tx = result_tx.clone();
                let (chunk_rx, stop) = (&chunk_rx, &stop);
                scope.spawn(move || {
                    let mut worker = make_worker();
                    while let Some(chunk) = next_chunk(chunk_rx) {
                        if stop.load(Ordering::Relaxed) {
                            continue;
                        }
                        let result = worker.process(&chunk, names);
                        if let Some(spare) = spare {
                            spare.give(chunk);
                        }
                        if result_tx.send(result).is_err() {
                            break;
                        }
                    }
                    worker.into_partial()
                })
            })
            .collect();
        drop(result_tx);
        let mut outcome = Ok(());
        let mut pending = BTreeMap::new();
        let mut next_seq = 0;
        for result in result_rx {
            pending.insert(W::seq_of(&result), result);
            while let Some(result) = pending.remove(&next_seq) {
                next_seq += 1;
                if outcome.is_ok() {
                    outcome = take(result);
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

fn next_chunk<'c>(chunk_rx: &Mutex<Receiver<Cow<'c, Chunk>>>) -> Option<Cow<'c, Chunk>> {
    chunk_rx.lock().ok()?.recv().ok()
}

/// The reader thread: every source in turn, cut into chunks of whole lines and handed to
/// `send` until it says the scan is stopping.
fn read_chunks<'c>(
    sources: &[InputSource],
    send: &mut dyn FnMut(Cow<'c, Chunk>) -> bool,
    spare: &SpareBuffers,
) -> Result<(), RunError> {
    let mut seq = 0;
    for (index, source) in sources.iter().enumerate() {
        let mut reader = source.open_bytes()?;
        let mut first_line = 1;
        let mut carry = Vec::new();
        loop {
            let (bytes, ended) = next_block(&mut *reader, &mut carry, spare.take())
                .map_err(|e| RunError::Read(ReadError::Read(source.name(), e)))?;
            if !bytes.is_empty() {
                let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
                let chunk = Chunk {
                    seq,
                    source: index,
                    first_line,
                    bytes,
                };
                seq += 1;
                first_line += lines;
                if !send(Cow::Owned(chunk)) {
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
