//! `sessionize`: records woven into sessions, one anchor pattern after another, each joined to
//! the sessions so far on the fields they share.

use std::collections::HashMap;

use regex::Regex;
use sumoql_functions::CallContext;
use sumoql_plan::{SessionStep, Sessionize};
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
#[derive(Clone, Default)]
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

/// A record a pattern finds: its index and the text of each group.
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

/// `session` grown by a record `step` found, when the record is new to it and its captures
/// agree with the fields the session (and the record's earlier captures) already hold.
fn extended(step: &SessionStep, session: &Session, (index, texts): &Found) -> Option<Session> {
    if session.records.contains(index) {
        return None;
    }
    let mut grown = session.clone();
    for (slot, text) in step.captures.iter().zip(texts) {
        let Some(slot) = *slot else { continue };
        match grown.value(slot) {
            Some(held) if held != text => return None,
            Some(_) => {}
            None => grown.values.push((slot, text.clone())),
        }
    }
    grown.records.push(*index);
    Some(grown)
}

/// The groups of `step` whose fields the sessions already hold, when it comes after `known`.
fn shared_groups(step: &SessionStep, known: &[SlotId]) -> Vec<(usize, SlotId)> {
    step.captures
        .iter()
        .enumerate()
        .filter_map(|(group, slot)| slot.filter(|s| known.contains(s)).map(|s| (group, s)))
        .collect()
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
        let mut sessions = vec![Session::default()];
        let mut known: Vec<SlotId> = Vec::new();
        let mut full = false;
        for step in &self.plan.steps {
            let found = found_by(&step.regex, &raws);
            // The records found, by their texts of the fields the sessions share with them.
            let shared = shared_groups(step, &known);
            let mut by_key: HashMap<Vec<&str>, Vec<&Found>> = HashMap::new();
            for record in &found {
                let key = shared.iter().map(|&(g, _)| record.1[g].as_str()).collect();
                by_key.entry(key).or_default().push(record);
            }
            let mut next = Vec::new();
            'sessions: for session in &sessions {
                let key: Vec<&str> = shared
                    .iter()
                    .map(|&(_, slot)| session.value(slot).unwrap_or(""))
                    .collect();
                for record in by_key.get(&key).into_iter().flatten() {
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
            known.extend(step.captures.iter().flatten());
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
