//! Subqueries: the child query runs as a generator of its own over the same input, its stages
//! part of the same query. Its distinct rows (those with no null, the first `maxresults` in
//! the child's row order, as the native run takes them) are crossed with the records of the
//! query that holds it, and each record gets a boolean column: the condition the native run
//! puts where the subquery stands, any row's terms all met.

use sumoql_plan::{Columns, Operator, PlanExpr, ScopeFilter, Subquery, SubqueryTarget};
use sumoql_value::SlotId;

use super::{Generator, TERM_END, TERM_START};
use crate::dialect::{Piece, ORDER};
use crate::expr::{Kind, Sql};
use crate::SqlError;

/// The prefix of the column of a subquery's condition, by the subquery's index.
const MATCH: &str = "sumoql_subquery";

/// The prefix of the columns of a child's row, one per composed field.
const VALUE: &str = "sumoql_subquery_value";

/// The order of a record crossed with a child's rows, and the best of its conditions over
/// them: 2 when one holds, 1 when none does but one is unknown, 0 when none holds.
const MATCH_ORDER: &str = "sumoql_match_order";
const MATCH_BEST: &str = "sumoql_match_best";

/// A run of white space as Rust's `char::is_whitespace` reads it, which scope patterns written
/// in the query are read with: the engines' `\s`, the Unicode separators, and the two
/// characters (vertical tab, next line) that are in neither.
const WHITE_SPACE_RUN: &str = r"[\s\p{Z}\x0B\x85]+";

/// The characters of a scope pattern that a regular expression must escape (`*` and `?` are
/// the pattern's own wildcards).
const REGEX_SPECIAL: &str = r"([\\.+()|\[\]{}^$#&~-])";

/// Whether the scope holds the placeholder of subquery `index`.
pub(super) fn scope_uses(scope: &ScopeFilter, index: usize) -> bool {
    match scope {
        ScopeFilter::Subquery(at) => *at == index,
        ScopeFilter::Not(inner) => scope_uses(inner, index),
        ScopeFilter::And(a, b) | ScopeFilter::Or(a, b) => {
            scope_uses(a, index) || scope_uses(b, index)
        }
        ScopeFilter::All | ScopeFilter::FieldMatch { .. } | ScopeFilter::Term { .. } => false,
    }
}

/// Whether an expression of `operator` holds the placeholder of subquery `index` (in the
/// operators whose expressions the native run puts the rows' condition in).
pub(super) fn operator_uses(operator: &Operator, index: usize) -> bool {
    let placeholder = |expr: &PlanExpr| matches!(expr, PlanExpr::Subquery(at) if *at == index);
    match operator {
        Operator::Filter(expr) | Operator::Assign { expr, .. } => expr.contains(&placeholder),
        Operator::Aggregate { aggregates, .. } => aggregates
            .iter()
            .flat_map(|aggregate| &aggregate.args)
            .any(|arg| arg.contains(&placeholder)),
        _ => false,
    }
}

impl<'a> Generator<'a> {
    /// Adds to the records the condition column of each subquery for which `uses` holds, for
    /// the stage that follows (the columns of earlier ones are gone).
    pub(super) fn match_subqueries(
        &mut self,
        uses: impl Fn(usize) -> bool,
    ) -> Result<(), SqlError> {
        self.subquery_matches.clear();
        let plan = self.plan;
        for (index, subquery) in plan.subqueries.iter().enumerate() {
            if uses(index) {
                self.match_subquery(index, subquery)?;
            }
        }
        Ok(())
    }

    /// Adds the column of subquery `index`'s condition: true when the record meets every
    /// term of one of the child's rows, null when it meets no row's but a term is unknown (a
    /// null field in `where`), false otherwise and when the child has no rows.
    fn match_subquery(&mut self, index: usize, subquery: &'a Subquery) -> Result<(), SqlError> {
        if subquery.from.is_some() || subquery.to.is_some() {
            return Err(SqlError::new(
                "subquery from= and to=",
                "the child's own time range is read against the run's time range and \"now\", which the SQL does not receive",
            ));
        }
        let records = self.previous();
        let Columns::Exact(composed) = &subquery.plan.output else {
            return Err(SqlError::new(
                "subquery",
                "its child query does not end with the composed fields",
            ));
        };
        let rows = self.child_rows(subquery, composed)?;
        let condition = self.row_condition(&subquery.target, composed.len())?;
        self.stages.push(format!(
            "SELECT {records}.{ORDER} AS {MATCH_ORDER}, MAX(CASE WHEN {condition} THEN 2 \
             WHEN NOT {condition} THEN 0 ELSE 1 END) AS {MATCH_BEST} \
             FROM {records} CROSS JOIN {rows} GROUP BY {records}.{ORDER}"
        ));
        let best = self.previous();
        let mut select: Vec<String> = self
            .columns
            .iter()
            .map(|slot| format!("{records}.{}", self.name(*slot)))
            .chain(
                self.subquery_matches
                    .values()
                    .map(|column| format!("{records}.{column}")),
            )
            .collect();
        let column = format!("{MATCH}{index}");
        select.push(format!("{records}.{ORDER} AS {ORDER}"));
        select.push(format!(
            "(CASE COALESCE({best}.{MATCH_BEST}, 0) WHEN 2 THEN TRUE WHEN 0 THEN FALSE END) AS {column}"
        ));
        self.stages.push(format!(
            "SELECT {} FROM {records} LEFT JOIN {best} ON {records}.{ORDER} = {best}.{MATCH_ORDER}",
            select.join(", ")
        ));
        self.subquery_matches.insert(index, column);
        Ok(())
    }

