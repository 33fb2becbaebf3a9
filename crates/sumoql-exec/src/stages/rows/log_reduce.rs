//! `logreduce`: records grouped by the signature of their text, one row per signature.
//!
//! The algorithm, deterministic for a given record order (Sumo's, newest first):
//!
//! 1. The text is cut into words at white space.
//! 2. Each word is masked: a word holding `://` is `$URL`; a date or a time of day (`2024-03-01`,
//!    `[02/Dec/2025:08:40:01`, `08:40:01`, a month name) is `$DATE`, the words of one date
//!    (`Dec  2 08:40:01`) making one; any other word holding a digit (a number, an address, an
//!    id, `sshd[311]:`) is the wildcard `**********`.
//! 3. Within each `by` group, a message joins the first signature (in order of creation) with
//!    as many words whose words agree at half the positions or more, a wildcard agreeing with
//!    anything; the positions that disagree become wildcards. A message that joins none starts
//!    a signature of its own.
//!    Past 10,000 signatures in a group, such a message counts under `Others` (with a warning).
//! 4. Signatures whose text ends up the same are one; the rows are ordered by count (rarest
//!    first, or most common first with `criteria=mostcommon`), then by the `by` values and the
//!    signature's text, and `limit` keeps the first rows.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use sumoql_functions::CallContext;
use sumoql_plan::{LogReduceSpec, ReduceCriteria};
use sumoql_value::limits::LOGREDUCE_SIGNATURES;
use sumoql_value::{compare_group_keys, GroupKey, Record, Value, WarningKind};

use super::key_of;
use crate::stages::Stage;

/// The placeholder of a word that varies.
const WILDCARD: &str = "**********";

/// The share of agreeing positions a message needs to join a signature.
const SIMILARITY: f64 = 0.5;

/// The signature of the messages past [`LOGREDUCE_SIGNATURES`].
const OTHERS: &str = "Others";

/// Dates and times of day at the start of a word.
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\[(]?(\d{4}-\d{2}-\d{2}|\d{1,2}/[A-Za-z]{3}/\d{4}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}:\d{2}:\d{2})")
        .expect("the date pattern is valid")
});

/// The month names that start a syslog time (`Dec  2 08:40:01`).
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The mask of one word.
fn mask(word: &str) -> &str {
    if word.contains("://") {
        "$URL"
    } else if DATE.is_match(word) || MONTHS.contains(&word) {
        "$DATE"
    } else if word.bytes().any(|b| b.is_ascii_digit()) {
        WILDCARD
    } else {
        word
    }
}

/// The masked words of `text`; the words of one date (`Dec 2 08:40:01`: a month, a day of
/// one or two digits, a time) make one `$DATE`.
fn masked_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let masked = mask(word);
        let after_date = words.last().is_some_and(|last| last == "$DATE");
        let is_day = word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit());
        if after_date && (masked == "$DATE" || is_day) {
            continue;
        }
        words.push(masked.to_string());
    }
    words
}

/// One signature: its words and how many messages it holds.
struct Signature {
    words: Vec<String>,
    count: u64,
}

impl Signature {
    /// Whether `words` agree with the signature at half the positions or more.
    fn admits(&self, words: &[String]) -> bool {
        if words.len() != self.words.len() {
            return false;
        }
        if words.is_empty() {
            return true;
        }
        let agreeing = self
            .words
            .iter()
            .zip(words)
            .filter(|(mine, theirs)| *mine == WILDCARD || mine == theirs)
            .count();
        agreeing as f64 >= SIMILARITY * words.len() as f64
    }

    /// Takes in a message's words: the positions that disagree become wildcards.
    fn absorb(&mut self, words: &[String]) {
        for (mine, theirs) in self.words.iter_mut().zip(words) {
            if mine != theirs {
                *mine = WILDCARD.to_string();
            }
        }
        self.count += 1;
    }
}

/// Clusters each group's messages into signatures; emits the rows at the end.
pub(crate) struct LogReduceStage {
    spec: LogReduceSpec,
    width: usize,
    /// Each group's signatures by their number of words.
    groups: HashMap<GroupKey, Group>,
    /// The most signatures a group makes ([`LOGREDUCE_SIGNATURES`]).
    cap: usize,
}

/// The signatures of one `by` group.
#[derive(Default)]
struct Group {
    by_length: HashMap<usize, Vec<Signature>>,
    made: usize,
    others: u64,
}

impl LogReduceStage {
    pub(crate) fn new(spec: LogReduceSpec, width: usize) -> LogReduceStage {
        LogReduceStage {
            spec,
            width,
            groups: HashMap::new(),
            cap: LOGREDUCE_SIGNATURES,
        }
    }
}

