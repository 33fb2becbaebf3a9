//! The deliberate scenario groups mixed into the bundled example logs.
//!
//! Each scenario is a small set of connection records that share a source
//! address and usually a whole detection group key (`src_ip`, `dest_ip`,
//! `dest_port`, process). Together they pin down how the SMB / FTP / TFTP
//! exfiltration detection described in the example README must behave at
//! every edge: which records survive each `where`, how text-typed values
//! compare, how nulls group, and where the risk thresholds fall.

use crate::examples::Family::{
    self, CiscoAsa, Dns, Endpoint, Firewall, Fortinet, Nested, PaloAlto,
};

/// A field value as it appears in a scenario record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum F {
    /// The key is absent from the record.
    Missing,
    /// The key is present with a JSON `null`.
    Null,
    /// A JSON string.
    S(&'static str),
    /// A JSON number.
    N(u64),
}

const MISSING: F = F::Missing;
const NULL: F = F::Null;

fn s(v: &'static str) -> F {
    F::S(v)
}

fn n(v: u64) -> F {
    F::N(v)
}

/// One connection record of a scenario.
#[derive(Clone, Debug)]
pub struct Conn {
    /// Which example file (and default `_sourceCategory`) the record goes to.
    pub family: Family,
    /// A `_sourceCategory` that overrides the family's default.
    pub category: Option<&'static str>,
    /// Source address.
    pub src_ip: &'static str,
    /// Destination address.
    pub dest_ip: F,
    /// Destination port.
    pub dest_port: F,
    /// Firewall verdict text, written exactly as given.
    pub action: &'static str,
    /// Process name.
    pub process: F,
    /// User name.
    pub user: F,
    /// Bytes sent by the source.
    pub bytes_out: F,
    /// Bytes received by the source.
    pub bytes_in: F,
}

fn conn(
    family: Family,
    src_ip: &'static str,
    dest_ip: F,
    dest_port: F,
    action: &'static str,
    process: F,
) -> Conn {
    Conn {
        family,
        category: None,
        src_ip,
        dest_ip,
        dest_port,
        action,
        process,
        user: MISSING,
        bytes_out: MISSING,
        bytes_in: MISSING,
    }
}

impl Conn {
    fn family(&self, family: Family) -> Self {
        Conn {
            family,
            ..self.clone()
        }
    }
    fn category(&self, category: &'static str) -> Self {
        Conn {
            category: Some(category),
            ..self.clone()
        }
    }
    fn dest(&self, dest_ip: F) -> Self {
        Conn {
            dest_ip,
            ..self.clone()
        }
    }
    fn port(&self, dest_port: F) -> Self {
        Conn {
            dest_port,
            ..self.clone()
        }
    }
    fn action(&self, action: &'static str) -> Self {
        Conn {
            action,
            ..self.clone()
        }
    }
    fn process(&self, process: F) -> Self {
        Conn {
            process,
            ..self.clone()
        }
    }
    fn user(&self, user: F) -> Self {
        Conn {
            user,
            ..self.clone()
        }
    }
    fn bytes(&self, bytes_out: F, bytes_in: F) -> Self {
        Conn {
            bytes_out,
            bytes_in,
            ..self.clone()
        }
    }
}

/// A named group of records with a documented expected outcome.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Short identifier, `S..` for groups that yield a result row and `X..`
    /// for groups that must not.
    pub id: &'static str,
    /// What the scenario exercises.
    pub exercises: &'static str,
    /// The outcome the detection must produce for it.
    pub expected: &'static str,
    /// The records.
    pub conns: Vec<Conn>,
}

/// All scenarios, in a fixed order (the order decides their time windows).
pub fn all() -> Vec<Scenario> {
    vec![
        s01(),
        s02(),
        s03(),
        s04(),
        s05(),
        s06(),
        s07(),
        s08(),
        s09(),
        s10(),
        s11(),
        s12(),
        s13(),
        x01(),
        x02(),
        x03(),
        x04(),
        x05(),
        x06(),
        x07(),
        x08(),
        x09(),
        x10(),
    ]
}

