//! Readers: where log lines come from ([`source`]) and how a line becomes a record
//! ([`json_line`], [`metadata`]).

mod intern;
mod json_line;
mod json_scan;
mod json_text;
mod metadata;
mod source;

pub use json_line::{LineDecoder, LineError};
pub use json_text::{json_element, json_member, json_members, JsonText};
pub use metadata::MetadataOptions;
pub use source::{expand_paths, InputSource, ReadError};
