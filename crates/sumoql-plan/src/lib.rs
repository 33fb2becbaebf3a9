//! The planner: turns a parsed [`Query`](sumoql_syntax::ast::Query) into a [`Plan`] — a plain
//! list of [`Operator`]s over records whose fields are resolved to slots, with functions
//! resolved from the [`Registry`](sumoql_functions::Registry), constants folded, and the set of
//! fields the readers must extract computed.
//!
//! ```
//! use sumoql_functions::Registry;
//! use sumoql_plan::plan_query;
//! use sumoql_syntax::parse_query;
//!
//! let query = parse_query("* | where dest_port = \"21\" | count by src_ip").unwrap();
//! let plan = plan_query(&query, &Registry::standard()).unwrap();
//! assert_eq!(plan.read.fields.len(), 2);
//! assert!(plan.explain().contains("Aggregate"));
//! ```

mod explain;
mod expr;
mod extract;
mod lint;
mod pattern;
mod plan;
mod planner;
mod scope;

pub use expr::{binary, PlanExpr};
pub use extract::{Extractor, JsonPath, JsonStep};
pub use lint::lint_query;
pub use pattern::{anchor_regex, TextPattern};
pub use plan::{
    AggregateSpec, Columns, Join, JoinKey, JoinTable, LookupTable, Operator, Plan, ReadSpec,
    RowOperator, SortSpec, Subquery, SubqueryTarget, DEFAULT_SUBQUERY_ROWS,
};
pub use planner::{plan_query, METADATA_FIELDS};
pub use scope::{ScopeFilter, Wildcard};
/// The syntax types that plan operators carry.
pub use sumoql_syntax::ast::{BinaryOp, SequenceKind};
