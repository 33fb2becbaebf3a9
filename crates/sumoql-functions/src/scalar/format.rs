//! `format(pattern, a, b, ...)`: printf-style formatting, after Java's `String.format`.

use std::fmt::Write as _;

use super::cast::truncate_to_i64;
use super::format_date::constant_text;
use crate::prelude::*;

/// What a `%` conversion turns its argument into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Conversion {
    /// `%s` (`%S` in upper case): the text form.
    Text { upper: bool },
    /// `%d`: a whole number in decimal.
    Decimal,
    /// `%x` (`%X` in upper case): a whole number in hexadecimal, two's complement if negative.
    Hex { upper: bool },
    /// `%o`: a whole number in octal, two's complement if negative.
    Octal,
    /// `%f`: a number with a fixed count of decimals (6 by default).
    Fixed,
    /// `%e` (`%E` in upper case): a number in scientific notation.
    Scientific { upper: bool },
}

/// One `%` specifier: `%[flags][width][.precision]conversion`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Specifier {
    /// `%2$s`: the argument at this position (from 1) rather than the next one.
    argument: Option<usize>,
    /// `-`: pad on the right.
    left: bool,
    /// `0`: pad numbers with zeros after the sign.
    zeros: bool,
    /// `+`: a plus sign on non-negative numbers.
    plus: bool,
    /// ` `: a space on non-negative numbers.
    space: bool,
    /// `,`: thousands separators.
    grouping: bool,
    /// The least number of characters.
    width: usize,
    /// Decimals for `%f` and `%e`, most characters for `%s`.
    precision: Option<usize>,
    /// The conversion letter.
    conversion: Conversion,
}

/// A piece of a compiled pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// Text copied as it is (`%%` and `%n` included).
    Text(String),
    /// A specifier that consumes the next argument.
    Specifier(Specifier),
}

/// A compiled `format` pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pattern {
    pieces: Vec<Piece>,
}

impl Pattern {
    /// Compiles `pattern`, or says what is wrong with it.
    fn compile(pattern: &str) -> Result<Pattern, String> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        // `at` counts characters from 1, as a reader of the pattern does.
        let mut chars = (1..).zip(pattern.chars()).peekable();
        while let Some((at, c)) = chars.next() {
            if c != '%' {
                text.push(c);
                continue;
            }
            let mut specifier = Specifier {
                argument: None,
                left: false,
                zeros: false,
                plus: false,
                space: false,
                grouping: false,
                width: 0,
                precision: None,
                conversion: Conversion::Decimal,
            };
            let flagged = specifier.read_flags(&mut chars);
            let mut width = read_digits(&mut chars);
            if chars.next_if(|&(_, c)| c == '$').is_some() {
                let position = parse_count(&width)?;
                if flagged || position == 0 {
                    return Err(format!(
                        "an argument position (at character {at}) is a number from 1, before \
                         any flag"
                    ));
                }
                specifier.argument = Some(position);
                specifier.read_flags(&mut chars);
                width = read_digits(&mut chars);
            }
            specifier.width = parse_count(&width)?;
            if chars.peek().is_some_and(|&(_, c)| c == '.') {
                chars.next();
                let precision = read_digits(&mut chars);
                if precision.is_empty() {
                    return Err(format!("`.` without a precision at character {at}"));
                }
                specifier.precision = Some(parse_count(&precision)?);
            }
            let Some((_, letter)) = chars.next() else {
                return Err(format!("the `%` at character {at} ends the pattern"));
            };
            specifier.conversion = match letter {
                '%' | 'n' => {
                    text.push(if letter == '%' { '%' } else { '\n' });
                    continue;
                }
                's' | 'S' => Conversion::Text {
                    upper: letter == 'S',
                },
                'd' => Conversion::Decimal,
                'x' | 'X' => Conversion::Hex {
                    upper: letter == 'X',
                },
                'o' => Conversion::Octal,
                'f' => Conversion::Fixed,
                'e' | 'E' => Conversion::Scientific {
                    upper: letter == 'E',
                },
                other => {
                    return Err(format!(
                        "`%{other}` at character {at} is not a supported conversion (use %s, %d, \
                         %x, %X, %o, %f, %e, %E, %% or %n)"
                    ))
                }
            };
            specifier.check(at)?;
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Specifier(specifier));
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Pattern { pieces })
    }

    /// How many arguments the pattern consumes.
    fn arguments(&self) -> usize {
        let specifiers = self.pieces.iter().filter_map(|piece| match piece {
            Piece::Specifier(specifier) => Some(specifier),
            Piece::Text(_) => None,
        });
        let (mut next, mut furthest) = (0, 0);
        for specifier in specifiers {
            match specifier.argument {
                Some(position) => furthest = furthest.max(position),
                None => next += 1,
            }
        }
        next.max(furthest)
    }

    /// The pattern applied to `args`; `None` when an argument is missing, null or does not fit its
    /// conversion.
    fn apply(&self, args: &[Value]) -> Option<String> {
        let mut out = String::new();
        let mut next = args.iter();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Specifier(specifier) => {
                    let arg = match specifier.argument {
                        Some(position) => args.get(position - 1)?,
                        None => next.next()?,
                    };
                    specifier.write(arg, &mut out)?;
                }
            }
        }
        Some(out)
    }
}

