//! The bundled example logs: a week of background traffic with the
//! deliberate scenarios of [`crate::scenarios`] shuffled in.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use crate::json::{Json, Obj};
use crate::net;
use crate::rng::Rng;
use crate::scenarios::{self, Conn, F};
use crate::time::{iso_ms, MS_PER_HOUR, MS_PER_MINUTE, WEEK_MS, WEEK_START_MS};

/// The seed the checked-in example logs are generated with.
pub const DEFAULT_SEED: u64 = 7;

/// One example file, holding one source-category family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// Generic firewall, `network/firewall`.
    Firewall,
    /// Palo Alto Networks firewall, `network/paloalto`.
    PaloAlto,
    /// Cisco ASA, `network/cisco/asa`.
    CiscoAsa,
    /// Fortinet FortiGate, `network/fortinet`.
    Fortinet,
    /// Sysmon on Windows endpoints, `endpoint/sysmon`.
    Endpoint,
    /// DNS resolver logs, `network/dns`.
    Dns,
    /// EDR events with nested objects, `endpoint/edr`.
    Nested,
}

impl Family {
    /// Every family, in file order.
    pub const ALL: [Family; 7] = [
        Family::Firewall,
        Family::PaloAlto,
        Family::CiscoAsa,
        Family::Fortinet,
        Family::Endpoint,
        Family::Dns,
        Family::Nested,
    ];

    /// The file name inside the output folder.
    pub fn file_name(self) -> &'static str {
        match self {
            Family::Firewall => "firewall.ndjson",
            Family::PaloAlto => "paloalto.ndjson",
            Family::CiscoAsa => "cisco_asa.ndjson",
            Family::Fortinet => "fortinet.ndjson",
            Family::Endpoint => "endpoint.ndjson",
            Family::Dns => "dns.ndjson",
            Family::Nested => "nested.ndjson",
        }
    }

    /// The `_sourceCategory` its records normally carry.
    pub fn category(self) -> &'static str {
        match self {
            Family::Firewall => "network/firewall",
            Family::PaloAlto => "network/paloalto",
            Family::CiscoAsa => "network/cisco/asa",
            Family::Fortinet => "network/fortinet",
            Family::Endpoint => "endpoint/sysmon",
            Family::Dns => "network/dns",
            Family::Nested => "endpoint/edr",
        }
    }

    /// Whether the family is one of the four firewall categories.
    pub fn is_firewall(self) -> bool {
        matches!(
            self,
            Family::Firewall | Family::PaloAlto | Family::CiscoAsa | Family::Fortinet
        )
    }

    fn index(self) -> u64 {
        Family::ALL.iter().position(|&f| f == self).unwrap_or(0) as u64
    }

    fn noise_records(self) -> usize {
        match self {
            Family::Firewall => 360,
            Family::PaloAlto => 320,
            Family::CiscoAsa => 300,
            Family::Fortinet => 280,
            Family::Endpoint => 240,
            Family::Dns => 300,
            Family::Nested => 120,
        }
    }

    fn devices(self) -> &'static [&'static str] {
        match self {
            Family::Firewall => &["fw-edge-01", "fw-edge-02", "fw-dc-01"],
            Family::PaloAlto => &["pa-5220-hq", "pa-3410-branch"],
            Family::CiscoAsa => &["asa-5516-dmz", "asa-5525-core"],
            Family::Fortinet => &["fgt-200f-lab", "fgt-600e-east"],
            Family::Endpoint => &["WS-0142", "WS-0077", "WS-0311", "SRV-FILE-01"],
            Family::Dns => &["dns-resolver-01", "dns-resolver-02"],
            Family::Nested => &["edr-collector-01"],
        }
    }

    /// Verdict vocabulary of the vendor with weights and whether it means the
    /// connection was let through.
    fn actions(self) -> &'static [(&'static str, u32, bool)] {
        match self {
            Family::PaloAlto => &[
                ("allow", 80, true),
                ("deny", 10, false),
                ("drop", 6, false),
                ("reset-both", 4, false),
            ],
            Family::CiscoAsa => &[
                ("built", 70, true),
                ("teardown", 20, true),
                ("deny", 10, false),
            ],
            Family::Fortinet => &[
                ("accept", 70, true),
                ("close", 15, true),
                ("deny", 10, false),
                ("timeout", 5, true),
            ],
            _ => &[("allow", 80, true), ("deny", 12, false), ("drop", 8, false)],
        }
    }

    /// Rule names. Lists of allowing rules are ordered: general outbound,
    /// DNS / NTP, internal services, administrative (SSH).
    fn rules(self, allowed: bool) -> &'static [&'static str] {
        match (self, allowed) {
            (Family::PaloAlto, true) => &[
                "Outbound-Internet",
                "Allow-DNS",
                "Internal-Services",
                "Trust-to-Untrust",
            ],
            (Family::PaloAlto, false) => &["Block-Known-Bad", "interzone-default"],
            (Family::CiscoAsa, true) => &["inside_access_out", "global_access", "inside_to_dc"],
            (Family::CiscoAsa, false) => &["outside_access_in"],
            (Family::Fortinet, true) => &["LAN-to-WAN", "DNS-Out", "Server-Access"],
            (Family::Fortinet, false) => &["implicit-deny"],
            (_, true) => &[
                "allow-outbound-web",
                "allow-dns",
                "allow-internal",
                "allow-ssh-admin",
            ],
            (_, false) => &["default-deny"],
        }
    }
}

