//! The REPL's `:commands`.

use std::path::PathBuf;

use sumoql::{Format, Zone};

use super::lexer::stage_pipes;
use super::session::Session;

/// One `:command`: its name, its arguments and what it does.
pub(super) struct Command {
    /// The name typed after `:`.
    pub name: &'static str,
    /// Its arguments, for `:help`.
    pub arguments: &'static str,
    /// What it does.
    pub summary: &'static str,
}

/// Every command, in the order `:help` lists them.
pub(super) const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        arguments: "",
        summary: "this list",
    },
    Command {
        name: "load",
        arguments: "PATH…",
        summary: "add log files or folders",
    },
    Command {
        name: "clear",
        arguments: "",
        summary: "forget every log loaded",
    },
    Command {
        name: "fields",
        arguments: "",
        summary: "each field, how many records have it, sample values",
    },
    Command {
        name: "format",
        arguments: "table|ndjson|json|csv",
        summary: "how results are shown and saved",
    },
    Command {
        name: "limit",
        arguments: "N",
        summary: "show at most N rows of a result (default 100)",
    },
    Command {
        name: "explain",
        arguments: "QUERY",
        summary: "print the plan of a query",
    },
    Command {
        name: "preview",
        arguments: "QUERY",
        summary: "rows after each stage of a query",
    },
    Command {
        name: "time",
        arguments: "on|off",
        summary: "show records read and the time taken",
    },
    Command {
        name: "tz",
        arguments: "ZONE",
        summary: "time zone for dates (IANA name or offset)",
    },
    Command {
        name: "save",
        arguments: "FILE",
        summary: "write the last result, every row, in the current format",
    },
    Command {
        name: "quit",
        arguments: "",
        summary: "leave (or Ctrl-D)",
    },
];

/// What the loop does after a command.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum After {
    /// Read the next line.
    Continue,
    /// Leave the REPL.
    Quit,
}

/// Runs the command line `line` (after its `:`).
pub(super) fn run_command(session: &mut Session, line: &str) -> After {
    let line = line.trim();
    let (name, argument) = line
        .split_once(char::is_whitespace)
        .map_or((line, ""), |(name, rest)| (name, rest.trim()));
    match name {
        "help" | "h" | "?" => print!("{}", help_text()),
        "quit" | "q" | "exit" => return After::Quit,
        "load" => load(session, argument),
        "clear" => {
            session.clear();
            println!("no logs loaded");
        }
        "fields" => print!("{}", session.catalog.fields_table()),
        "format" => match argument.parse::<Format>() {
            Ok(format) => {
                session.format = format;
                println!("format: {format}");
            }
            Err(error) => eprintln!("error: {error}"),
        },
        "limit" => match argument.parse::<usize>() {
            Ok(limit) if limit > 0 => {
                session.limit = limit;
                println!("showing at most {limit} rows");
            }
            _ => eprintln!("error: :limit takes a number of rows, such as 100"),
        },
        "explain" => {
            if let Some(query) = session.compile(argument) {
                print!("{}", query.plan.explain());
            }
        }
        "preview" => session.preview(argument, &stage_pipes(argument)),
        "time" => match argument {
            "on" | "off" => {
                session.show_time = argument == "on";
                println!("time: {argument}");
            }
            _ => eprintln!("error: :time takes on or off"),
        },
        "tz" => match Zone::parse(argument) {
            Ok(zone) => {
                session.base.zone = zone;
                println!("time zone: {argument}");
            }
            Err(error) => eprintln!("error: :tz: {error}"),
        },
        "save" if argument.is_empty() => eprintln!("error: :save takes a file name"),
        "save" => match session.save(argument) {
            Ok(rows) => println!("saved {rows} rows to {argument} ({})", session.format),
            Err(error) => eprintln!("error: {error}"),
        },
        _ => {
            let names = COMMANDS.iter().map(|command| command.name);
            let mut message = format!("error: no command `:{name}`");
            if let Some(suggestion) = sumoql::did_you_mean(name, names) {
                message.push_str(&format!("; did you mean `:{suggestion}`?"));
            }
            eprintln!("{message} (:help lists them)");
        }
    }
    After::Continue
}

/// `:load PATH…`: expands the paths as `run` does and adds them to the session.
fn load(session: &mut Session, argument: &str) {
    let paths: Vec<PathBuf> = argument.split_whitespace().map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("error: :load takes one or more paths");
        return;
    }
    match sumoql::expand_paths(&paths) {
        Ok(sources) => {
            if let Err(error) = session.load(sources) {
                eprintln!("error: {error}");
            }
        }
        Err(error) => eprintln!("error: {error}"),
    }
}

/// The text of `:help`.
pub(super) fn help_text() -> String {
    let mut out = String::from(
        "Type a query and Enter to run it; a line ending with | (or with an open bracket or\n\
         quote) goes on to the next. Tab completes, Ctrl-R searches history, Ctrl-C cancels a\n\
         running query or clears the line, Ctrl-D leaves.\n\n",
    );
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + c.arguments.chars().count() + 2)
        .max()
        .unwrap_or(0);
    for command in COMMANDS {
        let usage = if command.arguments.is_empty() {
            format!(":{}", command.name)
        } else {
            format!(":{} {}", command.name, command.arguments)
        };
        out.push_str(&format!("  {usage:width$}  {}\n", command.summary));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_command() {
        let help = help_text();
        for command in COMMANDS {
            assert!(help.contains(&format!(":{}", command.name)), "{help}");
        }
    }
}
