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
            return glob_match(pieces, value.as_bytes(), Starts::AtZero, Ends::AtEnd);
        }
        let chars: Vec<char> = value.to_lowercase().chars().collect();
        glob_match(&self.pieces, &chars, Starts::AtZero, Ends::AtEnd)
    }

    /// Whether some term of `text` matches: the match starts and ends at term boundaries
    /// (the text's ends, or a character that is not a letter or digit), unless the pattern
    /// starts or ends with `*`.
    pub fn matches_term(&self, text: &str) -> bool {
        if let (Some(pieces), true) = (&self.ascii_pieces, text.is_ascii()) {
            return glob_match(pieces, text.as_bytes(), Starts::AtTerms, Ends::AtTerms);
        }
        let chars: Vec<char> = text.to_lowercase().chars().collect();
        glob_match(&self.pieces, &chars, Starts::AtTerms, Ends::AtTerms)
    }
}

/// Whether the whole of `text` matches `pattern`, whose `*` stands for any run of characters
/// and every other character for itself, case-sensitively (the names of Sigma's conditions).
///
/// ```
/// use sumoql_plan::matches_stars;
/// assert!(matches_stars("selection_*", "selection_1"));
/// assert!(!matches_stars("selection_*", "Selection_1"));
/// assert!(matches_stars("a?c", "a?c") && !matches_stars("a?c", "abc"));
/// ```
pub fn matches_stars(pattern: &str, text: &str) -> bool {
    let pieces: Vec<Vec<Element<char>>> = pattern
        .split('*')
        .map(|piece| piece.chars().map(Element::Is).collect())
        .collect();
    let chars: Vec<char> = text.chars().collect();
    glob_match(&pieces, &chars, Starts::AtZero, Ends::AtEnd)
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
    /// The first place at or after `from` where `text` holds a symbol that matches `lower`.
    fn find(lower: Self, text: &[Self], from: usize) -> Option<usize> {
        let skipped = text.get(from..)?.iter().position(|&c| c.matches(lower))?;
        Some(from + skipped)
    }
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
    fn find(lower: u8, text: &[u8], from: usize) -> Option<usize> {
        let found = memchr::memchr2(lower, lower.to_ascii_uppercase(), text.get(from..)?)?;
        Some(from + found)
    }
}

/// Where a match of the pieces may start: anywhere, or only at the start of a term.
#[derive(Clone, Copy)]
enum Starts {
    /// Only at the start of the text (a whole value).
    AtZero,
    /// At the start of the text or after a symbol that is not part of a term.
    AtTerms,
}

/// Where a match of the pieces may end.
#[derive(Clone, Copy)]
enum Ends {
    /// Only at the end of the text (a whole value).
    AtEnd,
    /// At the end of the text or before a symbol that is not part of a term.
    AtTerms,
}

/// Whether `pieces` (the parts of a pattern between its `*`s) match `text` with a start and an
/// end that `starts` and `ends` allow, in time linear in the text for each piece.
///
/// A piece matches at a given place in one way only (a run of white space is always taken
/// whole), and of two places where a piece matches, the earlier one ends no later. So the
/// leftmost place of each piece but the last leaves the most room to those after it, and the
/// pieces are placed one after the other with no going back; only the last one, whose end is
/// constrained, is tried at each place that is left.
fn glob_match<T: Symbol>(
    pieces: &[Vec<Element<T>>],
    text: &[T],
    starts: Starts,
    ends: Ends,
) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return false;
    };
    let start_ok = |at: usize| match starts {
        Starts::AtZero => at == 0,
        // A pattern that starts with `*` may start anywhere.
        Starts::AtTerms => first.is_empty() || at == 0 || !text[at - 1].is_word(),
    };
    let end_ok = |at: usize| match ends {
        Ends::AtEnd => at == text.len(),
        Ends::AtTerms => text.get(at).is_none_or(|c| !c.is_word()),
    };
    let Some(last) = rest.last() else {
        // No `*`: the piece itself must start and end well.
        return places(first, text, 0).any(|(start, end)| start_ok(start) && end_ok(end));
    };
    let Some((_, mut at)) = places(first, text, 0).find(|&(start, _)| start_ok(start)) else {
        return false;
    };
    for piece in &rest[..rest.len() - 1] {
        match places(piece, text, at).next() {
            Some((_, end)) => at = end,
            None => return false,
        }
    }
    // A pattern that ends with `*` may end anywhere.
    last.is_empty() || places(last, text, at).any(|(_, end)| end_ok(end))
}

