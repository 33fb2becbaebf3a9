//! `sumoql repl` driven through a pseudo-terminal, keystroke by keystroke, as a person uses it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rexpect::session::{spawn_command, PtySession};

/// How long one expected text may take to appear (debug builds on a busy machine are slow).
const TIMEOUT_MS: u64 = 120_000;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sumoql-repl-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts `sumoql repl ARGS` in a pseudo-terminal from the repository root, with its history in
/// `dir`, and waits for the first prompt.
fn start(dir: &Path, args: &[&str]) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sumoql"));
    command
        .arg("repl")
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("SUMOQL_HISTORY", dir.join("history"))
        .env_remove("XDG_DATA_HOME");
    let mut repl = spawn_command(command, Some(TIMEOUT_MS)).expect("start sumoql repl");
    repl.exp_string("sumoql> ").expect("a prompt");
    repl
}

/// Types `line` and Enter.
fn enter(repl: &mut PtySession, line: &str) {
    repl.send(line).unwrap();
    repl.send("\r").unwrap();
    repl.flush().unwrap();
}

fn quit(mut repl: PtySession) {
    enter(&mut repl, ":quit");
    repl.exp_eof().expect("the REPL ends on :quit");
}

/// The reference detection's stages, each on one line, every line but the last ending with
/// `|` so that the query goes on.
fn detection_lines() -> Vec<String> {
    let path = repo_root().join("queries/t1071_002_file_transfer_protocols.sumo");
    let text = std::fs::read_to_string(path).unwrap();
    let query: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect();
    let stages: Vec<String> = query
        .join("\n")
        .split("\n|")
        .map(|stage| stage.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let last = stages.len() - 1;
    stages
        .into_iter()
        .enumerate()
        .map(|(index, stage)| {
            if index < last {
                format!("{stage} |")
            } else {
                stage
            }
        })
        .collect()
}

#[test]
fn the_reference_detection_typed_over_several_lines_shows_its_table() {
    let dir = scratch("detection");
    let mut repl = start(&dir, &["examples/logs"]);
    for line in detection_lines() {
        enter(&mut repl, &line);
    }
    repl.exp_string("ConnectionCount").unwrap();
    repl.exp_string("winscp.exe").unwrap();
    repl.exp_string("13 rows").unwrap();
    repl.exp_string("records read in").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    // An open bracket goes on to the next line too.
    enter(&mut repl, "* | where dest_port in (\"21\",");
    enter(&mut repl, "\"990\") | count");
    repl.exp_string("_count").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    // The same query twice is one history entry.
    enter(&mut repl, "* | count");
    repl.exp_string("sumoql> ").unwrap();
    quit(repl);
    let history = std::fs::read_to_string(dir.join("history")).unwrap();
    let detection = history
        .lines()
        .filter(|line| line.contains("sort by ConnectionCount"))
        .collect::<Vec<_>>();
    assert_eq!(detection.len(), 1, "{history}");
    assert!(
        detection[0].contains("stats count as ConnectionCount"),
        "{history}"
    );
    let counts = history.lines().filter(|line| *line == "* | count").count();
    assert_eq!(counts, 1, "{history}");
}

#[test]
fn tab_completes_a_field_name_from_the_loaded_logs() {
    let dir = scratch("complete");
    let mut repl = start(&dir, &["examples/logs"]);
    repl.send("* | count by dest_po\t").unwrap();
    repl.flush().unwrap();
    repl.exp_string("dest_port").unwrap();
    repl.send(" | sort by _count | limit 2\r").unwrap();
    repl.flush().unwrap();
    repl.exp_string("dest_port  _count").unwrap();
    repl.exp_string("2 rows").unwrap();
    quit(repl);
}

#[test]
fn an_error_shows_its_caret_as_run_does() {
    let dir = scratch("error");
    let mut repl = start(&dir, &["examples/logs"]);
    enter(&mut repl, "* | where x =");
    repl.exp_string("error[").unwrap();
    repl.exp_string("<query>:1:14").unwrap();
    repl.exp_string("1 | * | where x =").unwrap();
    repl.exp_string("|              ^").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    enter(&mut repl, ":frmat csv");
    repl.exp_string("did you mean `:format`?").unwrap();
    quit(repl);
}

#[test]
fn ctrl_c_cancels_a_long_query_and_the_next_one_runs() {
    let dir = scratch("cancel");
    let big = dir.join("big.ndjson");
    let mut text = String::new();
    for n in 0..1_000_000 {
        text.push_str(&format!("{{\"n\":\"{n}\",\"k\":\"{}\"}}\n", n % 97));
    }
    std::fs::write(&big, text).unwrap();
    let mut repl = start(&dir, &[]);
    enter(&mut repl, &format!(":load {}", big.display()));
    repl.exp_string("Ctrl-C skips").unwrap();
    repl.send_control('c').unwrap();
    repl.exp_string("field survey skipped").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    enter(&mut repl, "* | count by k");
    std::thread::sleep(Duration::from_millis(800));
    repl.send_control('c').unwrap();
    repl.exp_string("query cancelled").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    enter(&mut repl, ":clear");
    repl.exp_string("no logs loaded").unwrap();
    enter(&mut repl, ":load examples/logs");
    repl.exp_string("2100 records").unwrap();
    enter(&mut repl, "* | count");
    repl.exp_string("2100").unwrap();
    repl.exp_string("1 row\r\n").unwrap();
    quit(repl);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn save_writes_the_whole_last_result_in_the_chosen_format() {
    let dir = scratch("save");
    let out = dir.join("actions.csv");
    let mut repl = start(&dir, &["examples/logs"]);
    enter(&mut repl, ":format csv");
    repl.exp_string("format: csv").unwrap();
    enter(&mut repl, ":limit 2");
    repl.exp_string("showing at most 2 rows").unwrap();
    enter(
        &mut repl,
        "_sourceCategory=network/firewall | count by action | sort by action asc",
    );
    repl.exp_string("more rows").unwrap();
    enter(&mut repl, &format!(":save {}", out.display()));
    repl.exp_string("saved").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    quit(repl);
    let saved = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = saved.lines().collect();
    assert_eq!(
        lines[..4],
        ["action,_count", "Allowed,1", "Permit,1", "allow,345"],
        "{saved}"
    );
}
