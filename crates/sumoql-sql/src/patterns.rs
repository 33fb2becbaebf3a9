//! Regular expressions that read text the way the native extractors do, so that SQL engines,
//! which have regular expressions but no scanners, find the same values: `key=value` pairs
//! (`kv`), delimited cells (`csv`, `split`), and which capture groups can only match text that
//! is not empty (SQL gives `""` for a group that takes no part in a match, natively null).

use regex_syntax::hir::{Hir, HirKind};

use crate::dialect::escape_regex;

/// A character of a `kv` key: a letter, a digit, `_`, `.` or `-`.
const KEY_CHAR: &str = r"[\p{L}\p{N}_.\-]";

/// A character that is not one of a key, nor `=`.
const NOT_KEY_OR_EQUALS: &str = r"[^\p{L}\p{N}_.\-=]";

/// A value after `key=`, as the native scanner reads it: quoted in `"…"` or `'…'` with
/// backslash escapes (running to the end when the quote is not closed), or bare up to white
/// space, `,` or `;`.
const VALUE: &str =
    r#"(?:"(?:[^"\\]|\\(?:.|$))*(?:"|$)|'(?:[^'\\]|\\(?:.|$))*(?:'|$)|(?:[^\s,;"'][^\s,;]*)?)"#;

/// One step of the scan before the pair wanted: a whole pair (its value's end consumed), a
/// run of key characters not followed by `=` (with the character after it), or any other
/// character.
fn skipped_pair() -> String {
    format!(
        r"(?:{KEY_CHAR}+={VALUE}(?:[\s,;]|$)|{KEY_CHAR}+(?:{NOT_KEY_OR_EQUALS}|$)|[^\p{{L}}\p{{N}}_.\-])"
    )
}

/// Which pair of a key a `kv` read takes when the key repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Occurrence {
    /// The first (`kv "k" as x`).
    First,
    /// The last (`kv auto`, where a later pair overwrites an earlier one).
    Last,
}

/// A pattern whose group 1 is the value token (quotes included) of the pair whose key is
/// `key` (any letter case when `any_case`), scanning pairs from the start of the text as the
/// native reader does, so that `key=` inside another pair's value is not a pair.
pub(crate) fn pair_value(key: &str, any_case: bool, occurrence: Occurrence) -> String {
    let repeat = match occurrence {
        Occurrence::First => "*?",
        Occurrence::Last => "*",
    };
    let key = escape_regex(key);
    let key = if any_case { format!("(?i:{key})") } else { key };
    format!("(?s)^{}{repeat}{key}=({VALUE})", skipped_pair())
}

/// A pattern that matches text holding at least one `key=value` pair.
pub(crate) fn any_pair() -> String {
    format!("(?s)^{}*?{KEY_CHAR}+=", skipped_pair())
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

    fn value_of(text: &str, key: &str, occurrence: Occurrence) -> Option<String> {
        let regex = Regex::new(&pair_value(key, false, occurrence)).unwrap();
        regex
            .captures(text)
            .map(|captures| captures.get(1).unwrap().as_str().to_string())
    }

    #[test]
    fn a_pair_is_found_only_where_the_scanner_sees_one() {
        let text = r#"msg="user=bob" a=b=c user=alice user='x y'"#;
        assert_eq!(
            value_of(text, "user", Occurrence::First).as_deref(),
            Some("alice")
        );
        assert_eq!(
            value_of(text, "user", Occurrence::Last).as_deref(),
            Some("'x y'")
        );
        assert_eq!(value_of(text, "b", Occurrence::First), None);
        assert_eq!(
            value_of(text, "msg", Occurrence::First).as_deref(),
            Some(r#""user=bob""#)
        );
        assert_eq!(value_of("xuser=1", "user", Occurrence::First), None);
        assert_eq!(value_of("a=xuser=1", "user", Occurrence::First), None);
        assert_eq!(
            value_of("k= next", "k", Occurrence::First).as_deref(),
            Some("")
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
}
