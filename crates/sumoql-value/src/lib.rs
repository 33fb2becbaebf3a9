//! The leaf crate of sumoql: the [`Value`] every stage computes with, the [`Record`] that flows
//! through a pipeline, and the rules Sumo Logic applies when text meets numbers.
//!
//! Every value read from a log is text (DESIGN D6); numbers come from computation. Comparison
//! casts numeric text when the other side is a number, and sorting puts null first, then numbers,
//! then text in byte order (D18).
//!
//! ```
//! use sumoql_value::Value;
//! use std::cmp::Ordering;
//!
//! let port = Value::text("21");
//! assert_eq!(port.compare(&Value::Int(21)), Some(Ordering::Equal));
//! assert_eq!(port.compare(&Value::text("021")), Some(Ordering::Greater));
//! assert_eq!(Value::Null.compare(&port), None);
//! ```

mod json;
pub mod limits;
mod number;
mod order;
mod record;
pub mod time;
mod value;
mod warning;

pub use json::write_json_string;
pub use number::{format_float, parse_number, Number};
pub use order::{
    compare_group_keys, hash_group_key, hash_group_value, sort_prefix, text_sort_prefix,
    GroupHasher, GroupKey,
};
pub use record::{Record, Schema, SlotId, SourceField};
pub use value::Value;
pub use warning::{Sample, WarningKind, Warnings, WARNING_SAMPLES};
