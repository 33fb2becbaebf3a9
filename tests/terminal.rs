//! Terminal hygiene, through the real binary: relative times, a closed pipe, capped tables,
//! colour choices, completions and the manual page.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use support::{repo_root, sumoql, sumoql_with};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `count` JSON lines, each with its number in `n`.
fn numbered_lines(count: usize) -> String {
    (0..count).map(|n| format!("{{\"n\":{n}}}\n")).collect()
}

#[test]
fn relative_times_are_taken_as_the_help_shows_them() {
    for flags in [["--from", "-2h"], ["--to", "-1d"]] {
        let mut args = vec!["run", "-e", "* | count", "--format", "ndjson"];
        args.extend_from_slice(&flags);
        let out = sumoql(&args, "{\"timestamp\":\"2020-01-01T00:00:00Z\"}\n");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{flags:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sumoql"))
        .args(["run", "-e", "* | fields n", "--format", "ndjson", "-"])
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sumoql");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        // The binary may stop reading once its output is closed: a write error is expected.
        let _ = stdin.write_all(numbered_lines(200_000).as_bytes());
    });
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    stdout.read_line(&mut first).expect("a first row");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    let _ = writer.join();
    assert_eq!(first, "{\"n\":\"0\"}\n");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn tables_show_a_thousand_rows_and_count_the_rest() {
    let input = numbered_lines(1500);
    let out = sumoql(&["run", "-e", "* | fields n", "--format", "table"], &input);
    let shown = text(&out.stdout);
    assert!(
        shown.ends_with("… 500 more rows\n1500 rows\n"),
        "{}",
        &shown[shown.len() - 60..]
    );
    assert_eq!(shown.lines().count(), 2 + 1000 + 2);
    let all = sumoql(
        &[
            "run",
            "-e",
            "* | fields n",
            "--format",
            "table",
            "--max-rows",
            "0",
        ],
        &input,
    );
    assert!(text(&all.stdout).ends_with("1499\n1500 rows\n"));
}

#[test]
fn colour_follows_the_flag_and_the_environment() {
    let bad_query = ["run", "-e", "* | wher x", "-"];
    let coloured = |out: &std::process::Output| text(&out.stderr).contains("\x1b[");
    let always: Vec<&str> = ["--color", "always"].into_iter().chain(bad_query).collect();
    assert!(coloured(&sumoql_with(&always, b"", &[])));
    assert!(
        !coloured(&sumoql_with(&bad_query, b"", &[])),
        "a pipe is not a terminal"
    );
    assert!(coloured(&sumoql_with(
        &bad_query,
        b"",
        &[("CLICOLOR_FORCE", Some("1"))]
    )));
    let never: Vec<&str> = ["--color", "never"].into_iter().chain(bad_query).collect();
    assert!(!coloured(&sumoql_with(
        &never,
        b"",
        &[("CLICOLOR_FORCE", Some("1"))]
    )));
}

#[test]
fn completions_and_the_manual_page_cover_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let out = sumoql(&["completions", shell], "");
        assert_eq!(out.status.code(), Some(0));
        let script = text(&out.stdout);
        for word in ["detect", "source-category", "max-rows"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let man = sumoql(&["man"], "");
    let page = text(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH sumoql"),
        "{page}"
    );
    assert!(page.contains("detect"));
}
