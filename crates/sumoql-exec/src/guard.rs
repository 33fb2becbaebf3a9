//! The line guard: the part of the early filter that can be judged on a line's raw field
//! texts, before any value of the line is made.
//!
//! Most lines of a detection fail its scope or its first `where` stages. The guard lets the
//! reader refuse them from the texts the scanner found, with no record, no interning and no
//! expression evaluation. It never decides more than the early filter would: it refuses a line
//! only when the filter is certain to refuse it, and only from tests that count no warning
//! (a function call may warn, so the guard stops at the first condition that holds one).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use sumoql_io::read::{LineGuard, RawText};
use sumoql_plan::{BinaryOp, PlanExpr, ScopeFilter, TextPattern, Wildcard};
use sumoql_value::{SlotId, Value};

/// The tests of an early filter that can be judged on raw texts.
///
/// All the tests must pass, so their order changes no outcome; the guard tries first those
/// that refused the most lines so far, which is where most lines are refused at the least
/// cost. (The counts are atomics only so that the guard can be shared; each reader has its
/// own.)
pub struct EarlyGuard {
    /// The scope, when it is not made of field tests only.
    scope: Option<ScopeFilter>,
    tests: Vec<FieldTest>,
    /// How many lines each test refused.
    refusals: Vec<AtomicU64>,
    /// The order in which the tests are tried: indexes into `tests`.
    order: Vec<AtomicUsize>,
    /// Lines judged since the order was last revised.
    judged: AtomicU64,
}

/// How many lines pass between two revisions of the order of the tests.
const LINES_PER_REORDER: u64 = 4096;

/// One test on a field's text that a record must pass.
enum FieldTest {
    /// `f in ("a", "b")`, `f = "a"` (or, negated, `not in` and `!=`): null fails.
    OneOf {
        slot: SlotId,
        texts: TextSet,
        negated: bool,
    },
    /// The scope's `f=a* OR f=b`: the field's text matches one of the patterns; null fails.
    Scope {
        slot: SlotId,
        patterns: Vec<Wildcard>,
    },
    /// `f matches "a*"` (or `not matches`): null fails.
    Matches {
        slot: SlotId,
        pattern: TextPattern,
        negated: bool,
    },
}

impl EarlyGuard {
    /// The guard of a scope and the leading `where` conditions, or `None` when none of them
    /// can be judged on raw texts.
    pub(crate) fn of(scope: &ScopeFilter, conditions: &[PlanExpr]) -> Option<EarlyGuard> {
        let mut tests = Vec::new();
        let scope = match scope_tests(scope) {
            Some(scope_tests) => {
                tests.extend(scope_tests);
                None
            }
            None => Some(scope.clone()),
        };
        for condition in conditions {
            // The conditions run in order and stop at the first that fails; a call may count
            // a warning, so no later test may refuse a record before it runs.
            if condition.contains(&|e| matches!(e, PlanExpr::Call { .. })) {
                break;
            }
            collect_tests(condition, &mut tests);
        }
        let useful = !tests.is_empty() || scope.is_some();
        useful.then(|| EarlyGuard {
            scope,
            refusals: tests.iter().map(|_| AtomicU64::new(0)).collect(),
            order: (0..tests.len()).map(AtomicUsize::new).collect(),
            judged: AtomicU64::new(0),
            tests,
        })
    }

    /// Puts the tests that refused the most lines first.
    fn reorder(&self) {
        let mut order: Vec<usize> = (0..self.tests.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.refusals[i].load(Ordering::Relaxed)));
        for (slot, test) in self.order.iter().zip(order) {
            slot.store(test, Ordering::Relaxed);
        }
    }
}

