//! Calendar arithmetic and timestamp formatting (UTC only).

/// Milliseconds in one second.
pub const MS_PER_SECOND: i64 = 1_000;
/// Milliseconds in one minute.
pub const MS_PER_MINUTE: i64 = 60 * MS_PER_SECOND;
/// Milliseconds in one hour.
pub const MS_PER_HOUR: i64 = 60 * MS_PER_MINUTE;
/// Milliseconds in one day.
pub const MS_PER_DAY: i64 = 24 * MS_PER_HOUR;

/// Start of the generated week, 2024-03-04T00:00:00.000Z, in epoch ms.
pub const WEEK_START_MS: i64 = 1_709_510_400_000;
/// Length of the generated time span (seven days) in ms.
pub const WEEK_MS: i64 = 7 * MS_PER_DAY;

/// Days since 1970-01-01 for a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Proleptic Gregorian `(year, month, day)` for a count of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[inline]
fn push_2(buf: &mut Vec<u8>, v: u32) {
    buf.push(b'0' + (v / 10) as u8);
    buf.push(b'0' + (v % 10) as u8);
}

/// Appends `epoch_ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (years 0..=9999).
pub fn push_iso_ms(buf: &mut Vec<u8>, epoch_ms: i64) {
    let days = epoch_ms.div_euclid(MS_PER_DAY);
    let in_day = epoch_ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let year = year.clamp(0, 9999) as u32;
    push_2(buf, year / 100);
    push_2(buf, year % 100);
    buf.push(b'-');
    push_2(buf, month);
    buf.push(b'-');
    push_2(buf, day);
    buf.push(b'T');
    let secs = (in_day / MS_PER_SECOND) as u32;
    push_2(buf, secs / 3600);
    buf.push(b':');
    push_2(buf, secs / 60 % 60);
    buf.push(b':');
    push_2(buf, secs % 60);
    buf.push(b'.');
    let ms = (in_day % MS_PER_SECOND) as u32;
    buf.push(b'0' + (ms / 100) as u8);
    push_2(buf, ms % 100);
    buf.push(b'Z');
}

/// Formats `epoch_ms` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn iso_ms(epoch_ms: i64) -> String {
    let mut buf = Vec::with_capacity(24);
    push_iso_ms(&mut buf, epoch_ms);
    String::from_utf8(buf).expect("ISO timestamps are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_start_constant_matches_calendar() {
        assert_eq!(days_from_civil(2024, 3, 4) * MS_PER_DAY, WEEK_START_MS);
        assert_eq!(civil_from_days(WEEK_START_MS / MS_PER_DAY), (2024, 3, 4));
    }

    #[test]
    fn civil_round_trips() {
        for days in -800_000..800_000i64 {
            if days % 997 != 0 {
                continue;
            }
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }

    #[test]
    fn iso_formatting() {
        assert_eq!(iso_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso_ms(WEEK_START_MS + 10 * MS_PER_HOUR + 15 * MS_PER_MINUTE + 2_123),
            "2024-03-04T10:15:02.123Z"
        );
        assert_eq!(
            iso_ms(WEEK_START_MS + WEEK_MS - 1),
            "2024-03-10T23:59:59.999Z"
        );
    }
}
