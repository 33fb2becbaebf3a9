//! How well the extraction rules parse the connection lines of held-out public fixtures,
//! measured against an independent peer: Elastic's ingest pipelines, whose expected output for
//! the same lines is kept in `tests/corpus/` as `*-expected.json` or, reduced to the compared
//! fields, `*.peer.tsv` (see `tests/corpus/README.md`).
//!
//! A *connection line* is one whose vendor reports a flow between two endpoints or a decision
//! on one: for Cisco ASA and Firepower Threat Defense, a message ID of [`CISCO_CONNECTION_IDS`];
//! for PAN-OS, a `TRAFFIC` log; for FortiGate, `type="traffic"`. A connection line the peer
//! gives endpoints for is *correct* when our `src_ip`/`src_port` and `dest_ip`/`dest_port` are
//! the peer's two endpoints. The endpoints are compared as a pair: for Built/Teardown messages
//! the peer's versions disagree with each other on which side is the source (Elastic's
//! `cisco_asa` pipeline applies the inbound/outbound direction, its `cisco_ftd` pipeline and
//! older `cisco_asa` outputs print order), so orientation is counted separately and must match
//! for every other message. A connection line without a peer row counts as parsed when it has
//! an address. `cargo test --test firewall coverage -- --nocapture` prints the table.

use std::collections::BTreeMap;
use std::fs;

use serde_json::Value as Json;

use super::{at, repo_root, sumoql};

/// Cisco message IDs that report a connection (built, torn down, offloaded, inspected) or a
/// permit/deny decision on one, with both endpoints or at least the one that was refused.
#[rustfmt::skip]
const CISCO_CONNECTION_IDS: &[&str] = &[
    // Access lists and denies.
    "106001", "106006", "106007", "106010", "106014", "106015", "106016", "106017", "106021",
    "106023", "106100", "106102", "106103",
    // Connections: TCP/UDP built and torn down, ICMP, cluster stubs, state bypass.
    "302013", "302014", "302015", "302016", "302020", "302021", "302022", "302023", "302024",
    "302025", "302026", "302027", "302303", "302304",
    // FTP transfers and URL filtering.
    "303002", "304001", "304002",
    // ICMP denies.
    "313001", "313004", "313005", "313008", "313009",
    // Botnet traffic filter.
    "338001", "338002", "338003", "338004", "338005", "338006", "338007", "338008",
    // FirePOWER module decisions, duplicate SYN, inspection, egress lookup.
    "434002", "434004", "419002", "507003", "110002",
    // Access denied to the device, discarded requests, flow offload.
    "710003", "710005", "710006", "805001", "805002",
];

/// Message IDs whose printed order is not the source-to-destination order on its own: which
/// side started the connection depends on `inbound`/`outbound`, or is not printed at all.
const DIRECTION_DEPENDENT_IDS: &[&str] =
    &["302013", "302014", "302015", "302016", "302020", "302021"];

