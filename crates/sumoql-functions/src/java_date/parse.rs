//! Reading dates with a compiled pattern, as `SimpleDateFormat.parse` does for Sumo Logic's
//! `parseDate(text, pattern[, zone])`.
//!
//! The pattern must match from the start of the text; whatever follows the last field is
//! ignored. Unlike Java's lenient default, out-of-range values (month 13, 31 February, hour 25)
//! do not roll over: the text does not match. Week fields (`Y w W F u`) and weekday names are
//! read and otherwise ignored.

use chrono::{NaiveDate, NaiveTime};
use sumoql_value::time::Zone;

use super::{Field, Item, JavaDatePattern, MONTHS};

/// The most digits a number field reads, so values stay well inside `i64`.
const MAX_DIGITS: usize = 18;

/// What the fields of a text said, before they are put together into an instant.
#[derive(Debug, Default)]
struct Reading {
    year: Option<i64>,
    /// The year came from `y` or `yy` as exactly two digits, to be placed in a century.
    two_digit_year: bool,
    before_common_era: bool,
    month: Option<u32>,
    day: Option<u32>,
    day_of_year: Option<u32>,
    /// From `H` or `k`: the hour of the day.
    hour_of_day: Option<u32>,
    /// From `h` or `K`: the hour within the half day, 0 to 11.
    hour_of_half_day: Option<u32>,
    afternoon: bool,
    minute: Option<u32>,
    second: Option<u32>,
    /// From `S`: milliseconds, added as a count, as Java does (`S` of "5" is 5 ms).
    milliseconds: i64,
    zone: Option<Zone>,
}

/// A cursor over the text being read.
struct Cursor<'t> {
    rest: &'t str,
}

impl<'t> Cursor<'t> {
    /// Consumes `literal` exactly.
    fn literal(&mut self, literal: &str) -> Option<()> {
        self.rest = self.rest.strip_prefix(literal)?;
        Some(())
    }

    /// Consumes a run of ASCII digits: exactly `width` of them when given, else as many as
    /// there are (at least one).
    fn number(&mut self, width: Option<usize>) -> Option<i64> {
        let available = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        let length = match width {
            Some(width) if width <= available => width,
            Some(_) => return None,
            None => available,
        };
        if length == 0 || length > MAX_DIGITS {
            return None;
        }
        let (digits, rest) = self.rest.split_at(length);
        self.rest = rest;
        digits.parse().ok()
    }

    /// Consumes the first of `names` the text starts with, ignoring ASCII case, and returns its
    /// index. Longer names should come first.
    fn name(&mut self, names: &[&str]) -> Option<usize> {
        names.iter().position(|name| {
            let matched = self
                .rest
                .get(..name.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(name));
            if matched {
                self.rest = &self.rest[name.len()..];
            }
            matched
        })
    }

    /// Consumes a zone written as `Z`, a numeric offset (`+08`, `+0800`, `+08:00`), or a name
    /// (`UTC`, `GMT+2`, `America/New_York`).
    fn zone(&mut self) -> Option<Zone> {
        let length = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "+-:/_".contains(c)))
            .unwrap_or(self.rest.len());
        // A shorter reading may be the zone when more text abuts it ("+0800 2024" stops at the
        // space; "Z2024" is `Z` then a year).
        let token = &self.rest[..length];
        (1..=token.len()).rev().find_map(|end| {
            let candidate = token.get(..end)?;
            let zone = Zone::parse(candidate).ok()?;
            self.rest = &self.rest[end..];
            Some(zone)
        })
    }
}

/// Whether a field is read as digits (rather than as a name).
fn is_numeric(field: Field, count: usize) -> bool {
    match field {
        Field::Month => count < 3,
        Field::Era | Field::DayName | Field::AmPm => false,
        Field::ZoneName | Field::Rfc822Offset | Field::IsoOffset => false,
        _ => true,
    }
}

/// Month names, full then abbreviated, so that "March" is not read as "Mar" + "ch".
fn month_names() -> [&'static str; 24] {
    let mut names = [""; 24];
    for (index, month) in MONTHS.iter().enumerate() {
        names[index] = month;
        names[index + 12] = &month[..3];
    }
    names
}

/// Weekday names, full then abbreviated.
const DAY_NAMES: [&str; 14] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Mon",
    "Tue",
    "Wed",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
];