impl Stage for LogReduceStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, ctx: &mut CallContext) {
        let Some(text) = record.get(self.spec.field).to_text() else {
            return;
        };
        let words = masked_words(&text);
        let group = self
            .groups
            .entry(key_of(&record, &self.spec.by))
            .or_default();
        let signatures = group.by_length.entry(words.len()).or_default();
        if let Some(signature) = signatures.iter_mut().find(|s| s.admits(&words)) {
            signature.absorb(&words);
        } else if group.made < self.cap {
            signatures.push(Signature { words, count: 1 });
            group.made += 1;
        } else {
            if group.others == 0 {
                ctx.warn(WarningKind::SignaturesCapped);
            }
            group.others += 1;
        }
    }

    fn finish(&mut self, out: &mut Vec<Record>, _ctx: &mut CallContext) {
        let mut rows: HashMap<(GroupKey, String), u64> = HashMap::new();
        for (key, group) in self.groups.drain() {
            for signature in group.by_length.into_values().flatten() {
                *rows
                    .entry((key.clone(), signature.words.join(" ")))
                    .or_default() += signature.count;
            }
            if group.others > 0 {
                *rows.entry((key, OTHERS.to_string())).or_default() += group.others;
            }
        }
        let mut rows: Vec<((GroupKey, String), u64)> = rows.into_iter().collect();
        let most_common_first = self.spec.criteria == ReduceCriteria::MostCommon;
        rows.sort_by(|((key_a, text_a), count_a), ((key_b, text_b), count_b)| {
            let by_count = if most_common_first {
                count_b.cmp(count_a)
            } else {
                count_a.cmp(count_b)
            };
            by_count
                .then_with(|| compare_group_keys(&key_a.0, &key_b.0))
                .then_with(|| text_a.cmp(text_b))
        });
        let limit = self.spec.limit.map_or(usize::MAX, |n| n as usize);
        for ((key, text), count) in rows.into_iter().take(limit) {
            let mut record = Record::with_width(self.width);
            for (&slot, value) in self.spec.by.iter().zip(key.0) {
                record.set(slot, value);
            }
            record.set(self.spec.signature, Value::text(text));
            record.set(self.spec.count, Value::Int(count as i64));
            out.push(record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_digits_dates_and_urls_are_masked() {
        assert_eq!(
            masked_words("2024-03-01T10:00:00Z GET http://a.example/x from 10.0.0.1 status ok"),
            ["$DATE", "GET", "$URL", "from", WILDCARD, "status", "ok"]
        );
        assert_eq!(
            masked_words("[02/Dec/2025:08:40:01 +0000] 08:40:01 user"),
            ["$DATE", WILDCARD, "$DATE", "user"]
        );
        assert_eq!(
            masked_words("Dec  2 08:40:01 web1 sshd[311]: Accepted"),
            ["$DATE", WILDCARD, WILDCARD, "Accepted"]
        );
    }

    /// A word of letters only, different for each `n`.
    fn letters(mut n: usize) -> String {
        let mut word = String::new();
        loop {
            word.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
            if n == 0 {
                return word;
            }
        }
    }

    #[test]
    fn past_the_cap_unmatched_messages_count_under_others_with_a_warning() {
        let spec = LogReduceSpec {
            field: 0,
            by: Vec::new(),
            limit: None,
            criteria: ReduceCriteria::MostCommon,
            signature: 1,
            count: 2,
        };
        let cap = 50;
        let mut stage = LogReduceStage {
            cap,
            ..LogReduceStage::new(spec, 3)
        };
        let mut ctx = CallContext::default();
        let mut out = Vec::new();
        for n in 0..cap + 2 {
            let mut record = Record::with_width(3);
            record.set(0, Value::text(letters(n)));
            stage.push(record, &mut out, &mut ctx);
        }
        stage.finish(&mut out, &mut ctx);
        assert_eq!(out.len(), cap + 1);
        assert_eq!(out[0].get(1), &Value::text(OTHERS));
        assert_eq!(out[0].get(2), &Value::Int(2));
        assert!(!ctx.warnings.is_empty());
    }

    #[test]
    fn a_message_joins_a_signature_it_half_agrees_with() {
        let mut signature = Signature {
            words: masked_words("Accepted password for alice from"),
            count: 1,
        };
        let bob = masked_words("Accepted password for bob from");
        assert!(signature.admits(&bob));
        signature.absorb(&bob);
        assert_eq!(
            signature.words.join(" "),
            "Accepted password for ********** from"
        );
        assert!(!signature.admits(&masked_words("Failed login of carol at home")));
        assert!(!signature.admits(&masked_words("Accepted password")));
    }
}
