//! Sigma rules to rules in this dialect (`sumoql sigma`).
//!
//! Each search identifier of `detection` becomes a boolean expression: a map ANDs its field
//! conditions, a list of maps ORs them, a list of plain values searches `_raw` for each. A
//! field's list of values is ORed (ANDed with the `all` modifier). Values match without regard
//! to case, as in Sigma: `matches` is case-sensitive, so both sides are lower-cased:
//!
//! | Sigma | here |
//! | --- | --- |
//! | `field: value` | `toLowerCase(field) matches "value"` (Sigma's `*` wildcards kept) |
//! | `field\|contains: v` | `toLowerCase(field) matches "*v*"` |
//! | `field\|startswith: v` / `endswith` | `toLowerCase(field) matches "v*"` / `"*v"` |
//! | `field\|re: x` | `field matches /x/` (case-sensitive, as Sigma's regular expressions) |
//! | `field\|cidr: net` | `cidrMatch(field, "net")` |
//! | `field: null` | `isNull(field)` |
//!
//! The `condition` (`and`, `or`, `not`, parentheses, `1 of sel*`, `all of them`) joins them in
//! one `where`. The scope comes from the mapping file's `logsources` (by
//! `product/service`, `product/category`, `product`, `category`), else `*`; field names go
//! through its `fields` map. The metadata block carries title, description, level as
//! severity, false positives, references, author and tags.

use thiserror::Error;

use crate::rule::RuleSeverity;
use crate::yaml::{parse_yaml, Yaml, YamlError};

/// A Sigma rule that cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SigmaError {
    /// Not readable YAML.
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// Readable, but not a rule this converter handles.
    #[error("{0}")]
    Unsupported(String),
}

fn unsupported(message: impl Into<String>) -> SigmaError {
    SigmaError::Unsupported(message.into())
}

/// How Sigma names map to this dialect's: field renames and scopes per log source.
#[derive(Clone, Debug, Default)]
pub struct SigmaMapping {
    fields: Vec<(String, String)>,
    logsources: Vec<(String, String)>,
}

impl SigmaMapping {
    /// Reads a mapping file:
    ///
    /// ```yaml
    /// fields:
    ///   SourceIp: src_ip
    /// logsources:
    ///   linux/sshd: _sourceCategory=linux/auth*
    /// ```
    pub fn parse(text: &str) -> Result<SigmaMapping, SigmaError> {
        let yaml = parse_yaml(text)?;
        let pairs = |key: &str| -> Vec<(String, String)> {
            match yaml.get(key) {
                Some(Yaml::Map(entries)) => entries
                    .iter()
                    .filter_map(|(k, v)| v.text().map(|v| (k.clone(), v.to_string())))
                    .collect(),
                _ => Vec::new(),
            }
        };
        Ok(SigmaMapping {
            fields: pairs("fields"),
            logsources: pairs("logsources"),
        })
    }

    fn field<'a>(&'a self, name: &'a str) -> &'a str {
        self.fields
            .iter()
            .find(|(from, _)| from == name)
            .map_or(name, |(_, to)| to.as_str())
    }

    fn scope(&self, logsource: Option<&Yaml>) -> String {
        let part = |key: &str| logsource.and_then(|l| l.get(key)).and_then(Yaml::text);
        let (product, service, category) = (part("product"), part("service"), part("category"));
        let candidates = [
            product.zip(service).map(|(p, s)| format!("{p}/{s}")),
            product.zip(category).map(|(p, c)| format!("{p}/{c}")),
            product.map(str::to_string),
            category.map(str::to_string),
        ];
        candidates
            .into_iter()
            .flatten()
            .find_map(|key| {
                self.logsources
                    .iter()
                    .find(|(source, _)| *source == key)
                    .map(|(_, scope)| scope.clone())
            })
            .unwrap_or_else(|| "*".to_string())
    }
}

/// `text` on one line, runs of white space made one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` as a string literal of the dialect.
fn string_literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A field name as the dialect writes it: bare when it is a plain name, else `%"..."`.
fn field_reference(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        name.to_string()
    } else {
        format!("%{}", string_literal(name))
    }
}

/// Joins `parts` with `op`, parenthesised when there are several.
fn join(parts: Vec<String>, op: &str) -> String {
    match parts.len() {
        0 => "true".to_string(),
        1 => parts.into_iter().next().unwrap_or_default(),
        _ => format!("({})", parts.join(&format!(" {op} "))),
    }
}

