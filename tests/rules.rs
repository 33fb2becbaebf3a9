//! Detections as code through the real binary: `sumoql test` on scratch rules that fail and
//! `--bless` (tests/detections.rs runs it over the shipped rules), `sumoql detect` (one pass
//! over many rules, with the same rows as running each rule alone), `fmt` and `check`.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use support::{repo_root, scratch, sumoql, text};

const SMALL_RULE: &str = "\
// id: many_denies
// title: Hosts with denied connections
// severity: low
// tags: demo
* | where action = \"deny\" | count by src_ip | sort by src_ip asc
";

/// A folder with one rule and one case whose expected rows are `expected`.
fn rule_folder(name: &str, expected: &str) -> PathBuf {
    let dir = scratch(name);
    fs::write(dir.join("many_denies.sumo"), SMALL_RULE).expect("write rule");
    let case = dir.join("many_denies.tests/two_hosts");
    fs::create_dir_all(&case).expect("create case");
    fs::write(
        case.join("input.ndjson"),
        "{\"action\":\"deny\",\"src_ip\":\"10.0.0.2\"}\n{\"action\":\"allow\",\"src_ip\":\"10.0.0.3\"}\n{\"action\":\"deny\",\"src_ip\":\"10.0.0.1\"}\n",
    )
    .expect("write input");
    fs::write(case.join("expected.ndjson"), expected).expect("write expected");
    dir
}

#[test]
fn a_failing_case_prints_a_diff_and_bless_rewrites_it() {
    let dir = rule_folder("failing", "{\"src_ip\":\"10.0.0.1\",\"_count\":1}\n");
    let dir_arg = dir.to_string_lossy().into_owned();
    let out = sumoql(&["test", &dir_arg], "");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL many_denies/two_hosts"), "{stdout}");
    assert!(
        stdout.contains("  {\"src_ip\":\"10.0.0.1\",\"_count\":1}"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+ {\"src_ip\":\"10.0.0.2\",\"_count\":1}"),
        "{stdout}"
    );
    assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "NO_COLOR is honoured: {stdout}");

    let blessed = sumoql(&["test", &dir_arg, "--bless"], "");
    assert!(blessed.status.success(), "{}", text(&blessed.stdout));
    let expected = fs::read_to_string(dir.join("many_denies.tests/two_hosts/expected.ndjson"))
        .expect("blessed file");
    assert_eq!(
        expected,
        "{\"src_ip\":\"10.0.0.1\",\"_count\":1}\n{\"src_ip\":\"10.0.0.2\",\"_count\":1}\n"
    );
    let again = sumoql(&["test", &dir_arg], "");
    assert!(again.status.success(), "{}", text(&again.stdout));
    assert!(text(&again.stdout).ends_with("1 passed, 0 failed\n"));
}

#[test]
fn bad_metadata_fails_with_its_line() {
    let dir = scratch("bad-metadata");
    fs::write(
        dir.join("broken.sumo"),
        "// id: broken\n// title: Broken\n// severity: severe\n* | count\n",
    )
    .expect("write rule");
    let rule = dir.join("broken.sumo").to_string_lossy().into_owned();
    let out = sumoql(&["test", &rule], "");
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("broken.sumo:line 3: bad `severity`: expected informational, low, medium, high or critical"),
        "{stdout}"
    );
    let detect = sumoql(&["detect", "--rules", &rule, "examples/logs"], "");
    assert_eq!(detect.status.code(), Some(2));
    assert!(text(&detect.stderr).contains("line 3: bad `severity`"));
}

/// The alerts of `detect`, grouped by rule id, each as its `result` object's JSON text.
fn alerts_by_rule(stdout: &str) -> BTreeMap<String, Vec<String>> {
    let mut alerts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in stdout.lines() {
        let alert: serde_json::Value = serde_json::from_str(line).expect("alert is JSON");
        let id = alert["rule_id"].as_str().expect("rule_id").to_string();
        assert!(alert["title"].is_string() && alert["severity"].is_string());
        alerts
            .entry(id)
            .or_default()
            .push(alert["result"].to_string());
    }
    alerts
}

fn rule_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(repo_root().join("queries"))
        .expect("list queries")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sumo"))
        .collect();
    files.sort();
    files
}

fn rule_id(path: &Path) -> String {
    path.file_stem()
        .expect("stem")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn detect_gives_each_rule_the_rows_it_gives_alone() {
    let inputs = ["examples/logs", "queries"];
    let out = sumoql(&["detect", "--rules", "queries", inputs[0], inputs[1]], "");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let alerts = alerts_by_rule(&text(&out.stdout));
    let mut fired = 0;
    for rule in rule_files() {
        let rule_arg = format!("queries/{}.sumo", rule_id(&rule));
        let alone = sumoql(
            &["run", &rule_arg, inputs[0], inputs[1], "--format", "ndjson"],
            "",
        );
        assert!(alone.status.success(), "{}", text(&alone.stderr));
        let rows: Vec<String> = text(&alone.stdout)
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line)
                    .expect("row is JSON")
                    .to_string()
            })
            .collect();
        fired += usize::from(!rows.is_empty());
        assert_eq!(
            alerts.get(&rule_id(&rule)).cloned().unwrap_or_default(),
            rows,
            "{rule_arg}"
        );
    }
    assert!(fired >= 3, "only {fired} rules fired");

    // The alerts and their order do not depend on the number of threads.
    for threads in ["1", "3"] {
        let again = sumoql(
            &[
                "detect",
                "--rules",
                "queries",
                "--threads",
                threads,
                inputs[0],
                inputs[1],
            ],
            "",
        );
        assert_eq!(
            text(&again.stdout),
            text(&out.stdout),
            "--threads {threads}"
        );
    }
}

