//! The scope expression before the first pipe (D8): `field=value` terms, keywords, quoted
//! phrases, `AND` (or nothing), `OR`, `NOT`/`!`, parentheses and `*`.

use nom::bytes::complete::{tag, take_while1};
use nom::Slice;

use super::error::{describe_next, fail};
use super::literal::{field_name, keyword, string_literal, symbol, ws};
use super::rows::{table_name, TABLE_SCHEME};
use super::subquery::{starts_subquery, subquery};
use super::{offset, spanned, Input, PResult};
use crate::ast::Scope;
use crate::codes;
use crate::span::{Span, Spanned};

/// Parses the scope segment; `None` when it holds nothing but white space and comments.
pub(crate) fn parse_scope(input: Input<'_>) -> Result<Option<Spanned<Scope>>, super::SyntaxError> {
    fn run(input: Input<'_>) -> PResult<'_, Option<Spanned<Scope>>> {
        let (input, ()) = ws(input)?;
        if input.fragment().is_empty() {
            return Ok((input, None));
        }
        let (rest, scope) = match table_listing(input)? {
            Some(listing) => listing,
            None => or_scope(input)?,
        };
        let (rest, ()) = ws(rest)?;
        if !rest.fragment().is_empty() {
            return fail(
                &rest,
                codes::SYNTAX,
                format!("unexpected {} in the scope", describe_next(&rest)),
            );
        }
        Ok((rest, Some(scope)))
    }
    match run(input) {
        Ok((_, scope)) => Ok(scope),
        Err(nom::Err::Error(e)) | Err(nom::Err::Failure(e)) => Err(e),
        Err(nom::Err::Incomplete(_)) => Err(super::SyntaxError::new(
            codes::SYNTAX,
            "incomplete scope",
            Span::new(offset(&input), offset(&input)),
        )),
    }
}

/// `cat path://"NAME"` (a table of the table folder, as `lookup` and `save` name it) or `cat
/// file://PATH.csv` (a file, the path quoted or not), when the scope is that; `cat` followed
/// by anything else is a keyword. The path is kept as `lookup` keeps it: `path://NAME` with its
/// scheme, a file's path without.
fn table_listing(
    input: Input<'_>,
) -> Result<Option<(Input<'_>, Spanned<Scope>)>, nom::Err<super::SyntaxError>> {
    let start = offset(&input);
    let Ok((rest, _)) = keyword("cat")(input) else {
        return Ok(None);
    };
    let (rest, ()) = ws(rest)?;
    let path_start = offset(&rest);
    let (rest, path) = if let Some(name) = rest.fragment().strip_prefix(TABLE_SCHEME) {
        let (rest, name) = table_name(rest.slice(rest.fragment().len() - name.len()..))?;
        (rest, format!("{TABLE_SCHEME}{name}"))
    } else if let Some(file) = rest.fragment().strip_prefix(FILE_SCHEME) {
        file_path(rest.slice(rest.fragment().len() - file.len()..))?
    } else {
        return Ok(None);
    };
    let path = Spanned::new(path, Span::new(path_start, offset(&rest)));
    let span = Span::new(start, offset(&rest));
    Ok(Some((rest, Spanned::new(Scope::Table(path), span))))
}

/// The scheme of a table file named by its path.
const FILE_SCHEME: &str = "file://";

/// The path after `cat file://`: a quoted string or a run of non-blank characters.
fn file_path(input: Input<'_>) -> PResult<'_, String> {
    let (rest, path) = if input.fragment().starts_with('"') {
        string_literal(input)?
    } else {
        let (rest, word) = take_while1::<_, _, super::SyntaxError>(|c: char| !c.is_whitespace())(
            input,
        )
        .or_else(|_| {
            fail(
                &input,
                codes::SYNTAX,
                format!("expected the table's path after `cat {FILE_SCHEME}`"),
            )
        })?;
        (rest, word.fragment().to_string())
    };
    if path.is_empty() {
        return fail(&input, codes::SYNTAX, "the table's path is empty");
    }
    Ok((rest, path))
}

fn join(left: Spanned<Scope>, right: Spanned<Scope>, or: bool) -> Spanned<Scope> {
    let span = left.span.join(right.span);
    let node = if or {
        Scope::Or(Box::new(left), Box::new(right))
    } else {
        Scope::And(Box::new(left), Box::new(right))
    };
    Spanned::new(node, span)
}

fn or_scope(input: Input<'_>) -> PResult<'_, Spanned<Scope>> {
    let (mut rest, mut left) = and_scope(input)?;
    while let Ok((after, _)) = keyword("or")(rest) {
        let (after, right) = term_or_fail(after, and_scope)?;
        left = join(left, right, true);
        rest = after;
    }
    Ok((rest, left))
}

fn and_scope(input: Input<'_>) -> PResult<'_, Spanned<Scope>> {
    let (mut rest, mut left) = not_scope(input)?;
    loop {
        if let Ok((after, _)) = keyword("and")(rest) {
            let (after, right) = term_or_fail(after, not_scope)?;
            left = join(left, right, false);
            rest = after;
            continue;
        }
        if starts_term(rest) {
            let (after, right) = not_scope(rest)?;
            left = join(left, right, false);
            rest = after;
            continue;
        }
        return Ok((rest, left));
    }
}

/// Whether a term (implicitly AND-ed) follows: not the end, a `)` or `OR`.
fn starts_term(input: Input<'_>) -> bool {
    let Ok((rest, ())) = ws(input) else {
        return false;
    };
    let text = rest.fragment();
    !(text.is_empty() || text.starts_with(')') || keyword("or")(rest).is_ok())
}

fn term_or_fail<'a>(
    input: Input<'a>,
    parser: fn(Input<'a>) -> PResult<'a, Spanned<Scope>>,
) -> PResult<'a, Spanned<Scope>> {
    let (at, ()) = ws(input)?;
    if !starts_term(at) {
        return fail(
            &at,
            codes::SYNTAX,
            format!("expected a search term, found {}", describe_next(&at)),
        );
    }
    parser(at)
}

fn not_scope(input: Input<'_>) -> PResult<'_, Spanned<Scope>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let negation = keyword("not")(input).or_else(|_| tag::<_, _, super::SyntaxError>("!")(input));
    if let Ok((rest, _)) = negation {
        let (rest, inner) = term_or_fail(rest, not_scope)?;
        let span = Span::new(start, inner.span.end);
        return Ok((rest, Spanned::new(Scope::Not(Box::new(inner)), span)));
    }
    primary_scope(input)
}

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || c == '(' || c == ')' || c == '"' || c == '|' || c == '=')
}

fn primary_scope(input: Input<'_>) -> PResult<'_, Spanned<Scope>> {
    let (input, ()) = ws(input)?;
    let start = offset(&input);
    let text = input.fragment();
    if starts_subquery(input) {
        let (rest, child) = subquery(input)?;
        return Ok((
            rest,
            Spanned::new(Scope::Subquery(Box::new(child.node)), child.span),
        ));
    }
    if text.starts_with('(') {
        let (rest, _) = symbol("(")(input)?;
        let (rest, inner) = term_or_fail(rest, or_scope)?;
        let (rest, ()) = ws(rest)?;
        let Ok((rest, _)) = symbol(")")(rest) else {
            return fail(
                &rest,
                codes::UNCLOSED_PAREN,
                format!("expected `)`, found {}", describe_next(&rest)),
            )
            .map_err(|e| {
                e.map(|err| err.with_related(Span::new(start, start + 1), "this `(` is still open"))
            });
        };
        return Ok((
            rest,
            Spanned::new(inner.node, Span::new(start, offset(&rest))),
        ));
    }
    if text.starts_with('"') {
        let (rest, phrase) = spanned(string_literal)(input)?;
        return Ok((rest, Spanned::new(Scope::Phrase(phrase.node), phrase.span)));
    }
    if let Some(field_term) = field_match(input)? {
        return Ok(field_term);
    }
    let (rest, word) = spanned(take_while1(is_word_char))(input)?;
    let node = if *word.node.fragment() == "*" {
        Scope::All
    } else {
        Scope::Keyword(word.node.fragment().to_string())
    };
    Ok((rest, Spanned::new(node, word.span)))
}

/// `field=value` or `field!=value`, when the input has that shape.
fn field_match(
    input: Input<'_>,
) -> Result<Option<(Input<'_>, Spanned<Scope>)>, nom::Err<super::SyntaxError>> {
    let start = offset(&input);
    let Ok((rest, field)) = field_name(input) else {
        return Ok(None);
    };
    let (rest, ()) = ws(rest)?;
    let (rest, negated) = if rest.fragment().starts_with("!=") {
        (rest.slice(2..), true)
    } else if rest.fragment().starts_with('=') && !rest.fragment().starts_with("==") {
        (rest.slice(1..), false)
    } else {
        return Ok(None);
    };
    let (rest, ()) = ws(rest)?;
    let (rest, pattern) = if rest.fragment().starts_with('"') {
        string_literal(rest)?
    } else {
        match take_while1::<_, _, super::SyntaxError>(is_word_char)(rest) {
            Ok((after, word)) => (after, word.fragment().to_string()),
            Err(_) => {
                return fail(
                    &rest,
                    codes::SYNTAX,
                    format!(
                        "expected a value after `{}=`, found {}",
                        field.node,
                        describe_next(&rest)
                    ),
                )
                .map(|_: (Input<'_>, ())| None)
            }
        }
    };
    let span = Span::new(start, offset(&rest));
    let term = Spanned::new(Scope::FieldMatch { field, pattern }, span);
    let term = if negated {
        Spanned::new(Scope::Not(Box::new(term)), span)
    } else {
        term
    };
    Ok(Some((rest, term)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        parse_scope(Input::new_extra(text, 0))
            .unwrap()
            .unwrap()
            .node
            .to_string()
    }

    #[test]
    fn not_binds_tighter_than_and_tighter_than_or() {
        assert_eq!(show("a b OR c"), "(a AND b) OR c");
        assert_eq!(show("NOT a and b"), "NOT a AND b");
        assert_eq!(show("a OR (b c)"), "a OR (b AND c)");
        assert_eq!(
            show("(_sourceCategory=network/firewall OR _sourceCategory=net*)"),
            "_sourceCategory=\"network/firewall\" OR _sourceCategory=\"net*\""
        );
        assert_eq!(
            show("host != \"web 1\" \"failed login\""),
            "NOT host=\"web 1\" AND \"failed login\""
        );
        assert_eq!(show("*"), "*");
    }

    #[test]
    fn cat_with_a_table_path_lists_the_table_and_otherwise_is_a_keyword() {
        assert_eq!(
            show("cat path://\"/Library/Users/me/a b\""),
            "cat path://\"/Library/Users/me/a b\""
        );
        assert_eq!(show("CAT file://t.csv"), "cat file://\"t.csv\"");
        assert_eq!(show("cat file://\"t/a b.csv\""), "cat file://\"t/a b.csv\"");
        assert_eq!(show("cat dog"), "cat AND dog");
        assert!(parse_scope(Input::new_extra("cat path://t error", 0)).is_err());
        assert!(parse_scope(Input::new_extra("cat file://t.csv error", 0)).is_err());
    }

    #[test]
    fn empty_scope_is_none_and_dangling_or_fails() {
        assert_eq!(parse_scope(Input::new_extra("  // c\n", 0)).unwrap(), None);
        assert!(parse_scope(Input::new_extra("a OR", 0)).is_err());
        assert!(parse_scope(Input::new_extra("(a", 0)).is_err());
    }
}
