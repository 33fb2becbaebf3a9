//! Properties of the generated data: determinism, JSON validity and the
//! documented shape of bench output.

use std::collections::HashSet;
use std::path::PathBuf;

use serde_json::Value;
use sumoql_loggen::bench::{bench_bytes, write_bench, BenchConfig, DETECTION_PORTS};
use sumoql_loggen::examples::{self, Family, DEFAULT_SEED};

fn lines(bytes: &[u8]) -> impl Iterator<Item = &str> {
    std::str::from_utf8(bytes).expect("output is UTF-8").lines()
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[test]
fn examples_are_deterministic() {
    assert_eq!(
        examples::generate(DEFAULT_SEED),
        examples::generate(DEFAULT_SEED)
    );
    assert_eq!(examples::generate(123), examples::generate(123));
    assert_ne!(examples::generate(DEFAULT_SEED), examples::generate(8));
}

#[test]
fn every_example_line_is_a_json_object() {
    for file in examples::generate(DEFAULT_SEED) {
        assert!(
            file.contents.ends_with(b"\n"),
            "{} lacks a final newline",
            file.name
        );
        let mut count = 0;
        for (i, line) in lines(&file.contents).enumerate() {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}: {line}", file.name, i + 1));
            let obj = value
                .as_object()
                .unwrap_or_else(|| panic!("{}:{} is not an object", file.name, i + 1));
            assert!(
                obj.get("_sourceCategory").is_some_and(Value::is_string),
                "{}:{} has no _sourceCategory",
                file.name,
                i + 1
            );
            match (obj.get("timestamp"), obj.get("_messageTime")) {
                (Some(Value::String(ts)), None) => {
                    assert_eq!(ts.len(), 24, "{ts}");
                    assert!(ts.starts_with("2024-03-") && ts.ends_with('Z'), "{ts}");
                }
                (Some(Value::Number(n)), None) | (None, Some(Value::Number(n))) => {
                    let n = n.as_u64().expect("epoch numbers are integers");
                    let ms = if n < 100_000_000_000 { n * 1000 } else { n };
                    assert!((1_709_510_400_000..1_710_115_200_000).contains(&ms), "{n}");
                }
                other => panic!("{}:{} has bad time fields {other:?}", file.name, i + 1),
            }
            count += 1;
        }
        assert_eq!(count, file.lines);
    }
}

#[test]
fn example_files_cover_their_categories() {
    let files = examples::generate(DEFAULT_SEED);
    for (file, family) in files.iter().zip(Family::ALL) {
        assert_eq!(file.name, family.file_name());
        let mut categories = HashSet::new();
        for line in lines(&file.contents) {
            let v: Value = serde_json::from_str(line).unwrap();
            categories.insert(v["_sourceCategory"].as_str().unwrap().to_string());
        }
        assert!(categories.contains(family.category()), "{}", file.name);
    }
    let nested = &files[Family::ALL
        .iter()
        .position(|&f| f == Family::Nested)
        .unwrap()];
    let first: Value = serde_json::from_str(lines(&nested.contents).next().unwrap()).unwrap();
    assert!(first["source"].is_object() && first["destination"].is_object());
}

#[test]
fn background_never_reaches_the_detection_with_public_destinations() {
    // Only scenario records (whose sources are listed here) may pair an
    // allowing verdict with a detection port and a non-private destination.
    let scenario_sources: HashSet<&str> = sumoql_loggen::scenarios::all()
        .iter()
        .flat_map(|s| s.conns.iter().map(|c| c.src_ip))
        .collect();
    let ports: HashSet<String> = DETECTION_PORTS.iter().map(|p| p.to_string()).collect();
    for file in examples::generate(DEFAULT_SEED) {
        for line in lines(&file.contents) {
            let v: Value = serde_json::from_str(line).unwrap();
            let Some(port) = v.get("dest_port").and_then(scalar_text) else {
                continue;
            };
            let Some(dest) = v.get("dest_ip").and_then(Value::as_str) else {
                continue;
            };
            let private = dest
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_private());
            if ports.contains(&port) && !private {
                let src = v["src_ip"].as_str().unwrap();
                assert!(scenario_sources.contains(src), "background record {line}");
            }
        }
    }
}

#[test]
fn checked_in_examples_match_the_generator() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/logs");
    if !dir.exists() {
        return;
    }
    let files = examples::generate(DEFAULT_SEED);
    for file in &files {
        let on_disk = std::fs::read(dir.join(file.name)).expect("example file present");
        assert!(
            on_disk == file.contents,
            "examples/logs/{} is stale; regenerate it with `cargo run -p sumoql-loggen -- \
             examples --out examples/logs`",
            file.name
        );
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("README present");
    assert_eq!(readme, examples::readme(DEFAULT_SEED, &files));
}

