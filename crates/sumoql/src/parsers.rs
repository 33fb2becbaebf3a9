//! Extraction rules for raw lines, Sumo's Field Extraction Rules done locally.
//!
//! A line that is not a JSON object is read raw (`_raw`, plus `_messageTime` and
//! `_sourceHost` from its syslog header). An extraction rule, a row-local pipeline written in
//! the dialect itself (`parse regex`, `csv`, `kv`, `as` assignments…), then turns `_raw` into
//! fields before the user's query sees the record. Rules come built in (`queries/parsers/`,
//! embedded in the binary) or from the user's files.
//!
//! Which rule applies to a line: the `--parser` flag, else the first `[[source]]` mapping of
//! the configuration whose glob matches the input's path, else the vendor the line looks like
//! ([`detect_vendor`]). The `_sourceCategory` comes the same way: `--source-category`, the
//! mapping, else the rule's own category (its `// category:` header line).
//!
//! The normalised schema every firewall rule fills: `src_ip`, `src_port`, `dest_ip`,
//! `dest_port`, `protocol`, `action` (the vendor's word in lower case), `bytes_out`,
//! `bytes_in`, `user`, `app`, `rule`, `process_name` (null on firewalls) and `_messageTime`
//! when the vendor's own time is better than the syslog header's. Vendor fields keep their
//! names. A line a rule cannot parse keeps only `_raw` and its metadata and is counted in the
//! run's warnings, per input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sumoql_exec::{Pipeline, RunOptions, Split};
use sumoql_io::read::{is_raw_line, text_of_line, MetadataOptions, RawLineDecoder, SyslogHeader};
use sumoql_plan::Plan;
use sumoql_value::{Record, Sample, SlotId, SourceField, Value, WarningKind, Warnings};
use thiserror::Error;

use crate::engine::{Engine, Query};

/// The rules shipped with sumoql, by name, with their text.
pub const BUILTIN_RULES: [(&str, &str); 3] = [
    (
        "paloalto",
        include_str!("../../../queries/parsers/paloalto.sumo"),
    ),
    (
        "cisco_asa",
        include_str!("../../../queries/parsers/cisco_asa.sumo"),
    ),
    (
        "fortinet",
        include_str!("../../../queries/parsers/fortinet.sumo"),
    ),
];

/// The name of the configuration file read from the working folder.
pub const CONFIG_FILE_NAME: &str = "sumoql.toml";

/// Fields whose presence shows that a rule parsed a line (at least one must be non-null),
/// unless the rule's `// parsed when: a, b` header line names others.
const PARSED_EVIDENCE: [&str; 3] = ["src_ip", "dest_ip", "action"];

/// Errors loading rules or the configuration.
#[derive(Debug, Error)]
pub enum ParserError {
    /// A rule does not compile.
    #[error("extraction rule `{name}` does not compile: {messages}")]
    Compile {
        /// The rule's name.
        name: String,
        /// The diagnostics, one per line.
        messages: String,
    },
    /// A rule aggregates, sorts or otherwise needs more than one record at a time.
    #[error("extraction rule `{0}` must be row-local (parse, csv, kv, where, as, if…)")]
    NotRowLocal(String),
    /// A parser name that no rule has.
    #[error("unknown parser `{name}` (known: {known})")]
    UnknownParser {
        /// The name asked for.
        name: String,
        /// The rules there are.
        known: String,
    },
    /// A file could not be read.
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, #[source] std::io::Error),
    /// The configuration is not what sumoql expects.
    #[error("{0}: {1}")]
    Config(PathBuf, String),
}

/// One extraction rule: its name, its default category and its compiled pipeline.
#[derive(Clone)]
struct Rule {
    name: String,
    category: Option<String>,
    /// The fields of which one must be non-null for a line to count as parsed.
    evidence: Vec<String>,
    query: Query,
}

/// A `[[source]]` entry of the configuration.
#[derive(Clone, Debug)]
struct SourceMapping {
    glob: String,
    category: Option<String>,
    parser: Option<usize>,
}

