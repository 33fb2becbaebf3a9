//! Many rules in one pass: each input line is read and decoded once, then handed to every
//! rule's pipeline.
//!
//! The decoder extracts the union of the fields the rules read, into a combined record whose
//! slots are those fields in first-seen order. Each rule then gets its own record, built by
//! copying the combined slots to the rule's slots by name (and, when the rule shows whole
//! records, the line's other keys as they were). A field's value depends only on the line and
//! the field's name, never on the slot it lands in or on which other fields are read, so each
//! rule sees exactly the record its own decoder would have made, and its rows are identical to
//! running it alone (a test checks this for every shipped rule). The early filter of each rule
//! still runs, after decoding rather than between the two decoding steps; it only ever saved
//! work, never changed a result.
//!
//! The scan is the parallel one of `sumoql run` (scan.rs): a reader thread cuts the inputs into
//! chunks, each worker decodes a chunk's lines once and runs every rule's row-local stages (and
//! partial aggregation), and the calling thread takes the chunks back in input order into each
//! rule's remaining stages, so alerts do not depend on the number of threads.

use std::sync::Arc;

use sumoql_exec::{AggregateStage, Pipeline, RunOptions, Split};
use sumoql_io::read::{InputSource, LineDecoder, MetadataOptions};
use sumoql_value::{write_json_string, Record, SlotId, SourceField, Value};

use crate::engine::Query;
use crate::output::{ColumnNames, OutputColumns};
use crate::parsers::Extraction;
use crate::rule::RuleMetadata;
use crate::run::{default_threads, RunConfig, RunError, RunSummary};
use crate::scan::{scan_parallel, Chunk, ChunkReport, ChunkWorker};

/// Where one rule's fields come from in the combined record.
#[derive(Clone)]
struct Projection {
    /// `(combined slot, rule slot)` for every field the rule reads.
    copies: Vec<(SlotId, SlotId)>,
    /// For each combined slot, the rule's slot of the same name, if it reads that field.
    by_combined: Vec<Option<SlotId>>,
    width: usize,
    whole_records: bool,
}

impl Projection {
    fn new(query: &Query, names: &[Arc<str>]) -> Projection {
        let plan = &query.plan;
        let copies: Vec<(SlotId, SlotId)> = plan
            .read
            .fields
            .iter()
            .filter_map(|(name, slot)| {
                let combined = names.iter().position(|known| **known == **name)?;
                Some((combined, *slot))
            })
            .collect();
        let mut by_combined = vec![None; names.len()];
        for &(from, to) in &copies {
            by_combined[from] = Some(to);
        }
        Projection {
            copies,
            by_combined,
            width: plan.schema.len(),
            whole_records: plan.read.whole_records,
        }
    }

    /// The record this rule's own decoder would have made from the line.
    fn record_from(&self, combined: &Record, names: &[Arc<str>]) -> Record {
        let mut record = Record::with_width(self.width);
        for &(from, to) in &self.copies {
            record.set(to, combined.get(from).clone());
        }
        if self.whole_records {
            record.source = combined
                .source
                .iter()
                .map(|field| match field {
                    SourceField::Slot(slot) => match self.by_combined.get(*slot).copied().flatten()
                    {
                        Some(own) => SourceField::Slot(own),
                        None => SourceField::Extra(
                            names.get(*slot).cloned().unwrap_or_else(|| Arc::from("")),
                            combined.get(*slot).clone(),
                        ),
                    },
                    SourceField::Extra(name, value) => {
                        SourceField::Extra(name.clone(), value.clone())
                    }
                })
                .collect();
        }
        record
    }
}

/// One worker thread of a detection run: the combined decoder, and each rule's row-local
/// stages (with its partial aggregation when it aggregates).
struct DetectWorker {
    decoder: LineDecoder,
    /// The extraction rules, making combined records too.
    extraction: Extraction,
    names: Arc<[Arc<str>]>,
    rules: Vec<(Projection, Pipeline)>,
    strict: bool,
}

/// What a detection worker made of one chunk.
struct DetectChunk {
    /// Each rule's records out of its row-local stages, in rule order.
    records: Vec<Vec<Record>>,
    /// The chunk's warnings, lines read and malformed line.
    report: ChunkReport,
}

impl ChunkWorker for DetectWorker {
    type Output = DetectChunk;
    type Partial = Vec<Option<AggregateStage>>;

