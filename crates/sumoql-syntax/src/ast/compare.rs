//! The AST of `compare`: an aggregation set beside the same aggregation over earlier time
//! ranges.

use crate::ast::Name;
use crate::span::{Span, Spanned};

/// One comparison of `compare` (`timeshift 1d`, `timeshift 1d 7 avg as last_week`).
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// How far back the (first) earlier time range lies, in milliseconds.
    pub shift: Spanned<i64>,
    /// The shift as written (`1d`), whose unit names the columns (`_count_1d`).
    pub shift_text: String,
    /// How many earlier ranges, each `shift` further back (1 unless given).
    pub count: Option<Spanned<u64>>,
    /// `avg`, `min` or `max`: the earlier ranges' values made one.
    pub combine: Option<CompareCombine>,
    /// `as name`: the columns' suffix instead of the shift.
    pub alias: Option<Name>,
    /// Where the comparison is written.
    pub span: Span,
}

/// How `compare` makes one value of several earlier ranges' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareCombine {
    /// `avg`: their average.
    Avg,
    /// `min`: the smallest.
    Min,
    /// `max`: the largest.
    Max,
}

impl CompareCombine {
    /// The word as written, which also ends the column's name (`_count_7d_avg`).
    pub fn written(self) -> &'static str {
        match self {
            CompareCombine::Avg => "avg",
            CompareCombine::Min => "min",
            CompareCombine::Max => "max",
        }
    }
}