/// What applies to the lines of one input.
#[derive(Clone, Debug, Default)]
struct SourceChoice {
    category: Option<String>,
    parser: Option<usize>,
}

/// The extraction rules of a run and how inputs map to them.
#[derive(Clone, Default)]
pub struct ParserSet {
    rules: Vec<Rule>,
    mappings: Vec<SourceMapping>,
    forced_parser: Option<usize>,
    forced_category: Option<String>,
}

impl ParserSet {
    /// The built-in rules ([`BUILTIN_RULES`]), without mappings.
    pub fn builtin(engine: &Engine) -> Result<ParserSet, ParserError> {
        let mut set = ParserSet::default();
        for (name, text) in BUILTIN_RULES {
            set.add_rule(engine, name, text)?;
        }
        Ok(set)
    }

    /// Adds (or replaces) the rule `name` written in `text`.
    pub fn add_rule(&mut self, engine: &Engine, name: &str, text: &str) -> Result<(), ParserError> {
        let query = engine
            .compile(text)
            .map_err(|diagnostics| ParserError::Compile {
                name: name.to_string(),
                messages: diagnostics
                    .iter()
                    .map(|d| d.render(text, name, false))
                    .collect::<Vec<_>>()
                    .join("\n"),
            })?;
        let split = Split::of(&query.plan);
        if split.at != query.plan.operators.len() {
            return Err(ParserError::NotRowLocal(name.to_string()));
        }
        let rule = Rule {
            name: name.to_string(),
            category: header_value(text, "category"),
            evidence: match header_value(text, "parsed when") {
                Some(list) => list.split(',').map(|f| f.trim().to_string()).collect(),
                None => PARSED_EVIDENCE.iter().map(|f| f.to_string()).collect(),
            },
            query,
        };
        match self.rules.iter_mut().find(|r| r.name == name) {
            Some(existing) => *existing = rule,
            None => self.rules.push(rule),
        }
        Ok(())
    }

    /// The names of the rules, in the order they were added.
    pub fn rule_names(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.name.as_str()).collect()
    }

    /// Reads a configuration file: `[parsers]` names rule files (paths relative to the
    /// configuration's folder), and each `[[source]]` maps a `path` glob to a `category`
    /// and a `parser`.
    ///
    /// ```toml
    /// [parsers]
    /// checkpoint = "rules/checkpoint.sumo"
    ///
    /// [[source]]
    /// path = "logs/asa/**"
    /// category = "network/cisco/asa"
    /// parser = "cisco_asa"
    /// ```
    pub fn load_config(&mut self, engine: &Engine, path: &Path) -> Result<(), ParserError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| ParserError::Read(path.to_path_buf(), e))?;
        let bad = |message: String| ParserError::Config(path.to_path_buf(), message);
        let table: toml::Table = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
        for key in table.keys() {
            if key != "parsers" && key != "source" {
                return Err(bad(format!(
                    "unknown key `{key}` (expected [parsers] or [[source]])"
                )));
            }
        }
        let folder = path.parent().unwrap_or(Path::new(""));
        if let Some(parsers) = table.get("parsers") {
            let parsers = parsers
                .as_table()
                .ok_or_else(|| bad("[parsers] must be a table of name = \"file\"".into()))?;
            for (name, file) in parsers {
                let file = file
                    .as_str()
                    .ok_or_else(|| bad(format!("parser `{name}` must name a file")))?;
                let file = folder.join(file);
                let rule = std::fs::read_to_string(&file)
                    .map_err(|e| ParserError::Read(file.clone(), e))?;
                self.add_rule(engine, name, &rule)?;
            }
        }
        if let Some(sources) = table.get("source") {
            let sources = sources
                .as_array()
                .ok_or_else(|| bad("`source` must be an array of tables: [[source]]".into()))?;
            for source in sources {
                let text_of = |key: &str| -> Result<Option<String>, ParserError> {
                    match source.get(key) {
                        None => Ok(None),
                        Some(value) => value
                            .as_str()
                            .map(|s| Some(s.to_string()))
                            .ok_or_else(|| bad(format!("[[source]] `{key}` must be text"))),
                    }
                };
                let glob = text_of("path")?
                    .ok_or_else(|| bad("every [[source]] needs a `path` glob".into()))?;
                let parser = text_of("parser")?
                    .map(|name| self.rule_index(&name))
                    .transpose()?;
                self.mappings.push(SourceMapping {
                    glob,
                    category: text_of("category")?,
                    parser,
                });
            }
        }
        Ok(())
    }

    /// Applies the rule `name` to the raw lines of every input (`--parser`).
    pub fn force_parser(&mut self, name: &str) -> Result<(), ParserError> {
        self.forced_parser = Some(self.rule_index(name)?);
        Ok(())
    }

    /// Gives the raw lines of every input this `_sourceCategory` (`--source-category`).
    pub fn force_category(&mut self, category: &str) {
        self.forced_category = Some(category.to_string());
    }

    fn rule_index(&self, name: &str) -> Result<usize, ParserError> {
        self.rules
            .iter()
            .position(|r| r.name == name)
            .ok_or_else(|| ParserError::UnknownParser {
                name: name.to_string(),
                known: self.rule_names().join(", "),
            })
    }

    /// The category and parser for the input named `source_name`.
    fn choice_for(&self, source_name: &str) -> SourceChoice {
        let mapping = self
            .mappings
            .iter()
            .find(|m| glob_matches_path(&m.glob, source_name));
        SourceChoice {
            category: self
                .forced_category
                .clone()
                .or_else(|| mapping.and_then(|m| m.category.clone())),
            parser: self.forced_parser.or(mapping.and_then(|m| m.parser)),
        }
    }
}

