//! Warnings a run collects instead of failing: each kind is counted and reported as one summary
//! line, never dropped silently.

use std::collections::BTreeMap;
use std::fmt;

use crate::limits::{MATCHES_PER_RECORD, VALUES_PER_GROUP};

/// The kinds of things a run warns about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// A log line that is not a JSON object (or not UTF-8) was skipped.
    MalformedLine,
    /// A record was dropped because an IP function got something that is not an IPv4 (D4).
    InvalidIpDropped,
    /// A cast such as `toLong` got text that is not a number and gave null (D10).
    CastFailed,
    /// `values(f)` reached its cap of distinct values (D14).
    ValuesCapped,
    /// `parse regex … multi` met a record with more matches than the cap per record.
    MatchesCapped,
    /// A timestamp key could not be read; the receipt time was used (D9).
    BadTimestamp,
    /// A record carried no `_sourceCategory` and none was given.
    MissingSourceCategory,
    /// `accum`, `diff`, `total`, `smooth` or `rollingstd` met a row whose field is not a
    /// number: `total` leaves it out of the sum, the others drop the row.
    NonNumericSkipped,
    /// `outlier` or `predict` met a row whose field is not a number: the row is kept with null
    /// fields and its series goes on without it.
    NonNumericUnmeasured,
    /// `predict` met a time slice missing from its series and counted it as 0.
    MissingSliceZero,
    /// A lookup table repeats a key; the last row with that key is used.
    LookupDuplicateKeys,
    /// A raw (non-JSON) line that no extraction rule could parse was kept with only `_raw`
    /// and its metadata.
    UnparsedRawLine,
    /// `save` could not write its table (the rows were still output).
    TableNotSaved,
    /// An indicator file holds STIX indicators whose pattern `threatip` and `threatlookup`
    /// cannot match against one field; they were left out.
    ThreatIndicatorSkipped,
    /// A `logreduce` group reached its 10,000 signatures; the messages that joined none went
    /// to `Others`.
    SignaturesCapped,
    /// An operator reached a limit it holds to (rows of a join table, transactions…); its
    /// sample names the limit. The results miss what came past it.
    OperatorLimit,
    /// A subquery returned no rows, so the condition it stands for matches nothing.
    SubqueryEmpty,
    /// A subquery's rows were left out: past its `maxresults`, or with a null field.
    SubqueryRowsLeftOut,
}

impl WarningKind {
    /// What one summary line says about `count` occurrences.
    pub fn describe(self, count: u64) -> String {
        match self {
            WarningKind::MalformedLine => format!("{count} malformed line(s) skipped (not a JSON object)"),
            WarningKind::InvalidIpDropped => format!(
                "{count} record(s) dropped: an IP function got a value that is not a valid IPv4 address"
            ),
            WarningKind::CastFailed => format!("{count} value(s) could not be cast to a number and became null"),
            WarningKind::ValuesCapped => format!(
                "{count} group(s) hit the cap of {VALUES_PER_GROUP} distinct values in values()"
            ),
            WarningKind::MatchesCapped => format!(
                "{count} record(s) had more than {MATCHES_PER_RECORD} matches for a multi regex; only the first {MATCHES_PER_RECORD} were used"
            ),
            WarningKind::BadTimestamp => {
                format!("{count} record(s) had an unreadable timestamp; their receipt time was used")
            }
            WarningKind::MissingSourceCategory => {
                format!("{count} record(s) have no _sourceCategory (set one with --source-category)")
            }
            WarningKind::NonNumericSkipped => format!(
                "{count} row(s) skipped by accum, diff, total, smooth or rollingstd: the field is not a number"
            ),
            WarningKind::NonNumericUnmeasured => format!(
                "{count} row(s) kept unmeasured by outlier or predict: the field is not a number"
            ),
            WarningKind::MissingSliceZero => format!(
                "{count} missing time slice(s) counted as 0 by predict (fillmissing chooses another value)"
            ),
            WarningKind::LookupDuplicateKeys => format!(
                "{count} lookup table(s) repeat a key; the last row of each key is used"
            ),
            WarningKind::UnparsedRawLine => format!(
                "{count} raw line(s) no extraction rule could parse were kept with only _raw"
            ),
            WarningKind::TableNotSaved => format!("{count} table(s) could not be saved"),
            WarningKind::SignaturesCapped => format!(
                "{count} logreduce group(s) reached 10000 signatures; the messages that fit none are counted under Others"
            ),
            WarningKind::ThreatIndicatorSkipped => format!(
                "{count} indicator file(s) hold STIX patterns other than `=` comparisons joined by OR; those indicators were left out"
            ),
            WarningKind::OperatorLimit => {
                format!("{count} time(s) an operator reached its limit; its results are incomplete")
            }
            WarningKind::SubqueryEmpty => format!(
                "{count} subquery(ies) returned no rows: the condition each stands for matches nothing"
            ),
            WarningKind::SubqueryRowsLeftOut => {
                format!("{count} subquery row(s) left out")
            }
        }
    }
}

