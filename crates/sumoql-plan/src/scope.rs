//! The planned scope filter (D8) and the case-insensitive wildcard matching it uses.

use std::borrow::Cow;

use sumoql_value::{Record, Schema, SlotId};

/// The scope, with fields resolved to slots.
#[derive(Clone, Debug, PartialEq)]
pub enum ScopeFilter {
    /// Every record.
    All,
    /// The field's whole value matches the pattern.
    FieldMatch {
        /// The field.
        slot: SlotId,
        /// The pattern.
        pattern: Wildcard,
    },
    /// A term of `_raw` matches the keyword or phrase.
    Term {
        /// The `_raw` slot.
        raw: SlotId,
        /// The keyword or phrase.
        pattern: Wildcard,
    },
    /// Negation.
    Not(Box<ScopeFilter>),
    /// Both.
    And(Box<ScopeFilter>, Box<ScopeFilter>),
    /// Either.
    Or(Box<ScopeFilter>, Box<ScopeFilter>),
    /// The rows of the plan's subquery of this index, until the run replaces it by its terms;
    /// unreplaced, it matches nothing.
    Subquery(usize),
}

impl ScopeFilter {
    /// Whether `record` is in scope. A missing field matches nothing (and `NOT` of it matches).
    pub fn matches(&self, record: &Record) -> bool {
        self.judge(&|slot| Some(record.get(slot).to_text()))
            .unwrap_or(false)
    }

    /// Whether the scope holds when each field's text is what `text_of` says: `Some(None)`
    /// for a null field, `None` for one not known yet. The answer is `None` when it depends
    /// on a field not known.
    pub fn judge<'t>(
        &self,
        text_of: &dyn Fn(SlotId) -> Option<Option<Cow<'t, str>>>,
    ) -> Option<bool> {
        match self {
            ScopeFilter::All => Some(true),
            ScopeFilter::FieldMatch { slot, pattern } => {
                text_of(*slot).map(|text| text.is_some_and(|t| pattern.matches_whole(&t)))
            }
            ScopeFilter::Term { raw, pattern } => {
                text_of(*raw).map(|text| text.is_some_and(|t| pattern.matches_term(&t)))
            }
            ScopeFilter::Not(inner) => inner.judge(text_of).map(|holds| !holds),
            ScopeFilter::And(a, b) => match (a.judge(text_of), b.judge(text_of)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            ScopeFilter::Or(a, b) => match (a.judge(text_of), b.judge(text_of)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            ScopeFilter::Subquery(_) => Some(false),
        }
    }

    /// Adds the slots the scope reads to `slots` (each once).
    pub fn collect_slots(&self, slots: &mut Vec<SlotId>) {
        let mut add = |slot: &SlotId| {
            if !slots.contains(slot) {
                slots.push(*slot);
            }
        };
        match self {
            ScopeFilter::All | ScopeFilter::Subquery(_) => {}
            ScopeFilter::FieldMatch { slot, .. } => add(slot),
            ScopeFilter::Term { raw, .. } => add(raw),
            ScopeFilter::Not(inner) => inner.collect_slots(slots),
            ScopeFilter::And(a, b) | ScopeFilter::Or(a, b) => {
                a.collect_slots(slots);
                b.collect_slots(slots);
            }
        }
    }

    /// The scope as text, with field names from `schema`.
    pub fn describe(&self, schema: &Schema) -> String {
        let wrap = |inner: &ScopeFilter| match inner {
            ScopeFilter::And(..) | ScopeFilter::Or(..) => format!("({})", inner.describe(schema)),
            _ => inner.describe(schema),
        };
        match self {
            ScopeFilter::All => "*".to_string(),
            ScopeFilter::FieldMatch { slot, pattern } => {
                format!("{}={:?}", schema.name(*slot), pattern.text())
            }
            ScopeFilter::Term { pattern, .. } => format!("{:?}", pattern.text()),
            ScopeFilter::Not(inner) => format!("NOT {}", wrap(inner)),
            ScopeFilter::And(a, b) => format!("{} AND {}", wrap(a), wrap(b)),
            ScopeFilter::Or(a, b) => format!("{} OR {}", wrap(a), wrap(b)),
            ScopeFilter::Subquery(index) => format!("[subquery {}]", index + 1),
        }
    }
}

/// A case-insensitive pattern of the scope: `*` matches any run of characters and `?` one
/// character; white space matches white space whatever its kind and length, as Sumo compares
/// phrases with each run of white space (in the log and in the pattern) made one space.
///
/// ```
/// use sumoql_plan::Wildcard;
/// let p = Wildcard::new("network/*");
/// assert!(p.matches_whole("Network/Firewall"));
/// assert!(!p.matches_whole("net/firewall"));
/// assert!(Wildcard::new("fail*").matches_term("Login FAILED for bob"));
/// assert!(!Wildcard::new("fail").matches_term("login failed"));
/// assert!(Wildcard::new("te?t").matches_term("a Text"));
/// assert!(Wildcard::new("task  thread").matches_term("Task\t\n Thread"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wildcard {
    text: String,
    /// The lower-cased pieces between `*`s, white space runs made one space.
    pieces: Vec<Vec<Element<char>>>,
    /// The same pieces as bytes when the pattern is ASCII, to match ASCII text without
    /// lower-casing or copying it.
    ascii_pieces: Option<Vec<Vec<Element<u8>>>>,
}

