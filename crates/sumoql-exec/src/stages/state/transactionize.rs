//! `transactionize`: records linked by any shared field value, grouped in time order, each
//! group's records passed on (or through the stages run per group) with the group's fields.

use std::collections::HashMap;

use sumoql_functions::CallContext;
use sumoql_plan::{BoundaryCheck, Transactionize};
use sumoql_value::{Record, Schema, Value};

use crate::pipeline::RunOptions;
use crate::stages::chain::run_stages;
use crate::stages::order::{oldest_first, time_of};
use crate::stages::Stage;

/// Holds the records until the input ends, then groups them.
pub(crate) struct TransactionizeStage {
    plan: Transactionize,
    schema: Schema,
    options: RunOptions,
    held: Vec<Record>,
}

/// One group while records are grouped: its records (indices in time order) and what closes
/// or filters it.
struct Group {
    records: Vec<usize>,
    /// The field values that link records to it: (field index, text).
    values: Vec<(usize, String)>,
    first: Option<i64>,
    last: Option<i64>,
    open: bool,
    /// Whether its first record matches `startsWith`.
    started: bool,
    /// Whether its last record matches `endsWith`.
    ended: bool,
    orphan: bool,
    /// Whether it became part of an earlier group.
    absorbed: bool,
}

impl Group {
    fn new(orphan: bool) -> Group {
        Group {
            records: Vec::new(),
            values: Vec::new(),
            first: None,
            last: None,
            open: !orphan,
            started: false,
            ended: false,
            orphan,
            absorbed: false,
        }
    }
}

impl TransactionizeStage {
    pub(crate) fn new(
        plan: Transactionize,
        schema: &Schema,
        options: &RunOptions,
    ) -> TransactionizeStage {
        TransactionizeStage {
            plan,
            schema: schema.clone(),
            options: options.clone(),
            held: Vec::new(),
        }
    }

    /// The linking values of `record`: each field's text, when it has one.
    fn values_of(&self, record: &Record) -> Vec<(usize, String)> {
        self.plan
            .fields
            .iter()
            .enumerate()
            .filter_map(|(index, &slot)| {
                record
                    .get(slot)
                    .to_text()
                    .map(|text| (index, text.into_owned()))
            })
            .collect()
    }

    /// Whether the group would grow past a limit by taking a record of time `time`.
    fn cut_before(&self, group: &Group, time: Option<i64>) -> bool {
        let count = u64::try_from(group.records.len()).unwrap_or(u64::MAX);
        let too_many = self.plan.max_logs.is_some_and(|max| count >= max);
        let too_long = match (self.plan.max_span_ms, group.first, time) {
            (Some(max), Some(first), Some(time)) => time - first > max,
            _ => false,
        };
        let paused = match (self.plan.max_pause_ms, group.last, time) {
            (Some(max), Some(last), Some(time)) => time - last > max,
            _ => false,
        };
        too_many || too_long || paused
    }

