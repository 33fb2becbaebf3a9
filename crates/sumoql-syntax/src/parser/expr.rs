//! Expressions, by precedence from loosest to tightest:
//! `c ? a : b`, `or`, `and`, comparisons, `in`, `matches` and infix `contains`, `+ -`, `* / %`,
//! prefix `! not -`, then literals, names, calls and parentheses.

use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::combinator::{map, not, peek};
use nom::sequence::preceded;

use super::error::{describe_next, expected, fail};
use super::literal::{field_name, identifier, keyword, number_literal, string_literal, symbol, ws};
use super::regex::regex_literal;
use super::subquery::{starts_subquery, subquery};
use super::{offset, Input, PResult};
use nom::Slice;

use crate::ast::{BinaryOp, Expr, ExprKind, Literal, MatchPattern, UnaryOp};
use crate::codes;
use crate::span::{Span, Spanned};

/// Words that end an expression rather than name a field.
const RESERVED: [&str; 7] = ["and", "or", "not", "in", "as", "by", "group"];

/// An expression that must fill the whole input.
pub(crate) fn expression_to_end(input: Input<'_>) -> PResult<'_, Expr> {
    let (rest, expr) = expected("an expression", expression)(input)?;
    let (rest, ()) = ws(rest)?;
    if !rest.fragment().is_empty() {
        return fail(
            &rest,
            codes::SYNTAX,
            format!("unexpected {} after the expression", describe_next(&rest)),
        );
    }
    Ok((rest, expr))
}

/// Any expression.
pub(crate) fn expression(input: Input<'_>) -> PResult<'_, Expr> {
    let (rest, condition) = or_expr(input)?;
    let Ok((after_question, _)) = symbol("?")(rest) else {
        return Ok((rest, condition));
    };
    let (rest, then) = expected("the value when true", expression)(after_question)?;
    let (rest, _) = expected("`:` and the value when false", symbol(":"))(rest)?;
    let (rest, otherwise) = expected("the value when false", expression)(rest)?;
    let span = condition.span.join(otherwise.span);
    Ok((
        rest,
        Spanned::new(
            ExprKind::Conditional {
                condition: Box::new(condition),
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            },
            span,
        ),
    ))
}

fn binary(op: BinaryOp, left: Expr, right: Expr) -> Expr {
    let span = left.span.join(right.span);
    Spanned::new(
        ExprKind::Binary {
            op,
            left: Box::new(left),
            right: Box::new(right),
        },
        span,
    )
}

/// A left-associative chain of `operand (operator operand)*`.
fn chain<'a>(
    input: Input<'a>,
    operand: fn(Input<'a>) -> PResult<'a, Expr>,
    operator: fn(Input<'a>) -> PResult<'a, BinaryOp>,
) -> PResult<'a, Expr> {
    let (mut rest, mut left) = operand(input)?;
    loop {
        let Ok((after_op, op)) = operator(rest) else {
            return Ok((rest, left));
        };
        let (after, right) = expected("an expression", operand)(after_op)?;
        left = binary(op, left, right);
        rest = after;
    }
}

fn or_expr(input: Input<'_>) -> PResult<'_, Expr> {
    chain(input, and_expr, |i| map(keyword("or"), |_| BinaryOp::Or)(i))
}

fn and_expr(input: Input<'_>) -> PResult<'_, Expr> {
    chain(input, comparison, |i| {
        map(keyword("and"), |_| BinaryOp::And)(i)
    })
}

fn comparison_operator(input: Input<'_>) -> PResult<'_, BinaryOp> {
    let (input, ()) = ws(input)?;
    alt((
        map(tag("=="), |_| BinaryOp::Eq),
        map(tag("!="), |_| BinaryOp::NotEq),
        map(tag("<>"), |_| BinaryOp::NotEq),
        map(tag("<="), |_| BinaryOp::LtEq),
        map(tag(">="), |_| BinaryOp::GtEq),
        map(tag("="), |_| BinaryOp::Eq),
        map(tag("<"), |_| BinaryOp::Lt),
        map(tag(">"), |_| BinaryOp::Gt),
    ))(input)
}

fn comparison(input: Input<'_>) -> PResult<'_, Expr> {
    let (mut rest, mut left) = additive(input)?;
    loop {
        if let Ok((after_op, op)) = comparison_operator(rest) {
            let (after, right) = expected("an expression", additive)(after_op)?;
            left = binary(op, left, right);
            rest = after;
            continue;
        }
        if let Ok((after, negated)) = matches_keyword(rest) {
            let (after, pattern) = match_pattern(after)?;
            left = matches(left, pattern, negated);
            rest = after;
            continue;
        }
        if let Ok((after_word, _)) = keyword("contains")(rest) {
            // `a contains b` is Sumo's infix spelling of `contains(a, b)`.
            let word_start = offset(&ws(rest)?.0);
            let (after, right) = expected("the text to look for", additive)(after_word)?;
            let name = Spanned::new(
                "contains".to_string(),
                Span::new(word_start, word_start + "contains".len()),
            );
            let span = left.span.join(right.span);
            left = Spanned::new(
                ExprKind::Call {
                    name,
                    args: vec![left, right],
                },
                span,
            );
            rest = after;
            continue;
        }
        let negated = if let Ok((after, _)) = keyword("in")(rest) {
            rest = after;
            false
        } else if let Ok((after, _)) = preceded(keyword("not"), keyword("in"))(rest) {
            rest = after;
            true
        } else {
            return Ok((rest, left));
        };
        let (after, list) = parenthesised_list(rest, "`(` and a list of values after `in`")?;
        let end = offset(&after);
        let span = Span::new(left.span.start, end);
        left = Spanned::new(
            ExprKind::In {
                value: Box::new(left),
                list,
                negated,
            },
            span,
        );
        rest = after;
    }
}

/// `matches` or `not matches`, telling whether it is negated.
fn matches_keyword(input: Input<'_>) -> PResult<'_, bool> {
    if let Ok((after, _)) = keyword("matches")(input) {
        return Ok((after, false));
    }
    let (after, _) = preceded(keyword("not"), keyword("matches"))(input)?;
    Ok((after, true))
}

fn matches(value: Expr, pattern: Spanned<MatchPattern>, negated: bool) -> Expr {
    let span = Span::new(value.span.start, pattern.span.end);
    Spanned::new(
        ExprKind::Matches {
            value: Box::new(value),
            pattern,
            negated,
        },
        span,
    )
}

/// The pattern after `matches`: a quoted wildcard pattern or a `/regex/` (where `\/` stands
/// for `/`).
fn match_pattern(input: Input<'_>) -> PResult<'_, Spanned<MatchPattern>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let text = input.fragment();
    if text.starts_with('"') {
        let (rest, pattern) = string_literal(input)?;
        let span = Span::new(start, offset(&rest));
        return Ok((rest, Spanned::new(MatchPattern::Wildcard(pattern), span)));
    }
    if let Some(body) = text.strip_prefix('/') {
        let mut regex = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '/' => {
                    let rest = input.slice(i + 2..);
                    let span = Span::new(start, offset(&rest));
                    return Ok((rest, Spanned::new(MatchPattern::Regex(regex), span)));
                }
                '\\' => match chars.next() {
                    Some((_, '/')) => regex.push('/'),
                    Some((_, other)) => {
                        regex.push('\\');
                        regex.push(other);
                    }
                    None => break,
                },
                c => regex.push(c),
            }
        }
        return fail(
            &input,
            codes::UNTERMINATED_STRING,
            "this regular expression is never closed: a `/` is missing",
        );
    }
    fail(
        &input,
        codes::SYNTAX,
        format!(
            "expected a quoted pattern or a /regex/ after `matches`, found {}",
            describe_next(&input)
        ),
    )
}

/// `( e1, e2, ... )`, possibly empty.
fn parenthesised_list<'a>(input: Input<'a>, what: &'static str) -> PResult<'a, Vec<Expr>> {
    let (rest, open) = expected(what, symbol("("))(input)?;
    let open_at = offset(&open);
    let mut items = Vec::new();
    if let Ok((after, _)) = symbol(")")(rest) {
        return Ok((after, items));
    }
    let mut rest = rest;
    loop {
        let (after, item) = expected("an expression", expression)(rest)?;
        items.push(item);
        if let Ok((after_comma, _)) = symbol(",")(after) {
            rest = after_comma;
            continue;
        }
        if let Ok((after_close, _)) = symbol(")")(after) {
            return Ok((after_close, items));
        }
        let (at, ()) = ws(after)?;
        let message = format!("expected `,` or `)`, found {}", describe_next(&at));
        return fail(&at, codes::UNCLOSED_PAREN, message).map_err(|e| {
            e.map(|err| err.with_related(Span::new(open_at, open_at + 1), "this `(` is still open"))
        });
    }
}

fn additive(input: Input<'_>) -> PResult<'_, Expr> {
    chain(input, multiplicative, |i| {
        let (i, ()) = ws(i)?;
        alt((
            map(tag("+"), |_| BinaryOp::Add),
            map(tag("-"), |_| BinaryOp::Sub),
        ))(i)
    })
}

fn multiplicative(input: Input<'_>) -> PResult<'_, Expr> {
    chain(input, unary, |i| {
        let (i, ()) = ws(i)?;
        alt((
            map(tag("*"), |_| BinaryOp::Mul),
            map(tag("/"), |_| BinaryOp::Div),
            map(
                nom::sequence::terminated(tag("%"), not(peek(tag("\"")))),
                |_| BinaryOp::Rem,
            ),
        ))(i)
    })
}

fn unary(input: Input<'_>) -> PResult<'_, Expr> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let op = if let Ok((rest, _)) =
        nom::sequence::terminated(tag::<_, _, super::SyntaxError>("!"), not(peek(tag("="))))(input)
    {
        Some((rest, UnaryOp::Not))
    } else if let Ok((rest, _)) = keyword("not")(input) {
        Some((rest, UnaryOp::Not))
    } else if let Ok((rest, _)) = tag::<_, _, super::SyntaxError>("-")(input) {
        Some((rest, UnaryOp::Negate))
    } else {
        None
    };
    let Some((rest, op)) = op else {
        return primary(input);
    };
    let (rest, operand) = expected("an expression", unary)(rest)?;
    if op == UnaryOp::Not {
        // `not x matches p` (or `!x matches p`) reads as `!(x matches p)`, as Sumo writes it.
        if let Ok((after, _)) = keyword("matches")(rest) {
            let (after, pattern) = match_pattern(after)?;
            let mut negated = matches(operand, pattern, true);
            negated.span.start = start;
            return Ok((after, negated));
        }
    }
    let span = Span::new(start, operand.span.end);
    let node = match (op, &operand.node) {
        (UnaryOp::Negate, ExprKind::Literal(Literal::Int(n))) => {
            ExprKind::Literal(Literal::Int(-n))
        }
        (UnaryOp::Negate, ExprKind::Literal(Literal::Float(x))) => {
            ExprKind::Literal(Literal::Float(-x))
        }
        _ => ExprKind::Unary {
            op,
            operand: Box::new(operand),
        },
    };
    Ok((rest, Spanned::new(node, span)))
}

fn primary(input: Input<'_>) -> PResult<'_, Expr> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let text = input.fragment();
    let at_end = |rest: &Input<'_>| Span::new(start, offset(rest));
    if starts_subquery(input) {
        let (rest, child) = subquery(input)?;
        return Ok((
            rest,
            Spanned::new(ExprKind::Subquery(Box::new(child.node)), child.span),
        ));
    }
    if text.starts_with('(') {
        let (rest, _) = symbol("(")(input)?;
        let (rest, inner) = expected("an expression", expression)(rest)?;
        let (rest, _) = match symbol(")")(rest) {
            Ok(ok) => ok,
            Err(_) => {
                let (at, ()) = ws(rest)?;
                return fail(
                    &at,
                    codes::UNCLOSED_PAREN,
                    format!("expected `)`, found {}", describe_next(&at)),
                );
            }
        };
        return Ok((rest, Spanned::new(inner.node, at_end(&rest))));
    }
    if text.starts_with('"') {
        let (rest, s) = string_literal(input)?;
        return Ok((
            rest,
            Spanned::new(ExprKind::Literal(Literal::Text(s)), at_end(&rest)),
        ));
    }
    if text.starts_with('/') {
        let (rest, pattern) = regex_literal(input)?;
        return Ok((
            rest,
            Spanned::new(ExprKind::Literal(Literal::Regex(pattern)), at_end(&rest)),
        ));
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        let (rest, n) = number_literal(input)?;
        return Ok((rest, Spanned::new(ExprKind::Literal(n), at_end(&rest))));
    }
    if text.starts_with("%\"") {
        let (rest, name) = field_name(input)?;
        return Ok((
            rest,
            Spanned::new(ExprKind::Field(name.node), at_end(&rest)),
        ));
    }
    let (rest, word) = identifier(input)?;
    let lower = word.to_ascii_lowercase();
    if RESERVED.contains(&lower.as_str()) {
        return Err(nom::Err::Error(nom::error::ParseError::from_error_kind(
            input,
            nom::error::ErrorKind::Tag,
        )));
    }
    if let Ok((after_open, _)) = symbol("(")(rest) {
        let name = Spanned::new(word.clone(), Span::new(start, offset(&rest)));
        let open = Input::from(after_open);
        let (rest, args) = if lower == "lookupcontains" {
            lookup_contains_arguments(open)?
        } else {
            call_arguments(open, &word)?
        };
        return Ok((
            rest,
            Spanned::new(ExprKind::Call { name, args }, at_end(&rest)),
        ));
    }
    let node = match lower.as_str() {
        "true" => ExprKind::Literal(Literal::Bool(true)),
        "false" => ExprKind::Literal(Literal::Bool(false)),
        "null" => ExprKind::Literal(Literal::Null),
        _ => ExprKind::Field(word),
    };
    Ok((rest, Spanned::new(node, at_end(&rest))))
}

/// The arguments of `lookupContains(path://"NAME", a=b AND c=d)` after its `(`: the table,
/// written as `lookup` writes it (a `path://` name) or as a string holding a file's path, then
/// the matching condition. The table becomes a text literal (with its `path://` kept).
fn lookup_contains_arguments(input: Input<'_>) -> PResult<'_, Vec<Expr>> {
    let (input, ()) = ws(input)?;
    if !input.fragment().starts_with(super::rows::TABLE_SCHEME) {
        return call_arguments(input, "lookupContains");
    }
    let (rest, table) = super::rows::table_path(input)?;
    let table = Spanned::new(ExprKind::Literal(Literal::Text(table.node)), table.span);
    let (rest, _) = expected("`,` and the fields to match", symbol(","))(rest)?;
    let (rest, mut conditions) = call_arguments(rest, "lookupContains")?;
    conditions.insert(0, table);
    Ok((rest, conditions))
}

/// The arguments of a call after its `(`, through the `)`.
fn call_arguments<'a>(input: Input<'a>, name: &str) -> PResult<'a, Vec<Expr>> {
    let mut args = Vec::new();
    if let Ok((rest, _)) = symbol(")")(input) {
        return Ok((rest, args));
    }
    let mut rest = input;
    loop {
        let (after, arg) = expected("an argument", expression)(rest)?;
        args.push(arg);
        if let Ok((after_comma, _)) = symbol(",")(after) {
            rest = after_comma;
            continue;
        }
        if let Ok((after_close, _)) = symbol(")")(after) {
            return Ok((after_close, args));
        }
        let (at, ()) = ws(after)?;
        return fail(
            &at,
            codes::UNCLOSED_PAREN,
            format!(
                "expected `,` or `)` in the call of `{name}`, found {}",
                describe_next(&at)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        expression_to_end(Input::new_extra(text, 0))
            .unwrap()
            .1
            .node
            .to_string()
    }

    fn error(text: &str) -> String {
        match expression_to_end(Input::new_extra(text, 0)) {
            Err(nom::Err::Failure(e)) | Err(nom::Err::Error(e)) => e.message,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn precedence_follows_the_usual_order() {
        assert_eq!(show("a or b and c"), "a or (b and c)");
        assert_eq!(
            show("!isNull(x) and y > 1 + 2 * 3"),
            "!isNull(x) and (y > (1 + (2 * 3)))"
        );
        assert_eq!(show("c ? 1 : d ? 2 : 3"), "c ? 1 : (d ? 2 : 3)");
        assert_eq!(show("port not in (\"21\", 22)"), "port not in (\"21\", 22)");
        assert_eq!(show("-5 - -x"), "-5 - -x");
        assert_eq!(show("%\"odd name\" = x"), "%\"odd name\" = x");
        assert_eq!(show("a AND NOT b"), "a and !b");
        assert_eq!(show("x matches \"a*\" and y"), "(x matches \"a*\") and y");
        assert_eq!(show("not x matches /a\\/b/"), "x not matches /a\\/b/");
        assert_eq!(show("x not matches /\\d+/"), "x not matches /\\d+/");
        assert_eq!(
            show("address contains city and x"),
            "contains(address, city) and x"
        );
        assert_eq!(show("a contains b + \"c\""), "contains(a, b + \"c\")");
    }

    #[test]
    fn a_slash_starts_a_regex_only_where_an_operand_starts() {
        assert_eq!(
            show(r#"replace(p, /a\/\d+/, "x") / 2"#),
            r#"replace(p, /a\/\d+/, "x") / 2"#
        );
        assert_eq!(show("a / b / c"), "(a / b) / c");
    }

    #[test]
    fn errors_say_what_was_expected() {
        assert_eq!(
            error("x >"),
            "expected an expression, found the end of the stage"
        );
        assert_eq!(
            error("f(a b)"),
            "expected `,` or `)` in the call of `f`, found `b`"
        );
        assert_eq!(
            error("x in (1, 2"),
            "expected `,` or `)`, found the end of the stage"
        );
        assert_eq!(error("a b"), "unexpected `b` after the expression");
        assert_eq!(
            error("x matches 3"),
            "expected a quoted pattern or a /regex/ after `matches`, found `3`"
        );
        assert_eq!(
            error("x matches /ab"),
            "this regular expression is never closed: a `/` is missing"
        );
    }
}
