//! Lints: queries that plan but probably do not do what their author meant (`sumoql check`).
//! Each finding is a warning [`Diagnostic`] with a `W03xx` code and the span of the text at
//! fault, rendered like an error.
//!
//! ```
//! use sumoql_functions::Registry;
//! use sumoql_plan::{lint_query, plan_query};
//! use sumoql_syntax::parse_query;
//!
//! let source = "* | where isPrivateIP(src_ip) | count by src_ip";
//! let query = parse_query(source).unwrap();
//! let registry = Registry::standard();
//! let plan = plan_query(&query, &registry).unwrap();
//! let warnings = lint_query(source, &query, &plan, &registry, None);
//! assert_eq!(warnings[0].code, "W0301");
//! ```

use std::collections::BTreeSet;

use sumoql_functions::Registry;
use sumoql_syntax::ast::{Bare, Expr, ExprKind, Query, Stage};
use sumoql_syntax::{codes, Diagnostic, Span};

use crate::plan::{Columns, Plan};
use crate::planner::METADATA_FIELDS;

/// Every lint of `query` (parsed from `source` and planned as `plan`). `input_fields` are the
/// fields the inputs are known to have (from a schema or sample logs); without them the lint
/// that needs them is skipped.
pub fn lint_query(
    source: &str,
    query: &Query,
    plan: &Plan,
    registry: &Registry,
    input_fields: Option<&BTreeSet<String>>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    ip_functions_on_ipv6(query, &mut found);
    if let Some(fields) = input_fields {
        by_fields_nobody_has(query, plan, registry, fields, &mut found);
    }
    unused_assignments(source, query, plan, registry, &mut found);
    sort_on_removed_field(query, &mut found);
    found.sort_by_key(|diagnostic| diagnostic.span().start);
    found
}

/// Calls every function call in `expr` (itself included) with its name, arguments and span.
fn visit_calls(expr: &Expr, on: &mut dyn FnMut(&str, &[Expr], Span)) {
    match &expr.node {
        // A subquery's child is a query of its own, linted on its own terms.
        ExprKind::Literal(_) | ExprKind::Field(_) | ExprKind::Subquery(_) => {}
        ExprKind::Call { name, args } => {
            on(&name.node, args, expr.span);
            for arg in args {
                visit_calls(arg, on);
            }
        }
        ExprKind::Unary { operand, .. } => visit_calls(operand, on),
        ExprKind::Binary { left, right, .. } => {
            visit_calls(left, on);
            visit_calls(right, on);
        }
        ExprKind::In { value, list, .. } => {
            visit_calls(value, on);
            for item in list {
                visit_calls(item, on);
            }
        }
        ExprKind::Matches { value, .. } => visit_calls(value, on),
        ExprKind::Conditional {
            condition,
            then,
            otherwise,
        } => {
            visit_calls(condition, on);
            visit_calls(then, on);
            visit_calls(otherwise, on);
        }
    }
}

/// The expressions of a stage that lints look into.
fn stage_expressions(stage: &Stage) -> Vec<&Expr> {
    match stage {
        Stage::Where(expr) => vec![expr],
        Stage::Eval(assignments) => assignments.iter().map(|a| &a.expr).collect(),
        Stage::Bare(bare) | Stage::Stats(bare) => bare.items.iter().map(|i| &i.expr).collect(),
        _ => Vec::new(),
    }
}

