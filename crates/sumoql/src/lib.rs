//! sumoql runs Sumo Logic-style pipe queries over logs on disk.
//!
//! Each arrow below is one public function, and each stage lives in its own crate:
//!
//! ```text
//! query text ──parse──▶ AST ──plan──▶ Plan ──execute──▶ rows ──write──▶ table / ndjson / json / csv
//!                                     ▲
//! log files ──read──▶ records ────────┘
//! ```
//!
//! - parse: [`sumoql_syntax::parse_query`]
//! - plan: [`sumoql_plan::plan_query`]
//! - read: [`sumoql_io::read`]
//! - execute: [`sumoql_exec::Pipeline`]
//! - write: [`sumoql_io::write`]
//!
//! [`Engine::compile`] does parse and plan; [`run`] reads, executes and writes. Lines that
//! are not JSON (firewall syslog) become records through extraction rules written in the
//! dialect, given to a run as a [`ParserSet`] (see `queries/parsers/`).
//!
//! ```
//! use sumoql::{Engine, RunConfig, run_lines};
//!
//! let engine = Engine::new();
//! let query = engine.compile("_sourceCategory=fw | where port = \"21\" | count by src").unwrap();
//! let lines = [
//!     r#"{"_sourceCategory":"fw","port":21,"src":"10.0.0.1"}"#,
//!     r#"{"_sourceCategory":"fw","port":"22","src":"10.0.0.1"}"#,
//! ];
//! let result = run_lines(&query, &lines, &RunConfig::default()).unwrap();
//! assert_eq!(result.rows.len(), 1);
//! assert_eq!(result.rows[0].1[1].to_string(), "1");
//! ```

mod detect;
mod engine;
mod memory;
mod output;
mod parsers;
mod passes;
mod progress;
mod rule;
mod run;
mod scan;
mod sigma;
mod yaml;

pub use detect::{alert_json, detect, AlertSink, DetectSummary};
pub use engine::{Engine, Query};
pub use memory::{run_in_memory, Held, InMemoryLogs};
pub use output::{ColumnNames, OutputColumns, Row};
pub use parsers::{
    glob_matches_path, ExtractionRule, ParserError, ParserSet, SourceChoice, BUILTIN_RULES,
    CONFIG_FILE_NAME, SNIFF_BYTES,
};
pub use passes::REREAD_HOLD_BYTES;
pub use progress::Progress;
pub use rule::{
    find_rule_files, load_rules, Confidence, Mitre, MitreEntry, Rule, RuleError, RuleFile,
    RuleMetadata, RuleSeverity, METADATA_KEYS,
};
pub use run::{default_threads, run, run_lines, LinesResult, RunConfig, RunError, RunSummary};
pub use scan::{CHUNKS_IN_FLIGHT_PER_WORKER, CHUNK_BYTES};
pub use sigma::{sigma_to_rule, Refusal, SigmaConversion, SigmaError, SigmaMapping};
pub use sumoql_value::limits::{self, Limit, LIMITS};
pub use yaml::YamlError;

pub use sumoql_exec::NullGroups;
pub use sumoql_io::read::{expand_paths, is_raw_line, json_members, text_of_line, InputSource};
pub use sumoql_io::write::{writer, Format, RowWriter, TableOptions, TableWriter};
pub use sumoql_plan::{PlanContext, Tables, TABLES_VARIABLE};
pub use sumoql_syntax::{
    did_you_mean, format_query, operator_doc, refusal_reason, Diagnostic, OperatorDoc, Severity,
    OPERATOR_DOCS,
};
pub use sumoql_value::time::{parse_duration_ms, parse_time_arg, Zone};
pub use sumoql_value::{Value, WarningKind, Warnings};
