//! Expressions: a [`PlanExpr`] becomes SQL text with a static kind, so that comparisons follow
//! D6 (numeric when a number meets numeric text), logic follows D5 (SQL's own three values),
//! and functions that drop records (D4) add a row condition to their stage.

use std::collections::HashMap;

use sumoql_plan::{BinaryOp, PlanExpr, TextPattern};
use sumoql_syntax::ast::{MatchPattern, UnaryOp};
use sumoql_value::{Schema, SlotId, Value};

use crate::dialect::{escape_regex, Piece, SqlDialect};
use crate::text_forms::{date_pattern, ipv6, DateField, IPV4};
use crate::{refused, SqlError};

/// The kind of value a SQL expression holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text (every field read from a log).
    Text,
    /// A 64-bit integer.
    Integer,
    /// A double.
    Float,
    /// A boolean.
    Bool,
    /// An array of text (`values`).
    List,
}

impl Kind {
    fn is_number(self) -> bool {
        matches!(self, Kind::Integer | Kind::Float)
    }
}

/// A SQL expression and its kind.
#[derive(Clone, Debug)]
pub(crate) struct Sql {
    /// The SQL text.
    pub text: String,
    /// Its kind.
    pub kind: Kind,
}

impl Sql {
    /// An expression of `kind`.
    pub(crate) fn new(text: impl Into<String>, kind: Kind) -> Sql {
        Sql {
            text: text.into(),
            kind,
        }
    }
}

/// A regular expression for text that parses as a number under D6.
const NUMERIC_TEXT: &str = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$";

/// A regular expression for `isNumeric`'s Java number literals: a sign, then hexadecimal
/// after 0x, a whole number (octal after a leading 0) with an optional type letter, or a
/// decimal with a point or an exponent and an optional `f` or `d`. `\z` ends the text (in
/// Java `$` also matches before a last line break).
const JAVA_NUMBER: &str = r"^[-+]?(0[xX][0-9a-fA-F]+|(0|[1-9][0-9]*|0[0-7]+)[lLfFdD]?|([0-9]+[.][0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[fFdD]?|[0-9]+[eE][-+]?[0-9]+[fFdD]?)\z";

/// A whole text that is a dotted-quad IPv4 address.
fn ipv4() -> String {
    format!("^{IPV4}$")
}

/// A regular expression for the RFC 1918 blocks (D3), applied to valid IPv4 text.
const PRIVATE_IPV4: &str = r"^(10[.]|172[.](1[6-9]|2[0-9]|3[01])[.]|192[.]168[.])";

/// A regular expression whose four groups are the octets of a dotted quad.
const OCTETS: &str = r"^([0-9]+)[.]([0-9]+)[.]([0-9]+)[.]([0-9]+)$";

/// The special-purpose IPv4 blocks of RFC 5735 and RFC 6890 that `isReservedIP` lists (and
/// `isPublicIP` excludes), as network and prefix length.
const RESERVED_IPV4: [([u8; 4], u32); 16] = [
    ([0, 0, 0, 0], 8),
    ([10, 0, 0, 0], 8),
    ([100, 64, 0, 0], 10),
    ([127, 0, 0, 0], 8),
    ([169, 254, 0, 0], 16),
    ([172, 16, 0, 0], 12),
    ([192, 0, 0, 0], 24),
    ([192, 0, 2, 0], 24),
    ([192, 88, 99, 0], 24),
    ([192, 168, 0, 0], 16),
    ([198, 18, 0, 0], 15),
    ([198, 51, 100, 0], 24),
    ([203, 0, 113, 0], 24),
    ([224, 0, 0, 0], 4),
    ([240, 0, 0, 0], 4),
    ([255, 255, 255, 255], 32),
];

/// Translates expressions for one stage.
pub(crate) struct ExprWriter<'a> {
    /// The dialect.
    pub dialect: &'a dyn SqlDialect,
    /// Field names.
    pub schema: &'a Schema,
    /// The kind of each column of the stage's input.
    pub kinds: &'a HashMap<SlotId, Kind>,
    /// The boolean column of the stage's input that holds each subquery's condition, by the
    /// subquery's index.
    pub subqueries: &'a HashMap<usize, String>,
    /// Conditions a row must meet to stay (functions that drop records, D4).
    pub keep_conditions: Vec<String>,
    /// The run's "now" in epoch milliseconds, which `now()` gives.
    pub now: String,
}

