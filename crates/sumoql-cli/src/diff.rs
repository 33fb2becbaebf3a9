//! Line diffs and colours for reports on stdout (`sumoql test`, `sumoql fmt --check`).

use std::io::IsTerminal;

/// Colours for the report, off when NO_COLOR is set or stdout is not a terminal.
pub struct Palette {
    on: bool,
}

impl Palette {
    /// Colours when stdout is a terminal and NO_COLOR is not set.
    pub fn for_stdout() -> Palette {
        Palette {
            on: std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
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
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // Longest common subsequence table, from the ends; fixtures are small.
    let mut common = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            common[i][j] = if old[i] == new[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            out.push_str(&format!("  {}\n", old[i]));
            i += 1;
            j += 1;
        } else if i < old.len() && (j == new.len() || common[i + 1][j] >= common[i][j + 1]) {
            out.push_str(&format!("- {}\n", old[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", new[j]));
            j += 1;
        }
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
    }
}