/// A number as a `u32` no greater than `most`.
fn at_most(value: i64, most: u32) -> Option<u32> {
    u32::try_from(value).ok().filter(|&v| v <= most)
}

impl JavaDatePattern {
    /// Reads an instant (epoch milliseconds) from the start of `text`. Without a zone in the
    /// text, the reading is taken in `zone`. A two-digit year is placed in the century from 80
    /// years before to 20 years after `now_ms`, as Java does. `None` when the text does not
    /// match.
    ///
    /// ```
    /// use sumoql_functions::java_date::JavaDatePattern;
    /// use sumoql_value::time::Zone;
    /// let pattern = JavaDatePattern::compile("dd/MMM/yyyy:HH:mm:ss Z").unwrap();
    /// let ms = pattern.parse("04/Mar/2024:10:15:02 +0000 GET /", &Zone::utc(), 0);
    /// assert_eq!(ms, Some(1_709_547_302_000));
    /// ```
    pub fn parse(&self, text: &str, zone: &Zone, now_ms: i64) -> Option<i64> {
        let mut cursor = Cursor { rest: text };
        let mut reading = Reading::default();
        for (index, item) in self.items.iter().enumerate() {
            match item {
                Item::Literal(literal) => cursor.literal(literal)?,
                Item::Field(field, count) => {
                    let abutting = matches!(
                        self.items.get(index + 1),
                        Some(Item::Field(next, next_count)) if is_numeric(*next, *next_count)
                    );
                    let width = abutting.then_some(*count);
                    read_field(&mut cursor, &mut reading, *field, *count, width)?;
                }
            }
        }
        reading.instant(zone, now_ms)
    }
}

/// Reads one field into `reading`; `width` is the exact digit count of an abutting number.
fn read_field(
    cursor: &mut Cursor<'_>,
    reading: &mut Reading,
    field: Field,
    count: usize,
    width: Option<usize>,
) -> Option<()> {
    if !is_numeric(field, count) {
        match field {
            Field::Month => {
                let index = cursor.name(&month_names())?;
                reading.month = Some(index as u32 % 12 + 1);
            }
            Field::Era => reading.before_common_era = cursor.name(&["AD", "BC"])? == 1,
            Field::DayName => {
                cursor.name(&DAY_NAMES)?;
            }
            Field::AmPm => reading.afternoon = cursor.name(&["AM", "PM"])? == 1,
            _ => reading.zone = Some(cursor.zone()?),
        }
        return Some(());
    }
    let before = cursor.rest.len();
    let value = cursor.number(width)?;
    let digits = before - cursor.rest.len();
    match field {
        Field::Year => {
            reading.year = Some(value);
            reading.two_digit_year = count <= 2 && digits == 2;
        }
        Field::Month => reading.month = Some(at_most(value, 12)?),
        Field::DayOfMonth => reading.day = Some(at_most(value, 31)?),
        Field::DayOfYear => reading.day_of_year = Some(at_most(value, 366)?),
        Field::Hour0To23 => reading.hour_of_day = Some(at_most(value, 23)?),
        Field::Hour1To24 => reading.hour_of_day = Some(at_most(value, 24)? % 24),
        Field::Hour0To11 => reading.hour_of_half_day = Some(at_most(value, 11)?),
        Field::Hour1To12 => reading.hour_of_half_day = Some(at_most(value, 12)? % 12),
        Field::Minute => reading.minute = Some(at_most(value, 59)?),
        Field::Second => reading.second = Some(at_most(value, 59)?),
        Field::Millisecond => reading.milliseconds = value,
        // Week-based fields and the ISO weekday number do not change the date read.
        _ => {}
    }
    Some(())
}