/// Counts of warnings by kind, plus a few sample messages (such as `file:line`) per kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Warnings {
    counts: BTreeMap<WarningKind, u64>,
    samples: BTreeMap<WarningKind, Vec<Sample>>,
}

/// A warning's sample message. A line number in it is kept apart from the text around it, so
/// that it can be moved once it is known where the lines it counts from begin (see
/// [`Warnings::shift_lines`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    text: String,
    /// The line number, and the byte of `text` before which it is shown.
    line: Option<(u64, usize)>,
}

impl Sample {
    /// The message `before`, line number `line`, `after`.
    pub fn at_line(before: &str, line: u64, after: &str) -> Sample {
        Sample {
            text: format!("{before}{after}"),
            line: Some((line, before.len())),
        }
    }
}

impl From<String> for Sample {
    fn from(text: String) -> Sample {
        Sample { text, line: None }
    }
}

impl fmt::Display for Sample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some((line, at)) => {
                let (before, after) = self.text.split_at(at);
                write!(f, "{before}{line}{after}")
            }
            None => f.write_str(&self.text),
        }
    }
}

pub use crate::limits::WARNING_SAMPLES;

impl Warnings {
    /// No warnings.
    pub fn new() -> Warnings {
        Warnings::default()
    }

    /// Counts one occurrence of `kind`.
    pub fn add(&mut self, kind: WarningKind) {
        *self.counts.entry(kind).or_insert(0) += 1;
    }

    /// Counts one occurrence of `kind` with a sample message, kept if fewer than
    /// [`WARNING_SAMPLES`] are held.
    pub fn add_with_sample<S: Into<Sample>>(
        &mut self,
        kind: WarningKind,
        sample: impl FnOnce() -> S,
    ) {
        self.add_many_with_sample(kind, 1, sample);
    }

    /// Counts `count` occurrences of `kind` under one sample message (such as a per-file
    /// summary), kept if fewer than [`WARNING_SAMPLES`] are held.
    pub fn add_many_with_sample<S: Into<Sample>>(
        &mut self,
        kind: WarningKind,
        count: u64,
        sample: impl FnOnce() -> S,
    ) {
        *self.counts.entry(kind).or_insert(0) += count;
        let samples = self.samples.entry(kind).or_default();
        if samples.len() < WARNING_SAMPLES {
            samples.push(sample().into());
        }
    }

    /// Adds `lines` to every line number the samples hold: they were counted from a chunk's
    /// first line, and `lines` came before it in its input.
    pub fn shift_lines(&mut self, lines: u64) {
        for sample in self.samples.values_mut().flatten() {
            if let Some((line, _)) = &mut sample.line {
                *line += lines;
            }
        }
    }

    /// How many of `kind` were counted.
    pub fn count(&self, kind: WarningKind) -> u64 {
        self.counts.get(&kind).copied().unwrap_or(0)
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Adds every count and sample of `other`.
    pub fn merge(&mut self, other: Warnings) {
        for (kind, count) in other.counts {
            *self.counts.entry(kind).or_insert(0) += count;
        }
        for (kind, samples) in other.samples {
            let mine = self.samples.entry(kind).or_default();
            for sample in samples {
                if mine.len() < WARNING_SAMPLES {
                    mine.push(sample);
                }
            }
        }
    }

    /// Each kind with its count and samples, in a fixed order.
    pub fn iter(&self) -> impl Iterator<Item = (WarningKind, u64, &[Sample])> {
        self.counts.iter().map(|(kind, count)| {
            (
                *kind,
                *count,
                self.samples.get(kind).map_or(&[][..], |s| s.as_slice()),
            )
        })
    }
}

impl fmt::Display for Warnings {
    /// One `warning: ...` line per kind, followed by its samples indented.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, count, samples) in self.iter() {
            writeln!(f, "warning: {}", kind.describe(count))?;
            for sample in samples {
                writeln!(f, "  {sample}")?;
            }
            // Unparsed raw lines are sampled per input with their own counts.
            let one_per_sample = kind != WarningKind::UnparsedRawLine;
            if one_per_sample && count > samples.len() as u64 && !samples.is_empty() {
                writeln!(f, "  ... and {} more", count - samples.len() as u64)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_in_samples_move_and_plain_samples_stay() {
        let mut warnings = Warnings::new();
        warnings.add_with_sample(WarningKind::MalformedLine, || {
            Sample::at_line("a.log:", 3, ": not JSON")
        });
        warnings.add_with_sample(WarningKind::CastFailed, || "line 7".to_string());
        warnings.shift_lines(40);
        let shown = warnings.to_string();
        assert!(shown.contains("  a.log:43: not JSON\n"), "{shown}");
        assert!(shown.contains("  line 7\n"), "{shown}");
    }
}
