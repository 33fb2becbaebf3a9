//! Bench mode: a large NDJSON stream for throughput and memory benchmarks.
//!
//! See the crate documentation for the shape of the data. Everything that
//! varies per record is drawn from pre-rendered tables so that writing a
//! record is little more than a series of buffer copies.

use std::io::{self, BufWriter, Write};

use crate::json::{push_str, push_u64, push_u64_maybe_quoted};
use crate::net;
use crate::rng::{mix64, Rng};
use crate::time::{push_iso_ms, WEEK_MS, WEEK_START_MS};

/// Default number of distinct source hosts.
pub const DEFAULT_SRC_HOSTS: u64 = 4_000;
/// Default number of distinct public destination hosts.
pub const DEFAULT_DEST_HOSTS: u64 = 40_000;
/// By default the `session_id` pool holds one session per this many records.
pub const RECORDS_PER_SESSION: u64 = 5;
/// Largest accepted `src_hosts` (all sources live in 10.20.0.0–10.255.255.255).
pub const MAX_SRC_HOSTS: u64 = 236 * 256 * 254;
/// Number of private (internal) destination hosts.
pub const PRIVATE_DEST_HOSTS: u64 = 500;
/// The ports of the exfiltration detection.
pub const DETECTION_PORTS: [u64; 6] = [20, 21, 69, 139, 445, 990];

/// Settings of one bench run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchConfig {
    /// Number of records (lines) to write.
    pub records: u64,
    /// Seed; equal settings give byte-identical output.
    pub seed: u64,
    /// Number of distinct source addresses.
    pub src_hosts: u64,
    /// Number of distinct public destination addresses.
    pub dest_hosts: u64,
    /// Size of the `session_id` pool; `None` means `records / 5` (at least 1).
    pub sessions: Option<u64>,
}

impl BenchConfig {
    /// Default settings for `records` records and seed 7.
    pub fn new(records: u64) -> Self {
        BenchConfig {
            records,
            seed: 7,
            src_hosts: DEFAULT_SRC_HOSTS,
            dest_hosts: DEFAULT_DEST_HOSTS,
            sessions: None,
        }
    }

    /// The effective `session_id` pool size.
    pub fn session_pool(&self) -> u64 {
        self.sessions
            .unwrap_or(self.records / RECORDS_PER_SESSION)
            .max(1)
    }

    /// Checks the settings, returning a description of the first problem.
    pub fn validate(&self) -> Result<(), String> {
        if self.src_hosts == 0 || self.src_hosts > MAX_SRC_HOSTS {
            return Err(format!("--src-hosts must be between 1 and {MAX_SRC_HOSTS}"));
        }
        if self.dest_hosts == 0 || self.dest_hosts > 50_000_000 {
            return Err("--dest-hosts must be between 1 and 50000000".to_string());
        }
        if self.sessions == Some(0) {
            return Err("--sessions must be at least 1".to_string());
        }
        Ok(())
    }
}

/// What a bench run wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BenchStats {
    /// Records written.
    pub records: u64,
    /// Bytes written, newlines included.
    pub bytes: u64,
}

/// How a port's destinations are chosen.
#[derive(Clone, Copy)]
enum Dest {
    /// Private with the given chance in 100, else public.
    Mixed(u64),
    /// DNS resolvers.
    Resolver,
}

#[derive(Clone, Copy)]
enum Procs {
    Web,
    Dns,
    Ssh,
    Rdp,
    Smb,
    Ftp,
    Tftp,
    Mail,
    Db,
    System,
}

fn processes(kind: Procs) -> &'static [&'static str] {
    match kind {
        Procs::Web => &[
            "chrome.exe",
            "msedge.exe",
            "firefox.exe",
            "Teams.exe",
            "OneDrive.exe",
            "outlook.exe",
            "slack.exe",
            "zoom.exe",
            "curl",
            "python3",
            "java",
            "node",
        ],
        Procs::Dns => &["svchost.exe", "systemd-resolved", "dnsmasq"],
        Procs::Ssh => &["ssh.exe", "putty.exe", "ssh", "git"],
        Procs::Rdp => &["mstsc.exe"],
        Procs::Smb => &[
            "explorer.exe",
            "System",
            "robocopy.exe",
            "rundll32.exe",
            "powershell.exe",
        ],
        Procs::Ftp => &[
            "ftp.exe",
            "filezilla.exe",
            "winscp.exe",
            "python.exe",
            "curl",
        ],
        Procs::Tftp => &["tftp.exe", "pxeboot.exe"],
        Procs::Mail => &["outlook.exe", "thunderbird.exe", "postfix"],
        Procs::Db => &["java", "psql", "mysqld", "python3"],
        Procs::System => &["svchost.exe", "chronyd"],
    }
}