impl LineGuard for EarlyGuard {
    fn refuses<'t>(&self, text_of: &dyn Fn(SlotId) -> RawText<'t>) -> bool {
        let known = |slot| match text_of(slot) {
            RawText::Null => Some(None),
            RawText::Text(bytes) => std::str::from_utf8(bytes)
                .ok()
                .map(|t| Some(Cow::Borrowed(t))),
            RawText::Unknown => None,
        };
        if self.scope.as_ref().and_then(|scope| scope.judge(&known)) == Some(false) {
            return true;
        }
        let judged = self.judged.load(Ordering::Relaxed) + 1;
        self.judged
            .store(judged % LINES_PER_REORDER, Ordering::Relaxed);
        if judged == LINES_PER_REORDER {
            self.reorder();
        }
        let refusing = self
            .order
            .iter()
            .map(|i| i.load(Ordering::Relaxed))
            .find(|&i| self.tests.get(i).is_some_and(|test| test.fails(text_of)));
        if let Some(i) = refusing {
            let refusals = &self.refusals[i];
            refusals.store(refusals.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        }
        refusing.is_some()
    }
}

impl FieldTest {
    /// Whether the test surely fails for a field of this text.
    fn fails<'t>(&self, text_of: &dyn Fn(SlotId) -> RawText<'t>) -> bool {
        let (slot, negated) = match self {
            FieldTest::OneOf { slot, negated, .. } | FieldTest::Matches { slot, negated, .. } => {
                (*slot, *negated)
            }
            FieldTest::Scope { slot, .. } => (*slot, false),
        };
        let bytes = match text_of(slot) {
            RawText::Null => return true,
            RawText::Unknown => return false,
            RawText::Text(bytes) => bytes,
        };
        // The bytes are UTF-8; were they not, nothing could be judged.
        let Some(holds) = (match self {
            FieldTest::OneOf { texts, .. } => Some(texts.contains(bytes)),
            FieldTest::Matches { pattern, .. } => {
                std::str::from_utf8(bytes).ok().map(|t| pattern.is_match(t))
            }
            FieldTest::Scope { patterns, .. } => std::str::from_utf8(bytes)
                .ok()
                .map(|t| patterns.iter().any(|p| p.matches_whole(t))),
        }) else {
            return false;
        };
        holds == negated
    }
}

/// The texts of an `in` list or of a comparison, to test a field's bytes against: a text of
/// up to eight bytes is compared as one number (and its length), a longer one byte by byte.
struct TextSet {
    short: Vec<(u64, usize)>,
    long: Vec<Arc<str>>,
}

impl TextSet {
    fn new(texts: Vec<Arc<str>>) -> TextSet {
        let mut set = TextSet {
            short: Vec::new(),
            long: Vec::new(),
        };
        for text in texts {
            match as_number(text.as_bytes()) {
                Some(number) => set.short.push((number, text.len())),
                None => set.long.push(text),
            }
        }
        set
    }

    /// Whether `bytes` are one of the texts.
    #[inline]
    fn contains(&self, bytes: &[u8]) -> bool {
        match as_number(bytes) {
            Some(number) => self
                .short
                .iter()
                .any(|&(n, length)| n == number && length == bytes.len()),
            None => self.long.iter().any(|t| t.as_bytes() == bytes),
        }
    }
}

/// Up to eight bytes as one number, the first in the lowest bits.
#[inline]
fn as_number(bytes: &[u8]) -> Option<u64> {
    (bytes.len() <= 8).then(|| {
        bytes
            .iter()
            .rev()
            .fold(0, |number, &b| number << 8 | u64::from(b))
    })
}

/// The scope as field tests, when it is `*` or made of `f=pattern` joined by `AND`, and by
/// `OR` on one field.
fn scope_tests(scope: &ScopeFilter) -> Option<Vec<FieldTest>> {
    match scope {
        ScopeFilter::All => Some(Vec::new()),
        ScopeFilter::And(a, b) => {
            let mut tests = scope_tests(a)?;
            tests.extend(scope_tests(b)?);
            Some(tests)
        }
        _ => {
            let (slot, patterns) = one_field_patterns(scope)?;
            Some(vec![FieldTest::Scope { slot, patterns }])
        }
    }
}

/// The field and patterns of `f=a OR f=b OR …`.
fn one_field_patterns(scope: &ScopeFilter) -> Option<(SlotId, Vec<Wildcard>)> {
    match scope {
        ScopeFilter::FieldMatch { slot, pattern } => Some((*slot, vec![pattern.clone()])),
        ScopeFilter::Or(a, b) => {
            let (slot, mut patterns) = one_field_patterns(a)?;
            let (other, more) = one_field_patterns(b)?;
            (slot == other).then(|| {
                patterns.extend(more);
                (slot, patterns)
            })
        }
        _ => None,
    }
}

