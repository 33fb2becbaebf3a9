//! Syslog headers on raw lines: the time and host in front of a vendor's message.
//!
//! Three shapes are read, each after an optional `<PRI>`:
//! - RFC 5424: `1 2024-03-04T10:15:02.123Z host app procid msgid …`;
//! - RFC 3164 and its common variants: `Mar  4 10:15:02 host …`, with an optional year after
//!   the day (`Mar 4 2024 10:15:02`), optional fractions and an optional zone (`EDT`, `UTC`,
//!   `+0200`), and the host optional (`Apr 15 2013 09:36:50: %ASA-…`);
//! - an ISO-8601 time at the start of a headerless line (`2024-03-04T10:15:02Z host …`).
//!
//! A time without a year gets the latest year that does not put it after the run's "now"; a
//! time without a zone is read in the run's zone.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sumoql_value::time::{parse_timestamp_ms, Zone, MONTHS, ZONE_ABBREVIATIONS};

/// What a syslog header says about a line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyslogHeader {
    /// The header's time in epoch milliseconds, when it has one that reads.
    pub time_ms: Option<i64>,
    /// The sending host, when the header names one.
    pub host: Option<String>,
    /// Where the message after the header starts, as a byte offset into the line.
    pub body_start: usize,
}

/// Reads the syslog header at the start of `line`, if any. `now_ms` and `zone` are the run's
/// "now" (for the year of year-less times) and the zone of zone-less times.
pub fn parse_header(line: &str, now_ms: i64, zone: &Zone) -> SyslogHeader {
    let mut cursor = Cursor { line, at: 0 };
    cursor.skip_spaces();
    cursor.skip_priority();
    let after_priority = cursor.at;
    if let Some(header) = rfc5424(&mut cursor, zone) {
        return header;
    }
    cursor.at = after_priority;
    let time_ms = match rfc3164_time(&mut cursor, now_ms, zone) {
        Some(time) => Some(time),
        None => {
            cursor.at = after_priority;
            iso_time(&mut cursor, zone)
        }
    };
    if time_ms.is_none() {
        return SyslogHeader {
            time_ms: None,
            host: None,
            body_start: after_priority,
        };
    }
    let host = cursor.host();
    cursor.skip_spaces();
    SyslogHeader {
        time_ms,
        host,
        body_start: cursor.at,
    }
}

/// A position in the line being read.
struct Cursor<'l> {
    line: &'l str,
    at: usize,
}

impl<'l> Cursor<'l> {
    fn rest(&self) -> &'l str {
        self.line.get(self.at..).unwrap_or("")
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    /// Skips `<digits>` when the line starts with it.
    fn skip_priority(&mut self) {
        let rest = self.rest();
        if let Some(inner) = rest.strip_prefix('<') {
            if let Some(end) = inner.find('>') {
                let digits = &inner[..end];
                if (1..=3).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
                    self.at += end + 2;
                }
            }
        }
    }

    /// The next token up to a space (empty at the end of the line), consumed.
    fn token(&mut self) -> &'l str {
        self.skip_spaces();
        let rest = self.rest();
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        self.at += end;
        &rest[..end]
    }

    /// Skips RFC 5424 structured data: `-`, or elements in brackets whose quoted values may
    /// hold `]` escaped as `\]`.
    fn skip_structured_data(&mut self) {
        self.skip_spaces();
        let rest = self.rest();
        if rest.starts_with("- ") || rest == "-" {
            self.at += 1;
            return;
        }
        let mut in_quotes = false;
        let mut escaped = false;
        let mut depth = 0;
        for (index, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_quotes => escaped = true,
                '"' => in_quotes = !in_quotes,
                '[' if !in_quotes => depth += 1,
                ']' if !in_quotes => {
                    depth -= 1;
                    if depth == 0 && !rest[index + 1..].starts_with('[') {
                        self.at += index + 1;
                        return;
                    }
                }
                _ if depth == 0 => return,
                _ => {}
            }
        }
    }

    /// The host after the time, when the next token looks like one: not a vendor message tag
    /// (`%ASA-…`), not a `key=value` pair, not a CSV record; a trailing `:` is dropped.
    fn host(&mut self) -> Option<String> {
        let before = self.at;
        let token = self.token();
        let name = token.strip_suffix(':').unwrap_or(token);
        let looks_like_host =
            !name.is_empty() && !name.starts_with('%') && !name.contains(['=', ',', '[', '"']);
        if looks_like_host {
            return Some(name.to_string());
        }
        if token != ":" {
            self.at = before;
        }
        None
    }
}

