//! Planned expressions: fields resolved to slots, functions resolved to implementations, and
//! their evaluation under Sumo's rules (D5 three-valued logic, D6 text and numbers).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use sumoql_functions::{CallContext, RecordDropped, ScalarFunction};
use sumoql_syntax::ast::{quote, BinaryOp, UnaryOp};
use sumoql_value::{Number, Record, Schema, SlotId, Value};

use crate::pattern::TextPattern;

/// An expression ready to evaluate against a record.
#[derive(Clone)]
pub enum PlanExpr {
    /// A constant.
    Literal(Value),
    /// A regular expression literal passed to a function that takes one (`/\d+/` in
    /// `replace(path, /\d+/, "N")`); it evaluates to the pattern's text.
    Regex(String),
    /// The value of a field.
    Field(SlotId),
    /// A call of a scalar function; arguments are all evaluated first.
    Call {
        /// The function.
        function: Arc<dyn ScalarFunction>,
        /// Its arguments.
        args: Vec<PlanExpr>,
    },
    /// `!x` or `-x`.
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<PlanExpr>,
    },
    /// `a op b`.
    Binary {
        /// The operator.
        op: BinaryOp,
        /// Left operand.
        left: Box<PlanExpr>,
        /// Right operand.
        right: Box<PlanExpr>,
    },
    /// `x in (...)` or `x not in (...)`.
    In {
        /// The value tested.
        value: Box<PlanExpr>,
        /// The candidates.
        list: Vec<PlanExpr>,
        /// `not in`.
        negated: bool,
    },
    /// `x matches "a*"`, `x matches /re/`, `x not matches ...`: null when `x` is null.
    Matches {
        /// The value tested, as text.
        value: Box<PlanExpr>,
        /// The compiled pattern.
        pattern: TextPattern,
        /// `not matches`.
        negated: bool,
    },
    /// `c ? a : b` (and `if(c, a, b)` once folded into this form is not needed: `if` is a
    /// function).
    Conditional {
        /// The condition.
        condition: Box<PlanExpr>,
        /// The value when the condition is true.
        then: Box<PlanExpr>,
        /// The value otherwise (also when it is null, D5).
        otherwise: Box<PlanExpr>,
    },
    /// The rows of the plan's subquery of this index as a condition, until the run replaces
    /// it by the condition; unreplaced, it is null.
    Subquery(usize),
}

impl PlanExpr {
    /// Adds the slots the expression reads to `slots` (each once).
    pub fn collect_slots(&self, slots: &mut Vec<SlotId>) {
        if let PlanExpr::Field(slot) = self {
            if !slots.contains(slot) {
                slots.push(*slot);
            }
        }
        self.for_each_operand(&mut |operand| operand.collect_slots(slots));
    }

    /// Whether the expression, or any expression inside it, satisfies `test`.
    pub fn contains(&self, test: &dyn Fn(&PlanExpr) -> bool) -> bool {
        let mut found = test(self);
        self.for_each_operand(&mut |operand| found = found || operand.contains(test));
        found
    }

    /// Calls `visit` on each direct operand of the expression, in order.
    fn for_each_operand<'e>(&'e self, visit: &mut dyn FnMut(&'e PlanExpr)) {
        match self {
            PlanExpr::Literal(_)
            | PlanExpr::Regex(_)
            | PlanExpr::Field(_)
            | PlanExpr::Subquery(_) => {}
            PlanExpr::Call { args, .. } => args.iter().for_each(visit),
            PlanExpr::Unary { operand, .. } | PlanExpr::Matches { value: operand, .. } => {
                visit(operand)
            }
            PlanExpr::Binary { left, right, .. } => {
                visit(left);
                visit(right);
            }
            PlanExpr::In { value, list, .. } => {
                visit(value);
                list.iter().for_each(visit);
            }
            PlanExpr::Conditional {
                condition,
                then,
                otherwise,
            } => {
                visit(condition);
                visit(then);
                visit(otherwise);
            }
        }
    }