fn s01() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.20.1.15",
        s("185.220.101.7"),
        n(445),
        "allow",
        s("rundll32.exe"),
    )
    .user(s("svc_backup"));
    Scenario {
        id: "S01",
        exercises: "SMB upload well above 10 MiB; `dest_port` as number and as string in one group; \
                    bytes as numbers, numeric strings, a decimal string (`\"1234567.9\"`), `\"\"`, null \
                    and missing; a value above 2^31; a null user; an `ALLOW` (wrong case) and a `deny` \
                    record of the same flow are filtered out",
        expected: "row: 6 connections, sent 3018011783, received 7680, Users [`CORP\\jdoe`, `svc_backup`], HIGH",
        conns: vec![
            b.bytes(n(4_194_304), n(2_048)),
            b.port(s("445")).bytes(s("5242880"), s("4096")),
            b.user(s("CORP\\jdoe")).bytes(n(3_000_000_000), NULL),
            b.port(s("445")).bytes(s("1234567.9"), MISSING),
            b.user(NULL).bytes(n(7_340_032), s("512.5")),
            b.port(s("445")).bytes(s(""), n(1_024)),
            b.action("ALLOW").bytes(n(99_999_999), n(1)),
            b.action("deny").bytes(n(88_888_888), n(1)),
        ],
    }
}

fn s02() -> Scenario {
    let b = conn(
        CiscoAsa,
        "10.20.4.31",
        s("198.51.100.23"),
        n(21),
        "built",
        s("ftp.exe"),
    )
    .user(s("mlopez"));
    Scenario {
        id: "S02",
        exercises: "FTP total of exactly 10485760 bytes sent (the HIGH test is `>`), reached only \
                    after `\"2097152.99\"` truncates to 2097152; ASA `built` counts while `teardown` \
                    records of the same flow do not",
        expected: "row: 5 connections, sent 10485760, received 1200, Users [`mlopez`], MEDIUM",
        conns: vec![
            b.bytes(n(2_097_152), n(300)),
            b.port(s("21")).bytes(s("2097152"), s("300")),
            b.bytes(s("2097152.99"), n(300)),
            b.port(s("21")).user(MISSING).bytes(n(2_097_152), s("")),
            b.bytes(s("2097152"), n(300)),
            b.action("teardown").bytes(n(50_000_000), n(1_000)),
            b.port(s("21"))
                .action("teardown")
                .bytes(n(50_000_000), n(1_000)),
        ],
    }
}

fn s03() -> Scenario {
    let b = conn(
        Fortinet,
        "192.168.10.44",
        s("203.0.113.69"),
        n(69),
        "accept",
        s("tftp.exe"),
    )
    .user(s("netops"));
    Scenario {
        id: "S03",
        exercises:
            "TFTP with exactly 4 connections (the threshold is `> 3`) and exactly 1048576 bytes \
                    sent (the MEDIUM test is `>`); `\"262144.5\"` truncates",
        expected: "row: 4 connections, sent 1048576, received 256, Users [`netops`], LOW",
        conns: vec![
            b.bytes(n(262_144), n(0)),
            b.port(s("69")).bytes(s("262144"), s("0")),
            b.bytes(s("262144.5"), n(128)),
            b.port(s("69")).bytes(n(262_144), s("128")),
        ],
    }
}

fn s04() -> Scenario {
    let b = conn(
        Firewall,
        "10.20.7.9",
        s("11.45.67.89"),
        n(990),
        "allowed",
        s("filezilla.exe"),
    );
    Scenario {
        id: "S04",
        exercises:
            "FTPS (990) to 11.x, which only looks like 10/8; `\"abc\"` bytes (null, skipped by \
                    sum); missing bytes and user; an `Allowed` (wrong case) record is filtered out",
        expected:
            "row: 5 connections, sent 2850000, received 40000, Users [`akhan`, `bwu`], MEDIUM",
        conns: vec![
            b.user(s("akhan")).bytes(n(1_500_000), n(20_000)),
            b.port(s("990"))
                .user(s("bwu"))
                .bytes(s("750000"), s("15000")),
            b.user(s("akhan")).bytes(n(600_000), NULL),
            b.port(s("990")).user(s("bwu")).bytes(s("abc"), n(5_000)),
            b.bytes(MISSING, MISSING),
            b.user(s("akhan"))
                .action("Allowed")
                .bytes(n(9_999_999), n(1)),
        ],
    }
}

