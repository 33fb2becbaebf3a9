//! IPv4 helpers: formatting and drawing plausible public or private addresses.

use crate::rng::Rng;

/// First octets used for "public" addresses. All of them are ordinary
/// globally routed /8s, so no address drawn from them is private, loopback,
/// link-local, shared (100.64/10) or documentation space.
const PUBLIC_FIRST_OCTETS: [u8; 32] = [
    3, 8, 13, 18, 20, 23, 31, 34, 35, 40, 45, 51, 52, 54, 62, 64, 66, 69, 72, 74, 81, 91, 93, 104,
    108, 142, 151, 157, 162, 185, 199, 209,
];

/// Packs four octets into an address.
pub fn pack(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

/// Appends the dotted-quad text of `ip`.
pub fn push_ipv4(buf: &mut Vec<u8>, ip: u32) {
    for (i, octet) in ip.to_be_bytes().iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        crate::json::push_u64(buf, u64::from(*octet));
    }
}

/// Returns the dotted-quad text of `ip`.
pub fn ipv4_string(ip: u32) -> String {
    let mut buf = Vec::with_capacity(15);
    push_ipv4(&mut buf, ip);
    String::from_utf8(buf).expect("dotted quads are ASCII")
}

/// Maps 64 random bits to a public unicast address.
pub fn public_from_bits(bits: u64) -> u32 {
    let first = PUBLIC_FIRST_OCTETS[(bits % PUBLIC_FIRST_OCTETS.len() as u64) as usize];
    let rest = bits >> 8;
    let b = (rest & 0xff) as u8;
    let c = ((rest >> 8) & 0xff) as u8;
    // Avoid network and broadcast-looking last octets.
    let d = 1 + ((rest >> 16) % 254) as u8;
    pack(first, b, c, d)
}

/// Draws a public unicast address.
pub fn random_public(rng: &mut Rng) -> u32 {
    public_from_bits(rng.next_u64())
}

/// Whether `ip` lies in 10/8, 172.16/12 or 192.168/16.
pub fn is_rfc1918(ip: u32) -> bool {
    let [a, b, _, _] = ip.to_be_bytes();
    a == 10 || (a == 172 && (16..=31).contains(&b)) || (a == 192 && b == 168)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting() {
        assert_eq!(ipv4_string(pack(10, 0, 0, 1)), "10.0.0.1");
        assert_eq!(ipv4_string(pack(255, 255, 255, 255)), "255.255.255.255");
        assert_eq!(ipv4_string(0), "0.0.0.0");
    }

    #[test]
    fn public_addresses_are_not_special() {
        let mut rng = Rng::new(11);
        for _ in 0..10_000 {
            let ip = random_public(&mut rng);
            let [a, b, _, d] = ip.to_be_bytes();
            assert!(!is_rfc1918(ip));
            assert!(a != 0 && a != 127 && a != 169 && a < 224);
            assert!(!(a == 100 && (64..128).contains(&b)));
            assert!(d != 0 && d != 255);
        }
    }

    #[test]
    fn private_ranges() {
        assert!(is_rfc1918(pack(172, 16, 0, 1)));
        assert!(is_rfc1918(pack(172, 31, 255, 254)));
        assert!(!is_rfc1918(pack(172, 15, 0, 1)));
        assert!(!is_rfc1918(pack(172, 32, 0, 1)));
        assert!(!is_rfc1918(pack(192, 169, 0, 1)));
        assert!(!is_rfc1918(pack(11, 0, 0, 1)));
    }
}
