//! Networks in CIDR notation: `getCIDRPrefix`, `compareCIDRPrefix`, `maskFromCIDR`,
//! `cidrMatch`, and `ipv4ToNumber`.
//!
//! Addresses are trimmed of surrounding whitespace first, as Sumo Logic does. Unlike
//! `isPrivateIP` (D4), these functions never drop a record: an argument that is not an address,
//! or a prefix length out of range, gives null.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;

use crate::prelude::*;

/// The address an argument's text is, ignoring surrounding whitespace.
fn address(value: &Value) -> Option<IpAddr> {
    value.to_text()?.trim().parse().ok()
}

/// The prefix length an argument is (a whole number, or its text), when it fits `address`'s
/// family: 0 to 32 for IPv4, 0 to 128 for IPv6.
fn prefix_length(value: &Value, address: IpAddr) -> Option<u8> {
    let Some(Number::Int(length)) = value.as_number() else {
        return None;
    };
    let most = if address.is_ipv4() { 32 } else { 128 };
    u8::try_from(length).ok().filter(|&length| length <= most)
}

/// The network of `address` with the first `value` bits kept.
fn network(address: IpAddr, value: &Value) -> Option<IpAddr> {
    let length = prefix_length(value, address)?;
    IpNet::new(address, length).ok().map(|net| net.network())
}

/// The constant prefix length at `index`, checked against IPv4's 0 to 32 when it is given and
/// not null.
fn check_ipv4_length(constants: &[Option<Value>], index: usize) -> Result<(), (usize, String)> {
    match constants.get(index) {
        Some(Some(value))
            if !value.is_null()
                && prefix_length(value, IpAddr::V4(Ipv4Addr::UNSPECIFIED)).is_none() =>
        {
            Err((
                index,
                "a prefix length is a whole number from 0 to 32".to_string(),
            ))
        }
        _ => Ok(()),
    }
}

/// `getCIDRPrefix(ip, prefixLength)`: the network part of an address.
#[derive(Debug)]
pub struct GetCidrPrefix;

impl ScalarFunction for GetCidrPrefix {
    fn name(&self) -> &'static str {
        "getCIDRPrefix"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Returns the network prefix of an address as address text: the first prefixLength bits \
         kept, the rest zero, so (\"10.10.1.35\", 27) gives \"10.10.1.32\". The length is a whole \
         number or its text, 0 to 32 for IPv4 (0 to 128 for IPv6). Spaces around the address are \
         ignored. A null or invalid address, or a length out of range, gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("getCIDRPrefix(\"10.10.1.35\", \"24\")", "\"10.10.1.0\""),
            example!("getCIDRPrefix(\" 10.10.1.35 \", 27)", "\"10.10.1.32\""),
            example!(
                "getCIDRPrefix(\"2001:db8::ff00:42:8329\", 64)",
                "\"2001:db8::\""
            ),
            example!("getCIDRPrefix(\"10.10.1.35\", 33)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(address(&args[0])
            .and_then(|address| network(address, &args[1]))
            .map_or(Value::Null, |net| Value::text(net.to_string())))
    }
}

/// `compareCIDRPrefix(ip1, ip2, prefixLength)`: whether two addresses share a network.
#[derive(Debug)]
pub struct CompareCidrPrefix;

impl ScalarFunction for CompareCidrPrefix {
    fn name(&self) -> &'static str {
        "compareCIDRPrefix"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(3)
    }

    fn doc(&self) -> &'static str {
        "Returns true when two addresses have the same network prefix of prefixLength bits (a \
         whole number or its text, 0 to 32 for IPv4, 0 to 128 for IPv6), false when they differ \
         or one is IPv4 and the other IPv6. Spaces around the addresses are ignored. A null or \
         invalid address, or a length out of range, gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "compareCIDRPrefix(\"10.10.1.32\", \"10.10.1.35\", \"27\")",
                "true"
            ),
            example!(
                "compareCIDRPrefix(\"10.10.1.32\", \"10.10.1.35\", 31)",
                "false"
            ),
            example!("compareCIDRPrefix(\"10.10.1.32\", null, 8)", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let (Some(first), Some(second)) = (address(&args[0]), address(&args[1])) else {
            return Ok(Value::Null);
        };
        if first.is_ipv4() != second.is_ipv4() {
            return Ok(prefix_length(&args[2], first).map_or(Value::Null, |_| Value::Bool(false)));
        }
        Ok(
            match (network(first, &args[2]), network(second, &args[2])) {
                (Some(a), Some(b)) => Value::Bool(a == b),
                _ => Value::Null,
            },
        )
    }
}

