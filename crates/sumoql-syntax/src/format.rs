//! The canonical layout of a query (`sumoql fmt`).
//!
//! - The scope starts at column 0; each stage starts a line with `| `.
//! - Continuation lines of a stage are indented by four spaces, except a line starting with
//!   `by`, indented by two so it stands out under a multi-line `stats`.
//! - Operator names and the keywords `by`, `as`, `and`, `or`, `not`, `in`, `asc`, `desc`,
//!   `nodrop` and `matches` are written in lower case in stages (the parser reads them in any
//!   case, D7); in the scope, `AND`, `OR` and `NOT` are written in upper case.
//! - Comments stay: the leading block (a rule's metadata) as written, a comment line between
//!   stages at column 0, a comment inside a stage as a continuation line, a comment at the end
//!   of a line where it was. Blank lines go, except in the leading block.
//! - Inside a line, spacing is left alone; strings, regular expressions and comments are never
//!   touched, and a line that starts inside a multi-line string or comment is kept as written.
//!
//! Formatting never changes meaning: the result is parsed again and must give the same AST,
//! spans aside; if lower-casing keywords would change it (a field named `IN`, say), only the
//! layout is applied, and if even that would, formatting fails.
//!
//! ```
//! use sumoql_syntax::format_query;
//! let formatted = format_query("* | WHERE x IN (\"1\") |count BY src").unwrap();
//! assert_eq!(formatted, "*\n| where x in (\"1\")\n| count by src\n");
//! assert_eq!(format_query(&formatted).unwrap(), formatted);
//! ```

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::parser::{parse_query, walk, Piece, AGGREGATE_OPERATORS, OPERATORS};
use crate::span::Span;

/// Keywords written in lower case, besides operator names.
const KEYWORDS: [&str; 10] = [
    "by", "as", "and", "or", "not", "in", "asc", "desc", "nodrop", "matches",
];

/// Boolean keywords of the scope, written in upper case as Sumo's documentation does.
const SCOPE_KEYWORDS: [&str; 3] = ["AND", "OR", "NOT"];

/// Formats `source` in the canonical layout. Fails with the parser's diagnostics when the query
/// does not parse, and with [`codes::SYNTAX`] in the unlikely case that no layout keeps its
/// meaning.
pub fn format_query(source: &str) -> Result<String, Vec<Diagnostic>> {
    let original = ast_text(source)?;
    let mut literals = Vec::new();
    let mut pipes = Vec::new();
    walk(source, |piece| match piece {
        Piece::Pipe(at) => pipes.push(at),
        Piece::Literal { start, end, .. } => literals.push((start, end)),
    })
    .map_err(|error| vec![error.into_diagnostic()])?;
    let text = Text {
        source,
        literals: &literals,
    };
    let attempts = [
        Lowering::all(),
        Lowering {
            operators: false,
            keywords: true,
        },
        Lowering {
            operators: true,
            keywords: false,
        },
        Lowering::none(),
    ];
    for lowering in attempts {
        let formatted = text.layout(&pipes, lowering);
        if ast_text(&formatted).ok().as_deref() == Some(original.as_str()) {
            return Ok(formatted);
        }
    }
    Err(vec![Diagnostic::error(
        codes::SYNTAX,
        "this query cannot be laid out without changing its meaning; it is left as written",
        Span::new(0, 0),
    )])
}

/// Which words to write in lower case.
#[derive(Clone, Copy)]
struct Lowering {
    /// Operator names at the start of a stage.
    operators: bool,
    /// The words of [`KEYWORDS`].
    keywords: bool,
}

impl Lowering {
    fn all() -> Lowering {
        Lowering {
            operators: true,
            keywords: true,
        }
    }

    fn none() -> Lowering {
        Lowering {
            operators: false,
            keywords: false,
        }
    }
}

/// The parsed query's AST as text, with every span removed, for comparing meanings.
fn ast_text(source: &str) -> Result<String, Vec<Diagnostic>> {
    let query = parse_query(source)?;
    Ok(without_spans(&format!("{query:?}")))
}

/// `debug` without its `Span { start: N, end: N }` parts.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span { start: ") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match rest.find('}') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// What a line of a segment holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Nothing but white space.
    Blank,
    /// Only a comment.
    Comment,
    /// Query text.
    Code,
    /// It starts inside a string or comment opened on an earlier line: kept as written.
    Continued,
}

