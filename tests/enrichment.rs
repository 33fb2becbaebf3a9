//! `geoip` and the `geo://location` and `asn://default` lookups over MaxMind databases that
//! the tests write themselves, with a small writer of the MaxMind DB format (search tree, data
//! section, metadata), so that no downloaded database is needed. The queries and the sample
//! log line are those of Sumo's pages:
//! - https://www.sumologic.com/help/docs/search/search-query-language/search-operators/geoip/
//! - https://www.sumologic.com/help/docs/search/search-query-language/search-operators/geo-lookup-map/
//! - https://www.sumologic.com/help/docs/search/search-query-language/search-operators/asn-lookup/
//!
//! The places and organizations in the test databases are made up.

mod support;

use std::path::{Path, PathBuf};

use support::{scratch, sumoql};

/// A value of the MaxMind DB data section.
enum Data {
    Text(&'static str),
    Double(f64),
    /// A `uint16` (the metadata's versions, record size and IP version are of this type).
    Short(u16),
    /// A `uint32`, or a `uint64` past its range.
    Unsigned(u64),
    Map(Vec<(&'static str, Data)>),
    Array(Vec<Data>),
}

/// Appends the control byte(s) of a field of `type_number` and `size` to `out`.
fn control(out: &mut Vec<u8>, type_number: u8, size: usize) {
    let (size_bits, extra): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, Vec::new()),
        29..=284 => (29, vec![(size - 29) as u8]),
        _ => (30, ((size - 285) as u16).to_be_bytes().to_vec()),
    };
    if type_number <= 7 {
        out.push((type_number << 5) | size_bits);
    } else {
        out.push(size_bits);
        out.push(type_number - 7);
    }
    out.extend(extra);
}

/// Appends `data` in the data-section encoding.
fn encode(out: &mut Vec<u8>, data: &Data) {
    match data {
        Data::Text(text) => {
            control(out, 2, text.len());
            out.extend(text.as_bytes());
        }
        Data::Double(x) => {
            control(out, 3, 8);
            out.extend(x.to_be_bytes());
        }
        Data::Short(n) => {
            let bytes = n.to_be_bytes();
            let first = bytes.iter().position(|&b| b != 0).unwrap_or(2);
            control(out, 5, 2 - first);
            out.extend(&bytes[first..]);
        }
        Data::Unsigned(n) => {
            let bytes = n.to_be_bytes();
            let first = bytes.iter().position(|&b| b != 0).unwrap_or(8);
            let type_number = if *n <= u64::from(u32::MAX) { 6 } else { 9 };
            control(out, type_number, 8 - first);
            out.extend(&bytes[first..]);
        }
        Data::Map(pairs) => {
            control(out, 7, pairs.len());
            for (key, value) in pairs {
                encode(out, &Data::Text(key));
                encode(out, value);
            }
        }
        Data::Array(items) => {
            control(out, 11, items.len());
            for item in items {
                encode(out, item);
            }
        }
    }
}

/// A record of the search tree: another node, no data, or data at an offset.
#[derive(Clone, Copy)]
enum Record {
    Node(usize),
    Empty,
    Data(usize),
}

/// Writes an IPv4 MaxMind database of `database_type` holding each network (address, prefix
/// length) with its record, to `file`. The networks must not overlap.
fn write_database(file: &Path, database_type: &'static str, networks: Vec<([u8; 4], u32, Data)>) {
    let mut nodes: Vec<[Record; 2]> = vec![[Record::Empty; 2]];
    let mut data = Vec::new();
    for (address, prefix, record) in networks {
        let offset = data.len();
        encode(&mut data, &record);
        let bits = u32::from_be_bytes(address);
        let mut node = 0;
        for depth in 0..prefix {
            let bit = ((bits >> (31 - depth)) & 1) as usize;
            if depth + 1 == prefix {
                nodes[node][bit] = Record::Data(offset);
            } else {
                node = match nodes[node][bit] {
                    Record::Node(next) => next,
                    _ => {
                        nodes.push([Record::Empty; 2]);
                        let next = nodes.len() - 1;
                        nodes[node][bit] = Record::Node(next);
                        next
                    }
                };
            }
        }
    }
    let count = nodes.len();
    let mut out = Vec::new();
    for node in &nodes {
        for record in node {
            let value = match *record {
                Record::Node(next) => next,
                Record::Empty => count,
                Record::Data(offset) => count + 16 + offset,
            };
            out.extend(&(value as u32).to_be_bytes()[1..]);
        }
    }
    out.extend([0u8; 16]);
    out.extend(data);
    out.extend(b"\xAB\xCD\xEFMaxMind.com");
    let metadata = Data::Map(vec![
        ("binary_format_major_version", Data::Short(2)),
        ("binary_format_minor_version", Data::Short(0)),
        ("build_epoch", Data::Unsigned(u64::from(u32::MAX) + 1)),
        ("database_type", Data::Text(database_type)),
        (
            "description",
            Data::Map(vec![("en", Data::Text("sumoql test data"))]),
        ),
        ("ip_version", Data::Short(4)),
        ("languages", Data::Array(vec![Data::Text("en")])),
        ("node_count", Data::Unsigned(count as u64)),
        ("record_size", Data::Short(24)),
    ]);
    encode(&mut out, &metadata);
    std::fs::write(file, out).unwrap();
}

fn names(en: &'static str) -> Data {
    Data::Map(vec![("en", Data::Text(en))])
}

/// A City database: 67.180.0.0/16 in a made-up city, 81.2.69.0/24 with fewer fields.
fn city_database(folder: &Path) -> PathBuf {
    let file = folder.join("city.mmdb");
    let san_jose = Data::Map(vec![
        (
            "city",
            Data::Map(vec![
                ("names", names("San Jose")),
                ("confidence", Data::Short(60)),
            ]),
        ),
        (
            "continent",
            Data::Map(vec![
                ("code", Data::Text("NA")),
                ("names", names("North America")),
            ]),
        ),
        (
            "country",
            Data::Map(vec![
                ("iso_code", Data::Text("US")),
                ("names", names("United States")),
            ]),
        ),
        (
            "location",
            Data::Map(vec![
                ("latitude", Data::Double(37.339386)),
                ("longitude", Data::Double(-121.894961)),
            ]),
        ),
        ("postal", Data::Map(vec![("code", Data::Text("95141"))])),
        (
            "subdivisions",
            Data::Array(vec![Data::Map(vec![
                ("iso_code", Data::Text("CA")),
                ("names", names("California")),
            ])]),
        ),
    ]);
    let london = Data::Map(vec![
        (
            "country",
            Data::Map(vec![
                ("iso_code", Data::Text("GB")),
                ("names", names("United Kingdom")),
            ]),
        ),
        (
            "location",
            Data::Map(vec![
                ("latitude", Data::Double(51.5142)),
                ("longitude", Data::Double(-0.0931)),
            ]),
        ),
    ]);
    write_database(
        &file,
        "GeoLite2-City",
        vec![
            ([67, 180, 0, 0], 16, san_jose),
            ([81, 2, 69, 0], 24, london),
        ],
    );
    file
}

/// An ASN database: 67.180.0.0/16 in a made-up autonomous system.
fn asn_database(folder: &Path) -> PathBuf {
    let file = folder.join("asn.mmdb");
    let record = Data::Map(vec![
        ("autonomous_system_number", Data::Unsigned(7922)),
        (
            "autonomous_system_organization",
            Data::Text("Example Cable Networks"),
        ),
    ]);
    write_database(&file, "GeoLite2-ASN", vec![([67, 180, 0, 0], 16, record)]);
    file
}

/// The page's sample line, as a JSON record, and one from an internal address.
const LOGINS: &str = "\
{\"msg\":\"2017-12-13 10:29:17,037 -0800 INFO [hostId=prod-frontend-1] [module=SERVICE] [remote_ip=67.180.85.25] Successful login for user 'da@users.com'\"}
{\"msg\":\"2017-12-13 10:29:18,001 -0800 INFO [hostId=prod-frontend-1] [module=SERVICE] [remote_ip=67.180.3.9] Successful login for user 'db@users.com'\"}
{\"msg\":\"2017-12-13 10:29:19,500 -0800 INFO [hostId=prod-frontend-1] [module=SERVICE] [remote_ip=10.1.2.3] Successful login for user 'dc@users.com'\"}
";

fn run(args: &[&str], query: &str, input: &str) -> (String, String, i32) {
    let mut all = vec!["run", "-e", query, "--format", "ndjson"];
    all.extend(args);
    all.push("-");
    let output = sumoql(&all, input);
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn geoip_counts_by_place_and_internal_addresses_are_null() {
    let folder = scratch("geoip");
    let db = city_database(&folder).display().to_string();
    let (out, err, code) = run(
        &["--geoip-db", &db],
        "* | parse field=msg \"remote_ip=*]\" as remote_ip | geoip remote_ip \
         | count by latitude, longitude | sort _count",
        LOGINS,
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "{\"latitude\":\"37.33939\",\"longitude\":\"-121.89496\",\"_count\":2}\n\
         {\"latitude\":null,\"longitude\":null,\"_count\":1}\n"
    );
    // The default fields, then optional ones; what the record lacks is null.
    let (out, _, _) = run(
        &["--geoip-db", &db],
        "* | parse field=msg \"remote_ip=*]\" as remote_ip | geoip remote_ip region, continent, postal_code, city_cf \
         | fields remote_ip, country_code, country_name, city, state, region, continent, postal_code, city_cf | limit 1",
        LOGINS,
    );
    assert_eq!(
        out,
        "{\"remote_ip\":\"67.180.85.25\",\"country_code\":\"US\",\"country_name\":\"United States\",\"city\":\"San Jose\",\"state\":\"California\",\"region\":\"CA\",\"continent\":\"North America\",\"postal_code\":\"95141\",\"city_cf\":\"60\"}\n"
    );
    // "Handle null values".
    let (out, _, _) = run(
        &["--geoip-db", &db],
        "* | parse field=msg \"remote_ip=*]\" as remote_ip | geoip remote_ip \
         | if (isNull(country_code), \"unknown\", country_code) as country_code | count by country_code",
        LOGINS,
    );
    assert_eq!(
        out,
        "{\"country_code\":\"US\",\"_count\":2}\n{\"country_code\":\"unknown\",\"_count\":1}\n"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn geo_lookup_reads_the_same_database_through_lookup() {
    let folder = scratch("geo-lookup");
    let db = city_database(&folder).display().to_string();
    let (out, err, code) = run(
        &["--geoip-db", &db],
        "* | parse field=msg \"[remote_ip=*]\" as remote_ip \
         | lookup latitude, longitude, country_code as cc from geo://location on ip = remote_ip \
         | count by latitude, longitude, cc | sort _count",
        "{\"msg\":\"[remote_ip=81.2.69.160] login\"}\n{\"msg\":\"[remote_ip=not-an-ip] login\"}\n",
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "{\"latitude\":null,\"longitude\":null,\"cc\":null,\"_count\":1}\n\
         {\"latitude\":\"51.5142\",\"longitude\":\"-0.0931\",\"cc\":\"GB\",\"_count\":1}\n"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn asn_lookup_gives_number_and_organizations() {
    let folder = scratch("asn");
    let db = asn_database(&folder).display().to_string();
    let (out, err, code) = run(
        &["--asn-db", &db],
        "* | parse regex field=msg \"(?<ip>\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})\" \
         | lookup organization, registering_organization, asn from asn://default on ip = ip \
         | fields ip, organization, registering_organization, asn",
        LOGINS,
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        "{\"ip\":\"67.180.85.25\",\"organization\":\"Example Cable Networks\",\"registering_organization\":\"Example Cable Networks\",\"asn\":\"7922\"}"
    );
    assert!(
        out.lines().nth(2).unwrap().contains("\"asn\":null"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&folder);
}

#[test]
fn a_lookup_without_its_database_says_how_to_name_it() {
    let (out, err, code) = run(&[], "* | geoip src_ip", "");
    assert_eq!((out.as_str(), code), ("", 2));
    assert!(
        err.contains("this lookup needs a Geo database, and none is named")
            && err.contains("--geoip-db FILE")
            && err.contains("SUMOQL_GEOIP_DB"),
        "{err}"
    );
    let (_, err, code) = run(
        &["--asn-db", "no/such.mmdb"],
        "* | lookup asn from asn://default on ip=src_ip",
        "",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read the MaxMind database no/such.mmdb"),
        "{err}"
    );
    let (_, err, code) = run(
        &["--geoip-db", "no/such.mmdb"],
        "* | geoip src_ip lattitude",
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `latitude`?"), "{err}");
}
