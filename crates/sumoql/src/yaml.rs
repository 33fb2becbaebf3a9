//! YAML documents (Sigma rules and their mapping files) read by a YAML 1.2 parser into a small
//! tree of text: scalars keep the text they were written with (`010` stays `010`, `true` stays
//! `true`), since Sigma compares values as text. Tags are dropped; anchors are expanded.

use saphyr::{MarkedYaml, ScalarStyle, YamlData, YamlLoader};
use saphyr_parser::{Marker, Parser, ScanError};
use thiserror::Error;

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    /// `~`, `null` or nothing.
    Null,
    /// A scalar, as text.
    Scalar(String),
    /// A list.
    List(Vec<Yaml>),
    /// A map, its keys in order.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// The value of `key` in a map.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The scalar's text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// A scalar or a list of scalars, as texts.
    pub fn texts(&self) -> Vec<String> {
        match self {
            Yaml::Scalar(text) => vec![text.clone()],
            Yaml::List(items) => items
                .iter()
                .filter_map(|item| item.text().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Text that is not YAML, or not a YAML this reader takes.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}:{column}: {message}")]
pub struct YamlError {
    /// The line (1-based).
    pub line: usize,
    /// The column (1-based, in characters).
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl YamlError {
    fn at(marker: &Marker, message: impl Into<String>) -> YamlError {
        YamlError {
            line: marker.line(),
            column: marker.col() + 1,
            message: message.into(),
        }
    }
}

impl From<ScanError> for YamlError {
    fn from(error: ScanError) -> YamlError {
        YamlError::at(error.marker(), error.info())
    }
}

/// Parses `text` as one YAML document; an empty text is `Null`. Several documents (a Sigma
/// rule collection, `---` between them) are an error at the second one.
pub fn parse_yaml(text: &str) -> Result<Yaml, YamlError> {
    let mut loader = YamlLoader::<MarkedYaml>::default();
    loader.early_parse(false);
    Parser::new_from_str(text).load(&mut loader, true)?;
    if let Some(error) = loader.error() {
        return Err(error.clone().into());
    }
    match loader.into_documents().as_slice() {
        [] => Ok(Yaml::Null),
        [document] => tree(document),
        [_, second, ..] => Err(YamlError::at(
            &second.span.start,
            "a second YAML document: one rule or mapping a file is read",
        )),
    }
}

/// The text tree of one loaded node.
fn tree(node: &MarkedYaml<'_>) -> Result<Yaml, YamlError> {
    let unsupported =
        |what: &str| YamlError::at(&node.span.start, format!("{what} is not supported"));
    Ok(match &node.data {
        YamlData::Representation(text, style, _) => {
            let null = matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
            if *style == ScalarStyle::Plain && null {
                Yaml::Null
            } else {
                Yaml::Scalar(text.to_string())
            }
        }
        YamlData::Sequence(items) => Yaml::List(items.iter().map(tree).collect::<Result<_, _>>()?),
        YamlData::Mapping(entries) => Yaml::Map(
            entries
                .iter()
                .map(|(key, value)| match tree(key)? {
                    Yaml::Scalar(text) => Ok((text, tree(value)?)),
                    Yaml::Null => Ok((String::new(), tree(value)?)),
                    _ => Err(YamlError::at(
                        &key.span.start,
                        "a list or map as a key is not supported",
                    )),
                })
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Tagged(_, inner) => tree(inner)?,
        // A document with nothing in it.
        YamlData::BadValue => Yaml::Null,
        YamlData::Value(_) | YamlData::Alias(_) => return Err(unsupported("an unresolved alias")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sigma_shapes() {
        let text = "\
title: Test # a comment
tags:
  - attack.t1110
list: [a, 'b c', \"d\"]
flow: {x: 1, y: [2, 3]}
detection:
  selection:
    - Image|endswith: '\\cmd.exe' # a comment after a quoted value
      CommandLine: x
      Port: 010
    - User: null
      Other: ~
  condition: selection
description: |
  two
  lines
folded: a value
  continued
";
        let yaml = parse_yaml(text).expect("parses");
        assert_eq!(yaml.get("title").and_then(Yaml::text), Some("Test"));
        assert_eq!(
            yaml.get("list").map(Yaml::texts),
            Some(vec!["a".into(), "b c".into(), "d".into()])
        );
        let flow = yaml.get("flow").expect("flow map");
        assert_eq!(flow.get("x").and_then(Yaml::text), Some("1"));
        assert_eq!(
            flow.get("y").map(Yaml::texts),
            Some(vec!["2".into(), "3".into()])
        );
        let selection = yaml
            .get("detection")
            .and_then(|d| d.get("selection"))
            .expect("selection");
        let Yaml::List(items) = selection else {
            panic!("list")
        };
        assert_eq!(
            items[0].get("Image|endswith").and_then(Yaml::text),
            Some("\\cmd.exe")
        );
        assert_eq!(items[0].get("CommandLine").and_then(Yaml::text), Some("x"));
        assert_eq!(items[0].get("Port").and_then(Yaml::text), Some("010"));
        assert_eq!(items[1].get("User"), Some(&Yaml::Null));
        assert_eq!(items[1].get("Other"), Some(&Yaml::Null));
        assert_eq!(
            yaml.get("description").and_then(Yaml::text),
            Some("two\nlines\n")
        );
        assert_eq!(
            yaml.get("folded").and_then(Yaml::text),
            Some("a value continued")
        );
    }

    #[test]
    fn quoted_null_is_text() {
        let yaml = parse_yaml("a: 'null'\nb: \"\"\n").expect("parses");
        assert_eq!(yaml.get("a").and_then(Yaml::text), Some("null"));
        assert_eq!(yaml.get("b").and_then(Yaml::text), Some(""));
    }

    #[test]
    fn errors_name_their_line_and_column() {
        let error = parse_yaml("a: 1\n  b: 2\n").expect_err("bad");
        assert_eq!(error.line, 2, "{error}");
        let error = parse_yaml("a: 'open\n").expect_err("unclosed");
        assert!(error.to_string().starts_with("line "), "{error}");
        let duplicate = parse_yaml("a: 1\na: 2\n").expect_err("duplicate key");
        assert_eq!(duplicate.line, 2, "{duplicate}");
        assert!(parse_yaml("a: 1\n---\nb: 2\n").is_err());
    }
}
