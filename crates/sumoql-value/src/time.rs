//! Timestamps, durations and time zones.
//!
//! Instants are epoch milliseconds (`i64`). A [`Zone`] turns an instant into wall-clock fields
//! ([`LocalDateTime`]) and names; [`parse_timestamp_ms`] reads the timestamp forms found in logs,
//! [`parse_duration_ms`] reads durations such as `1h30m`, and [`parse_time_arg`] reads the
//! `--from`/`--to` arguments of the command line.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Offset, TimeZone, Weekday};
use chrono_tz::{OffsetComponents, OffsetName, Tz, TzOffset};
use thiserror::Error;

const MS_PER_SECOND: i64 = 1_000;
const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;
const MS_PER_WEEK: i64 = 7 * MS_PER_DAY;

/// 1900-01-01T00:00Z. Java keeps no zone history before this instant.
const HISTORY_START_MS: i64 = -2_208_988_800_000;

/// 2100-01-01T00:00Z. The zone database lists transitions up to here only.
const HISTORY_END_MS: i64 = 4_102_444_800_000;

/// The first of the 28 years before [`HISTORY_END_MS`]; they hold every calendar layout.
const LAST_LISTED_YEARS_START: i64 = 2072;

/// 2024-01-01T00:00Z and 2024-07-01T00:00Z, when zones show their present standard and (if they
/// keep it) daylight time.
const PRESENT_MS: [i64; 2] = [1_704_067_200_000, 1_719_792_000_000];

/// The largest fixed offset accepted, as in Java: eighteen hours.
const MAX_OFFSET_SECONDS: i32 = 18 * 3600;

/// What went wrong reading a zone or a time argument.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum TimeError {
    /// The text is neither a known zone name nor a UTC offset.
    #[error("unknown time zone '{name}': expected UTC, an offset such as +05:30 or UTC-8, or an IANA name such as America/New_York")]
    UnknownZone {
        /// The text as given.
        name: String,
    },
    /// The text is not a time the command line understands.
    #[error("invalid time '{0}': expected `now`, a relative time such as `-15m` or `-1h30m` (units ms, s, m, h, d, w), an ISO-8601 timestamp such as 2024-03-04T10:15:02Z or 2024-03-04, or epoch seconds or milliseconds")]
    InvalidTime(String),
}

/// A time zone: UTC, a fixed offset from it, or a zone of the IANA database.
///
/// Database zones follow the model of Java's `TimeZone`, which Sumo Logic's functions use:
/// before 1900 a zone keeps its present standard offset (no local mean time), daylight-saving
/// rules continue past the years the database lists, and a period is named by the zone's present
/// standard or daylight name. A zone displays as `UTC`, `+05:30` or its IANA name, each of which
/// [`Zone::parse`] reads back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Zone(ZoneKind);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ZoneKind {
    Utc,
    /// Seconds east of UTC.
    Fixed(i32),
    Named(Tz),
}

/// The wall-clock reading of an instant in a zone. Years are proleptic Gregorian: year 0 is
/// 1 BC, year -1 is 2 BC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalDateTime {
    /// The year, proleptic Gregorian.
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
    /// The second, 0 to 59.
    pub second: u32,
    /// The millisecond, 0 to 999.
    pub millisecond: u32,
    /// The day of the year, 1 to 366.
    pub day_of_year: u32,
    /// The day of the week.
    pub weekday: Weekday,
    /// The zone's offset from UTC at this instant, in seconds east.
    pub offset_seconds: i32,
}

impl Zone {
    /// Coordinated Universal Time.
    pub fn utc() -> Zone {
        Zone(ZoneKind::Utc)
    }

