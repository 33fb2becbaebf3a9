//! Dates written the way Java's `SimpleDateFormat` writes them (US English, Gregorian calendar),
//! as Sumo Logic's `formatDate(epochMs, pattern[, zone])` does.
//!
//! A pattern is compiled once ([`JavaDatePattern::compile`]), so a query's constant pattern is
//! checked before any record is read, and then formats any number of instants.
//!
//! ```
//! use sumoql_functions::java_date::JavaDatePattern;
//! use sumoql_value::time::Zone;
//!
//! let pattern = JavaDatePattern::compile("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").unwrap();
//! assert_eq!(pattern.format(1_709_547_302_123, &Zone::utc()), "2024-03-04T10:15:02.123Z");
//! ```
//!
//! Dates are proleptic Gregorian throughout; Java switches to the Julian calendar before
//! 15 October 1582, so the two differ for earlier instants.

mod parse;

use std::fmt::Write as _;

use chrono::Weekday;
use sumoql_value::time::{LocalDateTime, Zone};
use thiserror::Error;

/// Why a pattern could not be compiled.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("invalid date pattern: {message} at byte {offset}")]
pub struct PatternError {
    /// Byte offset in the pattern where the problem starts.
    pub offset: usize,
    /// What is wrong, such as `unknown pattern letter 'Q'` or `unterminated quote`.
    pub message: String,
}

/// A compiled `SimpleDateFormat` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaDatePattern {
    items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Item {
    Literal(String),
    Field(Field, usize),
}

/// The calendar field a run of one pattern letter prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// `G`: AD or BC.
    Era,
    /// `y`: the year of the era.
    Year,
    /// `Y`: the year the week (US rules) belongs to.
    WeekYear,
    /// `M` and `L`: the month, as a number or a name.
    Month,
    /// `w`: the week of the week year.
    WeekOfYear,
    /// `W`: the week of the month.
    WeekOfMonth,
    /// `D`: the day of the year.
    DayOfYear,
    /// `d`: the day of the month.
    DayOfMonth,
    /// `F`: which occurrence of its weekday the day is within the month.
    DayOfWeekInMonth,
    /// `E`: the weekday's name.
    DayName,
    /// `u`: the ISO weekday number, Monday = 1.
    DayNumber,
    /// `a`: AM or PM.
    AmPm,
    /// `H`: hour 0–23.
    Hour0To23,
    /// `k`: hour 1–24.
    Hour1To24,
    /// `K`: hour 0–11.
    Hour0To11,
    /// `h`: hour 1–12.
    Hour1To12,
    /// `m`: minute.
    Minute,
    /// `s`: second.
    Second,
    /// `S`: millisecond.
    Millisecond,
    /// `z`: the zone's name.
    ZoneName,
    /// `Z`: the offset as `-0800`.
    Rfc822Offset,
    /// `X`: the offset as `-08`, `-0800` or `-08:00`, or `Z` for zero.
    IsoOffset,
}

impl Field {
    /// The field a pattern letter stands for, if any.
    fn from_letter(letter: char) -> Option<Field> {
        Some(match letter {
            'G' => Field::Era,
            'y' => Field::Year,
            'Y' => Field::WeekYear,
            'M' | 'L' => Field::Month,
            'w' => Field::WeekOfYear,
            'W' => Field::WeekOfMonth,
            'D' => Field::DayOfYear,
            'd' => Field::DayOfMonth,
            'F' => Field::DayOfWeekInMonth,
            'E' => Field::DayName,
            'u' => Field::DayNumber,
            'a' => Field::AmPm,
            'H' => Field::Hour0To23,
            'k' => Field::Hour1To24,
            'K' => Field::Hour0To11,
            'h' => Field::Hour1To12,
            'm' => Field::Minute,
            's' => Field::Second,
            'S' => Field::Millisecond,
            'z' => Field::ZoneName,
            'Z' => Field::Rfc822Offset,
            'X' => Field::IsoOffset,
            _ => return None,
        })
    }
}

