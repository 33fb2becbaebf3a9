//! How an [`Operator::Extract`](crate::Operator::Extract) stage gets fields out of text: the
//! extractors of `parse`, `parse regex`, `json`, `keyvalue`, `csv` and `split`.

use std::fmt::Write as _;

mod xpath;

pub use xpath::{XmlPath, XmlPredicate, XmlStep, XmlTarget};

use regex::Regex;
use sumoql_syntax::ast::quote;
use sumoql_value::{Schema, SlotId};

/// One extraction, with its targets resolved to slots.
#[derive(Clone, Debug)]
pub enum Extractor {
    /// `parse "a=*" as a` (the anchors compiled to a regular expression) and `parse regex`:
    /// each listed capture group goes to its slot.
    Regex {
        /// The pattern as written, for `explain`.
        written: String,
        /// Whether it was written as anchors rather than as a regular expression.
        anchor: bool,
        /// The compiled expression.
        regex: Regex,
        /// Capture group index and the slot it fills.
        groups: Vec<(usize, SlotId)>,
        /// `multi`: one record per match.
        multi: bool,
    },
    /// `json "a.b[0]" as x`: the values at JSON paths; with no paths (`json auto`), every
    /// top-level key.
    Json(Vec<(JsonPath, SlotId)>),
    /// `kv "a" as x`: the values of `key=value` pairs; with no keys (`kv auto`), every pair.
    KeyValue(Vec<(String, SlotId)>),
    /// `parse xml "/users/user/@id" as id`: the first node each path reaches in the XML text.
    Xml(Vec<(XmlPath, SlotId)>),
    /// `keyvalue regex "RE" "a" as x`: with two groups in `regex`, each match is a key and its
    /// value; with one, the value is the first match after the key's first occurrence.
    KeyValueRegex {
        /// The pattern as written, for `explain`.
        written: String,
        /// The compiled expression, with one or two capture groups.
        regex: Regex,
        /// Each key wanted and the slot its value fills.
        keys: Vec<(String, SlotId)>,
    },
    /// `csv` and `split`: delimited columns by 1-based position.
    Delimited {
        /// The column delimiter.
        delimiter: char,
        /// The quote character.
        quote: char,
        /// The escape character.
        escape: char,
        /// 1-based position and the slot it fills.
        columns: Vec<(usize, SlotId)>,
    },
}

/// A path into JSON text: `a.b[0].c`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonPath {
    /// The path as written.
    pub written: String,
    /// Its steps.
    pub steps: Vec<JsonStep>,
}

/// One step of a [`JsonPath`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonStep {
    /// An object member: `.name`.
    Key(String),
    /// An array element: `[0]`.
    Index(usize),
    /// Every element of an array, or every member of an object: `[*]` or `.*`. A path with
    /// a wildcard gives the JSON array of every value it reaches.
    Wildcard,
}