    /// The groups of `records` (oldest first), in the order of their first records.
    fn groups(&self, records: &[Record]) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        let mut linked: HashMap<(usize, String), usize> = HashMap::new();
        for (index, record) in records.iter().enumerate() {
            let time = time_of(record, self.plan.time);
            let values = self.values_of(record);
            if values.is_empty() {
                if self.plan.keep_orphans {
                    let mut group = Group::new(true);
                    group.records.push(index);
                    group.first = time;
                    group.last = time;
                    groups.push(group);
                }
                continue;
            }
            let mut open: Vec<usize> = values
                .iter()
                .filter_map(|value| linked.get(value).copied())
                .filter(|&g| groups[g].open)
                .collect();
            open.sort_unstable();
            open.dedup();
            let mut target = open.first().copied();
            if let Some(into) = target {
                for &other in &open[1..] {
                    absorb(&mut groups, into, other, &mut linked);
                }
                let starts = matches(&self.plan.starts_with, record);
                if starts || self.cut_before(&groups[into], time) {
                    groups[into].open = false;
                    target = None;
                }
            }
            let at = target.unwrap_or_else(|| {
                let mut group = Group::new(false);
                group.started = matches(&self.plan.starts_with, record);
                groups.push(group);
                groups.len() - 1
            });
            let group = &mut groups[at];
            group.records.push(index);
            group.first = group.first.or(time);
            group.last = time.or(group.last);
            for value in values {
                if !group.values.contains(&value) {
                    group.values.push(value.clone());
                }
                linked.insert(value, at);
            }
            if matches(&self.plan.ends_with, record) {
                group.ended = true;
                group.open = false;
            }
        }
        let strict = |boundary: &Option<BoundaryCheck>| boundary.as_ref().is_some_and(|b| b.strict);
        let (strict_start, strict_end) =
            (strict(&self.plan.starts_with), strict(&self.plan.ends_with));
        groups.retain(|group| {
            !group.absorbed
                && (group.orphan
                    || ((!strict_start || group.started) && (!strict_end || group.ended)))
        });
        for group in &mut groups {
            group.records.sort_unstable();
        }
        groups.sort_by_key(|group| group.records.first().copied());
        groups
    }

    /// `row` with the fields of the group numbered `number`.
    fn mark(&self, row: &mut Record, number: usize, group: &Group) {
        let fields = &self.plan.group;
        let duration = match (group.first, group.last) {
            (Some(first), Some(last)) => Value::Int(last - first),
            _ => Value::Null,
        };
        row.set(
            fields.id,
            Value::Int(i64::try_from(number).unwrap_or(i64::MAX)),
        );
        row.set(fields.duration, duration);
        row.set(
            fields.size,
            Value::Int(i64::try_from(group.records.len()).unwrap_or(i64::MAX)),
        );
        row.set(fields.orphaned, Value::Bool(group.orphan));
    }
}

/// Moves the records and values of group `from` into group `into`.
fn absorb(
    groups: &mut [Group],
    into: usize,
    from: usize,
    linked: &mut HashMap<(usize, String), usize>,
) {
    let records = std::mem::take(&mut groups[from].records);
    let values = std::mem::take(&mut groups[from].values);
    let (first, last) = (groups[from].first, groups[from].last);
    groups[from].absorbed = true;
    groups[from].open = false;
    let target = &mut groups[into];
    target.records.extend(records);
    target.first = match (target.first, first) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    target.last = match (target.last, last) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    for value in values {
        linked.insert(value.clone(), into);
        if !target.values.contains(&value) {
            target.values.push(value);
        }
    }
}

/// Whether `record`'s `_raw` holds the boundary's text.
fn matches(boundary: &Option<BoundaryCheck>, record: &Record) -> bool {
    boundary.as_ref().is_some_and(|b| {
        record
            .get(b.raw)
            .to_text()
            .is_some_and(|text| b.pattern.is_match(&text))
    })
}

impl Stage for TransactionizeStage {
    fn push(&mut self, record: Record, _out: &mut Vec<Record>, _ctx: &mut CallContext) {
        self.held.push(record);
    }

    fn finish(&mut self, out: &mut Vec<Record>, ctx: &mut CallContext) {
        let mut records = std::mem::take(&mut self.held);
        oldest_first(&mut records, self.plan.time);
        let groups = self.groups(&records);
        let mut records: Vec<Option<Record>> = records.into_iter().map(Some).collect();
        for (index, group) in groups.iter().enumerate() {
            let number = index + 1;
            let members = group.records.iter().filter_map(|&i| records[i].take());
            let rows = if self.plan.stages.is_empty() {
                members.collect()
            } else {
                run_stages(&self.schema, &self.plan.stages, &self.options, members, ctx)
            };
            for mut row in rows {
                self.mark(&mut row, number, group);
                out.push(row);
            }
        }
    }
}
