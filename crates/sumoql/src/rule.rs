//! Detection rules: a `.sumo` file whose leading `// key: value` comment block holds the
//! rule's metadata, followed by the query text (the format is described in docs/rules.md).
//!
//! ```
//! use sumoql::{Rule, RuleSeverity};
//!
//! let text = "// id: demo\n// title: Demo\n// severity: high\n// tags: demo, network\n* | count\n";
//! let rule = Rule::parse(text).unwrap();
//! assert_eq!(rule.metadata.id, "demo");
//! assert_eq!(rule.metadata.severity, RuleSeverity::High);
//! assert_eq!(rule.metadata.tags, ["demo", "network"]);
//! assert_eq!(rule.query_text(), "* | count\n");
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// How bad a detection's finding is, from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleSeverity {
    /// Worth knowing, not worth acting on.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl RuleSeverity {
    /// Every severity, least severe first.
    pub const ALL: [RuleSeverity; 5] = [
        RuleSeverity::Informational,
        RuleSeverity::Low,
        RuleSeverity::Medium,
        RuleSeverity::High,
        RuleSeverity::Critical,
    ];

    /// The severity's name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            RuleSeverity::Informational => "informational",
            RuleSeverity::Low => "low",
            RuleSeverity::Medium => "medium",
            RuleSeverity::High => "high",
            RuleSeverity::Critical => "critical",
        }
    }

    /// The severity named `name` (case-insensitive).
    pub fn from_name(name: &str) -> Option<RuleSeverity> {
        RuleSeverity::ALL
            .into_iter()
            .find(|severity| severity.name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for RuleSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How sure a rule's author is that a hit is a true positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// Many hits will be benign.
    Low,
    /// Some hits will be benign.
    Medium,
    /// Hits are rarely benign.
    High,
}

impl Confidence {
    /// The confidence's name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    fn from_name(name: &str) -> Option<Confidence> {
        [Confidence::Low, Confidence::Medium, Confidence::High]
            .into_iter()
            .find(|confidence| confidence.name().eq_ignore_ascii_case(name))
    }
}

/// One level of the MITRE ATT&CK path: its name and its id, as in `Exfiltration (TA0010)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MitreEntry {
    /// The name, such as `Application Layer Protocol`.
    pub name: String,
    /// The id, such as `T1071`.
    pub id: String,
}

impl fmt::Display for MitreEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.id)
    }
}

/// Where a rule sits in MITRE ATT&CK: tactic, technique and, when there is one, sub-technique.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mitre {
    /// The tactic (`TA....`).
    pub tactic: MitreEntry,
    /// The technique (`T....`).
    pub technique: MitreEntry,
    /// The sub-technique (`T....\.###`), if any.
    pub sub_technique: Option<MitreEntry>,
}

impl fmt::Display for Mitre {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.tactic, self.technique)?;
        if let Some(sub) = &self.sub_technique {
            write!(f, " / {sub}")?;
        }
        Ok(())
    }
}

/// A rule's metadata, from its leading comment block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleMetadata {
    /// A stable identifier, unique in a rule set (letters, digits, `_`, `-`, `.`).
    pub id: String,
    /// A one-line title.
    pub title: String,
    /// What the rule finds and how.
    pub description: String,
    /// The MITRE ATT&CK classification.
    pub mitre: Option<Mitre>,
    /// How bad a hit is.
    pub severity: RuleSeverity,
    /// How likely a hit is a true positive.
    pub confidence: Option<Confidence>,
    /// The logs the rule reads.
    pub data_sources: Vec<String>,
    /// Known benign causes of hits.
    pub false_positives: Vec<String>,
    /// Links or documents behind the rule.
    pub references: Vec<String>,
    /// Who wrote it.
    pub author: Option<String>,
    /// Free labels for selecting rules (`sumoql detect --tag`).
    pub tags: Vec<String>,
    /// Whether the query text is shipped as written: `sumoql fmt` leaves it alone.
    pub verbatim: bool,
}