fn s05() -> Scenario {
    let b = conn(
        Firewall,
        "10.20.9.77",
        s("172.15.200.3"),
        n(20),
        "permit",
        s("ftp.exe"),
    )
    .user(s("ops_batch"));
    Scenario {
        id: "S05",
        exercises:
            "FTP data (20) to 172.15.x (just below 172.16/12); three of the five records carry \
                    `_sourceCategory` `Network/Firewall` or `NETWORK/FIREWALL`, which the \
                    case-insensitive scope must still select",
        expected: "row: 5 connections, sent 153600, received 320, Users [`ops_batch`], LOW",
        conns: vec![
            b.category("Network/Firewall").bytes(n(10_240), n(64)),
            b.category("Network/Firewall")
                .port(s("20"))
                .bytes(s("20480"), n(64)),
            b.category("NETWORK/FIREWALL").bytes(n(30_720), s("64")),
            b.bytes(s("40960"), n(64)),
            b.port(s("20")).bytes(n(51_200), s("64")),
        ],
    }
}

fn s06() -> Scenario {
    let b = conn(
        Fortinet,
        "10.30.2.8",
        s("172.32.0.10"),
        n(139),
        "accept",
        MISSING,
    );
    Scenario {
        id: "S06",
        exercises:
            "NetBIOS (139) to 172.32.x (just above 172.16/12); `process_name` missing or null \
                    forms one null group; users null, missing and several distinct ones, including \
                    `Dave` which sorts before lower-case names by bytes; `\"n/a\"` bytes",
        expected: "row: 6 connections, process_name null, sent 15872, received 1920, \
                   Users [`Dave`, `alice`, `bob`], LOW",
        conns: vec![
            b.user(s("alice")).bytes(n(4_096), n(1_024)),
            b.port(s("139"))
                .process(NULL)
                .user(s("bob"))
                .bytes(s("8192"), s("n/a")),
            b.user(s("Dave")).bytes(n(2_048), n(512)),
            b.port(s("139")).process(NULL).user(NULL).bytes(NULL, NULL),
            b.bytes(s("1024"), s("256")),
            b.user(s("alice")).bytes(n(512), n(128)),
        ],
    }
}

fn s07() -> Scenario {
    let b = conn(
        Firewall,
        "192.168.50.23",
        s("100.64.3.9"),
        n(445),
        "allow",
        s("explorer.exe"),
    )
    .user(s("dkim"));
    let f = b.family(Fortinet).action("accept");
    Scenario {
        id: "S07",
        exercises:
            "one group split over two files and categories (2 records in network/firewall, 2 in \
                    network/fortinet): only the union reaches 4; destination in CGNAT space \
                    100.64/10, which is not private",
        expected: "row: 4 connections, sent 900000, received 20000, Users [`dkim`], LOW",
        conns: vec![
            b.bytes(n(300_000), n(5_000)),
            b.port(s("445")).bytes(s("250000"), n(5_000)),
            f.bytes(n(200_000), s("5000")),
            f.port(s("445")).bytes(s("150000"), s("5000")),
        ],
    }
}

fn s08() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.40.1.2",
        s("127.0.0.1"),
        n(445),
        "allow",
        s("svchost.exe"),
    )
    .user(s("NT AUTHORITY\\SYSTEM"));
    Scenario {
        id: "S08",
        exercises: "loopback destination 127.0.0.1 is a valid, non-private IPv4",
        expected:
            "row: 4 connections, sent 15360, received 400, Users [`NT AUTHORITY\\SYSTEM`], LOW",
        conns: vec![
            b.bytes(n(1_024), n(100)),
            b.port(s("445")).bytes(s("2048"), n(100)),
            b.bytes(n(4_096), s("100")),
            b.port(s("445")).bytes(s("8192"), s("100")),
        ],
    }
}