impl Reading {
    /// The instant the fields describe, in their zone or else `zone`.
    fn instant(&self, zone: &Zone, now_ms: i64) -> Option<i64> {
        let mut year = self.year.unwrap_or(1970);
        if self.two_digit_year {
            let century_start = Zone::utc().local_time(now_ms).year - 80;
            year += century_start - century_start.rem_euclid(100);
            if year < century_start {
                year += 100;
            }
        }
        if self.before_common_era {
            year = 1 - year;
        }
        let year = i32::try_from(year).ok()?;
        let date = match (self.day_of_year, self.month, self.day) {
            (Some(day_of_year), None, None) => NaiveDate::from_yo_opt(year, day_of_year)?,
            (_, month, day) => NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1))?,
        };
        let hour = match (self.hour_of_day, self.hour_of_half_day) {
            (Some(hour), _) => hour,
            (None, Some(hour)) => hour + if self.afternoon { 12 } else { 0 },
            (None, None) => 0,
        };
        let time =
            NaiveTime::from_hms_opt(hour, self.minute.unwrap_or(0), self.second.unwrap_or(0))?;
        let local = date.and_time(time);
        let instant = self.zone.as_ref().unwrap_or(zone).instant_of_local(local)?;
        instant.checked_add(self.milliseconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seconds to milliseconds.
    fn seconds(s: i64) -> i64 {
        s * 1000
    }

    /// 2024-03-04T10:15:02.123Z.
    const SAMPLE: i64 = 1_709_547_302_123;

    fn parse(text: &str, pattern: &str, zone: &str) -> Option<i64> {
        let zone = Zone::parse(zone).unwrap();
        JavaDatePattern::compile(pattern)
            .unwrap()
            .parse(text, &zone, SAMPLE)
    }

    #[test]
    fn what_format_writes_parse_reads() {
        let patterns = [
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
            "EEE, d MMM yyyy HH:mm:ss.SSS Z",
            "EEEE MMMM dd, yyyy h:mm:ss.SSS a z",
            "yyyyMMddHHmmssSSS",
            "G yyyy-DDD HH:mm:ss.SSS XX",
        ];
        for pattern in patterns {
            for zone in ["UTC", "+05:30", "America/New_York"] {
                let compiled = JavaDatePattern::compile(pattern).unwrap();
                let text = compiled.format(SAMPLE, &Zone::parse(zone).unwrap());
                assert_eq!(
                    parse(&text, pattern, zone),
                    Some(SAMPLE),
                    "{text} {pattern}"
                );
            }
        }
    }

    #[test]
    fn the_zone_argument_applies_without_a_zone_in_the_text() {
        let pattern = "yyyy-MM-dd HH:mm:ss";
        assert_eq!(
            parse("2024-03-04 10:15:02", pattern, "UTC"),
            Some(SAMPLE - 123)
        );
        assert_eq!(
            parse("2024-03-04 05:15:02", pattern, "America/New_York"),
            Some(SAMPLE - 123)
        );
        assert_eq!(
            parse(
                "2024-03-04 10:15:02 +0100",
                "yyyy-MM-dd HH:mm:ss Z",
                "-08:00"
            ),
            Some(SAMPLE - 123 - seconds(3600))
        );
    }

    #[test]
    fn two_digit_years_and_trailing_text() {
        assert_eq!(
            parse("04/03/24", "dd/MM/yy", "UTC"),
            parse("04/03/2024", "dd/MM/yyyy", "UTC")
        );
        assert_eq!(
            parse("04/03/50", "dd/MM/yy", "UTC"),
            parse("04/03/1950", "dd/MM/yyyy", "UTC")
        );
        assert_eq!(
            parse("2024 and more", "yyyy", "UTC"),
            Some(1_704_067_200_000)
        );
        assert_eq!(parse("0", "S", "UTC"), Some(0));
    }

    #[test]
    fn mismatches_give_none() {
        for (text, pattern) in [
            ("2024-13-01", "yyyy-MM-dd"),
            ("2024-02-30", "yyyy-MM-dd"),
            ("24:00", "HH:mm"),
            (" 2024", "yyyy"),
            ("2024/03", "yyyy-MM"),
            ("March", "MM"),
            ("Smarch 1", "MMM d"),
            ("", "yyyy"),
            ("99999999999999999999", "yyyy"),
            ("2024-03-04 10:00 Mars/Base", "yyyy-MM-dd HH:mm z"),
            ("é", "yyyy"),
        ] {
            assert_eq!(parse(text, pattern, "UTC"), None, "{text} {pattern}");
        }
    }

    #[test]
    fn hours_of_the_half_day() {
        let at = |text: &str| parse(text, "h:mm a", "UTC");
        assert_eq!(at("12:00 AM"), Some(0));
        assert_eq!(at("12:30 pm"), Some(seconds(45_000)));
        assert_eq!(at("1:00 PM"), Some(seconds(46_800)));
        assert_eq!(parse("24", "k", "UTC"), Some(0));
    }
}
