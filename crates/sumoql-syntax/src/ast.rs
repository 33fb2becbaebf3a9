//! The abstract syntax tree of a query, as written. Every node carries its span.

use std::fmt;

use crate::span::Spanned;

mod compare;
mod join;
mod rows;
mod state;

pub use compare::{CompareCombine, Comparison};
pub use join::{Join, JoinCondition, JoinTable, Subquery, TableField};
pub use rows::{Generator, Outlier, OutlierDirection, ReduceCriteria, RowStage, SequenceKind};
pub use state::{
    Boundary, FilterIn, Forecast, MergeField, MergeStrategy, Predict, SessionPattern, StateStage,
    StateTest, Trace, Transaction, TransactionResults, TransactionState, Transactionize,
};

/// A name as written in the query (a field, a function, an alias), with its span.
pub type Name = Spanned<String>;

/// A whole query: the scope before the first `|`, then the stages.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// The search scope (`_sourceCategory=network/* error`); `None` when the query starts
    /// with `|` or is empty, which matches every record.
    pub scope: Option<Spanned<Scope>>,
    /// The stages after each `|`, in order.
    pub stages: Vec<Spanned<Stage>>,
}

/// A scope expression (DESIGN D8), evaluated before any stage.
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    /// `*`: every record.
    All,
    /// `field=value` (or `field!=value` as its negation): the field's whole value matches
    /// `pattern` case-insensitively, `*` as a wildcard (`_sourceCategory=network/*`).
    FieldMatch {
        /// The field tested.
        field: Name,
        /// The pattern, unquoted, possibly with `*` wildcards.
        pattern: String,
    },
    /// A bare keyword (`error`, `fail*`): matches a term of `_raw`, case-insensitively.
    Keyword(String),
    /// A quoted phrase (`"failed password"`): matches in `_raw`, case-insensitively.
    Phrase(String),
    /// `NOT a` or `!a`.
    Not(Box<Spanned<Scope>>),
    /// `a AND b`, or `a b` (implicit).
    And(Box<Spanned<Scope>>, Box<Spanned<Scope>>),
    /// `a OR b`.
    Or(Box<Spanned<Scope>>, Box<Spanned<Scope>>),
    /// `[subquery: … | compose f]`: the child query's rows, as `field=value` terms or keywords.
    Subquery(Box<Subquery>),
    /// `cat path://"/Library/Users/me/Users"` or `cat file://tables/users.csv`: the query lists
    /// a table instead of searching logs. As in `lookup`, a table of the table folder keeps its
    /// `path://` scheme, a file's path is written without `file://`.
    Table(Spanned<String>),
}

/// One stage of the pipeline, after a `|`.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Filter (`where dest_port in ("21", "990")`).
    Where(Expr),
    /// Splunk-style assignments (`eval Protocol = "SMB", Risk = if(x > 3, "HIGH", "LOW")`), run
    /// in order (D1).
    Eval(Vec<Assignment>),
    /// Sumo's bare stage: either assignments (`toLong(n) as n`, `formatDate(t, "yyyy") as y`)
    /// or an aggregation (`count as n, sum(bytes) by src_ip`). The planner tells them apart by
    /// the kind of the functions called.
    Bare(Bare),
    /// Splunk-style aggregation (`stats count as n, sum(bytes) as total by src_ip`) (D1).
    Stats(Bare),
    /// Column selection (`fields a, b`) or removal (`fields - a, b`) (D17).
    Fields {
        /// Whether the names are removed (`fields - ...`) rather than kept.
        remove: bool,
        /// The columns.
        names: Vec<Name>,
    },
    /// Ordering (`sort by ConnectionCount desc, +src_ip`) (D18).
    Sort(Vec<SortKey>),
    /// Keep the first rows (`limit 10`).
    Limit(Spanned<u64>),
    /// Field extraction (`parse "user=*," as user`, `parse regex "(?<ip>\S+)"`, `json "a"`,
    /// `kv auto`, `csv _raw extract 1 as a`, `split f delim=':' extract a, b`).
    Extract(Extract),
    /// A row operator (`timeslice 5m`, `top 10 src_ip`, `dedup by user`, `accum n`, `lookup`,
    /// `transpose`).
    Rows(RowStage),
    /// A join of sub-streams (`join (parse "a=*" as a) as t1, (…) as t2 on t1.a = t2.b`).
    Join(Join),
    /// The aggregation beside itself over earlier time ranges (`compare with timeshift 1d`,
    /// `compare timeshift 1d 7 avg, timeshift 1w as last_week`).
    Compare(Vec<Comparison>),
    /// An operator that follows records through time and state (`transaction`,
    /// `transactionize`, `merge`, `sessionize`, `trace`, `withtime`).
    State(StateStage),
}

