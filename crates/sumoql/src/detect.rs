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

use std::io::{BufRead, BufReader};
use std::sync::Arc;

use sumoql_exec::{Pipeline, RunOptions};
use sumoql_io::read::{InputSource, LineDecoder, MetadataOptions, ReadError};
use sumoql_value::{write_json_string, Record, SlotId, SourceField, Value, WarningKind};

use crate::engine::Query;
use crate::output::{ColumnNames, OutputColumns};
use crate::rule::RuleMetadata;
use crate::run::{RunConfig, RunError, RunSummary};

/// One rule's share of a detection run: where its fields come from in the combined record.
struct RuleFeed<'q> {
    query: &'q Query,
    pipeline: Pipeline,
    output: OutputColumns,
    /// `(combined slot, rule slot)` for every field the rule reads.
    copies: Vec<(SlotId, SlotId)>,
    /// For each combined slot, the rule's slot of the same name, if it reads that field.
    by_combined: Vec<Option<SlotId>>,
    width: usize,
    whole_records: bool,
}

impl RuleFeed<'_> {
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

/// Runs every query of `queries` over `sources` in one pass, calling `sink` with each alert.
pub fn detect(
    queries: &[&Query],
    sources: &[InputSource],
    config: &RunConfig,
    sink: &mut AlertSink<'_>,
) -> Result<DetectSummary, RunError> {
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
    let mut decoder = LineDecoder::new(
        &fields,
        names.len(),
        whole_records,
        MetadataOptions {
            source_category: config.source_category.clone(),
            receipt_time_ms: config.now_ms,
            zone: config.zone,
            window: config.window,
        },
    );
    let mut feeds: Vec<RuleFeed<'_>> = queries
        .iter()
        .map(|query| {
            let plan = &query.plan;
            let combined_slot =
                |name: &str| names.iter().position(|known| **known == *name).unwrap_or(0);
            let copies: Vec<(SlotId, SlotId)> = plan
                .read
                .fields
                .iter()
                .map(|(name, slot)| (combined_slot(name), *slot))
                .collect();
            let mut by_combined = vec![None; names.len()];
            for &(from, to) in &copies {
                by_combined[from] = Some(to);
            }
            RuleFeed {
                query,
                pipeline: Pipeline::new(plan, options.clone()),
                output: OutputColumns::new(plan),
                copies,
                by_combined,
                width: plan.schema.len(),
                whole_records: plan.read.whole_records,
            }
        })
        .collect();
    let mut summary = DetectSummary {
        alerts_per_rule: vec![0; feeds.len()],
        ..DetectSummary::default()
    };
    for query in queries {
        summary.run.warnings.merge(query.plan.warnings());
    }
    let mut emit =
        |index: usize, feed: &RuleFeed<'_>, records: Vec<Record>, summary: &mut DetectSummary| {
            for record in records {
                let (columns, values) = feed.output.row(&feed.query.plan, &record);
                sink(index, columns, values)?;
                summary.alerts_per_rule[index] += 1;
                summary.run.rows_written += 1;
            }
            Ok::<(), RunError>(())
        };
    let mut position = 0u64;
    for source in sources {
        let name = source.name();
        let mut reader = BufReader::new(source.open_bytes()?);
        let mut line = Vec::new();
        let mut number = 0u64;
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| RunError::Read(ReadError::Read(name.clone(), e)))?;
            if read == 0 {
                break;
            }
            number += 1;
            position += 1;
            let text = line.strip_suffix(b"\n").unwrap_or(&line);
            let text = text.strip_suffix(b"\r").unwrap_or(text);
            if text.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            summary.run.lines_read += 1;
            let combined = match decoder.decode(text, &name, &mut summary.run.warnings) {
                Ok(Some(record)) => record,
                Ok(None) => continue,
                Err(error) if config.strict => {
                    return Err(RunError::MalformedLine {
                        source_name: name,
                        line: number,
                        message: error.0,
                    })
                }
                Err(error) => {
                    summary
                        .run
                        .warnings
                        .add_with_sample(WarningKind::MalformedLine, || {
                            format!("{name}:{number}: {error}")
                        });
                    continue;
                }
            };
            for (index, feed) in feeds.iter_mut().enumerate() {
                feed.pipeline.set_position(position);
                let record = feed.record_from(&combined, &names);
                feed.pipeline.push(record);
                let records = feed.pipeline.take_output();
                emit(index, feed, records, &mut summary)?;
            }
        }
    }
    for (index, feed) in feeds.iter_mut().enumerate() {
        let records = feed.pipeline.finish();
        summary.run.warnings.merge(feed.pipeline.take_warnings());
        emit(index, feed, records, &mut summary)?;
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