/// Month names, January first.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl JavaDatePattern {
    /// Compiles a pattern. ASCII letters are fields (an unknown one is an error, as in Java),
    /// text in single quotes is literal, `''` is a quote, and every other character stands for
    /// itself.
    ///
    /// ```
    /// use sumoql_functions::java_date::JavaDatePattern;
    /// let err = JavaDatePattern::compile("yyyy-QQ").unwrap_err();
    /// assert_eq!((err.offset, err.message.as_str()), (5, "unknown pattern letter 'Q'"));
    /// ```
    pub fn compile(pattern: &str) -> Result<JavaDatePattern, PatternError> {
        let mut items: Vec<Item> = Vec::new();
        let mut chars = pattern.char_indices().peekable();
        let mut open_quote: Option<usize> = None;
        while let Some((offset, c)) = chars.next() {
            if c == '\'' {
                if chars.next_if(|&(_, next)| next == '\'').is_some() {
                    push_literal(&mut items, '\'');
                } else {
                    open_quote = match open_quote {
                        Some(_) => None,
                        None => Some(offset),
                    };
                }
                continue;
            }
            if open_quote.is_some() || !c.is_ascii_alphabetic() {
                push_literal(&mut items, c);
                continue;
            }
            let Some(field) = Field::from_letter(c) else {
                return Err(PatternError {
                    offset,
                    message: format!("unknown pattern letter '{c}'"),
                });
            };
            let mut count = 1;
            while chars.next_if(|&(_, next)| next == c).is_some() {
                count += 1;
            }
            if field == Field::IsoOffset && count > 3 {
                return Err(PatternError {
                    offset,
                    message: format!("'X' takes 1 to 3 letters, not {count}"),
                });
            }
            items.push(Item::Field(field, count));
        }
        match open_quote {
            Some(offset) => Err(PatternError {
                offset,
                message: "unterminated quote".to_string(),
            }),
            None => Ok(JavaDatePattern { items }),
        }
    }

    /// Writes the instant `ms` (epoch milliseconds) in `zone`.
    pub fn format(&self, ms: i64, zone: &Zone) -> String {
        let t = zone.local_time(ms);
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Literal(text) => out.push_str(text),
                Item::Field(field, count) => write_field(&mut out, *field, *count, &t, ms, zone),
            }
        }
        out
    }
}

/// Appends a literal character, joining it to a literal just before it.
fn push_literal(items: &mut Vec<Item>, c: char) {
    match items.last_mut() {
        Some(Item::Literal(text)) => text.push(c),
        _ => items.push(Item::Literal(c.to_string())),
    }
}

/// Compiles `pattern` and writes the instant `ms` with it; see [`JavaDatePattern`].
///
/// ```
/// use sumoql_functions::java_date::format_java_date;
/// use sumoql_value::time::Zone;
/// let text = format_java_date(0, "EEE, d MMM yyyy HH:mm:ss Z", &Zone::utc()).unwrap();
/// assert_eq!(text, "Thu, 1 Jan 1970 00:00:00 +0000");
/// ```
pub fn format_java_date(ms: i64, pattern: &str, zone: &Zone) -> Result<String, PatternError> {
    Ok(JavaDatePattern::compile(pattern)?.format(ms, zone))
}

