//! A detection's logic, and the `condition` that joins its searches.
//!
//! Sigma's logic is two-valued: a test of a field the event lacks is false, so `not filter`
//! keeps such an event. The dialect's is three-valued: the comparison is null and `where`
//! drops the record under `!`. The logic is therefore written with every `not` pushed down to
//! the tests (De Morgan), and each test carries the expression that is true exactly when
//! Sigma calls it false (`isNull(f) or f != "x"`). Tests kept positive may be null where Sigma
//! says false: under `and` and `or` alone a null never makes a result true, so the record is
//! kept exactly when Sigma's answer is true.

use super::{refuse, Refusal, SigmaError};

/// A boolean formula over tests.
#[derive(Clone, Debug)]
pub(super) enum Logic {
    /// Every part holds.
    All(Vec<Logic>),
    /// One part holds at least.
    Any(Vec<Logic>),
    /// The part does not hold.
    Not(Box<Logic>),
    /// A test.
    Test(Test),
}

/// A test and its two-valued negation.
#[derive(Clone, Debug)]
pub(super) struct Test {
    /// True when Sigma says the test holds; false or null otherwise.
    pub holds: String,
    /// True exactly when Sigma says the test does not hold (never null).
    pub fails: String,
}

impl Logic {
    /// The dialect's expression for this formula, or for its negation.
    pub(super) fn render(&self, negated: bool) -> String {
        match (self, negated) {
            (Logic::Test(test), false) => test.holds.clone(),
            (Logic::Test(test), true) => test.fails.clone(),
            (Logic::Not(inner), _) => inner.render(!negated),
            (Logic::All(parts), _) | (Logic::Any(parts), _) => {
                let op = self.operator(negated).unwrap_or("and");
                let mut terms = Vec::new();
                for part in parts {
                    part.terms(negated, op, &mut terms);
                }
                join(terms, op)
            }
        }
    }

    /// The operator this formula renders with (`and`/`or`), none for a test.
    fn operator(&self, negated: bool) -> Option<&'static str> {
        match self {
            Logic::All(_) => Some(if negated { "or" } else { "and" }),
            Logic::Any(_) => Some(if negated { "and" } else { "or" }),
            Logic::Not(inner) => inner.operator(!negated),
            Logic::Test(_) => None,
        }
    }

    /// Pushes the terms this formula adds to a join by `op`: its own parts when it joins by
    /// the same operator (so `a and (b and c)` is written `a and b and c`), else itself.
    fn terms(&self, negated: bool, op: &str, terms: &mut Vec<String>) {
        match self {
            Logic::Not(inner) => inner.terms(!negated, op, terms),
            Logic::All(parts) | Logic::Any(parts) if self.operator(negated) == Some(op) => {
                for part in parts {
                    part.terms(negated, op, terms);
                }
            }
            _ => terms.push(self.render(negated)),
        }
    }
}

/// Joins `parts` with `op`, parenthesised when there are several.
pub(super) fn join(parts: Vec<String>, op: &str) -> String {
    if parts.len() == 1 {
        return parts.into_iter().next().unwrap_or_default();
    }
    format!("({})", parts.join(&format!(" {op} ")))
}

/// The condition parser: `or` of `and` of `not`/atoms, over the detection's searches.
pub(super) struct Condition<'a> {
    tokens: Vec<&'a str>,
    at: usize,
    searches: &'a [(String, Logic)],
}

