//! Threat intelligence from a local indicator file the user names (`--threat-intel FILE`, else
//! `$SUMOQL_THREAT_INTEL`), for `threatip` and `threatlookup`. The file takes any of the three
//! formats Sumo's threat intelligence upload takes:
//!
//! - CSV, one indicator a row: `id, indicator, type, source, validFrom, validUntil, confidence,
//!   threatType, actors, killChain` (a first row starting `id,indicator` is a header);
//! - normalized JSON, `{"indicators": [{"id", "indicator", "type", "source", "validFrom", …}]}`;
//! - STIX 2.1 JSON: indicator objects with a `pattern`, as an array, a bundle's `objects`, or
//!   `{"source": …, "indicators": […]}`. A pattern is one or more comparisons `[OBJECT:PATH =
//!   'value']` joined by `OR` (`ipv4-addr:value`, `domain-name:value`, `url:value`,
//!   `file:hashes.'SHA-256'`, …), each an indicator; a pattern with any other operator (`AND`,
//!   `!=`, `MATCHES`, `FOLLOWEDBY`, …) cannot be matched against one field and is skipped, with
//!   a warning at run time.
//!
//! Values match by kind: addresses (`ipv4-addr`, `ipv6-addr`) as addresses (`010.0.0.1` is not
//! one, `::ffff:0:1` is `::ffff:0:1`), domain names, e-mail addresses, file hashes and names,
//! MAC addresses and user accounts without regard to case, URLs and the rest exactly.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};
use sumoql_value::time::{parse_timestamp_ms, Zone};

/// The environment variable naming the indicator file.
pub const THREAT_INTEL_VARIABLE: &str = "SUMOQL_THREAT_INTEL";

/// How the user names the indicator file, for errors and help.
pub const THREAT_INTEL_HELP: &str = "help: name an indicator file (CSV, normalized JSON or STIX 2.1 JSON) with `--threat-intel FILE` or $SUMOQL_THREAT_INTEL";

/// One indicator of compromise, in Sumo's normalized form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Indicator {
    /// Its identifier (`indicator--…`).
    pub id: String,
    /// The value matched: an address, a domain, a URL, a hash…
    pub value: String,
    /// Its type as the file gives it (`ipv4-addr`, `ipv4-addr:value`, `url`); for a STIX
    /// pattern, the object type of the comparison (`ipv4-addr`, `file`).
    pub kind: String,
    /// Who published it.
    pub source: Option<String>,
    /// When it becomes valid, in epoch seconds.
    pub valid_from: Option<i64>,
    /// When it stops being valid, in epoch seconds.
    pub valid_until: Option<i64>,
    /// The publisher's confidence, 0 to 100.
    pub confidence: Option<i64>,
    /// What it indicates (`malicious-activity`, `anonymization`…).
    pub threat_type: Option<String>,
    /// The threat actors, comma-separated.
    pub actors: Option<String>,
    /// The kill chain phases, comma-separated.
    pub kill_chain: Option<String>,
    /// Further properties, as a JSON object's text.
    pub fields: Option<String>,
    /// When it was created, in epoch seconds (a STIX object's `created`).
    pub imported: Option<i64>,
    /// When it was last modified, in epoch seconds (a STIX object's `modified`).
    pub updated: Option<i64>,
}

impl Indicator {
    /// Whether it is an IP address, the one kind `threatip` matches.
    pub fn is_ip(&self) -> bool {
        matches!(object_type(&self.kind), "ipv4-addr" | "ipv6-addr")
    }

    /// The key it is found under.
    fn key(&self) -> String {
        match object_type(&self.kind) {
            "ipv4-addr" | "ipv6-addr" => match self.value.trim().parse::<IpAddr>() {
                Ok(address) => format!("ip:{address}"),
                Err(_) => format!("cs:{}", self.value),
            },
            "domain-name" | "email-addr" | "file" | "mac-addr" | "user-account" | "process" => {
                format!("ci:{}", self.value.to_lowercase())
            }
            _ => format!("cs:{}", self.value),
        }
    }