/// One field condition: `field|modifiers: value(s)`.
fn field_condition(key: &str, value: &Yaml, mapping: &SigmaMapping) -> Result<String, SigmaError> {
    let mut parts = key.split('|');
    let name = parts.next().unwrap_or_default();
    let field = field_reference(mapping.field(name));
    let mut shape = "";
    let mut all = false;
    for modifier in parts {
        match modifier {
            "contains" | "startswith" | "endswith" | "re" | "cidr" if shape.is_empty() => {
                shape = modifier;
            }
            "all" => all = true,
            other => {
                return Err(unsupported(format!(
                    "`{key}`: the modifier `{other}` is not supported"
                )))
            }
        }
    }
    let one = |value: &Yaml| -> Result<String, SigmaError> {
        let text = match value {
            Yaml::Null => return Ok(format!("isNull({field})")),
            Yaml::Scalar(text) => text,
            _ => {
                return Err(unsupported(format!(
                    "`{key}`: expected a value or a list of values"
                )))
            }
        };
        Ok(match shape {
            "contains" => folded_match(&field, &format!("*{text}*")),
            "startswith" => folded_match(&field, &format!("{text}*")),
            "endswith" => folded_match(&field, &format!("*{text}")),
            "re" => format!("{field} matches /{}/", text.replace('/', "\\/")),
            "cidr" => format!("cidrMatch({field}, {})", string_literal(text)),
            _ => folded_match(&field, text),
        })
    };
    match value {
        Yaml::List(values) => {
            let parts = values.iter().map(one).collect::<Result<Vec<_>, _>>()?;
            Ok(join(parts, if all { "and" } else { "or" }))
        }
        other => one(other),
    }
}

/// `field` matched against a wildcard pattern without regard to case.
fn folded_match(field: &str, pattern: &str) -> String {
    format!(
        "toLowerCase({field}) matches {}",
        string_literal(&pattern.to_lowercase())
    )
}

/// One search identifier's expression.
fn search(name: &str, value: &Yaml, mapping: &SigmaMapping) -> Result<String, SigmaError> {
    match value {
        Yaml::Map(entries) => {
            let parts = entries
                .iter()
                .map(|(key, value)| field_condition(key, value, mapping))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(join(parts, "and"))
        }
        Yaml::List(items) => {
            let parts = items
                .iter()
                .map(|item| match item {
                    Yaml::Map(_) => search(name, item, mapping),
                    Yaml::Scalar(keyword) => Ok(folded_match("_raw", &format!("*{keyword}*"))),
                    _ => Err(unsupported(format!(
                        "`{name}`: an item is neither a map nor a value"
                    ))),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(join(parts, "or"))
        }
        Yaml::Scalar(keyword) => Ok(folded_match("_raw", &format!("*{keyword}*"))),
        Yaml::Null => Err(unsupported(format!("`{name}` is empty"))),
    }
}

/// The condition parser: `or` of `and` of `not`/atoms.
struct Condition<'a> {
    tokens: Vec<&'a str>,
    at: usize,
    searches: &'a [(String, String)],
}

impl<'a> Condition<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.at).copied()
    }

    fn next(&mut self) -> Option<&'a str> {
        let token = self.tokens.get(self.at).copied();
        self.at += 1;
        token
    }

    fn or(&mut self) -> Result<String, SigmaError> {
        let mut parts = vec![self.and()?];
        while self.peek().is_some_and(|t| t.eq_ignore_ascii_case("or")) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(join(parts, "or"))
    }

    fn and(&mut self) -> Result<String, SigmaError> {
        let mut parts = vec![self.not()?];
        while self.peek().is_some_and(|t| t.eq_ignore_ascii_case("and")) {
            self.at += 1;
            parts.push(self.not()?);
        }
        Ok(join(parts, "and"))
    }

    fn not(&mut self) -> Result<String, SigmaError> {
        if self.peek().is_some_and(|t| t.eq_ignore_ascii_case("not")) {
            self.at += 1;
            return Ok(format!("!({})", self.not()?));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<String, SigmaError> {
        let token = self
            .next()
            .ok_or_else(|| unsupported("the condition ends too early"))?;
        if token == "(" {
            let inner = self.or()?;
            return match self.next() {
                Some(")") => Ok(inner),
                _ => Err(unsupported("a `(` in the condition is not closed")),
            };
        }
        let quantifier = if token == "1" || token.eq_ignore_ascii_case("any") {
            Some("or")
        } else if token.eq_ignore_ascii_case("all") {
            Some("and")
        } else {
            None
        };
        if let Some(op) = quantifier {
            if !self.next().is_some_and(|t| t.eq_ignore_ascii_case("of")) {
                return Err(unsupported(format!("expected `of` after `{token}`")));
            }
            let pattern = self
                .next()
                .ok_or_else(|| unsupported("`of` needs a name pattern"))?;
            let parts: Vec<String> = self
                .searches
                .iter()
                .filter(|(name, _)| pattern == "them" || wildcard_match(pattern, name))
                .map(|(_, expr)| expr.clone())
                .collect();
            if parts.is_empty() {
                return Err(unsupported(format!("`{pattern}` names no search")));
            }
            return Ok(join(parts, op));
        }
        self.searches
            .iter()
            .find(|(name, _)| name == token)
            .map(|(_, expr)| expr.clone())
            .ok_or_else(|| {
                unsupported(format!(
                    "the condition names `{token}`, which `detection` does not define"
                ))
            })
    }
}

/// Whether `name` matches `pattern`, whose `*` stands for any text.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => name.strip_prefix(head).is_some_and(|rest| {
            (0..=rest.len())
                .filter(|&at| rest.is_char_boundary(at))
                .any(|at| wildcard_match(tail, &rest[at..]))
        }),
    }
}