/// The places where `piece` matches in `text` at or after `from`, leftmost first, as the start
/// and end of each match.
fn places<'p, T: Symbol>(
    piece: &'p [Element<T>],
    text: &'p [T],
    from: usize,
) -> impl Iterator<Item = (usize, usize)> + 'p {
    let mut next = Some(from);
    std::iter::from_fn(move || loop {
        let mut start = next?;
        if let Some(&Element::Is(lower)) = piece.first() {
            // Jump to the next symbol the piece can start with.
            start = T::find(lower, text, start)?;
        }
        if start > text.len() {
            return None;
        }
        next = Some(start + 1);
        if let Some(length) = piece_match(piece, &text[start..]) {
            return Some((start, start + length));
        }
    })
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

    /// The probes of the issue that found the matcher exponential: each answers at once.
    #[test]
    fn long_texts_and_many_stars_answer_in_linear_time() {
        let long_line = "a".repeat(100_000);
        assert!(!Wildcard::new("*z").matches_term(&long_line));
        assert!(Wildcard::new("*z").matches_term(&format!("{long_line}z")));
        let value = "x".repeat(400);
        assert!(!Wildcard::new("*x*x*x*y").matches_whole(&value));
        assert!(Wildcard::new("*x*x*x*y").matches_whole(&format!("{value}y")));
        let line = "b".repeat(480);
        assert!(!Wildcard::new("*b*c*d*e").matches_term(&line));
        assert!(Wildcard::new("*b*c*d*e").matches_term(&format!("{line}cde")));
        let value = "a".repeat(1000);
        assert!(!Wildcard::new("****b").matches_whole(&value));
        assert!(Wildcard::new("****b").matches_whole(&format!("{value}b")));
        assert!(!matches_stars("*a*a*a*b", &value));
    }

    /// The meaning of a scope pattern, written as plainly as possible (and in exponential
    /// time): `*` any run, `?` one character or one run of white space, white space one
    /// whole run of white space, any other character itself, case aside.
    fn reference(pattern: &[char], text: &[char], end_ok: &dyn Fn(&[char]) -> bool) -> bool {
        let run = |text: &[char]| text.iter().take_while(|&&c| is_white_space(c)).count();
        match pattern.split_first() {
            None => end_ok(text),
            Some(('*', rest)) => {
                (0..=text.len()).any(|skip| reference(rest, &text[skip..], end_ok))
            }
            Some((&p, _)) if is_white_space(p) => {
                let rest = &pattern[run(pattern)..];
                let taken = run(text);
                taken > 0 && reference(rest, &text[taken..], end_ok)
            }
            Some(('?', rest)) => {
                let taken = run(text).max(1);
                text.len() >= taken && reference(rest, &text[taken..], end_ok)
            }
            Some((&p, rest)) => text.first() == Some(&p) && reference(rest, &text[1..], end_ok),
        }
    }

    fn reference_whole(pattern: &str, text: &str) -> bool {
        let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
        let text: Vec<char> = text.to_lowercase().chars().collect();
        reference(&pattern, &text, &|rest: &[char]| rest.is_empty())
    }

    fn reference_term(pattern: &str, text: &str) -> bool {
        let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
        let text: Vec<char> = text.to_lowercase().chars().collect();
        let open_start = pattern.first().is_none_or(|&c| c == '*');
        let open_end = pattern.last().is_none_or(|&c| c == '*');
        let end_ok = |rest: &[char]| open_end || rest.first().is_none_or(|c| !c.is_alphanumeric());
        (0..=text.len()).any(|start| {
            (open_start || start == 0 || !text[start - 1].is_alphanumeric())
                && reference(&pattern, &text[start..], &end_ok)
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn the_matcher_agrees_with_the_reference(
            pattern in "[abA*? \té.]{0,8}",
            text in "[abB \t\né.-]{0,16}",
        ) {
            let wildcard = Wildcard::new(&pattern);
            proptest::prop_assert_eq!(wildcard.matches_whole(&text), reference_whole(&pattern, &text));
            proptest::prop_assert_eq!(wildcard.matches_term(&text), reference_term(&pattern, &text));
        }

        #[test]
        fn star_matching_agrees_with_the_reference(pattern in "[abA*]{0,8}", text in "[abA]{0,12}") {
            let pattern_chars: Vec<char> = pattern.chars().collect();
            let text_chars: Vec<char> = text.chars().collect();
            let exact = !pattern.contains('A') && !text.contains('A');
            let expected = reference(&pattern_chars, &text_chars, &|rest: &[char]| rest.is_empty());
            // The reference ignores case only through lower-casing, so compare where case cannot matter.
            if exact {
                proptest::prop_assert_eq!(matches_stars(&pattern, &text), expected);
            }
        }
    }
}
