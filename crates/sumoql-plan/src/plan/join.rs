//! The plan of `join`: tables made from the same records, joined on equal fields.

use sumoql_value::{Schema, SlotId};

use crate::plan::Operator;

/// Joins the rows of two or more tables, each made by its own operators from every record
/// that reaches the join
/// (`join (parse "a=*" as a) as t1, (parse "b=*" as b) as t2 on t1.a = t2.b [timewindow 10m]`).
///
/// It works as an inner join: a result row is one row of each table, the rows meeting every
/// condition (and, with a time window, no two of them further apart in time than it); the row
/// holds each table's columns prefixed with the table's name (`t1_a`). Rows come out table by
/// table in the order of the tables' rows, newest first (Sumo's order).
#[derive(Clone)]
pub struct Join {
    /// The tables, in the order written.
    pub tables: Vec<JoinTable>,
    /// The equalities that joined rows meet.
    pub on: Vec<JoinKey>,
    /// The most time between any two joined rows, in milliseconds.
    pub window_ms: Option<i64>,
    /// `_messageTime`, which orders each table and bounds the window.
    pub time: SlotId,
}

/// One table of a join.
#[derive(Clone)]
pub struct JoinTable {
    /// The table's name (`t1`).
    pub alias: String,
    /// The operators that make the table's rows from the records.
    pub operators: Vec<Operator>,
    /// Each column of the table and the field of the result it goes to (`a` → `t1_a`).
    pub columns: Vec<(SlotId, SlotId)>,
}

/// `t1.a = t2.b`: a field of one table equals a field of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JoinKey {
    /// The left table (an index into the tables) and its field.
    pub left: (usize, SlotId),
    /// The right table and its field.
    pub right: (usize, SlotId),
}

impl Join {
    /// The first line of the join in `explain`.
    pub fn describe(&self, schema: &Schema) -> String {
        let conditions: Vec<String> = self
            .on
            .iter()
            .map(|key| {
                format!(
                    "{}.{} = {}.{}",
                    self.tables[key.left.0].alias,
                    schema.name(key.left.1),
                    self.tables[key.right.0].alias,
                    schema.name(key.right.1)
                )
            })
            .collect();
        let aliases: Vec<&str> = self.tables.iter().map(|t| t.alias.as_str()).collect();
        format!(
            "Join {} on {}{}",
            aliases.join(", "),
            conditions.join(" and "),
            self.window_ms
                .map_or(String::new(), |ms| format!(" within {ms} ms"))
        )
    }
}
