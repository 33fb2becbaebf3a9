//! A worker's path for JSON records that an extraction rule normalises (Windows Sysmon events,
//! say): the record the query's own decoder makes of the line, with the fields the rule
//! makes of the same line laid over it.
//!
//! Which rule applies is decided once per input ([`ParserSet::json_rule_for`]); the rule's own
//! `where` then keeps it to the lines it is for, so the other lines of a mixed export pass
//! through unchanged.

use std::sync::Arc;

use sumoql_exec::{Pipeline, RunOptions};
use sumoql_io::read::{LineDecoder, MetadataOptions};
use sumoql_value::{Record, SlotId, Value, Warnings};

use super::overlay::Overlay;
use super::{ParserSet, Runners};
use crate::engine::Query;

/// One rule that reads JSON, ready to run in a worker.
struct JsonRuleRunner {
    /// Decodes the fields the rule reads.
    decoder: LineDecoder,
    pipeline: Pipeline,
    /// For each of the user's fields, the rule's slot of the same name, if any.
    copies: Vec<Option<SlotId>>,
}

impl JsonRuleRunner {
    fn new(
        query: &Query,
        overlay: &Overlay,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> Self {
        let plan = &query.plan;
        JsonRuleRunner {
            decoder: LineDecoder::new(
                &plan.read.fields,
                plan.schema.len(),
                false,
                metadata.clone(),
            ),
            pipeline: Pipeline::new(plan, options.clone()),
            copies: overlay.copies(&plan.schema),
        }
    }
}

/// The rules that read JSON, for the records of one query in one worker.
pub(crate) struct JsonRules {
    overlay: Overlay,
    runners: Runners<JsonRuleRunner>,
    metadata: MetadataOptions,
    options: RunOptions,
    /// The user's `_sourceCategory` slot, for the rule's category.
    category: Option<SlotId>,
}

impl JsonRules {
    /// The JSON path for records that `overlay` describes, with the rules of `set`.
    pub(super) fn new(
        set: Arc<ParserSet>,
        overlay: Overlay,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> JsonRules {
        let category = overlay
            .fields
            .iter()
            .find(|(name, _)| name == "_sourceCategory")
            .map(|&(_, slot)| slot);
        JsonRules {
            runners: Runners::new(set),
            overlay,
            metadata: metadata.clone(),
            options: options.clone(),
            category,
        }
    }

    /// Lays what rule `index` makes of `line` (read from `source_name`) over `record`, the
    /// query's record of the same line; a line the rule keeps out leaves it as it is.
    pub(crate) fn apply(
        &mut self,
        index: usize,
        line: &[u8],
        source_name: &str,
        record: &mut Record,
    ) {
        let (overlay, metadata, options) = (&self.overlay, &self.metadata, &self.options);
        let Some((rule, runner)) = self.runners.get(index, |rule, query| {
            debug_assert!(rule.reads_json);
            JsonRuleRunner::new(query, overlay, metadata, options)
        }) else {
            return;
        };
        // The line decoded already as the query's record, so it is a JSON object; warnings
        // of the rule (casts, dates) are about the log's text, not the user's query.
        let mut ignored = Warnings::default();
        let Ok(Some(input)) = runner.decoder.decode(line, source_name, &mut ignored) else {
            return;
        };
        runner.pipeline.push(input);
        runner.pipeline.take_warnings();
        let Some(output) = runner.pipeline.take_output().into_iter().next() else {
            return;
        };
        let Ok(query) = rule.query() else {
            return;
        };
        self.overlay
            .apply(&output, &query.plan.schema, &runner.copies, record);
        if let (Some(slot), Some(category)) = (self.category, &rule.category) {
            if record.get(slot).is_null() {
                record.set(slot, Value::text(category));
            }
        }
    }
}
