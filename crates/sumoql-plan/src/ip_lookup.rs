//! Lookups by IP address in a MaxMind-format database (`.mmdb`) the user names: `geoip` and
//! `lookup ... from geo://location` (a GeoIP2/GeoLite2 City database), and `lookup ... from
//! asn://default` (a GeoLite2 ASN database).

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maxminddb::{PathElement, Reader};
use sumoql_value::{SlotId, Value};

/// The environment variable naming the City database.
pub const GEOIP_VARIABLE: &str = "SUMOQL_GEOIP_DB";
/// The environment variable naming the ASN database.
pub const ASN_VARIABLE: &str = "SUMOQL_ASN_DB";

/// Which database a lookup reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpDatabaseKind {
    /// Places: GeoIP2 or GeoLite2 City.
    Geo,
    /// Autonomous systems: GeoLite2 ASN.
    Asn,
}

impl IpDatabaseKind {
    /// How the user names this database, for errors and help.
    pub fn how_to_configure(self) -> String {
        match self {
            IpDatabaseKind::Geo => format!(
                "help: name a MaxMind City database (GeoLite2-City.mmdb) with `--geoip-db FILE` or ${GEOIP_VARIABLE}"
            ),
            IpDatabaseKind::Asn => format!(
                "help: name a MaxMind ASN database (GeoLite2-ASN.mmdb) with `--asn-db FILE` or ${ASN_VARIABLE}"
            ),
        }
    }

    /// The fields a lookup of this kind can give, in the order of their documentation.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            IpDatabaseKind::Geo => &[
                "latitude",
                "longitude",
                "country_code",
                "country_name",
                "city",
                "state",
                "region",
                "continent",
                "postal_code",
                "connection_type",
                "country_cf",
                "state_cf",
                "city_cf",
            ],
            IpDatabaseKind::Asn => &[
                "asn",
                "organization",
                "registering_organization",
                "carrier_organization",
            ],
        }
    }

    /// The fields given when none is named: `geoip`'s defaults (the first six), or for
    /// `lookup * from asn://default` the number and organization.
    pub fn default_fields(self) -> &'static [&'static str] {
        match self {
            IpDatabaseKind::Geo => &self.fields()[..6],
            IpDatabaseKind::Asn => &self.fields()[..2],
        }
    }

    /// Where a field sits in a MaxMind record.
    fn path(self, field: &str) -> &'static [PathElement<'static>] {
        use PathElement::{Index, Key};
        match (self, field) {
            (IpDatabaseKind::Geo, "latitude") => &[Key("location"), Key("latitude")],
            (IpDatabaseKind::Geo, "longitude") => &[Key("location"), Key("longitude")],
            (IpDatabaseKind::Geo, "country_code") => &[Key("country"), Key("iso_code")],
            (IpDatabaseKind::Geo, "country_name") => &[Key("country"), Key("names"), Key("en")],
            (IpDatabaseKind::Geo, "city") => &[Key("city"), Key("names"), Key("en")],
            (IpDatabaseKind::Geo, "state") => {
                &[Key("subdivisions"), Index(0), Key("names"), Key("en")]
            }
            (IpDatabaseKind::Geo, "region") => &[Key("subdivisions"), Index(0), Key("iso_code")],
            (IpDatabaseKind::Geo, "continent") => &[Key("continent"), Key("names"), Key("en")],
            (IpDatabaseKind::Geo, "postal_code") => &[Key("postal"), Key("code")],
            (IpDatabaseKind::Geo, "connection_type") => &[Key("traits"), Key("connection_type")],
            (IpDatabaseKind::Geo, "country_cf") => &[Key("country"), Key("confidence")],
            (IpDatabaseKind::Geo, "state_cf") => {
                &[Key("subdivisions"), Index(0), Key("confidence")]
            }
            (IpDatabaseKind::Geo, "city_cf") => &[Key("city"), Key("confidence")],
            (IpDatabaseKind::Asn, "asn") => &[Key("autonomous_system_number")],
            (IpDatabaseKind::Asn, _) => &[Key("autonomous_system_organization")],
            (IpDatabaseKind::Geo, _) => &[],
        }
    }
}

/// An opened database.
pub struct IpDatabase {
    /// Which kind it is.
    pub kind: IpDatabaseKind,
    /// The file it was read from.
    pub file: PathBuf,
    reader: Reader<Vec<u8>>,
}

impl fmt::Debug for IpDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IpDatabase({:?}, {})", self.kind, self.file.display())
    }
}

impl IpDatabase {
    /// Opens the database at `file`.
    pub fn open(kind: IpDatabaseKind, file: &Path) -> Result<IpDatabase, String> {
        let reader = Reader::open_readfile(file)
            .map_err(|e| format!("cannot read the MaxMind database {}: {e}", file.display()))?;
        Ok(IpDatabase {
            kind,
            file: file.to_path_buf(),
            reader,
        })
    }

    /// The value of `field` for the address `ip`, as text: null when the text is not an
    /// address, the database has no network for it, or its record lacks the field. Latitude
    /// and longitude keep at most five decimals.
    pub fn field(&self, ip: &str, field: &str) -> Value {
        let Ok(address) = ip.trim().parse::<IpAddr>() else {
            return Value::Null;
        };
        let Ok(found) = self.reader.lookup(address) else {
            return Value::Null;
        };
        let path = self.kind.path(field);
        match found.decode_path::<serde_json::Value>(path) {
            Ok(Some(serde_json::Value::String(text))) => Value::text(text),
            Ok(Some(serde_json::Value::Number(number))) => match number.as_f64() {
                Some(x) if number.is_f64() => Value::text(five_decimals(x)),
                _ => Value::text(number.to_string()),
            },
            _ => Value::Null,
        }
    }
}

/// `x` with at most five decimals, trailing zeros dropped.
fn five_decimals(x: f64) -> String {
    let text = format!("{x:.5}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// A lookup by IP address: the database, the field holding the address, and each database
/// field with the slot it fills.
#[derive(Clone, Debug)]
pub struct IpLookup {
    /// The database.
    pub database: Arc<IpDatabase>,
    /// The field holding the address.
    pub ip: SlotId,
    /// Each field given and its slot.
    pub outputs: Vec<(String, SlotId)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_keep_five_decimals() {
        assert_eq!(five_decimals(37.751), "37.751");
        assert_eq!(five_decimals(-122.4194155), "-122.41942");
        assert_eq!(five_decimals(48.0), "48");
    }

    #[test]
    fn every_field_has_a_place_in_the_record() {
        for kind in [IpDatabaseKind::Geo, IpDatabaseKind::Asn] {
            for field in kind.fields() {
                assert!(!kind.path(field).is_empty(), "{field}");
            }
        }
    }
}
