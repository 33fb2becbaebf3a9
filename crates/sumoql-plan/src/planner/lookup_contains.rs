//! `lookupContains(path://"NAME", a=b AND c=d)`: whether a record's fields are a key of a
//! lookup table. The table is read here, at plan time, into the set of its keys, and the call
//! becomes a function of the record's fields that tests membership.

use std::collections::HashSet;
use std::sync::Arc;

use sumoql_functions::{CallContext, Example, RecordDropped, ScalarFunction, Signature};
use sumoql_syntax::ast::{BinaryOp, Expr, ExprKind, Literal, Name};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::Value;

use super::lookup::read_table;
use super::Planner;
use crate::expr::PlanExpr;

/// A planned `lookupContains`: true when the values of its arguments, in order, are the key
/// cells of a row of the table.
#[derive(Debug)]
struct LookupContains {
    /// The key cells of every row (in lower case when `fold_case`).
    keys: HashSet<Vec<String>>,
    /// Whether keys match without regard to case (tables of the table folder).
    fold_case: bool,
}

impl ScalarFunction for LookupContains {
    fn name(&self) -> &'static str {
        "lookupContains"
    }

    fn signature(&self) -> Signature {
        Signature::at_least(1)
    }

    fn doc(&self) -> &'static str {
        "Whether the record's fields are a key of the lookup table (see `sumoql help lookupContains`)."
    }

    fn examples(&self) -> &'static [Example] {
        &[]
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let key: Option<Vec<String>> = args
            .iter()
            .map(|value| {
                let text = value.to_text()?;
                Some(match self.fold_case {
                    true => text.to_lowercase(),
                    false => text.into_owned(),
                })
            })
            .collect();
        Ok(Value::Bool(key.is_some_and(|key| self.keys.contains(&key))))
    }
}

impl Planner<'_> {
    /// `lookupContains(TABLE, FIELD=COLUMN [AND FIELD=COLUMN…])`: the table is a text literal
    /// (`path://NAME` as the parser keeps it, or a CSV file's path), the rest equalities of a
    /// record field and a table column, joined by `AND` (or given as further arguments).
    pub(super) fn lookup_contains(&mut self, name: &Name, args: &[Expr]) -> PlanExpr {
        let Some((table, conditions)) = args.split_first() else {
            return self.lookup_contains_error(name.span, "`lookupContains` takes a table and the fields to match, as in `lookupContains(path://\"/Library/Users/me/users\", user=name)`");
        };
        let ExprKind::Literal(Literal::Text(path)) = &table.node else {
            return self.lookup_contains_error(
                table.span,
                "the first argument of `lookupContains` is the table: `path://\"NAME\"` or a CSV file's path in quotes",
            );
        };
        let mut pairs = Vec::new();
        for condition in conditions {
            if !equalities(condition, &mut pairs) {
                return self.lookup_contains_error(
                    condition.span,
                    "`lookupContains` matches with `FIELD=COLUMN` conditions joined by `AND`",
                );
            }
        }
        if pairs.is_empty() {
            return self.lookup_contains_error(
                table.span,
                "`lookupContains` needs the fields to match after the table, as in `userID=user`",
            );
        }
        let path = path.strip_prefix("file://").unwrap_or(path);
        let path = Spanned::new(path.to_string(), table.span);
        let fields: Vec<PlanExpr> = pairs
            .iter()
            .map(|(field, _)| PlanExpr::Field(self.read_field(&field.node, field.span)))
            .collect();
        let Some(file) = self.table_file(&path) else {
            return PlanExpr::Literal(Value::Null);
        };
        let fold_case = path.node.starts_with("path://");
        let columns: Vec<&Name> = pairs.iter().map(|(_, column)| column).collect();
        match read_table(&Spanned::new(file, path.span), &columns, &[], fold_case) {
            Ok((rows, _)) => PlanExpr::Call {
                function: Arc::new(LookupContains {
                    keys: rows.into_keys().collect(),
                    fold_case,
                }),
                args: fields,
            },
            Err(errors) => {
                self.errors.extend(errors);
                PlanExpr::Literal(Value::Null)
            }
        }
    }

    /// Records an error of a `lookupContains` call at `span`; the call plans as null.
    fn lookup_contains_error(&mut self, span: Span, message: &str) -> PlanExpr {
        self.errors.push(
            Diagnostic::error(codes::BAD_ARGUMENT, message.to_string(), span)
                .with_label("here")
                .with_note("help: `sumoql help lookupContains` shows its forms"),
        );
        PlanExpr::Literal(Value::Null)
    }
}

/// Adds the (field, column) pairs of `a=b AND c=d` to `pairs`; false when the condition has
/// another shape.
fn equalities(condition: &Expr, pairs: &mut Vec<(Name, Name)>) -> bool {
    match &condition.node {
        ExprKind::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => equalities(left, pairs) && equalities(right, pairs),
        ExprKind::Binary {
            op: BinaryOp::Eq,
            left,
            right,
        } => match (&left.node, &right.node) {
            (ExprKind::Field(field), ExprKind::Field(column)) => {
                pairs.push((
                    Spanned::new(field.clone(), left.span),
                    Spanned::new(column.clone(), right.span),
                ));
                true
            }
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_found_in_any_case_only_when_the_table_folds_case() {
        let keys: HashSet<Vec<String>> = [vec!["alice".to_string(), "10.0.0.1".to_string()]]
            .into_iter()
            .collect();
        let mut ctx = CallContext::default();
        let folding = LookupContains {
            keys: keys.clone(),
            fold_case: true,
        };
        let args = [Value::text("Alice"), Value::text("10.0.0.1")];
        assert_eq!(folding.call(&args, &mut ctx).unwrap(), Value::Bool(true));
        let exact = LookupContains {
            keys,
            fold_case: false,
        };
        assert_eq!(exact.call(&args, &mut ctx).unwrap(), Value::Bool(false));
        let missing = [Value::text("alice"), Value::Null];
        assert_eq!(
            folding.call(&missing, &mut ctx).unwrap(),
            Value::Bool(false)
        );
    }
}