impl ExprWriter<'_> {
    /// The SQL of `expr`.
    pub fn write(&mut self, expr: &PlanExpr) -> Result<Sql, SqlError> {
        match expr {
            PlanExpr::Literal(value) => self.literal(value),
            PlanExpr::Regex(pattern) => Ok(Sql::new(self.dialect.string(pattern), Kind::Text)),
            PlanExpr::Field(slot) => Ok(self.column(*slot)),
            PlanExpr::Call { function, args } => {
                let result = self.call(function.name(), args)?;
                Ok(match result.kind {
                    Kind::Bool => Sql::new(self.dialect.boolean(&result.text), Kind::Bool),
                    _ => result,
                })
            }
            PlanExpr::Unary { op, operand } => {
                let operand = self.write(operand)?;
                Ok(match op {
                    UnaryOp::Not => Sql::new(format!("(NOT {})", self.truth(&operand)), Kind::Bool),
                    UnaryOp::Negate => {
                        let number = self.number(&operand);
                        Sql::new(format!("(-{})", number.text), number.kind)
                    }
                })
            }
            PlanExpr::Binary { op, left, right } => {
                let left = self.write(left)?;
                let right = self.write(right)?;
                Ok(self.binary(*op, &left, &right))
            }
            PlanExpr::In {
                value,
                list,
                negated,
            } => {
                let needle = self.write(value)?;
                let mut tests = Vec::new();
                for item in list {
                    let candidate = self.write(item)?;
                    tests.push(self.compare("=", &needle, &candidate));
                }
                let any = if tests.is_empty() {
                    "FALSE".to_string()
                } else {
                    format!("({})", tests.join(" OR "))
                };
                // A null value gives null even with no candidates (D5).
                let membership = format!(
                    "(CASE WHEN {} IS NULL THEN NULL ELSE {any} END)",
                    needle.text
                );
                Ok(Sql::new(
                    if *negated {
                        format!("(NOT {membership})")
                    } else {
                        membership
                    },
                    Kind::Bool,
                ))
            }
            PlanExpr::Matches {
                value,
                pattern,
                negated,
            } => {
                let value = self.write(value)?;
                let test = self.pattern_test(&self.text(&value), pattern);
                Ok(Sql::new(
                    if *negated {
                        format!("(NOT {test})")
                    } else {
                        test
                    },
                    Kind::Bool,
                ))
            }
            PlanExpr::Conditional {
                condition,
                then,
                otherwise,
            } => {
                let condition = self.write(condition)?;
                let then = self.write(then)?;
                let otherwise = self.write(otherwise)?;
                Ok(self.conditional(&condition, &then, &otherwise))
            }
            PlanExpr::Subquery(index) => match self.subqueries.get(index) {
                Some(column) => Ok(Sql::new(column.clone(), Kind::Bool)),
                None => Err(refused::subquery()),
            },
        }
    }

    /// The column for `slot`, with its kind (text when the reader gave it).
    pub fn column(&self, slot: SlotId) -> Sql {
        Sql::new(
            self.dialect.identifier(self.schema.name(slot)),
            self.kinds.get(&slot).copied().unwrap_or(Kind::Text),
        )
    }

    fn literal(&self, value: &Value) -> Result<Sql, SqlError> {
        Ok(match value {
            Value::Null => Sql::new(
                format!("CAST(NULL AS {})", self.dialect.text_type()),
                Kind::Text,
            ),
            Value::Bool(b) => Sql::new(if *b { "TRUE" } else { "FALSE" }, Kind::Bool),
            Value::Int(i) => Sql::new(format!("CAST({i} AS BIGINT)"), Kind::Integer),
            Value::Float(f) if f.is_finite() => {
                Sql::new(format!("CAST({f:?} AS DOUBLE)"), Kind::Float)
            }
            Value::Text(text) => Sql::new(self.dialect.string(text), Kind::Text),
            Value::Float(_) | Value::List(_) => {
                return Err(SqlError::new(
                    "constant",
                    "non-finite numbers and list constants have no SQL literal",
                ))
            }
        })
    }

    /// The expression as text (D6: numbers print as their text).
    pub fn text(&self, sql: &Sql) -> String {
        match sql.kind {
            Kind::Text => sql.text.clone(),
            Kind::Bool => format!(
                "(CASE WHEN {0} THEN 'true' WHEN NOT {0} THEN 'false' END)",
                sql.text
            ),
            _ => format!("CAST({} AS {})", sql.text, self.dialect.text_type()),
        }
    }

    /// The expression as a number: numeric text is cast, other text is null.
    pub fn number(&self, sql: &Sql) -> Sql {
        match sql.kind {
            Kind::Integer | Kind::Float => sql.clone(),
            Kind::Text => Sql::new(
                format!(
                    "(CASE WHEN {} THEN {} END)",
                    self.dialect.regex_match(&sql.text, NUMERIC_TEXT),
                    self.dialect.text_to_double(&sql.text)
                ),
                Kind::Float,
            ),
            Kind::Bool | Kind::List => Sql::new("CAST(NULL AS DOUBLE)", Kind::Float),
        }
    }

    /// The expression as a condition: text is true when it says `true`, case aside.
    pub fn truth(&self, sql: &Sql) -> String {
        match sql.kind {
            Kind::Bool => sql.text.clone(),
            Kind::Text => format!("(lower({}) = 'true')", sql.text),
            _ => "CAST(NULL AS BOOLEAN)".to_string(),
        }
    }

    fn binary(&self, op: BinaryOp, left: &Sql, right: &Sql) -> Sql {
        let symbol = match op {
            BinaryOp::And => {
                return Sql::new(
                    format!("({} AND {})", self.truth(left), self.truth(right)),
                    Kind::Bool,
                )
            }
            BinaryOp::Or => {
                return Sql::new(
                    format!("({} OR {})", self.truth(left), self.truth(right)),
                    Kind::Bool,
                )
            }
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                return self.arithmetic(op, left, right)
            }
        };
        Sql::new(self.compare(symbol, left, right), Kind::Bool)
    }

    /// A comparison under D6: two numbers compare numerically, a number and numeric text too,
    /// anything else as text.
    pub fn compare(&self, symbol: &str, left: &Sql, right: &Sql) -> String {
        match (left.kind.is_number(), right.kind.is_number()) {
            (true, true) => format!("({} {symbol} {})", left.text, right.text),
            (true, false) | (false, true) => {
                let (number_left, number_right) = (self.number(left), self.number(right));
                format!(
                    "(CASE WHEN {0} IS NOT NULL AND {1} IS NOT NULL THEN {0} {symbol} {1} ELSE {2} {symbol} {3} END)",
                    number_left.text,
                    number_right.text,
                    self.text(left),
                    self.text(right)
                )
            }
            (false, false) => format!("({} {symbol} {})", self.text(left), self.text(right)),
        }
    }

    /// Arithmetic on numbers (text cast, D6); integers stay integers for `+ - *` (D12);
    /// division by zero is null.
    fn arithmetic(&self, op: BinaryOp, left: &Sql, right: &Sql) -> Sql {
        let (a, b) = (self.number(left), self.number(right));
        let integers = a.kind == Kind::Integer && b.kind == Kind::Integer;
        match op {
            BinaryOp::Div => Sql::new(
                format!(
                    "(CAST({} AS DOUBLE) / NULLIF(CAST({} AS DOUBLE), 0))",
                    a.text, b.text
                ),
                Kind::Float,
            ),
            BinaryOp::Rem => Sql::new(
                format!("({} % NULLIF({}, 0))", a.text, b.text),
                if integers { Kind::Integer } else { Kind::Float },
            ),
            _ => {
                let symbol = match op {
                    BinaryOp::Add => "+",
                    BinaryOp::Sub => "-",
                    _ => "*",
                };
                Sql::new(
                    format!("({} {symbol} {})", a.text, b.text),
                    if integers { Kind::Integer } else { Kind::Float },
                )
            }
        }
    }

    /// Whether the whole of `text` matches `pattern`, as [`TextPattern::is_match`] reads it:
    /// a wildcard with `*` as any run, or a regular expression, case-sensitively.
    pub fn pattern_test(&self, text: &str, pattern: &TextPattern) -> String {
        let regex = match &pattern.written {
            MatchPattern::Wildcard(wildcard) => {
                let pieces: Vec<String> = wildcard.split('*').map(escape_regex).collect();
                format!("(?s)^{}$", pieces.join(".*"))
            }
            MatchPattern::Regex(regex) => format!("^(?:{regex})$"),
        };
        self.dialect.regex_match(text, &regex)
    }

    /// `jsonArrayContains(array, "text")`: whether the JSON array holds the string `text`
    /// (false when the value is not an array, null when it is null). Only a constant that no
    /// number, boolean, array or object element can spell is translated: sumoql compares
    /// those by their JSON text, which each engine writes its own way.
    fn json_array_contains(&self, array: &Sql, wanted: &PlanExpr) -> Result<Sql, SqlError> {
        let refuse = || {
            SqlError::new(
                "jsonArrayContains()",
                "only a constant text that is not a number, a boolean, an array or an object is translated: sumoql compares those by their JSON text, which the engines write otherwise",
            )
        };
        let PlanExpr::Literal(Value::Text(text)) = wanted else {
            return Err(refuse());
        };
        let spelled_by_others = text.starts_with(|c: char| c.is_ascii_digit() || "-[{".contains(c))
            || &**text == "true"
            || &**text == "false";
        if spelled_by_others {
            return Err(refuse());
        }
        let array = self.text(array);
        Ok(Sql::new(
            format!(
                "(CASE WHEN {array} IS NOT NULL THEN COALESCE({}, FALSE) END)",
                self.dialect
                    .json_array_holds_string(&array, &self.dialect.string(text))
            ),
            Kind::Bool,
        ))
    }

    /// `luhn(x)`: Luhn's check of the digits of `x`'s text, without a loop. The digits,
    /// reversed, are split into those at even and at odd places from the right; each digit
    /// value's count in a part is the length it takes away, weighted by the digit (even
    /// places) or by the digit sum of its double (odd places).
    fn luhn(&self, x: &Sql) -> Sql {
        let text = self.text(x);
        let digits = self.dialect.regex_replace(&text, "[^0-9]", &[]);
        let reversed = format!("reverse({digits})");
        let place = |group| {
            self.dialect
                .regex_replace(&reversed, "(.)(.?)", &[Piece::Group(group)])
        };
        let (even, odd) = (place(1), place(2));
        let mut terms = Vec::new();
        for digit in 1..=9u32 {
            let doubled = if digit * 2 > 9 {
                digit * 2 - 9
            } else {
                digit * 2
            };
            for (part, weight) in [(&even, digit), (&odd, doubled)] {
                let length = self.dialect.char_length(part);
                let without = self
                    .dialect
                    .char_length(&format!("replace({part}, '{digit}', '')"));
                terms.push(format!("{weight} * ({length} - {without})"));
            }
        }
        Sql::new(
            format!(
                "(CASE WHEN {text} IS NOT NULL THEN {} > 0 AND ({}) % 10 = 0 END)",
                self.dialect.char_length(&digits),
                terms.join(" + ")
            ),
            Kind::Bool,
        )
    }

    /// `c ? a : b`: both branches of one kind (text when they differ, a double for two
    /// numbers of different kinds).
    fn conditional(&self, condition: &Sql, then: &Sql, otherwise: &Sql) -> Sql {
        let (kind, a, b) = if then.kind == otherwise.kind {
            (then.kind, then.text.clone(), otherwise.text.clone())
        } else if then.kind.is_number() && otherwise.kind.is_number() {
            (
                Kind::Float,
                format!("CAST({} AS DOUBLE)", then.text),
                format!("CAST({} AS DOUBLE)", otherwise.text),
            )
        } else {
            (Kind::Text, self.text(then), self.text(otherwise))
        };
        Sql::new(
            format!(
                "(CASE WHEN {} THEN {a} ELSE {b} END)",
                self.truth(condition)
            ),
            kind,
        )
    }

    fn call(&mut self, name: &str, args: &[PlanExpr]) -> Result<Sql, SqlError> {
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.write(arg)?);
        }
        let lower = name.to_ascii_lowercase();
        Ok(match (lower.as_str(), values.as_slice()) {
            ("if", [c, a, b]) => self.conditional(c, a, b),
            ("now", []) => Sql::new(self.now.clone(), Kind::Integer),
            ("luhn", [x]) => self.luhn(x),
            ("jsonarraycontains", [array, _]) => self.json_array_contains(array, &args[1])?,
            ("isnull", [x]) => Sql::new(format!("({} IS NULL)", x.text), Kind::Bool),
            ("isempty", [x]) => Sql::new(
                format!("({0} IS NULL OR {0} = '')", self.text(x)),
                Kind::Bool,
            ),
            ("isblank", [x]) => {
                let text = self.text(x);
                Sql::new(
                    format!(
                        "({text} IS NULL OR {})",
                        self.dialect.regex_match(&text, r"^\s*$")
                    ),
                    Kind::Bool,
                )
            }
            ("isprivateip", [x]) => {
                let text = self.text(x);
                self.keep_conditions
                    .push(self.dialect.regex_match(&text, &ipv4()));
                Sql::new(self.dialect.regex_match(&text, PRIVATE_IPV4), Kind::Bool)
            }
            ("isreservedip" | "ispublicip", [x]) => {
                let text = self.text(x);
                self.keep_conditions
                    .push(self.dialect.regex_match(&text, &ipv4()));
                let reserved = self.reserved_ipv4(&text);
                Sql::new(
                    if lower == "ispublicip" {
                        format!("(NOT {reserved})")
                    } else {
                        reserved
                    },
                    Kind::Bool,
                )
            }
            ("ipv4tonumber", [x]) => {
                let text = self.plain_text(name, &args[0], x)?;
                let trimmed = self.trimmed(&text);
                Sql::new(self.ipv4_number(&trimmed), Kind::Integer)
            }
            ("isvalidip", [x]) => {
                let text = self.text(x);
                Sql::new(
                    format!(
                        "COALESCE({} OR {}, FALSE)",
                        self.dialect.regex_match(&text, &ipv4()),
                        self.dialect.regex_match(&text, &ipv6())
                    ),
                    Kind::Bool,
                )
            }
            ("isvalidipv6", [x]) => {
                let text = self.text(x);
                Sql::new(
                    format!(
                        "COALESCE({}, FALSE)",
                        self.dialect.regex_match(&text, &ipv6())
                    ),
                    Kind::Bool,
                )
            }
            ("isnumeric", [x]) => Sql::new(
                match x.kind {
                    Kind::Integer => format!("({} IS NOT NULL)", x.text),
                    Kind::Float => format!(
                        "COALESCE(NOT {} AND abs({}) <> CAST('Infinity' AS DOUBLE), FALSE)",
                        self.dialect.is_nan(&x.text),
                        x.text
                    ),
                    Kind::Text => format!(
                        "COALESCE({}, FALSE)",
                        self.dialect.regex_match(&x.text, JAVA_NUMBER)
                    ),
                    Kind::Bool | Kind::List => "FALSE".to_string(),
                },
                Kind::Bool,
            ),
            ("jsonarraysize", [x]) => {
                Sql::new(self.dialect.json_array_size(&self.text(x)), Kind::Integer)
            }
            ("cidrmatch", [a, b]) => self.cidr_match(args, a, b)?,
            ("parsedate", [text, ..]) => self.parse_date(args, text)?,
            ("isvalidipv4", [x]) => {
                let text = self.text(x);
                Sql::new(
                    format!(
                        "COALESCE({}, FALSE)",
                        self.dialect.regex_match(&text, &ipv4())
                    ),
                    Kind::Bool,
                )
            }
            ("tolong" | "toint", [x]) => {
                let number = self.number(x);
                let text = if number.kind == Kind::Integer {
                    number.text
                } else {
                    self.dialect.truncate_to_long(&number.text)
                };
                Sql::new(text, Kind::Integer)
            }
            ("num" | "number", [x]) => {
                let number = self.number(x);
                Sql::new(format!("CAST({} AS DOUBLE)", number.text), Kind::Float)
            }
            ("tostring", [x]) => Sql::new(self.text(x), Kind::Text),
            ("tolowercase", [x]) => Sql::new(self.dialect.lower(&self.text(x)), Kind::Text),
            ("touppercase", [x]) => Sql::new(self.dialect.upper(&self.text(x)), Kind::Text),
            ("length", [x]) => Sql::new(
                format!(
                    "CAST({} AS BIGINT)",
                    self.dialect.char_length(&self.text(x))
                ),
                Kind::Integer,
            ),
            ("formatdate", [millis, ..]) => self.format_date(millis, &args[1..])?,
            ("concat", _) => {
                let mut parts = Vec::new();
                for (arg, value) in args.iter().zip(&values) {
                    let text = self.plain_text(name, arg, value)?;
                    parts.push(format!("COALESCE({text}, '')"));
                }
                Sql::new(format!("({})", parts.join(" || ")), Kind::Text)
            }
            ("contains", [a, b]) => {
                let (a, b) = (
                    self.plain_text(name, &args[0], a)?,
                    self.plain_text(name, &args[1], b)?,
                );
                // Empty text occurs only in empty text.
                Sql::new(
                    format!(
                        "(CASE WHEN {a} IS NULL OR {b} IS NULL THEN CAST(NULL AS BOOLEAN) \
                         WHEN {b} = '' THEN {a} = '' ELSE position({b} IN {a}) > 0 END)"
                    ),
                    Kind::Bool,
                )
            }
            ("replace", [text, _, replacement]) => {
                let text = self.plain_text(name, &args[0], text)?;
                let replacement_text = self.plain_text(name, &args[2], replacement)?;
                match &args[1] {
                    PlanExpr::Regex(pattern) => {
                        let PlanExpr::Literal(Value::Text(written)) = &args[2] else {
                            return Err(refused::replace_regex(
                                "the replacement must be a constant to read its group references",
                            ));
                        };
                        let pieces = replacement_pieces(pattern, written)?;
                        Sql::new(
                            format!(
                                "(CASE WHEN {replacement_text} IS NOT NULL THEN {} END)",
                                self.dialect.regex_replace(&text, pattern, &pieces)
                            ),
                            Kind::Text,
                        )
                    }
                    PlanExpr::Literal(Value::Text(target)) if !target.is_empty() => Sql::new(
                        format!(
                            "replace({text}, {}, {replacement_text})",
                            self.dialect.string(target)
                        ),
                        Kind::Text,
                    ),
                    _ => return Err(refused::replace_target()),
                }
            }
            ("trim", [x]) => {
                let text = self.plain_text(name, &args[0], x)?;
                Sql::new(self.trimmed(&text), Kind::Text)
            }
            ("substring", [text, offsets @ ..]) => {
                let text = self.plain_text(name, &args[0], text)?;
                let start = self.long(&offsets[0]);
                let mut nulls = vec![
                    format!("{text} IS NULL"),
                    format!("{start} IS NULL"),
                    format!("{start} < 0"),
                ];
                let length = match offsets.get(1) {
                    Some(end) => {
                        let end = self.long(end);
                        nulls.push(format!("{end} IS NULL"));
                        nulls.push(format!("{end} < {start}"));
                        Some(format!("{end} - {start}"))
                    }
                    None => None,
                };
                Sql::new(
                    format!(
                        "(CASE WHEN {} THEN CAST(NULL AS {}) ELSE {} END)",
                        nulls.join(" OR "),
                        self.dialect.text_type(),
                        self.dialect
                            .substring(&text, &format!("{start} + 1"), length.as_deref())
                    ),
                    Kind::Text,
                )
            }
            ("abs", [x]) => {
                let number = self.number(x);
                Sql::new(format!("abs({})", number.text), number.kind)
            }
            ("ceil" | "floor", [x]) => self.whole(x, |n| format!("{lower}({n})")),
            ("round", [x]) => self.whole(x, round_half_up),
            ("round", [x, _]) => {
                let Some(places) = literal_places(&args[1]) else {
                    return Err(refused::round_places());
                };
                let number = format!("CAST({} AS DOUBLE)", self.number(x).text);
                let scale = format!("CAST(1e{} AS DOUBLE)", places.abs());
                let rounded = if places >= 0 {
                    format!(
                        "({} / {scale})",
                        round_half_up(&format!("({number} * {scale})"))
                    )
                } else {
                    format!(
                        "({} * {scale})",
                        round_half_up(&format!("({number} / {scale})"))
                    )
                };
                Sql::new(rounded, Kind::Float)
            }
            ("min" | "max", [a, b]) => {
                let (a, b) = (self.number(a), self.number(b));
                let (kind, a, b) = if a.kind == Kind::Integer && b.kind == Kind::Integer {
                    (Kind::Integer, a.text, b.text)
                } else {
                    (
                        Kind::Float,
                        format!("CAST({} AS DOUBLE)", a.text),
                        format!("CAST({} AS DOUBLE)", b.text),
                    )
                };
                let pick = if lower == "min" { "least" } else { "greatest" };
                Sql::new(
                    format!("(CASE WHEN {a} IS NULL OR {b} IS NULL THEN NULL ELSE {pick}({a}, {b}) END)"),
                    kind,
                )
            }
            _ => match self.float_function(&lower, &values) {
                Some(result) => result?,
                None => return Err(refused::function(name)),
            },
        })
    }

    /// `formatDate(ms[, pattern[, zone]])`: a constant pattern (the US-style one when there is
    /// none), in UTC.
    fn format_date(&self, millis: &Sql, rest: &[PlanExpr]) -> Result<Sql, SqlError> {
        let pattern = match rest.first() {
            None => US_STYLE_PATTERN,
            Some(PlanExpr::Literal(Value::Text(pattern))) => pattern,
            Some(_) => {
                return Err(refused::format_date(
                    "the pattern must be a constant to translate it",
                ))
            }
        };
        let zone = self.constant_zone("formatDate()", rest.get(1))?;
        let number = self.number(millis);
        Ok(Sql::new(
            self.format_in_zone(&number.text, pattern, &zone)?,
            Kind::Text,
        ))
    }

    /// The text of a function's argument, exactly as sumoql writes it: a constant's own text,
    /// a computed float refused (engines write `2.0` and exponents where sumoql writes `2`).
    fn plain_text(&self, name: &str, arg: &PlanExpr, sql: &Sql) -> Result<String, SqlError> {
        if let PlanExpr::Literal(value) = arg {
            return Ok(match value.to_text() {
                Some(text) => self.dialect.string(&text),
                None => format!("CAST(NULL AS {})", self.dialect.text_type()),
            });
        }
        self.exact_text(&format!("{name}()"), sql)
    }

    /// The text of `sql` exactly as sumoql writes it, for `construct`: a computed float or
    /// list is refused (engines write `2.0` and exponents where sumoql writes `2`).
    pub fn exact_text(&self, construct: &str, sql: &Sql) -> Result<String, SqlError> {
        match sql.kind {
            Kind::Float | Kind::List => Err(refused::float_text(construct)),
            _ => Ok(self.text(sql)),
        }
    }

    /// `text` without leading and trailing Unicode white space, as Rust's `trim` gives.
    fn trimmed(&self, text: &str) -> String {
        let space = format!("[{UNICODE_SPACE}]+");
        self.dialect
            .regex_replace(text, &format!("^{space}|{space}$"), &[])
    }

    /// The unsigned 32-bit number of the IPv4 address `text`, null when it is not one.
    fn ipv4_number(&self, text: &str) -> String {
        let octets: Vec<String> = (1..=4)
            .map(|group| {
                self.dialect.truncate_to_long(
                    &self
                        .dialect
                        .text_to_double(&self.dialect.regex_extract(text, OCTETS, group)),
                )
            })
            .collect();
        format!(
            "(CASE WHEN {} THEN {} * 16777216 + {} * 65536 + {} * 256 + {} END)",
            self.dialect.regex_match(text, &ipv4()),
            octets[0],
            octets[1],
            octets[2],
            octets[3]
        )
    }

    /// `cidrMatch` with a constant IPv4 network (either argument, as natively): true when the
    /// trimmed address lies in it, false for an IPv6 address, null for anything else.
    fn cidr_match(&mut self, args: &[PlanExpr], a: &Sql, b: &Sql) -> Result<Sql, SqlError> {
        let network_of = |arg: &PlanExpr| match arg {
            PlanExpr::Literal(Value::Text(text)) if text.contains('/') => {
                text.trim().parse::<ipnet::Ipv4Net>().ok()
            }
            _ => None,
        };
        let (network, address) = match (network_of(&args[0]), network_of(&args[1])) {
            (Some(network), _) => (network, b),
            (None, Some(network)) => (network, a),
            (None, None) => {
                return Err(SqlError::new(
                    "cidrMatch()",
                    "the network must be a constant IPv4 network in CIDR notation (an IPv6 network, or one computed per record, is not translated)",
                ))
            }
        };
        let text = self.trimmed(&self.text(address));
        let number = self.ipv4_number(&text);
        let first = u32::from(network.network());
        let last = u32::from(network.broadcast());
        Ok(Sql::new(
            format!(
                "(CASE WHEN {number} IS NOT NULL THEN {number} BETWEEN {first} AND {last} WHEN COALESCE({}, FALSE) THEN FALSE END)",
                self.dialect.regex_match(&text, &ipv6())
            ),
            Kind::Bool,
        ))
    }

    /// `parseDate(text, pattern[, "UTC"])` with a constant pattern of fixed fields (`yyyy MM
    /// MMM dd HH mm ss SSS Z` and literals): the fields read with a regular expression and
    /// put together as an ISO-8601 time, in UTC unless the text gives an offset.
    fn parse_date(&mut self, args: &[PlanExpr], text: &Sql) -> Result<Sql, SqlError> {
        let refuse = |why: &str| SqlError::new("parseDate()", why.to_string());
        // A pattern chosen per record between constants: each read as its own.
        let choice = match args.get(1) {
            Some(PlanExpr::Conditional {
                condition,
                then,
                otherwise,
            }) => Some((&**condition, &**then, &**otherwise)),
            Some(PlanExpr::Call {
                function,
                args: parts,
            }) if function.name().eq_ignore_ascii_case("if") && parts.len() == 3 => {
                Some((&parts[0], &parts[1], &parts[2]))
            }
            _ => None,
        };
        if let Some((condition, then, otherwise)) = choice {
            let condition = self.write(condition)?;
            let mut branch = |pattern: &PlanExpr| {
                let mut branch_args = args.to_vec();
                branch_args[1] = pattern.clone();
                self.parse_date(&branch_args, text)
            };
            let (then, otherwise) = (branch(then)?, branch(otherwise)?);
            return Ok(self.conditional(&condition, &then, &otherwise));
        }
        let Some(PlanExpr::Literal(Value::Text(pattern))) = args.get(1) else {
            return Err(refuse(
                "the pattern must be a constant (or an if between constants) to translate it",
            ));
        };
        let zone = self.constant_zone("parseDate()", args.get(2))?;
        let Some((regex, fields)) = date_pattern(pattern) else {
            return Err(refuse("only the fixed fields yyyy, MM, MMM, dd, HH, mm, ss, SSS and Z (and quoted literals) are translated"));
        };
        let text = self.text(text);
        let group = |field: DateField| {
            fields
                .iter()
                .position(|f| *f == field)
                .map(|index| self.dialect.regex_extract(&text, &regex, index + 1))
        };
        let pad = |field: DateField, width: usize, default: &str| match group(field) {
            Some(value) => format!("lpad({value}, {width}, '0')"),
            None => format!("'{default}'"),
        };
        let month = match group(DateField::MonthName) {
            Some(name) => {
                let cases: Vec<String> = sumoql_value::time::MONTHS
                    .iter()
                    .enumerate()
                    .map(|(index, month)| {
                        format!("WHEN '{}' THEN '{:02}'", month.to_lowercase(), index + 1)
                    })
                    .collect();
                format!("(CASE lower({name}) {} END)", cases.join(" "))
            }
            None => pad(DateField::Month, 2, "01"),
        };
        let iso = format!(
            "{} || '-' || {month} || '-' || {} || 'T' || {} || ':' || {} || ':' || {} || '.' || {} || 'Z'",
            pad(DateField::Year, 4, "1970"),
            pad(DateField::Day, 2, "01"),
            pad(DateField::Hour, 2, "00"),
            pad(DateField::Minute, 2, "00"),
            pad(DateField::Second, 2, "00"),
            pad(DateField::Millis, 3, "000"),
        );
        // An offset in the text wins over the zone.
        let millis = match group(DateField::Offset) {
            Some(offset) => {
                let digits = |from: usize| {
                    self.dialect
                        .text_to_double(&format!("substr({offset}, {from}, 2)"))
                };
                format!(
                    "({} - (CASE WHEN substr({offset}, 1, 1) = '-' THEN -1 ELSE 1 END) * ({} * 60 + {}) * 60000)",
                    self.dialect.iso_millis(&iso),
                    digits(2),
                    digits(4)
                )
            }
            None => self.instant_of_local(&self.dialect.iso_millis(&iso), &zone),
        };
        Ok(Sql::new(
            format!(
                "(CASE WHEN {} THEN {} END)",
                self.dialect.regex_match(&text, &regex),
                self.dialect.truncate_to_long(&millis)
            ),
            Kind::Integer,
        ))
    }

    /// Whether the IPv4 address `text` lies in a [`RESERVED_IPV4`] block.
    fn reserved_ipv4(&self, text: &str) -> String {
        let number = self.ipv4_number(text);
        let tests: Vec<String> = RESERVED_IPV4
            .iter()
            .map(|&(network, prefix)| {
                let first = u32::from_be_bytes(network);
                let last = first | u32::MAX.checked_shr(prefix).unwrap_or(0);
                format!("{number} BETWEEN {first} AND {last}")
            })
            .collect();
        format!("({})", tests.join(" OR "))
    }

    /// The expression as a 64-bit integer, as `toLong` reads it.
    fn long(&self, sql: &Sql) -> String {
        let number = self.number(sql);
        if number.kind == Kind::Integer {
            number.text
        } else {
            self.dialect.truncate_to_long(&number.text)
        }
    }

    /// `ceil`, `floor` and `round`: an integer stays itself, a float is rounded by `rounding`
    /// and becomes an integer.
    fn whole(&self, x: &Sql, rounding: impl Fn(&str) -> String) -> Sql {
        let number = self.number(x);
        if number.kind == Kind::Integer {
            return number;
        }
        Sql::new(
            self.dialect.truncate_to_long(&rounding(&number.text)),
            Kind::Integer,
        )
    }
}