/// `maskFromCIDR(prefixLength)`: the IPv4 netmask of a prefix length.
#[derive(Debug)]
pub struct MaskFromCidr;

impl ScalarFunction for MaskFromCidr {
    fn name(&self) -> &'static str {
        "maskFromCIDR"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns the IPv4 netmask, in dotted-quad text, of a prefix length from 0 to 32 (a whole \
         number or its text): 24 gives \"255.255.255.0\". Null, or a length that is not a whole \
         number in range, gives null; a literal length out of range is reported before the query \
         runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("maskFromCIDR(24)", "\"255.255.255.0\""),
            example!("maskFromCIDR(\"20\")", "\"255.255.240.0\""),
            example!("maskFromCIDR(0)", "\"0.0.0.0\""),
            example!("maskFromCIDR(null)", "null"),
        ];
        EXAMPLES
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        check_ipv4_length(constants, 0)
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let mask = prefix_length(&args[0], IpAddr::V4(Ipv4Addr::UNSPECIFIED))
            .and_then(|length| IpNet::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), length).ok())
            .map(|net| net.netmask());
        Ok(mask.map_or(Value::Null, |mask| Value::text(mask.to_string())))
    }
}

/// The network a CIDR argument's text is (`10.0.0.0/8`, `2001:db8::/32`), spaces ignored.
fn cidr(value: &Value) -> Option<IpNet> {
    value.to_text()?.trim().parse().ok()
}

/// Whether an argument's text holds a `/`, so that it is meant as a CIDR, not an address.
fn looks_like_cidr(value: &Value) -> bool {
    value.to_text().is_some_and(|text| text.contains('/'))
}

/// `cidrMatch(ip, cidr)`: whether an address lies in a network.
#[derive(Debug)]
pub struct CidrMatch;