    /// Reads a zone: `UTC` (also `utc`, `Z`), `GMT`, a fixed offset (`+05:30`, `-0800`, `+5`,
    /// `UTC+2`, `GMT-03:00`) or an IANA name (`America/New_York`) in any letter case
    /// (`america/new_york`). Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Zone, TimeError> {
        let name = text.trim();
        match name {
            "UTC" | "utc" | "Z" | "z" => return Ok(Zone::utc()),
            "GMT" | "gmt" => return Ok(Zone(ZoneKind::Named(Tz::GMT))),
            _ => {}
        }
        if let Some(seconds) = parse_zone_offset(name) {
            return Ok(Zone(ZoneKind::Fixed(seconds)));
        }
        if let Ok(tz) = name.parse::<Tz>() {
            return Ok(Zone(ZoneKind::Named(tz)));
        }
        chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(name))
            .map(|&tz| Zone(ZoneKind::Named(tz)))
            .ok_or_else(|| TimeError::UnknownZone {
                name: text.to_string(),
            })
    }

    /// The zone's offset in seconds east of UTC when it never changes (UTC or a fixed offset);
    /// `None` for a zone of the database.
    pub fn fixed_offset_seconds(&self) -> Option<i32> {
        match self.0 {
            ZoneKind::Utc => Some(0),
            ZoneKind::Fixed(seconds) => Some(seconds),
            ZoneKind::Named(_) => None,
        }
    }

    /// The zone's offset from UTC at the instant `ms`, in seconds east.
    pub fn offset_seconds_at(&self, ms: i64) -> i32 {
        match self.0 {
            ZoneKind::Utc => 0,
            ZoneKind::Fixed(seconds) => seconds,
            ZoneKind::Named(tz) => zone_offset(tz, ms).fix().local_minus_utc(),
        }
    }

    /// The wall-clock fields of the instant `ms` in this zone. Every `i64` is accepted.
    pub fn local_time(&self, ms: i64) -> LocalDateTime {
        let offset_seconds = self.offset_seconds_at(ms);
        let local = i128::from(ms) + i128::from(offset_seconds) * i128::from(MS_PER_SECOND);
        let day_ms = i128::from(MS_PER_DAY);
        let days = local.div_euclid(day_ms);
        // Within a day, so it fits comfortably.
        let ms_of_day = local.rem_euclid(day_ms) as i64;
        let (year, month, day) = civil_from_days(days);
        let day_of_year = (days - days_from_civil(year, 1, 1) + 1) as u32;
        let weekday = match days.rem_euclid(7) {
            0 => Weekday::Thu,
            1 => Weekday::Fri,
            2 => Weekday::Sat,
            3 => Weekday::Sun,
            4 => Weekday::Mon,
            5 => Weekday::Tue,
            _ => Weekday::Wed,
        };
        LocalDateTime {
            year,
            month,
            day,
            hour: (ms_of_day / MS_PER_HOUR) as u32,
            minute: (ms_of_day % MS_PER_HOUR / MS_PER_MINUTE) as u32,
            second: (ms_of_day % MS_PER_MINUTE / MS_PER_SECOND) as u32,
            millisecond: (ms_of_day % MS_PER_SECOND) as u32,
            day_of_year,
            weekday,
            offset_seconds,
        }
    }

    /// The zone's short name at the instant `ms`: `UTC`, `EST` or `EDT`, and for fixed offsets
    /// (or zones whose abbreviation is only a number) `GMT+05:30`, as Java prints them.
    pub fn short_name_at(&self, ms: i64) -> String {
        match self.0 {
            ZoneKind::Utc => "UTC".to_string(),
            ZoneKind::Fixed(seconds) => gmt_offset_name(seconds),
            ZoneKind::Named(tz) => {
                // Java names a period by the zone's present name for standard or daylight time,
                // whatever the period was called then (EWT in 1942 prints as EDT).
                let offset = zone_offset(tz, ms);
                let daylight = !offset.dst_offset().is_zero();
                let present = present_offsets(tz);
                let named = present
                    .iter()
                    .find(|p| p.dst_offset().is_zero() != daylight)
                    .unwrap_or(&offset);
                match named.abbreviation() {
                    Some(name) if name.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                        name.to_string()
                    }
                    _ => gmt_offset_name(offset.fix().local_minus_utc()),
                }
            }
        }
    }

    /// The zone's long name at the instant `ms`, such as `Coordinated Universal Time` or
    /// `Eastern Daylight Time`, for common zones; otherwise the short name.
    pub fn long_name_at(&self, ms: i64) -> String {
        let short = self.short_name_at(ms);
        let zone = match self.0 {
            ZoneKind::Utc => "UTC",
            ZoneKind::Fixed(_) => return short,
            ZoneKind::Named(tz) => tz.name(),
        };
        long_zone_name(&short, zone).map_or(short, str::to_string)
    }

    /// The instant at which this zone's clocks read `local`. A reading that happens twice takes
    /// the earlier instant; one skipped by a forward jump is read with the offset in force before
    /// the jump (so 02:30 on a spring-forward night is 03:30 of the new offset).
    pub fn instant_of_local(&self, local: NaiveDateTime) -> Option<i64> {
        let local_ms = local.and_utc().timestamp_millis();
        // Offsets change at most once within a day either side of any reading.
        let before = self.offset_seconds_at(local_ms.checked_sub(MS_PER_DAY)?);
        let after = self.offset_seconds_at(local_ms.checked_add(MS_PER_DAY)?);
        let instant_with = |offset: i32| local_ms.checked_sub(i64::from(offset) * MS_PER_SECOND);
        let fits =
            |offset: i32| instant_with(offset).filter(|&at| self.offset_seconds_at(at) == offset);
        match (fits(before), fits(after)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(at), None) | (None, Some(at)) => Some(at),
            (None, None) => instant_with(before),
        }
    }
}

/// A database zone's offset at the instant `ms`, bounded the way Java's zone data is: before
/// 1900 Java knows no local mean time and uses the zone's present standard offset, and beyond
/// the listed transitions the last rules keep repeating (read here from the latest year whose
/// calendar falls on the same weekdays).
fn zone_offset(tz: Tz, ms: i64) -> TzOffset {
    if ms < HISTORY_START_MS {
        let [winter, summer] = present_offsets(tz);
        return if summer.dst_offset().is_zero() {
            summer
        } else {
            winter
        };
    }
    if ms < HISTORY_END_MS {
        return at_ms(tz, ms);
    }
    let days = i128::from(ms.div_euclid(MS_PER_DAY));
    let (year, _, _) = civil_from_days(days);
    let layout = |year: i64| {
        (
            is_leap_year(year),
            days_from_civil(year, 1, 1).rem_euclid(7),
        )
    };
    let same_layout = (LAST_LISTED_YEARS_START..LAST_LISTED_YEARS_START + 28)
        .find(|&candidate| layout(candidate) == layout(year))
        .unwrap_or(LAST_LISTED_YEARS_START);
    let shift_days = days_from_civil(same_layout, 1, 1) - days_from_civil(year, 1, 1);
    let shifted = i128::from(ms) + shift_days * i128::from(MS_PER_DAY);
    at_ms(tz, i64::try_from(shifted).unwrap_or(HISTORY_END_MS - 1))
}

/// The zone's offsets in a recent winter and summer (northern hemisphere seasons).
fn present_offsets(tz: Tz) -> [TzOffset; 2] {
    PRESENT_MS.map(|ms| at_ms(tz, ms))
}