#[test]
fn detect_selects_rules_and_reports_metadata() {
    let out = sumoql(
        &[
            "detect",
            "--rules",
            "queries",
            "--rule",
            "t1071_002_file_transfer_protocols",
            "--summary",
            "examples/logs",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let first: serde_json::Value =
        serde_json::from_str(stdout.lines().next().expect("an alert")).expect("JSON");
    assert_eq!(first["severity"], "medium");
    assert_eq!(
        first["mitre"]["sub_technique"],
        "File Transfer Protocols (T1071.002)"
    );
    assert_eq!(alerts_by_rule(&stdout).len(), 1);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("medium"), "{stderr}");
    assert!(stderr.contains("from 1 of 1 rules"), "{stderr}");

    // No alert: exit 0.
    let quiet = sumoql(
        &["detect", "--rules", "queries", "--tag", "ssh"],
        "{\"message\":\"hello\"}\n",
    );
    assert_eq!(quiet.status.code(), Some(0), "{}", text(&quiet.stderr));
    assert!(quiet.stdout.is_empty());

    // Nothing selected is a usage error.
    let none = sumoql(
        &["detect", "--rules", "queries", "--min-severity", "critical"],
        "",
    );
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("no rule selected"));

    // --min-severity high keeps only the high rules.
    let high = sumoql(
        &[
            "detect",
            "--rules",
            "queries",
            "--min-severity",
            "high",
            "examples/logs",
        ],
        "",
    );
    for line in text(&high.stdout).lines() {
        let alert: serde_json::Value = serde_json::from_str(line).expect("JSON");
        assert_eq!(alert["severity"], "high");
    }
}

#[test]
fn fmt_rewrites_checks_and_leaves_verbatim_rules() {
    let shipped: Vec<String> = rule_files()
        .iter()
        .map(|path| format!("queries/{}.sumo", rule_id(path)))
        .collect();
    let mut args = vec!["fmt", "--check"];
    args.extend(shipped.iter().map(String::as_str));
    let out = sumoql(&args, "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("t1071_002_file_transfer_protocols.sumo: verbatim, left as written"),
        "{stdout}"
    );

    let dir = scratch("fmt");
    let file = dir.join("q.sumo");
    let file_arg = file.to_string_lossy().into_owned();
    fs::write(
        &file,
        "// a note\n_sourceCategory=fw or x |WHERE a=\"1|2\"   |count BY b // per b\n",
    )
    .expect("write query");
    let check = sumoql(&["fmt", "--check", &file_arg], "");
    assert_eq!(check.status.code(), Some(1));
    let report = text(&check.stdout);
    assert!(report.contains("q.sumo: not formatted"), "{report}");
    assert!(report.contains("    + | where a=\"1|2\""), "{report}");
    assert!(report.ends_with("1 of 1 files not formatted\n"), "{report}");

    let rewrite = sumoql(&["fmt", &file_arg], "");
    assert!(rewrite.status.success());
    let formatted = fs::read_to_string(&file).expect("read back");
    assert_eq!(
        formatted,
        "// a note\n_sourceCategory=fw OR x\n| where a=\"1|2\"\n| count by b // per b\n"
    );
    let again = sumoql(&["fmt", "--check", &file_arg], "");
    assert!(again.status.success(), "{}", text(&again.stdout));

    fs::write(&file, "* | where\n").expect("write broken query");
    let broken = sumoql(&["fmt", &file_arg], "");
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        text(&broken.stderr).contains("E0"),
        "{}",
        text(&broken.stderr)
    );
}

