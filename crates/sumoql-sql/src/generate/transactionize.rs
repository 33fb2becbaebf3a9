//! `transactionize f` over one field: each value's records, in time order, cut into groups
//! where `startsWith` matches, after a record `endsWith` matches, after a pause longer than
//! `maxPause`, and every `maxLogs` records, as the native stage cuts them; a record without
//! the field is a group of its own (an orphan).

use sumoql_plan::{BoundaryCheck, Operator, StateOperator, Transactionize};

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::{ExprWriter, Kind, Sql};
use crate::SqlError;

/// The hidden columns of a record's place in time order, its time, its value's text, and
/// whether it matches `startsWith` and `endsWith` (1 or 0).
const PLACE: &str = "sumoql_tz_place";
const TIME: &str = "sumoql_tz_time";
const VALUE: &str = "sumoql_tz_value";
const STARTS: &str = "sumoql_tz_starts";
const ENDS: &str = "sumoql_tz_ends";

/// The hidden columns of a cut before a record (1 or 0), and of the record's run of its
/// value: the number of cuts up to it.
const CUT: &str = "sumoql_tz_cut";
const RUN: &str = "sumoql_tz_run";

/// The hidden column of a record's group within its run (`maxLogs` records each).
const CHUNK: &str = "sumoql_tz_chunk";

/// The hidden columns of a group's first and last place, its first and last time and size.
const FIRST: &str = "sumoql_tz_first";
const LAST: &str = "sumoql_tz_last";
const FROM: &str = "sumoql_tz_from";
const TO: &str = "sumoql_tz_to";
const SIZE: &str = "sumoql_tz_size";

/// The hidden columns of whether a group's first record matches `startsWith` and its last
/// `endsWith`.
const STARTED: &str = "sumoql_tz_started";
const ENDED: &str = "sumoql_tz_ended";