/// Destination ports of non-DNS records with weights out of 10 000. The six
/// detection ports add up to 585, so that together with the DNS records
/// (always port 53) they make 5.5% of all records.
const PORTS: [(u64, u32, Dest, Procs, &str); 18] = [
    (445, 234, Dest::Mixed(40), Procs::Smb, "ms-ds-smb"),
    (21, 117, Dest::Mixed(20), Procs::Ftp, "ftp"),
    (139, 88, Dest::Mixed(40), Procs::Smb, "netbios-ss"),
    (20, 58, Dest::Mixed(20), Procs::Ftp, "ftp"),
    (990, 47, Dest::Mixed(20), Procs::Ftp, "ftps"),
    (69, 41, Dest::Mixed(20), Procs::Tftp, "tftp"),
    (443, 5620, Dest::Mixed(8), Procs::Web, "ssl"),
    (80, 1500, Dest::Mixed(8), Procs::Web, "web-browsing"),
    (53, 900, Dest::Resolver, Procs::Dns, "dns"),
    (22, 500, Dest::Mixed(40), Procs::Ssh, "ssh"),
    (8080, 200, Dest::Mixed(8), Procs::Web, "http-proxy"),
    (8443, 150, Dest::Mixed(8), Procs::Web, "ssl"),
    (3389, 180, Dest::Mixed(90), Procs::Rdp, "ms-rdp"),
    (123, 150, Dest::Mixed(5), Procs::System, "ntp"),
    (25, 60, Dest::Mixed(5), Procs::Mail, "smtp"),
    (993, 100, Dest::Mixed(5), Procs::Mail, "imap"),
    (3306, 30, Dest::Mixed(80), Procs::Db, "mysql"),
    (5432, 25, Dest::Mixed(80), Procs::Db, "postgres"),
];

struct Category {
    name: &'static str,
    /// Weight out of 1000.
    weight: u32,
    devices: &'static [&'static str],
    /// Verdicts with weights and whether bytes flowed.
    actions: &'static [(&'static str, u32, bool)],
    allow_rules: &'static [&'static str],
    deny_rules: &'static [&'static str],
    upper_apps: bool,
    dns: bool,
}

const CATEGORIES: [Category; 6] = [
    Category {
        name: "network/firewall",
        weight: 300,
        devices: &["fw-edge-01", "fw-edge-02", "fw-dc-01", "fw-dc-02"],
        actions: &[("allow", 78, true), ("deny", 14, false), ("drop", 8, false)],
        allow_rules: &[
            "allow-outbound-web",
            "allow-dns",
            "allow-internal",
            "allow-ssh-admin",
        ],
        deny_rules: &["default-deny", "block-bad-reputation"],
        upper_apps: false,
        dns: false,
    },
    Category {
        name: "network/paloalto",
        weight: 250,
        devices: &["pa-5220-hq", "pa-3410-branch", "pa-440-remote"],
        actions: &[
            ("allow", 80, true),
            ("deny", 10, false),
            ("drop", 6, false),
            ("reset-both", 4, false),
        ],
        allow_rules: &["Outbound-Web", "Trust-Untrust", "Internal-Svc"],
        deny_rules: &["Block-Known-Bad", "interzone-default"],
        upper_apps: false,
        dns: false,
    },
    Category {
        name: "network/cisco/asa",
        weight: 200,
        devices: &["asa-5516-dmz", "asa-5525-core", "asa-5508-lab"],
        actions: &[
            ("built", 62, true),
            ("teardown", 28, true),
            ("deny", 10, false),
        ],
        allow_rules: &["inside_access_out", "global_access"],
        deny_rules: &["outside_access_in"],
        upper_apps: false,
        dns: false,
    },
    Category {
        name: "network/fortinet",
        weight: 150,
        devices: &["fgt-200f-lab", "fgt-600e-dc", "fgt-100f-br"],
        actions: &[
            ("accept", 70, true),
            ("close", 15, true),
            ("deny", 10, false),
            ("timeout", 5, true),
        ],
        allow_rules: &["LAN-to-WAN", "DNS-Out", "Server-Access"],
        deny_rules: &["implicit-deny"],
        upper_apps: true,
        dns: false,
    },
    Category {
        name: "network/dns",
        weight: 60,
        devices: &["dns-resolver-01", "dns-resolver-02"],
        actions: &[("allowed", 95, true), ("blocked", 5, false)],
        allow_rules: &["recursion"],
        deny_rules: &["rpz-block"],
        upper_apps: false,
        dns: true,
    },
    Category {
        name: "endpoint/sysmon",
        weight: 40,
        devices: &["WS-0142", "WS-0077", "WS-0311", "SRV-FILE-01", "SRV-APP-02"],
        actions: &[("connect", 1, true)],
        allow_rules: &["sysmon-3"],
        deny_rules: &["sysmon-3"],
        upper_apps: false,
        dns: false,
    },
];