/// Adds the field tests that `condition` being true implies.
fn collect_tests(condition: &PlanExpr, tests: &mut Vec<FieldTest>) {
    match condition {
        PlanExpr::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => {
            collect_tests(left, tests);
            collect_tests(right, tests);
        }
        PlanExpr::In {
            value,
            list,
            negated,
        } => {
            let texts: Option<Vec<Arc<str>>> = list.iter().map(text_literal).collect();
            if let (PlanExpr::Field(slot), Some(texts)) = (&**value, texts) {
                tests.push(FieldTest::OneOf {
                    slot: *slot,
                    texts: TextSet::new(texts),
                    negated: *negated,
                });
            }
        }
        PlanExpr::Binary {
            op: op @ (BinaryOp::Eq | BinaryOp::NotEq),
            left,
            right,
        } => {
            let pair = match (&**left, &**right) {
                (PlanExpr::Field(slot), other) | (other, PlanExpr::Field(slot)) => {
                    text_literal(other).map(|text| (*slot, text))
                }
                _ => None,
            };
            if let Some((slot, text)) = pair {
                tests.push(FieldTest::OneOf {
                    slot,
                    texts: TextSet::new(vec![text]),
                    negated: *op == BinaryOp::NotEq,
                });
            }
        }
        PlanExpr::Matches {
            value,
            pattern,
            negated,
        } => {
            if let PlanExpr::Field(slot) = &**value {
                tests.push(FieldTest::Matches {
                    slot: *slot,
                    pattern: pattern.clone(),
                    negated: *negated,
                });
            }
        }
        _ => {}
    }
}

