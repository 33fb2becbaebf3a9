//! Running a plan with subqueries: walking every operator, nested ones included, and putting
//! each subquery's rows where its placeholder stands.

use sumoql_value::Value;

use crate::expr::PlanExpr;
use crate::plan::{Operator, Plan, StateOperator, SubqueryTarget};
use crate::scope::{ScopeFilter, Wildcard};
use crate::BinaryOp;

impl Plan {
    /// Replaces the placeholder of subquery `index` by the condition its `rows` make (each row
    /// one value per composed field): a record passes when it meets every term of any row. No
    /// rows make a condition nothing meets.
    pub fn resolve_subquery(&mut self, index: usize, rows: &[Vec<Value>]) {
        let Some(subquery) = self.subqueries.get(index) else {
            return;
        };
        match subquery.target.clone() {
            SubqueryTarget::ScopeFields(slots) => {
                let filter = any_of_scope(rows, |column, text| ScopeFilter::FieldMatch {
                    slot: slots[column],
                    pattern: Wildcard::new(text),
                });
                replace_in_scope(&mut self.scope, index, &filter);
            }
            SubqueryTarget::Keywords(raw) => {
                let filter = any_of_scope(rows, |_, text| ScopeFilter::Term {
                    raw,
                    pattern: Wildcard::new(text),
                });
                replace_in_scope(&mut self.scope, index, &filter);
            }
            SubqueryTarget::Condition(slots) => {
                let condition = any_of_conditions(rows, &slots);
                each_operator_mut(&mut self.operators, &mut |operator| {
                    for expr in expressions_mut(operator) {
                        replace_in_expr(expr, index, &condition);
                    }
                });
            }
        }
    }

    /// Calls `visit` on every operator of the plan, nested ones (a join's tables, the stages
    /// per transaction) after the operator that holds them.
    pub fn each_operator(&self, visit: &mut dyn FnMut(&Operator)) {
        each_operator(&self.operators, visit);
    }
}

/// The operators nested in `operator`, each list in order.
fn nested(operator: &Operator) -> Vec<&[Operator]> {
    match operator {
        Operator::Join(join) => join.tables.iter().map(|t| t.operators.as_slice()).collect(),
        Operator::State(StateOperator::Transactionize(group)) => vec![group.stages.as_slice()],
        Operator::State(StateOperator::Filter(filter)) => vec![filter.child.as_slice()],
        _ => Vec::new(),
    }
}

fn each_operator(operators: &[Operator], visit: &mut dyn FnMut(&Operator)) {
    for operator in operators {
        visit(operator);
        for inner in nested(operator) {
            each_operator(inner, visit);
        }
    }
}

fn each_operator_mut(operators: &mut [Operator], visit: &mut dyn FnMut(&mut Operator)) {
    for operator in operators {
        visit(operator);
        let inner: Vec<&mut Vec<Operator>> = match operator {
            Operator::Join(join) => join.tables.iter_mut().map(|t| &mut t.operators).collect(),
            Operator::State(StateOperator::Transactionize(group)) => vec![&mut group.stages],
            Operator::State(StateOperator::Filter(filter)) => vec![&mut filter.child],
            _ => Vec::new(),
        };
        for operators in inner {
            each_operator_mut(operators, visit);
        }
    }
}

/// The expressions an operator evaluates itself.
fn expressions_mut(operator: &mut Operator) -> Vec<&mut PlanExpr> {
    match operator {
        Operator::Filter(condition) => vec![condition],
        Operator::Assign { expr, .. } => vec![expr],
        Operator::Aggregate { aggregates, .. } => aggregates
            .iter_mut()
            .flat_map(|a| a.args.iter_mut())
            .collect(),
        _ => Vec::new(),
    }
}

/// Or over the rows of And over each row's terms; a row with a null value is no row.
fn any_of_scope(rows: &[Vec<Value>], term: impl Fn(usize, &str) -> ScopeFilter) -> ScopeFilter {
    let mut any: Option<ScopeFilter> = None;
    for row in rows {
        let mut all: Option<ScopeFilter> = None;
        for (column, value) in row.iter().enumerate() {
            let Some(text) = value.to_text() else {
                continue;
            };
            let next = term(column, &text);
            all = Some(match all {
                Some(before) => ScopeFilter::And(Box::new(before), Box::new(next)),
                None => next,
            });
        }
        if let Some(all) = all {
            any = Some(match any {
                Some(before) => ScopeFilter::Or(Box::new(before), Box::new(all)),
                None => all,
            });
        }
    }
    any.unwrap_or_else(|| ScopeFilter::Not(Box::new(ScopeFilter::All)))
}

/// The same for `where` and `if`: `field = "value"` terms.
fn any_of_conditions(rows: &[Vec<Value>], slots: &[usize]) -> PlanExpr {
    let join = |op, left: PlanExpr, right: PlanExpr| PlanExpr::Binary {
        op,
        left: Box::new(left),
        right: Box::new(right),
    };
    let mut any: Option<PlanExpr> = None;
    for row in rows {
        let terms = row.iter().zip(slots).filter_map(|(value, &slot)| {
            let text = value.to_text()?;
            Some(join(
                BinaryOp::Eq,
                PlanExpr::Field(slot),
                PlanExpr::Literal(Value::text(text)),
            ))
        });
        let all = terms.reduce(|a, b| join(BinaryOp::And, a, b));
        if let Some(all) = all {
            any = Some(match any {
                Some(before) => join(BinaryOp::Or, before, all),
                None => all,
            });
        }
    }
    any.unwrap_or(PlanExpr::Literal(Value::Bool(false)))
}

fn replace_in_scope(scope: &mut ScopeFilter, index: usize, with: &ScopeFilter) {
    match scope {
        ScopeFilter::Subquery(at) if *at == index => *scope = with.clone(),
        ScopeFilter::Not(inner) => replace_in_scope(inner, index, with),
        ScopeFilter::And(a, b) | ScopeFilter::Or(a, b) => {
            replace_in_scope(a, index, with);
            replace_in_scope(b, index, with);
        }
        ScopeFilter::All
        | ScopeFilter::FieldMatch { .. }
        | ScopeFilter::Term { .. }
        | ScopeFilter::Subquery(_) => {}
    }
}

fn replace_in_expr(expr: &mut PlanExpr, index: usize, with: &PlanExpr) {
    match expr {
        PlanExpr::Subquery(at) if *at == index => *expr = with.clone(),
        PlanExpr::Call { args, .. } => args
            .iter_mut()
            .for_each(|a| replace_in_expr(a, index, with)),
        PlanExpr::Unary { operand, .. } | PlanExpr::Matches { value: operand, .. } => {
            replace_in_expr(operand, index, with)
        }
        PlanExpr::Binary { left, right, .. } => {
            replace_in_expr(left, index, with);
            replace_in_expr(right, index, with);
        }
        PlanExpr::In { value, list, .. } => {
            replace_in_expr(value, index, with);
            list.iter_mut()
                .for_each(|item| replace_in_expr(item, index, with));
        }
        PlanExpr::Conditional {
            condition,
            then,
            otherwise,
        } => {
            replace_in_expr(condition, index, with);
            replace_in_expr(then, index, with);
            replace_in_expr(otherwise, index, with);
        }
        PlanExpr::Literal(_) | PlanExpr::Regex(_) | PlanExpr::Field(_) | PlanExpr::Subquery(_) => {}
    }
}