/// One generated example file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleFile {
    /// File name, e.g. `firewall.ndjson`.
    pub name: &'static str,
    /// The family's default `_sourceCategory`.
    pub category: &'static str,
    /// Number of records (lines).
    pub lines: usize,
    /// The NDJSON text, one record per line, each line ending in `\n`.
    pub contents: Vec<u8>,
}

/// How a record states its time.
#[derive(Clone, Copy, Debug)]
enum Stamp {
    /// `"timestamp":"2024-03-04T10:15:02.123Z"`.
    Iso,
    /// `"timestamp":1709547302` (a JSON number).
    EpochSeconds,
    /// `"timestamp":1709547302123` (a JSON number).
    EpochMillis,
    /// `"_messageTime":1709547302123` instead of a `timestamp` key.
    MessageTime,
}

fn stamp_field(obj: Obj, stamp: Stamp, ms: i64) -> Obj {
    let ms_u = u64::try_from(ms).expect("generated times are after 1970");
    match stamp {
        Stamp::Iso => obj.s("timestamp", iso_ms(ms)),
        Stamp::EpochSeconds => obj.n("timestamp", ms_u / 1_000),
        Stamp::EpochMillis => obj.n("timestamp", ms_u),
        Stamp::MessageTime => obj.n("_messageTime", ms_u),
    }
}

fn noise_stamp(rng: &mut Rng) -> Stamp {
    match rng.weighted(&[88, 4, 4, 4]) {
        0 => Stamp::Iso,
        1 => Stamp::EpochSeconds,
        2 => Stamp::EpochMillis,
        _ => Stamp::MessageTime,
    }
}

fn noise_time(rng: &mut Rng) -> i64 {
    WEEK_START_MS + rng.below(WEEK_MS as u64) as i64
}

/// Half of the numbers are written as JSON numbers, half as strings.
fn num_or_str(rng: &mut Rng, v: u64) -> Json {
    if rng.chance(1, 2) {
        Json::Num(v)
    } else {
        Json::Str(v.to_string())
    }
}

fn field(f: F) -> Option<Json> {
    match f {
        F::Missing => None,
        F::Null => Some(Json::Null),
        F::S(s) => Some(Json::Str(s.to_string())),
        F::N(n) => Some(Json::Num(n)),
    }
}

fn port_number(f: F) -> Option<u64> {
    match f {
        F::N(n) => Some(n),
        F::S(s) => s.parse().ok(),
        _ => None,
    }
}

fn protocol_for(port: Option<u64>) -> &'static str {
    match port {
        Some(53 | 69 | 123 | 137 | 138) => "udp",
        _ => "tcp",
    }
}

fn app_for(family: Family, port: Option<u64>) -> String {
    let app = match port {
        Some(20 | 21) => "ftp",
        Some(990) => "ftps",
        Some(69) => "tftp",
        Some(445) => "ms-ds-smb",
        Some(139) => "netbios-ss",
        Some(443 | 8443) => "ssl",
        Some(80) => "web-browsing",
        Some(8080) => "http-proxy",
        Some(53) => "dns",
        Some(22) => "ssh",
        Some(3389) => "ms-rdp",
        Some(123) => "ntp",
        Some(25) => "smtp",
        Some(993) => "imap",
        _ => "unknown-tcp",
    };
    if family == Family::Fortinet {
        app.to_ascii_uppercase()
    } else {
        app.to_string()
    }
}

fn is_allow_word(action: &str) -> bool {
    matches!(
        action.to_ascii_lowercase().as_str(),
        "allow" | "allowed" | "permit" | "accept" | "built" | "teardown" | "close" | "timeout"
    )
}

fn vendor_fields(obj: Obj, family: Family, action: &str, rng: &mut Rng) -> Obj {
    let lower = action.to_ascii_lowercase();
    match family {
        Family::Firewall => obj
            .s("direction", "outbound")
            .s("interface", *rng.pick(&["eth1", "eth2", "bond0"])),
        Family::PaloAlto => {
            let reason = match lower.as_str() {
                "allow" => *rng.pick(&["tcp-fin", "aged-out", "tcp-rst-from-client"]),
                "reset-both" => "threat",
                _ => "policy-deny",
            };
            obj.s("zone_from", "trust")
                .s("zone_to", "untrust")
                .s("session_end_reason", reason)
        }
        Family::CiscoAsa => {
            let id = match lower.as_str() {
                "built" => "302013",
                "teardown" => "302014",
                _ => "106023",
            };
            obj.s("asa_msg_id", id)
        }
        Family::Fortinet => {
            let allowed = is_allow_word(action);
            let policy = if allowed { 1 + rng.below(40) } else { 0 };
            obj.n("policyid", policy)
                .s("level", if allowed { "notice" } else { "warning" })
        }
        _ => obj,
    }
}

fn rule_for(
    family: Family,
    allowed: bool,
    port: Option<u64>,
    dest_ip: &Option<Json>,
    rng: &mut Rng,
) -> &'static str {
    let rules = family.rules(allowed);
    if !allowed {
        return rng.pick::<&str>(rules);
    }
    let private_dest = match dest_ip {
        Some(Json::Str(s)) => s
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| net::is_rfc1918(u32::from(ip))),
        _ => false,
    };
    let index = match port {
        Some(53 | 123) => 1,
        Some(22) => 3,
        _ if private_dest => 2,
        _ => 0,
    };
    rules[index.min(rules.len() - 1)]
}