/// One line of a segment, ready to print except for its indentation.
struct Line {
    kind: LineKind,
    text: String,
}

/// The query text and where its literals and comments lie.
struct Text<'s> {
    source: &'s str,
    /// `(start, end)` of every string, regular expression, quoted character and comment.
    literals: &'s [(usize, usize)],
}

impl Text<'_> {
    /// Whether byte `at` lies strictly inside a literal (after its first byte).
    fn inside(&self, at: usize) -> bool {
        self.literals
            .iter()
            .any(|&(start, end)| start < at && at < end)
    }

    /// The literal or comment starting at `at`, if any: its end.
    fn literal_at(&self, at: usize) -> Option<usize> {
        self.literals
            .iter()
            .find(|&&(start, _)| start == at)
            .map(|&(_, end)| end)
    }

    /// The whole layout: each segment's lines with the canonical indentation.
    fn layout(&self, pipes: &[usize], lowering: Lowering) -> String {
        let mut bounds = Vec::with_capacity(pipes.len() + 1);
        let mut start = 0;
        for &pipe in pipes {
            bounds.push((start, pipe));
            start = pipe + 1;
        }
        bounds.push((start, self.source.len()));
        let mut out: Vec<String> = Vec::new();
        for (index, &(start, end)) in bounds.iter().enumerate() {
            let lines = self.lines(start, end, lowering, index > 0);
            place_segment(&mut out, lines, index == 0);
        }
        while out.last().is_some_and(String::is_empty) {
            out.pop();
        }
        let mut text = out.join("\n");
        text.push('\n');
        text
    }

    /// The lines of the segment `start..end`, classified and trimmed, words lowered as
    /// `lowering` says (the operator name only when `stage`).
    fn lines(&self, start: usize, end: usize, lowering: Lowering, stage: bool) -> Vec<Line> {
        let mut lines = Vec::new();
        let mut line_start = start;
        let mut first_code = stage;
        while line_start <= end {
            let line_end = self.source[line_start..end]
                .find('\n')
                .map_or(end, |n| line_start + n);
            let continued = self.inside(line_start);
            let open_at_end = line_end < end && self.inside(line_end);
            let mut from = line_start;
            let mut to = line_end;
            let raw = &self.source[line_start..line_end];
            if !continued {
                from += raw.len() - raw.trim_start().len();
            }
            if !open_at_end && to > from {
                let part = &self.source[from..to];
                to = from + part.trim_end().len();
            }
            let text = &self.source[from..to];
            let kind = if continued {
                LineKind::Continued
            } else if text.is_empty() {
                LineKind::Blank
            } else if (text.starts_with("//") || text.starts_with("/*"))
                && self.literal_at(from).is_some_and(|end| end >= to)
            {
                LineKind::Comment
            } else {
                LineKind::Code
            };
            let text = if kind == LineKind::Code {
                let lowered = self.lower_words(from, to, lowering, stage, first_code);
                first_code = false;
                lowered
            } else {
                text.to_string()
            };
            lines.push(Line { kind, text });
            if line_end >= end {
                break;
            }
            line_start = line_end + 1;
        }
        lines
    }

    /// The text `from..to` with keywords outside literals in their canonical case (those of a
    /// stage, or of the scope); with `operator`, the first word too when it names an operator.
    fn lower_words(
        &self,
        from: usize,
        to: usize,
        lowering: Lowering,
        stage: bool,
        operator: bool,
    ) -> String {
        let keywords: &[&str] = if stage { &KEYWORDS } else { &SCOPE_KEYWORDS };
        let bytes = self.source.as_bytes();
        let mut out = String::with_capacity(to - from);
        let mut at = from;
        let mut first_word = operator;
        while at < to {
            if let Some(end) = self.literal_at(at) {
                let end = end.min(to);
                out.push_str(&self.source[at..end]);
                at = end;
                first_word = false;
                continue;
            }
            let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            if !is_word(bytes[at]) {
                // Every byte that is not a word byte is ASCII or part of a multi-byte
                // character, copied whole below.
                let next = self.source[at..]
                    .chars()
                    .next()
                    .map_or(at + 1, |c| at + c.len_utf8());
                out.push_str(&self.source[at..next.min(to)]);
                at = next;
                continue;
            }
            let mut end = at;
            while end < to && is_word(bytes[end]) {
                end += 1;
            }
            let word = &self.source[at..end];
            let separated = |b: Option<&u8>| {
                b.is_none_or(|b| matches!(b, b' ' | b'\t' | b'(' | b')' | b',' | b'!'))
            };
            let before = if at == from { None } else { bytes.get(at - 1) };
            let after = if end == to { None } else { bytes.get(end) };
            let canonical = if first_word && lowering.operators {
                OPERATORS
                    .iter()
                    .chain(AGGREGATE_OPERATORS.iter())
                    .find(|name| name.eq_ignore_ascii_case(word))
                    .copied()
            } else if !first_word && lowering.keywords && separated(before) && separated(after) {
                keywords
                    .iter()
                    .find(|keyword| keyword.eq_ignore_ascii_case(word))
                    .copied()
            } else {
                None
            };
            out.push_str(canonical.unwrap_or(word));
            first_word = false;
            at = end;
        }
        out
    }
}