const FIRST_NAMES: [&str; 26] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s",
    "t", "u", "v", "w", "x", "y", "z",
];
const SURNAMES: [&str; 48] = [
    "smith", "khan", "wu", "lopez", "kim", "brown", "nguyen", "patel", "muller", "jones", "obrien",
    "rossi", "sato", "silva", "petrov", "dubois", "garcia", "nakamura", "olsen", "novak", "costa",
    "fischer", "weber", "ivanova", "tanaka", "martin", "lee", "chen", "singh", "moreau", "horvat",
    "kowalski", "jensen", "berg", "reyes", "santos", "ali", "haddad", "cohen", "murphy", "walsh",
    "young", "hall", "wright", "scott", "green", "baker", "adams",
];

/// Quoted JSON strings, ready to copy.
fn quoted(values: impl IntoIterator<Item = String>) -> Vec<Vec<u8>> {
    values
        .into_iter()
        .map(|v| {
            let mut buf = Vec::with_capacity(v.len() + 2);
            push_str(&mut buf, &v);
            buf
        })
        .collect()
}

struct PortEntry {
    port: u64,
    dest: Dest,
    procs: Vec<Vec<u8>>,
    app: Vec<u8>,
    app_upper: Vec<u8>,
    protocol: &'static [u8],
}

struct CategoryEntry {
    name: Vec<u8>,
    devices: Vec<Vec<u8>>,
    actions: Vec<(Vec<u8>, bool)>,
    action_weights: Vec<u32>,
    allow_rules: Vec<Vec<u8>>,
    deny_rules: Vec<Vec<u8>>,
    upper_apps: bool,
    dns: bool,
}

/// Pre-rendered tables plus the random state of one bench run.
struct Generator {
    rng: Rng,
    records: u64,
    step: u64,
    session_pool: u64,
    session_salt: u64,
    categories: Vec<CategoryEntry>,
    category_weights: Vec<u32>,
    ports: Vec<PortEntry>,
    port_weights: Vec<u32>,
    dns_port: usize,
    src: Vec<Vec<u8>>,
    dest_public: Vec<Vec<u8>>,
    dest_private: Vec<Vec<u8>>,
    resolvers: Vec<Vec<u8>>,
    users: Vec<Vec<u8>>,
}

/// Picks an index in `0..n` skewed towards small values (a product of two
/// uniforms), giving a few heavy hitters and a long tail.
#[inline]
fn skewed(bits: u64, n: u64) -> usize {
    let a = bits & 0xFFFF_FFFF;
    let b = bits >> 32;
    let product = (a * b) >> 32;
    ((product * n) >> 32) as usize
}

