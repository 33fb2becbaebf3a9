//! The command-line contract (DESIGN §3): flags, exit codes, inputs and formats, through the
//! real binary.

mod support;

use std::io::Write;

use support::{scratch, sumoql, text};

#[test]
fn help_teaches_with_examples_and_version_prints() {
    let help = sumoql(&["--help"], "");
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("Examples:"));
    let run_help = sumoql(&["run", "--help"], "");
    for flag in [
        "--format",
        "--from",
        "--to",
        "--last",
        "--tz",
        "--source-category",
        "--null-groups",
        "--strict",
    ] {
        assert!(
            text(&run_help.stdout).contains(flag),
            "run --help lacks {flag}"
        );
    }
    let version = sumoql(&["--version"], "");
    assert!(text(&version.stdout).starts_with("sumoql "));
}

#[test]
fn query_errors_exit_2_with_line_column_and_caret() {
    let out = sumoql(&["run", "-e", "*\n| where dest_port in (\"21\"", "-"], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("<query>:2:"), "{stderr}");
    assert!(stderr.contains('^'), "{stderr}");
    let check = sumoql(
        &["check", "queries/t1071_002_file_transfer_protocols.sumo"],
        "",
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
}

#[test]
fn missing_input_is_an_error_exit_2() {
    let out = sumoql(&["run", "-e", "*", "no/such/file.json"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no/such/file.json"));
}

#[test]
fn malformed_lines_warn_with_file_and_line_and_strict_makes_them_fatal() {
    let input = "{\"a\":1}\n{\"a\":\n\n{\"a\":2}\nplain text is a record\n";
    let out = sumoql(&["run", "-e", "* | count", "--format", "ndjson"], input);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "{\"_count\":3}\n");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("1 malformed line(s) skipped"), "{stderr}");
    assert!(stderr.contains("-:2:"), "{stderr}");
    let strict = sumoql(&["run", "-e", "* | count", "--strict"], input);
    assert_eq!(strict.status.code(), Some(1));
    assert!(text(&strict.stderr).contains("-:2:"));
}

#[test]
fn folders_and_gzip_are_read_recursively() {
    let dir = scratch("folders");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.ndjson"), "{\"k\":\"a\"}\n").unwrap();
    std::fs::write(dir.join("notes.md"), "{\"k\":\"ignored\"}\n").unwrap();
    let gz = flate2_free_gzip(b"{\"k\":\"b\"}\n{\"k\":\"b\"}\n");
    std::fs::File::create(dir.join("sub/b.json.gz"))
        .unwrap()
        .write_all(&gz)
        .unwrap();
    let out = sumoql(
        &[
            "run",
            "-e",
            "* | count by k",
            "--format",
            "csv",
            dir.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(
        text(&out.stdout),
        "k,_count\na,1\nb,2\n",
        "{}",
        text(&out.stderr)
    );
}

/// A gzip member holding `data` in stored (uncompressed) deflate blocks, so the test needs no
/// compression library.
fn flate2_free_gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.push(1);
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(&(!(data.len() as u16)).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn formats_write_the_same_rows() {
    let input = "{\"u\":\"a,b\",\"n\":\"1\"}\n";
    let query = "* | values(u) as us, count by n";
    let ndjson = sumoql(&["run", "-e", query, "--format", "ndjson"], input);
    assert_eq!(
        text(&ndjson.stdout),
        "{\"n\":\"1\",\"us\":[\"a,b\"],\"_count\":1}\n"
    );
    let json = sumoql(&["run", "-e", query, "--format", "json"], input);
    assert_eq!(
        text(&json.stdout),
        "[\n{\"n\":\"1\",\"us\":[\"a,b\"],\"_count\":1}\n]\n"
    );
    let csv = sumoql(&["run", "-e", query, "--format", "csv"], input);
    assert_eq!(text(&csv.stdout), "n,us,_count\n1,\"a,b\",1\n");
    let table = sumoql(&["run", "-e", query, "--format", "table"], input);
    assert!(text(&table.stdout).ends_with("1 row\n"));
}

#[test]
fn time_window_and_source_category_flags() {
    let input = "{\"timestamp\":\"2024-03-04T10:00:00Z\",\"n\":\"early\"}\n{\"timestamp\":\"2024-03-05T10:00:00Z\",\"n\":\"late\"}\n";
    let out = sumoql(
        &[
            "run",
            "-e",
            "_sourceCategory=fw | fields n",
            "--from",
            "2024-03-05T00:00:00Z",
            "--source-category",
            "fw",
        ],
        input,
    );
    assert_eq!(
        text(&out.stdout),
        "{\"n\":\"late\"}\n",
        "{}",
        text(&out.stderr)
    );
    let bad = sumoql(&["run", "-e", "*", "--last", "soon"], "");
    assert_eq!(bad.status.code(), Some(2));
}

/// A record without a time has the receipt time, which is the run's now: the clock, unless
/// `--now` pins it, and then every run (on any number of threads) gives the same rows.
#[test]
fn now_pins_the_receipt_time_of_records_without_one() {
    let input = "{\"k\":\"a\"}\nplain text\n{\"timestamp\":\"2024-03-05T10:00:00Z\",\"k\":\"a\"}\n";
    let query = "* | stats first(_messageTime) as newest, last(_messageTime) as oldest by k";
    for threads in ["1", "3"] {
        let args = [
            "run",
            "-e",
            query,
            "--now",
            "2026-01-01T00:00:00Z",
            "--threads",
            threads,
        ];
        let out = sumoql(&args, input);
        assert_eq!(
            text(&out.stdout),
            "{\"k\":null,\"newest\":1767225600000,\"oldest\":1767225600000}\n\
             {\"k\":\"a\",\"newest\":1767225600000,\"oldest\":1709632800000}\n",
            "{}",
            text(&out.stderr)
        );
    }
    let out = sumoql(
        &["run", "-e", "* | now() as t | fields t", "--now", "-1h"],
        "{}\n",
    );
    let pinned: i64 = text(&out.stdout)
        .trim()
        .trim_start_matches("{\"t\":")
        .trim_end_matches('}')
        .parse()
        .expect("a number");
    let clock = chrono::Utc::now().timestamp_millis();
    assert!(
        (clock - 3_600_000 - pinned).abs() < 60_000,
        "{pinned} vs {clock}"
    );
    let bad = sumoql(&["run", "-e", "*", "--now", "soon"], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--now"), "{}", text(&bad.stderr));
}

#[test]
fn explain_prints_the_plan() {
    let out = sumoql(
        &["explain", "queries/t1071_002_file_transfer_protocols.sumo"],
        "",
    );
    let plan = text(&out.stdout);
    assert!(plan.starts_with("Scope: "));
    assert!(plan.contains("Aggregate count() as ConnectionCount"));
    assert!(plan.contains("14. Sort ConnectionCount desc"));
}

#[test]
fn help_lists_everything_and_explains_one_entry() {
    let overview = text(&sumoql(&["help"], "").stdout);
    for name in [
        "where",
        "timeslice",
        "lookup",
        "isPrivateIP",
        "count_distinct",
    ] {
        assert!(overview.contains(name), "`sumoql help` lacks {name}");
    }
    let entry = sumoql(&["help", "ORDER"], "");
    assert!(entry.status.success());
    assert!(text(&entry.stdout).starts_with("sort  (operator)"));
    let function = text(&sumoql(&["help", "formatdate"], "").stdout);
    assert!(function.contains("Examples:"), "{function}");
    let unknown = sumoql(&["help", "timeslcie"], "");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("did you mean `timeslice`?"));
    let refused = sumoql(&["help", "logcompare"], "");
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("sumoql does not run: its `_anomalyScore`"));
}

/// `sumoql help limits` prints every limit with its value, and the README's Limits table
/// names each one with the same value.
#[test]
fn limits_are_named_in_the_help_and_the_readme() {
    let help = text(&sumoql(&["help", "limits"], "").stdout);
    let readme = std::fs::read_to_string(support::repo_root().join("README.md")).unwrap();
    let rows: Vec<(&str, &str)> = help
        .lines()
        .skip(1)
        .filter_map(|line| {
            let (name, rest) = line.trim().split_once("  ")?;
            Some((name.trim(), rest.split_whitespace().next()?))
        })
        .collect();
    assert!(rows.len() >= 3, "{help}");
    for (name, value) in rows {
        let row = format!("| {name} | {value} |");
        assert!(readme.contains(&row), "the README has no row `{row}`");
    }
}

/// `docs/dialect.md` is generated; regenerate it with
/// `cargo run -p sumoql-cli -- help --markdown > docs/dialect.md`.
#[test]
fn dialect_reference_matches_the_binary() {
    let generated = text(&sumoql(&["help", "--markdown"], "").stdout);
    let committed =
        std::fs::read_to_string(support::repo_root().join("docs/dialect.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/dialect.md is stale: cargo run -p sumoql-cli -- help --markdown > docs/dialect.md"
    );
}

#[test]
fn every_operator_example_runs_on_the_sample_logs() {
    // The sample logs' week is the time range, a scratch table folder holds the tables the
    // `lookup` and `lookupContains` examples read and takes what the `save` examples write, and
    // the threat examples read the golden cases' indicator file.
    let tables = scratch("example-tables");
    let users = tables.join("Library/Users/me");
    std::fs::create_dir_all(&users).unwrap();
    std::fs::write(
        users.join("Suspicious Users.csv"),
        "email,cell\nx@example.com,1\n",
    )
    .unwrap();
    std::fs::write(
        users.join("suspicious-users.csv"),
        "user,sourceIP\nalice,10.0.0.1\n",
    )
    .unwrap();
    let folder = tables.display().to_string();
    for doc in sumoql::OPERATOR_DOCS {
        // The examples that read a MaxMind database run in tests/enrichment.rs, on databases
        // that test writes.
        let needs_database = |example: &str| {
            ["geoip", "geo://", "asn://"]
                .iter()
                .any(|word| example.contains(word))
        };
        for example in doc.examples.iter().filter(|e| !needs_database(e)) {
            let args = [
                "run",
                "-e",
                example,
                "examples/logs",
                "--from",
                "2024-03-04T00:00:00Z",
                "--to",
                "2024-03-11T00:00:00Z",
                "--tables",
                &folder,
                "--threat-intel",
                "tests/cases/threat/indicators.csv",
            ];
            let out = sumoql(&args, "");
            assert_eq!(
                out.status.code(),
                Some(0),
                "`{example}` ({}) failed:\n{}",
                doc.name,
                text(&out.stderr)
            );
        }
    }
}

/// The rows, their order and the warnings are the same whatever the number of threads: the
/// input spans several read chunks, holds malformed lines, and the queries cover streaming,
/// aggregating, order-dependent and sorting stages.
#[test]
fn thread_count_never_changes_the_output() {
    let dir = scratch("threads");
    let mut sample = String::new();
    for entry in std::fs::read_dir(support::repo_root().join("examples/logs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ndjson") {
            sample.push_str(&std::fs::read_to_string(path).unwrap());
        }
    }
    let mut input = String::new();
    for round in 0..6 {
        for (i, line) in sample.lines().enumerate() {
            if i % 997 == 0 {
                input.push_str("{\"truncated\": \n");
            }
            input.push_str(&line.replace("\"10.20.", &format!("\"10.2{round}.")));
            input.push('\n');
        }
    }
    assert!(input.len() > 3 << 20, "the input must span several chunks");
    let path = dir.join("logs.ndjson");
    std::fs::write(&path, &input).unwrap();
    let path = path.to_string_lossy().into_owned();
    let queries = [
        "queries/t1071_002_file_transfer_protocols.sumo",
        "-e=_sourceCategory=network/* | where dest_port = \"443\" | fields src_ip, dest_ip, bytes_out",
        "-e=* | count by src_ip, dest_port | sort by _count, src_ip asc | limit 50",
        "-e=* | first(dest_ip), last(dest_ip), most_recent(user), least_recent(user), count by _sourceCategory",
        "-e=* | dedup 2 by src_ip | fields src_ip, dest_ip",
        "-e=* | parse regex field=dest_ip \"^(?<first_octet>\\d+)\\.\" | count by first_octet",
        "-e=* | timeslice 1h | count by _timeslice | accum _count as running",
    ];
    for query in queries {
        let mut outputs = Vec::new();
        for threads in ["1", "2", "3", "8"] {
            let mut args = vec!["run"];
            match query.strip_prefix("-e=") {
                Some(text) => args.extend(["-e", text]),
                None => args.push(query),
            }
            args.extend([path.as_str(), "--format", "ndjson", "--threads", threads]);
            let out = sumoql(&args, "");
            assert_eq!(out.status.code(), Some(0), "{query}: {}", text(&out.stderr));
            outputs.push((threads, text(&out.stdout), text(&out.stderr)));
        }
        let (_, rows, warnings) = &outputs[0];
        assert!(!rows.is_empty(), "{query} gave no rows");
        assert!(warnings.contains("malformed line"), "{warnings}");
        for (threads, other_rows, other_warnings) in &outputs[1..] {
            assert!(
                rows == other_rows,
                "{query}: rows differ with {threads} threads"
            );
            assert_eq!(
                warnings, other_warnings,
                "{query}: warnings differ with {threads} threads"
            );
        }
    }
    let strict: Vec<String> = ["1", "2"]
        .iter()
        .map(|threads| {
            let args = [
                "run",
                "-e",
                "* | count",
                &path,
                "--strict",
                "--threads",
                threads,
            ];
            text(&sumoql(&args, "").stderr)
        })
        .collect();
    assert!(strict[0].contains(":1: not a JSON object"), "{}", strict[0]);
    assert_eq!(strict[0], strict[1]);
}

/// Every line is read to its end, so a malformed tail on a line the first filters would
/// refuse is still counted (and, with `--strict`, stops the run).
#[test]
fn malformed_lines_are_found_even_where_the_filters_refuse_them() {
    let input = "{\"dest_port\":\"21\"}\n{\"dest_port\":\"22\",\"x\":[1,}\n";
    let query = "* | where dest_port = \"21\" | count";
    let lenient = sumoql(&["run", "-e", query, "-"], input);
    assert_eq!(lenient.status.code(), Some(0), "{}", text(&lenient.stderr));
    assert_eq!(text(&lenient.stdout), "{\"_count\":1}\n");
    assert!(
        text(&lenient.stderr).contains("-:2: not a JSON object"),
        "{}",
        text(&lenient.stderr)
    );
    let strict = sumoql(&["run", "-e", query, "--strict", "-"], input);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        text(&strict.stderr).contains("-:2: not a JSON object"),
        "{}",
        text(&strict.stderr)
    );
}

/// Line numbers in warnings and errors count from the start of each input, however the input
/// is cut into chunks: a plain file read in spans by the workers, or standard input read as
/// a stream.
#[test]
fn line_numbers_count_across_chunks_and_restart_with_each_input() {
    let dir = scratch("line-numbers");
    let malformed_at = [40_000, 40_001, 41_234, 77_777, 90_001, 99_999];
    let mut input = String::new();
    for number in 1..=100_000 {
        match number {
            _ if malformed_at.contains(&number) => input.push_str("{\"n\": \n"),
            _ if number % 1_000 == 0 => input.push_str("  \r\n"),
            _ if number % 7 == 0 => {
                input.push_str(&format!("{{\"n\":{number},\"pad\":\"{:>80}\"}}\r\n", ""))
            }
            _ => input.push_str(&format!("{{\"n\":{number},\"pad\":\"{:>80}\"}}\n", "")),
        }
    }
    assert!(input.len() > 8 << 20, "the input must span several chunks");
    let path = dir.join("numbered.ndjson");
    std::fs::write(&path, &input).unwrap();
    let path = path.to_string_lossy().into_owned();
    let samples = |name: &str| -> Vec<String> {
        malformed_at[..5]
            .iter()
            .map(|number| format!("  {name}:{number}: not a JSON object"))
            .collect()
    };
    for (file, threads, stdin) in [
        (path.as_str(), "1", ""),
        (&path, "3", ""),
        ("-", "2", &input),
    ] {
        let args = ["run", "-e", "* | count", file, "--threads", threads];
        let out = sumoql(&args, stdin);
        let stderr = text(&out.stderr);
        assert_eq!(
            text(&out.stdout),
            "{\"_count\":99895}\n",
            "{file}, {threads}: {stderr}"
        );
        assert!(stderr.contains("6 malformed line(s) skipped"), "{stderr}");
        for sample in samples(file) {
            assert!(
                stderr.contains(&sample),
                "{file}, {threads}: {sample} in {stderr}"
            );
        }
    }
    let second = dir.join("second.ndjson");
    std::fs::write(&second, "{\"n\":1}\n\n{\"n\": \n").unwrap();
    let second = second.to_string_lossy().into_owned();
    let args = ["run", "-e", "* | count", &second, &path, "--threads", "2"];
    let stderr = text(&sumoql(&args, "").stderr);
    assert!(
        stderr.contains(&format!("  {second}:3: not a JSON object")),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("  {path}:40000: not")), "{stderr}");
    let strict = [
        "run",
        "-e",
        "* | count",
        &path,
        &second,
        "--strict",
        "--threads",
        "3",
    ];
    let stderr = text(&sumoql(&strict, "").stderr);
    assert!(
        stderr.contains(&format!("{path}:40000: not a JSON object")),
        "{stderr}"
    );
}

/// `save` and `save append` keep a table in the `--tables` folder between runs, and `lookup ...
/// from path://` and `cat path://` read it back. The queries and rows are the examples of
/// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/save/
/// ("Using save without append": the table holds John, Bill and Bob; "with append": rows whose
/// primary key, here the first column, matches are updated, others added).
#[test]
fn save_keeps_a_table_between_runs_and_append_merges_by_the_first_column() {
    let tables = scratch("tables");
    let folder = tables.display().to_string();
    let run = |query: &str, input: &str| {
        let output = sumoql(
            &[
                "run", "--tables", &folder, "-e", query, "--format", "ndjson", "-",
            ],
            input,
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    let signups = "\
{\"msg\":\"name=John, action=sign-up, date=2012-08-20,\"}
{\"msg\":\"name=Bill, action=sign-up, date=2012-08-21,\"}
{\"msg\":\"name=Bob, action=sign-up, date=2012-08-21,\"}
{\"msg\":\"name=Eve, action=login, date=2012-08-22,\"}
";
    let save = "* | parse field=msg \"name=*,\" as name | parse field=msg \"action=*,\" as action \
                | parse field=msg \"date=*,\" as date | where action=\"sign-up\" \
                | first(date) as date, first(action) as action by name \
                | save path://\"/Library/Users/myusername@sumologic.com/Users\"";
    let shown = run(save, signups);
    assert_eq!(shown.lines().count(), 3, "the rows pass on: {shown}");
    let file = tables.join("Library/Users/myusername@sumologic.com/Users.csv");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "name,date,action\nBill,2012-08-21,sign-up\nBob,2012-08-21,sign-up\nJohn,2012-08-20,sign-up\n"
    );
    let next_day = "\
{\"msg\":\"name=Bob, action=sign-up, date=2012-08-23,\"}
{\"msg\":\"name=Carol, action=sign-up, date=2012-08-23,\"}
";
    run(&save.replace("| save path", "| save append path"), next_day);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "name,date,action\nBill,2012-08-21,sign-up\nBob,2012-08-23,sign-up\nJohn,2012-08-20,sign-up\nCarol,2012-08-23,sign-up\n"
    );
    run(save, next_day);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "name,date,action\nBob,2012-08-23,sign-up\nCarol,2012-08-23,sign-up\n",
        "save without append replaces the table"
    );
    let looked_up = run(
        "* | lookup date from path://\"/Library/Users/myusername@sumologic.com/Users\" on user=name \
         | fields user, date",
        "{\"user\":\"carol\"}\n",
    );
    assert_eq!(looked_up, "{\"user\":\"carol\",\"date\":\"2012-08-23\"}\n");
    let listed = run(
        "cat path://\"/Library/Users/myusername@sumologic.com/Users\"",
        "",
    );
    assert_eq!(
        listed,
        "{\"name\":\"Bob\",\"date\":\"2012-08-23\",\"action\":\"sign-up\"}\n\
         {\"name\":\"Carol\",\"date\":\"2012-08-23\",\"action\":\"sign-up\"}\n"
    );
    let _ = std::fs::remove_dir_all(&tables);
}

/// A `save append` whose columns differ from the table's does not touch it and says so.
#[test]
fn save_append_with_other_columns_warns_and_keeps_the_table() {
    let tables = scratch("tables-mismatch");
    let file = tables.join("t.csv");
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    let output = sumoql(
        &[
            "run",
            "--tables",
            &tables.display().to_string(),
            "-e",
            "* | fields a | save append path://\"t\"",
            "--format",
            "ndjson",
            "-",
        ],
        "{\"a\":\"3\"}\n",
    );
    assert!(output.status.success());
    assert_eq!(
        text(&output.stderr),
        format!(
            "warning: 1 table(s) could not be saved\n  t ({}): the table's columns are a, b, but the rows have a\n",
            file.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "a,b\n1,2\n");
    let _ = std::fs::remove_dir_all(&tables);
}

/// `$SUMOQL_THREAT_INTEL` names the indicator file when `--threat-intel` does not, and the
/// option wins over it.
#[test]
fn the_indicator_file_comes_from_the_option_else_the_environment() {
    let query = "* | threatip ip | fields ip, malicious_confidence";
    let input = b"{\"ip\":\"192.0.2.10\"}\n";
    let from_env = support::sumoql_with(
        &["run", "-e", query, "--format", "ndjson", "-"],
        input,
        &[
            ("NO_COLOR", Some("1")),
            (
                "SUMOQL_THREAT_INTEL",
                Some("tests/cases/threat/indicators.csv"),
            ),
        ],
    );
    assert_eq!(
        text(&from_env.stdout),
        "{\"ip\":\"192.0.2.10\",\"malicious_confidence\":\"high\"}\n",
        "{}",
        text(&from_env.stderr)
    );
    let option_wins = support::sumoql_with(
        &[
            "run",
            "-e",
            query,
            "--format",
            "ndjson",
            "--threat-intel",
            "tests/cases/threat/normalized.json",
            "-",
        ],
        input,
        &[
            ("NO_COLOR", Some("1")),
            (
                "SUMOQL_THREAT_INTEL",
                Some("tests/cases/threat/indicators.csv"),
            ),
        ],
    );
    assert_eq!(
        text(&option_wins.stdout),
        "{\"ip\":\"192.0.2.10\",\"malicious_confidence\":null}\n"
    );
}

#[test]
fn sql_warns_of_line_options_that_a_table_ignores() {
    let query = "* | count by dest_port";
    let table = sumoql(
        &[
            "sql",
            "--dialect",
            "duckdb",
            "--table",
            "logs",
            "--parser",
            "fortinet",
            "-e",
            query,
        ],
        "",
    );
    assert_eq!(table.status.code(), Some(0), "{}", text(&table.stderr));
    let stderr = text(&table.stderr);
    assert!(
        stderr.contains("with --table, --parser change nothing"),
        "{stderr}"
    );
    let plain = sumoql(
        &["sql", "--dialect", "duckdb", "--table", "logs", "-e", query],
        "",
    );
    assert!(!text(&plain.stderr).contains("change nothing"));
}
