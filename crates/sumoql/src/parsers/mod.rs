//! Extraction rules for raw lines, Sumo's Field Extraction Rules done locally.
//!
//! In Sumo every message is text. A line that is not a JSON object is read raw: `_raw` holds
//! the line, and its syslog header, when it has one, gives `_messageTime` and `_sourceHost`.
//! An extraction rule, a row-local pipeline written in the dialect itself (`parse regex`,
//! `csv`, `kv`, `as` assignments…), then turns `_raw` into fields before the user's query
//! sees the record. Rules come built in (`queries/parsers/`, embedded in the binary) or from
//! the user's files ([`config`]). A line no rule applies to stays a record of its text, so
//! keywords and `parse` work on any log.
//!
//! Which rule applies to a line: the `--parser` flag, else the first `[[source]]` mapping of
//! the configuration whose glob matches the input's path, else the first rule whose
//! `// detect:` patterns all match the message after the syslog header
//! ([`ParserSet::detect`]). The `_sourceCategory` comes the same way: `--source-category`, the
//! mapping, else the rule's own category (its `// category:` header line).
//!
//! The normalised schema every firewall rule fills: `src_ip`, `src_port`, `dest_ip`,
//! `dest_port`, `protocol`, `action` (the vendor's word in lower case), `action_class`
//! (`allowed` or `blocked` as that word means, else null), `bytes_out`, `bytes_in`, `user`,
//! `app`, `rule`, `process_name` (null on firewalls) and `_messageTime` when the vendor's own
//! time is better than the syslog header's. Vendor fields keep their
//! names. A line its rule cannot parse keeps only `_raw` and its metadata and is counted in
//! the run's warnings, per input.

mod config;
mod json_rules;
mod overlay;
mod raw_lines;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use regex::Regex;
use sumoql_exec::{RunOptions, Split};
use sumoql_io::read::MetadataOptions;
use sumoql_plan::Plan;
use sumoql_value::SlotId;
use thiserror::Error;

use crate::engine::{Engine, Query};

pub use config::glob_matches_path;
use config::SourceMapping;
use json_rules::JsonRules;
use overlay::Overlay;
use raw_lines::RawLines;

/// The rules shipped with sumoql, by name, with their text. Detection tries them in this
/// order.
pub const BUILTIN_RULES: [(&str, &str); 6] = [
    (
        "paloalto",
        include_str!("../../../../queries/parsers/paloalto.sumo"),
    ),
    (
        "cisco_asa",
        include_str!("../../../../queries/parsers/cisco_asa.sumo"),
    ),
    (
        "fortinet",
        include_str!("../../../../queries/parsers/fortinet.sumo"),
    ),
    (
        "linux_auth",
        include_str!("../../../../queries/parsers/linux_auth.sumo"),
    ),
    (
        "bind",
        include_str!("../../../../queries/parsers/bind.sumo"),
    ),
    (
        "sysmon",
        include_str!("../../../../queries/parsers/sysmon.sumo"),
    ),
];

/// How much of the start of an input is looked at to tell whether a rule that reads JSON
/// (Sysmon, say) applies to it: 64 KiB. An input whose events of that kind all come later
/// needs `--parser` or a mapping.
pub const SNIFF_BYTES: usize = 64 << 10;

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
    /// A `// detect:` pattern that is not a regular expression.
    #[error(
        "extraction rule `{name}`: `// detect: {pattern}` is not a regular expression: {message}"
    )]
    Detect {
        /// The rule's name.
        name: String,
        /// The pattern as written.
        pattern: String,
        /// Why it does not compile.
        message: String,
    },
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

/// One extraction rule: its name, header lines and compiled pipeline.
#[derive(Clone)]
pub struct ExtractionRule {
    name: String,
    category: Option<String>,
    evidence: Vec<String>,
    detect: Vec<Regex>,
    reads_json: bool,
    text: Arc<str>,
    /// The compiled rule, made when first asked for and shared by the set's clones.
    query: Arc<OnceLock<Result<Query, ParserError>>>,
}

/// Compiles rule `name` of `text`, which must be row-local.
fn compile_rule(engine: &Engine, name: &str, text: &str) -> Result<Query, ParserError> {
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
    Ok(query)
}

