//! Planning `join`, and the nested pipelines of operators that hold them.
//!
//! A join's tables are planned one after the other from the columns the join receives. A
//! table that keeps whole records has as columns the fields added so far and those its
//! conditions name; a later stage may name any other field `f` of such a table as `t1_f`,
//! which adds the column then (the join is patched before the next stage is planned).

use sumoql_syntax::ast::{Join, Name, Stage};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::SlotId;

use super::Planner;
use crate::plan::{Columns, JoinKey, JoinTable, Operator};

/// The join whose columns are the current ones, and the columns later stages added to joins.
#[derive(Default)]
pub(super) struct JoinScope {
    /// The join that made the current columns: its index among the operators, and its tables.
    active: Option<(usize, Vec<ScopeTable>)>,
    /// Columns to add to joins: the join's index, the table, the field and the column.
    pending: Vec<(usize, usize, SlotId, SlotId)>,
}

/// A table of the active join, as later stages may name its fields.
struct ScopeTable {
    /// The table's name in lower case, for matching `t1_f` in any case.
    alias: String,
    /// Whether the table keeps whole records, so any field of the log may be named.
    whole: bool,
}

impl Planner<'_> {
    /// Plans `join (…) as t1, (…) as t2 on t1.a = t2.b [timewindow D]`.
    pub(super) fn join(&mut self, join: &Join, span: Span, operators: &mut Vec<Operator>) {
        let aliases: Vec<String> = join
            .tables
            .iter()
            .map(|t| t.alias.node.to_ascii_lowercase())
            .collect();
        for (index, alias) in aliases.iter().enumerate() {
            if aliases[..index].contains(alias) {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!(
                            "two join tables are named `{}`",
                            join.tables[index].alias.node
                        ),
                        join.tables[index].alias.span,
                    )
                    .with_label("named twice"),
                );
                return;
            }
        }
        let table_of = |name: &Name| {
            aliases
                .iter()
                .position(|a| *a == name.node.to_ascii_lowercase())
        };
        let mut sides = Vec::new();
        for condition in &join.on {
            for side in [&condition.left, &condition.right] {
                let Some(table) = table_of(&side.table) else {
                    self.errors.push(
                        Diagnostic::error(
                            codes::UNKNOWN_FIELD,
                            format!("no join table is named `{}`", side.table.node),
                            side.table.span,
                        )
                        .with_label("not a table of this join")
                        .with_note(format!(
                            "help: the tables are {}",
                            join.tables
                                .iter()
                                .map(|t| format!("`{}`", t.alias.node))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    );
                    return;
                };
                sides.push((table, side.field.clone()));
            }
        }
        let before = (self.columns.clone(), self.passthrough.clone());
        let time = self.message_time(span);
        let mut tables = Vec::new();
        let mut scope_tables = Vec::new();
        let mut key_slots = vec![None; sides.len()];
        for (index, table) in join.tables.iter().enumerate() {
            (self.columns, self.passthrough) = before.clone();
            let table_operators = self.nested(&table.stages);
            let timeless = match &self.columns {
                Columns::Exact(columns) | Columns::Dynamic { leading: columns } => {
                    !columns.contains(&time) && !self.passes_through("_messageTime", time)
                }
                Columns::Whole { .. } => false,
            };
            if let (Some(window), true) = (&join.timewindow, timeless) {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!(
                            "`timewindow` compares the rows' `_messageTime`, which table `{}` no longer has",
                            table.alias.node
                        ),
                        window.span,
                    )
                    .with_label("needs each row's time")
                    .with_note("help: keep `_messageTime` in the table (aggregate it, e.g. `max(_messageTime) as _messageTime`), or drop `timewindow`"),
                );
                return;
            }
            for (side, (of, field)) in sides.iter().enumerate() {
                if *of == index {
                    key_slots[side] = Some(self.read_field(&field.node, field.span));
                }
            }
            let (mut fields, whole) = match &self.columns {
                Columns::Whole { added, removed } => (
                    added
                        .iter()
                        .copied()
                        .filter(|s| !removed.contains(s))
                        .collect(),
                    true,
                ),
                Columns::Exact(columns) | Columns::Dynamic { leading: columns } => {
                    (columns.clone(), false)
                }
            };
            for (side, (of, _)) in sides.iter().enumerate() {
                if let (true, Some(slot)) = (*of == index, key_slots[side]) {
                    if !fields.contains(&slot) {
                        fields.push(slot);
                    }
                }
            }
            let columns = fields
                .into_iter()
                .map(|field| {
                    let name = format!("{}_{}", table.alias.node, self.schema.name(field));
                    (field, self.schema.intern(&name))
                })
                .collect();
            tables.push(JoinTable {
                alias: table.alias.node.clone(),
                operators: table_operators,
                columns,
            });
            scope_tables.push(ScopeTable {
                alias: aliases[index].clone(),
                whole,
            });
        }
        let on: Vec<JoinKey> = sides
            .chunks(2)
            .zip(key_slots.chunks(2))
            .filter_map(|(pair, slots)| {
                Some(JoinKey {
                    left: (pair[0].0, slots[0]?),
                    right: (pair[1].0, slots[1]?),
                })
            })
            .collect();
        for (index, table) in join.tables.iter().enumerate().skip(1) {
            let linked = on.iter().any(|key| {
                (key.left.0 == index && key.right.0 < index)
                    || (key.right.0 == index && key.left.0 < index)
            });
            if !linked {
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!(
                            "no condition links table `{}` to an earlier table",
                            table.alias.node
                        ),
                        table.alias.span,
                    )
                    .with_label("not joined")
                    .with_note(format!(
                        "help: add a condition such as `{}.f = {}.f` after `on`",
                        join.tables[0].alias.node, table.alias.node
                    )),
                );
            }
        }
        let outputs: Vec<SlotId> = tables
            .iter()
            .flat_map(|t| t.columns.iter().map(|&(_, output)| output))
            .collect();
        self.set_columns(Columns::Exact(outputs));
        self.join_scope.active = Some((operators.len(), scope_tables));
        operators.push(Operator::Join(crate::plan::Join {
            tables,
            on,
            window_ms: join.timewindow.as_ref().map(|w| w.node),
            time,
        }));
    }

    /// Plans a nested pipeline (a join table, the stages per transaction) from the current
    /// columns, which are left as the pipeline leaves them.
    pub(super) fn nested(&mut self, stages: &[Spanned<Stage>]) -> Vec<Operator> {
        let outer = std::mem::take(&mut self.join_scope);
        let mut operators = Vec::new();
        for stage in stages {
            self.stage(stage, &mut operators);
        }
        self.add_late_join_columns(&mut operators);
        self.join_scope = outer;
        operators
    }

    /// The slot of `_messageTime`, read from the records when a stage can still read it;
    /// otherwise its values are null.
    pub(super) fn message_time(&mut self, span: Span) -> SlotId {
        let slot = self.schema.intern("_messageTime");
        let readable = matches!(self.columns, Columns::Whole { .. })
            || self.columns.has(slot)
            || self.passes_through("_messageTime", slot);
        if readable {
            self.read_field("_messageTime", span)
        } else {
            slot
        }
    }

    /// Whether `name` is `t_f` for a table `t` of the active join that keeps whole records; the
    /// column is then added to the join (and `f` read by the readers).
    pub(super) fn late_join_column(&mut self, name: &str, slot: SlotId) -> bool {
        let Some((operator, tables)) = &self.join_scope.active else {
            return false;
        };
        let lower = name.to_ascii_lowercase();
        let found = tables.iter().enumerate().find_map(|(index, table)| {
            let field = lower.strip_prefix(&table.alias)?.strip_prefix('_')?;
            (table.whole && !field.is_empty())
                .then(|| (index, name[name.len() - field.len()..].to_string()))
        });
        let Some((table, field)) = found else {
            return false;
        };
        let operator = *operator;
        let source = self.schema.intern(&field);
        if !self.reads.contains(&source) {
            self.reads.push(source);
        }
        if let Columns::Exact(columns) = &mut self.columns {
            columns.push(slot);
        }
        self.join_scope
            .pending
            .push((operator, table, source, slot));
        true
    }

    /// Ends the active join: a stage replaced its columns.
    pub(super) fn end_join_scope(&mut self) {
        self.join_scope.active = None;
    }

    /// Adds the columns later stages named to the joins among `operators`.
    pub(super) fn add_late_join_columns(&mut self, operators: &mut [Operator]) {
        for (operator, table, source, output) in self.join_scope.pending.drain(..) {
            if let Some(Operator::Join(join)) = operators.get_mut(operator) {
                join.tables[table].columns.push((source, output));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_syntax::parse_query;

    use crate::plan_query;

    fn explain(text: &str) -> String {
        plan_query(&parse_query(text).unwrap(), &Registry::standard())
            .unwrap()
            .explain()
    }

    #[test]
    fn a_join_lists_its_tables_and_gains_the_columns_later_stages_name() {
        let text = explain(
            "* | join (where a = \"1\") as t1, (where b = \"2\") as t2 on t1.k = t2.k \
             | fields t1_k, t2_x",
        );
        let expected = "\
Scope: *
Read: _messageTime, a, k, b, x
1. Join t1, t2 on t1.k = t2.k
     t1: Filter a = \"1\"
     t2: Filter b = \"2\"
2. Keep t1_k, t2_x
Output: t1_k, t2_x
";
        assert_eq!(text, expected);
    }

    #[test]
    fn every_table_must_be_linked_to_an_earlier_one() {
        let query = parse_query("* | join (x as a) as t1, (y as b) as t2 on t1.a = t1.a").unwrap();
        let errors = plan_query(&query, &Registry::standard()).err().unwrap();
        assert_eq!(
            errors[0].message,
            "no condition links table `t2` to an earlier table"
        );
    }
}