impl Generator<'_> {
    /// The stages of `transactionize` over one field, without `maxSpan` and with no stage of
    /// its own but a `merge` (each group's records merged apart); groups are numbered from 1 by their first record in time order, after the
    /// `;strict` groups are left out, and their records come in time order.
    pub(super) fn transactionize(&mut self, plan: &Transactionize) -> Result<(), SqlError> {
        let refuse = |why: &str| Err(SqlError::new("transactionize", why));
        let [field] = plan.fields.as_slice() else {
            return refuse("over several fields its groups grow through any shared value, transitively, which SQL does not express");
        };
        let merge =
            match plan.stages.as_slice() {
                [] => None,
                [Operator::State(StateOperator::Merge(merge))] => Some(merge),
                _ => return refuse(
                    "of the stages it runs on each group's records, only a `merge` is translated",
                ),
            };
        if plan.max_span_ms.is_some() {
            return refuse("`maxSpan` is measured from each group's first record, which every cut moves: a recursion SQL lacks");
        }
        let writer = self.writer();
        let value = writer.text(&self.present_column(&writer, *field));
        let time = self.record_millis(&writer, plan.time);
        let flag = |boundary: &Option<BoundaryCheck>| match boundary {
            Some(boundary) => self.boundary_flag(&writer, boundary),
            None => "0".to_string(),
        };
        let columns: Vec<String> = self.columns.iter().map(|slot| self.name(*slot)).collect();
        let columns = columns.join(", ");
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {columns}, {value} AS {VALUE}, {time} AS {TIME}, {} AS {STARTS}, {} AS {ENDS}, ROW_NUMBER() OVER (ORDER BY {time} ASC NULLS FIRST, {ORDER}) AS {PLACE}, {ORDER} FROM {previous}{}",
            flag(&plan.starts_with),
            flag(&plan.ends_with),
            if plan.keep_orphans { String::new() } else { format!(" WHERE {value} IS NOT NULL") }
        ));
        // A cut before a record: its value's first, or a start, or after an end or a pause.
        let mut cuts = vec![
            format!("LAG({PLACE}) OVER (PARTITION BY {VALUE} ORDER BY {PLACE}) IS NULL"),
            format!("{STARTS} = 1"),
            format!("LAG({ENDS}) OVER (PARTITION BY {VALUE} ORDER BY {PLACE}) = 1"),
        ];
        if let Some(pause) = plan.max_pause_ms {
            cuts.push(format!(
                "COALESCE({TIME} - LAG({TIME}) OVER (PARTITION BY {VALUE} ORDER BY {PLACE}) > {pause}, FALSE)"
            ));
        }
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, (CASE WHEN {} THEN 1 ELSE 0 END) AS {CUT} FROM {previous}",
            cuts.join(" OR ")
        ));
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, SUM({CUT}) OVER (PARTITION BY {VALUE} ORDER BY {PLACE} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS {RUN} FROM {previous}"
        ));
        let chunk = match plan.max_logs {
            Some(max) => format!(
                "CAST(floor((ROW_NUMBER() OVER (PARTITION BY {VALUE}, {RUN} ORDER BY {PLACE}) - 1) / {max}) AS BIGINT)"
            ),
            None => "CAST(0 AS BIGINT)".to_string(),
        };
        let previous = self.previous();
        // An orphan is a group of its own: its place stands for its run.
        self.stages
            .push(format!("SELECT *, {chunk} AS {CHUNK} FROM {previous}"));
        // An orphan is a group of its own: its place stands for its run.
        let group = format!(
            "PARTITION BY {VALUE}, (CASE WHEN {VALUE} IS NULL THEN {PLACE} ELSE {RUN} END), {CHUNK}"
        );
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, MIN({PLACE}) OVER ({group}) AS {FIRST}, MAX({PLACE}) OVER ({group}) AS {LAST}, MIN({TIME}) OVER ({group}) AS {FROM}, MAX({TIME}) OVER ({group}) AS {TO}, COUNT(*) OVER ({group}) AS {SIZE} FROM {previous}"
        ));
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, MAX(CASE WHEN {PLACE} = {FIRST} THEN {STARTS} END) OVER ({group}) AS {STARTED}, MAX(CASE WHEN {PLACE} = {LAST} THEN {ENDS} END) OVER ({group}) AS {ENDED} FROM {previous}"
        ));
        let strict = |boundary: &Option<BoundaryCheck>, column: &str| {
            boundary
                .as_ref()
                .filter(|boundary| boundary.strict)
                .map(|_| format!(" AND ({VALUE} IS NULL OR {column} = 1)"))
                .unwrap_or_default()
        };
        let kept = format!(
            "TRUE{}{}",
            strict(&plan.starts_with, STARTED),
            strict(&plan.ends_with, ENDED)
        );
        let fields = &plan.group;
        let values = vec![
            (
                fields.id,
                Sql::new(
                    format!("DENSE_RANK() OVER (ORDER BY {FIRST})"),
                    Kind::Integer,
                ),
            ),
            (
                fields.duration,
                Sql::new(format!("({TO} - {FROM})"), Kind::Integer),
            ),
            (
                fields.size,
                Sql::new(format!("CAST({SIZE} AS BIGINT)"), Kind::Integer),
            ),
            (
                fields.orphaned,
                Sql::new(format!("({VALUE} IS NULL)"), Kind::Bool),
            ),
        ];
        let previous = self.previous();
        self.stages
            .push(format!("SELECT * FROM {previous} WHERE {kept}"));
        let select = self.select_setting(values);
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, ROW_NUMBER() OVER (ORDER BY {FIRST}, {PLACE}) AS {ORDER} FROM {previous}",
            select.join(", ")
        ));
        if let Some(merge) = merge {
            let groups = [fields.id, fields.duration, fields.size, fields.orphaned];
            self.merge(merge, &groups)?;
        }
        Ok(())
    }

    /// 1 when the record's `_raw` holds the boundary's text, else 0.
    fn boundary_flag(&self, writer: &ExprWriter<'_>, boundary: &BoundaryCheck) -> String {
        let raw = writer.text(&self.present_column(writer, boundary.raw));
        format!(
            "(CASE WHEN COALESCE({}, FALSE) THEN 1 ELSE 0 END)",
            writer.pattern_test(&raw, &boundary.pattern)
        )
    }
}