#[test]
fn check_lints_with_codes_and_spans() {
    let dir = scratch("check");
    let file = dir.join("lint.sumo");
    fs::write(
        &file,
        "* | eval a = 1, unused = 2 | fields - b | sort by b | count by a, hostx\n",
    )
    .expect("write query");
    let file_arg = file.to_string_lossy().into_owned();
    let without_inputs = sumoql(&["check", &file_arg], "");
    assert!(without_inputs.status.success());
    let stderr = text(&without_inputs.stderr).replace(&file_arg, "lint.sumo");
    assert!(!stderr.contains("W0302"), "no inputs, no W0302: {stderr}");

    let out = sumoql(
        &[
            "check",
            &file_arg,
            "--input",
            "examples/logs/firewall.ndjson",
        ],
        "",
    );
    assert!(out.status.success());
    let stderr = text(&out.stderr).replace(&file_arg, "lint.sumo");
    assert_eq!(
        stderr,
        "\
warning[W0303]: `unused` is computed but never used
 --> lint.sumo:1:17
  |
1 | * | eval a = 1, unused = 2 | fields - b | sort by b | count by a, hostx
  |                 ^^^^^^ no later stage reads it and the output does not show it
  = remove the assignment, or add the field to `fields` or the aggregation
warning[W0304]: `b` was removed by an earlier `fields -`
 --> lint.sumo:1:51
  |
1 | * | eval a = 1, unused = 2 | fields - b | sort by b | count by a, hostx
  |                                                   ^ this sort key is null on every record
  |                                       - removed here
  = sort before `fields -`, or keep the field
warning[W0302]: no earlier stage makes `hostx` and the inputs do not have it
 --> lint.sumo:1:67
  |
1 | * | eval a = 1, unused = 2 | fields - b | sort by b | count by a, hostx
  |                                                                   ^^^^^ every record gets null here
  = all records fall in one null group (or none with --null-groups drop)
lint.sumo: ok, 3 warning(s)
"
    );

    // The schema file says what the logs have.
    let schema = dir.join("fields.txt");
    fs::write(&schema, "# firewall fields\nhostx\n").expect("write schema");
    let with_schema = sumoql(
        &["check", &file_arg, "--schema", &schema.to_string_lossy()],
        "",
    );
    assert!(!text(&with_schema.stderr).contains("W0302"));

    // Shipped rules: IPv6 warnings on the IP tests, bad metadata is an error.
    let shipped = sumoql(
        &["check", "queries/t1071_002_file_transfer_protocols.sumo"],
        "",
    );
    assert!(shipped.status.success());
    assert!(text(&shipped.stderr)
        .contains("warning[W0301]: `isPrivateIP` gives null for an IPv6 address in `dest_ip`"));
    let broken = dir.join("broken.sumo");
    fs::write(&broken, "// id: x\n// title: t\n// severity: loud\n*\n").expect("write rule");
    let bad = sumoql(&["check", &broken.to_string_lossy()], "");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("line 3: bad `severity`"));
}

#[test]
fn sigma_converts_to_a_rule_that_runs() {
    let dir = scratch("sigma");
    let rule = dir.join("ssh.yml");
    fs::write(
        &rule,
        "\
title: SSH login failures
id: ssh-failures
level: low
tags: [attack.t1110]
logsource:
  product: linux
  service: sshd
detection:
  keywords:
    - 'Failed password'
  filter:
    SourceIp|cidr: '10.0.0.0/8'
  condition: keywords and not filter
",
    )
    .expect("write sigma rule");
    let mapping = dir.join("map.yml");
    fs::write(
        &mapping,
        "fields:\n  SourceIp: src_ip\nlogsources:\n  linux/sshd: _sourceCategory=linux/auth*\n",
    )
    .expect("write mapping");
    let out = sumoql(
        &[
            "sigma",
            &rule.to_string_lossy(),
            "--mapping",
            &mapping.to_string_lossy(),
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "\
// id: ssh-failures
// title: SSH login failures
// severity: low
// tags: sigma, attack.t1110
_sourceCategory=linux/auth*
| where (toLowerCase(_raw) matches \"*failed password*\" and (!isValidIP(trim(src_ip)) or !cidrMatch(src_ip, \"10.0.0.0/8\")))
"
    );
    assert_eq!(
        text(&out.stderr),
        "",
        "a mapped log source warns of nothing"
    );
    let converted = dir.join("ssh.sumo");
    fs::write(&converted, &out.stdout).expect("write converted rule");
    let run = sumoql(
        &["detect", "--rules", &converted.to_string_lossy()],
        "{\"_sourceCategory\":\"linux/auth\",\"message\":\"FAILED PASSWORD for x\",\"src_ip\":\"8.8.8.8\"}\n{\"_sourceCategory\":\"linux/auth\",\"message\":\"Failed password for y\",\"src_ip\":\"10.1.1.1\"}\n{\"_sourceCategory\":\"linux/auth\",\"message\":\"Failed password for z\"}\n",
    );
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    // The public address, and the line without one: Sigma's filter does not match it.
    assert_eq!(
        text(&run.stdout).lines().count(),
        2,
        "{}",
        text(&run.stdout)
    );

    let unmapped = sumoql(&["sigma", &rule.to_string_lossy()], "");
    assert!(unmapped.status.success(), "{}", text(&unmapped.stderr));
    assert!(text(&unmapped.stdout).contains("\n*\n| where "));
    let warnings = text(&unmapped.stderr);
    assert!(
        warnings.contains("the log source (product: linux, service: sshd) is in no mapping: the query reads every record (`*`)")
            && warnings.contains("no --mapping: Sigma's field names are kept"),
        "{warnings}"
    );

    fs::write(
        &rule,
        "title: x\ndetection:\n  sel:\n    a: 1\n  condition: sel | count() > 5\n",
    )
    .expect("write aggregating rule");
    let refused = sumoql(&["sigma", &rule.to_string_lossy()], "");
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("an aggregation in the condition"));
}