fn tokens(condition: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (at, c) in condition.char_indices() {
        if c.is_whitespace() || c == '(' || c == ')' {
            if let Some(from) = start.take() {
                tokens.push(&condition[from..at]);
            }
            if c != ' ' && !c.is_whitespace() {
                tokens.push(&condition[at..at + 1]);
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(from) = start {
        tokens.push(&condition[from..]);
    }
    tokens
}

/// Converts a Sigma rule's text into a rule file of this dialect (metadata block and query).
pub fn sigma_to_rule(text: &str, mapping: &SigmaMapping) -> Result<String, SigmaError> {
    let rule = parse_yaml(text)?;
    let detection = rule
        .get("detection")
        .ok_or_else(|| unsupported("the rule has no `detection`"))?;
    let Yaml::Map(entries) = detection else {
        return Err(unsupported("`detection` is not a map"));
    };
    let mut searches = Vec::new();
    let mut condition_text = None;
    for (name, value) in entries {
        match name.as_str() {
            "condition" => condition_text = Some(value.texts()),
            "timeframe" => {
                return Err(unsupported(
                    "`timeframe` (aggregating rules) is not supported",
                ))
            }
            _ => searches.push((name.clone(), search(name, value, mapping)?)),
        }
    }
    let conditions = condition_text.ok_or_else(|| unsupported("`detection` has no `condition`"))?;
    let mut wheres = Vec::new();
    for condition in &conditions {
        if condition.contains('|') {
            return Err(unsupported(
                "aggregations in the condition (`| count() ...`) are not supported",
            ));
        }
        let mut parser = Condition {
            tokens: tokens(condition),
            at: 0,
            searches: &searches,
        };
        let expr = parser.or()?;
        if let Some(extra) = parser.peek() {
            return Err(unsupported(format!(
                "unexpected `{extra}` in the condition"
            )));
        }
        wheres.push(expr);
    }
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
    let severity = RuleSeverity::from_name(level)
        .ok_or_else(|| unsupported(format!("`level: {level}` is not a Sigma level")))?;
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
    out.push_str(&mapping.scope(rule.get("logsource")));
    out.push('\n');
    out.push_str(&format!("| where {}\n", join(wheres, "or")));
    Ok(out)
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
        let text = sigma_to_rule(SIGMA, &mapping).expect("converts");
        assert!(text.ends_with(
            "_sourceCategory=linux/process\n| where (((toLowerCase(process_path) matches \"*/curl\" or toLowerCase(process_path) matches \"*/wget\") and (toLowerCase(CommandLine) matches \"*http*\" and toLowerCase(CommandLine) matches \"*| sh*\")) and !(toLowerCase(User) matches \"root\"))\n"
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
        ];
        let result = crate::run_lines(&query, &lines, &RunConfig::default()).expect("runs");
        assert_eq!(result.rows.len(), 1);
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
        let modifier = SIGMA.replace("Image|endswith", "Image|base64offset");
        assert!(sigma_to_rule(&modifier, &mapping).is_err());
    }
}