    /// Evaluates the expression on `record`. Every operand is evaluated (no short-circuit), so
    /// a call that drops its record (D4) drops it whatever surrounds the call.
    pub fn evaluate(&self, record: &Record, ctx: &mut CallContext) -> Result<Value, RecordDropped> {
        Ok(match self {
            PlanExpr::Literal(value) => value.clone(),
            PlanExpr::Regex(pattern) => Value::text(pattern),
            PlanExpr::Field(slot) => record.get(*slot).clone(),
            PlanExpr::Call { function, args } => {
                // Most calls take a few arguments: their values are gathered on the stack.
                let mut few: [Value; 4] = Default::default();
                let mut many = Vec::new();
                let values = match few.get_mut(..args.len()) {
                    Some(values) => values,
                    None => {
                        many.resize(args.len(), Value::Null);
                        &mut many[..]
                    }
                };
                for (value, arg) in values.iter_mut().zip(args) {
                    *value = arg.evaluate(record, ctx)?;
                }
                function.call(values, ctx)?
            }
            PlanExpr::Unary { op, operand } => {
                let value = operand.evaluate(record, ctx)?;
                match op {
                    UnaryOp::Not => value.truth().map_or(Value::Null, |b| Value::Bool(!b)),
                    UnaryOp::Negate => match value.as_number() {
                        Some(Number::Int(i)) => i
                            .checked_neg()
                            .map_or(Value::Float(-(i as f64)), Value::Int),
                        Some(Number::Float(f)) => Value::Float(-f),
                        None => Value::Null,
                    },
                }
            }
            PlanExpr::Binary { op, left, right } => {
                let a = left.evaluate_borrowed(record, ctx)?;
                let b = right.evaluate_borrowed(record, ctx)?;
                binary(*op, &a, &b)
            }
            PlanExpr::In {
                value,
                list,
                negated,
            } => {
                let needle = value.evaluate_borrowed(record, ctx)?;
                let mut membership = Membership::default();
                for item in list {
                    // Literals (the usual list) are compared in place, without a copy.
                    match item {
                        PlanExpr::Literal(candidate) => membership.offer(&needle, candidate),
                        _ => membership.offer(&needle, &item.evaluate(record, ctx)?),
                    }
                }
                membership.outcome(&needle, *negated)
            }
            PlanExpr::Matches {
                value,
                pattern,
                negated,
            } => match value.evaluate_borrowed(record, ctx)?.to_text() {
                Some(text) => Value::Bool(pattern.is_match(&text) != *negated),
                None => Value::Null,
            },
            PlanExpr::Conditional {
                condition,
                then,
                otherwise,
            } => {
                let c = condition.evaluate(record, ctx)?;
                let a = then.evaluate(record, ctx)?;
                let b = otherwise.evaluate(record, ctx)?;
                if c.truth() == Some(true) {
                    a
                } else {
                    b
                }
            }
            PlanExpr::Subquery(_) => Value::Null,
        })
    }

    /// [`PlanExpr::evaluate`], borrowing the value when it is a field or a literal.
    fn evaluate_borrowed<'a>(
        &'a self,
        record: &'a Record,
        ctx: &mut CallContext,
    ) -> Result<Cow<'a, Value>, RecordDropped> {
        Ok(match self {
            PlanExpr::Field(slot) => Cow::Borrowed(record.get(*slot)),
            PlanExpr::Literal(value) => Cow::Borrowed(value),
            _ => Cow::Owned(self.evaluate(record, ctx)?),
        })
    }

    /// The expression as text, with field names from `schema`.
    pub fn display<'a>(&'a self, schema: &'a Schema) -> impl fmt::Display + 'a {
        Shown { expr: self, schema }
    }
}

/// `x in (...)` under three-valued logic: null when `x` is null, or when nothing matches and
/// a candidate is null.
/// What the candidates of `x in (...)` said so far: one equal, or one unknown (null).
#[derive(Default)]
struct Membership {
    found: bool,
    unknown: bool,
}

impl Membership {
    fn offer(&mut self, needle: &Value, candidate: &Value) {
        if self.found || needle.is_null() {
            return;
        }
        match needle.equals(candidate) {
            Some(true) => self.found = true,
            Some(false) => {}
            None => self.unknown = true,
        }
    }