/// Appends one field of the instant `ms`, whose wall-clock reading in `zone` is `t`.
fn write_field(
    out: &mut String,
    field: Field,
    count: usize,
    t: &LocalDateTime,
    ms: i64,
    zone: &Zone,
) {
    let days_from_sunday = i64::from(t.weekday.num_days_from_sunday());
    match field {
        Field::Era => out.push_str(if t.year > 0 { "AD" } else { "BC" }),
        Field::Year => {
            let year_of_era = if t.year > 0 { t.year } else { 1 - t.year };
            write_year(out, year_of_era, count);
        }
        Field::WeekYear => write_year(out, us_week(t).0, count),
        Field::Month => {
            let name = MONTHS[(t.month - 1) as usize];
            match count {
                1 | 2 => write_number(out, i64::from(t.month), count),
                3 => out.push_str(&name[..3]),
                _ => out.push_str(name),
            }
        }
        Field::WeekOfYear => write_number(out, us_week(t).1, count),
        Field::WeekOfMonth => {
            let first_of_month = (days_from_sunday - i64::from(t.day) + 1).rem_euclid(7);
            write_number(out, (i64::from(t.day) - 1 + first_of_month) / 7 + 1, count);
        }
        Field::DayOfYear => write_number(out, i64::from(t.day_of_year), count),
        Field::DayOfMonth => write_number(out, i64::from(t.day), count),
        Field::DayOfWeekInMonth => write_number(out, (i64::from(t.day) - 1) / 7 + 1, count),
        Field::DayName => {
            let name = weekday_name(t.weekday);
            out.push_str(if count <= 3 { &name[..3] } else { name });
        }
        Field::DayNumber => write_number(out, i64::from(t.weekday.number_from_monday()), count),
        Field::AmPm => out.push_str(if t.hour < 12 { "AM" } else { "PM" }),
        Field::Hour0To23 => write_number(out, i64::from(t.hour), count),
        Field::Hour1To24 => {
            write_number(out, i64::from(if t.hour == 0 { 24 } else { t.hour }), count)
        }
        Field::Hour0To11 => write_number(out, i64::from(t.hour % 12), count),
        Field::Hour1To12 => {
            let hour = match t.hour % 12 {
                0 => 12,
                hour => hour,
            };
            write_number(out, i64::from(hour), count);
        }
        Field::Minute => write_number(out, i64::from(t.minute), count),
        Field::Second => write_number(out, i64::from(t.second), count),
        Field::Millisecond => write_number(out, i64::from(t.millisecond), count),
        Field::ZoneName => out.push_str(&if count <= 3 {
            zone.short_name_at(ms)
        } else {
            zone.long_name_at(ms)
        }),
        Field::Rfc822Offset => {
            let minutes = t.offset_seconds / 60;
            out.push(if minutes < 0 { '-' } else { '+' });
            let minutes = minutes.unsigned_abs();
            let _ = write!(out, "{:02}{:02}", minutes / 60, minutes % 60);
        }
        Field::IsoOffset => {
            if t.offset_seconds == 0 {
                out.push('Z');
                return;
            }
            let minutes = t.offset_seconds / 60;
            out.push(if minutes < 0 { '-' } else { '+' });
            let minutes = minutes.unsigned_abs();
            let _ = write!(out, "{:02}", minutes / 60);
            match count {
                1 => {}
                2 => {
                    let _ = write!(out, "{:02}", minutes % 60);
                }
                _ => {
                    let _ = write!(out, ":{:02}", minutes % 60);
                }
            }
        }
    }
}

/// A number zero-padded to at least `width` digits, after any minus sign.
fn write_number(out: &mut String, value: i64, width: usize) {
    if value < 0 {
        out.push('-');
    }
    let _ = write!(out, "{:0width$}", value.unsigned_abs());
}

/// A year: two letters print its last two digits, any other count the whole year, padded.
fn write_year(out: &mut String, year: i64, count: usize) {
    if count == 2 {
        write_number(out, year % 100, 2);
    } else {
        write_number(out, year, count);
    }
}