/// One element of a piece of a pattern. Matching the text as it is, a run of white space in
/// it counts as the one space it stands for in Sumo's comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Element<T> {
    /// This symbol, in lower case.
    Is(T),
    /// Any one symbol, a run of white space counting as one (`?`).
    AnyOne,
    /// A run of white space (white space of any kind and length in the pattern).
    Space,
}

impl<T: Symbol> Element<T> {
    /// Whether the element can match text starting with `symbol` (the first of a match).
    fn accepts(self, symbol: T) -> bool {
        match self {
            Element::Is(lower) => symbol.matches(lower),
            Element::AnyOne => true,
            Element::Space => symbol.is_space(),
        }
    }
}

/// The length of the start of `text` that `piece` matches, if it does.
fn piece_match<T: Symbol>(piece: &[Element<T>], text: &[T]) -> Option<usize> {
    let mut at = 0;
    for &element in piece {
        let &symbol = text.get(at)?;
        if !element.accepts(symbol) {
            return None;
        }
        at += 1;
        if symbol.is_space() && !matches!(element, Element::Is(_)) {
            // `?` or white space in the pattern takes the whole run.
            while text.get(at).is_some_and(|c| c.is_space()) {
                at += 1;
            }
        }
    }
    Some(at)
}

/// Whether `c` is white space as Sumo (after Java) reads it: space separators but the
/// no-break ones, tabs, line ends and the ASCII separators U+001C to U+001F.
fn is_white_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | '\u{1C}'..='\u{1F}'
    ) || (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{A0}' | '\u{2007}' | '\u{202F}'))
}

/// The pieces between the `*`s of a lower-cased pattern: `?` stands for any one symbol, a run
/// of white space for any run of it, and `symbol` makes each other character a symbol.
fn pieces_of<T>(lower: &str, symbol: impl Fn(char) -> T) -> Vec<Vec<Element<T>>> {
    lower
        .split('*')
        .map(|piece| {
            let mut elements = Vec::new();
            for c in piece.chars() {
                let element = match c {
                    '?' => Element::AnyOne,
                    c if is_white_space(c) => Element::Space,
                    c => Element::Is(symbol(c)),
                };
                let repeated_space = matches!(
                    (&element, elements.last()),
                    (Element::Space, Some(Element::Space))
                );
                if !repeated_space {
                    elements.push(element);
                }
            }
            elements
        })
        .collect()
}

impl Wildcard {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Wildcard {
        let lower = pattern.to_lowercase();
        Wildcard {
            text: pattern.to_string(),
            pieces: pieces_of(&lower, |c| c),
            // An ASCII character is one byte.
            ascii_pieces: pattern.is_ascii().then(|| pieces_of(&lower, |c| c as u8)),
        }
    }

    /// The pattern as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the whole of `value` matches.
    pub fn matches_whole(&self, value: &str) -> bool {
        if let (Some(pieces), true) = (&self.ascii_pieces, value.is_ascii()) {
            return glob_prefix(pieces, value.as_bytes(), &|rest: &[u8]| rest.is_empty());
        }
        let chars: Vec<char> = value.to_lowercase().chars().collect();
        glob_prefix(&self.pieces, &chars, &|rest: &[char]| rest.is_empty())
    }

    /// Whether some term of `text` matches: the match starts and ends at term boundaries
    /// (the text's ends, or a character that is not a letter or digit).
    pub fn matches_term(&self, text: &str) -> bool {
        if let (Some(pieces), true) = (&self.ascii_pieces, text.is_ascii()) {
            let text = text.as_bytes();
            return match pieces.first().and_then(|piece| piece.first()) {
                // A term can only start where the first letter is, in either case.
                Some(&Element::Is(first)) => {
                    memchr::memchr2_iter(first, first.to_ascii_uppercase(), text)
                        .any(|start| matches_term_at(pieces, text, start))
                }
                _ => matches_term_in(pieces, text),
            };
        }
        let chars: Vec<char> = text.to_lowercase().chars().collect();
        matches_term_in(&self.pieces, &chars)
    }
}

/// A letter of matched text: a `char` of lower-cased text, or a byte of ASCII text compared
/// without regard to case.
trait Symbol: Copy + PartialEq {
    /// Whether this symbol of the text equals `lower`, a lower-case symbol of the pattern.
    fn matches(self, lower: Self) -> bool;
    /// Whether the symbol is part of a term (a letter or digit).
    fn is_word(self) -> bool;
    /// Whether the symbol is white space.
    fn is_space(self) -> bool;
}