    /// The indicator as one compact JSON object of its normalized fields (`threatip`'s
    /// `raw_threat`).
    pub fn to_json(&self) -> String {
        let mut object = Map::new();
        let mut put = |key: &str, value: Json| {
            if !value.is_null() {
                object.insert(key.to_string(), value);
            }
        };
        put("id", Json::from(self.id.clone()));
        put("indicator", Json::from(self.value.clone()));
        put("type", Json::from(self.kind.clone()));
        put("source", self.source.clone().into());
        put("valid_from", self.valid_from.into());
        put("valid_until", self.valid_until.into());
        put("confidence", self.confidence.into());
        put("threat_type", self.threat_type.clone().into());
        put("actors", self.actors.clone().into());
        put("kill_chain", self.kill_chain.clone().into());
        Json::Object(object).to_string()
    }

    /// The order `singleIndicator` and `threatip` choose by: highest confidence first, then
    /// the most recently updated (else valid from); the earlier in the file wins a tie.
    fn rank(&self) -> (i64, i64) {
        (
            self.confidence.unwrap_or(-1),
            self.updated.or(self.valid_from).unwrap_or(i64::MIN),
        )
    }
}

/// The object type of an indicator type: `ipv4-addr` of `ipv4-addr:value`.
fn object_type(kind: &str) -> &str {
    kind.split(':').next().unwrap_or(kind).trim()
}

/// The indicators of one file, indexed by value.
#[derive(Debug)]
pub struct ThreatIntel {
    /// The file they were read from.
    pub file: PathBuf,
    /// Every indicator, in file order.
    pub indicators: Vec<Indicator>,
    /// The ids of the entries whose pattern could not be read, skipped.
    pub skipped: Vec<String>,
    by_key: HashMap<String, Vec<usize>>,
}

impl ThreatIntel {
    /// Reads the indicator file at `file`: JSON when it starts with `[` or `{`, else CSV.
    pub fn open(file: &Path) -> Result<ThreatIntel, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read the indicator file {}: {e}", file.display()))?;
        let fail = |why: String| format!("the indicator file {} {why}", file.display());
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        let default_source = file
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned());
        let (indicators, skipped) = if trimmed.starts_with(['[', '{']) {
            let json: Json = serde_json::from_str(trimmed)
                .map_err(|e| fail(format!("is not valid JSON: {e}")))?;
            read_json(&json, default_source).map_err(fail)?
        } else {
            (read_csv(trimmed).map_err(fail)?, Vec::new())
        };
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, indicator) in indicators.iter().enumerate() {
            by_key.entry(indicator.key()).or_default().push(index);
        }
        Ok(ThreatIntel {
            file: file.to_path_buf(),
            indicators,
            skipped,
            by_key,
        })
    }

    /// The indicators whose value is `value`, in file order.
    pub fn matches(&self, value: &str) -> Vec<&Indicator> {
        let mut keys = vec![
            format!("ci:{}", value.to_lowercase()),
            format!("cs:{value}"),
        ];
        if let Ok(address) = value.trim().parse::<IpAddr>() {
            keys.push(format!("ip:{address}"));
        }
        let mut found: Vec<usize> = keys
            .iter()
            .filter_map(|key| self.by_key.get(key))
            .flatten()
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &self.indicators[i]).collect()
    }

    /// The best of `candidates` by confidence, then recency, then file order.
    pub fn best<'a>(candidates: &[&'a Indicator]) -> Option<&'a Indicator> {
        candidates
            .iter()
            .copied()
            .rev()
            .max_by_key(|indicator| indicator.rank())
    }
}

/// What a threat stage matches and gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThreatMode {
    /// `threatip`: the best IP indicator, one row per record.
    Ip,
    /// `threatlookup`: every matching indicator, a row each (one row of nulls when none
    /// matches), or with `singleIndicator` only the best; from one source when named.
    Lookup {
        /// Whether only the best match is given.
        single: bool,
        /// The only source searched (matched without regard to case).
        source: Option<String>,
    },
}

/// A field a threat stage writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreatField {
    /// `threatip`'s `actor`: the indicator's actors.
    Actor,
    /// `threatip`'s `malicious_confidence`: the confidence as Sumo's threat dashboards name it
    /// (85 and up `high`, 50 `medium`, 15 `low`, else `unverified`).
    MaliciousConfidence,
    /// `threatip`'s `raw_threat`: the whole indicator as JSON.
    RawThreat,
    /// The indicator's type (`threatip`'s `type`, `_threatlookup.type`).
    Type,
    /// `_threatlookup.actors`.
    Actors,
    /// `_threatlookup.confidence`.
    Confidence,
    /// `_threatlookup.fields`.
    Fields,
    /// `_threatlookup.id`.
    Id,
    /// `_threatlookup.imported`.
    Imported,
    /// `_threatlookup.indicator`.
    Indicator,
    /// `_threatlookup.kill_chain`.
    KillChain,
    /// `_threatlookup.num_matches`: how many indicators matched (with `singleIndicator`).
    NumMatches,
    /// `_threatlookup.source`.
    Source,
    /// `_threatlookup.threat_type`.
    ThreatType,
    /// `_threatlookup.updated`.
    Updated,
    /// `_threatlookup.valid_from`.
    ValidFrom,
    /// `_threatlookup.valid_until`.
    ValidUntil,
}

