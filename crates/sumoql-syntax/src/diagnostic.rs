//! Diagnostics: typed errors from every stage become one [`Diagnostic`], rendered in one place.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

use crate::codes::Code;
use crate::span::{floor_char_boundary, Span};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The query cannot run.
    Error,
    /// The query runs, but probably not as meant.
    Warning,
}

/// A span of the query with a short message, drawn as a caret line under the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The text the label points at.
    pub span: Span,
    /// What is wrong there (may be empty).
    pub message: String,
}

/// One problem found in a query: a stable code, a message, labelled spans and notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The stable code (see [`crate::codes`]).
    pub code: Code,
    /// The one-line summary.
    pub message: String,
    /// Where in the query; the first label is the primary one.
    pub labels: Vec<Label>,
    /// Extra lines such as `help: did you mean ...?`.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error with a primary label.
    pub fn error(code: Code, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            labels: vec![Label {
                span,
                message: String::new(),
            }],
            notes: Vec::new(),
        }
    }

    /// A warning with a primary label.
    pub fn warning(code: Code, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message, span)
        }
    }

    /// Sets the primary label's message.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        if let Some(label) = self.labels.first_mut() {
            label.message = message.into();
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map_or_else(Span::default, |l| l.span)
    }

    /// Renders the diagnostic against the query `source` read from `origin` (a file name or
    /// `<query>`), with ANSI colour when `color` is set.
    ///
    /// ```
    /// use sumoql_syntax::{Diagnostic, Span, codes};
    /// let d = Diagnostic::error(codes::SYNTAX, "expected an expression", Span::new(8, 9));
    /// let text = d.render("| where )", "<query>", false);
    /// assert!(text.contains("<query>:1:9"));
    /// assert!(text.contains("        ^"));
    /// ```
    pub fn render(&self, source: &str, origin: &str, color: bool) -> String {
        let paint = Paint { on: color };
        let mut out = String::new();
        let (kind, kind_color) = match self.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
        };
        let _ = writeln!(
            out,
            "{}{}",
            paint.wrap(kind_color, &format!("{kind}[{}]", self.code)),
            paint.wrap(BOLD, &format!(": {}", self.message))
        );
        let primary = self.span();
        let (line, col) = primary.line_col(source);
        let gutter = " ".repeat(line.to_string().len());
        let _ = writeln!(
            out,
            "{gutter}{} {origin}:{line}:{col}",
            paint.wrap(BLUE, "-->")
        );
        let bar = paint.wrap(BLUE, "|");
        let _ = writeln!(out, "{gutter} {bar}");
        let mut lines_shown: Vec<usize> = Vec::new();
        for label in &self.labels {
            let (label_line, _) = label.span.line_col(source);
            if !lines_shown.contains(&label_line) {
                lines_shown.push(label_line);
            }
        }
        lines_shown.sort_unstable();
        let width = lines_shown
            .last()
            .copied()
            .unwrap_or(line)
            .to_string()
            .len();
        let gutter = " ".repeat(width);
        for shown in lines_shown {
            let text = source.lines().nth(shown - 1).unwrap_or("");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                paint.wrap(BLUE, &format!("{shown:>width$}")),
                text.replace('\t', " ")
            );
            for (i, label) in self.labels.iter().enumerate() {
                let (label_line, _) = label.span.line_col(source);
                if label_line != shown {
                    continue;
                }
                let start = floor_char_boundary(source, label.span.start);
                let end = floor_char_boundary(source, label.span.end.max(label.span.start));
                let line_start = source[..start].rfind('\n').map_or(0, |n| n + 1);
                let line_end = source[start..]
                    .find('\n')
                    .map_or(source.len(), |n| start + n);
                // Carets go under the text as a terminal shows it: a wide character takes two
                // columns, a combining mark none, a tab (shown as a space) one.
                let indent = display_width(&source[line_start..start]);
                let carets = display_width(&source[start..end.min(line_end)]).max(1);
                let marker = if i == 0 { "^" } else { "-" };
                let underline = format!(
                    "{}{}{}",
                    " ".repeat(indent),
                    marker.repeat(carets),
                    if label.message.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", label.message)
                    }
                );
                let color = if i == 0 { kind_color } else { BLUE };
                let _ = writeln!(out, "{gutter} {bar} {}", paint.wrap(color, &underline));
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{gutter} {} {note}", paint.wrap(BLUE, "="));
        }
        out
    }
}

/// The terminal columns `text` takes, a tab counted as the one space it is shown as.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if c == '\t' { 1 } else { c.width().unwrap_or(0) })
        .sum()
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("{code}{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The candidate closest to `name` by edit distance (case-insensitive), if it is close enough
/// to be a likely typo.
///
/// ```
/// use sumoql_syntax::did_you_mean;
/// assert_eq!(did_you_mean("isPrivateIp", ["isPrivateIP", "isNull"]), Some("isPrivateIP"));
/// assert_eq!(did_you_mean("zzz", ["where", "eval"]), None);
/// ```
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = edit_distance(&lower, &candidate.to_ascii_lowercase());
        let limit = (name.chars().count().max(3) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance where inserting, deleting or replacing a character, or swapping two adjacent
/// ones (`wehre` → `where`), each cost one.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in table.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in table[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[i - 1][j] + 1)
                .min(table[i][j - 1] + 1)
                .min(table[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[i - 2][j - 2] + 1);
            }
            table[i][j] = best;
        }
    }
    table[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes;

    #[test]
    fn carets_line_up_under_wide_characters() {
        let source = "* | where city = \"東京\" and\tx =";
        let at = source.find("x =").unwrap();
        let d = Diagnostic::error(
            codes::SYNTAX,
            "expected an expression",
            Span::new(at, at + 1),
        );
        let text = d.render(source, "<query>", false);
        let shown = text.lines().nth(3).unwrap();
        let caret = text.lines().nth(4).unwrap();
        // The caret sits under the `x` as a terminal draws the line: 東 and 京 take two columns.
        let column = shown.find(" x =").unwrap() + 1;
        let prefix_width: usize = shown[..column]
            .chars()
            .map(|c| c.width().unwrap_or(0))
            .sum();
        assert_eq!(caret.find('^'), Some(prefix_width), "{text}");
        assert!(text.contains("<query>:1:27"), "{text}");
    }

    #[test]
    fn renders_caret_under_span_on_the_right_line() {
        let src = "*\n| where !isPrivateIp(dest_ip)";
        let d = Diagnostic::error(
            codes::UNKNOWN_FUNCTION,
            "unknown function `isPrivateIp`",
            Span::new(11, 22),
        )
        .with_label("not a function")
        .with_note("help: did you mean `isPrivateIP`?");
        let text = d.render(src, "q.sumo", false);
        let expected = "error[E0201]: unknown function `isPrivateIp`\n --> q.sumo:2:10\n  |\n2 | | where !isPrivateIp(dest_ip)\n  |          ^^^^^^^^^^^ not a function\n  = help: did you mean `isPrivateIP`?\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn swapped_letters_are_one_edit() {
        assert_eq!(did_you_mean("wehre", ["where", "eval"]), Some("where"));
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn colour_only_when_asked() {
        let d = Diagnostic::error(codes::SYNTAX, "x", Span::new(0, 1));
        assert!(!d.render("a", "q", false).contains('\x1b'));
        assert!(d.render("a", "q", true).contains('\x1b'));
    }
}
