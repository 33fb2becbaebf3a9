//! The front end of sumoql: the query text's spans and diagnostics, its AST, and the nom parser
//! that builds it.
//!
//! ```
//! use sumoql_syntax::parse_query;
//! let query = parse_query("_sourceCategory=network/* | where dest_port in (\"21\") | count by src_ip")
//!     .expect("valid query");
//! assert_eq!(query.stages.len(), 2);
//! ```

pub mod ast;
mod catalog;
pub mod codes;
mod diagnostic;
mod format;
mod parser;
mod span;

pub use catalog::{operator_doc, OperatorDoc, OPERATOR_DOCS};
pub use diagnostic::{did_you_mean, Diagnostic, Label, Severity};
pub use format::format_query;
pub use parser::{
    parse_expression, parse_query, refusal_reason, SyntaxError, AGGREGATE_OPERATORS, OPERATORS,
};
pub use span::{Span, Spanned};
