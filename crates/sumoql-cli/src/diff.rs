//! Line diffs and colours for reports on stdout (`sumoql test`, `sumoql fmt --check`).

use similar::{ChangeTag, TextDiff};

/// Colours for the report, as `--color` (and NO_COLOR, CLICOLOR_FORCE) decide for stdout.
pub struct Palette {
    on: bool,
}

impl Palette {
    /// Colours when stdout takes them (see `--color`).
    pub fn for_stdout() -> Palette {
        Palette {
            on: crate::terminal::stdout_colored(),
        }
    }

    /// Each line of `report` after `indent`, red when it starts with `-`, green with `+`.
    pub fn diff_lines(&self, report: &str, indent: &str) -> String {
        let mut out = String::new();
        for line in report.lines() {
            let painted = match line.chars().next() {
                Some('-') => self.paint("31", line),
                Some('+') => self.paint("32", line),
                _ => line.to_string(),
            };
            out.push_str(indent);
            out.push_str(&painted);
            out.push('\n');
        }
        out
    }

    /// `text` in the colour of ANSI `code` when colours are on.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// A line diff: kept lines with two spaces, removed ones with `- `, added ones with `+ `.
pub fn line_diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    for change in TextDiff::from_lines(expected, actual).iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Equal => "  ",
            ChangeTag::Delete => "- ",
            ChangeTag::Insert => "+ ",
        };
        out.push_str(sign);
        out.push_str(change.value().strip_suffix('\n').unwrap_or(change.value()));
        out.push('\n');
    }
    if !expected.is_empty() && !expected.ends_with('\n') {
        out.push_str("  (the old text does not end with a newline)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line_diff;

    #[test]
    fn diff_marks_removed_and_added_lines() {
        assert_eq!(line_diff("a\nb\nc\n", "a\nc\nd\n"), "  a\n- b\n  c\n+ d\n");
        assert_eq!(line_diff("", "x\n"), "+ x\n");
        assert_eq!(
            line_diff("a\nb", "a\nb\n"),
            "  a\n- b\n+ b\n  (the old text does not end with a newline)\n"
        );
    }
}
