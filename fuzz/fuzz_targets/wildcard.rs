//! The scope's wildcard matcher against a reference that decides the same question by
//! dynamic programming over (pattern position, text position). The first byte splits the
//! input into pattern and text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sumoql_plan::Wildcard;

/// White space as the matcher reads it (Java's idea of it).
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{B}' | '\u{C}' | '\r' | '\u{1C}'..='\u{1F}'
    ) || (c.is_whitespace() && !matches!(c, '\u{85}' | '\u{A0}' | '\u{2007}' | '\u{202F}'))
}

/// Whether pattern[i..] matches text[j..] with the rest satisfying `end_ok`, memoised.
struct Reference<'a> {
    pattern: &'a [char],
    text: &'a [char],
    end_ok: &'a dyn Fn(usize) -> bool,
    memo: Vec<Option<bool>>,
}

impl Reference<'_> {
    fn run_end(&self, from: usize) -> usize {
        let mut at = from;
        while self.text.get(at).is_some_and(|&c| is_space(c)) {
            at += 1;
        }
        at
    }

    fn holds(&mut self, i: usize, j: usize) -> bool {
        let key = i * (self.text.len() + 1) + j;
        if let Some(known) = self.memo[key] {
            return known;
        }
        let answer = match self.pattern.get(i) {
            None => (self.end_ok)(j),
            Some('*') => (j..=self.text.len()).any(|k| self.holds(i + 1, k)),
            Some(&p) if is_space(p) => {
                let mut next = i;
                while self.pattern.get(next).is_some_and(|&c| is_space(c)) {
                    next += 1;
                }
                let end = self.run_end(j);
                end > j && self.holds(next, end)
            }
            Some('?') => match self.text.get(j) {
                None => false,
                Some(&c) if is_space(c) => {
                    let end = self.run_end(j);
                    self.holds(i + 1, end)
                }
                Some(_) => self.holds(i + 1, j + 1),
            },
            Some(&p) => self.text.get(j) == Some(&p) && self.holds(i + 1, j + 1),
        };
        self.memo[key] = Some(answer);
        answer
    }
}

fn reference(pattern: &str, text: &str, term: bool) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let word = |c: &char| c.is_alphanumeric();
    let open_start = !term || pattern.first().is_none_or(|&c| c == '*');
    let open_end = term && pattern.last().is_none_or(|&c| c == '*');
    let end_ok = |j: usize| {
        if term {
            open_end || text.get(j).is_none_or(|c| !word(c))
        } else {
            j == text.len()
        }
    };
    let mut reference = Reference {
        pattern: &pattern,
        text: &text,
        end_ok: &end_ok,
        memo: vec![None; (pattern.len() + 1) * (text.len() + 1)],
    };
    let starts = if term { text.len() } else { 0 };
    (0..=starts).any(|j| {
        (open_start && (term || j == 0) || j == 0 || !word(&text[j - 1])) && reference.holds(0, j)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let Ok(rest) = std::str::from_utf8(rest) else {
        return;
    };
    let mut at = (split as usize).min(rest.len());
    while !rest.is_char_boundary(at) {
        at -= 1;
    }
    let (pattern, text) = rest.split_at(at);
    // Lower-casing may change a text's length in characters; the reference and the matcher
    // both lower-case first, but only where every character stays one character.
    if pattern
        .chars()
        .chain(text.chars())
        .any(|c| c.to_lowercase().count() != 1)
    {
        return;
    }
    let wildcard = Wildcard::new(pattern);
    assert_eq!(
        wildcard.matches_whole(text),
        reference(pattern, text, false),
        "whole: {pattern:?} {text:?}"
    );
    assert_eq!(
        wildcard.matches_term(text),
        reference(pattern, text, true),
        "term: {pattern:?} {text:?}"
    );
});