/// The pattern's characters, each with its position from 1.
type PatternChars<'a> =
    std::iter::Peekable<std::iter::Zip<std::ops::RangeFrom<usize>, std::str::Chars<'a>>>;

/// The ASCII digits that come next.
fn read_digits(chars: &mut PatternChars<'_>) -> String {
    let mut digits = String::new();
    while let Some((_, digit)) = chars.next_if(|(_, c)| c.is_ascii_digit()) {
        digits.push(digit);
    }
    digits
}

/// A width, precision or argument position.
fn parse_count(digits: &str) -> Result<usize, String> {
    if digits.is_empty() {
        return Ok(0);
    }
    digits
        .parse::<usize>()
        .ok()
        .filter(|&n| n <= 1000)
        .ok_or_else(|| format!("the width or precision {digits} is too large (at most 1000)"))
}

/// The whole number `value` is: an integer, integer text, or a float without a fraction.
fn whole_number(value: &Value) -> Option<i64> {
    match value.as_number()? {
        Number::Int(i) => Some(i),
        Number::Float(f) if f.fract() == 0.0 => truncate_to_i64(f),
        Number::Float(_) => None,
    }
}

/// ASCII `digits` with a comma between each group of three, counted from the right.
fn group_thousands(digits: &str) -> String {
    let groups: Vec<&str> = digits
        .as_bytes()
        .rchunks(3)
        .rev()
        .map(|group| std::str::from_utf8(group).unwrap_or_default())
        .collect();
    groups.join(",")
}

