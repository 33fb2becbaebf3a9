//! Regular expressions that read text the way the native extractors do, so that SQL engines,
//! which have regular expressions but no scanners, find the same values: `key=value` pairs
//! (`kv`), delimited cells (`csv`, `split`), and which capture groups can only match text that
//! is not empty (SQL gives `""` for a group that takes no part in a match, natively null).

use regex_syntax::hir::{Hir, HirKind};

use crate::dialect::escape_regex;

/// A character of a `kv` key: a letter, a digit, `_`, `.` or `-`.
const KEY_CHAR: &str = r"[\p{L}\p{N}_.\-]";

/// A value token after `key=`, as the native scanner reads it: quoted in `"…"` or `'…'` with
/// backslash escapes (running to the end when the quote is not closed), else bare up to white
/// space, `,` or `;` (possibly empty).
const VALUE: &str = r#""(?:[^"\\]|\\(?:.|$))*"?|'(?:[^'\\]|\\(?:.|$))*'?|[^\s,;]*"#;

/// One token of `kv` text as the native scanner reads it, left to right, each token starting
/// where the one before ended: a pair (group 1 its key, group 2 its value token, quotes
/// included), a run of key characters not followed by `=`, or any other character. Every
/// position starts a token, so a search for all matches walks the text as the scanner does.
pub(crate) fn kv_token() -> String {
    format!(r"(?s)({KEY_CHAR}+)=({VALUE})|{KEY_CHAR}+|[^\p{{L}}\p{{N}}_.\-]")
}

/// A pattern that matches text holding at least one `key=value` pair: the first run of key
/// characters followed by `=` is one, since no value comes before it.
pub(crate) fn any_pair() -> String {
    format!(r"(?s)(?:^|[^\p{{L}}\p{{N}}_.\-]){KEY_CHAR}+=")
}

/// A pattern whose group 1 is the content of a value token quoted with `quote`, without its
/// quotes.
pub(crate) fn quoted_content(quote: char) -> String {
    let q = escape_regex(&quote.to_string());
    format!(r"(?s)^{q}((?:[^{q}\\]|\\(?:.|$))*)")
}

/// A pattern whose group 1 is the character after each backslash, for removing the escapes
/// of a quoted value.
pub(crate) const BACKSLASH_ESCAPE: &str = r"(?s)\\(.?)";

/// One cell of delimited text, as the native splitter reads it: `escape` makes the next
/// character literal, `quote` starts or ends a quoted run (a doubled quote inside one stands for
/// a quote), `delimiter` outside a quoted run ends the cell.
fn cell(delimiter: char, quote: char, escape: char) -> String {
    let [d, q, e] = [delimiter, quote, escape].map(|c| escape_regex(&c.to_string()));
    format!("(?:{e}(?:.|$)|{q}(?:[^{q}{e}]|{q}{q}|{e}(?:.|$))*(?:{q}|$)|[^{d}{q}{e}])*")
}

/// A pattern whose group 1 is the cell at 1-based `position` of delimited text (quotes and
/// escapes still in it), or `None` when the three characters are not distinct, which the
/// pattern cannot tell apart.
pub(crate) fn delimited_cell(
    position: usize,
    delimiter: char,
    quote: char,
    escape: char,
) -> Option<String> {
    if delimiter == quote || delimiter == escape || quote == escape || position == 0 {
        return None;
    }
    let cell = cell(delimiter, quote, escape);
    let d = escape_regex(&delimiter.to_string());
    Some(format!("(?s)^(?:{cell}{d}){{{}}}({cell})", position - 1))
}

/// A pattern whose groups are the characters a cell keeps from its quotes and escapes: group 1
/// after an escape, group 2 the quote a doubled quote stands for.
pub(crate) fn cell_marks(quote: char, escape: char) -> String {
    let [q, e] = [quote, escape].map(|c| escape_regex(&c.to_string()));
    format!("(?s){e}(.?)|{q}({q}?)")
}

/// Whether every match of `pattern` is text that is not empty, so that engines and sumoql step
/// through its matches alike. `false` when the pattern does not parse here.
pub(crate) fn never_matches_empty(pattern: &str) -> bool {
    regex_syntax::parse(pattern).is_ok_and(|hir| hir.properties().minimum_len() > Some(0))
}

/// Whether capture group `index` of `pattern` takes part in every match: it is neither in a
/// branch of an alternation nor in a repetition that may take nothing. `false` when the
/// pattern does not parse here or has no such group.
pub(crate) fn group_always_takes_part(pattern: &str, index: usize) -> bool {
    /// Whether the group is reached from `hir` through required parts only: `Some(true)`
    /// yes, `Some(false)` through an optional part, `None` not found.
    fn required(hir: &Hir, index: usize) -> Option<bool> {
        match hir.kind() {
            HirKind::Capture(capture) if capture.index as usize == index => Some(true),
            HirKind::Capture(capture) => required(&capture.sub, index),
            HirKind::Repetition(repetition) => {
                required(&repetition.sub, index).map(|found| found && repetition.min > 0)
            }
            HirKind::Concat(items) => items.iter().find_map(|item| required(item, index)),
            HirKind::Alternation(items) => items
                .iter()
                .find_map(|item| required(item, index))
                .map(|_| false),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => None,
        }
    }
    regex_syntax::parse(pattern).is_ok_and(|hir| required(&hir, index) == Some(true))
}