/// The items and grouping of a [`Stage::Bare`] or [`Stage::Stats`].
#[derive(Clone, Debug, PartialEq)]
pub struct Bare {
    /// The comma-separated items, each `expr [as name]`.
    pub items: Vec<Item>,
    /// The `by` (or `group by`) fields, empty when there are none.
    pub by: Vec<Name>,
}

/// One item of a bare stage: `sum(bytes) as total`, `count`, `toLong(n) as n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// The expression.
    pub expr: Expr,
    /// The `as` name, if given.
    pub alias: Option<Name>,
}

/// One `name = expr` of an `eval`.
#[derive(Clone, Debug, PartialEq)]
pub struct Assignment {
    /// The field assigned.
    pub name: Name,
    /// Its new value.
    pub expr: Expr,
}

/// One key of a `sort`: `field`, `field asc`, `+field`, `-field`, `field desc`.
#[derive(Clone, Debug, PartialEq)]
pub struct SortKey {
    /// The field sorted by.
    pub field: Name,
    /// Whether the order is ascending; the default is descending (D18).
    pub ascending: bool,
}

/// An expression with its span.
pub type Expr = Spanned<ExprKind>;

/// The forms of expressions.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A constant (`"21"`, `10k`, `true`, `null`).
    Literal(Literal),
    /// A field reference (`dest_ip`, `source.ip`, `%"odd name"`).
    Field(String),
    /// A function call (`isPrivateIP(dest_ip)`).
    Call {
        /// The function name as written.
        name: Name,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// A prefix operator (`!x`, `not x`, `-x`).
    Unary {
        /// The operator.
        op: UnaryOp,
        /// The operand.
        operand: Box<Expr>,
    },
    /// An infix operator (`a + b`, `a = b`, `a and b`).
    Binary {
        /// The operator.
        op: BinaryOp,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
    /// Membership (`port in ("20", "21")`, `port not in (...)`).
    In {
        /// The value tested.
        value: Box<Expr>,
        /// The list.
        list: Vec<Expr>,
        /// Whether it is `not in`.
        negated: bool,
    },
    /// Pattern matching (`x matches "err*"`, `x matches /^\d+$/`, `x not matches "a*"`).
    Matches {
        /// The value tested.
        value: Box<Expr>,
        /// The pattern, with its span.
        pattern: Spanned<MatchPattern>,
        /// Whether it is `not matches`.
        negated: bool,
    },
    /// The conditional `c ? a : b`, the same as `if(c, a, b)` (D20).
    Conditional {
        /// The condition.
        condition: Box<Expr>,
        /// The value when true.
        then: Box<Expr>,
        /// The value otherwise.
        otherwise: Box<Expr>,
    },
    /// `[subquery: … | compose f, g]` as a condition: true when the record's fields equal one
    /// of the child query's rows.
    Subquery(Box<Subquery>),
}

/// The right side of `matches`.
#[derive(Clone, Debug, PartialEq)]
pub enum MatchPattern {
    /// `"err*"`: the whole value matches, `*` standing for any run of characters.
    Wildcard(String),
    /// `/^\d+$/`: a regular expression.
    Regex(String),
}

impl fmt::Display for MatchPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchPattern::Wildcard(text) => f.write_str(&quote(text)),
            MatchPattern::Regex(text) => write!(f, "/{}/", text.replace('/', "\\/")),
        }
    }
}