impl std::fmt::Debug for ParserSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParserSet")
            .field("rules", &self.rule_names())
            .field("mappings", &self.mappings)
            .field("forced_parser", &self.forced_parser)
            .field("forced_category", &self.forced_category)
            .finish()
    }
}

/// The value of a `// key: value` line in a rule's leading comments.
fn header_value(text: &str, key: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.starts_with("//") || line.is_empty())
        .filter_map(|line| line.trim_start_matches('/').trim().strip_prefix(key))
        .find_map(|rest| rest.strip_prefix(':'))
        .map(|value| value.trim().to_string())
}

/// The built-in rule a raw line's message (after its syslog header) looks like: PAN-OS CSV
/// (`1,2024/01/02 03:04:05,SERIAL,TRAFFIC,…`), Cisco ASA (`%ASA-6-302013:`), or FortiGate
/// (`date=… devid=…`).
pub fn detect_vendor(body: &str) -> Option<&'static str> {
    if is_panos_csv(body) {
        Some("paloalto")
    } else if is_asa_message(body) {
        Some("cisco_asa")
    } else if is_fortigate_kv(body) {
        Some("fortinet")
    } else {
        None
    }
}

fn is_panos_csv(body: &str) -> bool {
    let mut columns = body.splitn(5, ',');
    let (Some(first), Some(time), Some(_serial), Some(kind)) = (
        columns.next(),
        columns.next(),
        columns.next(),
        columns.next(),
    ) else {
        return false;
    };
    let time = time.as_bytes();
    !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit())
        && time.len() == 19
        && time[4] == b'/'
        && time[7] == b'/'
        && !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_uppercase() || b == b'-')
}

fn is_asa_message(body: &str) -> bool {
    body.match_indices("%ASA-").any(|(at, tag)| {
        let rest = &body[at + tag.len()..];
        let rest = rest.strip_prefix("session-").unwrap_or(rest);
        let bytes = rest.as_bytes();
        bytes.len() >= 8
            && bytes[0].is_ascii_digit()
            && bytes[1] == b'-'
            && bytes[2..8].iter().all(u8::is_ascii_digit)
    })
}