fn s09() -> Scenario {
    let b = conn(
        CiscoAsa,
        "10.40.3.3",
        s("169.254.10.20"),
        n(69),
        "built",
        s("pxeboot.exe"),
    );
    Scenario {
        id: "S09",
        exercises: "link-local destination 169.254.x is valid and not private; only one of four \
                    records names a user",
        expected: "row: 4 connections, sent 2048, received 262144, Users [`pxe`], LOW",
        conns: vec![
            b.user(s("pxe")).bytes(n(512), n(65_536)),
            b.port(s("69")).bytes(n(512), n(65_536)),
            b.bytes(s("512"), s("65536")),
            b.port(s("69")).bytes(s("512"), n(65_536)),
        ],
    }
}

fn s10() -> Scenario {
    let b = conn(
        Firewall,
        "172.20.5.5",
        s("192.169.1.50"),
        n(21),
        "allow",
        s("winscp.exe"),
    )
    .user(s("ebrown"));
    Scenario {
        id: "S10",
        exercises: "FTP to 192.169.x (just above 192.168/16) from a 172.16/12 source; the largest \
                    group, so it sorts first",
        expected: "row: 7 connections, sent 14000000, received 7000, Users [`ebrown`], HIGH",
        conns: vec![
            b.bytes(n(1_500_000), n(1_000)),
            b.port(s("21")).bytes(s("2500000"), s("1000")),
            b.bytes(n(2_000_000), n(1_000)),
            b.port(s("21")).bytes(s("1750000"), s("1000")),
            b.bytes(n(2_250_000), n(1_000)),
            b.port(s("21")).bytes(s("2000000"), s("1000")),
            b.bytes(n(2_000_000), n(1_000)),
        ],
    }
}

fn s11() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.50.0.12",
        s("45.33.32.156"),
        n(21),
        "allow",
        s("python.exe"),
    )
    .user(s("svc_etl"));
    Scenario {
        id: "S11",
        exercises:
            "4 allowed records plus `deny`, `drop` and `reset-both` records of the same flow \
                    carrying 15 MB: the action filter must run before `stats`",
        expected: "row: 4 connections, sent 200000, received 3600, Users [`svc_etl`], LOW",
        conns: vec![
            b.bytes(n(40_000), n(900)),
            b.port(s("21")).bytes(s("60000"), s("900")),
            b.bytes(n(80_000), n(900)),
            b.port(s("21")).bytes(s("20000"), n(900)),
            b.action("deny").bytes(n(5_000_000), n(0)),
            b.action("drop").bytes(n(5_000_000), n(0)),
            b.port(s("21"))
                .action("reset-both")
                .bytes(n(5_000_000), n(0)),
        ],
    }
}

fn s12() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.20.1.15",
        s("185.220.101.7"),
        n(139),
        "allow",
        s("rundll32.exe"),
    )
    .user(s("svc_backup"));
    Scenario {
        id: "S12",
        exercises: "same source, destination and process as S01 but port 139: a separate group \
                    (same Protocol `SMB`)",
        expected: "row: 4 connections, sent 40000, received 40, Users [`svc_backup`], LOW",
        conns: vec![
            b.bytes(n(10_000), n(10)),
            b.port(s("139")).bytes(s("10000"), s("10")),
            b.bytes(n(10_000), n(10)),
            b.port(s("139")).bytes(s("10000"), s("10")),
        ],
    }
}

fn s13() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.20.1.15",
        s("185.220.101.7"),
        n(139),
        "allow",
        MISSING,
    )
    .user(s("CORP\\jdoe"));
    Scenario {
        id: "S13",
        exercises: "like S12 but without a process name (missing twice, null twice): its own null \
                    group, which ties S12 on count and sorts before it",
        expected: "row: 4 connections, process_name null, sent 4000, received 4000, \
                   Users [`CORP\\jdoe`], LOW",
        conns: vec![
            b.bytes(n(1_000), n(1_000)),
            b.port(s("139")).process(NULL).bytes(s("1000"), s("1000")),
            b.bytes(n(1_000), n(1_000)),
            b.port(s("139")).process(NULL).bytes(s("1000"), s("1000")),
        ],
    }
}