/// Where a fixture's lines and its peer's values come from.
enum Fixture {
    /// A log file, with the peer's values by line number when there are any.
    Log(&'static str, Option<&'static str>),
    /// A peer's expected output: each event's `event.original` is a line, its ECS fields the
    /// peer's values.
    Expected(&'static str),
}

/// Every fixture measured.
const FIXTURES: [Fixture; 15] = [
    Fixture::Log(
        "cisco_asa/test-sample.log",
        Some("cisco_asa/test-sample.log.peer.tsv"),
    ),
    Fixture::Expected("cisco_asa/test-302020-direction.log-expected.json"),
    Fixture::Log(
        "cisco_asa/test-106023-iface-with-prefix.log",
        Some("cisco_asa/test-106023-iface-with-prefix.log.peer.tsv"),
    ),
    Fixture::Log(
        "cisco_asa/test-asa-fix.log",
        Some("cisco_asa/test-asa-fix.log.peer.tsv"),
    ),
    Fixture::Log(
        "cisco_asa/test-non-canonical.log",
        Some("cisco_asa/test-non-canonical.log.peer.tsv"),
    ),
    Fixture::Log(
        "cisco_asa/test-hostnames.log",
        Some("cisco_asa/test-hostnames.log.peer.tsv"),
    ),
    Fixture::Log(
        "cisco_asa/test-additional-messages.head.log",
        Some("cisco_asa/test-additional-messages.head.log.peer.tsv"),
    ),
    Fixture::Log(
        "cisco_ftd/test-sample.log",
        Some("cisco_ftd/test-sample.log.peer.tsv"),
    ),
    Fixture::Log(
        "panw/test-panw-panos-traffic-sample.head10.log",
        Some("panw/test-panw-panos-traffic-sample.head10.log.peer.tsv"),
    ),
    Fixture::Log(
        "panw/test-panw-panos-traffic-sample.lines11-34.log",
        Some("panw/test-panw-panos-traffic-sample.lines11-34.log.peer.tsv"),
    ),
    Fixture::Expected("panw/test-panw-panos-inc-traffic.json-expected.json"),
    Fixture::Log("panw/test-panw-panos-threat-url-no-xff-sample.log", None),
    Fixture::Log("fortinet/test-fortinet.log", None),
    Fixture::Log("fortinet/test-fortinet-7-4.head5.log", None),
    Fixture::Expected("fortinet/test-fortinet-fix.log-expected.json"),
];

/// The vendors held to the 95% bar.
const GATED: [&str; 3] = ["Cisco ASA", "Cisco FTD", "PAN-OS"];

/// The share of connection lines that must parse correctly, and of those without a peer row
/// that must parse at all, for a gated vendor.
const MIN_SHARE: f64 = 0.95;

/// How many connection lines of a gated vendor the peer must give values for.
const MIN_VERIFIED: u64 = 5;

/// One endpoint: an IP address (none for a host name) and a port.
type Endpoint = (Option<String>, Option<String>);

/// The peer's values for one line.
struct PeerRow {
    source: Endpoint,
    destination: Endpoint,
}

/// Counts for one vendor.
#[derive(Default)]
struct Tally {
    lines: u64,
    verified: u64,
    correct: u64,
    same_orientation: u64,
    unverified: u64,
    parsed_unverified: u64,
    mismatches: Vec<String>,
    unparsed: Vec<String>,
}

impl Tally {
    fn share(part: u64, whole: u64) -> f64 {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    }
}

/// The Cisco message ID of a line (`%ASA-6-302013:` gives `302013`) and its product.
fn cisco_message(line: &str) -> Option<(&'static str, &str)> {
    for (prefix, vendor) in [("%ASA-", "Cisco ASA"), ("%FTD-", "Cisco FTD")] {
        if let Some(start) = line.find(prefix) {
            let rest = &line[start + prefix.len()..];
            let rest = rest.strip_prefix("session-").unwrap_or(rest);
            let id = rest.get(2..8)?;
            return id
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then_some((vendor, id));
        }
    }
    None
}

/// The vendor of a connection line and its message ID (empty when the vendor has none), or
/// `None` for a line that is not a connection line.
fn connection_line(line: &str) -> Option<(&'static str, &str)> {
    if let Some((vendor, id)) = cisco_message(line) {
        return CISCO_CONNECTION_IDS.contains(&id).then_some((vendor, id));
    }
    if line.split(',').nth(3) == Some("TRAFFIC") {
        return Some(("PAN-OS", ""));
    }
    if line.contains(" type=\"traffic\"") {
        return Some(("FortiGate", ""));
    }
    None
}

/// The peer rows of a `.peer.tsv` file, by line number.
fn peer_rows(path: &str) -> BTreeMap<usize, PeerRow> {
    let text = fs::read_to_string(repo_root().join("tests/corpus").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("{path}: no column {name}"))
    };
    let (line, sip, sport, dip, dport) = (
        column("line"),
        column("source.ip"),
        column("source.port"),
        column("destination.ip"),
        column("destination.port"),
    );
    lines
        .map(|row| {
            let cells: Vec<&str> = row.split('\t').collect();
            let cell = |i: usize| {
                cells
                    .get(i)
                    .filter(|c| !c.is_empty())
                    .map(|c| c.to_string())
            };
            let number = cells[line].parse().expect("a line number");
            let row = PeerRow {
                source: (cell(sip), cell(sport)),
                destination: (cell(dip), cell(dport)),
            };
            (number, row)
        })
        .collect()
}

/// Our parse of `lines`, in order.
fn our_rows(name: &str, lines: &[String]) -> Vec<Json> {
    let query = "* | fields src_ip, src_port, dest_ip, dest_port";
    let input = lines.join("\n");
    let out = sumoql(
        &["run", "-e", query, "--format", "ndjson", "--threads=1", "-"],
        &input,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("NDJSON rows"))
        .collect()
}