/// A text literal's text: two texts compare byte by byte (D6), so a field's text decides.
fn text_literal(expr: &PlanExpr) -> Option<Arc<str>> {
    match expr {
        PlanExpr::Literal(Value::Text(text)) => Some(text.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_io::read::{LineDecoder, MetadataOptions};
    use sumoql_plan::plan_query;
    use sumoql_syntax::parse_query;
    use sumoql_value::{Record, Warnings};

    use crate::{Pipeline, RunOptions};

    /// What reading one line gives: the record the early filter admits (or none, or the
    /// line's error), and the warnings counted.
    type Outcome = (Result<Option<Record>, String>, Warnings);

    fn read(query: &str, line: &str, guarded: bool, category: Option<&str>) -> Outcome {
        let plan = plan_query(&parse_query(query).unwrap(), &Registry::standard()).unwrap();
        let mut pipeline = Pipeline::worker(&plan, RunOptions::default());
        let metadata = MetadataOptions {
            source_category: category.map(str::to_string),
            ..MetadataOptions::default()
        };
        let mut decoder = LineDecoder::new(
            &plan.read.fields,
            plan.schema.len(),
            plan.read.whole_records,
            metadata,
        );
        decoder.set_early_slots(pipeline.early_filter().slots());
        if guarded {
            if let Some(guard) = pipeline.early_filter().line_guard() {
                decoder.set_guard(std::sync::Arc::new(guard));
            }
        }
        let mut warnings = Warnings::new();
        let record = decoder
            .decode_filtered(line.as_bytes(), "test", &mut warnings, |r| {
                pipeline.admits(r)
            })
            .map_err(|e| e.0);
        warnings.merge(pipeline.take_warnings());
        (record, warnings)
    }

    /// Once the guard has reordered its tests (after thousands of lines), it still refuses
    /// exactly the lines a fresh guard refuses.
    #[test]
    fn reordering_the_tests_changes_no_outcome() {
        use super::{EarlyGuard, LineGuard};
        use sumoql_io::read::RawText;
        let query =
            "_sourceCategory=a* | where port in (\"21\", \"22\") | where action != \"deny\"";
        let plan = plan_query(&parse_query(query).unwrap(), &Registry::standard()).unwrap();
        let slot = |name: &str| plan.schema.slot(name).unwrap();
        let (category, port, action) = (slot("_sourceCategory"), slot("port"), slot("action"));
        let guard_of = || {
            let pipeline = Pipeline::worker(&plan, RunOptions::default());
            pipeline.early_filter().line_guard().unwrap()
        };
        let used: EarlyGuard = guard_of();
        let categories = ["a/x", "b/y", "A"];
        let ports = ["21", "80", "22", "443", "8080"];
        let actions = ["deny", "allow"];
        for line in 0..20_000usize {
            let texts = (
                categories[line % 3],
                ports[line / 3 % 5],
                actions[line / 15 % 2],
            );
            let text_of = |s| match s {
                s if s == category => RawText::Text(texts.0.as_bytes()),
                s if s == port => RawText::Text(texts.1.as_bytes()),
                s if s == action => RawText::Text(texts.2.as_bytes()),
                _ => RawText::Unknown,
            };
            let fresh: EarlyGuard = guard_of();
            assert_eq!(used.refuses(&text_of), fresh.refuses(&text_of), "{texts:?}");
        }
    }

    /// A line refused by the guard is one the early filter refuses, with the same warnings;
    /// an admitted one is the same record: on lines built to trip a reader that looks at raw
    /// texts (escapes, duplicate and nested keys, nulls, numbers, case, missing fields).
    #[test]
    fn the_guard_refuses_only_what_the_early_filter_refuses() {
        let queries = [
            "_sourceCategory=net* | where port in (\"21\", \"22\") | where action = \"allow\"",
            "_sourceCategory=a OR _sourceCategory=b | where port != \"21\"",
            "(_sourceCategory=a OR host=h) AND NOT user=root | where port not in (\"21\")",
            "* | where port = \"21\" and user matches \"r*\" | where isPrivateIP(ip) | where action = \"x\"",
            "* | where user not matches /ro+t/ | count",
            "\"deny\" | where port = \"21\"",
            "_sourceCategory=* | where port = 21",
            "* | where toLong(port) = 21 | where action = \"allow\"",
            "* | where action in (\"permitted-all\", \"allow\", \"\") | where port != \"21\"",
        ];
        let lines = [
            r#"{"_sourceCategory":"net/fw","port":"21","action":"allow","user":"root","ip":"10.0.0.1"}"#,
            r#"{"_sourceCategory":"NET/fw","port":21,"action":"allow"}"#,
            r#"{"_sourceCategory":"net/fw","port":"21","port":"22","action":"deny"}"#,
            r#"{"_sourceCategory":"a","port":"2\u0031","action":"allow"}"#,
            r#"{"_sourceCategory":"b","x":{"port":"21"},"port":"445"}"#,
            r#"{"_sourceCategory":"a","port":null,"action":"allow","user":"rot"}"#,
            r#"{"_sourceCategory":"a","user":"root","host":"h"}"#,
            r#"{"_sourceCategory":"\u0061","port":"21"}"#,
            r#"{"_sourceCategory":null,"port":"21","action":"deny","ip":"x"}"#,
            r#"{"port":"21.0","action":"allow","user":"rooot","ip":"300.1.1.1"}"#,
            r#"{"port" : "21" , "action":"x","ip":"nope","msg":"deny all"}"#,
            r#"{"port":true,"user":["r"],"action":{"a":1}}"#,
            r#"{"port":"21","action":"allow","port":"22"}"#,
            r#"{"\u0070ort":"22","port":"21","user":"ruth"}"#,
            r#"{"port":"21","user":"r\u00e9"}"#,
            r#"{"port":"21"} trailing"#,
            r#"{"port":"22","action":"deny","msg":"DENY"}"#,
            "{\"port\":\"21\",\"user\":\"\u{e9}t\u{e9}\",\"action\":\"allow\"}",
            r#"{}"#,
            r#"{"action":"permitted-all","port":"22"}"#,
            r#"{"action":"permitted-alL","port":"22"}"#,
            r#"{"action":"permitted-al","port":"22"}"#,
            r#"{"action":"","port":"22"}"#,
            r#"{"action":"allo","port":"22"}"#,
            r#"{"action":"allow ","port":"22"}"#,
        ];
        for query in queries {
            for category in [None, Some("net/mapped")] {
                for line in lines {
                    let plain = read(query, line, false, category);
                    let guarded = read(query, line, true, category);
                    assert_eq!(guarded, plain, "{query} on {line} ({category:?})");
                }
            }
        }
    }
}