    /// `in` (or `not in`): null for a null value, or when no candidate matched and one was
    /// null (D5).
    fn outcome(&self, needle: &Value, negated: bool) -> Value {
        if needle.is_null() {
            Value::Null
        } else if self.found {
            Value::Bool(!negated)
        } else if self.unknown {
            Value::Null
        } else {
            Value::Bool(negated)
        }
    }
}

/// An infix operator on two evaluated operands, as expressions apply it: stages that combine
/// values (`accum`, `diff`) use it so their arithmetic follows D6 and D12.
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Value {
    match op {
        BinaryOp::And => match (a.truth(), b.truth()) {
            (Some(false), _) | (_, Some(false)) => Value::Bool(false),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => Value::Null,
        },
        BinaryOp::Or => match (a.truth(), b.truth()) {
            (Some(true), _) | (_, Some(true)) => Value::Bool(true),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => Value::Null,
        },
        BinaryOp::Eq => compare(a, b, |o| o == Ordering::Equal),
        BinaryOp::NotEq => compare(a, b, |o| o != Ordering::Equal),
        BinaryOp::Lt => compare(a, b, |o| o == Ordering::Less),
        BinaryOp::LtEq => compare(a, b, |o| o != Ordering::Greater),
        BinaryOp::Gt => compare(a, b, |o| o == Ordering::Greater),
        BinaryOp::GtEq => compare(a, b, |o| o != Ordering::Less),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
            match (a.as_number(), b.as_number()) {
                (Some(x), Some(y)) => arithmetic(op, x, y),
                _ => Value::Null,
            }
        }
    }
}

fn compare(a: &Value, b: &Value, test: impl Fn(Ordering) -> bool) -> Value {
    a.compare(b).map_or(Value::Null, |o| Value::Bool(test(o)))
}

/// Arithmetic that stays in integers while exact (D12); division by zero is null.
fn arithmetic(op: BinaryOp, x: Number, y: Number) -> Value {
    if let (Number::Int(a), Number::Int(b)) = (x, y) {
        let exact = match op {
            BinaryOp::Add => a.checked_add(b),
            BinaryOp::Sub => a.checked_sub(b),
            BinaryOp::Mul => a.checked_mul(b),
            BinaryOp::Div if b == 0 => return Value::Null,
            BinaryOp::Div => match a.checked_rem(b) {
                Some(0) => a.checked_div(b),
                _ => None,
            },
            BinaryOp::Rem if b == 0 => return Value::Null,
            BinaryOp::Rem => a.checked_rem(b),
            _ => None,
        };
        if let Some(result) = exact {
            return Value::Int(result);
        }
    }
    let (a, b) = (x.as_f64(), y.as_f64());
    let result = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div if b == 0.0 => return Value::Null,
        BinaryOp::Div => a / b,
        BinaryOp::Rem if b == 0.0 => return Value::Null,
        BinaryOp::Rem => a % b,
        _ => return Value::Null,
    };
    Value::Float(result)
}

struct Shown<'a> {
    expr: &'a PlanExpr,
    schema: &'a Schema,
}