impl JsonPath {
    /// Parses `a.b[0].c`. Keys are the text between dots and brackets, or quoted in brackets
    /// (`['a.b']`, for a key holding a dot); an index is a whole number in brackets. A leading
    /// `$.` (JSONPath's root) is allowed; `[*]` (or a `*` key) stands for every element or
    /// member.
    ///
    /// ```
    /// use sumoql_plan::{JsonPath, JsonStep};
    /// let path = JsonPath::parse("a.b[1]").unwrap();
    /// assert_eq!(path.steps, [JsonStep::Key("a".into()), JsonStep::Key("b".into()), JsonStep::Index(1)]);
    /// let quoted = JsonPath::parse("$.x['a.b']").unwrap();
    /// assert_eq!(quoted.steps, [JsonStep::Key("x".into()), JsonStep::Key("a.b".into())]);
    /// let every = JsonPath::parse("Actor[*].Type").unwrap();
    /// assert_eq!(every.steps[1], JsonStep::Wildcard);
    /// assert!(JsonPath::parse("a[-1]").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<JsonPath, String> {
        let mut steps = Vec::new();
        let mut key = String::new();
        let body = text
            .strip_prefix("$.")
            .or_else(|| text.strip_prefix('$'))
            .unwrap_or(text);
        let mut chars = body.chars();
        let bad = |why: &str| Err(format!("bad JSON path `{text}`: {why}"));
        while let Some(c) = chars.next() {
            match c {
                '.' => {
                    if !key.is_empty() {
                        steps.push(key_step(std::mem::take(&mut key)));
                    } else if !matches!(steps.last(), Some(JsonStep::Index(_) | JsonStep::Wildcard))
                    {
                        return bad("an empty key");
                    }
                }
                '[' => {
                    if !key.is_empty() {
                        steps.push(key_step(std::mem::take(&mut key)));
                    }
                    let inside: String = chars.by_ref().take_while(|&c| c != ']').collect();
                    let inside = inside.trim();
                    let quoted = ['\'', '"'].iter().find_map(|&q| {
                        inside.strip_prefix(q).and_then(|rest| rest.strip_suffix(q))
                    });
                    match (quoted, inside.parse::<usize>()) {
                        (Some(name), _) => steps.push(JsonStep::Key(name.to_string())),
                        (None, _) if inside == "*" => steps.push(JsonStep::Wildcard),
                        (None, Ok(index)) => steps.push(JsonStep::Index(index)),
                        (None, Err(_)) => {
                            return bad("an array index is a whole number or `*`, as in `[0]`")
                        }
                    }
                }
                c => key.push(c),
            }
        }
        if !key.is_empty() {
            steps.push(key_step(key));
        }
        if steps.is_empty() || body.ends_with('.') {
            return bad("an empty key");
        }
        Ok(JsonPath {
            written: text.to_string(),
            steps,
        })
    }
}

/// An unquoted key: `*` is the wildcard, anything else a member name.
fn key_step(key: String) -> JsonStep {
    if key == "*" {
        JsonStep::Wildcard
    } else {
        JsonStep::Key(key)
    }
}

impl Extractor {
    /// The extraction as text for `explain`, with field names from `schema`.
    pub fn describe(&self, schema: &Schema) -> String {
        let pairs = |items: &mut dyn Iterator<Item = (String, SlotId)>| {
            items
                .map(|(from, slot)| format!("{from} as {}", schema.name(slot)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Extractor::Regex {
                written,
                anchor,
                groups,
                multi,
                ..
            } => {
                let names: Vec<&str> = groups.iter().map(|&(_, s)| schema.name(s)).collect();
                let mut text = if *anchor {
                    format!("parse {} as {}", quote(written), names.join(", "))
                } else {
                    format!("regex {} into {}", quote(written), names.join(", "))
                };
                if *multi {
                    text.push_str(" multi");
                }
                text
            }
            Extractor::Json(paths) if paths.is_empty() => "json auto".to_string(),
            Extractor::Json(paths) => format!(
                "json {}",
                pairs(&mut paths.iter().map(|(p, s)| (quote(&p.written), *s)))
            ),
            Extractor::KeyValue(keys) if keys.is_empty() => "keyvalue auto".to_string(),
            Extractor::KeyValue(keys) => format!(
                "keyvalue {}",
                pairs(&mut keys.iter().map(|(k, s)| (quote(k), *s)))
            ),
            Extractor::Xml(paths) => format!(
                "xml {}",
                pairs(&mut paths.iter().map(|(p, s)| (quote(&p.written), *s)))
            ),
            Extractor::KeyValueRegex { written, keys, .. } => format!(
                "keyvalue regex {} {}",
                quote(written),
                pairs(&mut keys.iter().map(|(k, s)| (quote(k), *s)))
            ),
            Extractor::Delimited {
                delimiter,
                quote: quote_char,
                escape,
                columns,
            } => {
                let show = |c: &char| quote(&c.to_string());
                let mut text = format!(
                    "delimited delim={} quote={} escape={} extract ",
                    show(delimiter),
                    show(quote_char),
                    show(escape)
                );
                let _ = write!(
                    text,
                    "{}",
                    pairs(&mut columns.iter().map(|(p, s)| (p.to_string(), *s)))
                );
                text
            }
        }
    }
}