/// A bad rule file: what is wrong, and on which line (1-based) when it is one line's fault.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RuleError {
    /// A metadata line is not `key: value`, a list item or a continuation.
    #[error("line {line}: expected `// key: value` metadata, found `{text}`")]
    Malformed {
        /// The line.
        line: usize,
        /// The line's text after `//`.
        text: String,
    },
    /// A key this format does not know.
    #[error("line {line}: unknown metadata key `{key}` (known: {known})")]
    UnknownKey {
        /// The line.
        line: usize,
        /// The key.
        key: String,
        /// The known keys.
        known: String,
    },
    /// A key given twice.
    #[error("line {line}: metadata key `{key}` is given twice")]
    DuplicateKey {
        /// The line.
        line: usize,
        /// The key.
        key: String,
    },
    /// A value that does not fit its key.
    #[error("line {line}: bad `{key}`: {message}")]
    BadValue {
        /// The line.
        line: usize,
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A required key is absent.
    #[error("line 1: the metadata has no `{key}` (required: id, title, severity)")]
    Missing {
        /// The key.
        key: &'static str,
    },
    /// No query text after the metadata.
    #[error("line {line}: no query after the metadata")]
    NoQuery {
        /// The line after the metadata.
        line: usize,
    },
}

impl RuleError {
    /// The line the error is about.
    pub fn line(&self) -> usize {
        match self {
            RuleError::Malformed { line, .. }
            | RuleError::UnknownKey { line, .. }
            | RuleError::DuplicateKey { line, .. }
            | RuleError::BadValue { line, .. }
            | RuleError::NoQuery { line } => *line,
            RuleError::Missing { .. } => 1,
        }
    }
}

/// The metadata keys, in the order rule files list them.
pub const METADATA_KEYS: [&str; 12] = [
    "id",
    "title",
    "description",
    "mitre",
    "severity",
    "confidence",
    "data_sources",
    "false_positives",
    "references",
    "author",
    "tags",
    "verbatim",
];

/// A parsed rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The metadata.
    pub metadata: RuleMetadata,
    /// The whole file text; the query is compiled from it so diagnostics keep file lines.
    pub text: String,
    /// Where the query text starts in `text` (a byte offset just after the metadata block).
    pub query_start: usize,
}

/// One key's value as written: inline text, continuation lines and list items.
struct RawValue {
    key: String,
    line: usize,
    inline: String,
    continuation: Vec<String>,
    items: Vec<String>,
}

impl RawValue {
    /// The value as one text: inline text and continuation lines joined by spaces.
    fn text(&self) -> String {
        std::iter::once(self.inline.as_str())
            .chain(self.continuation.iter().map(String::as_str))
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The value as a list: `- item` lines, else the text split on commas.
    fn list(&self) -> Vec<String> {
        if !self.items.is_empty() {
            return self.items.clone();
        }
        self.text()
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn bad(&self, message: impl Into<String>) -> RuleError {
        RuleError::BadValue {
            line: self.line,
            key: self.key.clone(),
            message: message.into(),
        }
    }
}

impl Rule {
    /// Parses a rule file's text.
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        let (values, query_start, query_line) = split_metadata(text)?;
        if text[query_start..].trim().is_empty() {
            return Err(RuleError::NoQuery { line: query_line });
        }
        let metadata = build_metadata(&values)?;
        Ok(Rule {
            metadata,
            text: text.to_string(),
            query_start,
        })
    }

    /// The query text after the metadata block, exactly as written.
    pub fn query_text(&self) -> &str {
        self.text.get(self.query_start..).unwrap_or_default()
    }
}

/// Reads the leading comment block into raw values. Returns them, the byte offset of the first
/// line after the block and that line's number.
fn split_metadata(text: &str) -> Result<(Vec<RawValue>, usize, usize), RuleError> {
    let mut values: Vec<RawValue> = Vec::new();
    let mut offset = 0;
    let mut number = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let Some(comment) = content.trim_start().strip_prefix("//") else {
            if content.trim().is_empty() && values.is_empty() {
                offset += line.len();
                number += 1;
                continue;
            }
            break;
        };
        number += 1;
        offset += line.len();
        let body = comment.strip_prefix(' ').unwrap_or(comment);
        let indented = body.starts_with([' ', '\t']);
        let trimmed = body.trim();
        if trimmed.is_empty() {
            continue;
        }
        if indented {
            let Some(current) = values.last_mut() else {
                return Err(RuleError::Malformed {
                    line: number,
                    text: trimmed.to_string(),
                });
            };
            match trimmed.strip_prefix("- ") {
                Some(item) => current.items.push(item.trim().to_string()),
                None => current.continuation.push(trimmed.to_string()),
            }
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            return Err(RuleError::Malformed {
                line: number,
                text: trimmed.to_string(),
            });
        };
        let key = key.trim();
        if !METADATA_KEYS.contains(&key) {
            return Err(RuleError::UnknownKey {
                line: number,
                key: key.to_string(),
                known: METADATA_KEYS.join(", "),
            });
        }
        if values.iter().any(|v| v.key == key) {
            return Err(RuleError::DuplicateKey {
                line: number,
                key: key.to_string(),
            });
        }
        values.push(RawValue {
            key: key.to_string(),
            line: number,
            inline: value.trim().to_string(),
            continuation: Vec::new(),
            items: Vec::new(),
        });
    }
    Ok((values, offset, number + 1))
}