/// The English name of a weekday.
fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Whether a proleptic Gregorian year has 29 February.
fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// The (week year, week of year) of a date under US rules: weeks start on Sunday and week 1 is
/// the one holding 1 January, so the last days of December can fall in the next year's week 1.
fn us_week(t: &LocalDateTime) -> (i64, i64) {
    let day_of_year = i64::from(t.day_of_year);
    let days_from_sunday = i64::from(t.weekday.num_days_from_sunday());
    let days_in_year = if is_leap_year(t.year) { 366 } else { 365 };
    if day_of_year + (6 - days_from_sunday) > days_in_year {
        return (t.year + 1, 1);
    }
    let january_first = (days_from_sunday - day_of_year + 1).rem_euclid(7);
    (t.year, (day_of_year - 1 + january_first) / 7 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2024-03-04T10:15:02.123Z, a Monday.
    const SAMPLE: i64 = 1_709_547_302_123;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn fmt(ms: i64, pattern: &str, zone_name: &str) -> String {
        format_java_date(ms, pattern, &zone(zone_name)).unwrap()
    }

    fn error(pattern: &str) -> (usize, String) {
        let err = JavaDatePattern::compile(pattern).unwrap_err();
        (err.offset, err.message)
    }

    #[test]
    fn common_layouts() {
        assert_eq!(fmt(0, "yyyy-MM-dd HH:mm:ss", "UTC"), "1970-01-01 00:00:00");
        assert_eq!(
            fmt(SAMPLE, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "UTC"),
            "2024-03-04T10:15:02.123Z"
        );
        assert_eq!(
            fmt(SAMPLE, "EEE, d MMM yyyy HH:mm:ss Z", "UTC"),
            "Mon, 4 Mar 2024 10:15:02 +0000"
        );
        assert_eq!(
            fmt(SAMPLE, "EEEE MMMM dd, yyyy G", "UTC"),
            "Monday March 04, 2024 AD"
        );
        assert_eq!(fmt(SAMPLE, "yyyyMMddHHmmss", "UTC"), "20240304101502");
        assert_eq!(
            fmt(SAMPLE, "dd/MMM/yyyy:HH:mm:ss Z", "UTC"),
            "04/Mar/2024:10:15:02 +0000"
        );
        assert_eq!(fmt(SAMPLE, "[yyyy] é (MM)", "UTC"), "[2024] é (03)");
        assert_eq!(fmt(SAMPLE, "", "UTC"), "");
    }

    #[test]
    fn every_number_field_and_its_padding() {
        assert_eq!(
            fmt(SAMPLE, "yy yyy yyyyy M MM L LLL LLLL D DDD u F", "UTC"),
            "24 2024 02024 3 03 3 Mar March 64 064 1 1"
        );
        assert_eq!(fmt(SAMPLE, "h:mm a, K k H", "UTC"), "10:15 AM, 10 10 10");
        assert_eq!(
            fmt(SAMPLE, "S SS SSS SSSS s ss", "UTC"),
            "123 123 123 0123 2 02"
        );
        assert_eq!(fmt(SAMPLE + 5 - 123, "S SS SSS", "UTC"), "5 05 005");
        assert_eq!(
            fmt(SAMPLE, "E EE EEE EEEE EEEEE", "UTC"),
            "Mon Mon Mon Monday Monday"
        );
        assert_eq!(
            fmt(SAMPLE, "MMMMM G GGGG a aaaa", "UTC"),
            "March AD AD AM AM"
        );
    }

    #[test]
    fn hours_around_midnight_and_noon() {
        assert_eq!(fmt(0, "h a K k H", "UTC"), "12 AM 0 24 0");
        assert_eq!(fmt(43_200_000, "h a K k H", "UTC"), "12 PM 0 12 12");
        assert_eq!(fmt(82_800_000, "h a K k H", "UTC"), "11 PM 11 23 23");
        assert_eq!(
            fmt(0, "hh 'o''clock' a, zzzz", "UTC"),
            "12 o'clock AM, Coordinated Universal Time"
        );
    }

    #[test]
    fn zones_and_offsets() {
        assert_eq!(
            fmt(SAMPLE, "z zzzz Z X XX XXX", "UTC"),
            "UTC Coordinated Universal Time +0000 Z Z Z"
        );
        assert_eq!(
            fmt(SAMPLE, "yyyy-MM-dd HH:mm z zzzz Z X XX XXX", "+05:30"),
            "2024-03-04 15:45 GMT+05:30 GMT+05:30 +0530 +05 +0530 +05:30"
        );
        assert_eq!(
            fmt(SAMPLE, "yyyy-MM-dd HH:mm z Z X XX XXX", "-08:00"),
            "2024-03-04 02:15 GMT-08:00 -0800 -08 -0800 -08:00"
        );
        // London kept summer time all year from 1968 to 1971; Java still calls it GMT.
        assert_eq!(
            fmt(0, "yyyy-MM-dd HH:mm z zzzz Z", "Europe/London"),
            "1970-01-01 01:00 GMT Greenwich Mean Time +0100"
        );
    }

    #[test]
    fn new_york_daylight_saving() {
        let ny = "America/New_York";
        assert_eq!(
            fmt(SAMPLE, "yyyy-MM-dd HH:mm:ss.SSS z zzzz Z XXX", ny),
            "2024-03-04 05:15:02.123 EST Eastern Standard Time -0500 -05:00"
        );
        assert_eq!(
            fmt(1_719_835_200_000, "yyyy-MM-dd HH:mm:ss z zzzz Z X", ny),
            "2024-07-01 08:00:00 EDT Eastern Daylight Time -0400 -04"
        );
        // Spring forward: 01:59:59.999 EST is followed by 03:00 EDT.
        assert_eq!(
            fmt(1_710_053_999_999, "yyyy-MM-dd HH:mm:ss.SSS z", ny),
            "2024-03-10 01:59:59.999 EST"
        );
        assert_eq!(
            fmt(1_710_054_000_000, "yyyy-MM-dd HH:mm:ss.SSS z", ny),
            "2024-03-10 03:00:00.000 EDT"
        );
        // Fall back: 01:30 happens twice.
        assert_eq!(
            fmt(1_730_611_800_000, "yyyy-MM-dd HH:mm:ss z Z", ny),
            "2024-11-03 01:30:00 EDT -0400"
        );
        assert_eq!(
            fmt(1_730_615_400_000, "yyyy-MM-dd HH:mm:ss z Z", ny),
            "2024-11-03 01:30:00 EST -0500"
        );
        // Past the database's listed years the rules keep applying, as in Java.
        assert_eq!(
            fmt(4_118_083_200_000, "yyyy-MM-dd HH:mm z", ny),
            "2100-06-30 20:00 EDT"
        );
        // Wartime (EWT) is named as daylight time, and before 1900 Java uses standard time.
        assert_eq!(
            fmt(-787_469_968_750, "yyyy-MM-dd HH:mm z zzzz", ny),
            "1945-01-17 14:20 EDT Eastern Daylight Time"
        );
        assert_eq!(
            fmt(-4_151_095_700_400, "yyyy-MM-dd HH:mm z Z", ny),
            "1838-06-16 16:51 EST -0500"
        );
    }

    #[test]
    fn before_1970_and_before_the_common_era() {
        assert_eq!(
            fmt(-1, "yyyy-MM-dd HH:mm:ss.SSS EEE D", "UTC"),
            "1969-12-31 23:59:59.999 Wed 365"
        );
        assert_eq!(
            fmt(-86_400_000, "yyyy-MM-dd HH:mm:ss z", "America/New_York"),
            "1969-12-30 19:00:00 EST"
        );
        assert_eq!(
            fmt(-2_208_988_800_000, "EEEE, MMMM d, yyyy", "UTC"),
            "Monday, January 1, 1900"
        );
        assert_eq!(
            fmt(-62_135_596_800_000, "G yyyy-MM-dd EEE", "UTC"),
            "AD 0001-01-01 Mon"
        );
        assert_eq!(
            fmt(-62_135_596_800_001, "G yyyy-MM-dd HH:mm:ss.SSS EEE", "UTC"),
            "BC 0001-12-31 23:59:59.999 Sun"
        );
        assert_eq!(
            fmt(-62_198_755_200_000, "G y yy yyyy-MM-dd YYYY", "UTC"),
            "BC 2 02 0002-01-01 -0001"
        );
    }

    #[test]
    fn week_fields_follow_us_rules() {
        // 2024-12-31 is a Tuesday in the week holding 2025-01-01, so it is week 1 of 2025.
        assert_eq!(
            fmt(1_735_603_200_000, "yyyy-MM-dd YYYY ww w W EEE", "UTC"),
            "2024-12-31 2025 01 1 5 Tue"
        );
        assert_eq!(
            fmt(1_735_689_599_999, "yyyy-MM-dd YYYY ww W", "UTC"),
            "2024-12-31 2025 01 5"
        );
        assert_eq!(
            fmt(1_735_776_000_000, "yyyy-MM-dd YYYY ww W", "UTC"),
            "2025-01-02 2025 01 1"
        );
        // Weeks start on Sunday: Saturday 6 January 2024 ends week 1, Sunday the 7th starts week 2.
        assert_eq!(
            fmt(1_704_067_200_000, "yyyy-MM-dd YYYY ww W EEE", "UTC"),
            "2024-01-01 2024 01 1 Mon"
        );
        assert_eq!(
            fmt(1_704_499_200_000, "yyyy-MM-dd YYYY ww W EEE", "UTC"),
            "2024-01-06 2024 01 1 Sat"
        );
        assert_eq!(
            fmt(1_704_585_600_000, "yyyy-MM-dd YYYY ww W EEE", "UTC"),
            "2024-01-07 2024 02 2 Sun"
        );
        assert_eq!(
            fmt(1_703_980_800_000, "yyyy-MM-dd YYYY YY w D EEE", "UTC"),
            "2023-12-31 2024 24 1 365 Sun"
        );
        assert_eq!(
            fmt(1_709_251_200_000, "yyyy-MM-dd W F EEE", "UTC"),
            "2024-03-01 1 1 Fri"
        );
        assert_eq!(
            fmt(1_711_843_200_000, "yyyy-MM-dd W F EEE", "UTC"),
            "2024-03-31 6 5 Sun"
        );
    }

    #[test]
    fn quoting() {
        assert_eq!(
            fmt(0, "'o''clock' '' h 'at' ''''", "UTC"),
            "o'clock ' 12 at ''"
        );
        assert_eq!(fmt(0, "'yyyy' yyyy", "UTC"), "yyyy 1970");
        assert_eq!(fmt(0, "''", "UTC"), "'");
        assert_eq!(fmt(0, "'Q'", "UTC"), "Q");
    }

    #[test]
    fn bad_patterns_are_rejected_with_their_offset() {
        assert_eq!(
            error("yyyy-QQ"),
            (5, "unknown pattern letter 'Q'".to_string())
        );
        assert_eq!(error("b"), (0, "unknown pattern letter 'b'".to_string()));
        assert_eq!(error("é T"), (3, "unknown pattern letter 'T'".to_string()));
        assert_eq!(error("yyyy 'T"), (5, "unterminated quote".to_string()));
        assert_eq!(error("'a''"), (0, "unterminated quote".to_string()));
        assert_eq!(
            error("HH XXXX"),
            (3, "'X' takes 1 to 3 letters, not 4".to_string())
        );
        let err = JavaDatePattern::compile("yyyy-QQ").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid date pattern: unknown pattern letter 'Q' at byte 5"
        );
        assert_eq!(
            format_java_date(0, "Q", &Zone::utc()),
            Err(PatternError {
                offset: 0,
                message: "unknown pattern letter 'Q'".to_string()
            })
        );
    }

    #[test]
    fn a_compiled_pattern_is_reusable_and_total() {
        let pattern =
            JavaDatePattern::compile("G yyyy-MM-dd HH:mm:ss.SSS YYYY ww W z zzzz Z X").unwrap();
        assert_eq!(
            pattern.format(SAMPLE, &zone("+05:30")),
            "AD 2024-03-04 15:45:02.123 2024 10 2 GMT+05:30 GMT+05:30 +0530 +05"
        );
        for name in ["UTC", "America/New_York", "Australia/Sydney", "-12:00"] {
            for ms in [i64::MIN, -1, 0, i64::MAX] {
                assert!(!pattern.format(ms, &zone(name)).is_empty());
            }
        }
        assert_eq!(
            pattern.format(i64::MAX, &Zone::utc()),
            "AD 292278994-08-17 07:12:55.807 292278994 34 4 UTC Coordinated Universal Time +0000 Z"
        );
    }
}
