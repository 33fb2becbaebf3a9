//! Stable diagnostic codes, grouped by stage. A code is never reused for another meaning.
//!
//! - `E01xx`: syntax (the parser)
//! - `E02xx`: planning (names, arity, types)
//! - `W03xx`: warnings found while planning

/// A stable code that names one kind of diagnostic.
pub type Code = &'static str;

/// The text does not follow the grammar.
pub const SYNTAX: Code = "E0100";
/// A string literal has no closing quote.
pub const UNTERMINATED_STRING: Code = "E0101";
/// An opening parenthesis has no closing one.
pub const UNCLOSED_PAREN: Code = "E0102";
/// A number literal is malformed or out of range.
pub const BAD_NUMBER: Code = "E0103";
/// An operator name after `|` is not known.
pub const UNKNOWN_OPERATOR: Code = "E0104";
/// A stage is empty (two pipes in a row, or a trailing pipe).
pub const EMPTY_STAGE: Code = "E0105";
/// A Splunk form that has a Sumo equivalent with another spelling.
pub const SPLUNK_ONLY: Code = "E0106";
/// A Sumo operator that sumoql does not run yet.
pub const UNSUPPORTED_OPERATOR: Code = "E0107";

/// A function name is not known.
pub const UNKNOWN_FUNCTION: Code = "E0201";
/// A function got too few or too many arguments.
pub const ARITY: Code = "E0202";
/// An aggregate function is used where a row value is needed, or the reverse.
pub const MISPLACED_AGGREGATE: Code = "E0203";
/// A field is referenced after an aggregation that does not produce it.
pub const UNKNOWN_FIELD: Code = "E0204";
/// An argument has a form the function cannot use (a bad date pattern, a bad zone...).
pub const BAD_ARGUMENT: Code = "E0205";
/// A stage that needs a name or value it did not get.
pub const INVALID_STAGE: Code = "E0206";
/// A pattern that does not compile: a bad regular expression, `**` in a `parse` anchor, a
/// regular expression with no named group, a bad JSON path.
pub const BAD_PATTERN: Code = "E0220";
/// A lookup table cannot be read, or lacks a column the query names.
pub const LOOKUP_TABLE: Code = "E0221";

/// `isPrivateIP`/`isPublicIP` on a field never checked for IPv4: IPv6 records are dropped.
pub const IP_TEST_DROPS_IPV6: Code = "W0301";
/// A `by` field no earlier stage makes and no input has.
pub const UNKNOWN_GROUP_FIELD: Code = "W0302";
/// An `eval` or `as` field never used later, when the output has explicit columns.
pub const UNUSED_ASSIGNMENT: Code = "W0303";
/// A `sort` on a field an earlier `fields -` removed.
pub const SORT_ON_REMOVED_FIELD: Code = "W0304";