impl ThreatField {
    /// The fields `threatip` writes, in the order of its page.
    pub const THREATIP: [ThreatField; 4] = [
        ThreatField::Actor,
        ThreatField::MaliciousConfidence,
        ThreatField::RawThreat,
        ThreatField::Type,
    ];

    /// The fields `threatlookup` writes, in the order of its page (`num_matches` only with
    /// `singleIndicator`).
    pub const THREATLOOKUP: [ThreatField; 14] = [
        ThreatField::Actors,
        ThreatField::Confidence,
        ThreatField::Fields,
        ThreatField::Id,
        ThreatField::Imported,
        ThreatField::Indicator,
        ThreatField::KillChain,
        ThreatField::NumMatches,
        ThreatField::Source,
        ThreatField::ThreatType,
        ThreatField::Type,
        ThreatField::Updated,
        ThreatField::ValidFrom,
        ThreatField::ValidUntil,
    ];

    /// The field's name after `threatip`, or after `_threatlookup.`.
    pub fn name(self) -> &'static str {
        match self {
            ThreatField::Actor => "actor",
            ThreatField::MaliciousConfidence => "malicious_confidence",
            ThreatField::RawThreat => "raw_threat",
            ThreatField::Type => "type",
            ThreatField::Actors => "actors",
            ThreatField::Confidence => "confidence",
            ThreatField::Fields => "fields",
            ThreatField::Id => "id",
            ThreatField::Imported => "imported",
            ThreatField::Indicator => "indicator",
            ThreatField::KillChain => "kill_chain",
            ThreatField::NumMatches => "num_matches",
            ThreatField::Source => "source",
            ThreatField::ThreatType => "threat_type",
            ThreatField::Updated => "updated",
            ThreatField::ValidFrom => "valid_from",
            ThreatField::ValidUntil => "valid_until",
        }
    }

    /// The field's value for `indicator`, one of `matches` indicators that matched. Text is
    /// text; the confidence, the times (epoch seconds) and the count are numbers.
    pub fn value(self, indicator: &Indicator, matches: usize) -> sumoql_value::Value {
        use sumoql_value::Value;
        let text = |text: &Option<String>| text.as_ref().map_or(Value::Null, Value::text);
        let number = |n: Option<i64>| n.map_or(Value::Null, Value::Int);
        match self {
            ThreatField::Actor | ThreatField::Actors => text(&indicator.actors),
            ThreatField::MaliciousConfidence => match indicator.confidence {
                Some(c) if c >= 85 => Value::text("high"),
                Some(c) if c >= 50 => Value::text("medium"),
                Some(c) if c >= 15 => Value::text("low"),
                Some(_) => Value::text("unverified"),
                None => Value::Null,
            },
            ThreatField::RawThreat => Value::text(indicator.to_json()),
            ThreatField::Type => Value::text(&indicator.kind),
            ThreatField::Confidence => number(indicator.confidence),
            ThreatField::Fields => text(&indicator.fields),
            ThreatField::Id => Value::text(&indicator.id),
            ThreatField::Imported => number(indicator.imported),
            ThreatField::Indicator => Value::text(&indicator.value),
            ThreatField::KillChain => text(&indicator.kill_chain),
            ThreatField::NumMatches => Value::Int(matches as i64),
            ThreatField::Source => text(&indicator.source),
            ThreatField::ThreatType => text(&indicator.threat_type),
            ThreatField::Updated => number(indicator.updated),
            ThreatField::ValidFrom => number(indicator.valid_from),
            ThreatField::ValidUntil => number(indicator.valid_until),
        }
    }
}

