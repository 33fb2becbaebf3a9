//! Expressions: a [`PlanExpr`] becomes SQL text with a static kind, so that comparisons follow
//! D6 (numeric when a number meets numeric text), logic follows D5 (SQL's own three values),
//! and functions that drop records (D4) add a row condition to their stage.

use std::collections::HashMap;

use sumoql_plan::{BinaryOp, PlanExpr};
use sumoql_syntax::ast::{MatchPattern, UnaryOp};
use sumoql_value::{Schema, SlotId, Value};

use crate::dialect::{escape_regex, SqlDialect};
use crate::SqlError;

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
    fn new(text: impl Into<String>, kind: Kind) -> Sql {
        Sql {
            text: text.into(),
            kind,
        }
    }
}

/// A regular expression for text that parses as a number under D6.
const NUMERIC_TEXT: &str = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$";

/// A regular expression for a dotted-quad IPv4 address, as Rust's parser accepts it.
const IPV4: &str = r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])[.]){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$";

/// A regular expression for the RFC 1918 blocks (D3), applied to valid IPv4 text.
const PRIVATE_IPV4: &str = r"^(10[.]|172[.](1[6-9]|2[0-9]|3[01])[.]|192[.]168[.])";

/// Translates expressions for one stage.
pub(crate) struct ExprWriter<'a> {
    /// The dialect.
    pub dialect: &'a dyn SqlDialect,
    /// Field names.
    pub schema: &'a Schema,
    /// The kind of each column of the stage's input.
    pub kinds: &'a HashMap<SlotId, Kind>,
    /// Conditions a row must meet to stay (functions that drop records, D4).
    pub keep_conditions: Vec<String>,
}

impl ExprWriter<'_> {
    /// The SQL of `expr`.
    pub fn write(&mut self, expr: &PlanExpr) -> Result<Sql, SqlError> {
        match expr {
            PlanExpr::Literal(value) => self.literal(value),
            PlanExpr::Regex(pattern) => Ok(Sql::new(self.dialect.string(pattern), Kind::Text)),
            PlanExpr::Field(slot) => Ok(self.column(*slot)),
            PlanExpr::Call { function, args } => self.call(function.name(), args),
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
                let text = self.text(&value);
                let regex = match &pattern.written {
                    MatchPattern::Wildcard(wildcard) => {
                        let pieces: Vec<String> = wildcard.split('*').map(escape_regex).collect();
                        format!("(?s)^{}$", pieces.join(".*"))
                    }
                    MatchPattern::Regex(regex) => format!("^(?:{regex})$"),
                };
                let test = self.dialect.regex_match(&text, &regex);
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
            PlanExpr::Subquery(_) => Err(crate::refused::subquery()),
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
    fn compare(&self, symbol: &str, left: &Sql, right: &Sql) -> String {
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
        let unsupported = || {
            SqlError::new(
                format!("{name}()"),
                "the SQL generator has no faithful translation of this function yet",
            )
        };
        let lower = name.to_ascii_lowercase();
        Ok(match (lower.as_str(), values.as_slice()) {
            ("if", [c, a, b]) => self.conditional(c, a, b),
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
                    .push(self.dialect.regex_match(&text, IPV4));
                Sql::new(self.dialect.regex_match(&text, PRIVATE_IPV4), Kind::Bool)
            }
            ("isvalidipv4", [x]) => {
                let text = self.text(x);
                Sql::new(
                    format!("COALESCE({}, FALSE)", self.dialect.regex_match(&text, IPV4)),
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
            ("tolowercase", [x]) => Sql::new(format!("lower({})", self.text(x)), Kind::Text),
            ("touppercase", [x]) => Sql::new(format!("upper({})", self.text(x)), Kind::Text),
            ("length", [x]) => Sql::new(
                format!("CAST(length({}) AS BIGINT)", self.text(x)),
                Kind::Integer,
            ),
            ("formatdate", [millis, _]) => {
                let Some(PlanExpr::Literal(Value::Text(pattern_text))) = args.get(1) else {
                    return Err(SqlError::new(
                        "formatDate()",
                        "the pattern must be a constant to translate it",
                    ));
                };
                let number = self.number(millis);
                Sql::new(
                    self.dialect.format_date(&number.text, pattern_text)?,
                    Kind::Text,
                )
            }
            _ => return Err(unsupported()),
        })
    }
}
