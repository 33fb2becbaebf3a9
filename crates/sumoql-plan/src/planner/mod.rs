//! From AST to [`Plan`]: resolve names to slots and functions to implementations, check arity
//! and placement, fold constants, track the columns each stage outputs, and collect the fields
//! the readers must extract.

mod extract;

use std::sync::Arc;

use sumoql_functions::{CallContext, Registry};
use sumoql_syntax::ast::{Bare, Expr, ExprKind, Literal, Name, Query, Scope, Stage};
use sumoql_syntax::{codes, did_you_mean, Diagnostic, Span, Spanned};
use sumoql_value::{Schema, SlotId, Value};

use crate::context::PlanContext;
use crate::expr::PlanExpr;
use crate::plan::{Columns, Operator, Plan, ReadSpec, SortSpec};
use crate::scope::{ScopeFilter, Wildcard};

mod aggregate;
mod compare;
mod fields;
mod ip_lookup;
mod join;
mod lookup;
mod lookup_contains;
mod order;
mod regex;
mod rows;
mod slices;
mod state;
mod subquery;
mod table;
mod threat;

use fields::Passthrough;
use join::JoinScope;
use order::RecordOrder;

/// Metadata fields every record may carry (D8, D9), filled by the readers.
pub const METADATA_FIELDS: [&str; 10] = [
    "_sourceCategory",
    "_messageTime",
    "_receiptTime",
    "_raw",
    "_sourceHost",
    "_source",
    "_sourceName",
    "_collector",
    "_index",
    "_messageCount",
];

/// `name`, or the spelling of the metadata field it names in another letter case
/// (`_messagetime` is `_messageTime`): the readers fill metadata fields by that spelling.
fn canonical_field_name(name: &str) -> &str {
    METADATA_FIELDS
        .iter()
        .find(|field| field.eq_ignore_ascii_case(name))
        .map_or(name, |field| field)
}

/// Plans a parsed query against the functions of `registry`, knowing nothing of the run (no
/// time range). Returns every error found.
pub fn plan_query(query: &Query, registry: &Registry) -> Result<Plan, Vec<Diagnostic>> {
    plan_query_with(query, registry, &PlanContext::default())
}

/// Plans a parsed query against the functions of `registry` for a run described by
/// `context`. Returns every error found.
pub fn plan_query_with(
    query: &Query,
    registry: &Registry,
    context: &PlanContext,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut planner = Planner {
        registry,
        context,
        schema: Schema::new(),
        columns: Columns::Whole {
            added: Vec::new(),
            removed: Vec::new(),
        },
        reads: Vec::new(),
        written_first: Vec::new(),
        passthrough: Passthrough::Nothing,
        join_scope: JoinScope::default(),
        subqueries: Vec::new(),
        order: RecordOrder::Input,
        errors: Vec::new(),
    };
    let mut operators = Vec::new();
    let scope = match &query.scope {
        Some(Spanned {
            node: Scope::Table(path),
            ..
        }) => {
            planner.listed_table(path, &mut operators);
            ScopeFilter::All
        }
        Some(scope) => planner.scope(scope),
        None => ScopeFilter::All,
    };
    for stage in &query.stages {
        planner.stage(stage, &mut operators);
    }
    planner.add_late_join_columns(&mut operators);
    if !planner.errors.is_empty() {
        return Err(planner.errors);
    }
    let whole_records = matches!(planner.columns, Columns::Whole { .. });
    let fields = planner
        .reads
        .iter()
        .filter(|slot| whole_records || !planner.written_first.contains(slot))
        .map(|&slot| (planner.schema.name(slot).to_string(), slot))
        .collect();
    Ok(Plan {
        schema: planner.schema,
        read: ReadSpec {
            fields,
            whole_records,
        },
        scope,
        operators,
        output: planner.columns,
        subqueries: planner.subqueries,
    })
}