/// A planned `threatip` or `threatlookup`: the indicators, the field looked up, and each
/// field written with its slot.
#[derive(Clone, Debug)]
pub struct ThreatLookup {
    /// The indicator file's contents.
    pub intel: std::sync::Arc<ThreatIntel>,
    /// The field holding the indicator.
    pub field: sumoql_value::SlotId,
    /// What is matched and given.
    pub mode: ThreatMode,
    /// Each field written and its slot.
    pub outputs: Vec<(ThreatField, sumoql_value::SlotId)>,
}

impl ThreatLookup {
    /// The indicators matching `value` that this stage considers, in file order.
    pub fn candidates(&self, value: &str) -> Vec<&Indicator> {
        let mut found = self.intel.matches(value);
        match &self.mode {
            ThreatMode::Ip => found.retain(|indicator| indicator.is_ip()),
            ThreatMode::Lookup {
                source: Some(source),
                ..
            } => found.retain(|indicator| {
                indicator
                    .source
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(source))
            }),
            ThreatMode::Lookup { .. } => {}
        }
        found
    }
}

/// An RFC 3339 time as epoch seconds.
fn epoch_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    parse_timestamp_ms(text, &Zone::default()).map(|ms| ms.div_euclid(1000))
}

/// Text that is not blank.
fn present(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// The indicators of a CSV file in the column order of Sumo's upload format.
fn read_csv(text: &str) -> Result<Vec<Indicator>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut indicators = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("cannot be read as CSV: {e}"))?;
        let cell = |i: usize| record.get(i).unwrap_or("");
        let is_header = index == 0
            && cell(0).trim().eq_ignore_ascii_case("id")
            && cell(1).trim().eq_ignore_ascii_case("indicator");
        if is_header || record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if present(cell(1)).is_none() || present(cell(2)).is_none() {
            return Err(format!(
                "has a row without an indicator and its type at line {} (the columns are id, indicator, type, source, validFrom, validUntil, confidence, threatType, actors, killChain)",
                record.position().map_or(index as u64 + 1, |p| p.line())
            ));
        }
        indicators.push(Indicator {
            id: cell(0).trim().to_string(),
            value: cell(1).trim().to_string(),
            kind: cell(2).trim().to_string(),
            source: present(cell(3)),
            valid_from: epoch_seconds(cell(4)),
            valid_until: epoch_seconds(cell(5)),
            confidence: cell(6).trim().parse().ok(),
            threat_type: present(cell(7)),
            actors: present(cell(8)),
            kill_chain: present(cell(9)),
            ..Indicator::default()
        });
    }
    Ok(indicators)
}

/// The indicators of a JSON file: normalized (`{"indicators": [...]}` without patterns) or
/// STIX (objects with a `pattern`); also the ids of STIX indicators skipped.
fn read_json(
    json: &Json,
    default_source: Option<String>,
) -> Result<(Vec<Indicator>, Vec<String>), String> {
    let (entries, file_source) = match json {
        Json::Array(entries) => (entries, None),
        Json::Object(object) => {
            let entries = object
                .get("indicators")
                .or_else(|| object.get("objects"))
                .and_then(Json::as_array)
                .ok_or("has neither an `indicators` nor an `objects` array")?;
            (entries, object.get("source").and_then(Json::as_str))
        }
        _ => return Err("is neither a JSON array nor an object".to_string()),
    };
    let mut indicators = Vec::new();
    let mut skipped = Vec::new();
    for entry in entries {
        let Some(object) = entry.as_object() else {
            return Err("holds an entry that is not a JSON object".to_string());
        };
        let text = |key: &str| object.get(key).and_then(Json::as_str).map(str::to_string);
        if let Some(pattern) = object.get("pattern").and_then(Json::as_str) {
            let source = text("source")
                .or(file_source.map(str::to_string))
                .or(default_source.clone());
            match stix_comparisons(pattern) {
                Some(comparisons) => {
                    for (kind, value) in comparisons {
                        indicators.push(stix_indicator(object, kind, value, source.clone()));
                    }
                }
                None => skipped.push(text("id").unwrap_or_default()),
            }
            continue;
        }
        if object.get("type").and_then(Json::as_str).is_some() && object.get("indicator").is_none()
        {
            // A STIX object other than an indicator (an identity, a relationship…).
            continue;
        }
        indicators.push(normalized_indicator(object, file_source)?);
    }
    Ok((indicators, skipped))
}

