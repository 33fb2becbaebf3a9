//! `join (…) as t1, (…) as t2 on t1.a = t2.b [timewindow 10m]`.

use super::error::{expected, fail};
use super::literal::{field_name, keyword, symbol, ws};
use super::nested::{enclosed, nested_stages};
use super::options::{comma_separated, duration};
use super::{Input, PResult, SyntaxError};
use crate::ast::{Join, JoinCondition, JoinTable, Name, Stage, TableField};
use crate::codes;
use crate::span::{Span, Spanned};

/// The rest of a `join` stage, after its name.
pub(crate) fn join(input: Input<'_>) -> PResult<'_, Stage> {
    let (rest, tables) = comma_separated(input, table)?;
    if tables.len() < 2 {
        let (at, ()) = ws(rest)?;
        return fail(
            &at,
            codes::INVALID_STAGE,
            "`join` needs two or more tables: `(…) as t1, (…) as t2`",
        );
    }
    let (mut rest, _) = expected("`on` and the fields that must match", keyword("on"))(rest)?;
    let mut on = Vec::new();
    loop {
        let (after, condition) = condition(rest)?;
        on.push(condition);
        match keyword("and")(after) {
            Ok((after_and, _)) => rest = after_and,
            Err(_) => {
                rest = after;
                break;
            }
        }
    }
    let (rest, timewindow) = timewindow(rest)?;
    Ok((
        rest,
        Stage::Join(Join {
            tables,
            on,
            timewindow,
        }),
    ))
}

/// `(stages) as name`.
fn table(input: Input<'_>) -> PResult<'_, JoinTable> {
    let (rest, inner) = enclosed(input, '(')?;
    if inner.fragment().trim().is_empty() {
        return fail(
            &inner,
            codes::EMPTY_STAGE,
            "a join table needs at least one stage",
        );
    }
    let stages = nested_stages(inner)?;
    let (rest, _) = expected("`as` and the table's name", keyword("as"))(rest)?;
    let (rest, alias) = expected("the table's name", field_name)(rest)?;
    Ok((rest, JoinTable { stages, alias }))
}

/// `t1.a = t2.b`.
fn condition(input: Input<'_>) -> PResult<'_, JoinCondition> {
    let (rest, left) = table_field(input)?;
    let (at, ()) = ws(rest)?;
    let Ok((rest, _)) = symbol("=")(at) else {
        return fail(
            &at,
            codes::UNSUPPORTED_OPERATOR,
            "a join condition is an equality of two tables' fields, `t1.a = t2.b`",
        );
    };
    let (rest, right) = table_field(rest)?;
    Ok((rest, JoinCondition { left, right }))
}

/// `table.field`, split at its first dot.
fn table_field(input: Input<'_>) -> PResult<'_, TableField> {
    let (rest, name) = expected("a table's field, `t1.a`", field_name)(input)?;
    let Some(dot) = name.node.find('.') else {
        return Err(nom::Err::Failure(
            SyntaxError::new(
                codes::SYNTAX,
                format!("`{}` names no table: write `table.field`", name.node),
                name.span,
            )
            .with_note("help: each side of a join condition is `alias.field`, e.g. `t1.a = t2.b`"),
        ));
    };
    let split_at = name.span.start + dot;
    let table: Name = Spanned::new(
        name.node[..dot].to_string(),
        Span::new(name.span.start, split_at),
    );
    let field: Name = Spanned::new(
        name.node[dot + 1..].to_string(),
        Span::new(split_at + 1, name.span.end),
    );
    Ok((rest, TableField { table, field }))
}

/// `timewindow 10m`, also written in brackets as Sumo's page shows it: `[timewindow 10m]`.
fn timewindow(input: Input<'_>) -> PResult<'_, Option<Spanned<i64>>> {
    let (input, ()) = ws(input)?;
    let (after_open, bracketed) = match symbol("[")(input) {
        Ok((after, _)) => (after, true),
        Err(_) => (input, false),
    };
    let Ok((after, _)) = keyword("timewindow")(after_open) else {
        if bracketed {
            return fail(
                &after_open,
                codes::SYNTAX,
                "expected `timewindow` after `[`",
            );
        }
        return Ok((input, None));
    };
    let (after, (window, _)) = duration(after, "the time window")?;
    let after = if bracketed {
        expected("`]`", symbol("]"))(after)?.0
    } else {
        after
    };
    Ok((after, Some(window)))
}