/// A fixture's name, its lines and the peer's values by line number.
fn load(fixture: &Fixture) -> (&'static str, Vec<String>, BTreeMap<usize, PeerRow>) {
    let read = |path: &str| {
        fs::read_to_string(repo_root().join("tests/corpus").join(path))
            .unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    match *fixture {
        Fixture::Log(file, peer) => {
            let lines = read(file)
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect();
            (file, lines, peer.map(peer_rows).unwrap_or_default())
        }
        Fixture::Expected(file) => {
            let peer: Json = serde_json::from_str(&read(file)).expect("expected files are JSON");
            let events = peer["expected"].as_array().expect("an `expected` array");
            let lines = events
                .iter()
                .map(|e| at(e, "event.original").expect("every event keeps its raw line"))
                .collect();
            let rows = events
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let endpoint =
                        |side: &str| (at(e, &format!("{side}.ip")), at(e, &format!("{side}.port")));
                    (
                        i + 1,
                        PeerRow {
                            source: endpoint("source"),
                            destination: endpoint("destination"),
                        },
                    )
                })
                .collect();
            (file, lines, rows)
        }
    }
}

#[test]
fn connection_lines_parse_with_the_peers_addresses_and_ports() {
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for fixture in &FIXTURES {
        let (file, lines, peer) = load(fixture);
        let ours = our_rows(file, &lines);
        assert_eq!(ours.len(), lines.len(), "{file}: one row per line");
        for (index, (line, row)) in lines.iter().zip(&ours).enumerate() {
            let number = index + 1;
            let Some((vendor, id)) = connection_line(line) else {
                continue;
            };
            let tally = tallies.entry(vendor).or_default();
            tally.lines += 1;
            let source = (at(row, "src_ip"), at(row, "src_port"));
            let destination = (at(row, "dest_ip"), at(row, "dest_port"));
            let Some(expected) = peer.get(&number) else {
                tally.unverified += 1;
                if source.0.is_some() || destination.0.is_some() {
                    tally.parsed_unverified += 1;
                } else {
                    tally.unparsed.push(format!("{file}:{number}: no address"));
                }
                continue;
            };
            tally.verified += 1;
            let same = source == expected.source && destination == expected.destination;
            let swapped = source == expected.destination && destination == expected.source;
            if same || swapped {
                tally.correct += 1;
            }
            if same {
                tally.same_orientation += 1;
            }
            let order_may_differ = swapped && DIRECTION_DEPENDENT_IDS.contains(&id);
            if !(same || order_may_differ) {
                tally.mismatches.push(format!(
                    "{file}:{number}: ours {source:?} -> {destination:?}, peer {:?} -> {:?}",
                    expected.source, expected.destination
                ));
            }
        }
    }
    println!(
        "{:<10} {:>6} {:>9} {:>8} {:>8} {:>10} {:>11} {:>7}",
        "vendor", "lines", "verified", "correct", "share", "same order", "unverified", "parsed"
    );
    for (vendor, t) in &tallies {
        println!(
            "{:<10} {:>6} {:>9} {:>8} {:>7.1}% {:>10} {:>11} {:>7}",
            vendor,
            t.lines,
            t.verified,
            t.correct,
            100.0 * Tally::share(t.correct, t.verified),
            t.same_orientation,
            t.unverified,
            t.parsed_unverified
        );
    }
    for (vendor, t) in &tallies {
        for note in t.mismatches.iter().chain(&t.unparsed) {
            println!("{vendor}: {note}");
        }
    }
    for vendor in GATED {
        let t = tallies
            .get(vendor)
            .unwrap_or_else(|| panic!("no {vendor} lines measured"));
        assert!(
            t.verified >= MIN_VERIFIED,
            "{vendor}: only {} lines verified",
            t.verified
        );
        assert!(
            Tally::share(t.correct, t.verified) >= MIN_SHARE,
            "{vendor}: {} of {} verified connection lines correct",
            t.correct,
            t.verified
        );
        assert!(
            Tally::share(t.parsed_unverified, t.unverified) >= MIN_SHARE,
            "{vendor}: {} of {} unverified connection lines parsed",
            t.parsed_unverified,
            t.unverified
        );
    }
    let stray: Vec<&String> = tallies.values().flat_map(|t| &t.mismatches).collect();
    assert!(
        stray.is_empty(),
        "wrong endpoints, or the wrong orientation where the message fixes it: {stray:#?}"
    );
}
