//! `sumoql repl`: load logs once, then run query after query against them, with completion,
//! highlighting, multi-line input, persistent history and Ctrl-C to cancel a query.

mod catalog;
mod commands;
mod complete;
mod helper;
mod highlight;
mod lexer;
mod rows;
mod session;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::Args;
use rustyline::config::Config;
use rustyline::error::ReadlineError;
use rustyline::history::{FileHistory, History};
use rustyline::Editor;

use crate::input::InputArgs;
use crate::{usage_error, Exit};
use commands::{run_command, After};
use helper::ReplHelper;
use session::{human_bytes, Session};

/// The memory budget when `/proc/meminfo` cannot be read: 2 GiB.
const FALLBACK_BUDGET_BYTES: usize = 2 << 30;

/// The arguments of `sumoql repl`.
#[derive(Args)]
pub(crate) struct ReplArgs {
    /// Log files or folders to load (more with `:load`).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Hold the logs in memory up to SIZE (e.g. 512M, 4G) [default: a quarter of RAM]; past
    /// it, the files are read again for each query.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    memory_budget: Option<usize>,
    #[command(flatten)]
    input: InputArgs,
}

/// Runs the REPL until `:quit` or Ctrl-D.
pub(crate) fn repl_command(args: ReplArgs) -> Result<(), Exit> {
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        return Err(usage_error(
            "the REPL reads queries from the terminal: give log files or folders, not -",
        ));
    }
    let config = Config::builder()
        .history_ignore_dups(true)
        .and_then(|builder| builder.max_history_size(10_000))
        .map(|builder| builder.auto_add_history(false).build())
        .map_err(|e| usage_error(format!("cannot set up the line editor: {e}")))?;
    let mut editor: Editor<ReplHelper, FileHistory> = Editor::with_config(config)
        .map_err(|e| usage_error(format!("cannot start the line editor: {e}")))?;
    let cancel = Arc::new(AtomicBool::new(false));
    let on_interrupt = cancel.clone();
    // While a line is read the terminal is raw and Ctrl-C is a key; while a query runs it is
    // a signal, which cancels the query. The editor takes SIGINT for itself when it starts, so
    // this handler comes after it.
    ctrlc::set_handler(move || on_interrupt.store(true, Ordering::Relaxed))
        .map_err(|e| usage_error(format!("cannot handle Ctrl-C: {e}")))?;
    let budget = args.memory_budget.unwrap_or_else(default_budget);
    // Logs are read as `sumoql run` reads them: the same options, extraction rules and
    // mappings.
    let mut base = args.input.run_config(crate::now_ms(), None)?;
    base.cancel = Some(cancel);
    let mut session = Session::new(budget, args.input.engine(&base), base);
    println!(
        "sumoql {} — :help for commands, Ctrl-D to leave (memory budget {})",
        env!("CARGO_PKG_VERSION"),
        human_bytes(budget)
    );
    if !args.paths.is_empty() {
        let sources = crate::sumoql_sources(&args.paths)?;
        session.load(sources).map_err(|error| {
            eprintln!("error: {error}");
            Exit(1)
        })?;
    }
    let mut helper = ReplHelper::new(&session.engine);
    helper.set_catalog(
        session.catalog.field_names(),
        session.catalog.category_names(),
    );
    editor.set_helper(Some(helper));
    let history = history_path();
    if let Some(path) = &history {
        // A missing history file is the first session's normal state.
        let _ = editor.load_history(path);
    }
    loop {
        match editor.readline("sumoql> ") {
            Ok(line) => {
                let text = line.trim();
                if text.is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(text);
                if let Some(command) = text.strip_prefix(':') {
                    if run_command(&mut session, command) == After::Quit {
                        break;
                    }
                    if let Some(helper) = editor.helper_mut() {
                        helper.set_catalog(
                            session.catalog.field_names(),
                            session.catalog.category_names(),
                        );
                    }
                } else {
                    session.query(text);
                }
            }
            Err(ReadlineError::Interrupted) => {}
            Err(ReadlineError::Eof) => break,
            Err(error) => {
                eprintln!("error: {error}");
                break;
            }
        }
    }
    if let Some(path) = &history {
        save_history(&mut editor, path);
    }
    Ok(())
}

/// Where history is kept: `$SUMOQL_HISTORY`, else `$XDG_DATA_HOME/sumoql/history`, else
/// `~/.local/share/sumoql/history`.
fn history_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SUMOQL_HISTORY") {
        return Some(PathBuf::from(path));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(data.join("sumoql").join("history"))
}

/// Saves the history with each entry once, at its latest place.
fn save_history(editor: &mut Editor<ReplHelper, FileHistory>, path: &std::path::Path) {
    let entries: Vec<String> = editor.history().iter().cloned().collect();
    let kept = deduplicate(entries);
    let history = editor.history_mut();
    if history.clear().is_err() {
        return;
    }
    for entry in kept {
        let _ = history.add_owned(entry);
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Err(error) = editor.save_history(path) {
        eprintln!(
            "warning: cannot save history to {}: {error}",
            path.display()
        );
    }
}

/// `entries` with each entry kept only at its last place.
fn deduplicate(entries: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<String> = entries
        .into_iter()
        .rev()
        .filter(|entry| seen.insert(entry.clone()))
        .collect();
    kept.reverse();
    kept
}

/// A quarter of the machine's memory, from `/proc/meminfo`.
fn default_budget() -> usize {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|line| line.starts_with("MemTotal:"))?;
            let kilobytes: usize = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kilobytes.saturating_mul(1024) / 4)
        })
        .unwrap_or(FALLBACK_BUDGET_BYTES)
}

/// Parses a size: bytes, or a number with `K`, `M`, `G` or `T` (powers of 1024).
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let number: usize = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size such as 512M or 4G"))?;
    let shift = match unit
        .trim_end_matches(['B', 'b', 'i'])
        .to_ascii_uppercase()
        .as_str()
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(format!("`{text}` is not a size such as 512M or 4G")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5X").is_err());
    }

    #[test]
    fn history_keeps_each_entry_at_its_last_place() {
        let entries = ["a", "b", "a", "c", "b"].map(String::from).to_vec();
        assert_eq!(deduplicate(entries), ["a", "c", "b"]);
    }
}
