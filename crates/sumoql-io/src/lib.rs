//! Reading logs into records and writing result rows.
//!
//! Readers ([`read`]) turn NDJSON lines (from files, folders, gzip and stdin) into
//! [`Record`](sumoql_value::Record)s, extracting only the fields a plan reads. Writers
//! ([`write`]) turn result rows into a table, NDJSON, JSON or CSV.

pub mod read;
pub mod write;