/// The values of one flat (single-level) connection record.
struct Flat<'a> {
    family: Family,
    category: &'a str,
    stamp: Stamp,
    ms: i64,
    src_ip: &'a str,
    dest_ip: Option<Json>,
    dest_port: Option<Json>,
    port: Option<u64>,
    action: &'a str,
    user: Option<Json>,
    process: Option<Json>,
    bytes_out: Option<Json>,
    bytes_in: Option<Json>,
}

fn flat_record(f: Flat<'_>, rng: &mut Rng) -> Json {
    let device = *rng.pick(f.family.devices());
    let mut obj = stamp_field(Obj::new(), f.stamp, f.ms)
        .s("_sourceCategory", f.category)
        .s("device", device);
    if f.family == Family::Endpoint {
        obj = obj
            .n("event_id", 3)
            .n("process_id", 1_000 + rng.below(20_000));
    }
    obj = vendor_fields(obj, f.family, f.action, rng);
    let src_port = 49_152 + rng.below(16_384);
    let src_port = num_or_str(rng, src_port);
    let allowed = is_allow_word(f.action);
    let rule = rule_for(f.family, allowed, f.port, &f.dest_ip, rng);
    obj = obj
        .s("src_ip", f.src_ip)
        .put("src_port", src_port)
        .opt("dest_ip", f.dest_ip)
        .opt("dest_port", f.dest_port)
        .s("protocol", protocol_for(f.port))
        .s("action", f.action);
    if f.family.is_firewall() {
        obj = obj.s("app", app_for(f.family, f.port)).s("rule", rule);
    }
    obj.opt("user", f.user)
        .opt("process_name", f.process)
        .opt("bytes_out", f.bytes_out)
        .opt("bytes_in", f.bytes_in)
        .build()
}

/// The values of one nested `endpoint/edr` network event.
struct NetEvent<'a> {
    ms: i64,
    category: &'a str,
    host: &'a str,
    src_ip: &'a str,
    dest_ip: Option<Json>,
    dest_port: Option<Json>,
    port: Option<u64>,
    geo: &'a str,
    action: &'a str,
    process: Option<Json>,
    user: Option<Json>,
    bytes_out: Option<Json>,
    bytes_in: Option<Json>,
    tags: Vec<Json>,
}

fn nested_record(e: NetEvent<'_>, rng: &mut Rng) -> Json {
    let outcome = if is_allow_word(e.action) {
        "success"
    } else {
        "failure"
    };
    let src_port = 49_152 + rng.below(16_384);
    let destination = Obj::new()
        .opt("ip", e.dest_ip)
        .opt("port", e.dest_port)
        .put("geo", Obj::new().s("country_iso_code", e.geo).build())
        .build();
    let network = Obj::new()
        .s("transport", protocol_for(e.port))
        .opt("bytes_out", e.bytes_out)
        .opt("bytes_in", e.bytes_in)
        .build();
    let process = Obj::new()
        .opt("name", e.process)
        .n("pid", 1_000 + rng.below(20_000))
        .build();
    let user = e.user.map(|name| Obj::new().put("name", name).build());
    stamp_field(Obj::new(), Stamp::Iso, e.ms)
        .s("_sourceCategory", e.category)
        .put(
            "event",
            Obj::new()
                .s("kind", "network")
                .s("action", e.action)
                .s("outcome", outcome)
                .build(),
        )
        .put(
            "host",
            Obj::new()
                .s("name", e.host)
                .put(
                    "os",
                    Obj::new()
                        .s("family", "windows")
                        .s("version", "10.0.19045")
                        .build(),
                )
                .build(),
        )
        .put(
            "source",
            Obj::new()
                .s("ip", e.src_ip)
                .put("port", num_or_str(rng, src_port))
                .build(),
        )
        .put("destination", destination)
        .put("process", process)
        .opt("user", user)
        .put("network", network)
        .put("tags", Json::Arr(e.tags))
        .build()
}

fn render_scenario_conn(conn: &Conn, ms: i64, rng: &mut Rng) -> Json {
    if conn.family == Family::Nested {
        let event = NetEvent {
            ms,
            category: conn.category.unwrap_or(Family::Nested.category()),
            host: "WS-0311",
            src_ip: conn.src_ip,
            dest_ip: field(conn.dest_ip),
            dest_port: field(conn.dest_port),
            port: port_number(conn.dest_port),
            geo: "ZZ",
            action: conn.action,
            process: field(conn.process),
            user: field(conn.user),
            bytes_out: field(conn.bytes_out),
            bytes_in: field(conn.bytes_in),
            tags: vec![Json::Str("outbound".into()), Json::Str("smb".into())],
        };
        return nested_record(event, rng);
    }
    flat_record(
        Flat {
            family: conn.family,
            category: conn.category.unwrap_or(conn.family.category()),
            stamp: Stamp::Iso,
            ms,
            src_ip: conn.src_ip,
            dest_ip: field(conn.dest_ip),
            dest_port: field(conn.dest_port),
            port: port_number(conn.dest_port),
            action: conn.action,
            user: field(conn.user),
            process: field(conn.process),
            bytes_out: field(conn.bytes_out),
            bytes_in: field(conn.bytes_in),
        },
        rng,
    )
}