struct Planner<'r> {
    registry: &'r Registry,
    /// What planning knows of the run.
    context: &'r PlanContext,
    schema: Schema,
    columns: Columns,
    /// Slots the readers must fill, in order of first mention.
    reads: Vec<SlotId>,
    /// Slots whose first mention is a write: read only to keep their place in whole records.
    written_first: Vec<SlotId>,
    /// The `_` fields a `fields` allow-list let through.
    passthrough: Passthrough,
    /// The join whose columns are the current ones, which may still gain columns.
    join_scope: JoinScope,
    /// The subqueries planned so far.
    subqueries: Vec<crate::plan::Subquery>,
    /// The order of the records the next stage receives.
    order: RecordOrder,
    errors: Vec<Diagnostic>,
}

impl Planner<'_> {
    /// The slot of the field `name`, in any letter case (added to the schema if new).
    fn intern(&mut self, name: &str) -> SlotId {
        self.schema.intern(canonical_field_name(name))
    }

    /// The slot for a field that a stage reads. While records are whole, the readers must
    /// extract it; after an aggregation or `fields`, it must be one of the columns.
    fn read_field(&mut self, name: &str, span: Span) -> SlotId {
        let slot = self.intern(name);
        let hidden = match &self.columns {
            Columns::Whole { .. } => false,
            Columns::Exact(columns) | Columns::Dynamic { leading: columns } => {
                !columns.contains(&slot)
            }
        };
        if hidden && self.passes_through(name, slot) {
            return slot;
        }
        if hidden && self.late_join_column(name, slot) {
            return slot;
        }
        match &self.columns {
            Columns::Whole { .. } => {
                if !self.reads.contains(&slot) {
                    self.reads.push(slot);
                }
            }
            Columns::Exact(columns) | Columns::Dynamic { leading: columns }
                if !columns.contains(&slot) =>
            {
                let available: Vec<&str> = columns.iter().map(|&s| self.schema.name(s)).collect();
                let mut error = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    format!(
                        "no field `{name}` here: an earlier stage leaves only {}",
                        available.join(", ")
                    ),
                    span,
                )
                .with_label("unknown field");
                if let Some(suggestion) = did_you_mean(name, available.iter().copied()) {
                    error = error.with_note(format!("help: did you mean `{suggestion}`?"));
                }
                self.errors.push(error);
            }
            Columns::Exact(_) | Columns::Dynamic { .. } => {}
        }
        slot
    }

    /// The slot for a field a stage writes, added to the columns if new (D16).
    fn write_field(&mut self, name: &str) -> SlotId {
        let slot = self.intern(name);
        match &mut self.columns {
            Columns::Whole { added, removed } => {
                if !self.reads.contains(&slot) {
                    // A field of the line overwritten in place keeps its position (D16).
                    self.reads.push(slot);
                    self.written_first.push(slot);
                }
                removed.retain(|&s| s != slot);
                if !added.contains(&slot) {
                    added.push(slot);
                }
            }
            Columns::Exact(columns) | Columns::Dynamic { leading: columns } => {
                if !columns.contains(&slot) {
                    columns.push(slot);
                }
            }
        }
        slot
    }

    fn scope(&mut self, scope: &Spanned<Scope>) -> ScopeFilter {
        match &scope.node {
            Scope::All => ScopeFilter::All,
            Scope::FieldMatch { field, pattern } => ScopeFilter::FieldMatch {
                slot: self.read_field(&field.node, field.span),
                pattern: Wildcard::new(pattern),
            },
            Scope::Keyword(word) => ScopeFilter::Term {
                raw: self.read_field("_raw", scope.span),
                pattern: Wildcard::new(word),
            },
            Scope::Phrase(text) => ScopeFilter::Term {
                raw: self.read_field("_raw", scope.span),
                pattern: Wildcard::new(text),
            },
            Scope::Not(inner) => ScopeFilter::Not(Box::new(self.scope(inner))),
            Scope::And(a, b) => ScopeFilter::And(Box::new(self.scope(a)), Box::new(self.scope(b))),
            Scope::Or(a, b) => ScopeFilter::Or(Box::new(self.scope(a)), Box::new(self.scope(b))),
            Scope::Subquery(subquery) => self.scope_subquery(subquery, scope.span),
            // The parser makes a table listing the whole scope, which `plan_query` takes first.
            Scope::Table(_) => ScopeFilter::All,
        }
    }

    fn stage(&mut self, stage: &Spanned<Stage>, operators: &mut Vec<Operator>) {
        self.add_late_join_columns(operators);
        match &stage.node {
            Stage::Where(condition) => {
                let condition = self.expr(condition);
                operators.push(Operator::Filter(condition));
            }
            Stage::Eval(assignments) => {
                for assignment in assignments {
                    let expr = self.expr(&assignment.expr);
                    let slot = self.write_field(&assignment.name.node);
                    operators.push(Operator::Assign { slot, expr });
                }
            }
            Stage::Bare(bare) => {
                if self.is_aggregation(bare) {
                    self.aggregate(bare, operators);
                } else {
                    self.assignments(bare, operators);
                }
            }
            Stage::Stats(bare) => self.aggregate(bare, operators),
            Stage::Fields { names, .. } if !self.named_once(names) => {}
            Stage::Fields {
                remove: false,
                names,
            } => {
                let slots: Vec<SlotId> = names
                    .iter()
                    .map(|n| self.read_field(&n.node, n.span))
                    .collect();
                self.allow_list(slots.clone());
                operators.push(Operator::Keep(slots));
            }
            Stage::Fields {
                remove: true,
                names,
            } => {
                let slots: Vec<SlotId> = names.iter().map(|n| self.intern(&n.node)).collect();
                match &mut self.columns {
                    Columns::Whole { added, removed } => {
                        added.retain(|s| !slots.contains(s));
                        removed.extend(slots.iter().copied());
                        // The readers must put these fields in their slots: a field of the
                        // line left unextracted passes through by name and cannot be removed.
                        for &slot in &slots {
                            if !self.reads.contains(&slot) {
                                self.reads.push(slot);
                            }
                        }
                    }
                    Columns::Exact(columns) | Columns::Dynamic { leading: columns } => {
                        columns.retain(|s| !slots.contains(s))
                    }
                }
                operators.push(Operator::Remove(slots));
            }
            Stage::Sort(keys) => {
                let specs = keys
                    .iter()
                    .map(|k| SortSpec {
                        slot: self.read_field(&k.field.node, k.field.span),
                        ascending: k.ascending,
                    })
                    .collect();
                let specs = self.sort_keys(specs, stage.span);
                operators.push(Operator::Sort(specs));
            }
            Stage::Limit(n) => {
                self.in_message_order(n.span, operators);
                operators.push(Operator::Limit(n.node));
            }
            Stage::Extract(extract) => self.extract(extract, stage.span, operators),
            Stage::Rows(row) => self.row_stage(row, operators),
            Stage::Join(join) => self.join(join, stage.span, operators),
            Stage::Compare(comparisons) => self.compare(comparisons, stage.span, operators),
            Stage::State(state) => self.state_stage(state, stage.span, operators),
        }
    }

    fn assignments(&mut self, bare: &Bare, operators: &mut Vec<Operator>) {
        for item in &bare.items {
            if let (None, Some(field)) = (&item.alias, self.cast_in_place(&item.expr)) {
                let expr = self.expr(&item.expr);
                let slot = self.write_field(&field);
                operators.push(Operator::Assign { slot, expr });
                continue;
            }
            let Some(alias) = &item.alias else {
                let mut error = Diagnostic::error(
                    codes::INVALID_STAGE,
                    "this stage computes a value but does not name it",
                    item.expr.span,
                )
                .with_label("give it a name with `as`");
                if let ExprKind::Field(word) = &item.expr.node {
                    let candidates = sumoql_syntax::OPERATORS
                        .iter()
                        .copied()
                        .chain(self.registry.aggregates().map(|f| f.name()));
                    error = Diagnostic::error(
                        codes::UNKNOWN_OPERATOR,
                        format!("unknown operator `{word}`"),
                        item.expr.span,
                    );
                    if let Some(suggestion) = did_you_mean(word, candidates) {
                        error = error.with_note(format!("help: did you mean `{suggestion}`?"));
                    }
                } else {
                    error = error
                        .with_note("help: write `expr as name`, e.g. `toLong(bytes) as bytes`");
                }
                self.errors.push(error);
                continue;
            };
            let expr = self.expr(&item.expr);
            let slot = self.write_field(&alias.node);
            operators.push(Operator::Assign { slot, expr });
        }
    }

    /// Whether `fields` names each field once (in any letter case), as Sumo requires; reports
    /// the first name given twice.
    fn named_once(&mut self, names: &[Name]) -> bool {
        for (i, name) in names.iter().enumerate() {
            let Some(first) = names[..i]
                .iter()
                .find(|earlier| earlier.node.eq_ignore_ascii_case(&name.node))
            else {
                continue;
            };
            self.errors.push(
                Diagnostic::error(
                    codes::INVALID_STAGE,
                    format!("`fields` names `{}` twice", name.node),
                    name.span,
                )
                .with_label("named again here")
                .with_secondary(first.span, "first named here")
                .with_note("help: name each field once; Sumo refuses a repeated field"),
            );
            return false;
        }
        true
    }

    /// The field a bare cast of one field writes back to (`| toLong(x)` casts `x` in place, as
    /// Sumo's casts do), or `None` for any other expression.
    fn cast_in_place(&self, expr: &Expr) -> Option<String> {
        let ExprKind::Call { name, args } = &expr.node else {
            return None;
        };
        let [argument] = &args[..] else {
            return None;
        };
        let ExprKind::Field(field) = &argument.node else {
            return None;
        };
        let function = self.registry.scalar(&name.node)?;
        function.casts_in_place().then(|| field.clone())
    }

    fn expr(&mut self, expr: &Expr) -> PlanExpr {
        match &expr.node {
            ExprKind::Literal(Literal::Regex(_)) => self.misplaced_regex(expr.span),
            ExprKind::Literal(literal) => PlanExpr::Literal(literal_value(literal)),
            ExprKind::Field(name) => PlanExpr::Field(self.read_field(name, expr.span)),
            ExprKind::Call { name, args } => self.call(name, args),
            ExprKind::Unary { op, operand } => PlanExpr::Unary {
                op: *op,
                operand: Box::new(self.expr(operand)),
            },
            ExprKind::Binary { op, left, right } => PlanExpr::Binary {
                op: *op,
                left: Box::new(self.expr(left)),
                right: Box::new(self.expr(right)),
            },
            ExprKind::In {
                value,
                list,
                negated,
            } => PlanExpr::In {
                value: Box::new(self.expr(value)),
                list: list.iter().map(|e| self.expr(e)).collect(),
                negated: *negated,
            },
            ExprKind::Matches {
                value,
                pattern,
                negated,
            } => self.matches(value, pattern, *negated),
            ExprKind::Conditional {
                condition,
                then,
                otherwise,
            } => PlanExpr::Conditional {
                condition: Box::new(self.expr(condition)),
                then: Box::new(self.expr(then)),
                otherwise: Box::new(self.expr(otherwise)),
            },
            ExprKind::Subquery(subquery) => self.condition_subquery(subquery, expr.span),
        }
    }

    fn call(&mut self, name: &Name, args: &[Expr]) -> PlanExpr {
        if name.node.eq_ignore_ascii_case("lookupContains") {
            return self.lookup_contains(name, args);
        }
        if let Some(matches) = self.matches_call(name, args) {
            return matches;
        }
        let planned: Vec<PlanExpr> = args.iter().map(|a| self.argument(a)).collect();
        let Some(function) = self.registry.scalar(&name.node) else {
            let (code, message) = if self.registry.aggregate(&name.node).is_some() {
                (
                    codes::MISPLACED_AGGREGATE,
                    format!("`{}` is an aggregate function; use it in a stage such as `| {}(...) by field`", name.node, name.node),
                )
            } else {
                (
                    codes::UNKNOWN_FUNCTION,
                    format!("unknown function `{}`", name.node),
                )
            };
            let mut error = Diagnostic::error(code, message, name.span);
            if code == codes::UNKNOWN_FUNCTION {
                error = error.with_label("not a function");
                if let Some(suggestion) =
                    did_you_mean(&name.node, self.registry.scalars().map(|f| f.name()))
                {
                    error = error.with_note(format!("help: did you mean `{suggestion}`?"));
                }
            }
            self.errors.push(error);
            return PlanExpr::Literal(Value::Null);
        };
        if !function.signature().accepts(args.len()) {
            self.errors.push(arity_error(
                function.name(),
                name.span,
                function.signature().describe(),
                args.len(),
            ));
            return PlanExpr::Literal(Value::Null);
        }
        let function = self.regex_function(function, args);
        let constants = constants_of(&planned);
        if let Err((index, message)) = function.check_constants(&constants) {
            let span = args.get(index).map_or(name.span, |a| a.span);
            self.errors.push(
                Diagnostic::error(
                    codes::BAD_ARGUMENT,
                    format!("bad argument to `{}`: {message}", function.name()),
                    span,
                )
                .with_label(message),
            );
        }
        let call = PlanExpr::Call {
            function: Arc::clone(&function),
            args: planned,
        };
        fold_constant(
            call,
            function.is_pure() && constants.iter().all(Option::is_some),
        )
    }
}