fn build_metadata(values: &[RawValue]) -> Result<RuleMetadata, RuleError> {
    let find = |key: &str| values.iter().find(|v| v.key == key);
    let required = |key: &'static str| {
        find(key)
            .map(RawValue::text)
            .filter(|text| !text.is_empty())
            .ok_or(RuleError::Missing { key })
    };
    let id = required("id")?;
    if let Some(value) = find("id") {
        if !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(value.bad("use letters, digits, `_`, `-` and `.` only"));
        }
    }
    let title = required("title")?;
    required("severity")?;
    let severity = match find("severity") {
        Some(value) => RuleSeverity::from_name(&value.text())
            .ok_or_else(|| value.bad("expected informational, low, medium, high or critical"))?,
        None => return Err(RuleError::Missing { key: "severity" }),
    };
    let confidence = find("confidence")
        .map(|value| {
            Confidence::from_name(&value.text())
                .ok_or_else(|| value.bad("expected low, medium or high"))
        })
        .transpose()?;
    let mitre = find("mitre").map(parse_mitre).transpose()?;
    let verbatim = find("verbatim")
        .map(|value| match value.text().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(value.bad("expected true or false")),
        })
        .transpose()?
        .unwrap_or(false);
    let list = |key: &str| find(key).map(RawValue::list).unwrap_or_default();
    Ok(RuleMetadata {
        id,
        title,
        description: find("description").map(RawValue::text).unwrap_or_default(),
        mitre,
        severity,
        confidence,
        data_sources: list("data_sources"),
        false_positives: list("false_positives"),
        references: list("references"),
        author: find("author").map(RawValue::text),
        tags: list("tags"),
        verbatim,
    })
}

/// `Tactic (TA0011) / Technique (T1071) / Sub-technique (T1071.002)`.
fn parse_mitre(value: &RawValue) -> Result<Mitre, RuleError> {
    let text = value.text();
    let mut entries = Vec::new();
    for part in split_mitre_levels(&text) {
        let part = part.trim();
        let entry = part
            .strip_suffix(')')
            .and_then(|rest| rest.rsplit_once('('))
            .map(|(name, id)| MitreEntry {
                name: name.trim().to_string(),
                id: id.trim().to_string(),
            })
            .filter(|entry| !entry.name.is_empty() && !entry.id.is_empty())
            .ok_or_else(|| value.bad(format!("`{part}` is not `Name (ID)`")))?;
        entries.push(entry);
    }
    let mut entries = entries.into_iter();
    let (Some(tactic), Some(technique), sub_technique, None) = (
        entries.next(),
        entries.next(),
        entries.next(),
        entries.next(),
    ) else {
        return Err(value.bad(
            "expected `Tactic (TA…) / Technique (T…)` and an optional ` / Sub-technique (T….…)`",
        ));
    };
    if !tactic.id.starts_with("TA") {
        return Err(value.bad(format!("tactic id `{}` does not start with TA", tactic.id)));
    }
    if !technique.id.starts_with('T') || technique.id.contains('.') {
        return Err(value.bad(format!("technique id `{}` is not T####", technique.id)));
    }
    if let Some(sub) = &sub_technique {
        if !sub.id.starts_with(&format!("{}.", technique.id)) {
            return Err(value.bad(format!(
                "sub-technique id `{}` is not under {}",
                sub.id, technique.id
            )));
        }
    }
    Ok(Mitre {
        tactic,
        technique,
        sub_technique,
    })
}