impl<'a> Condition<'a> {
    /// Parses one condition line over `searches`.
    pub(super) fn parse(
        text: &'a str,
        searches: &'a [(String, Logic)],
    ) -> Result<Logic, SigmaError> {
        if text.contains('|') {
            return Err(refuse(
                Refusal::Aggregation,
                "an aggregation in the condition (`| count() ...`)",
            ));
        }
        let mut parser = Condition {
            tokens: tokens(text),
            at: 0,
            searches,
        };
        let logic = parser.or()?;
        match parser.peek() {
            None => Ok(logic),
            Some(extra) => Err(malformed(format!("unexpected `{extra}` in the condition"))),
        }
    }

    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.at).copied()
    }

    fn next(&mut self) -> Option<&'a str> {
        let token = self.peek();
        self.at += 1;
        token
    }

    fn keyword(&mut self, word: &str) -> bool {
        let found = self.peek().is_some_and(|t| t.eq_ignore_ascii_case(word));
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Logic, SigmaError> {
        let mut parts = vec![self.and()?];
        while self.keyword("or") {
            parts.push(self.and()?);
        }
        Ok(one_or(parts, Logic::Any))
    }

    fn and(&mut self) -> Result<Logic, SigmaError> {
        let mut parts = vec![self.not()?];
        while self.keyword("and") {
            parts.push(self.not()?);
        }
        Ok(one_or(parts, Logic::All))
    }

    fn not(&mut self) -> Result<Logic, SigmaError> {
        if self.keyword("not") {
            return Ok(Logic::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Logic, SigmaError> {
        let token = self
            .next()
            .ok_or_else(|| malformed("the condition ends too early"))?;
        if token == "(" {
            let inner = self.or()?;
            return match self.next() {
                Some(")") => Ok(inner),
                _ => Err(malformed("a `(` in the condition is not closed")),
            };
        }
        let every = token.eq_ignore_ascii_case("all");
        if every || token == "1" || token.eq_ignore_ascii_case("any") {
            if !self.keyword("of") {
                return Err(malformed(format!("expected `of` after `{token}`")));
            }
            let pattern = self
                .next()
                .ok_or_else(|| malformed("`of` needs a name pattern"))?;
            // `them` is every search but those whose names start with `_`.
            let parts: Vec<Logic> = self
                .searches
                .iter()
                .filter(|(name, _)| {
                    if pattern == "them" {
                        !name.starts_with('_')
                    } else {
                        wildcard_match(pattern, name)
                    }
                })
                .map(|(_, logic)| logic.clone())
                .collect();
            if parts.is_empty() {
                return Err(malformed(format!("`{pattern}` names no search")));
            }
            return Ok(one_or(parts, if every { Logic::All } else { Logic::Any }));
        }
        self.searches
            .iter()
            .find(|(name, _)| name == token)
            .map(|(_, logic)| logic.clone())
            .ok_or_else(|| {
                malformed(format!(
                    "the condition names `{token}`, which `detection` does not define"
                ))
            })
    }
}

fn malformed(message: impl Into<String>) -> SigmaError {
    refuse(Refusal::Malformed, message)
}

/// The one part itself, or several joined by `join`.
pub(super) fn one_or(mut parts: Vec<Logic>, join: fn(Vec<Logic>) -> Logic) -> Logic {
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        join(parts)
    }
}

/// Whether `name` matches `pattern`, whose `*` stands for any text.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => name.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len())
                .filter(|&at| rest.is_char_boundary(at))
                .any(|at| wildcard_match(tail, &rest[at..]))
        }),
    }
}

fn tokens(condition: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (at, c) in condition.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(from) = start.take() {
                tokens.push(&condition[from..at]);
            }
            if !c.is_whitespace() {
                tokens.push(&condition[at..at + 1]);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(from) = start {
        tokens.push(&condition[from..]);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test(name: &str) -> Logic {
        Logic::Test(Test {
            holds: name.to_string(),
            fails: format!("no_{name}"),
        })
    }

    #[test]
    fn negations_are_pushed_down_to_the_tests() {
        let searches = vec![
            ("sel".to_string(), test("s")),
            (
                "filter_a".to_string(),
                Logic::All(vec![test("a1"), test("a2")]),
            ),
            ("filter_b".to_string(), test("b")),
            ("_hidden".to_string(), test("h")),
        ];
        let parse = |text| {
            Condition::parse(text, &searches)
                .expect("parses")
                .render(false)
        };
        assert_eq!(
            parse("sel and not 1 of filter_*"),
            "(s and (no_a1 or no_a2) and no_b)"
        );
        assert_eq!(parse("not (sel or not filter_b)"), "(no_s and b)");
        assert_eq!(parse("all of them"), "(s and a1 and a2 and b)");
        assert_eq!(parse("not not sel"), "s");
        assert!(Condition::parse("sel | count() > 5", &searches).is_err());
        assert!(Condition::parse("sel and", &searches).is_err());
        assert!(Condition::parse("1 of nothing*", &searches).is_err());
    }
}
