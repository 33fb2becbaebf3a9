//! The IP address family: `isPrivateIP`, `isPublicIP` and `isReservedIP`, which drop a record
//! whose value is not an IPv4 address (D4), and `isValidIP`, `isValidIPv4` and `isValidIPv6`,
//! which only answer true or false.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use crate::prelude::*;

/// The special-purpose IPv4 blocks of RFC 5735 and RFC 6890, as network and prefix length.
const RESERVED: [(Ipv4Addr, u32); 16] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 0, 0, 0), 24),
    (Ipv4Addr::new(192, 0, 2, 0), 24),
    (Ipv4Addr::new(192, 88, 99, 0), 24),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(198, 18, 0, 0), 15),
    (Ipv4Addr::new(198, 51, 100, 0), 24),
    (Ipv4Addr::new(203, 0, 113, 0), 24),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
    (Ipv4Addr::new(255, 255, 255, 255), 32),
];

/// Whether `address` lies in one of the [`RESERVED`] blocks.
fn is_reserved(address: Ipv4Addr) -> bool {
    let address = u32::from(address);
    RESERVED.iter().any(|&(network, prefix)| {
        let mask = u32::MAX << (32 - prefix);
        address & mask == u32::from(network)
    })
}

/// Answers `test` for the IPv4 address the argument's text is, or drops the record when it is
/// not one (IPv6, other text, null).
fn classify_ipv4(args: &[Value], test: fn(Ipv4Addr) -> bool) -> Result<Value, RecordDropped> {
    let address = args[0]
        .to_text()
        .and_then(|text| text.parse::<Ipv4Addr>().ok());
    address
        .map(|address| Value::Bool(test(address)))
        .ok_or(RecordDropped(WarningKind::InvalidIpDropped))
}

/// Whether the argument's text parses as an `A`; null is not an address.
fn parses_as<A: FromStr>(args: &[Value]) -> Result<Value, RecordDropped> {
    let valid = args[0]
        .to_text()
        .is_some_and(|text| text.parse::<A>().is_ok());
    Ok(Value::Bool(valid))
}

/// `isPrivateIP(x)`: whether an IPv4 address is in a private (RFC 1918) block.
#[derive(Debug)]
pub struct IsPrivateIp;

impl ScalarFunction for IsPrivateIp {
    fn name(&self) -> &'static str {
        "isPrivateIP"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is an IPv4 address in one of the private blocks of \
         RFC 1918 (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), and false for any other IPv4 \
         address, loopback, link-local and 100.64.0.0/10 included. A value that is not a \
         dotted-quad IPv4 address (an IPv6 address, other text, a number, null) drops the \
         record, and the run counts a warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isPrivateIP(\"10.1.2.3\")", "true"),
            example!("isPrivateIP(\"172.32.0.1\")", "false"),
            example!("isPrivateIP(\"127.0.0.1\")", "false"),
            example!("isPrivateIP(\"::1\")", "drop"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        classify_ipv4(args, |address| address.is_private())
    }
}

/// `isPublicIP(x)`: whether an IPv4 address is neither private nor reserved.
#[derive(Debug)]
pub struct IsPublicIp;

impl ScalarFunction for IsPublicIp {
    fn name(&self) -> &'static str {
        "isPublicIP"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is an IPv4 address outside every private and special-purpose \
         block (those `isReservedIP` lists), and false for a private or reserved one. A value \
         that is not a dotted-quad IPv4 address (an IPv6 address, other text, a number, null) \
         drops the record, and the run counts a warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isPublicIP(\"8.8.8.8\")", "true"),
            example!("isPublicIP(\"192.168.1.1\")", "false"),
            example!("isPublicIP(\"203.0.113.9\")", "false"),
            example!("isPublicIP(\"not an ip\")", "drop"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        classify_ipv4(args, |address| {
            !address.is_private() && !is_reserved(address)
        })
    }
}

/// `isReservedIP(x)`: whether an IPv4 address is in a special-purpose block.
#[derive(Debug)]
pub struct IsReservedIp;

impl ScalarFunction for IsReservedIp {
    fn name(&self) -> &'static str {
        "isReservedIP"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is an IPv4 address in a special-purpose block of RFC 5735 \
         and RFC 6890: 0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10, 127.0.0.0/8, 169.254.0.0/16, \
         172.16.0.0/12, 192.0.0.0/24, 192.0.2.0/24, 192.88.99.0/24, 192.168.0.0/16, \
         198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24, 224.0.0.0/4, 240.0.0.0/4 and \
         255.255.255.255; false for any other IPv4 address. A value that is not a dotted-quad \
         IPv4 address drops the record, and the run counts a warning."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isReservedIP(\"127.0.0.1\")", "true"),
            example!("isReservedIP(\"239.1.1.1\")", "true"),
            example!("isReservedIP(\"8.8.4.4\")", "false"),
            example!("isReservedIP(null)", "drop"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        classify_ipv4(args, is_reserved)
    }
}