/// W0301: `isPrivateIP(f)` / `isPublicIP(f)` on a field the query never checks for IPv4. An IPv6
/// address gives null, and `where` drops the record whichever way the test is written.
fn ip_functions_on_ipv6(query: &Query, found: &mut Vec<Diagnostic>) {
    let mut guarded = BTreeSet::new();
    let mut calls = Vec::new();
    for stage in &query.stages {
        for expr in stage_expressions(&stage.node) {
            visit_calls(expr, &mut |name, args, span| {
                let field = match args.first().map(|arg| &arg.node) {
                    Some(ExprKind::Field(field)) => field.clone(),
                    _ => return,
                };
                if ["isValidIPv4", "isValidIPv6", "isValidIP"]
                    .iter()
                    .any(|guard| guard.eq_ignore_ascii_case(name))
                {
                    guarded.insert(field);
                } else if ["isPrivateIP", "isPublicIP"]
                    .iter()
                    .any(|test| test.eq_ignore_ascii_case(name))
                {
                    calls.push((name.to_string(), field, span));
                }
            });
        }
    }
    for (name, field, span) in calls {
        if guarded.contains(&field) {
            continue;
        }
        found.push(
            Diagnostic::warning(
                codes::IP_TEST_DROPS_IPV6,
                format!("`{name}` gives null for an IPv6 address in `{field}`"),
                span,
            )
            .with_label("records whose value is IPv6 are dropped here, whatever the test says")
            .with_note(format!(
                "if `{field}` may hold IPv6, test it first, e.g. `where isValidIPv4({field})` or `if(isValidIPv6({field}), …, {name}({field}))`"
            )),
        );
    }
}

/// Whether `bare` aggregates: it has `by` fields or calls an aggregate function at the top.
fn aggregates(bare: &Bare, registry: &Registry) -> bool {
    !bare.by.is_empty()
        || bare.items.iter().any(|item| {
            matches!(&item.expr.node, ExprKind::Call { name, .. } if registry.aggregate(&name.node).is_some())
                || matches!(&item.expr.node, ExprKind::Field(name) if registry.aggregate(name).is_some())
        })
}

/// W0302: a `by` field the planner reads from the input (no earlier stage makes it) that the
/// known input fields do not include: every record falls in its null group.
fn by_fields_nobody_has(
    query: &Query,
    plan: &Plan,
    registry: &Registry,
    input_fields: &BTreeSet<String>,
    found: &mut Vec<Diagnostic>,
) {
    for stage in &query.stages {
        let bare = match &stage.node {
            Stage::Bare(bare) | Stage::Stats(bare) if aggregates(bare, registry) => bare,
            _ => continue,
        };
        for field in &bare.by {
            let name = field.node.as_str();
            let read = plan
                .read
                .fields
                .iter()
                .any(|(read, _)| read.eq_ignore_ascii_case(name));
            let top = name.split('.').next().unwrap_or(name);
            if !read
                || METADATA_FIELDS.iter().any(|m| m.eq_ignore_ascii_case(name))
                || input_fields.contains(name)
                || input_fields.contains(top)
            {
                continue;
            }
            found.push(
                Diagnostic::warning(
                    codes::UNKNOWN_GROUP_FIELD,
                    format!("no earlier stage makes `{name}` and the inputs do not have it"),
                    field.span,
                )
                .with_label("every record gets null here")
                .with_note("all records fall in one null group (or none with --null-groups drop)"),
            );
        }
    }
}