/// `1 ISO-TIME HOST …` (RFC 5424; `-` stands for a missing time or host).
fn rfc5424(cursor: &mut Cursor<'_>, zone: &Zone) -> Option<SyslogHeader> {
    if cursor.token() != "1" {
        return None;
    }
    let time = cursor.token();
    let time_ms = if time == "-" {
        None
    } else {
        Some(parse_timestamp_ms(time, zone)?)
    };
    let host = cursor.token();
    // APP-NAME, PROCID and MSGID, then the structured data: `-` or `[id key="value"]…`.
    for _ in 0..3 {
        cursor.token();
    }
    cursor.skip_structured_data();
    cursor.skip_spaces();
    Some(SyslogHeader {
        time_ms,
        host: (!host.is_empty() && host != "-").then(|| host.to_string()),
        body_start: cursor.at,
    })
}

/// An ISO-8601 time as the first token of a line.
fn iso_time(cursor: &mut Cursor<'_>, zone: &Zone) -> Option<i64> {
    let token = cursor.token();
    let token = token.strip_suffix(':').unwrap_or(token);
    let starts_with_date = token.len() >= 10
        && token.as_bytes().get(4) == Some(&b'-')
        && token.as_bytes().get(7) == Some(&b'-');
    if !starts_with_date || !token.contains('T') {
        return None;
    }
    parse_timestamp_ms(token, zone)
}

/// `Mmm dd [yyyy] hh:mm:ss[.fff][:] [ZONE]`, as epoch milliseconds.
fn rfc3164_time(cursor: &mut Cursor<'_>, now_ms: i64, zone: &Zone) -> Option<i64> {
    let month_name = cursor.token();
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let day: u32 = cursor.token().parse().ok()?;
    let mut token = cursor.token();
    let mut year = None;
    if token.len() == 4 && token.bytes().all(|b| b.is_ascii_digit()) {
        year = token.parse::<i32>().ok();
        token = cursor.token();
    }
    let time_text = token.strip_suffix(':').unwrap_or(token);
    let time = NaiveTime::parse_from_str(time_text, "%H:%M:%S%.f").ok()?;
    let mut offset_minutes = None;
    if !token.ends_with(':') {
        let before = cursor.at;
        let next = cursor.token();
        match zone_offset_minutes(next.strip_suffix(':').unwrap_or(next)) {
            Some(offset) => offset_minutes = Some(offset),
            None => cursor.at = before,
        }
    }
    let instant = |year: i32| -> Option<i64> {
        let local = NaiveDate::from_ymd_opt(year, month, day)?.and_time(time);
        match offset_minutes {
            Some(offset) => Some(utc_ms(local) - i64::from(offset) * 60_000),
            None => zone.instant_of_local(local),
        }
    };
    match year {
        Some(year) => instant(year),
        None => {
            let now_year = i32::try_from(zone.local_time(now_ms).year).unwrap_or(1970);
            // The latest year that does not put the time after now; Feb 29 may need a leap
            // year a few years back.
            (now_year - 8..=now_year)
                .rev()
                .filter_map(instant)
                .find(|&ms| ms <= now_ms)
        }
    }
}