impl Shown<'_> {
    fn sub<'b>(&'b self, expr: &'b PlanExpr) -> Shown<'b> {
        Shown {
            expr,
            schema: self.schema,
        }
    }

    fn paren(&self, expr: &PlanExpr, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match expr {
            PlanExpr::Binary { .. }
            | PlanExpr::In { .. }
            | PlanExpr::Matches { .. }
            | PlanExpr::Conditional { .. } => {
                write!(f, "({})", self.sub(expr))
            }
            _ => write!(f, "{}", self.sub(expr)),
        }
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expr {
            PlanExpr::Literal(Value::Text(s)) => f.write_str(&quote(s)),
            PlanExpr::Literal(Value::Null) => f.write_str("null"),
            PlanExpr::Regex(pattern) => write!(f, "/{}/", pattern.replace('/', "\\/")),
            PlanExpr::Literal(value) => {
                let mut json = String::new();
                value.write_json(&mut json);
                f.write_str(&json)
            }
            PlanExpr::Field(slot) => {
                let name = self.schema.name(*slot);
                if name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                {
                    f.write_str(name)
                } else {
                    write!(f, "%{}", quote(name))
                }
            }
            PlanExpr::Call { function, args } => {
                write!(f, "{}(", function.name())?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", self.sub(arg))?;
                }
                f.write_char(')')
            }
            PlanExpr::Unary { op, operand } => {
                f.write_str(match op {
                    UnaryOp::Not => "!",
                    UnaryOp::Negate => "-",
                })?;
                self.paren(operand, f)
            }
            PlanExpr::Binary { op, left, right } => {
                self.paren(left, f)?;
                write!(f, " {} ", op.symbol())?;
                self.paren(right, f)
            }
            PlanExpr::In {
                value,
                list,
                negated,
            } => {
                self.paren(value, f)?;
                f.write_str(if *negated { " not in (" } else { " in (" })?;
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", self.sub(item))?;
                }
                f.write_char(')')
            }
            PlanExpr::Matches {
                value,
                pattern,
                negated,
            } => {
                self.paren(value, f)?;
                let not = if *negated { "not " } else { "" };
                write!(f, " {not}matches {}", pattern.written)
            }
            PlanExpr::Conditional {
                condition,
                then,
                otherwise,
            } => {
                self.paren(condition, f)?;
                f.write_str(" ? ")?;
                self.paren(then, f)?;
                f.write_str(" : ")?;
                self.paren(otherwise, f)
            }
            PlanExpr::Subquery(index) => write!(f, "[subquery {}]", index + 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(v: Value) -> Box<PlanExpr> {
        Box::new(PlanExpr::Literal(v))
    }

    fn eval(expr: PlanExpr) -> Value {
        expr.evaluate(&Record::default(), &mut CallContext::default())
            .unwrap()
    }

    #[test]
    fn three_valued_logic() {
        let and = |a, b| {
            eval(PlanExpr::Binary {
                op: BinaryOp::And,
                left: lit(a),
                right: lit(b),
            })
        };
        assert_eq!(and(Value::Null, Value::Bool(false)), Value::Bool(false));
        assert_eq!(and(Value::Null, Value::Bool(true)), Value::Null);
        let or = |a, b| {
            eval(PlanExpr::Binary {
                op: BinaryOp::Or,
                left: lit(a),
                right: lit(b),
            })
        };
        assert_eq!(or(Value::Null, Value::Bool(true)), Value::Bool(true));
        assert_eq!(or(Value::Null, Value::Bool(false)), Value::Null);
        let not = |a| {
            eval(PlanExpr::Unary {
                op: UnaryOp::Not,
                operand: lit(a),
            })
        };
        assert_eq!(not(Value::Null), Value::Null);
    }

    fn membership(needle: &Value, candidates: &[Value], negated: bool) -> Value {
        let mut membership = Membership::default();
        for candidate in candidates {
            membership.offer(needle, candidate);
        }
        membership.outcome(needle, negated)
    }

    #[test]
    fn in_with_null_candidates_is_unknown_unless_matched() {
        assert_eq!(
            membership(&Value::text("21"), &[Value::text("21"), Value::Null], false),
            Value::Bool(true)
        );
        assert_eq!(
            membership(&Value::text("22"), &[Value::text("21"), Value::Null], false),
            Value::Null
        );
        assert_eq!(
            membership(&Value::Null, &[Value::text("21")], true),
            Value::Null
        );
        assert_eq!(
            membership(&Value::Int(21), &[Value::text("21")], false),
            Value::Bool(true)
        );
    }

    #[test]
    fn integer_arithmetic_stays_exact() {
        assert_eq!(
            arithmetic(BinaryOp::Div, Number::Int(6), Number::Int(3)),
            Value::Int(2)
        );
        assert_eq!(
            arithmetic(BinaryOp::Div, Number::Int(7), Number::Int(2)),
            Value::Float(3.5)
        );
        assert_eq!(
            arithmetic(BinaryOp::Add, Number::Int(i64::MAX), Number::Int(1)),
            Value::Float(i64::MAX as f64 + 1.0)
        );
        assert_eq!(
            arithmetic(BinaryOp::Rem, Number::Int(7), Number::Int(0)),
            Value::Null
        );
    }
}