/// The names an assignment stage gives values to, with their spans.
fn assigned_names<'q>(stage: &'q Stage, registry: &Registry) -> Vec<(&'q str, Span)> {
    match stage {
        Stage::Eval(assignments) => assignments
            .iter()
            .map(|a| (a.name.node.as_str(), a.name.span))
            .collect(),
        Stage::Bare(bare) if !aggregates(bare, registry) => bare
            .items
            .iter()
            .filter_map(|item| item.alias.as_ref())
            .map(|alias| (alias.node.as_str(), alias.span))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `word` occurs in `text` as a whole word (not inside a longer name).
fn mentions(text: &str, word: &str) -> bool {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let lower = text.to_ascii_lowercase();
    let word = word.to_ascii_lowercase();
    lower.match_indices(&word).any(|(at, _)| {
        let before = lower[..at].chars().next_back();
        let after = lower[at + word.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(is_name)
    })
}

/// W0303: a field given a value by `eval` or `as` that no later stage mentions and the output
/// does not show, when the output has explicit columns (after `fields` or an aggregation).
fn unused_assignments(
    source: &str,
    query: &Query,
    plan: &Plan,
    registry: &Registry,
    found: &mut Vec<Diagnostic>,
) {
    let Columns::Exact(columns) = &plan.output else {
        return;
    };
    let shown: BTreeSet<String> = columns
        .iter()
        .map(|&slot| plan.schema.name(slot).to_ascii_lowercase())
        .collect();
    for stage in &query.stages {
        for (name, span) in assigned_names(&stage.node, registry) {
            let later = source.get(stage.span.end..).unwrap_or_default();
            if shown.contains(&name.to_ascii_lowercase()) || mentions(later, name) {
                continue;
            }
            found.push(
                Diagnostic::warning(
                    codes::UNUSED_ASSIGNMENT,
                    format!("`{name}` is computed but never used"),
                    span,
                )
                .with_label("no later stage reads it and the output does not show it")
                .with_note(
                    "remove the assignment, or add the field to `fields` or the aggregation",
                ),
            );
        }
    }
}

/// W0304: `fields - x` followed by `sort by x`: the sort key is null on every record.
fn sort_on_removed_field(query: &Query, found: &mut Vec<Diagnostic>) {
    let mut removed: Vec<(String, Span)> = Vec::new();
    for stage in &query.stages {
        match &stage.node {
            Stage::Fields {
                remove: true,
                names,
            } => removed.extend(names.iter().map(|n| (n.node.to_ascii_lowercase(), n.span))),
            Stage::Sort(keys) => {
                for key in keys {
                    let name = key.field.node.to_ascii_lowercase();
                    if let Some((_, removed_at)) = removed.iter().find(|(r, _)| *r == name) {
                        found.push(
                            Diagnostic::warning(
                                codes::SORT_ON_REMOVED_FIELD,
                                format!(
                                    "`{}` was removed by an earlier `fields -`",
                                    key.field.node
                                ),
                                key.field.span,
                            )
                            .with_label("this sort key is null on every record")
                            .with_secondary(*removed_at, "removed here")
                            .with_note("sort before `fields -`, or keep the field"),
                        );
                    }
                }
            }
            Stage::Eval(_)
            | Stage::Bare(_)
            | Stage::Stats(_)
            | Stage::Extract(_)
            | Stage::Rows(_) => {
                // A later stage may make the field again; stay quiet rather than guess.
                removed.clear();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan_query;
    use sumoql_syntax::parse_query;

    fn codes_of(source: &str, inputs: Option<&[&str]>) -> Vec<&'static str> {
        let query = parse_query(source).expect("parses");
        let registry = Registry::standard();
        let plan = plan_query(&query, &registry).expect("plans");
        let fields: Option<BTreeSet<String>> =
            inputs.map(|names| names.iter().map(|n| n.to_string()).collect());
        lint_query(source, &query, &plan, &registry, fields.as_ref())
            .into_iter()
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn ip_tests_warn_unless_guarded() {
        assert_eq!(codes_of("* | where !isPrivateIP(ip)", None), ["W0301"]);
        assert!(codes_of("* | where isValidIPv4(ip) and isPublicIP(ip)", None).is_empty());
    }

    #[test]
    fn by_fields_need_known_inputs() {
        let source = "* | count by src, host";
        assert!(codes_of(source, None).is_empty());
        assert_eq!(codes_of(source, Some(&["src"])), ["W0302"]);
        assert!(codes_of("* | eval host = \"a\" | count by src, host", Some(&["src"])).is_empty());
    }

    #[test]
    fn unused_assignments_warn_when_output_is_explicit() {
        assert_eq!(
            codes_of("* | eval a = 1, b = 2 | count by a", None),
            ["W0303"]
        );
        assert!(codes_of("* | eval a = 1, b = 2", None).is_empty());
        assert!(codes_of("* | eval b = 2 | fields b", None).is_empty());
        assert!(codes_of("* | toLong(x) as y | sum(y) as total", None).is_empty());
    }

    #[test]
    fn sorting_on_a_removed_field_warns() {
        assert_eq!(codes_of("* | fields - b | sort by b", None), ["W0304"]);
        assert!(codes_of("* | fields - b | eval b = 1 | sort by b", None).is_empty());
    }
}
