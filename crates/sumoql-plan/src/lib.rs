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

mod context;
mod explain;
mod expr;
mod extract;
mod ip_lookup;
mod lint;
mod pattern;
mod plan;
mod planner;
mod scope;
mod tables;
pub mod threat_intel;

pub use context::{bucket_width_ms, PlanContext, MAX_GENERATED_SLICES, TIME_RANGE_HELP};
pub use expr::{binary, PlanExpr};
pub use extract::{Extractor, JsonPath, JsonStep, XmlPath, XmlPredicate, XmlStep, XmlTarget};
pub use ip_lookup::{IpDatabase, IpDatabaseKind, IpLookup, ASN_VARIABLE, GEOIP_VARIABLE};
pub use lint::lint_query;
pub use pattern::{anchor_regex, anchor_regex_of, AnchorPiece, TextPattern};
pub use plan::{
    AggregateSpec, BinSpec, BoundaryCheck, Columns, Compare, CompareLane, CompareOutput, FilterIn,
    Fringe, GroupFields, Join, JoinKey, JoinTable, LogReduceSpec, LookupTable, Merge, MergeSpec,
    Operator, OutlierFields, OutlierSpec, Plan, Predict, ReadSpec, RowOperator, SaveTable,
    SessionStep, Sessionize, SortSpec, StateCheck, StateOperator, Subquery, SubqueryTarget,
    TableRows, Trace, Transaction, TransactionRows, Transactionize, Withtime,
};
pub use planner::{plan_query, plan_query_with, METADATA_FIELDS};
pub use scope::{matches_stars, ScopeFilter, Wildcard};
/// The syntax types that plan operators carry.
pub use sumoql_syntax::ast::{
    BinaryOp, CompareCombine, MergeStrategy, OutlierDirection, ReduceCriteria, SequenceKind,
};
pub use tables::{Tables, TABLES_VARIABLE};
pub use threat_intel::{ThreatField, ThreatIntel, ThreatLookup, ThreatMode};