/// A literal constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `"text"`.
    Text(String),
    /// `42`, `10k` (D19).
    Int(i64),
    /// `1.5`, `2.5k`.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// `/pattern/`: a regular expression, as `replace(path, /\d+/, "N")` takes.
    Regex(String),
}

/// Prefix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!` or `not`.
    Not,
    /// `-`.
    Negate,
}

/// Infix operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    /// `or`.
    Or,
    /// `and`.
    And,
    /// `=` or `==`.
    Eq,
    /// `!=` or `<>`.
    NotEq,
    /// `<`.
    Lt,
    /// `<=`.
    LtEq,
    /// `>`.
    Gt,
    /// `>=`.
    GtEq,
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`.
    Div,
    /// `%`.
    Rem,
}

impl BinaryOp {
    /// The operator's canonical spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

/// Writes a field name so it reads back: bare when it is an identifier, else `%"..."`.
pub fn write_field_name(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if plain {
        f.write_str(name)
    } else {
        write!(f, "%{}", quote(name))
    }
}

/// `text` as a double-quoted string literal with escapes.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Text(s) => f.write_str(&quote(s)),
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Float(x) => write!(f, "{x:?}"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
            Literal::Regex(pattern) => write!(f, "/{}/", pattern.replace('/', "\\/")),
        }
    }
}

impl fmt::Display for ExprKind {
    /// Prints the expression fully parenthesised where operators nest, so the text reads back
    /// to the same tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprKind::Literal(l) => l.fmt(f),
            ExprKind::Field(name) => write_field_name(f, name),
            ExprKind::Call { name, args } => {
                write!(f, "{}(", name.node)?;
                write_list(f, args)?;
                f.write_str(")")
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => write!(f, "!{}", Paren(operand)),
            ExprKind::Unary {
                op: UnaryOp::Negate,
                operand,
            } => write!(f, "-{}", Paren(operand)),
            ExprKind::Binary { op, left, right } => {
                write!(f, "{} {} {}", Paren(left), op.symbol(), Paren(right))
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                write!(
                    f,
                    "{} {}in (",
                    Paren(value),
                    if *negated { "not " } else { "" }
                )?;
                write_list(f, list)?;
                f.write_str(")")
            }
            ExprKind::Matches {
                value,
                pattern,
                negated,
            } => write!(
                f,
                "{} {}matches {}",
                Paren(value),
                if *negated { "not " } else { "" },
                pattern.node
            ),
            ExprKind::Conditional {
                condition,
                then,
                otherwise,
            } => write!(
                f,
                "{} ? {} : {}",
                Paren(condition),
                Paren(then),
                Paren(otherwise)
            ),
            ExprKind::Subquery(subquery) => subquery.fmt(f),
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", item.node)?;
    }
    Ok(())
}

/// Displays a sub-expression, in parentheses when it is itself an operator expression.
struct Paren<'a>(&'a Expr);

impl fmt::Display for Paren<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.node {
            ExprKind::Binary { .. }
            | ExprKind::In { .. }
            | ExprKind::Matches { .. }
            | ExprKind::Conditional { .. } => {
                write!(f, "({})", self.0.node)
            }
            other => other.fmt(f),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("*"),
            Scope::FieldMatch { field, pattern } => {
                write_field_name(f, &field.node)?;
                write!(f, "={}", quote(pattern))
            }
            Scope::Keyword(word) => f.write_str(word),
            Scope::Phrase(text) => f.write_str(&quote(text)),
            Scope::Not(inner) => write!(f, "NOT {}", ScopeParen(inner)),
            Scope::And(a, b) => write!(f, "{} AND {}", ScopeParen(a), ScopeParen(b)),
            Scope::Or(a, b) => write!(f, "{} OR {}", ScopeParen(a), ScopeParen(b)),
            Scope::Subquery(subquery) => subquery.fmt(f),
            Scope::Table(path) => match path.node.strip_prefix("path://") {
                Some(name) => write!(f, "cat path://{}", quote(name)),
                None => write!(f, "cat file://{}", quote(&path.node)),
            },
        }
    }
}

struct ScopeParen<'a>(&'a Spanned<Scope>);

impl fmt::Display for ScopeParen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.node {
            Scope::And(..) | Scope::Or(..) => write!(f, "({})", self.0.node),
            other => other.fmt(f),
        }
    }
}

/// A field extraction stage: what it reads, how it extracts, and whether records that do not
/// match are kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Extract {
    /// The field parsed (`field=msg`, or the field after `csv`/`split`); `None` parses `_raw`.
    pub source: Option<Name>,
    /// The kind of extraction.
    pub kind: ExtractKind,
    /// `nodrop`: records that do not match are kept unchanged (so fields only this stage
    /// writes are null).
    pub nodrop: bool,
}

/// The extraction operators.
#[derive(Clone, Debug, PartialEq)]
pub enum ExtractKind {
    /// `parse "user=*, ip=*" as user, ip`: literal anchors with `*` captures.
    Anchor {
        /// The pattern as written (unquoted).
        pattern: Spanned<String>,
        /// One name per `*`.
        names: Vec<Name>,
    },
    /// `parse regex "(?<user>\w+)" [multi]`, or `extract "..."`: named groups become fields.
    Regex {
        /// The regular expression.
        pattern: Spanned<String>,
        /// `multi`: one record per match.
        multi: bool,
    },
    /// `json "a", "b.c[0]" [as x, y]`, or `json auto` (no keys): values at JSON paths.
    Json(KeyList),
    /// `keyvalue "a", "b" [as x, y]` (`kv`), or `kv auto` (no keys): `key=value` pairs.
    KeyValue(KeyList),
    /// `parse xml "/users/user/@id", "/users/user/first_name/text()" [as id, name]`: values at
    /// XPaths in XML text.
    Xml(KeyList),
    /// `keyvalue regex "\s(.*?)=(.*?)," keys "a", "b" [as x, y]`: pairs found by a regular
    /// expression with a group for the key and one for the value, or with one group for the
    /// value nearest after each key.
    KeyValueRegex {
        /// The regular expression.
        pattern: Spanned<String>,
        /// The keys wanted and their `as` names.
        keys: KeyList,
    },
    /// `csv f extract 1 as a, b` or `split f delim=':' extract a, _, 5 as e`.
    Delimited(Delimited),
}

/// The keys of a `json` or `keyvalue` stage and their `as` names; no keys means `auto`.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyList {
    /// The quoted keys or paths.
    pub keys: Vec<Spanned<String>>,
    /// The `as` names: empty, or one per key.
    pub names: Vec<Name>,
}

/// The options and columns of `csv` and `split`.
#[derive(Clone, Debug, PartialEq)]
pub struct Delimited {
    /// Whether the operator is `split` rather than `csv`.
    pub split: bool,
    /// `delim='c'` (default `,`).
    pub delimiter: Option<Spanned<char>>,
    /// `quote='c'` (default `"`).
    pub quote: Option<Spanned<char>>,
    /// `escape='c'` (default `\`).
    pub escape: Option<Spanned<char>>,
    /// The columns taken, by 1-based position; `_` skips a position.
    pub columns: Vec<Column>,
}

/// One column of a `csv`/`split` stage: `3 as c`, or a name at the next position.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The 1-based position.
    pub position: usize,
    /// The field it goes to.
    pub name: Name,
}
