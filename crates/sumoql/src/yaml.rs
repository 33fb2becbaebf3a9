//! The small part of YAML that Sigma rules and field-mapping files use: block maps and lists by
//! indentation, `- key: value` items, flow lists `[a, b]`, quoted and plain scalars, `|` and
//! `>` block scalars, and `#` comments. Anchors, tags and flow maps are not read.

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

/// Text that is not in the YAML subset read here.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("line {line}: {message}")]
pub struct YamlError {
    /// The line (1-based).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

struct Line {
    number: usize,
    indent: usize,
    text: String,
}

/// Parses `text` as one YAML document.
pub fn parse_yaml(text: &str) -> Result<Yaml, YamlError> {
    let raw: Vec<&str> = text.lines().collect();
    let mut lines = Vec::new();
    let mut index = 0;
    while index < raw.len() {
        let line = raw[index];
        index += 1;
        let number = index;
        let content = strip_comment(line);
        if content.trim().is_empty() || content.trim() == "---" {
            continue;
        }
        let indent = content.len() - content.trim_start().len();
        let mut text = content.trim().to_string();
        // A block scalar: its more-indented lines become one quoted scalar.
        if let Some(head) = text
            .strip_suffix(" |")
            .or_else(|| text.strip_suffix(" >"))
            .or_else(|| text.strip_suffix(": |-"))
        {
            let folded = text.ends_with('>');
            let mut body = Vec::new();
            while index < raw.len() {
                let next = raw[index];
                let next_indent = next.len() - next.trim_start().len();
                if !next.trim().is_empty() && next_indent <= indent {
                    break;
                }
                body.push(next.trim());
                index += 1;
            }
            let joined = body.join(if folded { " " } else { "\n" });
            let head = head.strip_suffix(':').unwrap_or(head);
            text = format!("{head}: {}", quote(joined.trim()));
        }
        lines.push(Line {
            number,
            indent,
            text,
        });
    }
    let mut position = 0;
    if lines.is_empty() {
        return Ok(Yaml::Null);
    }
    let indent = lines[0].indent;
    let document = parse_block(&mut lines, &mut position, indent)?;
    if let Some(line) = lines.get(position) {
        return Err(YamlError {
            line: line.number,
            message: "unexpected indentation".to_string(),
        });
    }
    Ok(document)
}

/// `text` as a double-quoted scalar.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The line without a `#` comment (one at the start or after white space, outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open && previous != '\\' => quote = None,
            (None, '#') if previous.is_whitespace() => return &line[..at],
            _ => {}
        }
        previous = c;
    }
    line
}

fn parse_block(lines: &mut [Line], position: &mut usize, indent: usize) -> Result<Yaml, YamlError> {
    let is_item = |line: &Line| line.text == "-" || line.text.starts_with("- ");
    if lines.get(*position).is_some_and(is_item) {
        let mut items = Vec::new();
        while let Some(line) = lines.get_mut(*position) {
            if line.indent != indent || !is_item(line) {
                break;
            }
            let rest = line.text.get(1..).unwrap_or_default().trim().to_string();
            if rest.is_empty() {
                *position += 1;
                let nested = lines.get(*position).map(|l| l.indent);
                items.push(match nested {
                    Some(inner) if inner > indent => parse_block(lines, position, inner)?,
                    _ => Yaml::Null,
                });
            } else if map_entry(&rest).is_some() {
                // `- key: value` opens a map whose keys line up after the dash.
                line.indent = indent + 2;
                line.text = rest;
                items.push(parse_block(lines, position, indent + 2)?);
            } else {
                let number = line.number;
                *position += 1;
                items.push(scalar(&rest, number)?);
            }
        }
        return Ok(Yaml::List(items));
    }
    let mut entries = Vec::new();
    while let Some(line) = lines.get(*position) {
        if line.indent != indent || is_item(line) {
            break;
        }
        let number = line.number;
        let Some((key, rest)) = map_entry(&line.text) else {
            return Err(YamlError {
                line: number,
                message: format!("expected `key: value`, found `{}`", line.text),
            });
        };
        *position += 1;
        let value = if rest.is_empty() {
            match lines.get(*position) {
                Some(next) if next.indent > indent => {
                    let inner = next.indent;
                    parse_block(lines, position, inner)?
                }
                Some(next) if next.indent == indent && is_item(next) => {
                    parse_block(lines, position, indent)?
                }
                _ => Yaml::Null,
            }
        } else {
            scalar(&rest, number)?
        };
        entries.push((key, value));
    }
    Ok(Yaml::Map(entries))
}

/// `key: rest` (the key unquoted), when the text is a map entry.
fn map_entry(text: &str) -> Option<(String, String)> {
    let (key, rest) =
        if let Some(quoted) = text.strip_prefix('"').or_else(|| text.strip_prefix('\'')) {
            let close = quoted.find(['"', '\''])?;
            let after = quoted[close + 1..].strip_prefix(':')?;
            (quoted[..close].to_string(), after)
        } else {
            let at = text
                .find(": ")
                .or_else(|| text.strip_suffix(':').map(|k| k.len()))?;
            let key = &text[..at];
            if key.is_empty() || key.starts_with(['[', '{']) {
                return None;
            }
            (key.to_string(), text.get(at + 1..).unwrap_or_default())
        };
    Some((key.trim().to_string(), rest.trim().to_string()))
}

/// A scalar or a flow list.
fn scalar(text: &str, line: usize) -> Result<Yaml, YamlError> {
    if let Some(inner) = text.strip_prefix('[') {
        let inner = inner.strip_suffix(']').ok_or_else(|| YamlError {
            line,
            message: "a `[` list is not closed on its line".to_string(),
        })?;
        return split_flow(inner)
            .into_iter()
            .filter(|item| !item.trim().is_empty())
            .map(|item| scalar(item.trim(), line))
            .collect::<Result<_, _>>()
            .map(Yaml::List);
    }
    if text.starts_with('{') {
        return Err(YamlError {
            line,
            message: "flow maps `{...}` are not supported; write the map as indented lines"
                .to_string(),
        });
    }
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"').ok_or_else(|| YamlError {
            line,
            message: "a `\"` string is not closed".to_string(),
        })?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        return Ok(Yaml::Scalar(out));
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'').ok_or_else(|| YamlError {
            line,
            message: "a `'` string is not closed".to_string(),
        })?;
        return Ok(Yaml::Scalar(inner.replace("''", "'")));
    }
    Ok(match text {
        "~" | "null" | "Null" | "NULL" => Yaml::Null,
        _ => Yaml::Scalar(text.to_string()),
    })
}

/// Splits a flow list's inside at commas outside quotes.
fn split_flow(inner: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (at, c) in inner.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, ',') => {
                parts.push(&inner[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
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
detection:
  selection:
    - Image|endswith: '\\cmd.exe'
      CommandLine: x
    - User: null
  condition: selection
description: |
  two
  lines
";
        let yaml = parse_yaml(text).expect("parses");
        assert_eq!(yaml.get("title").and_then(Yaml::text), Some("Test"));
        assert_eq!(
            yaml.get("list").map(Yaml::texts),
            Some(vec!["a".into(), "b c".into(), "d".into()])
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
        assert_eq!(items[1].get("User"), Some(&Yaml::Null));
        assert_eq!(
            yaml.get("description").and_then(Yaml::text),
            Some("two\nlines")
        );
    }

    #[test]
    fn bad_indentation_names_its_line() {
        let error = parse_yaml("a: 1\n  b: 2\n").expect_err("bad");
        assert_eq!(error.line, 2);
    }
}