impl ScalarFunction for CidrMatch {
    fn name(&self) -> &'static str {
        "cidrMatch"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(2)
    }

    fn doc(&self) -> &'static str {
        "Returns true when an address lies in a network written in CIDR notation, IPv4 \
         (\"10.0.0.0/8\") or IPv6 (\"2001:db8::/32\"), and false otherwise, an address of the \
         other family included. The arguments may come in either order (Splunk's cidrmatch puts \
         the network first): the one holding a `/` is the network. Spaces around either are \
         ignored. A null or invalid address or network gives null; a literal network that is \
         invalid is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("cidrMatch(\"10.1.2.3\", \"10.0.0.0/8\")", "true"),
            example!("cidrMatch(\"192.168.0.0/16\", \"192.169.0.1\")", "false"),
            example!("cidrMatch(\"2001:db8::1\", \"2001:db8::/32\")", "true"),
            example!("cidrMatch(null, \"10.0.0.0/8\")", "null"),
        ];
        EXAMPLES
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        for (index, constant) in constants.iter().enumerate() {
            if let Some(value) = constant.as_ref().filter(|value| looks_like_cidr(value)) {
                if cidr(value).is_none() {
                    return Err((
                        index,
                        "not a network in CIDR notation such as 10.0.0.0/8".to_string(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let (address_arg, network_arg) = if looks_like_cidr(&args[0]) {
            (&args[1], &args[0])
        } else {
            (&args[0], &args[1])
        };
        Ok(match (address(address_arg), cidr(network_arg)) {
            (Some(address), Some(network)) => Value::Bool(network.contains(&address)),
            _ => Value::Null,
        })
    }
}

/// `ipv4ToNumber(ip)`: an IPv4 address as the 32-bit number it is.
#[derive(Debug)]
pub struct Ipv4ToNumber;

impl ScalarFunction for Ipv4ToNumber {
    fn name(&self) -> &'static str {
        "ipv4ToNumber"
    }

    fn signature(&self) -> Signature {
        Signature::exactly(1)
    }

    fn doc(&self) -> &'static str {
        "Returns an IPv4 address as the unsigned 32-bit integer it stands for (\"10.0.0.1\" \
         gives 167772161), so addresses can be compared and sorted as numbers. Spaces around the \
         address are ignored. Null, an IPv6 address or other text gives null."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!("ipv4ToNumber(\"10.0.0.1\")", "167772161"),
            example!("ipv4ToNumber(\"255.255.255.255\")", "4294967295"),
            example!("ipv4ToNumber(\"::1\")", "null"),
        ];
        EXAMPLES
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(match address(&args[0]) {
            Some(IpAddr::V4(address)) => Value::Int(i64::from(u32::from(address))),
            _ => Value::Null,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: &dyn ScalarFunction, args: &[Value]) -> Value {
        function.call(args, &mut CallContext::default()).unwrap()
    }

    #[test]
    fn prefixes_at_every_edge() {
        let prefix =
            |ip: &str, length: i64| call(&GetCidrPrefix, &[Value::text(ip), Value::Int(length)]);
        assert_eq!(prefix("10.10.1.35", 29), Value::text("10.10.1.32"));
        assert_eq!(prefix("10.10.1.35", 0), Value::text("0.0.0.0"));
        assert_eq!(prefix("10.10.1.35", 32), Value::text("10.10.1.35"));
        assert_eq!(prefix("10.10.1.35", -1), Value::Null);
        assert_eq!(prefix("::1", 128), Value::text("::1"));
        assert_eq!(prefix("::1", 129), Value::Null);
        assert_eq!(prefix("10.10.1", 8), Value::Null);
        assert_eq!(
            call(&GetCidrPrefix, &[Value::text("1.2.3.4"), Value::Float(8.5)]),
            Value::Null
        );
    }

    #[test]
    fn comparing_across_families_is_false() {
        let compare = |a: &str, b: &str| {
            call(
                &CompareCidrPrefix,
                &[Value::text(a), Value::text(b), Value::Int(8)],
            )
        };
        assert_eq!(compare("10.1.1.1", "10.200.0.0"), Value::Bool(true));
        assert_eq!(compare("10.1.1.1", "::1"), Value::Bool(false));
        assert_eq!(compare("10.1.1.1", "x"), Value::Null);
    }

    #[test]
    fn masks_and_numbers() {
        assert_eq!(
            call(&MaskFromCidr, &[Value::Int(32)]),
            Value::text("255.255.255.255")
        );
        assert_eq!(call(&MaskFromCidr, &[Value::Int(33)]), Value::Null);
        assert_eq!(
            call(&Ipv4ToNumber, &[Value::text("0.0.0.0")]),
            Value::Int(0)
        );
        assert_eq!(
            MaskFromCidr
                .check_constants(&[Some(Value::Int(40))])
                .map_err(|e| e.0),
            Err(0)
        );
        assert_eq!(MaskFromCidr.check_constants(&[None]), Ok(()));
    }

    #[test]
    fn matching_either_way_round() {
        let matches = |a: &str, b: &str| call(&CidrMatch, &[Value::text(a), Value::text(b)]);
        assert_eq!(matches("10.0.0.0/8", "10.255.0.1"), Value::Bool(true));
        assert_eq!(matches("10.0.0.0/8", "11.0.0.1"), Value::Bool(false));
        assert_eq!(matches("::1", "10.0.0.0/8"), Value::Bool(false));
        assert_eq!(matches("10.1.2.3/8", "10.9.9.9"), Value::Bool(true));
        assert_eq!(matches("10.0.0.0/33", "10.0.0.1"), Value::Null);
        assert!(CidrMatch
            .check_constants(&[None, Some(Value::text("10.0.0.0/40"))])
            .is_err());
        assert_eq!(
            CidrMatch.check_constants(&[None, Some(Value::text("10.0.0.0/8"))]),
            Ok(())
        );
    }
}
