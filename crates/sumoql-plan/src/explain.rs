//! `explain`: the plan as stable text, one line per operator.

use std::fmt::Write as _;

use sumoql_value::Schema;

use crate::plan::{slot_names, Columns, Operator, Plan, StateOperator};

impl Plan {
    /// The plan as stable text: the scope, the fields read, each operator, and the output.
    pub fn explain(&self) -> String {
        let schema = &self.schema;
        let names = |slots: &[usize]| slot_names(schema, slots);
        let mut out = String::new();
        for (index, subquery) in self.subqueries.iter().enumerate() {
            let _ = writeln!(
                out,
                "Subquery {}, run first: {}",
                index + 1,
                subquery.describe(schema)
            );
            for line in subquery.plan.explain().lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(out, "Scope: {}", self.scope.describe(schema));
        let read = self.read.field_names();
        let _ = writeln!(
            out,
            "Read: {}{}",
            if read.is_empty() {
                "(nothing)".to_string()
            } else {
                read.join(", ")
            },
            if self.read.whole_records {
                " + every other field (whole records)"
            } else {
                ""
            }
        );
        for (i, operator) in self.operators.iter().enumerate() {
            let mut lines = operator.explain_lines(schema).into_iter();
            if let Some(first) = lines.next() {
                let _ = writeln!(out, "{}. {first}", i + 1);
            }
            for line in lines {
                let _ = writeln!(out, "   {line}");
            }
        }
        let output = match &self.output {
            Columns::Exact(columns) => names(columns),
            Columns::Dynamic { leading } => {
                format!("{}, then the columns transpose makes", names(leading))
            }
            Columns::Whole { added, removed } => {
                let mut text = "every field of each record".to_string();
                if !added.is_empty() {
                    let _ = write!(text, ", then {}", names(added));
                }
                if !removed.is_empty() {
                    let _ = write!(text, ", less {}", names(removed));
                }
                text
            }
        };
        let _ = writeln!(out, "Output: {output}");
        out
    }
}

impl Operator {
    /// The operator as lines of `explain`: its own, then those of the stages it runs inside
    /// (a join's tables, the stages per transaction), each marked with where it runs.
    pub fn explain_lines(&self, schema: &Schema) -> Vec<String> {
        let names = |slots: &[usize]| slot_names(schema, slots);
        let first = match self {
            Operator::Filter(condition) => format!("Filter {}", condition.display(schema)),
            Operator::Assign { slot, expr } => {
                format!("Assign {} = {}", schema.name(*slot), expr.display(schema))
            }
            Operator::Aggregate { keys, aggregates } => {
                let items: Vec<String> = aggregates
                    .iter()
                    .map(|a| {
                        let args: Vec<String> = a
                            .args
                            .iter()
                            .map(|e| e.display(schema).to_string())
                            .collect();
                        format!(
                            "{}({}) as {}",
                            a.function.name(),
                            args.join(", "),
                            schema.name(a.output)
                        )
                    })
                    .collect();
                let by = if keys.is_empty() {
                    String::new()
                } else {
                    format!(" by {}", names(keys))
                };
                format!("Aggregate {}{by}", items.join(", "))
            }
            Operator::Keep(slots) => format!("Keep {}", names(slots)),
            Operator::Remove(slots) => format!("Remove {}", names(slots)),
            Operator::Sort(keys) => {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        format!(
                            "{} {}",
                            schema.name(k.slot),
                            if k.ascending { "asc" } else { "desc" }
                        )
                    })
                    .collect();
                format!("Sort {}", keys.join(", "))
            }
            Operator::Limit(n) => format!("Limit {n}"),
            Operator::Compare(compare) => compare.describe(schema),
            Operator::Extract {
                source,
                extractor,
                nodrop,
                chain,
            } => format!(
                "Extract from {}: {}{}{}",
                schema.name(*source),
                extractor.describe(schema),
                if *nodrop { " nodrop" } else { "" },
                match (chain, nodrop) {
                    (Some(_), true) => ", noting a match for the parse that ends its run",
                    (Some(_), false) => ", keeping what an earlier nodrop parse matched",
                    (None, _) => "",
                }
            ),
            Operator::Rows(row) => row.describe(schema),
            Operator::State(state @ StateOperator::Transactionize(group))
                if !group.stages.is_empty() =>
            {
                let mut lines = vec![state.describe(schema)];
                nested(&mut lines, "group", &group.stages, schema);
                return lines;
            }
            Operator::State(state @ StateOperator::Filter(filter)) => {
                let mut lines = vec![state.describe(schema)];
                nested(&mut lines, "child", &filter.child, schema);
                return lines;
            }
            Operator::State(state) => state.describe(schema),
            Operator::Join(join) => {
                let mut lines = vec![join.describe(schema)];
                for table in &join.tables {
                    nested(&mut lines, &table.alias, &table.operators, schema);
                }
                return lines;
            }
        };
        vec![first]
    }
}

/// Adds the lines of nested `operators`, each marked with `label`.
fn nested(lines: &mut Vec<String>, label: &str, operators: &[Operator], schema: &Schema) {
    for operator in operators {
        for (index, line) in operator.explain_lines(schema).into_iter().enumerate() {
            let marker = if index == 0 {
                format!("{label}: ")
            } else {
                "  ".repeat(2)
            };
            lines.push(format!("  {marker}{line}"));
        }
    }
}