impl Generator {
    fn new(cfg: &BenchConfig) -> Generator {
        let mut setup = Rng::stream(cfg.seed, 1_000);
        let src = (0..cfg.src_hosts)
            .map(|i| {
                let a = i / 254;
                let ip = net::pack(
                    10,
                    (20 + a / 256) as u8,
                    (a % 256) as u8,
                    (i % 254 + 1) as u8,
                );
                let mut buf = Vec::with_capacity(15);
                net::push_ipv4(&mut buf, ip);
                buf
            })
            .collect();
        let dest_salt = setup.next_u64();
        let dest_public = (0..cfg.dest_hosts)
            .map(|i| {
                let mut buf = Vec::with_capacity(15);
                net::push_ipv4(&mut buf, net::public_from_bits(mix64(dest_salt ^ i)));
                buf
            })
            .collect();
        let dest_private = (0..PRIVATE_DEST_HOSTS)
            .map(|_| {
                let ip = match setup.below(3) {
                    0 => net::pack(10, 0, setup.below(32) as u8, 1 + setup.below(254) as u8),
                    1 => net::pack(172, 16, setup.below(16) as u8, 1 + setup.below(254) as u8),
                    _ => net::pack(192, 168, setup.below(8) as u8, 1 + setup.below(254) as u8),
                };
                let mut buf = Vec::new();
                net::push_ipv4(&mut buf, ip);
                buf
            })
            .collect();
        let resolvers = ["10.0.0.53", "10.0.0.54", "8.8.8.8", "1.1.1.1"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let mut users: Vec<String> = Vec::new();
        for surname in SURNAMES {
            for first in FIRST_NAMES {
                users.push(format!("{first}{surname}"));
            }
        }
        users.extend(
            [
                "CORP\\svc_web",
                "svc_backup",
                "svc_monitor",
                "SYSTEM",
                "zoë.m",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        setup.shuffle(&mut users);
        let ports: Vec<PortEntry> = PORTS
            .iter()
            .map(|&(port, _, dest, procs, app)| PortEntry {
                port,
                dest,
                procs: quoted(processes(procs).iter().map(|s| s.to_string())),
                app: quoted([app.to_string()]).remove(0),
                app_upper: quoted([app.to_ascii_uppercase()]).remove(0),
                protocol: if matches!(port, 53 | 69 | 123) {
                    b"\"udp\""
                } else {
                    b"\"tcp\""
                },
            })
            .collect();
        let categories = CATEGORIES
            .iter()
            .map(|c| CategoryEntry {
                name: quoted([c.name.to_string()]).remove(0),
                devices: quoted(c.devices.iter().map(|s| s.to_string())),
                actions: c
                    .actions
                    .iter()
                    .map(|&(a, _, ok)| (quoted([a.to_string()]).remove(0), ok))
                    .collect(),
                action_weights: c.actions.iter().map(|a| a.1).collect(),
                allow_rules: quoted(c.allow_rules.iter().map(|s| s.to_string())),
                deny_rules: quoted(c.deny_rules.iter().map(|s| s.to_string())),
                upper_apps: c.upper_apps,
                dns: c.dns,
            })
            .collect();
        Generator {
            rng: Rng::stream(cfg.seed, 1_001),
            records: cfg.records.max(1),
            step: (WEEK_MS as u64 / cfg.records.max(1)).max(1),
            session_pool: cfg.session_pool(),
            session_salt: setup.next_u64(),
            categories,
            category_weights: CATEGORIES.iter().map(|c| c.weight).collect(),
            port_weights: PORTS.iter().map(|p| p.1).collect(),
            dns_port: PORTS.iter().position(|p| p.0 == 53).unwrap_or(0),
            ports,
            src,
            dest_public,
            dest_private,
            resolvers,
            users: quoted(users),
        }
    }

    /// Appends record number `i` (with its newline) to `buf`.
    fn record(&mut self, i: u64, buf: &mut Vec<u8>) {
        let rng = &mut self.rng;
        let flags = rng.next_u64();
        let cat = &self.categories[rng.weighted(&self.category_weights)];
        let port_index = if cat.dns {
            self.dns_port
        } else {
            rng.weighted(&self.port_weights)
        };
        let port = &self.ports[port_index];
        let (action, flowed) = &cat.actions[rng.weighted(&cat.action_weights)];

        let ms = WEEK_START_MS as u64
            + (u128::from(i) * WEEK_MS as u128 / u128::from(self.records)) as u64
            + rng.below(self.step);
        if (flags >> 24) & 0xff < 3 {
            buf.extend_from_slice(b"{\"timestamp\":");
            push_u64(buf, ms);
        } else {
            buf.extend_from_slice(b"{\"timestamp\":\"");
            push_iso_ms(buf, ms as i64);
            buf.push(b'"');
        }
        buf.extend_from_slice(b",\"_sourceCategory\":");
        buf.extend_from_slice(&cat.name);
        buf.extend_from_slice(b",\"device\":");
        buf.extend_from_slice(&cat.devices[rng.below(cat.devices.len() as u64) as usize]);

        buf.extend_from_slice(b",\"src_ip\":\"");
        buf.extend_from_slice(&self.src[skewed(rng.next_u64(), self.src.len() as u64)]);
        buf.extend_from_slice(b"\",\"src_port\":");
        push_u64_maybe_quoted(buf, 49_152 + rng.below(16_384), flags & 1 != 0);

        buf.extend_from_slice(b",\"dest_ip\":\"");
        let dest: &[u8] = match port.dest {
            Dest::Resolver => &self.resolvers[rng.below(self.resolvers.len() as u64) as usize],
            Dest::Mixed(private) => {
                if rng.below(100) < private {
                    &self.dest_private[rng.below(PRIVATE_DEST_HOSTS) as usize]
                } else {
                    &self.dest_public[skewed(rng.next_u64(), self.dest_public.len() as u64)]
                }
            }
        };
        buf.extend_from_slice(dest);
        buf.extend_from_slice(b"\",\"dest_port\":");
        push_u64_maybe_quoted(buf, port.port, flags & 2 != 0);
        buf.extend_from_slice(b",\"protocol\":");
        buf.extend_from_slice(port.protocol);
        buf.extend_from_slice(b",\"action\":");
        buf.extend_from_slice(action);
        buf.extend_from_slice(b",\"app\":");
        buf.extend_from_slice(if cat.upper_apps {
            &port.app_upper
        } else {
            &port.app
        });
        buf.extend_from_slice(b",\"rule\":");
        let rules = if *flowed {
            &cat.allow_rules
        } else {
            &cat.deny_rules
        };
        buf.extend_from_slice(&rules[rng.below(rules.len() as u64) as usize]);
        if (flags >> 8) & 0xff >= 15 {
            buf.extend_from_slice(b",\"user\":");
            buf.extend_from_slice(&self.users[skewed(rng.next_u64(), self.users.len() as u64)]);
        }
        if (flags >> 16) & 0xff >= 5 {
            buf.extend_from_slice(b",\"process_name\":");
            buf.extend_from_slice(&port.procs[rng.below(port.procs.len() as u64) as usize]);
        }
        let (out, inb) = if *flowed {
            // Uploads of up to 6 digits, downloads of up to 7.
            let out_digits = 2 + rng.below(5) as u32;
            let in_digits = 2 + rng.below(6) as u32;
            (
                rng.below(10u64.pow(out_digits)),
                rng.below(10u64.pow(in_digits)),
            )
        } else {
            (0, 0)
        };
        buf.extend_from_slice(b",\"bytes_out\":");
        push_u64_maybe_quoted(buf, out, flags & 4 != 0);
        if (flags >> 32) & 0xff >= 3 {
            buf.extend_from_slice(b",\"bytes_in\":");
            push_u64_maybe_quoted(buf, inb, flags & 8 != 0);
        }
        buf.extend_from_slice(b",\"session_id\":\"");
        let session = mix64(self.session_salt ^ rng.below(self.session_pool));
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for shift in (0..12).rev() {
            buf.push(HEX[((session >> (shift * 4)) & 0xf) as usize]);
        }
        buf.extend_from_slice(b"\"}\n");
    }
}

/// Writes `cfg.records` records to `out` through a [`BufWriter`].
///
/// The output depends only on `cfg`: equal settings give byte-identical
/// output on every machine.
pub fn write_bench<W: Write>(cfg: &BenchConfig, out: W) -> io::Result<BenchStats> {
    cfg.validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let mut generator = Generator::new(cfg);
    let mut writer = BufWriter::with_capacity(1 << 20, out);
    let mut line = Vec::with_capacity(1024);
    let mut stats = BenchStats::default();
    for i in 0..cfg.records {
        line.clear();
        generator.record(i, &mut line);
        writer.write_all(&line)?;
        stats.bytes += line.len() as u64;
        stats.records += 1;
    }
    writer.flush()?;
    Ok(stats)
}

/// Convenience for tests and small runs: the bench output as one buffer.
pub fn bench_bytes(cfg: &BenchConfig) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    write_bench(cfg, &mut out)?;
    Ok(out)
}