fn x01() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.20.1.16",
        s("185.220.101.8"),
        n(445),
        "allow",
        s("rundll32.exe"),
    )
    .user(s("svc_backup"));
    Scenario {
        id: "X01",
        exercises: "exactly 3 connections with 60 MB sent (the threshold is `> 3`)",
        expected: "no row",
        conns: vec![
            b.bytes(n(20_000_000), n(1_000)),
            b.port(s("445")).bytes(s("20000000"), s("1000")),
            b.bytes(n(20_000_000), n(1_000)),
        ],
    }
}

fn x02() -> Scenario {
    let b = conn(
        Fortinet,
        "10.20.2.2",
        s("2001:db8::5"),
        n(445),
        "accept",
        s("smbclient.exe"),
    )
    .user(s("akhan"))
    .bytes(n(30_000_000), n(1_000));
    let mapped = b.dest(s("::ffff:203.0.113.5"));
    Scenario {
        id: "X02",
        exercises:
            "IPv6 destinations `2001:db8::5` (5 records) and IPv4-mapped `::ffff:203.0.113.5` \
                    (4 records) are not IPv4, so `isPrivateIP` drops them",
        expected: "no row",
        conns: vec![
            b.clone(),
            b.port(s("445")),
            b.clone(),
            b.port(s("445")),
            b.clone(),
            mapped.clone(),
            mapped.port(s("445")),
            mapped.clone(),
            mapped.port(s("445")),
        ],
    }
}

fn x03() -> Scenario {
    let b = conn(Firewall, "10.60.0.5", MISSING, n(21), "allow", s("ftp.exe"))
        .user(s("qa_user"))
        .bytes(n(5_000_000), n(100));
    let mut conns = Vec::new();
    for dest in [s("not-an-ip"), s("999.1.1.1"), s(""), NULL, MISSING] {
        let d = b.dest(dest);
        conns.extend([d.clone(), d.port(s("21")), d.clone(), d.port(s("21"))]);
    }
    Scenario {
        id: "X03",
        exercises:
            "invalid destinations, 4 records each: `\"not-an-ip\"`, `\"999.1.1.1\"`, `\"\"`, \
                    null and a missing `dest_ip` key are all dropped by `isPrivateIP`",
        expected: "no row",
        conns,
    }
}

fn x04() -> Scenario {
    let b = conn(
        CiscoAsa,
        "10.60.1.1",
        s("0.0.0.0"),
        n(445),
        "built",
        s("System"),
    )
    .bytes(n(4_000_000), n(100));
    Scenario {
        id: "X04",
        exercises:
            "destination 0.0.0.0 is valid and not private, so only `dest_ip != \"0.0.0.0\"` \
                    removes it",
        expected: "no row",
        conns: vec![
            b.clone(),
            b.port(s("445")),
            b.clone(),
            b.port(s("445")),
            b.clone(),
        ],
    }
}

fn x05() -> Scenario {
    let b = conn(
        PaloAlto,
        "10.60.2.2",
        MISSING,
        n(445),
        "allow",
        s("robocopy.exe"),
    )
    .user(s("svc_backup"))
    .bytes(n(12_000_000), n(100));
    let mut conns = Vec::new();
    for dest in ["10.1.1.10", "172.16.0.5", "172.31.255.254", "192.168.1.20"] {
        let d = b.dest(s(dest));
        conns.extend([d.clone(), d.port(s("445")), d.clone(), d.port(s("445"))]);
    }
    Scenario {
        id: "X05",
        exercises: "private destinations at the edges of each RFC 1918 block (10.x, 172.16.x, \
                    172.31.x, 192.168.x), 4 records each",
        expected: "no row",
        conns,
    }
}

