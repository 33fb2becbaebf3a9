//! `sumoql fmt`: rewrites query files in the canonical layout, or checks that they are.

use std::io::Write;
use std::path::PathBuf;

use sumoql::{format_query, Rule};

use crate::diff::{line_diff, Palette};
use crate::{print_diagnostics, Exit};

/// Formats `files` in place, or with `check` only reports those not formatted (exit 1).
/// A rule marked `verbatim: true` is left as written. A file that does not parse: exit 2.
pub fn fmt_command(files: &[PathBuf], check: bool) -> Result<(), Exit> {
    let palette = Palette::for_stdout();
    let mut stdout = std::io::stdout().lock();
    let (mut unformatted, mut broken) = (0usize, false);
    for file in files {
        let origin = file.display().to_string();
        let text = std::fs::read_to_string(file).map_err(|e| {
            eprintln!("error: cannot read {origin}: {e}");
            Exit(2)
        })?;
        if Rule::parse(&text).is_ok_and(|rule| rule.metadata.verbatim) {
            let _ = writeln!(stdout, "{origin}: verbatim, left as written");
            continue;
        }
        let formatted = match format_query(&text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                print_diagnostics(&diagnostics, &text, &origin);
                broken = true;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        unformatted += 1;
        if check {
            let _ = writeln!(stdout, "{origin}: not formatted");
            let _ = write!(
                stdout,
                "{}",
                palette.diff_lines(&line_diff(&text, &formatted), "    ")
            );
        } else if let Err(error) = crate::replace_file::replace_file(file, formatted.as_bytes()) {
            eprintln!("error: cannot write {origin}: {error}");
            broken = true;
        } else {
            let _ = writeln!(stdout, "{origin}: formatted");
        }
    }
    if broken {
        Err(Exit(2))
    } else if check && unformatted > 0 {
        let _ = writeln!(
            stdout,
            "{unformatted} of {} files not formatted",
            files.len()
        );
        Err(Exit(1))
    } else {
        Ok(())
    }
}
