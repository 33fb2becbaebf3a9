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
/// `dir`, and waits for the first prompt; returns the session and what it printed before.
fn start_with_banner(dir: &Path, args: &[&str]) -> (PtySession, String) {
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
    let banner = repl.exp_string("sumoql> ").expect("a prompt");
    (repl, banner)
}

/// Starts `sumoql repl ARGS` and waits for the first prompt.
fn start(dir: &Path, args: &[&str]) -> PtySession {
    start_with_banner(dir, args).0
}

/// Types `line` and Enter.
fn enter(repl: &mut PtySession, line: &str) {
    repl.send(line).unwrap();
    repl.send("\r").unwrap();
    repl.flush().unwrap();
}

/// Types `line` and Enter, then waits for each of `expected` in turn and the next prompt:
/// what is typed before the prompt is lost when the editor takes the terminal back.
fn run(repl: &mut PtySession, line: &str, expected: &[&str]) {
    enter(repl, line);
    for text in expected {
        if let Err(error) = repl.exp_string(text) {
            panic!("after `{line}`, expected `{text}`: {error}");
        }
    }
    repl.exp_string("sumoql> ").unwrap();
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
    let lines = detection_lines();
    let (last, first) = lines.split_last().unwrap();
    for line in first {
        enter(&mut repl, line);
    }
    let table = [
        "ConnectionCount",
        "winscp.exe",
        "13 rows",
        "records read in",
    ];
    run(&mut repl, last, &table);
    // An open bracket goes on to the next line too.
    enter(&mut repl, "* | where dest_port in (\"21\",");
    run(&mut repl, "\"990\") | count", &["_count", "1 row\r\n"]);
    // The same query twice is one history entry.
    run(&mut repl, "* | count", &["2100"]);
    run(&mut repl, "* | count", &["2100"]);
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
    run(
        &mut repl,
        " | sort by _count | limit 2",
        &["dest_port  _count", "2 rows"],
    );
    quit(repl);
}

#[test]
fn an_error_shows_its_caret_as_run_does() {
    let dir = scratch("error");
    let mut repl = start(&dir, &["examples/logs"]);
    let caret = [
        "error[",
        "<query>:1:14",
        "1 | * | where x =",
        "|              ^",
    ];
    run(&mut repl, "* | where x =", &caret);
    run(&mut repl, ":frmat csv", &["did you mean `:format`?"]);
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
    // A query that takes a while even in a fast build: a hash per record, a million groups.
    enter(
        &mut repl,
        "* | eval h = hash(n, \"sha256\") | count by h, k",
    );
    std::thread::sleep(Duration::from_millis(300));
    repl.send_control('c').unwrap();
    repl.exp_string("query cancelled").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    run(&mut repl, ":clear", &["no logs loaded"]);
    run(&mut repl, ":load examples/logs", &["2100 records"]);
    run(&mut repl, "* | count", &["2100", "1 row\r\n"]);
    quit(repl);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn save_writes_the_whole_last_result_in_the_chosen_format() {
    let dir = scratch("save");
    let out = dir.join("actions.csv");
    let mut repl = start(&dir, &["examples/logs"]);
    run(&mut repl, ":format csv", &["format: csv"]);
    run(&mut repl, ":limit 2", &["showing at most 2 rows"]);
    let query = "_sourceCategory=network/firewall | count by action | sort by action asc";
    run(&mut repl, query, &["more rows"]);
    run(&mut repl, &format!(":save {}", out.display()), &["saved"]);
    quit(repl);
    let saved = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = saved.lines().collect();
    assert_eq!(
        lines[..4],
        ["action,_count", "Allowed,1", "Permit,1", "allow,345"],
        "{saved}"
    );
}

#[test]
fn commands_show_fields_previews_plans_and_fall_back_to_files_over_the_budget() {
    let dir = scratch("commands");
    let (mut repl, banner) = start_with_banner(&dir, &["--memory-budget", "1K", "examples/logs"]);
    assert!(
        banner.contains("they will be read again for each query"),
        "{banner}"
    );
    assert!(
        banner.contains("2100 records from 7 inputs (read again per query)"),
        "{banner}"
    );
    enter(&mut repl, ":fields");
    repl.exp_regex(r"dest_port\s+1806\s+443, 53, 993").unwrap();
    repl.exp_string("sumoql> ").unwrap();
    let stages = [
        "where dest_port = \"21\": 41 rows",
        "count by src_ip: 4 rows",
        "1 more row",
    ];
    run(
        &mut repl,
        ":preview * | where dest_port = \"21\" | count by src_ip",
        &stages,
    );
    run(
        &mut repl,
        ":explain * | count",
        &["Aggregate count() as _count"],
    );
    run(&mut repl, ":time off", &["time: off"]);
    run(&mut repl, "* | count", &["2100", "1 row\r\n"]);
    quit(repl);
}

#[test]
fn stdin_is_not_a_log_source_for_the_repl() {
    let output = Command::new(env!("CARGO_BIN_EXE_sumoql"))
        .args(["repl", "-"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not -"), "{stderr}");
}