/// The database's offset at an instant within its listed range.
fn at_ms(tz: Tz, ms: i64) -> TzOffset {
    let utc = DateTime::from_timestamp_millis(ms).unwrap_or_default();
    tz.offset_from_utc_datetime(&utc.naive_utc())
}

/// Whether a proleptic Gregorian year has 29 February.
fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The start of the `width_ms` slice holding `ms`, as `timeslice` cuts time: slices are
/// aligned to midnight in `zone` (its offset at `ms`), so in UTC they are aligned to the
/// epoch. `None` for a width that is not positive or a time out of range.
///
/// ```
/// use sumoql_value::time::{slice_start, Zone};
/// assert_eq!(slice_start(1_700_000_123_456, 300_000, &Zone::utc()), Some(1_700_000_100_000));
/// ```
pub fn slice_start(ms: i64, width_ms: i64, zone: &Zone) -> Option<i64> {
    if width_ms <= 0 {
        return None;
    }
    let offset = i64::from(zone.offset_seconds_at(ms)) * 1000;
    let local = ms.checked_add(offset)?;
    let local_start = local.checked_sub(local.rem_euclid(width_ms))?;
    local_start.checked_sub(offset)
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::utc()
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ZoneKind::Utc => f.write_str("UTC"),
            ZoneKind::Fixed(seconds) => f.write_str(&signed_hh_mm(seconds)),
            ZoneKind::Named(tz) => f.write_str(tz.name()),
        }
    }
}

/// `+05:30` for an offset of five and a half hours east; seconds are dropped.
fn signed_hh_mm(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Java's name for a zone known only by its offset: `GMT+05:30`.
fn gmt_offset_name(seconds: i32) -> String {
    format!("GMT{}", signed_hh_mm(seconds))
}

/// The long US-English names Java (with CLDR data) gives common zones, from the short name
/// and, where zones share an abbreviation, the IANA name.
fn long_zone_name(short: &str, zone: &str) -> Option<&'static str> {
    let region = zone.split('/').next().unwrap_or("");
    Some(match (short, region) {
        ("UTC", _) => "Coordinated Universal Time",
        ("GMT", _) => "Greenwich Mean Time",
        ("CST", "Asia") if zone == "Asia/Taipei" => "Taipei Standard Time",
        ("CST", "Asia") => "China Standard Time",
        ("IST", "Asia") => "India Standard Time",
        ("IST", "Europe") => "Irish Standard Time",
        ("PST", "Asia") => "Philippine Standard Time",
        ("BST", "Europe") => "British Summer Time",
        ("AST", "America") => "Atlantic Standard Time",
        ("ADT", "America") => "Atlantic Daylight Time",
        ("EST", _) => "Eastern Standard Time",
        ("EDT", _) => "Eastern Daylight Time",
        ("CST", _) => "Central Standard Time",
        ("CDT", _) => "Central Daylight Time",
        ("MST", _) => "Mountain Standard Time",
        ("MDT", _) => "Mountain Daylight Time",
        ("PST", _) => "Pacific Standard Time",
        ("PDT", _) => "Pacific Daylight Time",
        ("AKST", _) => "Alaska Standard Time",
        ("AKDT", _) => "Alaska Daylight Time",
        ("HST", _) => "Hawaii-Aleutian Standard Time",
        ("WET", _) => "Western European Standard Time",
        ("WEST", _) => "Western European Summer Time",
        ("CET", _) => "Central European Standard Time",
        ("CEST", _) => "Central European Summer Time",
        ("EET", _) => "Eastern European Standard Time",
        ("EEST", _) => "Eastern European Summer Time",
        ("MSK", _) => "Moscow Standard Time",
        ("SAST", _) => "South Africa Standard Time",
        ("HKT", _) => "Hong Kong Standard Time",
        ("JST", _) => "Japan Standard Time",
        ("KST", _) => "Korean Standard Time",
        ("AEST", _) => "Australian Eastern Standard Time",
        ("AEDT", _) => "Australian Eastern Daylight Time",
        ("ACST", _) => "Australian Central Standard Time",
        ("ACDT", _) => "Australian Central Daylight Time",
        ("AWST", _) => "Australian Western Standard Time",
        ("NZST", _) => "New Zealand Standard Time",
        ("NZDT", _) => "New Zealand Daylight Time",
        _ => return None,
    })
}

