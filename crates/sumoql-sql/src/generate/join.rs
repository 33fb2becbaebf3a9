//! `join`: each table's rows are made by its own stages from the records that reach the join,
//! a branch of stages of its own; the tables are joined as the native stage joins them (an
//! inner join, null never equal), rows in Sumo's order: table by table, each newest first.

use std::collections::HashMap;

use sumoql_plan::Join;
use sumoql_value::limits::{JOIN_OUTPUT_ROWS, JOIN_TABLE_ROWS};
use sumoql_value::SlotId;

use super::Generator;
use crate::dialect::ORDER;
use crate::expr::Kind;
use crate::SqlError;

/// The hidden column of a table row's place in the order its stages make it.
const TABLE_ROW: &str = "sumoql_table_row";

/// The hidden column of a table row's place newest first.
const NEWEST: &str = "sumoql_newest";

/// The prefix of the names of the joined tables.
const JOINED: &str = "sumoql_join";

/// One table of a join once its stages are written: its last stage, columns and their kinds.
struct Branch {
    stage: String,
    columns: Vec<SlotId>,
    kinds: HashMap<SlotId, Kind>,
}

impl Branch {
    /// The SQL of the table's column `slot` in the join (the table is named `alias`), with
    /// its kind; a null text when the table has no such column.
    fn column(&self, generator: &Generator<'_>, alias: &str, slot: SlotId) -> (String, Kind) {
        if self.columns.contains(&slot) {
            let kind = self.kinds.get(&slot).copied().unwrap_or(Kind::Text);
            (format!("{alias}.{}", generator.name(slot)), kind)
        } else {
            (generator.text_cell(None), Kind::Text)
        }
    }
}

impl Generator<'_> {
    /// The stages of `join`: each table's branch, then the join of their rows.
    pub(super) fn join(&mut self, join: &Join) -> Result<(), SqlError> {
        let records = self.previous();
        let mut branches = Vec::new();
        for table in &join.tables {
            let mut branch =
                Generator::new(self.plan, self.options, std::mem::take(&mut self.stages));
            branch.columns = self.columns.clone();
            branch.kinds = self.kinds.clone();
            branch.stages.push(format!("SELECT * FROM {records}"));
            let written = table
                .operators
                .iter()
                .try_for_each(|operator| branch.operator(operator))
                .and_then(|_| branch.newest_first(join.time));
            self.stages = std::mem::take(&mut branch.stages);
            self.warnings.append(&mut branch.warnings);
            written?;
            branches.push(Branch {
                stage: self.previous(),
                columns: branch.columns,
                kinds: branch.kinds,
            });
        }
        let alias = |index: usize| format!("{JOINED}{index}");
        let mut conditions = Vec::new();
        for key in join.on.iter().filter(|key| key.left.0 != key.right.0) {
            let (left, left_kind) =
                branches[key.left.0].column(self, &alias(key.left.0), key.left.1);
            let (right, right_kind) =
                branches[key.right.0].column(self, &alias(key.right.0), key.right.1);
            if left_kind != right_kind || left_kind == Kind::List {
                return Err(SqlError::new(
                    "join on fields of different kinds",
                    "the native join matches values of one kind (a number never equals text), which SQL compares otherwise",
                ));
            }
            conditions.push(format!("{left} = {right}"));
        }
        if let Some(window) = join.window_ms {
            for later in 1..branches.len() {
                for earlier in 0..later {
                    // The planner makes sure that every table keeps the time.
                    let time = self.name(join.time);
                    conditions.push(format!(
                        "abs({}.{time} - {}.{time}) <= {window}",
                        alias(earlier),
                        alias(later)
                    ));
                }
            }
        }
        let mut select = Vec::new();
        let mut columns = Vec::new();
        let mut kinds = Vec::new();
        for (index, (table, branch)) in join.tables.iter().zip(&branches).enumerate() {
            for &(column, output) in &table.columns {
                let (value, kind) = branch.column(self, &alias(index), column);
                select.push(format!("{value} AS {}", self.name(output)));
                columns.push(output);
                kinds.push((output, kind));
            }
        }
        let order: Vec<String> = (0..branches.len())
            .map(|index| format!("{}.{NEWEST}", alias(index)))
            .collect();
        select.push(format!(
            "ROW_NUMBER() OVER (ORDER BY {}) AS {ORDER}",
            order.join(", ")
        ));
        let tables: Vec<String> = branches
            .iter()
            .enumerate()
            .map(|(index, branch)| format!("{} {}", branch.stage, alias(index)))
            .collect();
        let filter = if conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conditions.join(" AND "))
        };
        self.stages.push(format!(
            "SELECT {} FROM {}{filter}",
            select.join(", "),
            tables.join(" CROSS JOIN ")
        ));
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT * FROM {previous} WHERE {ORDER} <= {JOIN_OUTPUT_ROWS}"
        ));
        self.columns = columns;
        self.kinds.extend(kinds);
        Ok(())
    }

    /// Numbers the rows of the last stage newest first by `time` in [`NEWEST`] (rows of one
    /// time in row order, rows without a time last), keeping the first [`JOIN_TABLE_ROWS`]
    /// in row order, as a join table holds them.
    fn newest_first(&mut self, time: SlotId) -> Result<(), SqlError> {
        let mut order = Vec::new();
        if self.columns.contains(&time) {
            let kind = self.kinds.get(&time).copied().unwrap_or(Kind::Text);
            if !matches!(kind, Kind::Integer | Kind::Float) {
                return Err(SqlError::new(
                    "join of a table whose time is not a number",
                    "its rows are ordered by the time's value, which for text follows D18's order of text and numbers",
                ));
            }
            order.push(format!("{} DESC NULLS LAST", self.name(time)));
        }
        order.push(ORDER.to_string());
        let select: Vec<String> = self.columns.iter().map(|slot| self.name(*slot)).collect();
        let select = select.join(", ");
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {select}, {ORDER}, ROW_NUMBER() OVER (ORDER BY {ORDER}) AS {TABLE_ROW} FROM {previous}"
        ));
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {select}, {ORDER}, ROW_NUMBER() OVER (ORDER BY {}) AS {NEWEST} FROM {previous} WHERE {TABLE_ROW} <= {JOIN_TABLE_ROWS}",
            order.join(", ")
        ));
        Ok(())
    }
}