/// A property that may be a string or a list of strings, as comma-separated text.
fn listed(value: Option<&Json>) -> Option<String> {
    match value? {
        Json::String(text) => present(text),
        Json::Array(items) => {
            let items: Vec<&str> = items.iter().filter_map(Json::as_str).collect();
            (!items.is_empty()).then(|| items.join(","))
        }
        _ => None,
    }
}

/// An entry of a normalized JSON file.
fn normalized_indicator(
    object: &Map<String, Json>,
    file_source: Option<&str>,
) -> Result<Indicator, String> {
    let get = |keys: &[&str]| keys.iter().find_map(|key| object.get(*key));
    let text = |keys: &[&str]| get(keys).and_then(Json::as_str).and_then(present);
    let time = |keys: &[&str]| get(keys).and_then(Json::as_str).and_then(epoch_seconds);
    let (Some(value), Some(kind)) = (text(&["indicator"]), text(&["type"])) else {
        return Err("holds an indicator without `indicator` and `type`".to_string());
    };
    Ok(Indicator {
        id: text(&["id"]).unwrap_or_default(),
        value,
        kind,
        source: text(&["source"]).or(file_source.map(str::to_string)),
        valid_from: time(&["validFrom", "valid_from"]),
        valid_until: time(&["validUntil", "valid_until"]),
        confidence: get(&["confidence"]).and_then(Json::as_i64),
        threat_type: listed(get(&["threatType", "threat_type"])),
        actors: listed(get(&["actors"])),
        kill_chain: listed(get(&["killChain", "kill_chain"])),
        fields: get(&["fields"]).map(Json::to_string),
        imported: time(&["imported"]),
        updated: time(&["updated"]),
    })
}

/// The STIX properties an indicator maps to fields of its own; the others go to `fields`.
const STIX_MAPPED: [&str; 13] = [
    "type",
    "spec_version",
    "id",
    "pattern",
    "pattern_type",
    "pattern_version",
    "created",
    "modified",
    "confidence",
    "valid_from",
    "valid_until",
    "indicator_types",
    "kill_chain_phases",
];

/// One comparison of a STIX indicator as an indicator.
fn stix_indicator(
    object: &Map<String, Json>,
    kind: String,
    value: String,
    source: Option<String>,
) -> Indicator {
    let text = |key: &str| object.get(key).and_then(Json::as_str);
    let time = |key: &str| text(key).and_then(epoch_seconds);
    let phases: Vec<&str> = object
        .get("kill_chain_phases")
        .and_then(Json::as_array)
        .map(|phases| {
            phases
                .iter()
                .filter_map(|phase| phase.get("phase_name").and_then(Json::as_str))
                .collect()
        })
        .unwrap_or_default();
    let others: Map<String, Json> = object
        .iter()
        .filter(|(key, _)| !STIX_MAPPED.contains(&key.as_str()) && key.as_str() != "source")
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    Indicator {
        id: text("id").unwrap_or_default().to_string(),
        value,
        kind,
        source,
        valid_from: time("valid_from"),
        valid_until: time("valid_until"),
        confidence: object.get("confidence").and_then(Json::as_i64),
        threat_type: listed(object.get("indicator_types")),
        actors: None,
        kill_chain: (!phases.is_empty()).then(|| phases.join(",")),
        fields: (!others.is_empty()).then(|| Json::Object(others).to_string()),
        imported: time("created"),
        updated: time("modified"),
    }
}

/// The (object type, value) of each comparison of a STIX pattern made of `[PATH = 'value']`
/// comparisons joined by `OR`, inside and between brackets; `None` for any other pattern.
///
/// ```
/// use sumoql_plan::threat_intel::stix_comparisons;
/// assert_eq!(
///     stix_comparisons("[ipv4-addr:value = '192.0.2.0'] OR [domain-name:value = 'x.example']"),
///     Some(vec![("ipv4-addr".into(), "192.0.2.0".into()), ("domain-name".into(), "x.example".into())])
/// );
/// assert_eq!(
///     stix_comparisons("[file:hashes.'SHA-256' = 'ab12' OR file:hashes.MD5 = 'cd34']").map(|c| c.len()),
///     Some(2)
/// );
/// assert_eq!(stix_comparisons("[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 80]"), None);
/// ```
pub fn stix_comparisons(pattern: &str) -> Option<Vec<(String, String)>> {
    let mut rest = pattern.trim();
    let mut found = Vec::new();
    let mut in_brackets = false;
    loop {
        if !in_brackets {
            rest = rest.strip_prefix('[')?.trim_start();
            in_brackets = true;
        }
        let (path, after) = rest.split_once('=')?;
        let path = path.trim();
        if path.is_empty() || path.ends_with(['!', '<', '>']) || !path.contains(':') {
            return None;
        }
        let (value, after) = quoted(after.trim_start())?;
        let kind = path.split(':').next()?.trim().to_string();
        found.push((kind, value));
        rest = after.trim_start();
        if let Some(after) = rest.strip_prefix(']') {
            in_brackets = false;
            rest = after.trim_start();
            if rest.is_empty() {
                return Some(found);
            }
        }
        rest = strip_keyword(rest, "OR")?;
    }
}

