//! The executor: runs a [`Plan`](sumoql_plan::Plan) as a [`Pipeline`] of [`Stage`]s. Records
//! are pushed in one at a time; streaming stages pass them on at once, blocking ones
//! (aggregation, sort) emit at [`Stage::finish`].
//!
//! ```
//! use sumoql_exec::{Pipeline, RunOptions};
//! use sumoql_functions::Registry;
//! use sumoql_plan::plan_query;
//! use sumoql_syntax::parse_query;
//! use sumoql_value::{Record, Value};
//!
//! let query = parse_query("* | where port = \"21\" | count").unwrap();
//! let plan = plan_query(&query, &Registry::standard()).unwrap();
//! let mut pipeline = Pipeline::new(&plan, RunOptions::default());
//! let port = plan.schema.slot("port").unwrap();
//! for p in ["21", "22", "21"] {
//!     let mut record = Record::with_width(plan.schema.len());
//!     record.set(port, Value::text(p));
//!     pipeline.push(record);
//! }
//! let rows = pipeline.finish();
//! let count = plan.schema.slot("_count").unwrap();
//! assert_eq!(rows[0].get(count), &Value::Int(2));
//! ```

mod guard;
mod pipeline;
mod stages;

pub use guard::EarlyGuard;
pub use pipeline::{EarlyFilter, NullGroups, Pipeline, RunOptions, Split};
pub use stages::{AggregateStage, Stage};
