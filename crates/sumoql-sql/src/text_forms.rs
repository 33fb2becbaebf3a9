//! Regular expressions for text forms that functions read, so that SQL engines accept exactly
//! the text the native functions accept: IPv6 addresses as Rust's parser reads them (RFC 4291
//! text, `::` compression, an IPv4 tail), and dates written in a Java `SimpleDateFormat`
//! pattern made of fixed fields.

use crate::dialect::{java_pattern_pieces, JavaPatternPiece};

/// One to four hexadecimal digits: a group of an IPv6 address.
const H16: &str = "[0-9A-Fa-f]{1,4}";

/// A dotted-quad IPv4 address without leading zeros, as Rust's parser accepts it.
pub(crate) const IPV4: &str = r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";

/// A whole-text pattern for an IPv6 address: RFC 3986's `IPv6address` grammar, where the
/// last 32 bits may be written as an IPv4 address.
pub(crate) fn ipv6() -> String {
    let ls32 = format!("(?:{H16}:{H16}|{IPV4})");
    // `n` groups, each followed by a colon.
    let groups = |n: usize| format!("(?:{H16}:){{{n}}}");
    // Up to `n` groups before `::`, the last without its colon.
    let before = |n: usize| {
        if n == 0 {
            String::new()
        } else {
            format!("(?:(?:{H16}:){{0,{}}}{H16})?", n - 1)
        }
    };
    let forms = [
        format!("{}{ls32}", groups(6)),
        format!("::{}{ls32}", groups(5)),
        format!("{}::{}{ls32}", before(1), groups(4)),
        format!("{}::{}{ls32}", before(2), groups(3)),
        format!("{}::{}{ls32}", before(3), groups(2)),
        format!("{}::{}{ls32}", before(4), groups(1)),
        format!("{}::{ls32}", before(5)),
        format!("{}::{H16}", before(6)),
        format!("{}::", before(7)),
    ];
    format!("^(?:{})$", forms.join("|"))
}

/// A field of a date pattern the SQL reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DateField {
    /// `yyyy`.
    Year,
    /// `MM`, as digits.
    Month,
    /// `MMM`, an English month abbreviation.
    MonthName,
    /// `dd`.
    Day,
    /// `HH`.
    Hour,
    /// `mm`.
    Minute,
    /// `ss`.
    Second,
    /// `SSS`: milliseconds, added as a count as Java does.
    Millis,
    /// `Z`: a zone offset such as `+0200`.
    Offset,
}

/// A date pattern as a regular expression whose groups, in order, are `fields`; `None` when
/// the pattern holds letters beyond the fixed fields above. A number field reads a run of
/// digits (exactly its width when another number field follows it directly, as Java reads
/// abutting fields); the text may go on after the last field.
pub(crate) fn date_pattern(pattern: &str) -> Option<(String, Vec<DateField>)> {
    let mut items: Vec<Result<(DateField, usize), String>> = Vec::new();
    for piece in java_pattern_pieces(pattern)? {
        let (letter, run) = match piece {
            JavaPatternPiece::Literal(text) => {
                items.push(Err(text));
                continue;
            }
            JavaPatternPiece::Field(letter, run) => (letter, run),
        };
        let field = match (letter, run) {
            ('y', 4) => DateField::Year,
            ('M', 2) => DateField::Month,
            ('M', 3) => DateField::MonthName,
            ('d', 2) => DateField::Day,
            ('H', 2) => DateField::Hour,
            ('m', 2) => DateField::Minute,
            ('s', 2) => DateField::Second,
            ('S', 3) => DateField::Millis,
            ('Z', 1) => DateField::Offset,
            _ => return None,
        };
        items.push(Ok((field, run)));
    }
    let is_number = |item: Option<&Result<(DateField, usize), String>>| matches!(item, Some(Ok((field, _))) if !matches!(field, DateField::MonthName | DateField::Offset));
    let mut regex = String::from("^");
    let mut fields = Vec::new();
    for (position, item) in items.iter().enumerate() {
        match item {
            Err(literal) => regex.push_str(&crate::dialect::escape_regex(literal)),
            Ok((field, width)) => {
                let group = match field {
                    DateField::MonthName => {
                        format!("((?i:{}))", sumoql_value::time::MONTHS.join("|"))
                    }
                    DateField::Offset => "([+-][0-9]{4})".to_string(),
                    _ if is_number(items.get(position + 1)) => format!("([0-9]{{{width}}})"),
                    _ => "([0-9]+)".to_string(),
                };
                regex.push_str(&group);
                fields.push(*field);
            }
        }
    }
    Some((regex, fields))
}

#[cfg(test)]
mod tests {
    use std::net::Ipv6Addr;

    use regex::Regex;

    use super::*;

    #[test]
    fn the_ipv6_pattern_accepts_what_rusts_parser_accepts() {
        let pattern = Regex::new(&ipv6()).unwrap();
        for text in [
            "::",
            "::1",
            "1::",
            "2001:db8::1",
            "2001:0db8:0000:0000:0000:ff00:0042:8329",
            "fe80::1:2:3:4",
            "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::",
            "::2:3:4:5:6:7:8",
            "::ffff:192.0.2.1",
            "1:2:3:4:5:6:1.2.3.4",
            "1::1.2.3.4",
            "::1.2.3.4",
            "1:2:3:4:5::1.2.3.4",
            "1:2:3:4:5:6:7:8:9",
            "1:2:3:4:5:6:7",
            ":1::2",
            "1::2::3",
            "12345::",
            "::ffff:01.2.3.4",
            "::ffff:256.1.1.1",
            "g::1",
            "1:2:3:4:5:6:7::8",
            "",
            ":",
            "1.2.3.4",
            "::1:",
            "[::1]",
            "fe80::1%eth0",
        ] {
            assert_eq!(
                pattern.is_match(text),
                text.parse::<Ipv6Addr>().is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn fixed_date_patterns_become_regular_expressions() {
        let (regex, fields) = date_pattern("dd-MMM-yyyy HH:mm:ss.SSS").unwrap();
        let captures = Regex::new(&regex)
            .unwrap()
            .captures("02-mar-2026 09:00:08.001")
            .unwrap();
        assert_eq!(&captures[2], "mar");
        assert_eq!(fields[1], DateField::MonthName);
        let (regex, _) = date_pattern("yyyy-MM-dd'T'HH:mm:ss").unwrap();
        assert!(Regex::new(&regex).unwrap().is_match("2026-03-02T09:00:08"));
        let (regex, _) = date_pattern("yyyyMMdd").unwrap();
        assert_eq!(regex, "^([0-9]{4})([0-9]{2})([0-9]+)");
        assert!(date_pattern("EEE, d MMM yyyy").is_none());
    }
}