// ---------------------------------------------------------------------------
// Background noise
// ---------------------------------------------------------------------------

const USERS: [&str; 24] = [
    "jsmith",
    "akhan",
    "bwu",
    "mlopez",
    "dkim",
    "ebrown",
    "fnguyen",
    "gpatel",
    "hmuller",
    "ijones",
    "kobrien",
    "lrossi",
    "msato",
    "nsilva",
    "opetrov",
    "pdubois",
    "rgarcia",
    "tnakamura",
    "zoë.m",
    "józef.k",
    "CORP\\svc_web",
    "svc_backup",
    "svc_monitor",
    "admin",
];

const WEB_PROCESSES: [&str; 10] = [
    "chrome.exe",
    "msedge.exe",
    "firefox.exe",
    "Teams.exe",
    "OneDrive.exe",
    "outlook.exe",
    "slack.exe",
    "curl",
    "python3",
    "java",
];

#[derive(Clone, Copy)]
enum DestKind {
    Public,
    Resolver,
    PublicOrInternal,
    Internal,
    FileServer,
}

/// Destination port mix of firewall noise: port, weight, destination kind and
/// the processes that typically open such a connection.
const NOISE_PORTS: [(u64, u32, DestKind, &[&str]); 12] = [
    (443, 46, DestKind::Public, &WEB_PROCESSES),
    (80, 14, DestKind::Public, &WEB_PROCESSES),
    (8080, 2, DestKind::Public, &["java", "python3", "curl"]),
    (8443, 2, DestKind::Public, &["chrome.exe", "java"]),
    (
        53,
        12,
        DestKind::Resolver,
        &["svchost.exe", "systemd-resolved"],
    ),
    (
        22,
        7,
        DestKind::PublicOrInternal,
        &["ssh.exe", "putty.exe", "ssh", "git"],
    ),
    (3389, 3, DestKind::Internal, &["mstsc.exe"]),
    (123, 3, DestKind::Public, &["svchost.exe", "chronyd"]),
    (25, 1, DestKind::Public, &["postfix", "outlook.exe"]),
    (
        993,
        2,
        DestKind::Public,
        &["outlook.exe", "thunderbird.exe"],
    ),
    (
        445,
        6,
        DestKind::FileServer,
        &["explorer.exe", "System", "robocopy.exe"],
    ),
    (139, 2, DestKind::FileServer, &["System", "explorer.exe"]),
];

const PUBLIC_RESOLVERS: [&str; 4] = ["8.8.8.8", "8.8.4.4", "1.1.1.1", "9.9.9.9"];
const INTERNAL_RESOLVERS: [&str; 2] = ["10.0.0.53", "10.0.0.54"];

const DOMAINS: [&str; 16] = [
    "www.example.com",
    "login.microsoftonline.com",
    "outlook.office365.com",
    "github.com",
    "api.github.com",
    "updates.example.net",
    "cdn.jsdelivr.net",
    "slack.com",
    "teams.microsoft.com",
    "time.windows.com",
    "fileshare.corp.example",
    "intranet.corp.example",
    "wpad.corp.example",
    "xj3k9q.badcdn.example",
    "mail.example.org",
    "s3.amazonaws.com",
];

/// Hosts and addresses shared by all noise generators.
struct Pools {
    /// Internal clients: (address, host name).
    clients: Vec<(String, String)>,
    public_dests: Vec<String>,
    /// Private file servers; the only destinations that noise sends to the
    /// detection's ports, so background records never reach its result.
    file_servers: Vec<String>,
    internal_servers: Vec<String>,
}