/// `text` after a leading keyword (any case) and the blanks after it.
fn strip_keyword<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    let after = &text[word.len()..];
    (head.eq_ignore_ascii_case(word) && after.starts_with(char::is_whitespace))
        .then(|| after.trim_start())
}

/// A STIX string literal `'...'` (with `\'` and `\\` escapes) at the start of `text`, and the
/// text after it.
fn quoted(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?.1),
            '\'' => return Some((value, &body[at + 1..])),
            _ => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intel(text: &str, name: &str) -> ThreatIntel {
        let dir = std::env::temp_dir().join(format!("sumoql-intel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        ThreatIntel::open(&file).unwrap()
    }

    #[test]
    fn csv_rows_follow_sumos_upload_columns() {
        let intel = intel(
            "0001,192.0.2.0,ipv4-addr:value,FreeTAXII,2023-02-21T12:00:00.00Z,2025-05-21T12:00:00.00Z,30,malicious-activity,,\n\
             0002,Bad.Example,domain-name,FreeTAXII,,,90,anonymization,actor3,reconnaissance\n",
            "a.csv",
        );
        assert_eq!(intel.indicators.len(), 2);
        let first = &intel.indicators[0];
        assert_eq!(first.valid_from, Some(1_676_980_800));
        assert_eq!(first.confidence, Some(30));
        assert_eq!(first.actors, None);
        assert!(first.is_ip());
        assert_eq!(intel.matches("192.0.2.0").len(), 1);
        assert_eq!(intel.matches("bad.example")[0].id, "0002");
        assert!(intel.matches("192.0.2.00").is_empty());
    }

    #[test]
    fn stix_objects_become_one_indicator_per_comparison() {
        let intel = intel(
            r#"{"type":"bundle","objects":[
                {"type":"identity","id":"identity--1","name":"x"},
                {"type":"indicator","id":"indicator--1","pattern":"[url:value = 'http://a.example/x'] OR [ipv4-addr:value = '198.51.100.7']","valid_from":"2024-01-01T00:00:00Z","confidence":70,"indicator_types":["malicious-activity"],"name":"two"},
                {"type":"indicator","id":"indicator--2","pattern":"[ipv4-addr:value = '198.51.100.8' AND network-traffic:dst_port = 80]"}
            ]}"#,
            "feed.json",
        );
        assert_eq!(intel.indicators.len(), 2);
        assert_eq!(intel.skipped, ["indicator--2"]);
        assert_eq!(intel.indicators[1].source.as_deref(), Some("feed"));
        assert_eq!(
            intel.indicators[1].fields.as_deref(),
            Some(r#"{"name":"two"}"#)
        );
        assert!(intel.matches("HTTP://a.example/x").is_empty());
        assert_eq!(intel.matches("http://a.example/x").len(), 1);
    }

    #[test]
    fn the_best_match_has_the_highest_confidence_then_the_latest_update() {
        let low = Indicator {
            confidence: Some(10),
            ..Indicator::default()
        };
        let high_old = Indicator {
            id: "old".into(),
            confidence: Some(80),
            updated: Some(1),
            ..Indicator::default()
        };
        let high_new = Indicator {
            id: "new".into(),
            confidence: Some(80),
            updated: Some(2),
            ..Indicator::default()
        };
        let best = ThreatIntel::best(&[&low, &high_old, &high_new]).unwrap();
        assert_eq!(best.id, "new");
        let twin = Indicator {
            id: "twin".into(),
            ..high_old.clone()
        };
        let tie = ThreatIntel::best(&[&high_old, &twin]).unwrap();
        assert_eq!(tie.id, "old");
    }
}