/// FortiGate: a line of `key=value` pairs with a time (`date=` or `eventtime=`) and a device or
/// log id (`devid=`, `logid=`, or FortiAnalyzer's `device_id=`, `log_id=`) among them.
fn is_fortigate_kv(body: &str) -> bool {
    let first_key = body.split([' ', '=']).next().unwrap_or("");
    let is_key = !first_key.is_empty()
        && first_key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && body[first_key.len()..].starts_with('=');
    let has = |key: &str| body.starts_with(key) || body.contains(&format!(" {key}"));
    let timed = has("date=") || has("eventtime=");
    let device = ["devid=", "logid=", "device_id=", "log_id="]
        .into_iter()
        .any(has);
    is_key && timed && device
}

/// Whether `glob` matches the input path `path`: `*` matches within one path segment, `**`
/// across segments, `?` one character. A glob without `/` is matched against the file name
/// only; a relative glob also matches the end of a longer path from a segment start (so
/// `logs/asa/*.log` matches `/srv/logs/asa/fw.log`); a leading `./` on either side is ignored.
pub fn glob_matches_path(glob: &str, path: &str) -> bool {
    let path = path.strip_prefix("./").unwrap_or(path);
    let glob = glob.strip_prefix("./").unwrap_or(glob);
    if glob.starts_with('/') {
        glob_matches(glob.as_bytes(), path.as_bytes())
    } else if glob.contains('/') {
        let segment_starts = std::iter::once(0).chain(path.match_indices('/').map(|(i, _)| i + 1));
        segment_starts
            .into_iter()
            .any(|start| glob_matches(glob.as_bytes(), &path.as_bytes()[start..]))
    } else {
        let name = path.rsplit('/').next().unwrap_or(path);
        glob_matches(glob.as_bytes(), name.as_bytes())
    }
}

fn glob_matches(glob: &[u8], text: &[u8]) -> bool {
    match glob {
        [] => text.is_empty(),
        [b'*', b'*', rest @ ..] => {
            let rest = rest.strip_prefix(b"/").unwrap_or(rest);
            (0..=text.len()).any(|skip| {
                (skip == 0 || text[skip - 1] == b'/' || rest.is_empty())
                    && glob_matches(rest, &text[skip..])
            })
        }
        [b'*', rest @ ..] => (0..=text.len())
            .take_while(|&skip| skip == 0 || text[skip - 1] != b'/')
            .any(|skip| glob_matches(rest, &text[skip..])),
        [b'?', rest @ ..] => text
            .split_first()
            .is_some_and(|(&c, tail)| c != b'/' && glob_matches(rest, tail)),
        [c, rest @ ..] => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && glob_matches(rest, tail)),
    }
}

/// One rule, ready to run in a worker: its decoder, pipeline and which of its fields go to
/// which slot of the user's record.
struct RuleRunner {
    decoder: RawLineDecoder,
    pipeline: Pipeline,
    /// For each of the user's fields, the rule's slot of the same name, if any.
    copies: Vec<Option<SlotId>>,
    /// The rule's fields that show a parse (by slot when the rule names them), and its
    /// `_messageTime`.
    evidence: Vec<(String, Option<SlotId>)>,
    time: Option<SlotId>,
}

