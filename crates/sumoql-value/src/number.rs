//! Numbers and the text forms they are read from and written as.

use std::fmt::Write as _;

/// A number produced by computation: an exact integer or a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// A 64-bit signed integer (D12: integer arithmetic stays integer while exact).
    Int(i64),
    /// A double-precision float.
    Float(f64),
}

impl Number {
    /// The number as a float, for arithmetic that has left the integers.
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// Total numeric ordering: integers and floats compare by value, NaN sorts last.
    pub fn total_cmp(self, other: Number) -> std::cmp::Ordering {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a.cmp(&b),
            (a, b) => {
                let (x, y) = (a.as_f64(), b.as_f64());
                match x.partial_cmp(&y) {
                    Some(o) => o,
                    None => x.is_nan().cmp(&y.is_nan()),
                }
            }
        }
    }
}

/// Parses text that is clearly a number (D6): an optional sign, digits, an optional fraction and
/// an optional exponent. Whitespace, `inf`, `NaN` and hexadecimal are not numbers. Integer text
/// that fits in an `i64` gives [`Number::Int`].
///
/// ```
/// use sumoql_value::{parse_number, Number};
/// assert_eq!(parse_number("21"), Some(Number::Int(21)));
/// assert_eq!(parse_number("-1.5"), Some(Number::Float(-1.5)));
/// assert_eq!(parse_number("1e3"), Some(Number::Float(1000.0)));
/// assert_eq!(parse_number(" 21"), None);
/// assert_eq!(parse_number("NaN"), None);
/// ```
pub fn parse_number(text: &str) -> Option<Number> {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'+') | Some(b'-')) {
        i += 1;
    }
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    let mut is_integer = true;
    if i < bytes.len() && bytes[i] == b'.' {
        is_integer = false;
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        is_integer = false;
        i += 1;
        if matches!(bytes.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    if is_integer {
        if let Ok(n) = text.parse::<i64>() {
            return Some(Number::Int(n));
        }
    }
    text.parse::<f64>().ok().map(Number::Float)
}

/// Writes a float the way sumoql prints numbers (D12): whole numbers without a decimal point or
/// exponent, others in the shortest form that reads back to the same float.
///
/// ```
/// use sumoql_value::format_float;
/// assert_eq!(format_float(3.0), "3");
/// assert_eq!(format_float(0.25), "0.25");
/// assert_eq!(format_float(-0.0), "0");
/// assert_eq!(format_float(1e21), "1000000000000000000000");
/// assert_eq!(format_float(f64::INFINITY), "Infinity");
/// ```
pub fn format_float(f: f64) -> String {
    let mut out = String::new();
    push_float(&mut out, f);
    out
}

/// Appends [`format_float`]'s text to `out`.
pub(crate) fn push_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else if f == 0.0 {
        out.push('0');
    } else {
        let _ = write!(out, "{f}");
    }
}