    fn process(
        &mut self,
        chunk: &Chunk,
        names: &[String],
        json_rule: Option<usize>,
    ) -> DetectChunk {
        let name = chunk.source_name(names);
        let mut report = ChunkReport::of(chunk);
        self.decoder
            .set_default_category(self.extraction.raw.category_for(name));
        for (number, position, line) in chunk.lines() {
            if !report.read_line(number, line) {
                continue;
            }
            let decoded = match self.extraction.raw.decode(line, name, number) {
                Some(raw) => Ok(raw),
                None => self
                    .decoder
                    .decode(line, name, report.warnings())
                    .map(|record| {
                        record.map(|mut record| {
                            if let Some(rule) = json_rule {
                                self.extraction.json.apply(rule, line, name, &mut record);
                            }
                            record
                        })
                    }),
            };
            let combined = match decoded {
                Ok(Some(record)) => record,
                Ok(None) => continue,
                Err(error) => {
                    if report.malformed_line(self.strict, name, number, error) {
                        continue;
                    }
                    break;
                }
            };
            for (projection, pipeline) in &mut self.rules {
                pipeline.set_position(position);
                pipeline.push(projection.record_from(&combined, &self.names));
            }
        }
        let outside_window = self.extraction.raw.report(name, report.warnings());
        report.left_out_for_time(outside_window + self.decoder.take_outside_window());
        let records = self
            .rules
            .iter_mut()
            .map(|(_, pipeline)| {
                report.warnings().merge(pipeline.take_warnings());
                pipeline.take_output()
            })
            .collect();
        DetectChunk { records, report }
    }

    fn report(output: &mut DetectChunk) -> &mut ChunkReport {
        &mut output.report
    }

    fn into_partial(self) -> Vec<Option<AggregateStage>> {
        self.rules
            .into_iter()
            .map(|(_, mut pipeline)| {
                pipeline.finish();
                pipeline.take_partial()
            })
            .collect()
    }
}

/// Where a detection run hands each alert: the index of the rule that fired, and its row.
pub type AlertSink<'s> = dyn FnMut(usize, ColumnNames, Vec<Value>) -> Result<(), RunError> + 's;

/// What a detection run reports.
#[derive(Clone, Debug, Default)]
pub struct DetectSummary {
    /// The totals over all rules (rows written are alerts).
    pub run: RunSummary,
    /// Alerts per rule, in the order the rules were given.
    pub alerts_per_rule: Vec<u64>,
}

/// One rule's end of a detection run: the stages after its workers' share, and its output.
struct RuleTail<'q> {
    query: &'q Query,
    pipeline: Pipeline,
    output: OutputColumns,
}

/// Why `query` cannot share the pass of a detection run: a subquery or `compare` reads the
/// inputs again.
fn needs_own_run(query: &Query) -> Option<String> {
    query.plan.reads_inputs_again().then(|| {
        "a rule runs in the shared pass of `sumoql detect`, but a subquery or `compare` reads the logs once more: run this query with `sumoql run`".to_string()
    })
}

