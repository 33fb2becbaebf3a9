//! The [`Value`] type.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use crate::number::{parse_number, push_float, Number};

/// One value in a record: what a field holds and what an expression yields.
///
/// Values read from logs are always [`Value::Text`] (D6); numbers and booleans come from
/// computation; [`Value::List`] comes from `values(f)`.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// A missing field, a JSON `null`, or the result of an undefined operation.
    #[default]
    Null,
    /// `true` or `false`, from a comparison or a predicate function.
    Bool(bool),
    /// An exact integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// Text, as read from a log or built by a string function.
    Text(Arc<str>),
    /// Several values, as `values(f)` yields.
    List(Arc<[Value]>),
}

impl Value {
    /// A text value.
    pub fn text(s: impl AsRef<str>) -> Value {
        Value::Text(Arc::from(s.as_ref()))
    }

    /// A value holding `n`.
    pub fn from_number(n: Number) -> Value {
        match n {
            Number::Int(i) => Value::Int(i),
            Number::Float(f) => Value::Float(f),
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The number this value clearly is: a number, or text that parses as one (D6).
    /// Booleans, lists, null and other text are not numbers.
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Float(f) => Some(Number::Float(*f)),
            Value::Text(s) => parse_number(s),
            _ => None,
        }
    }

    /// The value as text, as it is written out in a table cell or compared as a string; null has
    /// no text.
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Null => None,
            Value::Text(s) => Some(Cow::Borrowed(s)),
            Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => {
                let mut s = String::new();
                push_float(&mut s, *f);
                Some(Cow::Owned(s))
            }
            Value::List(_) => {
                let mut s = String::new();
                self.write_json(&mut s);
                Some(Cow::Owned(s))
            }
        }
    }

    /// The truth of a condition: only `true` (or the text `"true"`, case-insensitively) is true;
    /// null is unknown (D5).
    pub fn truth(&self) -> Option<bool> {
        match self {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            Value::Text(s) => Some(s.eq_ignore_ascii_case("true")),
            _ => Some(false),
        }
    }

    /// Compares two values as the comparison operators do (D6): null on either side gives
    /// `None`; two numbers, or a number and numeric text, compare numerically; anything else
    /// compares as text, byte by byte.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Text(a), Value::Text(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
            (a, b) if a.is_number() || b.is_number() => match (a.as_number(), b.as_number()) {
                (Some(x), Some(y)) => Some(x.total_cmp(y)),
                _ => Some(a.text_cmp(b)),
            },
            (a, b) => Some(a.text_cmp(b)),
        }
    }

    /// Equality as `=` and `in` decide it: [`Value::compare`] gives `Equal`.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        self.compare(other).map(|o| o == Ordering::Equal)
    }

    fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Float(_))
    }

    fn text_cmp(&self, other: &Value) -> Ordering {
        let a = self.to_text().unwrap_or_default();
        let b = other.to_text().unwrap_or_default();
        a.as_bytes().cmp(b.as_bytes())
    }

    /// The total order used by `sort` and to order groups (D18): null first, then numbers by
    /// value, then text (and booleans, as their text) by bytes, then lists.
    pub fn sort_cmp(&self, other: &Value) -> Ordering {
        fn rank(v: &Value) -> u8 {
            match v {
                Value::Null => 0,
                Value::Int(_) | Value::Float(_) => 1,
                Value::Text(_) | Value::Bool(_) => 2,
                Value::List(_) => 3,
            }
        }
        match rank(self).cmp(&rank(other)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        match (self, other) {
            (Value::Null, Value::Null) => Ordering::Equal,
            (Value::Text(a), Value::Text(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.sort_cmp(y) {
                        Ordering::Equal => {}
                        unequal => return unequal,
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => match (self.as_number_kind(), other.as_number_kind()) {
                (Some(x), Some(y)) => x.total_cmp(y),
                _ => self.text_cmp(other),
            },
        }
    }

    fn as_number_kind(&self) -> Option<Number> {
        match self {
            Value::Int(i) => Some(Number::Int(*i)),
            Value::Float(f) => Some(Number::Float(*f)),
            _ => None,
        }
    }

    /// Appends the value as JSON: text as a string (D6), numbers as numbers, null as `null`,
    /// lists as arrays. Non-finite floats have no JSON form and are written as strings.
    pub fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Value::Float(f) if f.is_finite() => push_float(out, *f),
            Value::Float(f) => {
                let mut s = String::new();
                push_float(&mut s, *f);
                crate::json::write_json_string(out, &s);
            }
            Value::Text(s) => crate::json::write_json_string(out, s),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
        }
    }
}

impl PartialEq for Value {
    /// Structural equality with the ordering of [`Value::sort_cmp`]: `Int(3) == Float(3.0)`,
    /// but text never equals a number.
    fn eq(&self, other: &Value) -> bool {
        self.sort_cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl fmt::Display for Value {
    /// The value as a table cell shows it: null is empty, a list is one item per line (D14).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{item}")?;
                }
                Ok(())
            }
            other => f.write_str(&other.to_text().unwrap_or_default()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::text(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_against_number_compares_numerically_only_when_numeric() {
        assert_eq!(
            Value::text("1000").compare(&Value::Int(999)),
            Some(Ordering::Greater)
        );
        assert_eq!(
            Value::text("abc").compare(&Value::Int(1)),
            Some(Ordering::Greater)
        );
        assert_eq!(Value::text("21").equals(&Value::text("21.0")), Some(false));
        assert_eq!(Value::text("21.0").equals(&Value::Int(21)), Some(true));
    }

    #[test]
    fn sort_order_puts_null_then_numbers_then_text() {
        let mut v = vec![
            Value::text("139"),
            Value::Int(500),
            Value::Null,
            Value::text("21"),
        ];
        v.sort_by(|a, b| a.sort_cmp(b));
        assert_eq!(
            v,
            vec![
                Value::Null,
                Value::Int(500),
                Value::text("139"),
                Value::text("21")
            ]
        );
    }

    #[test]
    fn truth_is_only_true() {
        assert_eq!(Value::Bool(true).truth(), Some(true));
        assert_eq!(Value::Int(1).truth(), Some(false));
        assert_eq!(Value::Null.truth(), None);
    }
}