impl Symbol for char {
    fn matches(self, lower: char) -> bool {
        self == lower
    }
    fn is_word(self) -> bool {
        self.is_alphanumeric()
    }
    fn is_space(self) -> bool {
        is_white_space(self)
    }
}

impl Symbol for u8 {
    fn matches(self, lower: u8) -> bool {
        self.to_ascii_lowercase() == lower
    }
    fn is_word(self) -> bool {
        self.is_ascii_alphanumeric()
    }
    fn is_space(self) -> bool {
        is_white_space(char::from(self))
    }
}

/// Whether a term of `text` is matched by the pieces.
fn matches_term_in<T: Symbol>(pieces: &[Vec<Element<T>>], text: &[T]) -> bool {
    (0..=text.len()).any(|start| matches_term_at(pieces, text, start))
}

/// Whether the pieces match a term of `text` that starts at `start`.
fn matches_term_at<T: Symbol>(pieces: &[Vec<Element<T>>], text: &[T], start: usize) -> bool {
    let first = pieces.first().and_then(|p| p.first().copied());
    let last_piece_empty = pieces.last().is_some_and(Vec::is_empty);
    let end_ok = |rest: &[T]| rest.first().is_none_or(|c| !c.is_word()) || last_piece_empty;
    // Only starts where the first element can match are worth trying.
    let candidate = first.is_none_or(|f| text.get(start).is_some_and(|&c| f.accepts(c)));
    candidate
        && (first.is_none() || start == 0 || !text[start - 1].is_word())
        && glob_prefix(pieces, &text[start..], &end_ok)
}

/// Whether a prefix of `text` matches the pieces and the rest after it satisfies `end_ok`.
fn glob_prefix<T: Symbol>(
    pieces: &[Vec<Element<T>>],
    text: &[T],
    end_ok: &dyn Fn(&[T]) -> bool,
) -> bool {
    let Some((first, rest_pieces)) = pieces.split_first() else {
        return end_ok(text);
    };
    let Some(length) = piece_match(first, text) else {
        return false;
    };
    let after = &text[length..];
    if rest_pieces.is_empty() {
        return end_ok(after);
    }
    // A `*` follows: try every split point.
    (0..=after.len()).any(|skip| glob_prefix(rest_pieces, &after[skip..], end_ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_value_matching() {
        assert!(Wildcard::new("*").matches_whole(""));
        assert!(Wildcard::new("a*c").matches_whole("ABC"));
        assert!(Wildcard::new("a*c").matches_whole("ac"));
        assert!(!Wildcard::new("a*c").matches_whole("acd"));
        assert!(Wildcard::new("*fire*").matches_whole("network/firewall"));
    }

    #[test]
    fn term_matching_respects_boundaries() {
        assert!(Wildcard::new("10.1.2.3").matches_term("src=10.1.2.3,dst"));
        assert!(!Wildcard::new("10.1.2.3").matches_term("src=110.1.2.33"));
        assert!(Wildcard::new("failed password").matches_term("x: Failed password for root"));
        assert!(Wildcard::new("*word").matches_term("passwords password"));
        assert!(!Wildcard::new("error").matches_term("errors"));
        assert!(Wildcard::new("drop").matches_term("{\"action\":\"DROP\"}"));
        assert!(Wildcard::new("drop").matches_term("dropped, Drop"));
        assert!(!Wildcard::new("drop").matches_term("dropped, adrop"));
        assert!(Wildcard::new("4*").matches_term("port 443"));
        assert!(Wildcard::new("*").matches_term(""));
    }

    #[test]
    fn a_question_mark_is_one_character() {
        assert!(Wildcard::new("te?t").matches_term("test passed"));
        assert!(!Wildcard::new("te?t").matches_term("tet teext tests"));
        assert!(Wildcard::new("?est").matches_term("a Best"));
        assert!(Wildcard::new("h?st-*").matches_whole("HOST-1"));
        assert!(Wildcard::new("caf?").matches_term("un café noir"));
    }

    #[test]
    fn runs_of_white_space_are_one_space() {
        let phrase = Wildcard::new("VM Periodic Task");
        assert!(phrase.matches_term("VM   Periodic\tTask\n Thread"));
        assert!(!phrase.matches_term("VM Periodic-Task"));
        assert!(Wildcard::new("a   b").matches_whole("A b"));
        assert!(Wildcard::new("a?b").matches_term("a   b"));
        assert!(!Wildcard::new("a b").matches_term("a\u{A0}b"));
        assert!(Wildcard::new("a ?b").matches_term("a  xb"));
        assert!(!Wildcard::new("a ?b").matches_term("a  b"));
        assert!(Wildcard::new("x?y").matches_whole("x\t \ny"));
    }
}