impl Pools {
    fn new(seed: u64) -> Pools {
        let mut rng = Rng::stream(seed, 100);
        let mut clients = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        while clients.len() < 60 {
            let ip = match rng.weighted(&[8, 1, 1]) {
                0 => net::pack(10, 20, rng.below(16) as u8, 10 + rng.below(240) as u8),
                1 => net::pack(192, 168, 10, 10 + rng.below(240) as u8),
                _ => net::pack(172, 20, 5, 10 + rng.below(240) as u8),
            };
            if seen.insert(ip) {
                let host = format!("WS-{:04}", 1 + rng.below(400));
                clients.push((net::ipv4_string(ip), host));
            }
        }
        let public_dests = (0..240)
            .map(|_| net::ipv4_string(net::random_public(&mut rng)))
            .collect();
        Pools {
            clients,
            public_dests,
            file_servers: ["10.0.5.10", "10.0.5.11", "172.16.8.20", "192.168.1.5"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            internal_servers: ["10.0.9.21", "10.0.9.22", "10.10.1.5", "172.16.3.30"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    fn dest(&self, kind: DestKind, rng: &mut Rng) -> String {
        match kind {
            DestKind::Public => rng.pick(&self.public_dests).clone(),
            DestKind::Resolver => {
                if rng.chance(1, 2) {
                    rng.pick(&PUBLIC_RESOLVERS).to_string()
                } else {
                    rng.pick(&INTERNAL_RESOLVERS).to_string()
                }
            }
            DestKind::PublicOrInternal => {
                if rng.chance(1, 2) {
                    rng.pick(&self.public_dests).clone()
                } else {
                    rng.pick(&self.internal_servers).clone()
                }
            }
            DestKind::Internal => rng.pick(&self.internal_servers).clone(),
            DestKind::FileServer => rng.pick(&self.file_servers).clone(),
        }
    }
}

fn bytes_value(rng: &mut Rng, min_digits: u64, max_digits: u64) -> u64 {
    let digits = rng.range(min_digits, max_digits) as u32;
    let low = if digits <= 1 {
        0
    } else {
        10u64.pow(digits - 1)
    };
    rng.range(low, 10u64.pow(digits) - 1)
}

fn maybe_user(rng: &mut Rng) -> Option<Json> {
    match rng.weighted(&[88, 8, 4]) {
        0 => Some(Json::Str(rng.pick(&USERS).to_string())),
        1 => None,
        _ => Some(Json::Null),
    }
}

fn firewall_noise(family: Family, pools: &Pools, rng: &mut Rng) -> Json {
    let ms = noise_time(rng);
    let stamp = noise_stamp(rng);
    let weights: Vec<u32> = NOISE_PORTS.iter().map(|p| p.1).collect();
    let (port, _, kind, processes) = NOISE_PORTS[rng.weighted(&weights)];
    let dest = pools.dest(kind, rng);
    let actions = family.actions();
    let action_weights: Vec<u32> = actions.iter().map(|a| a.1).collect();
    let (action, _, allowed) = actions[rng.weighted(&action_weights)];
    let (src_ip, _) = rng.pick(&pools.clients).clone();
    let (bytes_out, bytes_in) = if allowed {
        let out = bytes_value(rng, 2, 5);
        let inb = bytes_value(rng, 3, 7);
        let out = num_or_str(rng, out);
        let inb = if rng.chance(1, 40) {
            None
        } else {
            Some(num_or_str(rng, inb))
        };
        (Some(out), inb)
    } else {
        (Some(Json::Num(0)), Some(num_or_str(rng, 0)))
    };
    let process = if rng.chance(1, 25) {
        None
    } else {
        Some(Json::Str(rng.pick(processes).to_string()))
    };
    let user = maybe_user(rng);
    let dest_port = num_or_str(rng, port);
    flat_record(
        Flat {
            family,
            category: family.category(),
            stamp,
            ms,
            src_ip: &src_ip,
            dest_ip: Some(Json::Str(dest)),
            dest_port: Some(dest_port),
            port: Some(port),
            action,
            user,
            process,
            bytes_out,
            bytes_in,
        },
        rng,
    )
}

fn dns_noise(pools: &Pools, rng: &mut Rng) -> Json {
    let ms = noise_time(rng);
    let stamp = noise_stamp(rng);
    let (src_ip, _) = rng.pick(&pools.clients).clone();
    let domain = *rng.pick(&DOMAINS);
    let qtype = ["A", "A", "A", "AAAA", "TXT", "MX", "SRV"][rng.below(7) as usize];
    let blocked = domain.contains("badcdn");
    let nx = !blocked && rng.chance(1, 12);
    let rcode = if blocked {
        "REFUSED"
    } else if nx {
        "NXDOMAIN"
    } else {
        "NOERROR"
    };
    let answer = if blocked || nx {
        None
    } else if qtype == "AAAA" {
        Some(Json::Str(format!(
            "2001:db8:{:x}::{:x}",
            rng.below(4096),
            1 + rng.below(255)
        )))
    } else {
        Some(Json::Str(net::ipv4_string(net::random_public(rng))))
    };
    let src_port = 49_152 + rng.below(16_384);
    let src_port = num_or_str(rng, src_port);
    let dest_port = num_or_str(rng, 53);
    stamp_field(Obj::new(), stamp, ms)
        .s("_sourceCategory", Family::Dns.category())
        .s("device", *rng.pick(Family::Dns.devices()))
        .s("src_ip", src_ip)
        .put("src_port", src_port)
        .s("dest_ip", *rng.pick(&INTERNAL_RESOLVERS))
        .put("dest_port", dest_port)
        .s("protocol", "udp")
        .s("query", domain)
        .s("query_type", qtype)
        .s("response_code", rcode)
        .opt("answer", answer)
        .s("action", if blocked { "blocked" } else { "allowed" })
        .build()
}

fn endpoint_noise(pools: &Pools, rng: &mut Rng) -> Json {
    let ms = noise_time(rng);
    let stamp = noise_stamp(rng);
    let (src_ip, host) = rng.pick(&pools.clients).clone();
    let user = maybe_user(rng);
    let pid = 1_000 + rng.below(20_000);
    let base = |event_id: u64, stamp: Stamp| {
        stamp_field(Obj::new(), stamp, ms)
            .s("_sourceCategory", Family::Endpoint.category())
            .s("device", host.as_str())
            .n("event_id", event_id)
            .n("process_id", pid)
    };
    match rng.weighted(&[40, 35, 15, 10]) {
        0 => {
            let (process, command, parent) = *rng.pick(&[
                (
                    "cmd.exe",
                    "\"C:\\Windows\\System32\\cmd.exe\" /c \"dir C:\\Users\"",
                    "explorer.exe",
                ),
                (
                    "powershell.exe",
                    "powershell.exe -NoProfile -Command \"Get-Process | Sort CPU\"",
                    "explorer.exe",
                ),
                (
                    "chrome.exe",
                    "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" --type=renderer",
                    "chrome.exe",
                ),
                (
                    "svchost.exe",
                    "C:\\Windows\\system32\\svchost.exe -k netsvcs -p",
                    "services.exe",
                ),
                ("git.exe", "git fetch --all --prune", "Code.exe"),
            ]);
            base(1, stamp)
                .opt("user", user)
                .s("process_name", process)
                .s("command_line", command)
                .s("parent_process_name", parent)
                .build()
        }
        1 => {
            let weights: Vec<u32> = NOISE_PORTS.iter().map(|p| p.1).collect();
            let (port, _, kind, processes) = NOISE_PORTS[rng.weighted(&weights)];
            let dest = pools.dest(kind, rng);
            let src_port = 49_152 + rng.below(16_384);
            let src_port = num_or_str(rng, src_port);
            let dest_port = num_or_str(rng, port);
            base(3, stamp)
                .opt("user", user)
                .s("process_name", *rng.pick(processes))
                .s("src_ip", src_ip)
                .put("src_port", src_port)
                .s("dest_ip", dest)
                .put("dest_port", dest_port)
                .s("protocol", protocol_for(Some(port)))
                .build()
        }
        2 => {
            let file = *rng.pick(&[
                "C:\\Users\\Public\\Downloads\\report.xlsx",
                "C:\\Windows\\Temp\\setup.log",
                "C:\\Users\\Public\\Documents\\notes.txt",
                "C:\\ProgramData\\Agent\\cache.db",
            ]);
            base(11, stamp)
                .opt("user", user)
                .s(
                    "process_name",
                    *rng.pick(&["explorer.exe", "msiexec.exe", "excel.exe"]),
                )
                .s("file_path", file)
                .build()
        }
        _ => base(22, stamp)
            .opt("user", user)
            .s("process_name", *rng.pick(&WEB_PROCESSES))
            .s("query", *rng.pick(&DOMAINS))
            .build(),
    }
}

fn nested_noise(pools: &Pools, rng: &mut Rng) -> Json {
    let ms = noise_time(rng);
    let (src_ip, host) = rng.pick(&pools.clients).clone();
    if rng.chance(3, 10) {
        let stamp = if rng.chance(1, 10) {
            Stamp::EpochMillis
        } else {
            Stamp::Iso
        };
        let user = maybe_user(rng).map(|u| Obj::new().put("name", u).build());
        return stamp_field(Obj::new(), stamp, ms)
            .s("_sourceCategory", Family::Nested.category())
            .put(
                "event",
                Obj::new()
                    .s("kind", "process")
                    .s("action", "start")
                    .s("outcome", "success")
                    .build(),
            )
            .put("host", Obj::new().s("name", host).build())
            .put(
                "process",
                Obj::new()
                    .s(
                        "name",
                        *rng.pick(&["powershell.exe", "cmd.exe", "rundll32.exe"]),
                    )
                    .n("pid", 1_000 + rng.below(20_000))
                    .s("command_line", "powershell.exe -enc SQBFAFgA")
                    .put(
                        "parent",
                        Obj::new()
                            .s("name", "explorer.exe")
                            .n("pid", 500 + rng.below(500))
                            .build(),
                    )
                    .build(),
            )
            .opt("user", user)
            .put("tags", Json::Arr(vec![Json::Str("process".into())]))
            .build();
    }
    let weights: Vec<u32> = NOISE_PORTS.iter().map(|p| p.1).collect();
    let (port, _, kind, processes) = NOISE_PORTS[rng.weighted(&weights)];
    let dest = pools.dest(kind, rng);
    let user = maybe_user(rng);
    let action = if rng.chance(9, 10) { "allow" } else { "deny" };
    let bytes_out = bytes_value(rng, 2, 5);
    let bytes_in = bytes_value(rng, 3, 7);
    let event = NetEvent {
        ms,
        category: Family::Nested.category(),
        host: &host,
        src_ip: &src_ip,
        dest_ip: Some(Json::Str(dest)),
        dest_port: Some(Json::Num(port)),
        port: Some(port),
        geo: rng.pick::<&str>(&["US", "DE", "NL", "GB", "JP", "IE"]),
        action,
        process: Some(Json::Str(rng.pick(processes).to_string())),
        user,
        bytes_out: Some(Json::Num(bytes_out)),
        bytes_in: Some(Json::Num(bytes_in)),
        tags: vec![Json::Str("outbound".into())],
    };
    nested_record(event, rng)
}

fn noise(family: Family, pools: &Pools, rng: &mut Rng) -> Json {
    match family {
        Family::Endpoint => endpoint_noise(pools, rng),
        Family::Dns => dns_noise(pools, rng),
        Family::Nested => nested_noise(pools, rng),
        _ => firewall_noise(family, pools, rng),
    }
}

// ---------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------

/// Each scenario gets its own seven-hour window of the week, so scenario
/// timestamps never collide.
const SCENARIO_WINDOW_MS: i64 = 7 * MS_PER_HOUR;

/// Times (epoch ms) for the records of scenario number `index`, in record
/// order. All values are distinct and lie inside the generated week.
fn scenario_times(index: usize, records: usize, rng: &mut Rng) -> Vec<i64> {
    let start = WEEK_START_MS
        + index as i64 * SCENARIO_WINDOW_MS
        + 30 * MS_PER_MINUTE
        + rng.below(60 * MS_PER_MINUTE as u64) as i64;
    let mut times: Vec<i64> = (0..records)
        .map(|j| start + j as i64 * 6 * MS_PER_MINUTE + rng.below(5 * MS_PER_MINUTE as u64) as i64)
        .collect();
    rng.shuffle(&mut times);
    times
}

/// Generates all example files for `seed`, in [`Family::ALL`] order.
///
/// The output depends only on `seed`: the same seed always produces
/// byte-identical files.
pub fn generate(seed: u64) -> Vec<ExampleFile> {
    let pools = Pools::new(seed);
    let mut lines: Vec<Vec<Vec<u8>>> = vec![Vec::new(); Family::ALL.len()];

    let mut time_rng = Rng::stream(seed, 1);
    let mut detail_rng = Rng::stream(seed, 2);
    for (index, scenario) in scenarios::all().iter().enumerate() {
        let times = scenario_times(index, scenario.conns.len(), &mut time_rng);
        for (conn, ms) in scenario.conns.iter().zip(times) {
            let mut line = Vec::with_capacity(400);
            render_scenario_conn(conn, ms, &mut detail_rng).write(&mut line);
            lines[conn.family.index() as usize].push(line);
        }
    }

    Family::ALL
        .iter()
        .zip(lines)
        .map(|(&family, mut file_lines)| {
            let mut rng = Rng::stream(seed, 10 + family.index());
            for _ in 0..family.noise_records() {
                let mut line = Vec::with_capacity(400);
                noise(family, &pools, &mut rng).write(&mut line);
                file_lines.push(line);
            }
            rng.shuffle(&mut file_lines);
            let mut contents = Vec::new();
            for line in &file_lines {
                contents.extend_from_slice(line);
                contents.push(b'\n');
            }
            ExampleFile {
                name: family.file_name(),
                category: family.category(),
                lines: file_lines.len(),
                contents,
            }
        })
        .collect()
}

/// Writes every example file plus a `README.md` describing them into `dir`
/// (created if needed) and returns the files and their paths.
pub fn write_to_dir(dir: &Path, seed: u64) -> io::Result<Vec<(PathBuf, ExampleFile)>> {
    std::fs::create_dir_all(dir)?;
    let files = generate(seed);
    let mut written = Vec::new();
    for file in files {
        let path = dir.join(file.name);
        std::fs::write(&path, &file.contents)?;
        written.push((path, file));
    }
    let listing: Vec<ExampleFile> = written.iter().map(|(_, f)| f.clone()).collect();
    std::fs::write(dir.join("README.md"), readme(seed, &listing))?;
    Ok(written)
}

/// The SMB / FTP / TFTP exfiltration detection the scenarios are built for.
pub const DETECTION_QUERY: &str = r#"(_sourceCategory=network/firewall OR _sourceCategory=network/paloalto OR _sourceCategory=network/cisco/asa OR _sourceCategory=network/fortinet)
| where dest_port in ("20","21","69","139","445","990")
| where action in ("allow","allowed","permit","accept","built")
| where !isPrivateIP(dest_ip)
| where dest_ip != "0.0.0.0"
| eval Protocol = if(dest_port in ("20","21","990"), "FTP/FTPS", if(dest_port in ("445","139"), "SMB", if(dest_port == "69", "TFTP", "Unknown")))
| eval BytesSent = toLong(if(isNull(bytes_out), "0", bytes_out))
| eval BytesReceived = toLong(if(isNull(bytes_in), "0", bytes_in))
| stats count as ConnectionCount, sum(BytesSent) as TotalBytesSent, sum(BytesReceived) as TotalBytesReceived, min(_messageTime) as FirstSeen, max(_messageTime) as LastSeen, values(user) as Users by src_ip, dest_ip, dest_port, Protocol, process_name
| where ConnectionCount > 3
| eval ExfilRisk = if(TotalBytesSent > 10485760, "HIGH", if(TotalBytesSent > 1048576, "MEDIUM", "LOW"))
| formatDate(toLong(FirstSeen), "yyyy-MM-dd HH:mm:ss") as FirstSeen
| formatDate(toLong(LastSeen),  "yyyy-MM-dd HH:mm:ss") as LastSeen
| fields LastSeen, FirstSeen, src_ip, dest_ip, dest_port, Protocol, process_name, Users, ConnectionCount, TotalBytesSent, TotalBytesReceived, ExfilRisk
| sort by ConnectionCount desc"#;

fn show(f: F) -> String {
    match f {
        F::Missing => "(missing)".to_string(),
        F::Null => "`null`".to_string(),
        F::S(s) => {
            let mut buf = Vec::new();
            crate::json::push_str(&mut buf, s);
            format!("`{}`", String::from_utf8_lossy(&buf))
        }
        F::N(n) => format!("`{n}`"),
    }
}

fn distinct(values: impl Iterator<Item = String>) -> String {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out.join(", ")
}

/// Renders the README that accompanies the example files.
pub fn readme(seed: u64, files: &[ExampleFile]) -> String {
    let mut md = String::new();
    let total_lines: usize = files.iter().map(|f| f.lines).sum();
    let total_bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    md.push_str("# Example logs\n\n");
    md.push_str(
        "Synthetic firewall, endpoint and DNS logs in NDJSON (one JSON object per line). \
         They are generated, not hand-written; regenerate them instead of editing them:\n\n",
    );
    let _ = writeln!(
        md,
        "```sh\ncargo run -p sumoql-loggen -- examples --out examples/logs --seed {seed}\n```\n"
    );
    md.push_str(
        "The generator uses its own seeded PRNG and integer arithmetic only, so the same seed \
         produces byte-identical files on every machine.\n\n## Files\n\n\
         | File | Default `_sourceCategory` | Lines | Bytes |\n| --- | --- | ---: | ---: |\n",
    );
    for f in files {
        let _ = writeln!(
            md,
            "| `{}` | `{}` | {} | {} |",
            f.name,
            f.category,
            f.lines,
            f.contents.len()
        );
    }
    let _ = writeln!(md, "| total | | {total_lines} | {total_bytes} |\n");
    md.push_str(
        "## Record shape\n\n\
         Flat records carry `timestamp`, `_sourceCategory`, `device`, `src_ip`, `src_port`, \
         `dest_ip`, `dest_port`, `protocol`, `action`, `user`, `process_name`, `bytes_out` and \
         `bytes_in`; firewall records add `app`, `rule` and a few vendor fields (`zone_from`, \
         `asa_msg_id`, `policyid`, ...). DNS records add `query`, `query_type`, `response_code` and \
         `answer`; Sysmon records add `event_id`, `process_id`, `command_line`, `file_path`. \
         `nested.ndjson` (`endpoint/edr`) nests its values: `source.ip`, `destination.port`, \
         `process.name`, `user.name`, `network.bytes_out`, `event.action`, plus a `tags` array.\n\n\
         * Times: 2024-03-04 to 2024-03-10 UTC. Most `timestamp` values are ISO-8601 with \
         milliseconds (`2024-03-04T10:15:02.123Z`); a few background records use epoch seconds or \
         epoch milliseconds as JSON numbers, or carry `_messageTime` (epoch ms) instead of \
         `timestamp`. Scenario records always use the ISO form and have distinct times.\n\
         * Ports, byte counts and source ports are JSON numbers in about half of the records and \
         numeric strings in the rest.\n\
         * Background traffic is mostly web, DNS, SSH, NTP and mail from private sources to public \
         destinations. It reaches ports 139 and 445 only towards private file servers, so none of \
         it appears in the detection result below.\n\
         * Scenario records are shuffled in among the background records of their files.\n\n",
    );
    md.push_str("## Scenarios\n\nThe scenarios target this detection:\n\n```\n");
    md.push_str(DETECTION_QUERY);
    md.push_str(
        "\n```\n\n\
         `S..` groups must each yield exactly one result row; `X..` groups must yield none. Values \
         are shown as JSON (`445` is a number, `\"445\"` a string).\n\n\
         | ID | Files | `src_ip` | `dest_ip` | `dest_port` | `process_name` | Exercises | Expected |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for sc in scenarios::all() {
        let files = distinct(
            sc.conns
                .iter()
                .map(|c| format!("`{}`", c.family.file_name())),
        );
        let src = distinct(sc.conns.iter().map(|c| format!("`{}`", c.src_ip)));
        let dest = distinct(sc.conns.iter().map(|c| show(c.dest_ip)));
        let port = distinct(sc.conns.iter().map(|c| show(c.dest_port)));
        let process = distinct(sc.conns.iter().map(|c| show(c.process)));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} ({} records) | {} |",
            sc.id,
            files,
            src,
            dest,
            port,
            process,
            sc.exercises,
            sc.conns.len(),
            sc.expected
        );
    }
    md.push_str(
        "\nTotals are sums after `toLong`: decimal strings truncate, `\"\"`, `\"abc\"` and `\"n/a\"` \
         are null and skipped, null or missing byte counts count as 0. Rows sort by \
         `ConnectionCount` descending; among equal counts the expected order follows the group key \
         (`src_ip`, `dest_ip`, `dest_port`, `Protocol`, `process_name`) ascending, null first.\n",
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_times_are_distinct_and_in_the_week() {
        let mut rng = Rng::new(1);
        let mut all = Vec::new();
        for (i, sc) in scenarios::all().iter().enumerate() {
            all.extend(scenario_times(i, sc.conns.len(), &mut rng));
        }
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
        assert!(all[0] >= WEEK_START_MS);
        assert!(*all.last().unwrap() < WEEK_START_MS + WEEK_MS);
    }

    #[test]
    fn every_family_has_a_file_and_the_total_is_small() {
        let files = generate(DEFAULT_SEED);
        assert_eq!(files.len(), Family::ALL.len());
        let total: usize = files.iter().map(|f| f.contents.len()).sum();
        assert!(total < 1_500_000, "examples are {total} bytes");
        for f in &files {
            assert!(f.lines > 100);
            assert_eq!(f.contents.iter().filter(|&&b| b == b'\n').count(), f.lines);
        }
    }

    #[test]
    fn scenarios_fit_their_windows() {
        let scenarios = scenarios::all();
        assert!(scenarios.len() as i64 * SCENARIO_WINDOW_MS <= WEEK_MS);
        for sc in &scenarios {
            // 90 minutes of start jitter plus 6 minutes per record.
            assert!(
                90 + 6 * sc.conns.len() as i64 <= 7 * 60,
                "{} too long",
                sc.id
            );
        }
    }
}