#[test]
fn write_to_dir_writes_files_and_readme() {
    let dir = std::env::temp_dir().join(format!("sumoql-loggen-test-{}", std::process::id()));
    let written = examples::write_to_dir(&dir, 11).unwrap();
    assert_eq!(written.len(), Family::ALL.len());
    for (path, file) in &written {
        assert_eq!(std::fs::read(path).unwrap(), file.contents);
    }
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("--seed 11"));
    assert!(readme.contains("| S01 |") && readme.contains("| X10 |"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bench_is_deterministic() {
    let cfg = BenchConfig::new(5_000);
    let a = bench_bytes(&cfg).unwrap();
    assert_eq!(a, bench_bytes(&cfg).unwrap());
    let other = BenchConfig {
        seed: 8,
        ..cfg.clone()
    };
    assert_ne!(a, bench_bytes(&other).unwrap());
    let stats = write_bench(&cfg, std::io::sink()).unwrap();
    assert_eq!(stats.records, 5_000);
    assert_eq!(stats.bytes, a.len() as u64);
}

#[test]
fn bench_shape() {
    let records = 60_000u64;
    let out = bench_bytes(&BenchConfig::new(records)).unwrap();

    let average = out.len() as f64 / records as f64;
    assert!(
        (357.0 * 0.9..=357.0 * 1.1).contains(&average),
        "average line length {average}"
    );
    assert!(
        (357.0 * 0.97..=357.0 * 1.03).contains(&average),
        "{average}"
    );

    let ports: HashSet<String> = DETECTION_PORTS.iter().map(|p| p.to_string()).collect();
    let firewall = [
        "network/firewall",
        "network/paloalto",
        "network/cisco/asa",
        "network/fortinet",
    ];
    let (mut n, mut detection, mut fw) = (0u64, 0u64, 0u64);
    let mut quoted = [0u64; 4];
    let mut present = [0u64; 4];
    let numeric = ["src_port", "dest_port", "bytes_out", "bytes_in"];
    let mut last_time = String::new();
    for line in lines(&out) {
        let v: Value = serde_json::from_str(line).unwrap();
        n += 1;
        if ports.contains(&scalar_text(&v["dest_port"]).unwrap()) {
            detection += 1;
        }
        if firewall.contains(&v["_sourceCategory"].as_str().unwrap()) {
            fw += 1;
        }
        for (i, key) in numeric.iter().enumerate() {
            match v.get(*key) {
                Some(Value::String(s)) => {
                    assert!(s.parse::<u64>().is_ok(), "{key}: {s}");
                    quoted[i] += 1;
                    present[i] += 1;
                }
                Some(Value::Number(_)) => present[i] += 1,
                None => {}
                Some(other) => panic!("{key} is {other}"),
            }
        }
        if let Some(ts) = v["timestamp"].as_str() {
            assert!(ts >= last_time.as_str(), "timestamps go backwards");
            last_time = ts.to_string();
        }
    }
    assert_eq!(n, records);
    let share = detection as f64 / n as f64;
    assert!(
        (0.045..=0.065).contains(&share),
        "detection port share {share}"
    );
    let fw_share = fw as f64 / n as f64;
    assert!(
        (0.88..=0.92).contains(&fw_share),
        "firewall share {fw_share}"
    );
    for i in 0..4 {
        let q = quoted[i] as f64 / present[i] as f64;
        assert!(
            (0.45..=0.55).contains(&q),
            "{} quoted share {q}",
            numeric[i]
        );
    }
}

#[test]
fn bench_session_ids_give_records_over_five_groups() {
    let records = 100_000u64;
    let out = bench_bytes(&BenchConfig::new(records)).unwrap();
    let mut sessions = HashSet::new();
    let mut sources = HashSet::new();
    let mut dests = HashSet::new();
    for line in lines(&out) {
        let v: Value = serde_json::from_str(line).unwrap();
        sessions.insert(v["session_id"].as_str().unwrap().to_string());
        sources.insert(v["src_ip"].as_str().unwrap().to_string());
        dests.insert(v["dest_ip"].as_str().unwrap().to_string());
    }
    // A uniform draw of N from a pool of N/5 hits about 99.3% of the pool.
    let expected = records as f64 / 5.0 * (1.0 - (-5.0f64).exp());
    let got = sessions.len() as f64;
    assert!(
        (got - expected).abs() / expected < 0.02,
        "{got} vs {expected}"
    );
    assert!(
        sources.len() > 3_000 && sources.len() <= 4_000,
        "{}",
        sources.len()
    );
    assert!(dests.len() > 10_000, "{}", dests.len());
}

#[test]
fn bench_knobs_change_cardinality() {
    let cfg = BenchConfig {
        src_hosts: 10,
        sessions: Some(3),
        ..BenchConfig::new(2_000)
    };
    let out = bench_bytes(&cfg).unwrap();
    let mut sessions = HashSet::new();
    let mut sources = HashSet::new();
    for line in lines(&out) {
        let v: Value = serde_json::from_str(line).unwrap();
        sessions.insert(v["session_id"].as_str().unwrap().to_string());
        sources.insert(v["src_ip"].as_str().unwrap().to_string());
    }
    assert_eq!(sessions.len(), 3);
    assert_eq!(sources.len(), 10);
    assert!(BenchConfig {
        src_hosts: 0,
        ..BenchConfig::new(1)
    }
    .validate()
    .is_err());
}