/// Each argument's value when it is a constant, for functions that check their constants.
fn constants_of(args: &[PlanExpr]) -> Vec<Option<Value>> {
    args.iter()
        .map(|arg| match arg {
            PlanExpr::Literal(value) => Some(value.clone()),
            _ => None,
        })
        .collect()
}

/// Evaluates a call on constants at plan time, unless doing so would warn or drop a record:
/// those must happen (and be counted) per record at run time.
fn fold_constant(call: PlanExpr, foldable: bool) -> PlanExpr {
    if !foldable {
        return call;
    }
    let mut ctx = CallContext::default();
    match call.evaluate(&Default::default(), &mut ctx) {
        Ok(value) if ctx.warnings.is_empty() => PlanExpr::Literal(value),
        _ => call,
    }
}

fn arity_error(name: &str, span: Span, expected: String, got: usize) -> Diagnostic {
    Diagnostic::error(
        codes::ARITY,
        format!(
            "`{name}` takes {expected}, but {got} {} given",
            if got == 1 { "was" } else { "were" }
        ),
        span,
    )
    .with_label(format!("{got} given"))
}

fn literal_value(literal: &Literal) -> Value {
    match literal {
        Literal::Text(s) => Value::text(s),
        Literal::Int(i) => Value::Int(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Null => Value::Null,
        Literal::Regex(pattern) => Value::text(pattern),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use sumoql_functions::Registry;
    use sumoql_syntax::parse_query;

    use super::plan_query;

    /// The `explain` text of a query that parses and plans, for the planner's tests.
    pub(crate) fn explain(text: &str) -> String {
        let query = parse_query(text).unwrap();
        plan_query(&query, &Registry::standard()).unwrap().explain()
    }

    #[test]
    fn fields_minus_on_whole_records_reads_the_removed_fields() {
        let query = parse_query("* | fields - a, b").unwrap();
        let plan = plan_query(&query, &Registry::standard()).unwrap();
        let read = plan.read.field_names();
        assert_eq!(read, ["a", "b"]);
        assert!(plan.read.whole_records);
    }
}
