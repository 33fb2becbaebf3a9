//! The AST of `join` and of subqueries: the stages that hold whole nested pipelines.

use crate::ast::{Name, Query, Stage};
use crate::span::Spanned;

/// A join of two or more tables made from the same records
/// (`join (parse "a=*" as a) as t1, (parse "b=*" as b) as t2 on t1.a = t2.b [timewindow 10m]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Join {
    /// The tables, in the order written.
    pub tables: Vec<JoinTable>,
    /// The equalities after `on`, joined by `and`.
    pub on: Vec<JoinCondition>,
    /// `timewindow 10m`: joined records are at most this far apart in time, in milliseconds.
    pub timewindow: Option<Spanned<i64>>,
}

/// One table of a join: `(parse "a=*" as a | where a != "x") as t1`.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinTable {
    /// The stages inside the parentheses, each run on every record that reaches the join.
    pub stages: Vec<Spanned<Stage>>,
    /// The name after `as`, which prefixes the table's fields (`t1_a`).
    pub alias: Name,
}

/// `t1.a = t2.b`.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinCondition {
    /// The left side.
    pub left: TableField,
    /// The right side.
    pub right: TableField,
}

/// A field of a join table, written `table.field`.
#[derive(Clone, Debug, PartialEq)]
pub struct TableField {
    /// The table's alias.
    pub table: Name,
    /// The field.
    pub field: Name,
}

/// A subquery (`[subquery from=(-1d): _sourceCategory=x | count by ip | compose ip keywords]`):
/// a whole query run first, whose rows become a condition of the query around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Subquery {
    /// The child query, without its `compose` stage.
    pub query: Query,
    /// The fields `compose` returns.
    pub compose: Vec<Name>,
    /// `maxresults=N`: how many distinct rows the child returns at most.
    pub max_results: Option<Spanned<u64>>,
    /// `keywords`: the values become keywords, not `field=value` terms.
    pub keywords: bool,
    /// `from=(...)`: the start of the child's time range, as written.
    pub from: Option<Spanned<String>>,
    /// `to=(...)`: the end of the child's time range, as written.
    pub to: Option<Spanned<String>>,
}

impl std::fmt::Display for Subquery {
    /// `[subquery: … | compose a, b]`: the child itself is left out.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields: Vec<&str> = self.compose.iter().map(|n| n.node.as_str()).collect();
        write!(f, "[subquery: … | compose {}", fields.join(", "))?;
        if self.keywords {
            f.write_str(" keywords")?;
        }
        f.write_str("]")
    }
}