/// Lines not parsed in the current chunk, per rule (or none): count, first line, and the
/// vendor the first one looks like.
type Unparsed = BTreeMap<Option<String>, (u64, u64, Option<&'static str>)>;

/// A worker's raw-line path: decodes raw lines, runs the chosen rule on each and copies its
/// fields into records of the user's plan.
pub(crate) struct RawLines {
    set: Arc<ParserSet>,
    decoder: RawLineDecoder,
    fields: Vec<(String, SlotId)>,
    whole_records: bool,
    runners: Vec<RuleRunner>,
    choice: Option<(String, SourceChoice)>,
    unparsed: Unparsed,
}

impl RawLines {
    /// The raw-line path for `plan` with the rules of `set`.
    pub(crate) fn new(
        set: Arc<ParserSet>,
        plan: &Plan,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> RawLines {
        let fields = plan.read.fields.clone();
        let runners = set
            .rules
            .iter()
            .map(|rule| {
                let rule_plan = &rule.query.plan;
                let schema = &rule_plan.schema;
                RuleRunner {
                    decoder: RawLineDecoder::new(
                        &rule_plan.read.fields,
                        schema.len(),
                        metadata.clone(),
                    ),
                    pipeline: Pipeline::new(rule_plan, options.clone()),
                    copies: fields.iter().map(|(name, _)| schema.slot(name)).collect(),
                    evidence: rule
                        .evidence
                        .iter()
                        .map(|name| (name.clone(), schema.slot(name)))
                        .collect(),
                    time: schema.slot("_messageTime"),
                }
            })
            .collect();
        RawLines {
            decoder: RawLineDecoder::new(&fields, plan.schema.len(), metadata.clone()),
            set,
            fields,
            whole_records: plan.read.whole_records,
            runners,
            choice: None,
            unparsed: Unparsed::new(),
        }
    }

    /// What applies to the input named `source_name`, remembered while the input lasts.
    fn choice_for(&mut self, source_name: &str) -> &SourceChoice {
        if self
            .choice
            .as_ref()
            .is_none_or(|(name, _)| name != source_name)
        {
            self.choice = Some((source_name.to_string(), self.set.choice_for(source_name)));
        }
        let (_, choice) = self.choice.get_or_insert_with(Default::default);
        choice
    }

    /// The `_sourceCategory` the mapping (or `--source-category`) gives the input named
    /// `source_name`, else the run's default, for its JSON records that carry none.
    pub(crate) fn category_for(&mut self, source_name: &str) -> Option<String> {
        let default = self.decoder.metadata().source_category.clone();
        self.choice_for(source_name).category.clone().or(default)
    }

    /// Reads `line` of `source_name` raw when it is a raw log line: `None` when it is not one
    /// (no rule applies, no syslog header), so it goes on as a JSON line; `Some(None)` when
    /// it is outside the run's time window.
    pub(crate) fn decode(
        &mut self,
        line: &[u8],
        source_name: &str,
        number: u64,
    ) -> Option<Option<Record>> {
        if !is_raw_line(line) {
            return None;
        }
        let text = text_of_line(line).ok()?;
        let header = self.decoder.header(text);
        let body = text.get(header.body_start..).unwrap_or("");
        let choice = self.choice_for(source_name).clone();
        let detected = detect_vendor(body);
        let rule = choice.parser.or_else(|| {
            detected.and_then(|name| self.set.rules.iter().position(|r| r.name == name))
        });
        let has_header = header.time_ms.is_some() || header.body_start > 0;
        if rule.is_none() && choice.category.is_none() && !has_header {
            return None;
        }
        let category = choice
            .category
            .clone()
            .or_else(|| rule.and_then(|i| self.set.rules.get(i)?.category.clone()));
        let mut record = self
            .decoder
            .decode(text, &header, source_name, category.as_deref());
        let mut time_ms = header
            .time_ms
            .unwrap_or(self.decoder.metadata().receipt_time_ms);
        let parsed = match rule {
            Some(index) => {
                self.apply_rule(index, text, &header, source_name, category, &mut record)
            }
            None => None,
        };
        match parsed {
            Some(rule_time) => time_ms = rule_time.unwrap_or(time_ms),
            None => {
                let rule_name = rule
                    .and_then(|i| self.set.rules.get(i))
                    .map(|r| r.name.clone());
                let entry = self
                    .unparsed
                    .entry(rule_name)
                    .or_insert((0, number, detected));
                entry.0 += 1;
            }
        }
        if !self.decoder.metadata().in_window(time_ms) {
            return Some(None);
        }
        Some(Some(record))
    }

    /// Runs rule `index` over the line and copies its fields into `record`. Returns the
    /// rule's `_messageTime` when it parsed the line, `None` when it did not.
    fn apply_rule(
        &mut self,
        index: usize,
        text: &str,
        header: &SyslogHeader,
        source_name: &str,
        category: Option<String>,
        record: &mut Record,
    ) -> Option<Option<i64>> {
        let runner = self.runners.get_mut(index)?;
        let input = runner
            .decoder
            .decode(text, header, source_name, category.as_deref());
        runner.pipeline.push(input);
        // Warnings of rules (casts, dates) are about the vendor's text, not the user's query.
        runner.pipeline.take_warnings();
        let output = runner.pipeline.take_output().into_iter().next()?;
        let parsed = runner
            .evidence
            .iter()
            .any(|(name, slot)| !rule_field(&output, *slot, name).is_null());
        if !parsed {
            return None;
        }
        for ((name, user_slot), rule_slot) in self.fields.iter().zip(&runner.copies) {
            let value = rule_field(&output, *rule_slot, name);
            if !value.is_null() {
                record.set(*user_slot, value);
            }
        }
        if self.whole_records {
            let schema = &self.set.rules[index].query.plan.schema;
            whole_record_fields(&output, schema, &self.fields, record);
        }
        let time = runner.time.and_then(|slot| match output.get(slot) {
            Value::Int(ms) => Some(*ms),
            _ => None,
        });
        Some(time)
    }

    /// Counts the lines of the chunk just read that no rule parsed, one sample per input and
    /// rule, and starts afresh.
    pub(crate) fn report(&mut self, source_name: &str, warnings: &mut Warnings) {
        for (rule, (count, first, looks_like)) in std::mem::take(&mut self.unparsed) {
            warnings.add_many_with_sample(WarningKind::UnparsedRawLine, count, || {
                let lines = format!("{source_name}: {count} line(s)");
                let Some(rule) = rule else {
                    let before =
                        format!("{lines} of no known vendor and no mapped parser (first at line ");
                    return Sample::at_line(&before, first, ")");
                };
                let hint = looks_like
                    .filter(|vendor| *vendor != rule)
                    .map(|vendor| format!("; they look like {vendor} lines"))
                    .unwrap_or_default();
                let before = format!("{lines} not parsed by rule {rule} (first at line ");
                Sample::at_line(&before, first, &format!("){hint}"))
            });
        }
    }
}

/// A field of a rule's output: from its slot when the rule names the field, else from the
/// fields it made without naming them (`kv auto`); null when absent.
fn rule_field(output: &Record, slot: Option<SlotId>, name: &str) -> Value {
    match slot {
        Some(slot) => output.get(slot).clone(),
        None => output
            .source
            .iter()
            .find_map(|field| match field {
                SourceField::Extra(key, value) if &**key == name => Some(value.clone()),
                _ => None,
            })
            .unwrap_or(Value::Null),
    }
}

/// For queries that output whole records: every non-null field the rule made, in the rule's
/// order, as the record's source fields (the user's own fields by slot).
fn whole_record_fields(
    output: &Record,
    schema: &sumoql_value::Schema,
    fields: &[(String, SlotId)],
    record: &mut Record,
) {
    let add = |name: &str, value: &Value, record: &mut Record| {
        if value.is_null() || name.starts_with('_') {
            return;
        }
        match fields.iter().find(|(n, _)| n == name) {
            Some((_, slot)) => record.source.push(SourceField::Slot(*slot)),
            None => record
                .source
                .push(SourceField::Extra(Arc::from(name), value.clone())),
        }
    };
    for (slot, name) in schema.iter() {
        add(name, output.get(slot), record);
    }
    for field in &output.source {
        if let SourceField::Extra(name, value) = field {
            add(name, value, record);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors_are_detected_from_the_message() {
        assert_eq!(
            detect_vendor("1,2018/11/30 16:09:07,012801096514,TRAFFIC,end,2049"),
            Some("paloalto")
        );
        assert_eq!(
            detect_vendor("%ASA-session-5-106100: access-list acl_in permitted"),
            Some("cisco_asa")
        );
        assert_eq!(
            detect_vendor("date=2020-04-23 time=01:16:08 devname=\"x\" devid=\"y\""),
            Some("fortinet")
        );
        assert_eq!(
            detect_vendor("devname=\"fw\" devid=\"FG2\" vd=\"root\" date=2021-05-07"),
            Some("fortinet")
        );
        assert_eq!(detect_vendor("date= desc=\"x\""), None);
        assert_eq!(detect_vendor("user=x date=1 devidx=2"), None);
        assert_eq!(detect_vendor("%ASA-x"), None);
        assert_eq!(detect_vendor("1,2,3,4"), None);
        assert_eq!(detect_vendor(""), None);
    }

    #[test]
    fn globs_match_segments_and_file_names() {
        assert!(glob_matches_path("logs/asa/*.log", "logs/asa/fw1.log"));
        assert!(!glob_matches_path("logs/asa/*.log", "logs/asa/old/fw1.log"));
        assert!(glob_matches_path("logs/**/*.log", "logs/asa/old/fw1.log"));
        assert!(glob_matches_path("logs/**/*.log", "./logs/fw1.log"));
        assert!(glob_matches_path("logs/**", "logs/a/b"));
        assert!(glob_matches_path("*.log", "any/where/fw?.log"));
        assert!(glob_matches_path("fw?.log", "x/fw1.log"));
        assert!(!glob_matches_path("fw?.log", "x/fw12.log"));
        assert!(!glob_matches_path("pan*", "x/asa.log"));
        assert!(glob_matches_path("logs/asa/*.log", "/srv/logs/asa/fw.log"));
        assert!(!glob_matches_path(
            "logs/asa/*.log",
            "/srv/oldlogs/asa/fw.log"
        ));
        assert!(glob_matches_path("/srv/**/*.log", "/srv/logs/asa/fw.log"));
        assert!(!glob_matches_path("/srv/*.log", "/other/srv/fw.log"));
    }

    #[test]
    fn rule_headers_give_the_category() {
        let text = "// parser: x\n// category: network/x\n// parsed when: a, b\n*";
        assert_eq!(header_value(text, "category").as_deref(), Some("network/x"));
        assert_eq!(header_value(text, "parsed when").as_deref(), Some("a, b"));
        assert_eq!(header_value(text, "missing"), None);
    }

    /// Every prefix of real vendor lines (cut at each character, multibyte ones included)
    /// goes through header parsing, detection and the rules without a panic, and comes out
    /// as one record.
    #[test]
    fn truncated_and_odd_lines_never_panic() {
        let samples = [
            "<166>Mar 10 2026 10:00:00 asa : %ASA-6-302013: Built outbound TCP connection 1 for o:203.0.113.50/445 (203.0.113.50/445) to i:10.2.2.7/5 (198.51.100.7/5)(LOCAL\\bö)",
            "Nov 30 16:09:08 PA-220 1,2018/11/30 16:09:07,0128,TRAFFIC,end,2049,2018/11/30 16:09:07,192.168.15.207,175.16.199.1,,,r,ü,,app",
            "<189>date=2020-04-23 time=01:16:08 devid=\"x\" logid=\"1\" srcip=10.0.0.1 msg=\"a \\\"q\\\" é\" tz=\"-0500\"",
            "<34>1 2024-03-04T10:15:02.123Z h a p m [x y=\"\\]\"] Mär 10 ☃",
        ];
        let mut lines = Vec::new();
        for sample in samples {
            for (index, _) in sample.char_indices().skip(1) {
                lines.push(&sample[..index]);
            }
        }
        let engine = Engine::new();
        let query = engine.compile("* | fields _raw, src_ip, action").unwrap();
        let config = crate::RunConfig {
            parsers: Some(Arc::new(ParserSet::builtin(&engine).unwrap())),
            ..crate::RunConfig::default()
        };
        let result = crate::run_lines(&query, &lines, &config).unwrap();
        let malformed = result.summary.warnings.count(WarningKind::MalformedLine);
        assert_eq!(result.rows.len() as u64 + malformed, lines.len() as u64);
    }

    #[test]
    fn every_builtin_rule_compiles_and_is_row_local() {
        let set = ParserSet::builtin(&Engine::new()).unwrap();
        assert_eq!(set.rule_names(), ["paloalto", "cisco_asa", "fortinet"]);
        let mut with_bad = set.clone();
        let error = with_bad
            .add_rule(&Engine::new(), "agg", "* | count by src_ip")
            .unwrap_err();
        assert!(error.to_string().contains("row-local"), "{error}");
        assert!(with_bad.force_parser("nope").is_err());
    }
}
