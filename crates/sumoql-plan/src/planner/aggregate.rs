//! Aggregation stages: `count`, `sum(x) as total, pct(ms, 50, 95) by host`, and the
//! row-producing `count_frequent(a, b)`.

use std::sync::Arc;

use sumoql_functions::AggregateFunction;
use sumoql_syntax::ast::{Bare, Expr, ExprKind, Item};
use sumoql_syntax::{codes, did_you_mean, Diagnostic, Span};
use sumoql_value::SlotId;

use super::{arity_error, constants_of, Planner};
use crate::expr::PlanExpr;
use crate::plan::{AggregateSpec, Columns, Operator, SortSpec};

/// One output column of an aggregation, before its name gets a slot.
struct PlannedColumn {
    function: Arc<dyn AggregateFunction>,
    args: Vec<PlanExpr>,
    name: String,
    /// Where an error about the column's name points: the `as` name, or the call.
    span: Span,
}

impl Planner<'_> {
    /// Whether a bare stage aggregates: it has `by`, or an item calls an aggregate function.
    pub(super) fn is_aggregation(&self, bare: &Bare) -> bool {
        !bare.by.is_empty()
            || bare
                .items
                .iter()
                .any(|item| self.aggregate_call(&item.expr).is_some())
    }

    /// The aggregate function name and arguments, when the expression is a call of one
    /// (`sum(x)`) or a bare aggregate name (`count`). A call that the aggregate's signature does
    /// not accept but a scalar function of the same name could take (`max(a, b)`) is scalar.
    fn aggregate_call<'e>(&self, expr: &'e Expr) -> Option<(&'e str, Span, &'e [Expr])> {
        match &expr.node {
            ExprKind::Call { name, args } => {
                let function = self.registry.aggregate(&name.node)?;
                let scalar_instead = !function.signature().accepts(args.len())
                    && self.registry.scalar(&name.node).is_some();
                (!scalar_instead).then_some((name.node.as_str(), name.span, args.as_slice()))
            }
            ExprKind::Field(name) if self.registry.aggregate(name).is_some() => {
                Some((name, expr.span, &[]))
            }
            _ => None,
        }
    }

    pub(super) fn aggregate(&mut self, bare: &Bare, operators: &mut Vec<Operator>) {
        let mut planned = Vec::new();
        for item in &bare.items {
            let Some((name, name_span, args)) = self.aggregate_call(&item.expr) else {
                self.errors.push(self.not_an_aggregate(item));
                continue;
            };
            let Some(function) = self.registry.aggregate(name) else {
                continue;
            };
            if !function.signature().accepts(args.len()) {
                self.errors.push(arity_error(
                    function.name(),
                    name_span,
                    function.signature().describe(),
                    args.len(),
                ));
                continue;
            }
            if let Some(rows) = function.most_frequent_rows() {
                self.most_frequent(bare, item, function, args, rows, operators);
                return;
            }
            planned.extend(self.aggregate_columns(item, function, args));
        }
        let keys: Vec<SlotId> = bare
            .by
            .iter()
            .map(|k| self.read_field(&k.node, k.span))
            .collect();
        self.check_distinct_names(&keys, &planned);
        let mut columns = keys.clone();
        let specs = planned
            .into_iter()
            .map(|column| {
                let output = self.intern(&column.name);
                if !columns.contains(&output) {
                    columns.push(output);
                }
                AggregateSpec {
                    function: column.function,
                    args: column.args,
                    output,
                }
            })
            .collect();
        self.set_columns(Columns::Exact(columns));
        operators.push(Operator::Aggregate {
            keys,
            aggregates: specs,
        });
    }

    /// The error for an item of an aggregation that is not an aggregate call.
    fn not_an_aggregate(&self, item: &Item) -> Diagnostic {
        let mut error = Diagnostic::error(
            codes::MISPLACED_AGGREGATE,
            "an aggregation takes only aggregate functions such as `count`, `sum(f)`, `values(f)`",
            item.expr.span,
        )
        .with_label("not an aggregate");
        let called = match &item.expr.node {
            ExprKind::Call { name, .. } => Some(name.node.as_str()),
            ExprKind::Field(name) => Some(name.as_str()),
            _ => None,
        };
        if let Some(suggestion) =
            called.and_then(|c| did_you_mean(c, self.registry.aggregates().map(|f| f.name())))
        {
            error = error.with_note(format!("help: did you mean `{suggestion}`?"));
        }
        error
    }

    /// Pushes an aggregation by `keys` computing one aggregate into `name`, which with the
    /// keys becomes the output's columns (`count_frequent`, `top`); returns its slot.
    pub(super) fn single_aggregate(
        &mut self,
        keys: Vec<SlotId>,
        function: Arc<dyn AggregateFunction>,
        args: Vec<PlanExpr>,
        name: &str,
        operators: &mut Vec<Operator>,
    ) -> SlotId {
        let output = self.intern(name);
        let mut columns = keys.clone();
        columns.push(output);
        self.set_columns(Columns::Exact(columns));
        operators.push(Operator::Aggregate {
            keys,
            aggregates: vec![AggregateSpec {
                function,
                args,
                output,
            }],
        });
        output
    }

    /// The columns one aggregate call computes (one, or one per percentile of `pct`), with
    /// their arguments, the implicit fields last (`_messageTime` for `most_recent`).
    fn aggregate_columns(
        &mut self,
        item: &Item,
        function: Arc<dyn AggregateFunction>,
        args: &[Expr],
    ) -> Vec<PlannedColumn> {
        let explicit: Vec<PlanExpr> = args.iter().map(|a| self.expr(a)).collect();
        let in_record_order = self.in_record_order(&function);
        let implicit: Vec<PlanExpr> = in_record_order
            .as_ref()
            .unwrap_or(&function)
            .implicit_fields()
            .iter()
            .map(|&field| PlanExpr::Field(self.read_field(field, item.expr.span)))
            .collect();
        let constants = constants_of(&explicit);
        let first_field = args.first().and_then(|arg| match &arg.node {
            ExprKind::Field(name) => Some(name.as_str()),
            _ => None,
        });
        let columns = match function.columns(&constants, first_field) {
            Ok(columns) => columns,
            Err((index, message)) => {
                let span = args.get(index).map_or(item.expr.span, |a| a.span);
                self.errors.push(
                    Diagnostic::error(
                        codes::BAD_ARGUMENT,
                        format!("bad argument to `{}`: {message}", function.name()),
                        span,
                    )
                    .with_label(message),
                );
                return Vec::new();
            }
        };
        if let (Some(alias), true) = (&item.alias, columns.len() > 1) {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!(
                        "`as` names one column, but this call of `{}` computes {}",
                        function.name(),
                        columns.len()
                    ),
                    alias.span,
                )
                .with_label("one name for several columns")
                .with_note("help: drop `as`, or make one call per column, each with its own `as`"),
            );
            return Vec::new();
        }
        columns
            .into_iter()
            .map(|column| PlannedColumn {
                function: column
                    .function
                    .or_else(|| in_record_order.clone())
                    .unwrap_or_else(|| Arc::clone(&function)),
                args: column
                    .arguments
                    .iter()
                    .filter_map(|&index| explicit.get(index).cloned())
                    .chain(implicit.iter().cloned())
                    .collect(),
                name: item
                    .alias
                    .as_ref()
                    .map_or(column.default_name, |alias| alias.node.clone()),
                span: item
                    .alias
                    .as_ref()
                    .map_or(item.expr.span, |alias| alias.span),
            })
            .collect()
    }

    /// Two columns of one aggregation may not share a name, as Sumo requires an `as` for the
    /// second `count_distinct(b)` beside `count_distinct(a)`.
    fn check_distinct_names(&mut self, keys: &[SlotId], planned: &[PlannedColumn]) {
        for (index, column) in planned.iter().enumerate() {
            let taken_by_key = keys.iter().any(|&key| self.schema.name(key) == column.name);
            let taken_before = planned[..index].iter().any(|c| c.name == column.name);
            if taken_by_key || taken_before {
                let what = if taken_by_key {
                    "a field it groups by"
                } else {
                    "another column"
                };
                self.errors.push(
                    Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("this aggregation has two columns named `{}`", column.name),
                        column.span,
                    )
                    .with_label(format!("same name as {what}"))
                    .with_note("help: give each its own name with `as`"),
                );
            }
        }
    }

    /// `count_frequent(a, b)`: group by its fields, count, keep the `rows` largest counts,
    /// sorted by count, descending. It stands alone in its stage.
    fn most_frequent(
        &mut self,
        bare: &Bare,
        item: &Item,
        function: Arc<dyn AggregateFunction>,
        args: &[Expr],
        rows: u64,
        operators: &mut Vec<Operator>,
    ) {
        if bare.items.len() > 1 || !bare.by.is_empty() {
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!(
                        "`{}` must be the only aggregate of its stage, without `by`",
                        function.name()
                    ),
                    item.expr.span,
                )
                .with_label("not alone in its stage")
                .with_note(format!(
                    "help: list every field to count in `{}(...)` itself",
                    function.name()
                )),
            );
            return;
        }
        let mut keys = Vec::new();
        for arg in args {
            match &arg.node {
                ExprKind::Field(name) => keys.push(self.read_field(name, arg.span)),
                _ => self.errors.push(
                    Diagnostic::error(
                        codes::BAD_ARGUMENT,
                        format!("bad argument to `{}`: a field name", function.name()),
                        arg.span,
                    )
                    .with_label("not a field name"),
                ),
            }
        }
        let column = PlannedColumn {
            function: Arc::clone(&function),
            args: Vec::new(),
            name: item
                .alias
                .as_ref()
                .map_or(function.default_name(), |alias| alias.node.as_str())
                .to_string(),
            span: item
                .alias
                .as_ref()
                .map_or(item.expr.span, |alias| alias.span),
        };
        self.check_distinct_names(&keys, std::slice::from_ref(&column));
        let output =
            self.single_aggregate(keys, column.function, column.args, &column.name, operators);
        operators.push(Operator::Sort(vec![SortSpec {
            slot: output,
            ascending: false,
        }]));
        operators.push(Operator::Limit(rows));
    }
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_syntax::parse_query;

    use crate::plan::Operator;
    use crate::planner::plan_query;

    fn operators(query: &str, registry: &Registry) -> Vec<Operator> {
        let query = parse_query(query).expect("parses");
        plan_query(&query, registry).expect("plans").operators
    }

    #[test]
    fn a_call_the_aggregate_cannot_take_is_the_scalar_of_the_same_name() {
        let registry = Registry::standard();
        let scalar = operators("* | max(a, b) as m", &registry);
        assert!(matches!(scalar.as_slice(), [Operator::Assign { .. }]));
        let aggregate = operators("* | max(a) as m", &registry);
        assert!(matches!(aggregate.as_slice(), [Operator::Aggregate { .. }]));
    }

    #[test]
    fn without_the_scalar_a_wrong_arity_is_reported_on_the_aggregate() {
        let query = parse_query("* | count_distinct(a, b)").expect("parses");
        let errors = plan_query(&query, &Registry::standard())
            .err()
            .expect("fails");
        assert!(errors[0]
            .message
            .contains("`count_distinct` takes 1 argument"));
    }

    #[test]
    fn pct_computes_one_column_per_percentile() {
        let registry = Registry::standard();
        let planned = operators("* | pct(ms, 50, 95), median(ms)", &registry);
        let [Operator::Aggregate { aggregates, .. }] = planned.as_slice() else {
            panic!("one aggregation")
        };
        assert_eq!(aggregates.len(), 3);
    }

    #[test]
    fn count_frequent_groups_by_its_fields_then_sorts_and_limits() {
        let planned = operators("* | count_frequent(a, b)", &Registry::standard());
        let [Operator::Aggregate { keys, aggregates }, Operator::Sort(sort), Operator::Limit(10_000)] =
            planned.as_slice()
        else {
            panic!("aggregate, sort, limit")
        };
        assert_eq!(keys.len(), 2);
        assert!(aggregates[0].args.is_empty());
        assert_eq!(sort[0].slot, aggregates[0].output);
        assert!(!sort[0].ascending);
    }
}