/// `isValidIP(x)`: whether text is an IPv4 or IPv6 address.
#[derive(Debug)]
pub struct IsValidIp;

impl ScalarFunction for IsValidIp {
    fn name(&self) -> &'static str {
        "isValidIP"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is an IPv4 address (dotted quad) or an IPv6 address, and \
         false for anything else, null included. It never drops the record."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isValidIP(\"192.168.0.1\")", "true"),
            example!("isValidIP(\"2001:db8::1\")", "true"),
            example!("isValidIP(\"300.1.1.1\")", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        parses_as::<IpAddr>(args)
    }
}

/// `isValidIPv4(x)`: whether text is an IPv4 address.
#[derive(Debug)]
pub struct IsValidIpv4;

impl ScalarFunction for IsValidIpv4 {
    fn name(&self) -> &'static str {
        "isValidIPv4"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is an IPv4 address written as a dotted quad of decimal \
         octets (no surrounding spaces, no leading zeros), and false for anything else, IPv6 \
         addresses and null included. It never drops the record."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isValidIPv4(\"10.0.0.255\")", "true"),
            example!("isValidIPv4(\"::1\")", "false"),
            example!("isValidIPv4(null)", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        parses_as::<Ipv4Addr>(args)
    }
}

/// `isValidIPv6(x)`: whether text is an IPv6 address.
#[derive(Debug)]
pub struct IsValidIpv6;

impl ScalarFunction for IsValidIpv6 {
    fn name(&self) -> &'static str {
        "isValidIPv6"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns true when the value is an IPv6 address in any standard text form (compressed \
         `::`, or with an embedded IPv4 tail), and false for anything else, IPv4 addresses and \
         null included. It never drops the record."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("isValidIPv6(\"fe80::1\")", "true"),
            example!("isValidIPv6(\"::ffff:10.0.0.1\")", "true"),
            example!("isValidIPv6(\"10.0.0.1\")", "false"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        parses_as::<Ipv6Addr>(args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &dyn ScalarFunction, value: Value) -> Result<Value, RecordDropped> {
        function.call(&[value], &mut CallContext::default())
    }

    fn answer(function: &dyn ScalarFunction, text: &str) -> bool {
        call(function, Value::text(text)).unwrap() == Value::Bool(true)
    }

    const DROPPED: Result<Value, RecordDropped> = Err(RecordDropped(WarningKind::InvalidIpDropped));

    #[test]
    fn private_blocks_and_their_edges() {
        for private in [
            "10.0.0.0",
            "10.255.255.255",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.0.1",
        ] {
            assert!(answer(&IsPrivateIp, private), "{private}");
        }
        for other in [
            "172.15.255.255",
            "172.32.0.0",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
        ] {
            assert!(!answer(&IsPrivateIp, other), "{other}");
        }
    }

    #[test]
    fn reserved_and_public() {
        let reserved = [
            "0.1.2.3",
            "100.127.255.255",
            "169.254.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.1",
            "224.0.0.1",
            "255.255.255.255",
            "10.9.9.9",
        ];
        for address in reserved {
            assert!(answer(&IsReservedIp, address), "{address}");
            assert!(!answer(&IsPublicIp, address), "{address}");
        }
        for address in [
            "8.8.8.8",
            "100.128.0.0",
            "198.20.0.0",
            "192.0.1.1",
            "223.255.255.255",
        ] {
            assert!(!answer(&IsReservedIp, address), "{address}");
            assert!(answer(&IsPublicIp, address), "{address}");
        }
    }

    #[test]
    fn anything_but_ipv4_drops_the_record() {
        let invalid = [
            Value::text("::1"),
            Value::text(" 10.0.0.1"),
            Value::text("10.0.0"),
            Value::text(""),
            Value::Null,
            Value::Int(167_772_161),
        ];
        for function in [
            &IsPrivateIp as &dyn ScalarFunction,
            &IsPublicIp,
            &IsReservedIp,
        ] {
            for value in &invalid {
                assert_eq!(call(function, value.clone()), DROPPED, "{value:?}");
            }
        }
    }

    #[test]
    fn validity_checks_never_drop() {
        assert!(answer(&IsValidIp, "1.2.3.4"));
        assert!(answer(&IsValidIp, "::"));
        assert!(!answer(&IsValidIp, "1.2.3.4.5"));
        assert!(answer(&IsValidIpv4, "1.2.3.4"));
        assert!(!answer(&IsValidIpv4, "01.2.3.4"));
        assert!(answer(&IsValidIpv6, "2001:db8::8a2e:370:7334"));
        assert!(!answer(&IsValidIpv6, "1.2.3.4"));
        for function in [
            &IsValidIp as &dyn ScalarFunction,
            &IsValidIpv4,
            &IsValidIpv6,
        ] {
            assert_eq!(call(function, Value::Null), Ok(Value::Bool(false)));
        }
    }
}