/// Whether `pattern` holds an anchor or a word boundary, whose match depends on the text
/// around where a search starts. `true` when the pattern does not parse here.
pub(crate) fn has_look_around(pattern: &str) -> bool {
    regex_syntax::parse(pattern).map_or(true, |hir| !hir.properties().look_set().is_empty())
}

/// Whether capture group `index` of `pattern` can only match text that is not empty, so that
/// an empty extraction in SQL means the group took no part in the match. `false` when the
/// pattern does not parse here.
pub(crate) fn group_never_empty(pattern: &str, index: usize) -> bool {
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return false;
    };
    find_group(&hir, index).is_some_and(|group| group.properties().minimum_len() > Some(0))
}

/// The capture group numbered `index` in `hir`.
fn find_group(hir: &Hir, index: usize) -> Option<&Hir> {
    match hir.kind() {
        HirKind::Capture(capture) if capture.index as usize == index => Some(hir),
        HirKind::Capture(capture) => find_group(&capture.sub, index),
        HirKind::Repetition(repetition) => find_group(&repetition.sub, index),
        HirKind::Concat(items) | HirKind::Alternation(items) => {
            items.iter().find_map(|item| find_group(item, index))
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use regex::Regex;

    use super::*;

    /// The pairs the tokens of `text` hold, as (key, value token).
    fn pairs(text: &str) -> Vec<(String, String)> {
        let regex = Regex::new(&kv_token()).unwrap();
        let mut end = 0;
        let mut pairs = Vec::new();
        for captures in regex.captures_iter(text) {
            let whole = captures.get(0).unwrap();
            assert_eq!(whole.start(), end, "tokens follow each other in {text:?}");
            end = whole.end();
            if let (Some(key), Some(value)) = (captures.get(1), captures.get(2)) {
                pairs.push((key.as_str().to_string(), value.as_str().to_string()));
            }
        }
        assert_eq!(end, text.len(), "tokens cover {text:?}");
        pairs
    }

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tokens_find_the_pairs_the_scanner_finds() {
        assert_eq!(
            pairs(r#"msg="user=bob" a=b=c user=alice user='x y'"#),
            owned(&[
                ("msg", r#""user=bob""#),
                ("a", "b=c"),
                ("user", "alice"),
                ("user", "'x y'")
            ])
        );
        assert_eq!(pairs("xuser=1"), owned(&[("xuser", "1")]));
        assert_eq!(pairs("k= next"), owned(&[("k", "")]));
        // After a closing quote the scan goes on at once, as the native scanner does.
        assert_eq!(
            pairs(r#"a="x"b=2 c="open \" end"#),
            owned(&[("a", r#""x""#), ("b", "2"), ("c", r#""open \" end"#)])
        );
        assert_eq!(
            pairs("no pairs = here, ünï=ç;z=1"),
            owned(&[("ünï", "ç"), ("z", "1")])
        );
        assert!(Regex::new(&any_pair()).unwrap().is_match("x k=1"));
        assert!(!Regex::new(&any_pair()).unwrap().is_match("no pairs = here"));
    }

    #[test]
    fn cells_follow_quotes_and_escapes() {
        let regex = |n| Regex::new(&delimited_cell(n, ',', '"', '\\').unwrap()).unwrap();
        let text = r#"a,"b,c",d\,e,"x""y""#;
        let cell = |n| regex(n).captures(text).map(|c| c[1].to_string());
        assert_eq!(cell(1).as_deref(), Some("a"));
        assert_eq!(cell(2).as_deref(), Some(r#""b,c""#));
        assert_eq!(cell(3).as_deref(), Some(r"d\,e"));
        assert_eq!(cell(4).as_deref(), Some(r#""x""y""#));
        assert_eq!(cell(5), None);
        assert!(delimited_cell(1, ',', ',', '\\').is_none());
    }

    #[test]
    fn optional_groups_may_be_empty_and_required_ones_not() {
        let pattern = r"(?<a>\d+)(?: (?<b>\w+))?(?<c>x*)";
        assert!(group_never_empty(pattern, 1));
        assert!(group_never_empty(pattern, 2));
        assert!(!group_never_empty(pattern, 3));
    }

    #[test]
    fn a_pattern_that_can_match_nothing_is_told_apart() {
        assert!(never_matches_empty(r"(?<ip>\d+\.\d+)"));
        assert!(!never_matches_empty(r"(?<n>\d*)"));
        assert!(!never_matches_empty(r"\b"));
        assert!(!never_matches_empty("(unclosed"));
    }

    #[test]
    fn groups_in_optional_parts_may_take_no_part() {
        let pattern = r"(?<k>\w+)=(.*?)(?:;(x))?|(y)";
        assert!(!group_always_takes_part(pattern, 1), "in a branch");
        let pattern = r"(?<k>\w+)=(.*?)(?:;(x))?,";
        assert!(group_always_takes_part(pattern, 1));
        assert!(
            group_always_takes_part(pattern, 2),
            "empty, but always there"
        );
        assert!(!group_always_takes_part(pattern, 3), "in an optional part");
        assert!(!group_always_takes_part(pattern, 4), "no such group");
    }

    #[test]
    fn anchors_and_word_boundaries_are_look_around() {
        assert!(has_look_around(r"^=(\w+)"));
        assert!(has_look_around(r"\b(\w+)"));
        assert!(!has_look_around(r"=(.*?),"));
    }
}