/// Appends one segment's lines to `out` with the canonical indentation.
fn place_segment(out: &mut Vec<String>, lines: Vec<Line>, scope: bool) {
    let last_code = lines
        .iter()
        .rposition(|line| line.kind != LineKind::Blank && line.kind != LineKind::Comment);
    let last_text = lines.iter().rposition(|line| line.kind != LineKind::Blank);
    let mut seen_code = false;
    for (index, line) in lines.into_iter().enumerate() {
        let trailing = last_code.is_none_or(|last| index > last);
        match line.kind {
            LineKind::Blank => {
                // Blank lines stay only inside the leading comment block, one at a time: not
                // after its last line, where the next pass would find them again.
                let inside = last_text.is_some_and(|last| index < last);
                if scope && inside && !seen_code && out.last().is_some_and(|l| !l.is_empty()) {
                    out.push(String::new());
                }
            }
            LineKind::Continued => out.push(line.text),
            LineKind::Comment if !seen_code || trailing => out.push(line.text),
            LineKind::Comment => out.push(format!("    {}", line.text)),
            LineKind::Code if !seen_code => {
                seen_code = true;
                if scope {
                    out.push(line.text);
                } else {
                    out.push(format!("| {}", line.text));
                }
            }
            LineKind::Code => {
                let by = line
                    .text
                    .get(..3)
                    .is_some_and(|start| start.eq_ignore_ascii_case("by "));
                let indent = if by { "  " } else { "    " };
                out.push(format!("{indent}{}", line.text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_puts_one_stage_per_line() {
        let formatted =
            format_query("_sourceCategory=fw   |WHERE a=\"x|y\"|  count AS n BY src  ").unwrap();
        assert_eq!(
            formatted,
            "_sourceCategory=fw\n| where a=\"x|y\"\n| count as n by src\n"
        );
    }

    #[test]
    fn comments_and_multi_line_strings_stay() {
        let source = "// id: x\n//   - item\n\n* // all\n// before where\n| where a = \"one\n  two\" // keep\n    and b = \"2\"\n";
        let formatted = format_query(source).unwrap();
        assert_eq!(
            formatted,
            "// id: x\n//   - item\n\n* // all\n// before where\n| where a = \"one\n  two\" // keep\n    and b = \"2\"\n"
        );
        assert_eq!(format_query(&formatted).unwrap(), formatted);
    }

    #[test]
    fn a_scope_of_only_a_comment_keeps_its_layout() {
        // Found by the `query` fuzz target: the blank line before the first pipe was kept, and
        // each pass added one.
        let formatted = format_query("/** | where a matches |x)\\/.*/ | fields id").unwrap();
        assert_eq!(formatted, "/** | where a matches |x)\\/.*/\n| fields id\n");
        assert_eq!(format_query(&formatted).unwrap(), formatted);
    }

    #[test]
    fn keywords_that_are_values_keep_their_case() {
        // `In` is a value in the scope, not a keyword: lowering it would change the query.
        let formatted = format_query("_sourceCategory=In or x |  count BY x").unwrap();
        assert_eq!(formatted, "_sourceCategory=In OR x\n| count by x\n");
    }

    #[test]
    fn broken_queries_are_not_formatted() {
        assert!(format_query("* | where").is_err());
    }
}
