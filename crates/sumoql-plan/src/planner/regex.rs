//! Regular expression literals (`/pattern/`) as call arguments: the called function chooses the
//! form of itself that takes one, as `replace(text, /regex/, replacement)` does.

use std::sync::Arc;

use sumoql_functions::ScalarFunction;
use sumoql_syntax::ast::{Expr, ExprKind, Literal};
use sumoql_syntax::{codes, Diagnostic, Span};
use sumoql_value::Value;

use super::Planner;
use crate::expr::PlanExpr;

/// The pattern of `arg` when it is a regular expression literal.
pub(super) fn regex_pattern(arg: &Expr) -> Option<&str> {
    match &arg.node {
        ExprKind::Literal(Literal::Regex(pattern)) => Some(pattern),
        _ => None,
    }
}

impl Planner<'_> {
    /// Plans a call argument: a regular expression literal stays one (the function that takes it
    /// is chosen by [`Planner::regex_function`]); anything else is an expression.
    pub(super) fn argument(&mut self, arg: &Expr) -> PlanExpr {
        match regex_pattern(arg) {
            Some(pattern) => PlanExpr::Regex(pattern.to_string()),
            None => self.expr(arg),
        }
    }

    /// `function`, or the form of it that takes the regular expression literals among `args`;
    /// reports a literal the function takes no regular expression for, or an invalid pattern.
    pub(super) fn regex_function(
        &mut self,
        function: Arc<dyn ScalarFunction>,
        args: &[Expr],
    ) -> Arc<dyn ScalarFunction> {
        let name = function.name();
        let mut chosen = Arc::clone(&function);
        for (index, arg) in args.iter().enumerate() {
            let Some(pattern) = regex_pattern(arg) else {
                continue;
            };
            match function.with_regex(index, pattern) {
                Some(Ok(regex_form)) => chosen = regex_form,
                Some(Err(message)) => self.errors.push(
                    Diagnostic::error(
                        codes::BAD_ARGUMENT,
                        format!("bad argument to `{name}`: {message}"),
                        arg.span,
                    )
                    .with_label(message),
                ),
                None => self.errors.push(
                    Diagnostic::error(
                        codes::BAD_ARGUMENT,
                        format!(
                            "`{name}` takes no regular expression as argument {}",
                            index + 1
                        ),
                        arg.span,
                    )
                    .with_label("a regular expression"),
                ),
            }
        }
        chosen
    }

    /// Reports a regular expression literal outside a call's arguments.
    pub(super) fn misplaced_regex(&mut self, span: Span) -> PlanExpr {
        self.errors.push(
            Diagnostic::error(
                codes::BAD_ARGUMENT,
                "a regular expression `/.../` can only be an argument of a function that takes \
                 one, such as `replace`",
                span,
            )
            .with_label("a regular expression"),
        );
        PlanExpr::Literal(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_syntax::parse_query;

    use super::super::plan_query;

    fn explain(text: &str) -> Result<String, Vec<String>> {
        let query = parse_query(text).map_err(|errors| vec![format!("{errors:?}")])?;
        plan_query(&query, &Registry::standard())
            .map(|plan| plan.explain())
            .map_err(|errors| errors.into_iter().map(|e| e.message).collect())
    }

    #[test]
    fn a_regex_argument_stays_a_regex_in_the_plan() {
        let plan = explain(r#"* | replace(p, /a\/(\d)/, "<$1>") as q"#).unwrap();
        assert!(
            plan.contains(r#"q = replace(p, /a\/(\d)/, "<$1>")"#),
            "{plan}"
        );
        let text = explain(r#"* | replace(p, "a/(\d)", "<$1>") as q"#).unwrap();
        assert!(
            text.contains(r#"q = replace(p, "a/(\\d)", "<$1>")"#),
            "{text}"
        );
    }

    #[test]
    fn regexes_where_none_is_taken_are_errors() {
        assert_eq!(
            explain("* | concat(a, /b/) as c"),
            Err(vec![
                "`concat` takes no regular expression as argument 2".to_string()
            ])
        );
        let misplaced = explain("* | where a = /b/").unwrap_err();
        assert!(misplaced[0].starts_with("a regular expression `/.../` can only be"));
        let invalid = explain("* | replace(a, /[/, \"x\") as c").unwrap_err();
        assert!(
            invalid[0].contains("invalid regular expression"),
            "{invalid:?}"
        );
    }
}