    /// The stages of the child query, then of its distinct rows as text (the `composed`
    /// fields, none null), the first `maxresults` in the child's row order. Returns
    /// the name of the last stage, whose columns are the rows' values.
    fn child_rows(
        &mut self,
        subquery: &'a Subquery,
        composed: &[SlotId],
    ) -> Result<String, SqlError> {
        let mut child = Generator::new(
            &subquery.plan,
            self.options,
            std::mem::take(&mut self.stages),
        );
        // The reader's setup statements are the query's own: the child reads the same input.
        let values = child.pipeline().and_then(|_| {
            let writer = child.writer();
            composed
                .iter()
                .enumerate()
                .map(|(number, slot)| {
                    let value = child.present_column(&writer, *slot);
                    let text = writer.exact_text("subquery row", &value)?;
                    Ok(format!("{text} AS {VALUE}{number}"))
                })
                .collect::<Result<Vec<String>, SqlError>>()
        });
        self.stages = std::mem::take(&mut child.stages);
        self.warnings.append(&mut child.warnings);
        let values = values?;
        let last = self.previous();
        self.stages
            .push(format!("SELECT {}, {ORDER} FROM {last}", values.join(", ")));
        let texts = self.previous();
        let names: Vec<String> = (0..composed.len())
            .map(|number| format!("{VALUE}{number}"))
            .collect();
        let present: Vec<String> = names
            .iter()
            .map(|name| format!("{name} IS NOT NULL"))
            .collect();
        self.stages.push(format!(
            "SELECT {0} FROM {texts} WHERE {1} GROUP BY {0} ORDER BY MIN({ORDER}) LIMIT {2}",
            names.join(", "),
            present.join(" AND "),
            subquery.max_results
        ));
        Ok(self.previous())
    }

    /// The condition a record meets for one row of a child (its `width` values in the
    /// columns of the rows' stage), as the native run writes it for `target`.
    fn row_condition(&self, target: &SubqueryTarget, width: usize) -> Result<String, SqlError> {
        let writer = self.writer();
        let value = |number: usize| Sql::new(format!("{VALUE}{number}"), Kind::Text);
        let text_of =
            |slot| writer.exact_text("subquery scope", &self.present_column(&writer, slot));
        let terms = match target {
            SubqueryTarget::Condition(slots) => slots
                .iter()
                .enumerate()
                .map(|(number, slot)| {
                    writer.compare("=", &self.present_column(&writer, *slot), &value(number))
                })
                .collect(),
            SubqueryTarget::ScopeFields(slots) => slots
                .iter()
                .enumerate()
                .map(|(number, slot)| {
                    Ok(self.wildcard_test(&text_of(*slot)?, &value(number).text, false))
                })
                .collect::<Result<Vec<String>, SqlError>>()?,
            SubqueryTarget::Keywords(raw) => {
                let raw = text_of(*raw)?;
                (0..width)
                    .map(|number| self.wildcard_test(&raw, &value(number).text, true))
                    .collect()
            }
        };
        Ok(format!("({})", terms.join(" AND ")))
    }

    /// Whether `text` (SQL) matches the scope pattern the SQL text `pattern` holds, as the
    /// scope's own patterns are written: case aside, `*` any run, `?` any one character and
    /// white space any run of it; the whole text, or with `term` a term of it (bounded by
    /// the text's ends or characters that are not letters or digits, unless the pattern
    /// starts or ends with `*`).
    fn wildcard_test(&self, text: &str, pattern: &str, term: bool) -> String {
        let dialect = self.dialect;
        let replace =
            |text: &str, regex: &str, with: &[Piece]| dialect.regex_replace(text, regex, with);
        let escaped = replace(
            &dialect.lower(pattern),
            REGEX_SPECIAL,
            &[Piece::Text("\\".into()), Piece::Group(1)],
        );
        let any_run = replace(&escaped, r"[*]", &[Piece::Text(".*".into())]);
        let any_one = replace(&any_run, r"[?]", &[Piece::Text(".".into())]);
        let body = replace(&any_one, WHITE_SPACE_RUN, &[Piece::Text("\\s+".into())]);
        let regex = if term {
            let edge = |star: &str, boundary: &str| {
                format!(
                    "(CASE WHEN {} THEN {} ELSE {} END)",
                    dialect.regex_match(pattern, star),
                    dialect.string(""),
                    dialect.string(boundary)
                )
            };
            format!(
                "concat({}, {}, {body}, {})",
                dialect.string("(?s)"),
                edge("^[*]", TERM_START),
                edge("[*]$", TERM_END)
            )
        } else {
            format!(
                "concat({}, {body}, {})",
                dialect.string("(?s)^"),
                dialect.string("$")
            )
        };
        format!(
            "COALESCE({}, FALSE)",
            dialect.regex_test(&dialect.lower(text), &regex)
        )
    }
}
