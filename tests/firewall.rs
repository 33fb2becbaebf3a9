//! Raw firewall syslog through the real binary: the vendor corpus parses to the peer's values
//! (or is reported), its connection lines get the peer's addresses and ports ([`coverage`]),
//! the reference detection runs verbatim on a folder of raw logs, and source mapping by
//! `sumoql.toml` and flags works, with a clear warning for a mis-mapped file.
//!
//! `SUMOQL_BLESS=1 cargo test --test firewall` rewrites the stored parses in
//! `tests/corpus/parsed/` and the detection's rows; a person reviews them before committing.

#[path = "firewall/coverage.rs"]
mod coverage;
mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value as Json;
use support::{repo_root, scratch, sumoql, text};

/// The normalised fields (and the time, unless it is only the receipt time) of every record.
const NORMALISED: &str = "* | if(_messageTime = _receiptTime, null, \
     formatDate(_messageTime, \"yyyy-MM-dd'T'HH:mm:ss.SSSZ\", \"UTC\")) as time \
     | fields _sourceCategory, time, _sourceHost, src_ip, src_port, dest_ip, dest_port, \
     protocol, action, action_class, bytes_out, bytes_in, bytes, user, app, rule";

/// Every corpus file, with how many of its lines are reported rather than parsed: raw lines
/// no rule parses (unsupported message IDs, malformed vendor lines), and lines that are not
/// log lines at all (malformed).
const CORPUS: [(&str, u64, u64); 21] = [
    ("panw/test-panw-panos-traffic-sample.head10.log", 0, 0),
    ("panw/test-panw-panos-traffic-sample.lines11-34.log", 0, 0),
    ("panw/test-panw-panos-threat-url-no-xff-sample.log", 0, 0),
    ("panw/test-panw-panos-decryption-sample.log", 0, 0),
    ("panw/test-panw-panos-system-sample.log", 0, 0),
    ("panw/test-panw-panos-config-sample.log", 0, 0),
    ("panw/test-panw-panos-globalprotect-sample.log", 0, 0),
    ("panw/test-panw-panos-hipmatch-sample.log", 0, 0),
    ("panw/test-panw-panos-userid-sample.log", 0, 0),
    ("panw/test-panw-panos-authentication-sample.log", 0, 0),
    ("cisco_asa/test-sample.log", 0, 0),
    ("cisco_asa/test-302020-direction.log", 0, 0),
    ("cisco_asa/test-106023-iface-with-prefix.log", 0, 0),
    ("cisco_asa/test-asa-fix.log", 0, 0),
    // Lines 20 and 21 are AAA messages without a `%ASA-` tag: no vendor's, kept as text.
    ("cisco_asa/test-non-canonical.log", 0, 0),
    ("cisco_asa/test-hostnames.log", 0, 0),
    // Device management, VPN negotiation and rate-limit messages that name no connection:
    // 609001/609002 ×4, 111004, 111009 ×2, 111010, 502103, 713049 ×2, 713120, 713202,
    // 713901-713905 ×5, 113019, 733100 ×5 and 750002/750003 ×8.
    ("cisco_asa/test-additional-messages.head.log", 32, 0),
    // Lines 73-75 are tagged `%FDT-`, not `%FTD-`: kept as text records.
    ("cisco_ftd/test-sample.log", 0, 0),
    // Lines 47 and 48 are `date= desc=…` without a device: no vendor's, they are kept as
    // text records.
    ("fortinet/test-fortinet.log", 0, 0),
    ("fortinet/test-fortinet-7-4.head5.log", 0, 0),
    ("fortinet/test-fortinet-fix.log", 0, 0),
];

fn bless() -> bool {
    std::env::var_os("SUMOQL_BLESS").is_some()
}

