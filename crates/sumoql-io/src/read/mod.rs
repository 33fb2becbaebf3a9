//! Readers: where log lines come from ([`source`]) and how a line becomes a record
//! ([`json_line`], [`metadata`]; [`raw_line`] and [`syslog`] for lines that are not JSON).

mod intern;
mod json_line;
mod json_scan;
mod json_text;
mod key_table;
mod line_index;
mod metadata;
mod raw_line;
mod source;
mod syslog;

pub use json_line::{text_of_line, LineDecoder, LineError, LineGuard, RawText};
pub use json_text::{json_element, json_member, json_members, JsonText};
pub use metadata::MetadataOptions;
pub use raw_line::{is_raw_line, RawLineDecoder};
pub use source::{
    expand_paths, Compression, InputSource, PlainFile, ReadError, LOG_EXTENSIONS, LOG_FILE_NAMES,
};
pub use syslog::{parse_header, SyslogHeader};
