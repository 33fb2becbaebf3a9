//! A worker's raw-line path: the record of each line that is not a JSON object, filled by the
//! extraction rule that applies to it.

use std::collections::BTreeMap;
use std::sync::Arc;

use sumoql_exec::{Pipeline, RunOptions};
use sumoql_io::read::{is_raw_line, text_of_line, MetadataOptions, RawLineDecoder, SyslogHeader};
use sumoql_value::{Record, Sample, SlotId, Value, WarningKind, Warnings};

use super::overlay::{rule_field, Overlay};
use super::{ExtractionRule, ParserSet, Runners, SourceChoice};
use crate::engine::Query;

/// One rule, ready to run in a worker: its decoder, pipeline and which of its fields go to
/// which slot of the user's record.
pub(super) struct RuleRunner {
    decoder: RawLineDecoder,
    pipeline: Pipeline,
    /// For each of the user's fields, the rule's slot of the same name, if any.
    copies: Vec<Option<SlotId>>,
    /// The rule's fields that show a parse (by slot when the rule names them), and its
    /// `_messageTime`.
    evidence: Vec<(String, Option<SlotId>)>,
    time: Option<SlotId>,
}

impl RuleRunner {
    fn new(
        rule: &ExtractionRule,
        query: &Query,
        overlay: &Overlay,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> RuleRunner {
        let plan = &query.plan;
        let schema = &plan.schema;
        RuleRunner {
            decoder: RawLineDecoder::new(&plan.read.fields, schema.len(), metadata.clone()),
            pipeline: Pipeline::new(plan, options.clone()),
            copies: overlay.copies(schema),
            evidence: rule
                .evidence
                .iter()
                .map(|name| (name.clone(), schema.slot(name)))
                .collect(),
            time: schema.slot("_messageTime"),
        }
    }
}

/// Lines of the current chunk their rule did not parse, by rule: count, first line, and the
/// rule detection chooses for the first one.
type Unparsed = BTreeMap<usize, (u64, u64, Option<usize>)>;

/// A worker's raw-line path: decodes raw lines, runs the chosen rule on each and copies its
/// fields into records of the user's plan.
pub(crate) struct RawLines {
    set: Arc<ParserSet>,
    decoder: RawLineDecoder,
    overlay: Overlay,
    runners: Runners<RuleRunner>,
    options: RunOptions,
    choice: Option<(String, SourceChoice)>,
    unparsed: Unparsed,
    /// Records left out for their time since the last report.
    outside_window: u64,
}

impl RawLines {
    /// The raw-line path for records of `width` slots that `overlay` describes, with the
    /// rules of `set`.
    pub(super) fn new(
        set: Arc<ParserSet>,
        overlay: Overlay,
        width: usize,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> RawLines {
        RawLines {
            decoder: RawLineDecoder::new(&overlay.fields, width, metadata.clone()),
            runners: Runners::new(set.clone()),
            options: options.clone(),
            set,
            overlay,
            choice: None,
            unparsed: Unparsed::new(),
            outside_window: 0,
        }
    }

    /// What applies to the input named `source_name`, remembered while the input lasts.
    fn choice_for(&mut self, source_name: &str) -> &SourceChoice {
        if self
            .choice
            .as_ref()
            .is_none_or(|(name, _)| name != source_name)
        {
            self.choice = Some((source_name.to_string(), self.set.choice_for(source_name)));
        }
        let (_, choice) = self.choice.get_or_insert_with(Default::default);
        choice
    }

    /// The `_sourceCategory` the mapping (or `--source-category`) gives the input named
    /// `source_name`, else the run's default, for its JSON records that carry none.
    pub(crate) fn category_for(&mut self, source_name: &str) -> Option<String> {
        let default = self.decoder.metadata().source_category.clone();
        self.choice_for(source_name).category.clone().or(default)
    }

    /// Reads `line` of `source_name` raw when it is not a JSON object: `None` when it is one
    /// (or is not UTF-8), so it goes on to the JSON decoder; `Some(None)` when it is outside
    /// the run's time window. A line no rule applies to is a record of its text and header.
    pub(crate) fn decode(
        &mut self,
        line: &[u8],
        source_name: &str,
        number: u64,
    ) -> Option<Option<Record>> {
        if !is_raw_line(line) {
            return None;
        }
        let text = text_of_line(line).ok()?;
        let header = self.decoder.header(text);
        let body = text.get(header.body_start..).unwrap_or("");
        let choice = self.choice_for(source_name).clone();
        // A rule that reads JSON, mapped or forced, leaves raw lines to detection.
        let forced = choice
            .parser
            .filter(|&index| self.set.rules.get(index).is_some_and(|r| !r.reads_json));
        let rule = forced.or_else(|| self.set.detect(body));
        let category = choice
            .category
            .clone()
            .or_else(|| rule.and_then(|i| self.set.rules.get(i)?.category.clone()));
        let mut record = self
            .decoder
            .decode(text, &header, source_name, category.as_deref());
        let mut time_ms = header
            .time_ms
            .unwrap_or(self.decoder.metadata().receipt_time_ms);
        if let Some(index) = rule {
            match self.apply_rule(index, text, &header, source_name, category, &mut record) {
                Some(rule_time) => time_ms = rule_time.unwrap_or(time_ms),
                None => {
                    let looks_like = forced.and_then(|_| self.set.detect(body));
                    let entry = self
                        .unparsed
                        .entry(index)
                        .or_insert((0, number, looks_like));
                    entry.0 += 1;
                }
            }
        }
        if !self.decoder.metadata().in_window(time_ms) {
            self.outside_window += 1;
            return Some(None);
        }
        Some(Some(record))
    }

    /// Runs rule `index` over the line and copies its fields into `record`. Returns the
    /// rule's `_messageTime` when it parsed the line, `None` when it did not.
    fn apply_rule(
        &mut self,
        index: usize,
        text: &str,
        header: &SyslogHeader,
        source_name: &str,
        category: Option<String>,
        record: &mut Record,
    ) -> Option<Option<i64>> {
        let (overlay, metadata, options) = (&self.overlay, self.decoder.metadata(), &self.options);
        let (rule, runner) = self.runners.get(index, |rule, query| {
            RuleRunner::new(rule, query, overlay, metadata, options)
        })?;
        let input = runner
            .decoder
            .decode(text, header, source_name, category.as_deref());
        runner.pipeline.push(input);
        // Warnings of rules (casts, dates) are about the vendor's text, not the user's query.
        runner.pipeline.take_warnings();
        let output = runner.pipeline.take_output().into_iter().next()?;
        let parsed = runner
            .evidence
            .iter()
            .any(|(name, slot)| !rule_field(&output, *slot, name).is_null());
        if !parsed {
            return None;
        }
        let schema = &rule.query().ok()?.plan.schema;
        self.overlay.apply(&output, schema, &runner.copies, record);
        let time = runner.time.and_then(|slot| match output.get(slot) {
            Value::Int(ms) => Some(*ms),
            _ => None,
        });
        Some(time)
    }

    /// Counts the lines of the chunk just read that their rule did not parse, one sample per
    /// input and rule, and starts afresh; returns how many records were left out for their
    /// time.
    pub(crate) fn report(&mut self, source_name: &str, warnings: &mut Warnings) -> u64 {
        let name_of = |index: usize| self.set.rules.get(index).map_or("?", |r| r.name.as_str());
        for (rule, (count, first, looks_like)) in std::mem::take(&mut self.unparsed) {
            warnings.add_many_with_sample(WarningKind::UnparsedRawLine, count, || {
                let hint = looks_like
                    .filter(|vendor| *vendor != rule)
                    .map(|vendor| format!("; they look like {} lines", name_of(vendor)))
                    .unwrap_or_default();
                let before = format!(
                    "{source_name}: {count} line(s) not parsed by rule {} (first at line ",
                    name_of(rule)
                );
                Sample::at_line(&before, first, &format!("){hint}"))
            });
        }
        std::mem::take(&mut self.outside_window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Engine;

    /// Every prefix of real vendor lines (cut at each character, multibyte ones included)
    /// goes through header parsing, detection and the rules without a panic, and comes out
    /// as one record.
    #[test]
    fn truncated_and_odd_lines_never_panic() {
        let samples = [
            "<166>Mar 10 2026 10:00:00 asa : %ASA-6-302013: Built outbound TCP connection 1 for o:203.0.113.50/445 (203.0.113.50/445) to i:10.2.2.7/5 (198.51.100.7/5)(LOCAL\\bö)",
            "Nov 30 16:09:08 PA-220 1,2018/11/30 16:09:07,0128,TRAFFIC,end,2049,2018/11/30 16:09:07,192.168.15.207,175.16.199.1,,,r,ü,,app",
            "May  5 17:51:17 dev01: %FTD-4-106023: Deny udp src v1:outside:2a02:cf40::6fc6/54864(LOCAL\\ö, 1) dst v2:in:sïde:172.16.1.3/53 by access-group \"a\"",
            "1,2021/10/25 20:25:39,,CONFIG,0,2561,2021/10/25 20:25:39,81.2.69.193,,set,admin,Web,Succeeded, \"a,\"\"b\"\"\",é",
            "<189>date=2020-04-23 time=01:16:08 devid=\"x\" logid=\"1\" srcip=10.0.0.1 msg=\"a \\\"q\\\" é\" tz=\"-0500\"",
            "<34>1 2024-03-04T10:15:02.123Z h a p m [x y=\"\\]\"] Mär 10 ☃",
        ];
        let mut lines = Vec::new();
        for sample in samples {
            for (index, _) in sample.char_indices().skip(1) {
                lines.push(&sample[..index]);
            }
        }
        let engine = Engine::new();
        let query = engine.compile("* | fields _raw, src_ip, action").unwrap();
        let result = crate::run_lines(&query, &lines, &crate::RunConfig::default()).unwrap();
        let malformed = result.summary.warnings.count(WarningKind::MalformedLine);
        assert_eq!(result.rows.len() as u64 + malformed, lines.len() as u64);
    }
}
