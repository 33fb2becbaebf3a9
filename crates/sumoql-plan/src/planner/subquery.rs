//! Planning subqueries: the child query is planned on its own, as a whole query whose result is
//! the composed fields; where the subquery stands, a placeholder names it until the run
//! replaces it by the child's rows.

use sumoql_syntax::ast::{Stage, Subquery};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::limits::DEFAULT_SUBQUERY_ROWS;
use sumoql_value::time::{parse_time_arg, Zone};

use super::{plan_query_with, Planner};
use crate::expr::PlanExpr;
use crate::plan::{self, SubqueryTarget};
use crate::scope::ScopeFilter;

impl Planner<'_> {
    /// A subquery in the scope: its rows as `field=value` terms, or as keywords.
    pub(super) fn scope_subquery(&mut self, subquery: &Subquery, span: Span) -> ScopeFilter {
        let target = if subquery.keywords {
            SubqueryTarget::Keywords(self.read_field("_raw", span))
        } else {
            SubqueryTarget::ScopeFields(self.read_fields(&subquery.compose))
        };
        match self.child(subquery, target) {
            Some(index) => ScopeFilter::Subquery(index),
            None => ScopeFilter::All,
        }
    }

    /// A subquery in `where` or `if`: true when the record's fields equal one of its rows.
    pub(super) fn condition_subquery(&mut self, subquery: &Subquery, span: Span) -> PlanExpr {
        if subquery.keywords {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    "`keywords` works only for a subquery in the scope, not in `where` or `if`",
                    span,
                )
                .with_label("a condition subquery")
                .with_note("help: drop `keywords`, or move the subquery before the first `|`"),
            );
            return PlanExpr::Literal(sumoql_value::Value::Null);
        }
        let target = SubqueryTarget::Condition(self.read_fields(&subquery.compose));
        match self.child(subquery, target) {
            Some(index) => PlanExpr::Subquery(index),
            None => PlanExpr::Literal(sumoql_value::Value::Null),
        }
    }

    /// Plans the child query, its result the composed fields, in the context of the query
    /// that holds it (its tables and databases; its time range is the run's); returns its index.
    fn child(&mut self, subquery: &Subquery, target: SubqueryTarget) -> Option<usize> {
        for time in [&subquery.from, &subquery.to].into_iter().flatten() {
            if parse_time_arg(&time.node, 0, &Zone::utc()).is_err() {
                self.errors.push(
                    Diagnostic::error(
                        codes::BAD_ARGUMENT,
                        format!("`{}` is not a time", time.node),
                        time.span,
                    )
                    .with_label("not a time")
                    .with_note("help: give `-15m`, `now`, epoch milliseconds or an ISO-8601 time"),
                );
                return None;
            }
        }
        let mut query = subquery.query.clone();
        let compose_span = subquery
            .compose
            .first()
            .map_or(Span::default(), |name| name.span);
        query.stages.push(Spanned::new(
            Stage::Fields {
                remove: false,
                names: subquery.compose.clone(),
            },
            compose_span,
        ));
        match plan_query_with(&query, self.registry, self.context) {
            Ok(child) => {
                self.subqueries.push(plan::Subquery {
                    plan: child,
                    target,
                    max_results: subquery
                        .max_results
                        .as_ref()
                        .map_or(DEFAULT_SUBQUERY_ROWS, |n| n.node as usize),
                    from: subquery.from.as_ref().map(|t| t.node.clone()),
                    to: subquery.to.as_ref().map(|t| t.node.clone()),
                });
                Some(self.subqueries.len() - 1)
            }
            Err(errors) => {
                self.errors.extend(errors);
                None
            }
        }
    }
}
