//! The walk over the plan: one common table expression per stage, in pipeline order.

use std::collections::{HashMap, HashSet};

use sumoql_plan::{
    Columns, Operator, Plan, RowOperator, ScopeFilter, SequenceKind, SortSpec, StateOperator,
    Wildcard,
};
use sumoql_value::SlotId;

use crate::dialect::{escape_regex, SqlDialect, ORDER};
use crate::expr::{ExprWriter, Kind, Sql};
use crate::refused;
use subquery::{operator_uses, scope_uses};

mod bin;
mod extract;
mod fill_missing;
mod join;
mod lines;
mod merge;
mod series;
mod subquery;
mod tables;
mod transaction;
mod transactionize;
mod whole;
mod withtime;
mod xml;
use crate::{Input, SqlError, SqlOptions, Translation};

/// The hidden column that numbers rows within their group (`top`, `dedup`).
const RANK: &str = "sumoql_rank";

/// The hidden column that tells runs of one key apart (`dedup consecutive`).
const RUN: &str = "sumoql_run";

/// The time of a record (D9).
const MESSAGE_TIME: &str = "_messageTime";

/// Where a scope term may start (unless it starts with `*`): the text's start or a character
/// that is not a letter or digit.
const TERM_START: &str = "(^|[^\\p{L}\\p{N}])";

/// Where a scope term may end (unless it ends with `*`).
const TERM_END: &str = "([^\\p{L}\\p{N}]|$)";

/// Compiles `plan` to SQL: setup statements, then one query, each ending with `;`.
pub fn to_sql(plan: &Plan, options: &SqlOptions) -> Result<Translation, SqlError> {
    let widened = whole::with_record_fields(plan, options)?;
    let plan = widened.as_ref().unwrap_or(plan);
    let mut generator = Generator::new(plan, options, Vec::new());
    let sql = generator.generate()?;
    Ok(Translation {
        sql,
        warnings: generator.warnings,
    })
}

/// The state of the walk: the stages written so far and the columns of the last one.
struct Generator<'a> {
    plan: &'a Plan,
    options: &'a SqlOptions,
    dialect: &'static dyn SqlDialect,
    /// The common table expressions, in order.
    stages: Vec<String>,
    /// The columns of the last stage, in order.
    columns: Vec<SlotId>,
    /// The kind of each column computed by a stage (read columns are text).
    kinds: HashMap<SlotId, Kind>,
    /// The double columns that may hold NaN or an infinity, written out as sumoql spells them.
    non_finite: HashSet<SlotId>,
    /// What the SQL does differently from a native run, for the reader.
    warnings: Vec<String>,
    /// The column of the last stage that holds each subquery's condition, by the subquery's
    /// index, once it is added.
    subquery_matches: HashMap<usize, String>,
    /// The stage that several later stages read (the lines with their syslog header and
    /// extraction rule), computed once into [`SHARED_TABLE`] before the query.
    shared_stage: Option<usize>,
    /// The fields holding a `withtime` object, with the kind of the value paired in it.
    withtime_kinds: HashMap<SlotId, Kind>,
}

/// The table the shared stage is computed into.
const SHARED_TABLE: &str = "sumoql_read_lines";

impl<'a> Generator<'a> {
    /// A generator of `plan` whose stages follow `stages` (written by another generator of
    /// the same query, or none).
    fn new(plan: &'a Plan, options: &'a SqlOptions, stages: Vec<String>) -> Generator<'a> {
        Generator {
            plan,
            options,
            dialect: options.dialect.writer(),
            stages,
            columns: Vec::new(),
            kinds: HashMap::new(),
            non_finite: HashSet::new(),
            warnings: Vec::new(),
            subquery_matches: HashMap::new(),
            shared_stage: None,
            withtime_kinds: HashMap::new(),
        }
    }
}