/// The offset of a zone abbreviation or a numeric offset (`+0200`, `-05:00`), in minutes.
fn zone_offset_minutes(text: &str) -> Option<i32> {
    if let Some((_, minutes)) = ZONE_ABBREVIATIONS.iter().find(|(name, _)| *name == text) {
        return Some(*minutes);
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// A local date-time read as UTC, in epoch milliseconds.
fn utc_ms(local: NaiveDateTime) -> i64 {
    local.and_utc().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_785_000_000_000; // 2026-07-25T17:20:00Z

    fn header(line: &str) -> SyslogHeader {
        parse_header(line, NOW, &Zone::utc())
    }

    fn iso(ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(ms)
            .unwrap()
            .to_rfc3339()
    }

    #[test]
    fn rfc3164_without_a_year_takes_the_latest_year_not_in_the_future() {
        let line = "Nov 30 16:09:08 PA-220 1,2018/11/30 16:09:07,0128";
        let parsed = header(line);
        assert_eq!(iso(parsed.time_ms.unwrap()), "2025-11-30T16:09:08+00:00");
        assert_eq!(parsed.host.as_deref(), Some("PA-220"));
        assert_eq!(&line[parsed.body_start..], "1,2018/11/30 16:09:07,0128");
        let earlier = header("<13>Jul 25 17:19:59 fw x");
        assert_eq!(iso(earlier.time_ms.unwrap()), "2026-07-25T17:19:59+00:00");
    }

    #[test]
    fn year_zone_and_missing_host_forms() {
        let edt = header("Apr 15 2014 09:34:34 EDT: %ASA-session-5-106100: x");
        assert_eq!(iso(edt.time_ms.unwrap()), "2014-04-15T13:34:34+00:00");
        assert_eq!(edt.host, None);
        let colon = header("Apr 15 2013 09:36:50: %ASA-4-106023: Deny");
        assert_eq!(iso(colon.time_ms.unwrap()), "2013-04-15T09:36:50+00:00");
        assert_eq!(colon.host, None);
        let lone_colon = header("Aug 15 2012 23:30:09 : %ASA-6-302016 Teardown");
        assert_eq!(lone_colon.host, None);
        assert!(
            "Aug 15 2012 23:30:09 : %ASA-6-302016 Teardown"[lone_colon.body_start..]
                .starts_with("%ASA")
        );
        let host = header("<166>Aug 18 2026 18:24:29 asa-fw-01 : %ASA-6-302020: Built");
        assert_eq!(host.host.as_deref(), Some("asa-fw-01"));
        let headerless = header("1,2012/10/30 09:46:12,01606001116,TRAFFIC");
        assert_eq!(headerless.time_ms, None);
        assert_eq!(headerless.body_start, 0);
    }

    #[test]
    fn rfc5424_and_iso_headers() {
        let line = "<34>1 2024-03-04T10:15:02.123Z fw01 app 1 - - %ASA-6-302013: x";
        let parsed = header(line);
        assert_eq!(parsed.time_ms, Some(1_709_547_302_123));
        assert_eq!(parsed.host.as_deref(), Some("fw01"));
        assert_eq!(&line[parsed.body_start..], "%ASA-6-302013: x");
        let with_data = "<14>1 - pa01 - - - [meta a=\"x\\]\"][b c=\"d\"] 1,2024/01/01 00:00:00";
        let parsed = header(with_data);
        assert_eq!(parsed.time_ms, None);
        assert_eq!(&with_data[parsed.body_start..], "1,2024/01/01 00:00:00");
        let unclosed = header("<14>1 - h a b c [x");
        assert_eq!(unclosed.host.as_deref(), Some("h"));
        let iso_line = header("2024-03-04T10:15:02+01:00 fw02 date=x");
        assert_eq!(iso_line.time_ms, Some(1_709_543_702_000));
        assert_eq!(iso_line.host.as_deref(), Some("fw02"));
    }

    #[test]
    fn fortigate_lines_have_no_header_time() {
        let parsed = header("<189>date=2020-04-23 time=01:16:08 devname=\"x\"");
        assert_eq!(parsed.time_ms, None);
        assert_eq!(parsed.body_start, 5);
        assert_eq!(header("").time_ms, None);
        assert_eq!(header("<1").time_ms, None);
        assert_eq!(header("Feb 30 10:00:00 x").time_ms, None);
    }

    #[test]
    fn numeric_zone_offsets() {
        assert_eq!(zone_offset_minutes("+0200"), Some(120));
        assert_eq!(zone_offset_minutes("-05:00"), Some(-300));
        assert_eq!(zone_offset_minutes("+2"), None);
    }
}