/// Runs every query of `queries` over `sources` in one pass (on `config.threads` threads),
/// calling `sink` with each alert. Each rule's alerts come in the order and with the rows of
/// a run of that rule alone.
pub fn detect(
    queries: &[&Query],
    sources: &[InputSource],
    config: &RunConfig,
    sink: &mut AlertSink<'_>,
) -> Result<DetectSummary, RunError> {
    for query in queries {
        if let Some(why) = needs_own_run(query) {
            return Err(RunError::NeedsOwnRun(why));
        }
    }
    let options = RunOptions {
        null_groups: config.null_groups,
        zone: config.zone,
        now_ms: config.now_ms,
        window: config.window.unwrap_or_default(),
    };
    let mut names: Vec<Arc<str>> = Vec::new();
    let mut whole_records = false;
    for query in queries {
        whole_records |= query.plan.read.whole_records;
        for (name, _) in &query.plan.read.fields {
            if !names.iter().any(|known| **known == **name) {
                names.push(Arc::from(name.as_str()));
            }
        }
    }
    let fields: Vec<(String, SlotId)> = names
        .iter()
        .enumerate()
        .map(|(slot, name)| (name.to_string(), slot))
        .collect();
    let metadata = MetadataOptions {
        source_category: config.source_category.clone(),
        receipt_time_ms: config.now_ms,
        zone: config.zone,
        window: config.window,
    };
    let decoder = LineDecoder::new(&fields, names.len(), whole_records, metadata.clone());
    let projections: Vec<Projection> = queries
        .iter()
        .map(|query| Projection::new(query, &names))
        .collect();
    let names: Arc<[Arc<str>]> = names.into();
    let make_worker = || DetectWorker {
        decoder: decoder.clone(),
        extraction: Extraction::for_fields(
            config.parsers.clone(),
            &fields,
            whole_records,
            &metadata,
            &options,
        ),
        names: names.clone(),
        rules: queries
            .iter()
            .zip(&projections)
            .map(|(query, projection)| {
                (
                    projection.clone(),
                    Pipeline::worker(&query.plan, options.clone()),
                )
            })
            .collect(),
        strict: config.strict,
    };
    let mut tails: Vec<RuleTail<'_>> = queries
        .iter()
        .map(|query| RuleTail {
            query,
            pipeline: Pipeline::tail(&query.plan, options.clone()),
            output: OutputColumns::new(&query.plan),
        })
        .collect();
    let mut summary = DetectSummary {
        alerts_per_rule: vec![0; queries.len()],
        ..DetectSummary::default()
    };
    for query in queries {
        summary.run.warnings.merge(query.plan.warnings());
    }
    let emit = |index: usize,
                tail: &RuleTail<'_>,
                records: Vec<Record>,
                summary: &mut DetectSummary,
                sink: &mut AlertSink<'_>| {
        for record in records {
            let (columns, values) = tail.output.row(&tail.query.plan, record);
            sink(index, columns, values)?;
            summary.alerts_per_rule[index] += 1;
            summary.run.rows_written += 1;
        }
        Ok::<(), RunError>(())
    };
    let threads = config.threads.unwrap_or_else(default_threads);
    let partials = scan_parallel(
        sources,
        &config.parsers,
        threads,
        config.chunk_bytes,
        &make_worker,
        &mut |chunk: DetectChunk| {
            chunk
                .report
                .add_to(&mut summary.run, config.progress.as_deref())?;
            for (index, (tail, records)) in tails.iter_mut().zip(chunk.records).enumerate() {
                for record in records {
                    tail.pipeline.push_admitted(record);
                }
                let output = tail.pipeline.take_output();
                emit(index, tail, output, &mut summary, sink)?;
            }
            Ok(())
        },
    )?;
    // Each worker's partials, rule by rule, merged in worker order as a lone run merges them.
    let mut per_rule: Vec<Vec<AggregateStage>> = (0..tails.len()).map(|_| Vec::new()).collect();
    for worker in partials {
        for (index, partial) in worker.into_iter().enumerate() {
            if let (Some(partial), Some(list)) = (partial, per_rule.get_mut(index)) {
                list.push(partial);
            }
        }
    }
    for (index, (tail, partials)) in tails.iter_mut().zip(per_rule).enumerate() {
        if Split::of(&tail.query.plan).aggregate {
            let mut partials = partials.into_iter();
            if let Some(mut merged) = partials.next() {
                for partial in partials {
                    merged.merge(partial);
                }
                tail.pipeline.push_aggregated(merged);
            }
        }
        let rest = tail.pipeline.finish();
        summary.run.warnings.merge(tail.pipeline.take_warnings());
        emit(index, tail, rest, &mut summary, sink)?;
    }
    Ok(summary)
}

/// One alert as a JSON object on one line (no newline): the rule's `rule_id`, `title`,
/// `severity`, `mitre` (an object of `tactic`, `technique` and `sub_technique` strings, or
/// null) and `result`, the rule's row as an object.
pub fn alert_json(metadata: &RuleMetadata, columns: &[Arc<str>], values: &[Value]) -> String {
    let mut out = String::from("{\"rule_id\":");
    write_json_string(&mut out, &metadata.id);
    out.push_str(",\"title\":");
    write_json_string(&mut out, &metadata.title);
    out.push_str(",\"severity\":");
    write_json_string(&mut out, metadata.severity.name());
    out.push_str(",\"mitre\":");
    match &metadata.mitre {
        Some(mitre) => {
            out.push_str("{\"tactic\":");
            write_json_string(&mut out, &mitre.tactic.to_string());
            out.push_str(",\"technique\":");
            write_json_string(&mut out, &mitre.technique.to_string());
            out.push_str(",\"sub_technique\":");
            match &mitre.sub_technique {
                Some(sub) => write_json_string(&mut out, &sub.to_string()),
                None => out.push_str("null"),
            }
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"result\":{");
    for (index, (name, value)) in columns.iter().zip(values).enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_json_string(&mut out, name);
        out.push(':');
        value.write_json(&mut out);
    }
    out.push_str("}}");
    out
}

#[cfg(test)]
mod tests {
    use crate::scan::Chunk;

    #[test]
    fn chunk_lines_number_every_line_and_strip_line_ends() {
        let chunk = Chunk::of_lines(0, 0, &["a\r", "", "b"]);
        let lines: Vec<(u64, u64, &[u8])> = chunk.lines().collect();
        assert_eq!(
            lines,
            [(1, 0, &b"a"[..]), (2, 1, &b""[..]), (3, 2, &b"b"[..])]
        );
        assert_eq!(Chunk::of_lines(0, 0, &[]).lines().count(), 0);
    }
}
