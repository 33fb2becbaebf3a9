//! Files as they are on disk, through the real binary: rotated, compressed and upper-case log
//! files in folders, compression told by content on stdin too, plain text as records, and
//! every empty selection an error (exit 2) that says what was skipped and why.

mod support;

use std::fs;
use std::io::Write;

use support::{scratch, sumoql, sumoql_with, text};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 1).expect("compress")
}

fn count_by_file(dir: &str) -> String {
    let out = sumoql(
        &[
            "run",
            "-e",
            "* | count by k | sort by k asc",
            "--format",
            "csv",
            dir,
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn folders_read_rotated_compressed_and_upper_case_logs() {
    let dir = scratch("rotated");
    let line = |k: &str| format!("{{\"k\":\"{k}\"}}\n");
    fs::write(dir.join("app.log"), line("log")).unwrap();
    fs::write(dir.join("app.log.1"), line("log.1")).unwrap();
    fs::write(dir.join("app.log.2.gz"), gzip(line("log.2.gz").as_bytes())).unwrap();
    fs::write(
        dir.join("app.log-20240301.zst"),
        zstd(line("dated.zst").as_bytes()),
    )
    .unwrap();
    fs::write(dir.join("EXPORT.JSON"), line("upper")).unwrap();
    fs::write(dir.join("notes.txt"), line("txt")).unwrap();
    fs::write(dir.join("edge.syslog"), line("syslog")).unwrap();
    fs::write(dir.join("messages"), line("messages")).unwrap();
    // A gzip file whose name says nothing of it, and files that are not logs.
    fs::write(
        dir.join("data.json"),
        gzip(line("gzip by content").as_bytes()),
    )
    .unwrap();
    fs::write(dir.join("table.csv"), line("csv")).unwrap();
    fs::write(dir.join(".hidden.log"), line("hidden")).unwrap();
    assert_eq!(
        count_by_file(dir.to_str().unwrap()),
        "k,_count\ndated.zst,1\ngzip by content,1\nlog,1\nlog.1,1\nlog.2.gz,1\nmessages,1\nsyslog,1\ntxt,1\nupper,1\n"
    );
}

#[test]
fn stdin_is_decompressed_by_content() {
    let lines = b"{\"k\":\"a\"}\n{\"k\":\"a\"}\nplain text line\n";
    for (name, input) in [
        ("plain", lines.to_vec()),
        ("gzip", gzip(lines)),
        ("zstd", zstd(lines)),
    ] {
        let out = sumoql_with(
            &["run", "-e", "* | count", "--format", "ndjson"],
            &input,
            &[],
        );
        assert_eq!(
            text(&out.stdout),
            "{\"_count\":3}\n",
            "{name}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn plain_text_is_searched_and_parsed_without_flags() {
    let access = "203.0.113.9 - - [02/Mar/2026:09:00:00 +0000] \"GET /admin HTTP/1.1\" 403 199\n\
                  203.0.113.9 - - [02/Mar/2026:09:00:01 +0000] \"GET /login HTTP/1.1\" 200 512\n\
                  {\"broken\": \n";
    let out = sumoql(
        &[
            "run",
            "-e",
            "\"GET\" | parse \"\\\"* * HTTP\" as method, path | fields method, path, _raw",
            "--format",
            "ndjson",
        ],
        access,
    );
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stdout.contains("\"path\":\"/admin\""), "{stdout}");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("1 malformed line(s)"), "{stderr}");
    assert!(stderr.contains("-:3:"), "{stderr}");
}

#[test]
fn empty_selections_are_errors_that_say_why() {
    let empty = scratch("empty");
    let out = sumoql(&["run", "-e", "*", empty.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is empty"),
        "{}",
        text(&out.stderr)
    );

    let skipped = scratch("skipped");
    fs::write(skipped.join("report.csv"), "a,b\n").unwrap();
    fs::write(skipped.join("fw.log.bak"), "x\n").unwrap();
    let out = sumoql(
        &["detect", "--rules", "queries", skipped.to_str().unwrap()],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("2 file(s) skipped"), "{stderr}");
    assert!(stderr.contains("report.csv"), "{stderr}");

    let out = sumoql(
        &[
            "run",
            "-e",
            "*",
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-01",
            "-",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not before --to"));

    let config = scratch("config");
    fs::write(
        config.join("sumoql.toml"),
        "[[source]]\npath = \"*.log\"\ncategroy = \"network/x\"\n",
    )
    .unwrap();
    let config_file = config.join("sumoql.toml");
    let out = sumoql(
        &[
            "run",
            "-e",
            "*",
            "--config",
            config_file.to_str().unwrap(),
            "-",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown key `categroy`"));

    let no_rules = scratch("no-rules");
    let out = sumoql(&["test", no_rules.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no rule files in"));
}

#[test]
fn an_empty_answer_for_want_of_input_says_so() {
    let out = sumoql(&["run", "-e", "* | fields a", "--format", "ndjson"], "");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("no rows: the inputs held no log lines"),
        "{}",
        text(&out.stderr)
    );
    let out = sumoql(
        &[
            "run",
            "-e",
            "* | fields a",
            "--from",
            "-2h",
            "--format",
            "ndjson",
        ],
        "{\"a\":1,\"timestamp\":\"2020-01-01T00:00:00Z\"}\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("1 of the 1 line(s) read were outside the time window"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn detect_reads_raw_firewall_syslog_as_run_does() {
    let out = sumoql(
        &[
            "detect",
            "--rules",
            "queries",
            "tests/data/firewall",
            "--format",
            "csv",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("rule_id,rule_severity,LastSeen,"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(
        !text(&out.stderr).contains("malformed"),
        "{}",
        text(&out.stderr)
    );
}