/// Splits on ` / ` outside parentheses, so names such as `SMB/Windows Admin Shares` stay whole.
fn split_mitre_levels(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '/' if depth == 0
                && text[..index].ends_with(' ')
                && text[index..].starts_with("/ ") =>
            {
                parts.push(&text[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

/// A rule read from disk, or why it could not be.
#[derive(Clone, Debug)]
pub struct RuleFile {
    /// The file.
    pub path: PathBuf,
    /// The rule, or its metadata error.
    pub rule: Result<Rule, RuleError>,
}

/// Every `.sumo` file under each of `paths` (files as given, folders recursively), sorted by
/// path within each folder.
pub fn find_rule_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for path in paths {
        collect_rule_files(path, &mut found)?;
    }
    Ok(found)
}

fn collect_rule_files(path: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        found.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            if entry.extension().is_none_or(|e| e != "tests") {
                collect_rule_files(&entry, found)?;
            }
        } else if entry.extension().is_some_and(|e| e == "sumo") && !is_extraction_rule(&entry)? {
            found.push(entry);
        }
    }
    Ok(())
}

/// Whether a `.sumo` file is an extraction rule for raw logs (its first line is `// parser:
/// NAME`, as in `queries/parsers/`) rather than a detection.
fn is_extraction_rule(path: &Path) -> std::io::Result<bool> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .next()
        .is_some_and(|line| line.trim_start().starts_with("// parser:")))
}

/// Reads and parses every rule file under `paths`.
pub fn load_rules(paths: &[PathBuf]) -> std::io::Result<Vec<RuleFile>> {
    find_rule_files(paths)?
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
            })?;
            Ok(RuleFile {
                rule: Rule::parse(&text),
                path,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REFERENCE: &str = include_str!("../../../queries/t1071_002_file_transfer_protocols.sumo");

    #[test]
    fn reference_rule_has_full_metadata() {
        let rule = Rule::parse(REFERENCE).expect("reference rule parses");
        let metadata = &rule.metadata;
        assert_eq!(metadata.id, "t1071_002_file_transfer_protocols");
        assert_eq!(metadata.severity, RuleSeverity::Medium);
        assert_eq!(metadata.confidence, Some(Confidence::Medium));
        assert_eq!(metadata.false_positives.len(), 3);
        let mitre = metadata.mitre.as_ref().expect("mitre");
        assert_eq!(mitre.tactic.id, "TA0011");
        assert_eq!(mitre.technique.id, "T1071");
        assert_eq!(
            mitre.sub_technique.as_ref().map(|s| s.id.as_str()),
            Some("T1071.002")
        );
        assert!(rule
            .query_text()
            .starts_with("(_sourceCategory=network/firewall"));
    }

    #[test]
    fn mitre_names_may_hold_slashes() {
        let text = "// id: x\n// title: t\n// severity: low\n// mitre: Lateral Movement (TA0008) / Remote Services (T1021) / SMB/Windows Admin Shares (T1021.002)\n*\n";
        let rule = Rule::parse(text).expect("parses");
        let mitre = rule.metadata.mitre.expect("mitre");
        assert_eq!(
            mitre.sub_technique.map(|s| s.name),
            Some("SMB/Windows Admin Shares".to_string())
        );
    }

    #[test]
    fn errors_name_their_line() {
        let cases = [
            (
                "// id: x\n// title: t\n// severity: severe\n*\n",
                3,
                "bad `severity`",
            ),
            (
                "// id: x\n// titel: t\n*\n",
                2,
                "unknown metadata key `titel`",
            ),
            ("// id: x\n// id: y\n*\n", 2, "given twice"),
            ("// id: x\n// title: t\n// severity: low\n", 4, "no query"),
            ("// id: x\n// title: t\n*\n", 1, "no `severity`"),
            (
                "// id: x\n// just words\n*\n",
                2,
                "expected `// key: value`",
            ),
            ("//   - orphan\n*\n", 1, "expected `// key: value`"),
            (
                "// id: x\n// title: t\n// severity: low\n// mitre: Exfiltration / T1048\n*\n",
                4,
                "is not `Name (ID)`",
            ),
        ];
        for (text, line, message) in cases {
            let error = Rule::parse(text).expect_err(text);
            assert_eq!(error.line(), line, "{error}");
            assert!(error.to_string().contains(message), "{error}");
        }
    }

    #[test]
    fn lists_take_items_or_commas() {
        let text = "// id: x\n// title: t\n// severity: critical\n// tags: a, b\n// references:\n//   - https://example.org/1\n//   - https://example.org/2\n*\n";
        let metadata = Rule::parse(text).expect("parses").metadata;
        assert_eq!(metadata.tags, ["a", "b"]);
        assert_eq!(metadata.references.len(), 2);
    }
}