/// A fixed offset written as `+05:30`, `-0800`, `+5` or `-08`, optionally after `UTC` or `GMT`.
fn parse_zone_offset(text: &str) -> Option<i32> {
    let upper = text.get(..3).map(str::to_ascii_uppercase);
    let rest = match upper.as_deref() {
        Some("UTC") | Some("GMT") => &text[3..],
        _ => text,
    };
    let mut cursor = Cursor::new(rest);
    let seconds = cursor.offset(true)?;
    (cursor.at_end() && seconds.abs() <= MAX_OFFSET_SECONDS).then_some(seconds)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i128 {
    // Count years from March so the leap day ends the year; eras are 400-year cycles.
    let year = i128::from(year) - i128::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (i128::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i128::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01: (year, month, day).
fn civil_from_days(days: i128) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i128::from(month <= 2);
    // |days| < 2^63 / 86_400_000 * 2, so the year is far inside i64.
    (year as i64, month, day)
}

/// A byte reader for the fixed-width grammars of timestamps and offsets.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn at_end(&self) -> bool {
        self.pos == self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Consumes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    /// Exactly `width` ASCII digits.
    fn digits(&mut self, width: usize) -> Option<u32> {
        let end = self.pos.checked_add(width)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut value = 0u32;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos = end;
        Some(value)
    }

    /// A signed offset `+HH`, `+HHMM` or `+HH:MM`, in seconds east. With `short_hours`, a single
    /// hour digit (`+5`) is accepted too.
    fn offset(&mut self, short_hours: bool) -> Option<i32> {
        let negative = match self.peek()? {
            b'+' => false,
            b'-' => true,
            _ => return None,
        };
        self.pos += 1;
        let hours = match self.digits(2) {
            Some(h) => h,
            None if short_hours => self.digits(1)?,
            None => return None,
        };
        let minutes = if self.eat(b':') {
            self.digits(2)?
        } else if self.at_end() || !self.peek()?.is_ascii_digit() {
            0
        } else {
            self.digits(2)?
        };
        if hours > 23 || minutes > 59 {
            return None;
        }
        let seconds = (hours * 3600 + minutes * 60) as i32;
        Some(if negative { -seconds } else { seconds })
    }
}

/// The English month abbreviations syslog headers (RFC 3164) use, in order.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Zone abbreviations seen in syslog headers, with their offset from UTC in minutes.
pub const ZONE_ABBREVIATIONS: [(&str, i32); 14] = [
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("CET", 60),
    ("CEST", 120),
    ("BST", 60),
];

/// Epoch milliseconds of a timestamp, or `None` if the text is not one.
///
/// Accepted forms:
/// - ISO-8601 / RFC 3339: `2024-03-04T10:15:02Z`, a space or `t` for `T`, optional seconds, a
///   fraction (`.` or `,`) of any length truncated to milliseconds, and a zone of `Z`, `+01:00`,
///   `+0100` or `+01`; without a zone the time is read in `default_zone`. A date alone
///   (`2024-03-04`) is its midnight in `default_zone`.
/// - An epoch number (`1709547302`, `1709547302.123`, `-86400`), whose unit follows from its
///   size: below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, otherwise
///   nanoseconds. Parts below a millisecond are dropped, rounding toward the past.
///
/// ```
/// use sumoql_value::time::{parse_timestamp_ms, Zone};
/// let utc = Zone::utc();
/// assert_eq!(parse_timestamp_ms("2024-03-04T10:15:02.123Z", &utc), Some(1_709_547_302_123));
/// assert_eq!(parse_timestamp_ms("1709547302", &utc), Some(1_709_547_302_000));
/// assert_eq!(parse_timestamp_ms("yesterday", &utc), None);
/// ```
pub fn parse_timestamp_ms(text: &str, default_zone: &Zone) -> Option<i64> {
    parse_epoch_number(text).or_else(|| parse_iso(text, default_zone))
}

/// An epoch number in seconds, milliseconds, microseconds or nanoseconds, by magnitude.
fn parse_epoch_number(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (unsigned, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if unsigned.len() != whole.len() && fraction.is_empty() {
        return None;
    }
    // Leading zeros aside, more than 20 digits is beyond any unit's range.
    let significant = whole.trim_start_matches('0');
    if significant.len() > 20 {
        return None;
    }
    let whole_value: i128 = significant.parse().unwrap_or(0);
    // Scale the number to nanoseconds exactly, then floor to milliseconds.
    let nanos_per_unit: i128 = if whole_value < 100_000_000_000 {
        1_000_000_000
    } else if whole_value < 100_000_000_000_000 {
        1_000_000
    } else if whole_value < 100_000_000_000_000_000 {
        1_000
    } else {
        1
    };
    let mut fraction_nanos: i128 = 0;
    let mut scale = nanos_per_unit;
    for b in fraction.bytes() {
        scale /= 10;
        if scale == 0 {
            break;
        }
        fraction_nanos += i128::from(b - b'0') * scale;
    }
    let mut nanos = whole_value * nanos_per_unit + fraction_nanos;
    // Digits beyond nanosecond precision still make a negative value slightly more negative.
    let dropped = fraction
        .bytes()
        .skip(nanos_per_unit.ilog10() as usize)
        .any(|b| b != b'0');
    if negative {
        nanos = -nanos - i128::from(dropped);
    }
    i64::try_from(nanos.div_euclid(1_000_000)).ok()
}

/// An ISO-8601 / RFC 3339 date or date-time.
fn parse_iso(text: &str, default_zone: &Zone) -> Option<i64> {
    let mut cursor = Cursor::new(text);
    let year = cursor.digits(4)?;
    if !cursor.eat(b'-') {
        return None;
    }
    let month = cursor.digits(2)?;
    if !cursor.eat(b'-') {
        return None;
    }
    let day = cursor.digits(2)?;
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if cursor.at_end() {
        return default_zone.instant_of_local(date.and_hms_opt(0, 0, 0)?);
    }
    if !(cursor.eat(b'T') || cursor.eat(b't') || cursor.eat(b' ')) {
        return None;
    }
    let hour = cursor.digits(2)?;
    if !cursor.eat(b':') {
        return None;
    }
    let minute = cursor.digits(2)?;
    let mut second = 0;
    let mut millisecond = 0;
    if cursor.eat(b':') {
        second = cursor.digits(2)?;
        if cursor.eat(b'.') || cursor.eat(b',') {
            let start = cursor.pos;
            while cursor.peek().is_some_and(|b| b.is_ascii_digit()) {
                if cursor.pos - start < 3 {
                    millisecond = millisecond * 10 + u32::from(cursor.bytes[cursor.pos] - b'0');
                }
                cursor.pos += 1;
            }
            let length = cursor.pos - start;
            if length == 0 {
                return None;
            }
            for _ in length..3 {
                millisecond *= 10;
            }
        }
    }
    let local = date.and_hms_milli_opt(hour, minute, second, millisecond)?;
    if cursor.at_end() {
        return default_zone.instant_of_local(local);
    }
    let offset_seconds = if cursor.eat(b'Z') || cursor.eat(b'z') {
        0
    } else {
        cursor.offset(false)?
    };
    if !cursor.at_end() {
        return None;
    }
    Zone(ZoneKind::Fixed(offset_seconds)).instant_of_local(local)
}

/// Milliseconds in a duration such as `500ms`, `30s`, `15m`, `1h`, `2d`, `1w` or a sum of them
/// written together (`1h30m`). Empty text, a number without a unit, an unknown unit and a total
/// beyond `i64` give `None`.
///
/// ```
/// use sumoql_value::time::parse_duration_ms;
/// assert_eq!(parse_duration_ms("1h30m"), Some(5_400_000));
/// assert_eq!(parse_duration_ms("90"), None);
/// ```
pub fn parse_duration_ms(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        let digits_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        let unit_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_alphabetic() {
            pos += 1;
        }
        if digits_start == unit_start {
            return None;
        }
        let amount: i64 = text[digits_start..unit_start].parse().ok()?;
        let unit = match &text[unit_start..pos] {
            "ms" => 1,
            "s" => MS_PER_SECOND,
            "m" => MS_PER_MINUTE,
            "h" => MS_PER_HOUR,
            "d" => MS_PER_DAY,
            "w" => MS_PER_WEEK,
            _ => return None,
        };
        total = total.checked_add(amount.checked_mul(unit)?)?;
    }
    Some(total)
}

/// Reads a `--from`/`--to` argument: `now`, a time before now such as `-15m` or `-1h30m`, or any
/// form [`parse_timestamp_ms`] accepts (read in `zone` when it names no zone itself).
///
/// ```
/// use sumoql_value::time::{parse_time_arg, Zone};
/// let now = 1_709_547_302_123;
/// assert_eq!(parse_time_arg("-1h", now, &Zone::utc()), Ok(now - 3_600_000));
/// assert!(parse_time_arg("last tuesday", now, &Zone::utc()).is_err());
/// ```
pub fn parse_time_arg(text: &str, now_ms: i64, zone: &Zone) -> Result<i64, TimeError> {
    let trimmed = text.trim();
    if trimmed.eq_ignore_ascii_case("now") {
        return Ok(now_ms);
    }
    let relative = trimmed
        .strip_prefix('-')
        .and_then(parse_duration_ms)
        .map(|ago| now_ms.checked_sub(ago));
    match relative {
        Some(Some(at)) => Ok(at),
        Some(None) => Err(TimeError::InvalidTime(text.to_string())),
        None => parse_timestamp_ms(trimmed, zone)
            .ok_or_else(|| TimeError::InvalidTime(text.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn ts(text: &str) -> Option<i64> {
        parse_timestamp_ms(text, &Zone::utc())
    }

    const SAMPLE: i64 = 1_709_547_302_123; // 2024-03-04T10:15:02.123Z, a Monday

    #[test]
    fn zone_names_parse_and_display() {
        for (text, shown) in [
            ("UTC", "UTC"),
            ("utc", "UTC"),
            ("Z", "UTC"),
            (" UTC ", "UTC"),
            ("GMT", "GMT"),
            ("+05:30", "+05:30"),
            ("-0800", "-08:00"),
            ("+5", "+05:00"),
            ("-08", "-08:00"),
            ("UTC+2", "+02:00"),
            ("utc-7", "-07:00"),
            ("GMT-03:00", "-03:00"),
            ("America/New_York", "America/New_York"),
            ("Europe/London", "Europe/London"),
            ("Etc/GMT+5", "Etc/GMT+5"),
        ] {
            assert_eq!(zone(text).to_string(), shown, "{text}");
        }
        assert_eq!(Zone::default(), Zone::utc());
        assert_eq!(zone(&zone("+05:30").to_string()), zone("+05:30"));
    }

    #[test]
    fn bad_zones_are_rejected() {
        for text in [
            "",
            "Mars/Olympus",
            "+25:00",
            "+19",
            "+05:60",
            "+530",
            "UTC+",
            "+",
            "5:30",
            "EST5",
        ] {
            assert!(Zone::parse(text).is_err(), "{text}");
        }
        assert_eq!(
            Zone::parse("america/new_york"),
            Zone::parse("America/New_York")
        );
        assert_eq!(Zone::parse("EUROPE/LONDON"), Zone::parse("Europe/London"));
        let err = Zone::parse("Nowhere").unwrap_err();
        assert!(err.to_string().contains("+05:30"), "{err}");
        assert_eq!(
            err,
            TimeError::UnknownZone {
                name: "Nowhere".into(),
            }
        );
    }

    #[test]
    fn offsets_and_names_follow_dst() {
        let ny = zone("America/New_York");
        let winter = 1_705_338_000_000; // 2024-01-15T17:00Z
        let summer = 1_719_849_600_000; // 2024-07-01T16:00Z
        assert_eq!(ny.offset_seconds_at(winter), -5 * 3600);
        assert_eq!(ny.offset_seconds_at(summer), -4 * 3600);
        assert_eq!(ny.short_name_at(winter), "EST");
        assert_eq!(ny.short_name_at(summer), "EDT");
        assert_eq!(ny.long_name_at(winter), "Eastern Standard Time");
        assert_eq!(ny.long_name_at(summer), "Eastern Daylight Time");
        // The spring-forward instant, 2024-03-10T07:00Z, and the millisecond before it.
        assert_eq!(ny.offset_seconds_at(1_710_054_000_000), -4 * 3600);
        assert_eq!(ny.offset_seconds_at(1_710_053_999_999), -5 * 3600);

        let utc = Zone::utc();
        assert_eq!(utc.short_name_at(SAMPLE), "UTC");
        assert_eq!(utc.long_name_at(SAMPLE), "Coordinated Universal Time");
        assert_eq!(zone("GMT").long_name_at(SAMPLE), "Greenwich Mean Time");
        let india = zone("+05:30");
        assert_eq!(india.offset_seconds_at(SAMPLE), 19_800);
        assert_eq!(india.short_name_at(SAMPLE), "GMT+05:30");
        assert_eq!(india.long_name_at(SAMPLE), "GMT+05:30");
        assert_eq!(zone("-08:00").short_name_at(SAMPLE), "GMT-08:00");
        assert_eq!(
            zone("Asia/Kolkata").long_name_at(SAMPLE),
            "India Standard Time"
        );
        assert_eq!(
            zone("Asia/Shanghai").long_name_at(SAMPLE),
            "China Standard Time"
        );
        assert_eq!(
            zone("America/Chicago").long_name_at(SAMPLE),
            "Central Standard Time"
        );
        // Dubai's database abbreviation is only "+04".
        assert_eq!(zone("Asia/Dubai").short_name_at(SAMPLE), "GMT+04:00");
    }

    #[test]
    fn zone_data_follows_java_outside_the_listed_years() {
        let ny = zone("America/New_York");
        // 1838-06-16T21:51Z: New York's local mean time (-4:56:02) is not used; EST is.
        let old = -4_151_095_700_400;
        assert_eq!(ny.offset_seconds_at(old), -5 * 3600);
        assert_eq!(ny.short_name_at(old), "EST");
        assert_eq!(
            zone("Asia/Kolkata").offset_seconds_at(-2_208_988_800_001),
            19_800
        );
        // From 1900 the database's history applies: Madras time, +5:21:10.
        assert_eq!(
            zone("Asia/Kolkata").offset_seconds_at(-2_208_988_800_000),
            19_270
        );
        // 2100-06-30T23:00Z and 2150-01-15T00:00Z: daylight saving still applies.
        assert_eq!(ny.offset_seconds_at(4_118_083_200_000), -4 * 3600);
        assert_eq!(ny.short_name_at(4_118_083_200_000), "EDT");
        assert_eq!(ny.offset_seconds_at(4_102_444_800_000), -5 * 3600);
        let sydney = zone("Australia/Sydney");
        assert_eq!(sydney.offset_seconds_at(5_681_491_200_000), 11 * 3600);
        assert_eq!(sydney.short_name_at(5_681_491_200_000), "AEDT");
        // 2150-03-14T12:00Z is after the second Sunday of March 2150 (the 8th).
        assert_eq!(ny.offset_seconds_at(5_686_545_600_000), -4 * 3600);
        assert_eq!(
            parse_timestamp_ms("2150-03-14T08:00:00", &ny),
            Some(5_686_545_600_000)
        );
        // Wartime (EWT, 1945) is named as daylight time, as Java names it.
        assert_eq!(ny.short_name_at(-787_469_968_750), "EDT");
        // London kept +1 all year from 1968 to 1971 as standard time, which Java calls GMT.
        let london = zone("Europe/London");
        assert_eq!(
            (london.offset_seconds_at(0), london.short_name_at(0)),
            (3600, "GMT".into())
        );
        assert_eq!(
            zone("Europe/Dublin").long_name_at(1_719_835_200_000),
            "Irish Standard Time"
        );
    }

    #[test]
    fn local_time_fields() {
        let t = Zone::utc().local_time(SAMPLE);
        assert_eq!(
            t,
            LocalDateTime {
                year: 2024,
                month: 3,
                day: 4,
                hour: 10,
                minute: 15,
                second: 2,
                millisecond: 123,
                day_of_year: 64,
                weekday: Weekday::Mon,
                offset_seconds: 0,
            }
        );
        let t = zone("America/New_York").local_time(SAMPLE);
        assert_eq!((t.day, t.hour, t.offset_seconds), (4, 5, -18_000));

        let epoch = Zone::utc().local_time(0);
        assert_eq!(
            (epoch.year, epoch.month, epoch.day, epoch.weekday),
            (1970, 1, 1, Weekday::Thu)
        );
        let before = Zone::utc().local_time(-1);
        assert_eq!(
            (
                before.year,
                before.month,
                before.day,
                before.hour,
                before.millisecond
            ),
            (1969, 12, 31, 23, 999)
        );
        assert_eq!((before.day_of_year, before.weekday), (365, Weekday::Wed));
        let leap = Zone::utc().local_time(951_782_400_000); // 2000-02-29
        assert_eq!((leap.month, leap.day, leap.day_of_year), (2, 29, 60));
        let old = Zone::utc().local_time(-2_208_988_800_000); // 1900-01-01, a Monday
        assert_eq!(
            (old.year, old.month, old.day, old.weekday),
            (1900, 1, 1, Weekday::Mon)
        );
        // 0001-01-01 is a Monday; the day before is 31 December of year 0 (1 BC).
        let first = Zone::utc().local_time(-62_135_596_800_000);
        assert_eq!(
            (first.year, first.month, first.day, first.weekday),
            (1, 1, 1, Weekday::Mon)
        );
        let bc = Zone::utc().local_time(-62_135_596_800_001);
        assert_eq!(
            (bc.year, bc.month, bc.day, bc.day_of_year),
            (0, 12, 31, 366)
        );
    }

    #[test]
    fn local_time_takes_every_instant() {
        for zone in [
            Zone::utc(),
            zone("+14:00"),
            zone("-12:00"),
            zone("America/New_York"),
        ] {
            for ms in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
                let t = zone.local_time(ms);
                assert!((1..=12).contains(&t.month) && (1..=31).contains(&t.day));
                assert!(t.hour < 24 && t.minute < 60 && t.second < 60 && t.millisecond < 1000);
                let _ = zone.short_name_at(ms);
                let _ = zone.long_name_at(ms);
            }
        }
        assert_eq!(Zone::utc().local_time(i64::MAX).year, 292_278_994);
        assert_eq!(Zone::utc().local_time(i64::MIN).year, -292_275_055);
    }

    #[test]
    fn civil_conversions_round_trip() {
        for days in (-800_000..800_000)
            .step_by(997)
            .chain([-1, 0, 1, 59, 60, 11_016])
        {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{days}");
        }
        assert_eq!(days_from_civil(2024, 3, 4), 19_786);
    }

    #[test]
    fn iso_timestamps() {
        let z = Some(1_709_547_302_000);
        assert_eq!(ts("2024-03-04T10:15:02Z"), z);
        assert_eq!(ts("2024-03-04t10:15:02z"), z);
        assert_eq!(ts("2024-03-04 10:15:02Z"), z);
        assert_eq!(ts("2024-03-04T10:15:02"), z);
        assert_eq!(ts("2024-03-04T11:15:02+01:00"), z);
        assert_eq!(ts("2024-03-04T11:15:02+0100"), z);
        assert_eq!(ts("2024-03-04T11:15:02+01"), z);
        assert_eq!(ts("2024-03-04T04:45:02-05:30"), z);
        assert_eq!(ts("2024-03-04T10:15:02.123Z"), Some(SAMPLE));
        assert_eq!(ts("2024-03-04T10:15:02,123Z"), Some(SAMPLE));
        assert_eq!(ts("2024-03-04T10:15:02.1Z"), Some(1_709_547_302_100));
        assert_eq!(ts("2024-03-04T10:15:02.12Z"), Some(1_709_547_302_120));
        assert_eq!(ts("2024-03-04T10:15:02.123456789Z"), Some(SAMPLE));
        assert_eq!(
            ts("2024-03-04T10:15:02.1239999999999999999999Z"),
            Some(SAMPLE)
        );
        assert_eq!(ts("2024-03-04T10:15Z"), Some(1_709_547_300_000));
        assert_eq!(ts("2024-03-04"), Some(1_709_510_400_000));
        assert_eq!(ts("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(ts("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(ts("1900-01-01"), Some(-2_208_988_800_000));
        assert_eq!(ts("2024-02-29T00:00:00Z"), Some(1_709_164_800_000));
    }

    #[test]
    fn iso_timestamps_without_zone_use_the_default() {
        let ny = zone("America/New_York");
        let at = |text| parse_timestamp_ms(text, &ny);
        assert_eq!(at("2024-03-04T05:15:02.123"), Some(SAMPLE));
        assert_eq!(at("2024-07-01T12:00:00"), Some(1_719_849_600_000));
        assert_eq!(at("2024-03-04T10:15:02.123Z"), Some(SAMPLE));
        assert_eq!(at("2024-03-04"), Some(1_709_528_400_000));
        // 02:30 on 10 March 2024 never happened in New York; it reads as 03:30 EDT.
        assert_eq!(at("2024-03-10T01:30:00"), Some(1_710_052_200_000));
        assert_eq!(at("2024-03-10T02:30:00"), Some(1_710_055_800_000));
        assert_eq!(at("2024-03-10T03:30:00"), Some(1_710_055_800_000));
        // 01:30 on 3 November 2024 happened twice; the earlier (EDT) one is taken.
        assert_eq!(at("2024-11-03T01:30:00"), Some(1_730_611_800_000));
        let plus = zone("+05:30");
        assert_eq!(
            parse_timestamp_ms("2024-03-04T15:45:02.123", &plus),
            Some(SAMPLE)
        );
    }

    #[test]
    fn epoch_numbers() {
        assert_eq!(ts("1709547302"), Some(1_709_547_302_000));
        assert_eq!(ts("1709547302.123"), Some(SAMPLE));
        assert_eq!(ts("1709547302.1239"), Some(SAMPLE));
        assert_eq!(ts("1709547302.5"), Some(1_709_547_302_500));
        assert_eq!(ts("1709547302123"), Some(SAMPLE));
        assert_eq!(ts("1709547302123.9"), Some(SAMPLE));
        assert_eq!(ts("1709547302123456"), Some(SAMPLE));
        assert_eq!(ts("1709547302123456789"), Some(SAMPLE));
        assert_eq!(ts("0"), Some(0));
        assert_eq!(ts("007"), Some(7000));
        assert_eq!(ts("-86400"), Some(-86_400_000));
        assert_eq!(ts("-1.5"), Some(-1500));
        assert_eq!(ts("-0.0001"), Some(-1));
        assert_eq!(ts("-1709547302123456"), Some(-SAMPLE - 1));
        assert_eq!(ts("-1709547302123000"), Some(-SAMPLE));
        // The unit boundaries: 1e11 is milliseconds, 1e14 microseconds, 1e17 nanoseconds.
        assert_eq!(ts("99999999999"), Some(99_999_999_999_000));
        assert_eq!(ts("100000000000"), Some(100_000_000_000));
        assert_eq!(ts("99999999999999"), Some(99_999_999_999_999));
        assert_eq!(ts("100000000000000"), Some(100_000_000_000));
        assert_eq!(ts("100000000000000000"), Some(100_000_000_000));
        assert_eq!(ts("9223372036854775807"), Some(9_223_372_036_854));
        assert_eq!(ts("99999999999999999999"), Some(99_999_999_999_999));
        assert_eq!(ts("999999999999999999999"), None);
    }

    #[test]
    fn non_timestamps_are_rejected() {
        for text in [
            "",
            " ",
            "-",
            ".",
            "1.",
            ".5",
            "+5",
            "1e9",
            "0x10",
            "12a",
            "1 2",
            "NaN",
            "now",
            "2024-03",
            "2024-3-4",
            "2024-03-04T",
            "2024-03-04T10",
            "2024-03-04T10:15:",
            "2024-03-04T10:15:02.",
            "2024-03-04T10:15:02.Z",
            "2024-13-01",
            "2024-02-30",
            "2023-02-29",
            "2024-03-04T24:00:00Z",
            "2024-03-04T10:60:00Z",
            "2024-03-04T10:15:60Z",
            "2024-03-04T10:15:02+",
            "2024-03-04T10:15:02+1",
            "2024-03-04T10:15:02+01:0",
            "2024-03-04T10:15:02+24:00",
            "2024-03-04T10:15:02Z ",
            " 2024-03-04",
            "2024-03-04x",
            "2024-03-04T10:15:02ZZ",
            "2024-03-04T10:15:02 UTC",
            "２０２４-03-04",
        ] {
            assert_eq!(ts(text), None, "{text:?}");
        }
    }

    #[test]
    fn odd_input_never_panics() {
        let pieces = [
            "",
            "-",
            "+",
            ".",
            ",",
            ":",
            "T",
            "Z",
            "z",
            " ",
            "0",
            "9",
            "00",
            "99",
            "2024",
            "-03",
            "-04",
            "10",
            "é",
            "\u{0}",
            "ms",
            "h",
            "18446744073709551616",
            "9999999999999999999",
        ];
        let zones = [Zone::utc(), zone("America/New_York"), zone("-12:00")];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    for z in &zones {
                        let _ = parse_timestamp_ms(&text, z);
                        let _ = parse_time_arg(&text, i64::MIN, z);
                    }
                    let _ = parse_duration_ms(&text);
                    let _ = Zone::parse(&text);
                }
            }
        }
        let _ = parse_timestamp_ms("9999-12-31T23:59:59.999-23:59", &Zone::utc());
        let _ = parse_timestamp_ms("0000-01-01T00:00:00+23:59", &zones[1]);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("500ms"), Some(500));
        assert_eq!(parse_duration_ms("30s"), Some(30_000));
        assert_eq!(parse_duration_ms("15m"), Some(900_000));
        assert_eq!(parse_duration_ms("1h"), Some(3_600_000));
        assert_eq!(parse_duration_ms("2d"), Some(172_800_000));
        assert_eq!(parse_duration_ms("1w"), Some(604_800_000));
        assert_eq!(parse_duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_ms("1d2h3m4s5ms"), Some(93_784_005));
        assert_eq!(parse_duration_ms("0s"), Some(0));
        for text in [
            "",
            "h",
            "30",
            "1h30",
            "1y",
            "1H",
            "1 h",
            " 1h",
            "-1h",
            "1.5h",
            "1hm",
            "9223372036854775807s",
            "99999999999999999999ms",
            "9223372036854775807ms1ms",
        ] {
            assert_eq!(parse_duration_ms(text), None, "{text:?}");
        }
        assert_eq!(parse_duration_ms("9223372036854775807ms"), Some(i64::MAX));
    }

    #[test]
    fn time_arguments() {
        let now = SAMPLE;
        let utc = Zone::utc();
        assert_eq!(parse_time_arg("now", now, &utc), Ok(now));
        assert_eq!(parse_time_arg(" NOW ", now, &utc), Ok(now));
        assert_eq!(parse_time_arg("-1h", now, &utc), Ok(now - 3_600_000));
        assert_eq!(parse_time_arg("-15m", now, &utc), Ok(now - 900_000));
        assert_eq!(parse_time_arg("-1d12h", now, &utc), Ok(now - 129_600_000));
        assert_eq!(
            parse_time_arg("2024-03-04T10:15:02.123Z", 0, &utc),
            Ok(SAMPLE)
        );
        assert_eq!(parse_time_arg("1709547302123", 0, &utc), Ok(SAMPLE));
        assert_eq!(parse_time_arg("-86400", 0, &utc), Ok(-86_400_000));
        let ny = zone("America/New_York");
        assert_eq!(
            parse_time_arg("2024-03-04T05:15:02.123", 0, &ny),
            Ok(SAMPLE)
        );
        for text in ["", "yesterday", "-", "-1y", "+1h", "1h", "now-1h"] {
            assert_eq!(
                parse_time_arg(text, now, &utc),
                Err(TimeError::InvalidTime(text.to_string())),
                "{text:?}"
            );
        }
        assert!(parse_time_arg("-1ms", i64::MIN, &utc).is_err());
        let message = parse_time_arg("soon", now, &utc).unwrap_err().to_string();
        assert!(
            message.starts_with("invalid time 'soon': expected `now`"),
            "{message}"
        );
        assert!(message.contains("-15m") && message.contains("2024-03-04T10:15:02Z"));
    }
}