/// A constant count of decimal places whose power of ten is exact as a double.
fn literal_places(expr: &PlanExpr) -> Option<i32> {
    let PlanExpr::Literal(value) = expr else {
        return None;
    };
    let places = value.as_number()?.as_f64();
    (places.fract() == 0.0 && places.abs() <= 22.0).then_some(places as i32)
}

/// The pattern `formatDate` writes without one (sumoql's US-style date).
const US_STYLE_PATTERN: &str = "MM/dd/yyyy HH:mm:ss.SSS Z";

/// The characters Rust's `trim` takes for white space (Unicode `White_Space`), as a regular
/// expression class body that RE2 and Java read alike.
const UNICODE_SPACE: &str =
    r"\t\n\x0B\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";

/// `number` rounded to a whole number, halves toward positive infinity (Java's Math.round),
/// as a double.
pub(crate) fn round_half_up(number: &str) -> String {
    format!(
        "(CASE WHEN {number} - floor({number}) >= 0.5 THEN floor({number}) + 1 ELSE floor({number}) END)"
    )
}

/// The replacement of a regex `replace` as pieces: `$1` and `${name}` name groups of
/// `pattern`, `\\` escapes the next character.
fn replacement_pieces(pattern: &str, written: &str) -> Result<Vec<Piece>, SqlError> {
    let names = group_names(pattern);
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = written.chars().peekable();
    let bad = || refused::replace_regex("the replacement refers to a group the regex lacks");
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.push(chars.next().ok_or_else(bad)?),
            '$' => {
                let group = if chars.next_if_eq(&'{').is_some() {
                    let name: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    names
                        .iter()
                        .position(|candidate| candidate.as_deref() == Some(name.as_str()))
                        .map(|index| index + 1)
                        .ok_or_else(bad)?
                } else {
                    // As many digits as make a group (Java's rule).
                    let first = chars.next().and_then(|c| c.to_digit(10)).ok_or_else(bad)? as usize;
                    let mut group = first;
                    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
                        let longer = group * 10 + digit as usize;
                        if longer > names.len() {
                            break;
                        }
                        group = longer;
                        chars.next();
                    }
                    group
                };
                if group > names.len() {
                    return Err(bad());
                }
                if group > 9 || chars.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return Err(refused::replace_regex(
                        "a group past the ninth, or a group followed by a digit, is written differently by each engine",
                    ));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Group(group));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// The capture groups of `pattern` in order, each with its name if it has one.