impl Generator<'_> {
    /// The statements of the whole query: the settings, the reader's setup, and the query of
    /// the pipeline's stages whose result is the plan's output columns in row order.
    fn generate(&mut self) -> Result<String, SqlError> {
        let output = match &self.plan.output {
            Columns::Exact(columns) => columns.clone(),
            Columns::Whole { added, removed } => {
                whole::whole_columns(self.plan, self.options, added, removed)?
            }
            Columns::Dynamic { .. } => {
                return Err(SqlError::new(
                    "transpose",
                    "its columns are the values found at run time, and a SQL query's columns are fixed when it is written",
                ))
            }
        };
        let mut statements = self.dialect.settings();
        statements.extend(self.pipeline()?);
        let shown: Vec<String> = output
            .iter()
            .map(|slot| {
                let name = self.name(*slot);
                if self.kinds.get(slot) == Some(&Kind::Bool) {
                    format!("{} AS {name}", self.dialect.boolean(&name))
                } else if self.non_finite.contains(slot) {
                    format!("{} AS {name}", self.writer().spelled_float(&name))
                } else {
                    name
                }
            })
            .collect();
        let first = match self.shared_stage {
            Some(shared) => {
                let query = format!(
                    "WITH\n{}\nSELECT * FROM s{shared}",
                    self.common_tables(0, shared + 1)
                );
                statements.extend(self.dialect.materialize(SHARED_TABLE, &query));
                shared + 1
            }
            None => 0,
        };
        let shared = self
            .shared_stage
            .map(|index| format!("  s{index} AS (SELECT * FROM {SHARED_TABLE}),\n"))
            .unwrap_or_default();
        statements.push(format!(
            "WITH\n{shared}{}\nSELECT {} FROM {} ORDER BY {ORDER}",
            self.common_tables(first, self.stages.len()),
            shown.join(", "),
            self.previous()
        ));
        Ok(statements
            .iter()
            .map(|statement| format!("{statement};\n"))
            .collect())
    }

    /// The common table expressions of stages `start..end`, one a line.
    fn common_tables(&self, start: usize, end: usize) -> String {
        let ctes: Vec<String> = (start..end)
            .map(|index| {
                format!(
                    "  s{index} AS ({})",
                    self.dialect.stage(&self.stages[index])
                )
            })
            .collect();
        ctes.join(",\n")
    }

    /// The stages of the plan's pipeline: the reader, the scope, then each operator (with the
    /// stages of the subqueries each uses before it). Returns the statements the reader needs
    /// run first.
    fn pipeline(&mut self) -> Result<Vec<String>, SqlError> {
        let setup = match &self.options.input {
            Input::Table(table) => {
                let mut select: Vec<String> = self
                    .plan
                    .read
                    .fields
                    .iter()
                    .map(|(name, slot)| self.table_column(name, *slot))
                    .collect();
                select.push(format!("{} AS {ORDER}", self.dialect.input_order()));
                self.stages
                    .push(format!("SELECT {} FROM {table}", select.join(", ")));
                Vec::new()
            }
            Input::Lines { path, folder } => {
                let (setup, relation) = self.dialect.line_reader(path, *folder);
                self.read_lines(&relation)?;
                setup
            }
        };
        self.columns = self
            .plan
            .read
            .fields
            .iter()
            .map(|(_, slot)| *slot)
            .collect();
        if self.plan.scope != ScopeFilter::All {
            self.match_subqueries(|index| scope_uses(&self.plan.scope, index))?;
            let condition = self.scope(&self.plan.scope);
            let previous = self.previous();
            self.stages
                .push(format!("SELECT * FROM {previous} WHERE {condition}"));
        }
        for operator in &self.plan.operators {
            self.match_subqueries(|index| operator_uses(operator, index))?;
            self.operator(operator)?;
        }
        Ok(setup)
    }

    /// Epoch milliseconds of a time column (D9): a whole number is seconds, milliseconds,
    /// microseconds or nanoseconds by magnitude; other text is ISO-8601.
    fn time_of(&self, column: &str) -> String {
        let number = self.dialect.text_to_double(column);
        format!(
            "(CASE WHEN {} THEN CAST(floor(CASE WHEN {number} < 1e11 THEN {number} * 1000 \
             WHEN {number} < 1e14 THEN {number} WHEN {number} < 1e17 THEN {number} / 1000 \
             ELSE {number} / 1000000 END) AS BIGINT) ELSE {} END)",
            self.dialect.regex_match(column, "^[0-9]+$"),
            self.dialect.iso_millis(column)
        )
    }

    /// A record's time as the native state operators read it: the field's number in epoch
    /// milliseconds, truncated to a whole number (null when it is not a number).
    fn record_millis(&self, writer: &ExprWriter<'_>, time: SlotId) -> String {
        let number = writer.number(&self.present_column(writer, time));
        self.dialect
            .truncate_to_long(&format!("CAST({} AS DOUBLE)", number.text))
    }

    fn previous(&self) -> String {
        format!("s{}", self.stages.len().saturating_sub(1))
    }

    fn name(&self, slot: SlotId) -> String {
        self.dialect.identifier(self.plan.schema.name(slot))
    }

    /// The column of `slot`, or a null when the last stage has no such column (a field the
    /// records do not have here, such as one an aggregation left out).
    fn present_column(&self, writer: &ExprWriter<'_>, slot: SlotId) -> Sql {
        if self.columns.contains(&slot) {
            writer.column(slot)
        } else {
            Sql::new(self.text_cell(None), Kind::Text)
        }
    }

    /// The run's "now" in epoch milliseconds: `--now`, else the engine's clock (read once per
    /// query, as sumoql reads its own once per run).
    fn receipt(&self) -> String {
        match self.options.now_ms {
            Some(now) => format!("CAST({now} AS BIGINT)"),
            None => format!("CAST({} AS BIGINT)", self.dialect.now_millis()),
        }
    }

    fn writer(&self) -> ExprWriter<'_> {
        ExprWriter {
            dialect: self.dialect,
            schema: &self.plan.schema,
            kinds: &self.kinds,
            subqueries: &self.subquery_matches,
            keep_conditions: Vec::new(),
            now: self.receipt(),
        }
    }

    /// The scope as a condition (D8): whole values case-insensitively with `*` wildcards;
    /// a missing field matches nothing.
    fn scope(&self, scope: &ScopeFilter) -> String {
        match scope {
            ScopeFilter::All => "TRUE".to_string(),
            ScopeFilter::FieldMatch { slot, pattern } => {
                let regex = format!("(?s)^{}$", wildcard_regex(pattern));
                let test = self
                    .dialect
                    .regex_match(&format!("lower({})", self.name(*slot)), &regex);
                format!("COALESCE({test}, FALSE)")
            }
            ScopeFilter::Term { raw, pattern } => {
                let lower = pattern.text().to_lowercase();
                let end = if lower.ends_with('*') { "" } else { TERM_END };
                let start = if lower.starts_with('*') {
                    ""
                } else {
                    TERM_START
                };
                let regex = format!("(?s){start}{}{end}", wildcard_regex(pattern));
                let test = self
                    .dialect
                    .regex_match(&format!("lower({})", self.name(*raw)), &regex);
                format!("COALESCE({test}, FALSE)")
            }
            ScopeFilter::Not(inner) => format!("(NOT {})", self.scope(inner)),
            ScopeFilter::And(a, b) => format!("({} AND {})", self.scope(a), self.scope(b)),
            ScopeFilter::Or(a, b) => format!("({} OR {})", self.scope(a), self.scope(b)),
            // Its column is added before the scope's stage.
            ScopeFilter::Subquery(index) => self.subquery_matches[index].clone(),
        }
    }

    fn operator(&mut self, operator: &Operator) -> Result<(), SqlError> {
        match operator {
            Operator::Filter(expr) => {
                let mut writer = self.writer();
                let condition = writer.write(expr)?;
                let mut conditions = vec![writer.truth(&condition)];
                conditions.append(&mut writer.keep_conditions);
                let previous = self.previous();
                self.stages.push(format!(
                    "SELECT * FROM {previous} WHERE {}",
                    conditions.join(" AND ")
                ));
            }
            Operator::Assign { slot, expr } => {
                let mut writer = self.writer();
                let value = writer.write(expr)?;
                let conditions = std::mem::take(&mut writer.keep_conditions);
                let non_finite = value.kind == Kind::Float
                    && crate::math::may_be_non_finite(expr, &self.non_finite);
                self.assign(*slot, value, &conditions);
                self.note_non_finite(*slot, non_finite);
            }
            Operator::Aggregate { keys, aggregates } => self.aggregate(keys, aggregates)?,
            Operator::Keep(slots) => {
                // The allow-list lets `_` fields through for later stages (D17); the result
                // shows only the plan's output columns.
                let hidden: Vec<SlotId> = self
                    .columns
                    .iter()
                    .copied()
                    .filter(|s| !slots.contains(s) && self.plan.schema.name(*s).starts_with('_'))
                    .collect();
                self.columns = slots.clone();
                self.columns.extend(hidden);
                self.project();
            }
            Operator::Remove(slots) => {
                self.columns.retain(|slot| !slots.contains(slot));
                self.project();
            }
            Operator::Sort(specs) => self.sort(specs)?,
            Operator::Limit(count) => {
                let previous = self.previous();
                self.stages.push(format!(
                    "SELECT * FROM {previous} ORDER BY {ORDER} LIMIT {count}"
                ));
            }
            Operator::Extract {
                source,
                extractor,
                nodrop,
                chain,
            } => self.extract(*source, extractor, *nodrop, *chain)?,
            Operator::Rows(row) => self.row_operator(row)?,
            Operator::Join(join) => self.join(join)?,
            Operator::State(StateOperator::Withtime(plan)) => self.withtime(plan)?,
            Operator::State(StateOperator::Transaction(plan)) => self.transaction(plan)?,
            Operator::State(StateOperator::Transactionize(plan)) => self.transactionize(plan)?,
            Operator::State(StateOperator::Merge(merge)) => self.merge(merge, &[])?,
            Operator::State(state) => return Err(refused::state(state)),
            Operator::Compare(_) => return Err(refused::compare()),
        }
        Ok(())
    }

    /// A stage that sets `slot` to `value` (in place when it is a column, else appended),
    /// keeping only rows that meet `conditions`.
    fn assign(&mut self, slot: SlotId, value: Sql, conditions: &[String]) {
        self.assign_all(vec![(slot, value)], conditions);
    }

    /// A stage that sets several fields at once, each from the previous stage's columns.
    fn assign_all(&mut self, values: Vec<(SlotId, Sql)>, conditions: &[String]) {
        let select = self.select_setting(values);
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, {ORDER} FROM {previous}{filter}",
            select.join(", ")
        ));
    }

    /// The select list of a stage that sets `values` and keeps the other columns: the fields
    /// set become columns (appended when new) of the kinds of their values.
    fn select_setting(&mut self, values: Vec<(SlotId, Sql)>) -> Vec<String> {
        for (slot, _) in &values {
            if !self.columns.contains(slot) {
                self.columns.push(*slot);
            }
        }
        let select = self
            .columns
            .iter()
            .map(
                |column| match values.iter().find(|(slot, _)| slot == column) {
                    Some((slot, value)) => format!("{} AS {}", value.text, self.name(*slot)),
                    None => self.name(*column),
                },
            )
            .collect();
        for (slot, value) in values {
            self.kinds.insert(slot, value.kind);
            self.forget_withtime(slot);
        }
        select
    }

    /// Notes whether the double `slot` was just given may be NaN or infinite.
    fn note_non_finite(&mut self, slot: SlotId, non_finite: bool) {
        if non_finite {
            self.non_finite.insert(slot);
        } else {
            self.non_finite.remove(&slot);
        }
    }

    /// A stage that keeps the current columns only.
    fn project(&mut self) {
        let mut select: Vec<String> = self.columns.iter().map(|s| self.name(*s)).collect();
        select.push(ORDER.to_string());
        let previous = self.previous();
        self.stages
            .push(format!("SELECT {} FROM {previous}", select.join(", ")));
    }

    /// `count by a, b`: groups in ascending key order, nulls first (D18), null keys kept or
    /// dropped (D2).
    fn aggregate(
        &mut self,
        keys: &[SlotId],
        aggregates: &[sumoql_plan::AggregateSpec],
    ) -> Result<(), SqlError> {
        let mut writer = self.writer();
        let mut select: Vec<String> = keys.iter().map(|k| writer.column(*k).text).collect();
        let mut kinds = Vec::new();
        for spec in aggregates {
            let Sql { text, kind } = match self.withtime_pick(&writer, spec) {
                Some(pick) => pick,
                None => crate::aggregate::aggregate(&mut writer, spec)?,
            };
            select.push(format!("{text} AS {}", self.name(spec.output)));
            let non_finite = kind == Kind::Float
                && spec
                    .args
                    .iter()
                    .any(|arg| crate::math::may_be_non_finite(arg, &self.non_finite));
            kinds.push((spec.output, kind, non_finite));
        }
        let mut conditions = std::mem::take(&mut writer.keep_conditions);
        if self.options.drop_null_groups {
            conditions.extend(
                keys.iter()
                    .map(|k| format!("{} IS NOT NULL", self.name(*k))),
            );
        }
        let key_names: Vec<String> = keys.iter().map(|k| self.name(*k)).collect();
        let order: Vec<String> = key_names
            .iter()
            .map(|k| format!("{k} ASC NULLS FIRST"))
            .collect();
        let window = if order.is_empty() {
            // One group: its order is 1 (Spark refuses an unordered row_number).
            "CAST(1 AS BIGINT)".to_string()
        } else {
            format!("ROW_NUMBER() OVER (ORDER BY {})", order.join(", "))
        };
        select.push(format!("{window} AS {ORDER}"));
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        let group = if key_names.is_empty() {
            String::new()
        } else {
            format!(" GROUP BY {}", key_names.join(", "))
        };
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {} FROM {previous}{filter}{group}",
            select.join(", ")
        ));
        self.columns = keys.to_vec();
        for (slot, kind, non_finite) in kinds {
            self.columns.push(slot);
            self.kinds.insert(slot, kind);
            self.note_non_finite(slot, non_finite);
        }
        Ok(())
    }

    /// A stable sort (D18): null first ascending, last descending; earlier order breaks ties.
    fn sort(&mut self, specs: &[SortSpec]) -> Result<(), SqlError> {
        let mut order = Vec::new();
        for spec in specs {
            if self.kinds.get(&spec.slot) == Some(&Kind::List) {
                return Err(SqlError::new(
                    "sort by a list",
                    "list order (D18) has no portable SQL form",
                ));
            }
            order.push(if spec.ascending {
                format!("{} ASC NULLS FIRST", self.name(spec.slot))
            } else {
                format!("{} DESC NULLS LAST", self.name(spec.slot))
            });
        }
        order.push(ORDER.to_string());
        let select: Vec<String> = self.columns.iter().map(|s| self.name(*s)).collect();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, ROW_NUMBER() OVER (ORDER BY {}) AS {ORDER} FROM {previous}",
            select.join(", "),
            order.join(", ")
        ));
        Ok(())
    }

    /// `PARTITION BY` over `by`, or nothing for one group.
    fn partition(&self, by: &[SlotId]) -> String {
        if by.is_empty() {
            return String::new();
        }
        let names: Vec<String> = by.iter().map(|slot| self.name(*slot)).collect();
        format!("PARTITION BY {} ", names.join(", "))
    }

    /// `accum`, `total`, `diff` and `backshift` as window functions over each group's rows in
    /// row order. `accum` and `diff` leave out the rows whose value is not a number, as the
    /// native stage does; `total` gives every row its group's sum of numbers. `smooth` and
    /// `rollingstd` are [`Generator::moving_window`].
    fn sequence(
        &mut self,
        kind: SequenceKind,
        field: SlotId,
        shift: u64,
        output: SlotId,
        by: &[SlotId],
    ) -> Result<(), SqlError> {
        let writer = self.writer();
        let value = writer.column(field);
        let number = writer.number(&value);
        let partition = self.partition(by);
        let in_order = format!("OVER ({partition}ORDER BY {ORDER})");
        let (sql, conditions) = match kind {
            SequenceKind::Accum => (
                Sql {
                    text: format!(
                        "SUM({}) OVER ({partition}ORDER BY {ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
                        number.text
                    ),
                    kind: number.kind,
                },
                vec![format!("{} IS NOT NULL", number.text)],
            ),
            SequenceKind::Diff => (
                Sql {
                    text: format!("({0} - LAG({0}, 1) {in_order})", number.text),
                    kind: number.kind,
                },
                vec![format!("{} IS NOT NULL", number.text)],
            ),
            SequenceKind::Total => (
                Sql {
                    text: format!("SUM({}) OVER ({})", number.text, partition.trim_end()),
                    kind: number.kind,
                },
                Vec::new(),
            ),
            SequenceKind::Backshift => (
                Sql {
                    text: format!("LAG({}, {shift}) {in_order}", value.text),
                    kind: value.kind,
                },
                Vec::new(),
            ),
            SequenceKind::Smooth | SequenceKind::RollingStd => {
                return self.moving_window(kind, field, shift, output, by);
            }
        };
        self.assign(output, sql, &conditions);
        Ok(())
    }

    /// `topk` and the ranking half of `top`: the `limit` rows with the largest `ranked`
    /// values of each group (numbers by value, ties in row order); groups in ascending key
    /// order, each largest first.
    fn top(
        &mut self,
        limit: u64,
        ranked: &[SlotId],
        by: &[SlotId],
        rank: Option<SlotId>,
    ) -> Result<(), SqlError> {
        let writer = self.writer();
        let mut order = Vec::new();
        for slot in ranked {
            let value = writer.column(*slot);
            match value.kind {
                Kind::Integer | Kind::Float => {
                    order.push(format!("{} DESC NULLS LAST", value.text))
                }
                Kind::Text => {
                    let number = writer.number(&value);
                    order.push(format!("{} DESC NULLS LAST", number.text));
                    order.push(format!(
                        "CASE WHEN {} IS NULL THEN {} END DESC NULLS LAST",
                        number.text, value.text
                    ));
                }
                Kind::Bool => order.push(format!("{} DESC NULLS LAST", writer.text(&value))),
                Kind::List => {
                    return Err(SqlError::new(
                        "top of a list",
                        "list order (D18) has no portable SQL form",
                    ))
                }
            }
        }
        order.push(ORDER.to_string());
        let shown: Vec<SlotId> = self
            .columns
            .iter()
            .copied()
            .filter(|slot| Some(*slot) != rank)
            .collect();
        let mut select: Vec<String> = shown.iter().map(|slot| self.name(*slot)).collect();
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, ROW_NUMBER() OVER ({}ORDER BY {}) AS {RANK} FROM {previous}",
            select.join(", "),
            self.partition(by),
            order.join(", ")
        ));
        let mut group_order: Vec<String> = by
            .iter()
            .map(|slot| format!("{} ASC NULLS FIRST", self.name(*slot)))
            .collect();
        group_order.push(RANK.to_string());
        if let Some(slot) = rank {
            select.push(format!("{RANK} AS {}", self.name(slot)));
        }
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, ROW_NUMBER() OVER (ORDER BY {}) AS {ORDER} FROM {previous} WHERE {RANK} <= {limit}",
            select.join(", "),
            group_order.join(", ")
        ));
        self.columns = shown;
        if let Some(slot) = rank {
            self.columns.push(slot);
            self.kinds.insert(slot, Kind::Integer);
        }
        Ok(())
    }

    /// `dedup [consecutive] N by k`: the first N rows of each key in row order; with
    /// `consecutive`, of each run of rows with the same key.
    fn dedup(&mut self, consecutive: bool, limit: u64, by: &[SlotId]) {
        let select: Vec<String> = self.columns.iter().map(|slot| self.name(*slot)).collect();
        let select = select.join(", ");
        let partition = self.partition(by);
        let previous = self.previous();
        let run = if consecutive {
            // A run is a stretch of rows of one key: the gap between a row's place overall
            // and its place among its key's rows stays the same along the run.
            self.stages.push(format!(
                "SELECT {select}, ROW_NUMBER() OVER (ORDER BY {ORDER}) - ROW_NUMBER() OVER ({partition}ORDER BY {ORDER}) AS {RUN}, {ORDER} FROM {previous}"
            ));
            let keys: Vec<String> = by
                .iter()
                .map(|slot| self.name(*slot))
                .chain(std::iter::once(RUN.to_string()))
                .collect();
            format!("PARTITION BY {} ", keys.join(", "))
        } else {
            partition
        };
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {select}, ROW_NUMBER() OVER ({run}ORDER BY {ORDER}) AS {RANK}, {ORDER} FROM {previous}"
        ));
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {select}, {ORDER} FROM {previous} WHERE {RANK} <= {limit}"
        ));
    }

    fn row_operator(&mut self, row: &RowOperator) -> Result<(), SqlError> {
        let (construct, reason) = match row {
            RowOperator::Timeslice {
                time,
                output,
                end,
                width_ms,
            } => {
                let writer = self.writer();
                let millis = writer.number(&writer.column(*time));
                let start = format!("CAST(floor({} / {width_ms}) * {width_ms} AS BIGINT)", millis.text);
                let slice_end = Sql {
                    text: format!("{start} + {width_ms}"),
                    kind: Kind::Integer,
                };
                let slice_start = Sql {
                    text: start,
                    kind: Kind::Integer,
                };
                self.assign_all(vec![(*output, slice_start), (*end, slice_end)], &[]);
                return Ok(());
            }
            RowOperator::Top {
                limit,
                ranked,
                by,
                rank,
            } => return self.top(*limit, ranked, by, *rank),
            RowOperator::Dedup {
                consecutive,
                limit,
                by,
            } => {
                self.dedup(*consecutive, *limit, by);
                return Ok(());
            }
            RowOperator::Sequence {
                kind,
                field,
                shift,
                output,
                by,
            } => {
                // A NaN or an infinity carries through every sequence operator.
                let non_finite = self.non_finite.contains(field);
                self.sequence(*kind, *field, *shift, *output, by)?;
                self.note_non_finite(*output, non_finite);
                return Ok(());
            }
            RowOperator::Lookup(table) => return self.lookup(table),
            RowOperator::FillMissing {
                keys,
                values,
                defaults,
                empty,
            } => return self.fill_missing(keys, values, defaults, empty),
            RowOperator::Bin(spec) => return self.bin(spec),
            RowOperator::Outlier(spec) => return self.outlier(spec),
            RowOperator::Table(table) => return self.listed_table(table),
            RowOperator::IpLookup(_) => (
                "geoip and the geo:// and asn:// lookups",
                "the MaxMind database is a local file read by sumoql; load it into the engine and join",
            ),
            RowOperator::LogReduce(_) => (
                "logreduce",
                "its signatures come from clustering the messages one after another, which SQL does not express",
            ),
            RowOperator::Threat(_) => (
                "threatip and threatlookup",
                "the indicator file is a local file read by sumoql; load it into the engine and join",
            ),
            RowOperator::Save(_) => (
                "save",
                "it writes a table of the local table folder; write the query's result with the engine's own INSERT or COPY",
            ),
            RowOperator::Transpose { .. } => (
                "transpose",
                "its columns are the values found at run time, and a SQL query's columns are fixed when it is written",
            ),
        };
        Err(SqlError::new(construct, reason))
    }
}

/// The regular expression of a scope wildcard, on lower-cased text: `*` is any run, `?` any
/// one character, and white space any run of white space.
fn wildcard_regex(pattern: &Wildcard) -> String {
    let lower = pattern.text().to_lowercase();
    let mut regex = String::new();
    let mut in_space = false;
    for c in lower.chars() {
        if c.is_whitespace() {
            if !in_space {
                regex.push_str("\\s+");
            }
            in_space = true;
            continue;
        }
        in_space = false;
        match c {
            '*' => regex.push_str(".*"),
            '?' => regex.push('.'),
            c => regex.push_str(&escape_regex(c.encode_utf8(&mut [0; 4]))),
        }
    }
    regex
}