/// `f` in scientific notation as Java writes it: `precision` decimals and a signed exponent of at
/// least two digits (`1.50e+03`).
fn java_scientific(f: f64, precision: usize, upper: bool) -> String {
    let rust = format!("{f:.precision$e}");
    let (mantissa, exponent) = rust.split_once('e').unwrap_or((&rust, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let sign = if exponent < 0 { '-' } else { '+' };
    let letter = if upper { 'E' } else { 'e' };
    format!("{mantissa}{letter}{sign}{:02}", exponent.unsigned_abs())
}

impl Specifier {
    /// Reads the flags that come next; whether there were any.
    fn read_flags(&mut self, chars: &mut PatternChars<'_>) -> bool {
        let mut any = false;
        while let Some(&(_, flag)) = chars.peek() {
            let slot = match flag {
                '-' => &mut self.left,
                '0' => &mut self.zeros,
                '+' => &mut self.plus,
                ' ' => &mut self.space,
                ',' => &mut self.grouping,
                _ => break,
            };
            *slot = true;
            any = true;
            chars.next();
        }
        any
    }

    /// Rejects flag combinations that Java rejects.
    fn check(&self, at: usize) -> Result<(), String> {
        let numeric = !matches!(self.conversion, Conversion::Text { .. });
        let integral = matches!(
            self.conversion,
            Conversion::Decimal | Conversion::Hex { .. } | Conversion::Octal
        );
        let problem = if (self.left || self.zeros) && self.width == 0 {
            Some("the `-` and `0` flags need a width")
        } else if self.left && self.zeros {
            Some("the `-` and `0` flags cannot be combined")
        } else if !numeric && (self.zeros || self.plus || self.space || self.grouping) {
            Some("`%s` takes only the `-` flag")
        } else if integral && self.precision.is_some() {
            Some("whole-number conversions take no precision")
        } else if self.plus && self.space {
            Some("the `+` and ` ` flags cannot be combined")
        } else if self.grouping
            && matches!(
                self.conversion,
                Conversion::Hex { .. } | Conversion::Octal | Conversion::Scientific { .. }
            )
        {
            Some("the `,` flag suits only %d and %f")
        } else {
            None
        };
        problem.map_or(Ok(()), |problem| {
            Err(format!("{problem} (the specifier at character {at})"))
        })
    }

    /// Writes `value` converted, padded to the width; `None` when it does not fit.
    fn write(&self, value: &Value, out: &mut String) -> Option<()> {
        let text = value.to_text()?;
        let (sign, body) = match self.conversion {
            Conversion::Text { upper } => {
                let kept: String = match self.precision {
                    Some(most) => text.chars().take(most).collect(),
                    None => text.into_owned(),
                };
                let body = if upper { kept.to_uppercase() } else { kept };
                self.pad("", &body, false, out);
                return Some(());
            }
            Conversion::Decimal => {
                let n = whole_number(value)?;
                let digits = n.unsigned_abs().to_string();
                let body = if self.grouping {
                    group_thousands(&digits)
                } else {
                    digits
                };
                (self.sign(n < 0), body)
            }
            Conversion::Hex { upper } => {
                let n = whole_number(value)?;
                let body = if upper {
                    format!("{n:X}")
                } else {
                    format!("{n:x}")
                };
                ("", body)
            }
            Conversion::Octal => ("", format!("{:o}", whole_number(value)?)),
            Conversion::Fixed | Conversion::Scientific { .. } => {
                let f = value.as_number()?.as_f64();
                if !f.is_finite() {
                    let body = if f.is_nan() { "NaN" } else { "Infinity" };
                    let sign = if f.is_nan() { "" } else { self.sign(f < 0.0) };
                    self.pad(sign, body, false, out);
                    return Some(());
                }
                let precision = self.precision.unwrap_or(6);
                let body = match self.conversion {
                    Conversion::Scientific { upper } => java_scientific(f.abs(), precision, upper),
                    _ => {
                        let fixed = format!("{:.precision$}", f.abs());
                        match fixed.split_once('.') {
                            Some((whole, fraction)) if self.grouping => {
                                format!("{}.{fraction}", group_thousands(whole))
                            }
                            _ if self.grouping => group_thousands(&fixed),
                            _ => fixed,
                        }
                    }
                };
                (self.sign(f.is_sign_negative() && f != 0.0), body)
            }
        };
        self.pad(sign, &body, self.zeros, out);
        Some(())
    }

    /// The sign written before a number.
    fn sign(&self, negative: bool) -> &'static str {
        match (negative, self.plus, self.space) {
            (true, _, _) => "-",
            (false, true, _) => "+",
            (false, false, true) => " ",
            (false, false, false) => "",
        }
    }

    /// Writes `sign` and `body` padded to the width: with zeros between them, or spaces before
    /// (after, with `-`).
    fn pad(&self, sign: &str, body: &str, zeros: bool, out: &mut String) {
        let length = sign.chars().count() + body.chars().count();
        let fill = self.width.saturating_sub(length);
        if zeros {
            out.push_str(sign);
            out.extend(std::iter::repeat_n('0', fill));
            out.push_str(body);
        } else if self.left {
            let _ = write!(out, "{sign}{body}");
            out.extend(std::iter::repeat_n(' ', fill));
        } else {
            out.extend(std::iter::repeat_n(' ', fill));
            let _ = write!(out, "{sign}{body}");
        }
    }
}

/// `format(pattern, a, b, ...)`: its arguments written into a printf-style pattern.
#[derive(Debug)]
pub struct Format;

impl ScalarFunction for Format {
    fn name(&self) -> &'static str {
        "format"
    }

    fn signature(&self) -> Signature {
        Signature::at_least(1)
    }

    fn doc(&self) -> &'static str {
        "Writes the arguments after the pattern into it, as Java's String.format does: %s the \
         text form (%S upper case, %.3s at most 3 characters), %d a whole number, %x / %X / %o \
         hexadecimal or octal (two's complement when negative), %f a number with 6 decimals or \
         %.2f with 2, %e scientific notation, %% a percent sign and %n a line break; flags `-` \
         (align left), `0` (zero padding), `+`, ` ` and `,` (thousands) and a width such as %8d \
         work as in Java, and %2$s takes the second argument. Numeric text counts as a number. Null in any argument, a missing \
         argument, or an argument its conversion cannot take (text for %d, 2.5 for %x) gives \
         null. A literal pattern that is invalid, or that needs more arguments than are given, \
         is reported before the query runs."
    }

    fn examples(&self) -> &'static [Example] {
        const EXAMPLES: &[Example] = &[
            example!(
                "format(\"%s : %d%%\", \"Five Minute Rate\", \"42\")",
                "\"Five Minute Rate : 42%\""
            ),
            example!("format(\"%.2f ms\", 3.14159)", "\"3.14 ms\""),
            example!(
                "format(\"%04X|%-4s|%,d\", 255, \"ab\", 1234567)",
                "\"00FF|ab  |1,234,567\""
            ),
            example!("format(\"%s-%s\", \"a\", null)", "null"),
        ];
        EXAMPLES
    }

    fn check_constants(&self, constants: &[Option<Value>]) -> Result<(), (usize, String)> {
        let Some(pattern) = constant_text(constants, 0) else {
            return Ok(());
        };
        let pattern = Pattern::compile(&pattern).map_err(|message| (0, message))?;
        let given = constants.len().saturating_sub(1);
        let needed = pattern.arguments();
        if needed > given {
            return Err((
                0,
                format!(
                    "the pattern needs {needed} argument(s) after it, but {given} {} given",
                    if given == 1 { "is" } else { "are" }
                ),
            ));
        }
        Ok(())
    }

    fn call(&self, args: &[Value], _ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        let formatted = args[0]
            .to_text()
            .and_then(|pattern| Pattern::compile(&pattern).ok())
            .and_then(|pattern| pattern.apply(&args[1..]));
        Ok(formatted.map_or(Value::Null, Value::text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(pattern: &str, args: &[Value]) -> Value {
        let mut all = vec![Value::text(pattern)];
        all.extend_from_slice(args);
        Format.call(&all, &mut CallContext::default()).unwrap()
    }

    fn text(s: &str) -> Value {
        Value::text(s)
    }

    #[test]
    fn conversions_follow_java() {
        assert_eq!(format("%d", &[Value::Int(-42)]), text("-42"));
        assert_eq!(
            format("%+d|% d", &[Value::Int(5), Value::Int(5)]),
            text("+5| 5")
        );
        assert_eq!(format("%05d", &[Value::Int(-42)]), text("-0042"));
        assert_eq!(
            format("%6d|%-6d|", &[Value::Int(42), Value::Int(42)]),
            text("    42|42    |")
        );
        assert_eq!(format("%x", &[Value::Int(-1)]), text("ffffffffffffffff"));
        assert_eq!(format("%o", &[Value::text("8")]), text("10"));
        assert_eq!(format("%f", &[Value::Int(3)]), text("3.000000"));
        assert_eq!(format("%.1f", &[Value::text("-0.04")]), text("-0.0"));
        assert_eq!(
            format("%,.2f", &[Value::Float(1234567.891)]),
            text("1,234,567.89")
        );
        assert_eq!(format("%.2e", &[Value::Int(1500)]), text("1.50e+03"));
        assert_eq!(
            format("%E", &[Value::Float(0.000123)]),
            text("1.230000E-04")
        );
        assert_eq!(format("%f", &[Value::Float(f64::NAN)]), text("NaN"));
        assert_eq!(
            format("%S|%.2s", &[text("abc"), text("héllo")]),
            text("ABC|hé")
        );
        assert_eq!(format("%d", &[Value::Float(3.0)]), text("3"));
        assert_eq!(format("100%%%n", &[]), text("100%\n"));
        assert_eq!(
            format("%2$s-%1$s-%s-%1$03d", &[Value::Int(7), text("b")]),
            text("b-7-7-007")
        );
        assert_eq!(format("%s", &[Value::Bool(true)]), text("true"));
    }

    #[test]
    fn unfit_or_missing_arguments_give_null() {
        assert_eq!(format("%d", &[text("abc")]), Value::Null);
        assert_eq!(format("%x", &[Value::Float(2.5)]), Value::Null);
        assert_eq!(format("%s %s", &[text("a")]), Value::Null);
        assert_eq!(format("%q", &[text("a")]), Value::Null);
        assert_eq!(
            Format.call(&[Value::Null], &mut CallContext::default()),
            Ok(Value::Null)
        );
    }

    #[test]
    fn literal_patterns_are_checked() {
        let check = |pattern: &str, args: usize| {
            let mut constants = vec![Some(text(pattern))];
            constants.extend(std::iter::repeat_n(None, args));
            Format.check_constants(&constants)
        };
        assert_eq!(check("%s and %d", 2), Ok(()));
        assert_eq!(check("%%", 0), Ok(()));
        assert_eq!(check("%2$s %s", 2), Ok(()));
        assert!(check("%3$s %s", 2).is_err());
        assert_eq!(
            check("%s and %d", 1),
            Err((
                0,
                "the pattern needs 2 argument(s) after it, but 1 is given".to_string()
            ))
        );
        for bad in [
            "%q", "50%", "%0$s", "%-1$s", "%.2d", "%-s", "%05s", "%.f", "%#x", "%,x",
        ] {
            assert!(check(bad, 3).is_err(), "{bad}");
        }
    }
}