fn group_names(pattern: &str) -> Vec<Option<String>> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut names = Vec::new();
    let mut index = 0;
    let mut in_class = false;
    while index < chars.len() {
        match chars[index] {
            '\\' => index += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => {
                let rest: String = chars[index + 1..].iter().collect();
                let named = rest
                    .strip_prefix("?P<")
                    .or_else(|| rest.strip_prefix("?<"))
                    .filter(|after| !after.starts_with(['=', '!']))
                    .and_then(|after| after.split_once('>'))
                    .map(|(name, _)| name.to_string());
                if named.is_some() || !rest.starts_with('?') {
                    names.push(named);
                }
            }
            _ => {}
        }
        index += 1;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::{group_names, replacement_pieces, Piece};

    #[test]
    fn groups_are_numbered_past_lookarounds_and_classes() {
        assert_eq!(
            group_names(r"(?<kind>[a-z(]+)\/(?:x)(?<=y)(\d+)"),
            vec![Some("kind".to_string()), None]
        );
    }

    #[test]
    fn a_replacement_names_groups_by_number_or_name() {
        let pattern = r"(?<kind>flight)\/([0-9]{5,})";
        assert_eq!(
            replacement_pieces(pattern, "$2:${kind}\\$").unwrap(),
            vec![
                Piece::Group(2),
                Piece::Text(":".into()),
                Piece::Group(1),
                Piece::Text("$".into())
            ]
        );
        assert!(replacement_pieces(pattern, "$3").is_err());
        assert!(replacement_pieces(pattern, "${other}").is_err());
    }
}