/// Compares `actual` with the stored file, or rewrites it when blessing.
fn check_stored(path: &Path, actual: &str) {
    if bless() {
        fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folder");
        fs::write(path, actual).expect("write the blessed file");
        return;
    }
    let expected = fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with SUMOQL_BLESS=1)", path.display()));
    assert!(
        expected == actual,
        "{} differs:\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// The count a `warning: N …` line of stderr gives for a warning containing `what`.
fn warning_count(stderr: &str, what: &str) -> u64 {
    stderr
        .lines()
        .filter(|line| line.starts_with("warning: ") && line.contains(what))
        .filter_map(|line| {
            line["warning: ".len()..]
                .split(' ')
                .next()?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

#[test]
fn every_corpus_line_parses_or_is_reported() {
    let corpus = repo_root().join("tests/corpus");
    for (file, unparsed, malformed) in CORPUS {
        let path = corpus.join(file);
        let arg = format!("tests/corpus/{file}");
        let out = sumoql(&["run", "-e", NORMALISED, "--format", "ndjson", &arg], "");
        assert_eq!(out.status.code(), Some(0), "{file}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let stderr = text(&out.stderr);
        let lines = fs::read_to_string(&path)
            .expect("read the corpus file")
            .lines()
            .filter(|line| !line.trim().is_empty())
            .count() as u64;
        let rows = stdout.lines().count() as u64;
        assert_eq!(rows + malformed, lines, "{file}: {stderr}");
        assert_eq!(
            warning_count(&stderr, "malformed"),
            malformed,
            "{file}: {stderr}"
        );
        assert_eq!(
            warning_count(&stderr, "no extraction rule"),
            unparsed,
            "{file}: {stderr}"
        );
        if unparsed > 0 {
            assert!(stderr.contains(&format!("{arg}: ")), "{file}: {stderr}");
        }
        let stored = corpus
            .join("parsed")
            .join(file.replace('/', "__") + ".ndjson");
        check_stored(&stored, &stdout);
    }
}

/// A JSON value at a dotted path, as text (numbers as written).
fn at(object: &Json, path: &str) -> Option<String> {
    let mut value = object;
    for key in path.split('.') {
        value = value.get(key)?;
    }
    match value {
        Json::String(text) => Some(text.clone()),
        Json::Null => None,
        other => Some(other.to_string()),
    }
}

/// The fields compared with the peer's.
const PEER_QUERY: &str = "* | fields src_ip, src_port, dest_ip, dest_port, user, bytes_out, \
     bytes_in, action, _messageTime";

/// Our field and the peer's ECS path holding the same value.
const PEER_FIELDS: [(&str, &str); 9] = [
    ("src_ip", "source.ip"),
    ("src_port", "source.port"),
    ("dest_ip", "destination.ip"),
    ("dest_port", "destination.port"),
    ("user", "source.user.name"),
    ("bytes_out", "panw.panos.bytes_sent"),
    ("bytes_in", "panw.panos.bytes_received"),
    ("action", "panw.panos.action"),
    ("action", "fortinet.firewall.action"),
];

#[test]
fn parses_match_the_peer_expected_values() {
    let corpus = repo_root().join("tests/corpus");
    // The peer read zone-less times in the zone of its test configuration.
    let files = [
        (
            "panw/test-panw-panos-inc-traffic.json-expected.json",
            "-05:00",
        ),
        ("cisco_asa/test-302020-direction.log-expected.json", "UTC"),
        ("fortinet/test-fortinet-fix.log-expected.json", "UTC"),
    ];
    let mut compared = 0;
    for (file, zone) in files {
        let peer: Json =
            serde_json::from_str(&fs::read_to_string(corpus.join(file)).expect("read expected"))
                .expect("expected files are JSON");
        let events = peer["expected"].as_array().expect("an `expected` array");
        for event in events {
            let line = at(event, "event.original").expect("every event keeps its raw line");
            let out = sumoql(
                &[
                    "run",
                    "-e",
                    PEER_QUERY,
                    "--format",
                    "ndjson",
                    &format!("--tz={zone}"),
                ],
                &line,
            );
            let ours: Json = serde_json::from_str(text(&out.stdout).trim())
                .unwrap_or_else(|e| panic!("{file}: {e}: {}", text(&out.stderr)));
            for (field, path) in PEER_FIELDS {
                if let Some(expected) = at(event, path) {
                    assert_eq!(
                        at(&ours, field).as_deref(),
                        Some(expected.as_str()),
                        "{file}: {field} vs {path} in {line}"
                    );
                    compared += 1;
                }
            }
            let time = at(event, "@timestamp").expect("a time");
            let expected_ms = chrono::DateTime::parse_from_rfc3339(&time)
                .expect("an RFC 3339 time")
                .timestamp_millis();
            assert_eq!(
                ours["_messageTime"].as_i64(),
                Some(expected_ms),
                "{file}: time of {line}"
            );
        }
    }
    assert!(compared >= 15, "only {compared} values compared");
}

#[test]
fn the_reference_detection_runs_verbatim_on_a_raw_firewall_folder() {
    let out = sumoql(
        &[
            "run",
            "queries/t1071_002_file_transfer_protocols.sumo",
            "tests/data/firewall",
            "--format",
            "ndjson",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let rows: Vec<Json> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("NDJSON rows"))
        .collect();
    let summary: Vec<(String, String, String, String, i64, i64, String)> = rows
        .iter()
        .map(|row| {
            (
                at(row, "src_ip").unwrap_or_default(),
                at(row, "dest_ip").unwrap_or_default(),
                at(row, "dest_port").unwrap_or_default(),
                at(row, "Protocol").unwrap_or_default(),
                row["ConnectionCount"].as_i64().unwrap_or(-1),
                row["TotalBytesSent"].as_i64().unwrap_or(-1),
                at(row, "ExfilRisk").unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        (
            "10.1.1.5",
            "198.51.100.20",
            "21",
            "FTP/FTPS",
            5,
            15_000_000,
            "HIGH",
        ),
        ("10.2.2.7", "203.0.113.50", "445", "SMB", 4, 0, "LOW"),
        (
            "10.3.3.9",
            "192.0.2.44",
            "69",
            "TFTP",
            4,
            2_400_000,
            "MEDIUM",
        ),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(s, d, p, proto, n, b, risk)| {
            (
                s.to_string(),
                d.to_string(),
                p.to_string(),
                proto.to_string(),
                *n,
                *b,
                risk.to_string(),
            )
        })
        .collect();
    assert_eq!(summary, expected, "{stdout}");
    check_stored(
        &repo_root().join("tests/golden/t1071_002_raw_firewall.ndjson"),
        &stdout,
    );
    for threads in ["--threads=1", "--threads=3"] {
        let again = sumoql(
            &[
                "run",
                "queries/t1071_002_file_transfer_protocols.sumo",
                "tests/data/firewall",
                "--format",
                "ndjson",
                threads,
            ],
            "",
        );
        assert_eq!(text(&again.stdout), stdout, "{threads}");
        assert_eq!(text(&again.stderr), text(&out.stderr), "{threads}");
    }
}

/// Runs `sumoql` with `args` in `dir`, without input.
fn sumoql_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sumoql"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run sumoql")
}

const ASA_LINES: &str = "\
<166>Mar 10 2026 10:00:00 asa-fw-01 : %ASA-6-302013: Built outbound TCP connection 1 for outside:203.0.113.50/21 (203.0.113.50/21) to inside:10.2.2.7/50000 (198.51.100.7/50000)
<166>Mar 10 2026 10:00:05 asa-fw-01 : %ASA-6-302014: Teardown TCP connection 1 for outside:203.0.113.50/21 to inside:10.2.2.7/50000 duration 0:00:05 bytes 1200 TCP FINs
";

#[test]
fn a_config_maps_paths_to_categories_and_rules_and_reports_a_mis_mapped_file() {
    let dir = scratch("config");
    for folder in ["logs/asa", "logs/pan", "rules"] {
        fs::create_dir_all(dir.join(folder)).expect("create folders");
    }
    fs::write(dir.join("logs/asa/edge.log"), ASA_LINES).expect("write");
    // JSON records of a mapped file without a category of their own get the mapping's.
    fs::write(
        dir.join("logs/asa/edge.ndjson"),
        "{\"action\":\"built\",\"src_ip\":\"10.2.2.8\"}\n{\"_sourceCategory\":\"own\",\"action\":\"x\"}\n",
    )
    .expect("write");
    // ASA lines in the folder mapped to PAN-OS: the mistake must show, with counts.
    fs::write(dir.join("logs/pan/wrong.log"), ASA_LINES).expect("write");
    fs::write(
        dir.join("logs/acme.log"),
        "ACME verdict=pass from=10.9.9.9 to=192.0.2.9\n",
    )
    .expect("write");
    fs::write(
        dir.join("rules/acme.sumo"),
        "// category: network/acme\n* | parse \"verdict=* from=* to=*\" as action, src_ip, dest_ip\n",
    )
    .expect("write");
    fs::write(
        dir.join("sumoql.toml"),
        "[parsers]\nacme = \"rules/acme.sumo\"\n\n\
         [[source]]\npath = \"logs/asa/*\"\ncategory = \"firewall/edge\"\nparser = \"cisco_asa\"\n\n\
         [[source]]\npath = \"logs/pan/**\"\nparser = \"paloalto\"\n\n\
         [[source]]\npath = \"acme.log\"\nparser = \"acme\"\n",
    )
    .expect("write");
    let query = "* | count by _sourceName, _sourceCategory, action, src_ip | sort by _sourceName asc, action asc";
    let out = sumoql_in(&dir, &["run", "-e", query, "--format", "csv", "logs"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "_sourceName,_sourceCategory,action,src_ip,_count\n\
         logs/acme.log,network/acme,pass,10.9.9.9,1\n\
         logs/asa/edge.log,firewall/edge,built,10.2.2.7,1\n\
         logs/asa/edge.log,firewall/edge,teardown,203.0.113.50,1\n\
         logs/asa/edge.ndjson,firewall/edge,built,10.2.2.8,1\n\
         logs/asa/edge.ndjson,own,x,,1\n\
         logs/pan/wrong.log,network/paloalto,,,2\n"
    );
    assert_eq!(
        text(&out.stderr),
        "warning: 2 raw line(s) no extraction rule could parse were kept with only _raw\n  \
         logs/pan/wrong.log: 2 line(s) not parsed by rule paloalto (first at line 1); they look like cisco_asa lines\n"
    );
    // The same mapping from another folder with --config; --parser and --source-category
    // then win over it for every input.
    let elsewhere = scratch("config-elsewhere");
    let config = dir.join("sumoql.toml");
    let logs = dir.join("logs/asa");
    let forced = sumoql_in(
        &elsewhere,
        &[
            "run",
            "-e",
            "* | count by _sourceCategory, action",
            "--format",
            "csv",
            "--config",
            config.to_str().expect("UTF-8 path"),
            "--parser",
            "cisco_asa",
            "--source-category",
            "network/cisco/asa",
            logs.to_str().expect("UTF-8 path"),
        ],
    );
    assert_eq!(
        text(&forced.stdout),
        "_sourceCategory,action,_count\nnetwork/cisco/asa,built,2\nnetwork/cisco/asa,teardown,1\nown,x,1\n",
        "{}",
        text(&forced.stderr)
    );
}

#[test]
fn bad_parser_names_and_configs_are_errors() {
    let out = sumoql(&["run", "-e", "* | count", "--parser", "checkpoint"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: unknown parser `checkpoint` (known: paloalto, cisco_asa, fortinet, linux_auth, bind, sysmon)\n"
    );
    let dir = scratch("bad-config");
    fs::write(
        dir.join("sumoql.toml"),
        "[[source]]\nparser = \"cisco_asa\"\n",
    )
    .expect("write");
    let out = sumoql_in(&dir, &["run", "-e", "* | count", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: sumoql.toml: every [[source]] needs a `path` glob\n"
    );
    fs::write(dir.join("sumoql.toml"), "[parsers]\nagg = \"agg.sumo\"\n").expect("write");
    fs::write(dir.join("agg.sumo"), "* | count by src_ip\n").expect("write");
    let out = sumoql_in(&dir, &["run", "-e", "* | count", "-"]);
    assert_eq!(
        text(&out.stderr),
        "error: extraction rule `agg` must be row-local (parse, csv, kv, where, as, if…)\n"
    );
}
