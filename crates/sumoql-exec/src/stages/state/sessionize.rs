//! `sessionize`: records woven into sessions, one anchor pattern after another, each later
//! pattern's `$field`s standing for the values the session captured so far.

use std::collections::HashMap;

use regex::Regex;
use sumoql_functions::CallContext;
use sumoql_plan::{anchor_regex_of, AnchorPiece, SessionPiece, SessionStep, Sessionize};
use sumoql_value::limits::SESSIONS;
use sumoql_value::{Record, SlotId, Value, WarningKind};

use crate::stages::order::oldest_first;
use crate::stages::Stage;

/// Holds the records until the input ends, then builds the sessions.
pub(crate) struct SessionizeStage {
    plan: Sessionize,
    held: Vec<Record>,
}

/// A session so far: its records (indices, oldest first, in pattern order) and captures.
#[derive(Clone)]
struct Session {
    records: Vec<usize>,
    values: Vec<(SlotId, String)>,
}

impl Session {
    fn value(&self, slot: SlotId) -> Option<&str> {
        self.values
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, v)| v.as_str())
    }
}

/// A record a pattern finds: its index and the text of each `*`.
type Found = (usize, Vec<String>);

impl SessionizeStage {
    pub(crate) fn new(plan: Sessionize) -> SessionizeStage {
        SessionizeStage {
            plan,
            held: Vec::new(),
        }
    }
}

/// The records whose `_raw` (in `raws`) `regex` finds, with its captures.
fn found_by(regex: &Regex, raws: &[Option<String>]) -> Vec<Found> {
    raws.iter()
        .enumerate()
        .filter_map(|(index, raw)| {
            let captures = regex.captures(raw.as_deref()?)?;
            let texts = captures
                .iter()
                .skip(1)
                .map(|group| group.map_or(String::new(), |g| g.as_str().to_string()))
                .collect();
            Some((index, texts))
        })
        .collect()
}

/// The values of `step`'s `$field`s in `session`, which pick its compiled pattern.
fn binding(step: &SessionStep, session: &Session) -> Vec<String> {
    step.pieces
        .iter()
        .filter_map(|piece| match piece {
            SessionPiece::Field(slot) => Some(session.value(*slot).unwrap_or("").to_string()),
            _ => None,
        })
        .collect()
}

/// `step`'s pattern with `values` in place of its `$field`s, in order; `None` when it does not
/// compile (an empty value between two `*`s).
fn compiled_with(step: &SessionStep, values: &[String]) -> Option<Regex> {
    let mut values = values.iter();
    let pieces: Vec<AnchorPiece<'_>> = step
        .pieces
        .iter()
        .map(|piece| match piece {
            SessionPiece::Text(text) => AnchorPiece::Text(text),
            SessionPiece::Star => AnchorPiece::Star,
            SessionPiece::Field(_) => AnchorPiece::Text(values.next().map_or("", String::as_str)),
        })
        .collect();
    anchor_regex_of(&pieces).ok()
}

/// `session` grown by a record `step` found, when the record's captures agree with the
/// fields the session already holds.
fn extended(step: &SessionStep, session: &Session, (index, texts): &Found) -> Option<Session> {
    if session.records.contains(index) {
        return None;
    }
    let mut grown = session.clone();
    for (slot, text) in step.captures.iter().zip(texts) {
        let Some(slot) = *slot else { continue };
        match session.value(slot) {
            Some(held) if held != text => return None,
            Some(_) => {}
            None => grown.values.push((slot, text.clone())),
        }
    }
    grown.records.push(*index);
    Some(grown)
}

impl Stage for SessionizeStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let mut records = std::mem::take(&mut self.held);
        oldest_first(&mut records, self.plan.time);
        let raws: Vec<Option<String>> = records
            .iter()
            .map(|r| r.get(self.plan.raw).to_text().map(|t| t.into_owned()))
            .collect();
        let mut sessions = vec![Session {
            records: Vec::new(),
            values: Vec::new(),
        }];
        let mut full = false;
        for step in &self.plan.steps {
            let fixed = step.fixed.as_ref().map(|regex| found_by(regex, &raws));
            let mut by_binding: HashMap<Vec<String>, Vec<Found>> = HashMap::new();
            let mut next = Vec::new();
            'sessions: for session in &sessions {
                let found = match &fixed {
                    Some(found) => found,
                    None => by_binding
                        .entry(binding(step, session))
                        .or_insert_with_key(|values| {
                            compiled_with(step, values)
                                .map_or_else(Vec::new, |regex| found_by(&regex, &raws))
                        }),
                };
                for record in found {
                    if let Some(grown) = extended(step, session, record) {
                        if next.len() == SESSIONS {
                            full = true;
                            break 'sessions;
                        }
                        next.push(grown);
                    }
                }
            }
            sessions = next;
        }
        if full {
            ctx.warnings.add_with_sample(WarningKind::OperatorLimit, || {
                format!("sessionize: at most {SESSIONS} sessions are followed; later ones were left out")
            });
        }
        // Newest session first (by its first record), each session's records in pattern order.
        sessions.sort_by(|a, b| b.records.first().cmp(&a.records.first()));
        for session in sessions {
            for &index in &session.records {
                let mut row = records[index].clone();
                for (slot, text) in &session.values {
                    row.set(*slot, Value::text(text));
                }
                out.push(row);
            }
        }
    }
}