impl ExtractionRule {
    /// The rule `name` of `text` as its header lines describe it, not yet compiled.
    fn from_headers(name: &str, text: &str) -> Result<ExtractionRule, ParserError> {
        let detect = header_values(text, "detect")
            .map(|pattern| {
                Regex::new(&pattern).map_err(|error| ParserError::Detect {
                    name: name.to_string(),
                    message: error.to_string(),
                    pattern,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(ExtractionRule {
            detect,
            ..ExtractionRule::undetected(name, text)
        })
    }

    /// The rule `name` of `text` without its `// detect:` lines.
    fn undetected(name: &str, text: &str) -> ExtractionRule {
        ExtractionRule {
            name: name.to_string(),
            category: header_values(text, "category").next(),
            evidence: match header_values(text, "parsed when").next() {
                Some(list) => list.split(',').map(|f| f.trim().to_string()).collect(),
                None => PARSED_EVIDENCE.iter().map(|f| f.to_string()).collect(),
            },
            detect: Vec::new(),
            reads_json: header_values(text, "reads").any(|value| value == "json"),
            text: Arc::from(text),
            query: Arc::default(),
        }
    }

    /// The rule's name (`--parser NAME`, `parser = "NAME"` in a mapping).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `_sourceCategory` its records get unless the input's mapping gives one.
    pub fn category(&self) -> Option<&str> {
        self.category.as_deref()
    }

    /// The fields of which one must be non-null for a line to count as parsed.
    pub fn evidence(&self) -> &[String] {
        &self.evidence
    }

    /// Whether the rule normalises JSON records (its `// reads: json` line) rather than
    /// parsing raw lines.
    pub fn reads_json(&self) -> bool {
        self.reads_json
    }

    /// The regular expressions a message (the line after its syslog header) must all match
    /// for this rule to be chosen by detection; for a rule that reads JSON, what the first
    /// [`SNIFF_BYTES`] of an input must match. Empty when the rule is never detected.
    pub fn detect_patterns(&self) -> impl Iterator<Item = &str> {
        self.detect.iter().map(Regex::as_str)
    }

    /// Whether detection chooses this rule for `message`.
    pub fn detects(&self, message: &str) -> bool {
        !self.detect.is_empty() && self.detect.iter().all(|pattern| pattern.is_match(message))
    }

    /// The compiled rule, compiled on the first call (a rule added with
    /// [`ParserSet::add_rule`] was compiled then).
    pub fn query(&self) -> Result<&Query, &ParserError> {
        self.query
            .get_or_init(|| compile_rule(&Engine::new(), &self.name, &self.text))
            .as_ref()
    }
}

/// What applies to the lines of one input: its mapping's, or the forced, category and rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChoice {
    /// The `_sourceCategory` of its raw lines and of its JSON records that carry none.
    pub category: Option<String>,
    /// The index of the rule its lines are read with, in [`ParserSet::rules`]; `None` leaves
    /// raw lines to detection.
    pub parser: Option<usize>,
}

/// The extraction rules of a run and how inputs map to them.
#[derive(Clone, Default)]
pub struct ParserSet {
    rules: Vec<ExtractionRule>,
    mappings: Vec<SourceMapping>,
    forced_parser: Option<usize>,
    forced_category: Option<String>,
}

impl ParserSet {
    /// The built-in rules ([`BUILTIN_RULES`]), without mappings. Each is compiled the first
    /// time a line needs it, so a run over JSON alone pays for none.
    pub fn builtin() -> ParserSet {
        let mut set = ParserSet::default();
        for (name, text) in BUILTIN_RULES {
            set.insert(
                ExtractionRule::from_headers(name, text).unwrap_or_else(|_| {
                    // The built-in headers always read (a unit test holds them to it); a rule
                    // whose headers did not would be one that detection never chooses.
                    ExtractionRule::undetected(name, text)
                }),
            );
        }
        set
    }

    /// The built-in rules, shared by every run of the process that gives no others.
    pub fn shared_builtin() -> Arc<ParserSet> {
        static BUILTIN: OnceLock<Arc<ParserSet>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Arc::new(ParserSet::builtin()))
            .clone()
    }

    /// Adds (or replaces) the rule `name` written in `text`, compiled now so that its errors
    /// show before any line is read.
    pub fn add_rule(&mut self, engine: &Engine, name: &str, text: &str) -> Result<(), ParserError> {
        let rule = ExtractionRule::from_headers(name, text)?;
        let query = compile_rule(engine, name, text)?;
        let _ = rule.query.set(Ok(query));
        self.insert(rule);
        Ok(())
    }

    fn insert(&mut self, rule: ExtractionRule) {
        match self.rules.iter_mut().find(|r| r.name == rule.name) {
            Some(existing) => *existing = rule,
            None => self.rules.push(rule),
        }
    }

    /// The rules, in detection order.
    pub fn rules(&self) -> &[ExtractionRule] {
        &self.rules
    }

    /// The names of the rules, in the order they were added.
    pub fn rule_names(&self) -> Vec<&str> {
        self.rules.iter().map(|r| r.name.as_str()).collect()
    }

    /// The index of the first rule of raw lines whose `// detect:` patterns all match
    /// `message`, the line after its syslog header.
    pub fn detect(&self, message: &str) -> Option<usize> {
        self.rules
            .iter()
            .position(|rule| !rule.reads_json && rule.detects(message))
    }

    /// The rule that normalises the JSON records of the input named `source_name`, whose
    /// first bytes are `head` (at most [`SNIFF_BYTES`] of them are looked at): the input's
    /// `--parser` or mapping when that names a rule that reads JSON, else the first such rule
    /// whose `// detect:` patterns all match the head.
    pub fn json_rule_for(&self, source_name: &str, head: &[u8]) -> Option<usize> {
        let reads_json = |index: &usize| self.rules.get(*index).is_some_and(|r| r.reads_json);
        if let Some(parser) = self.choice_for(source_name).parser {
            return Some(parser).filter(reads_json);
        }
        if !self.rules.iter().any(|rule| rule.reads_json) {
            return None;
        }
        let head = &head[..head.len().min(SNIFF_BYTES)];
        let text = String::from_utf8_lossy(head);
        self.rules
            .iter()
            .position(|rule| rule.reads_json && rule.detects(&text))
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

    /// The category and rule for the input named `source_name`: `--source-category` and
    /// `--parser` when given, else its mapping's.
    pub fn choice_for(&self, source_name: &str) -> SourceChoice {
        let mapping = self.mappings.iter().find(|m| m.matches(source_name));
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

/// A worker's share of the extraction rules: the path of lines that are not JSON objects,
/// and the path of JSON records a rule normalises.
pub(crate) struct Extraction {
    /// Raw lines and their rules.
    pub(crate) raw: RawLines,
    /// JSON records and the rules that read them.
    pub(crate) json: JsonRules,
}

impl Extraction {
    /// The rules of `set` for records like those of `plan`'s decoder.
    pub(crate) fn for_plan(
        set: Arc<ParserSet>,
        plan: &Plan,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> Extraction {
        let overlay = Overlay {
            fields: plan.read.fields.clone(),
            whole_records: plan.read.whole_records,
        };
        Extraction::new(set, overlay, plan.schema.len(), metadata, options)
    }

    /// The rules of `set` for records of `width` slots holding `fields` (and, with
    /// `whole_records`, every other field a rule makes).
    pub(crate) fn for_fields(
        set: Arc<ParserSet>,
        fields: &[(String, SlotId)],
        whole_records: bool,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> Extraction {
        let overlay = Overlay {
            fields: fields.to_vec(),
            whole_records,
        };
        Extraction::new(set, overlay, fields.len(), metadata, options)
    }

    fn new(
        set: Arc<ParserSet>,
        overlay: Overlay,
        width: usize,
        metadata: &MetadataOptions,
        options: &RunOptions,
    ) -> Extraction {
        Extraction {
            raw: RawLines::new(set.clone(), overlay.clone(), width, metadata, options),
            json: JsonRules::new(set, overlay, metadata, options),
        }
    }
}

/// A worker's runners of a set's rules, each made the first time a line needs its rule (and
/// the rule compiled then, when it was not before).
pub(super) struct Runners<R> {
    set: Arc<ParserSet>,
    made: Vec<Option<R>>,
}

impl<R> Runners<R> {
    fn new(set: Arc<ParserSet>) -> Runners<R> {
        let made = set.rules.iter().map(|_| None).collect();
        Runners { set, made }
    }

    /// The runner of rule `index`, made by `make` from the rule and its compiled query on the
    /// first call; `None` when there is no such rule or it does not compile.
    fn get(
        &mut self,
        index: usize,
        make: impl FnOnce(&ExtractionRule, &Query) -> R,
    ) -> Option<(&ExtractionRule, &mut R)> {
        let rule = self.set.rules.get(index)?;
        let slot = self.made.get_mut(index)?;
        if slot.is_none() {
            *slot = Some(make(rule, rule.query().ok()?));
        }
        Some((rule, slot.as_mut()?))
    }
}

/// The values of the `// key: value` lines in a rule's leading comments, in order.
fn header_values<'t>(text: &'t str, key: &'t str) -> impl Iterator<Item = String> + 't {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.starts_with("//") || line.is_empty())
        .filter_map(move |line| line.trim_start_matches('/').trim().strip_prefix(key))
        .filter_map(|rest| rest.strip_prefix(':'))
        .map(|value| value.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(message: &str) -> Option<&'static str> {
        let set = ParserSet::builtin();
        let index = set.detect(message)?;
        BUILTIN_RULES.get(index).map(|(name, _)| *name)
    }

    #[test]
    fn vendors_are_detected_from_the_message() {
        assert_eq!(
            detected("1,2018/11/30 16:09:07,012801096514,TRAFFIC,end,2049"),
            Some("paloalto")
        );
        assert_eq!(
            detected("%ASA-session-5-106100: access-list acl_in permitted"),
            Some("cisco_asa")
        );
        assert_eq!(
            detected(
                "%FTD-6-302013: Built inbound TCP connection 1 for a:10.0.0.1/5 to b:10.0.0.2/6"
            ),
            Some("cisco_asa")
        );
        assert_eq!(
            detected(
                "931201168,2021-10-22T16:10:10.000000Z,no-serial,GLOBALPROTECT,globalprotect,9.1"
            ),
            Some("paloalto")
        );
        assert_eq!(
            detected("date=2020-04-23 time=01:16:08 devname=\"x\" devid=\"y\""),
            Some("fortinet")
        );
        assert_eq!(
            detected("devname=\"fw\" devid=\"FG2\" vd=\"root\" date=2021-05-07"),
            Some("fortinet")
        );
        assert_eq!(
            detected("sshd[4021]: Failed password for root from 203.0.113.5 port 4 ssh2"),
            Some("linux_auth")
        );
        assert_eq!(
            detected("named[88]: client @0x7f 10.0.0.5#5353 (a.example.com): query: a.example.com IN A + (10.0.0.1)"),
            Some("bind")
        );
        assert_eq!(detected("date= desc=\"x\""), None);
        assert_eq!(detected("user=x date=1 devidx=2"), None);
        assert_eq!(detected("%ASA-x"), None);
        assert_eq!(
            detected("%FDT-6-113004: AAA user accounting Successful"),
            None
        );
        assert_eq!(detected("1,2,3,4"), None);
        assert_eq!(detected("GET /index.html HTTP/1.1"), None);
        assert_eq!(detected(""), None);
    }

    #[test]
    fn rule_headers_give_the_category_and_detection() {
        let text = "// parser: x\n// category: network/x\n// parsed when: a, b\n// detect: ^a\n// detect: b$\n*";
        assert_eq!(
            header_values(text, "category").next().as_deref(),
            Some("network/x")
        );
        assert_eq!(
            header_values(text, "parsed when").next().as_deref(),
            Some("a, b")
        );
        assert_eq!(
            header_values(text, "detect").collect::<Vec<_>>(),
            ["^a", "b$"]
        );
        assert_eq!(header_values(text, "missing").next(), None);
        let mut set = ParserSet::default();
        set.add_rule(&Engine::new(), "x", text).unwrap();
        assert!(set.rules()[0].detects("a b"));
        assert!(!set.rules()[0].detects("a c"));
        let error = set
            .add_rule(&Engine::new(), "y", "// detect: (\n*")
            .unwrap_err();
        assert!(error.to_string().contains("`// detect: (`"), "{error}");
    }

    #[test]
    fn every_builtin_rule_compiles_and_is_row_local() {
        let set = ParserSet::builtin();
        for rule in set.rules() {
            assert!(
                rule.query().is_ok(),
                "{}: {:?}",
                rule.name(),
                rule.query().err()
            );
        }
        assert_eq!(
            set.rule_names(),
            [
                "paloalto",
                "cisco_asa",
                "fortinet",
                "linux_auth",
                "bind",
                "sysmon"
            ]
        );
        assert!(set
            .rules()
            .iter()
            .all(|rule| rule.detect_patterns().count() > 0));
        let mut with_bad = set.clone();
        let error = with_bad
            .add_rule(&Engine::new(), "agg", "* | count by src_ip")
            .unwrap_err();
        assert!(error.to_string().contains("row-local"), "{error}");
        assert!(with_bad.force_parser("nope").is_err());
    }
}