fn x06() -> Scenario {
    let b = conn(
        Firewall,
        "10.60.3.3",
        s("203.0.113.21"),
        MISSING,
        "allow",
        s("ftp.exe"),
    )
    .user(s("qa_user"))
    .bytes(n(3_000_000), n(100));
    let mut conns = Vec::new();
    for port in [s("021"), s(" 21"), s("21 "), s("445.0"), NULL, MISSING] {
        let p = b.port(port);
        conns.extend([p.clone(), p.clone(), p.clone(), p.clone()]);
    }
    Scenario {
        id: "X06",
        exercises: "`dest_port` text that is not exactly one of the listed strings: `\"021\"`, \
                    `\" 21\"`, `\"21 \"`, `\"445.0\"`, null and missing, 4 records each",
        expected: "no row",
        conns,
    }
}

fn x07() -> Scenario {
    let b = conn(
        Firewall,
        "10.60.4.4",
        s("203.0.113.45"),
        n(445),
        "deny",
        s("net.exe"),
    )
    .bytes(n(2_000_000), n(0));
    Scenario {
        id: "X07",
        exercises: "blocked traffic only: `deny`, `drop`, `block`, `reject`",
        expected: "no row",
        conns: vec![
            b.clone(),
            b.action("drop"),
            b.port(s("445")).action("block"),
            b.port(s("445")),
            b.action("reject"),
            b.action("drop"),
        ],
    }
}

fn x08() -> Scenario {
    let b = conn(
        Fortinet,
        "10.60.5.5",
        s("203.0.113.99"),
        n(990),
        "Accept",
        s("curl.exe"),
    )
    .bytes(n(2_000_000), n(100));
    Scenario {
        id: "X08",
        exercises:
            "allow verdicts in the wrong case (`Accept`, `ACCEPT`, `ALLOW`, `Allow`, `Built`, \
                    `BUILT`, `Permit`) across four firewall files; `in` is case-sensitive",
        expected: "no row",
        conns: vec![
            b.clone(),
            b.action("ACCEPT"),
            b.family(PaloAlto).action("ALLOW"),
            b.family(PaloAlto).port(s("990")).action("Allow"),
            b.family(CiscoAsa).action("Built"),
            b.family(CiscoAsa).port(s("990")).action("BUILT"),
            b.family(Firewall).action("Permit"),
        ],
    }
}

fn x09() -> Scenario {
    let b = conn(
        Dns,
        "10.60.6.6",
        s("203.0.113.53"),
        n(445),
        "allow",
        s("smbclient.exe"),
    )
    .user(s("bwu"))
    .bytes(n(15_000_000), n(100));
    let e = b.family(Endpoint);
    let nested = b.family(Nested);
    Scenario {
        id: "X09",
        exercises: "an otherwise matching flow logged only under categories outside the scope: \
                    network/dns, endpoint/sysmon and (nested fields) endpoint/edr, 5 records each",
        expected: "no row",
        conns: vec![
            b.clone(),
            b.port(s("445")),
            b.clone(),
            b.port(s("445")),
            b.clone(),
            e.clone(),
            e.port(s("445")),
            e.clone(),
            e.port(s("445")),
            e.clone(),
            nested.clone(),
            nested.clone(),
            nested.clone(),
            nested.clone(),
            nested.clone(),
        ],
    }
}

fn x10() -> Scenario {
    let b = conn(
        Firewall,
        "10.60.7.7",
        s("203.0.113.77"),
        n(445),
        "allow",
        s("smb.exe"),
    )
    .bytes(n(2_000_000), n(100));
    Scenario {
        id: "X10",
        exercises: "categories that merely start with an in-scope one (`network/firewall-lab`, \
                    `network/firewall/dmz`, `network/firewalls`); scope matches the whole value",
        expected: "no row",
        conns: vec![
            b.category("network/firewall-lab"),
            b.port(s("445")).category("network/firewall-lab"),
            b.category("network/firewall/dmz"),
            b.port(s("445")).category("network/firewall/dmz"),
            b.category("network/firewalls"),
        ],
    }
}
