//! The mapping file: how Sigma's field names, log sources and placeholders become this
//! dialect's.

use super::{refuse, Refusal, SigmaError};
use crate::yaml::{parse_yaml, Yaml};

/// How Sigma names map to this dialect's: field renames, a scope per log source, and the
/// values of `expand` placeholders. Several files can be merged; the first to name a thing
/// wins.
#[derive(Clone, Debug, Default)]
pub struct SigmaMapping {
    fields: Vec<(String, String)>,
    logsources: Vec<(String, String)>,
    placeholders: Vec<(String, Vec<String>)>,
}

impl SigmaMapping {
    /// Reads a mapping file:
    ///
    /// ```yaml
    /// fields:
    ///   SourceIp: src_ip
    /// logsources:
    ///   linux/sshd: _sourceCategory=linux/auth*
    /// placeholders:
    ///   domain_controllers: [dc01, dc02]
    /// ```
    ///
    /// A log source is keyed by `product/service`, `product/category`, `product`, `category`
    /// or `service`, tried in that order; its value is the scope of the query.
    pub fn parse(text: &str) -> Result<SigmaMapping, SigmaError> {
        let yaml = parse_yaml(text)?;
        if let Some(unknown) = match &yaml {
            Yaml::Map(entries) => entries
                .iter()
                .map(|(key, _)| key.as_str())
                .find(|key| !matches!(*key, "fields" | "logsources" | "placeholders")),
            Yaml::Null => None,
            _ => return Err(refuse(Refusal::Malformed, "a mapping file is a map")),
        } {
            return Err(refuse(
                Refusal::Malformed,
                format!("`{unknown}` is not a mapping section (fields, logsources, placeholders)"),
            ));
        }
        let section = |key: &str| -> Result<Vec<(String, Yaml)>, SigmaError> {
            match yaml.get(key) {
                None | Some(Yaml::Null) => Ok(Vec::new()),
                Some(Yaml::Map(entries)) => Ok(entries.clone()),
                Some(_) => Err(refuse(Refusal::Malformed, format!("`{key}` is not a map"))),
            }
        };
        let texts = |key: &str| -> Result<Vec<(String, String)>, SigmaError> {
            section(key)?
                .into_iter()
                .map(|(name, value)| match value {
                    Yaml::Scalar(text) => Ok((name, text)),
                    _ => Err(refuse(
                        Refusal::Malformed,
                        format!("`{key}: {name}` needs one text value"),
                    )),
                })
                .collect()
        };
        let placeholders = section("placeholders")?
            .into_iter()
            .map(|(name, value)| (name, value.texts()))
            .collect();
        Ok(SigmaMapping {
            fields: texts("fields")?,
            logsources: texts("logsources")?,
            placeholders,
        })
    }

    /// Adds `other`'s names after this mapping's own, which keep precedence.
    pub fn extend(&mut self, other: SigmaMapping) {
        self.fields.extend(other.fields);
        self.logsources.extend(other.logsources);
        self.placeholders.extend(other.placeholders);
    }

    /// The dialect's name for the Sigma field `name`.
    pub(super) fn field<'a>(&'a self, name: &'a str) -> &'a str {
        self.fields
            .iter()
            .find(|(from, _)| from == name)
            .map_or(name, |(_, to)| to.as_str())
    }

    /// The values of the placeholder `%name%`, if the mapping gives them.
    pub(super) fn placeholder(&self, name: &str) -> Option<&[String]> {
        self.placeholders
            .iter()
            .find(|(from, _)| from == name)
            .map(|(_, values)| values.as_slice())
    }

    /// The scope for a rule's `logsource`, if the mapping has one.
    pub(super) fn scope(&self, logsource: &LogSource) -> Option<&str> {
        logsource.keys().into_iter().find_map(|key| {
            self.logsources
                .iter()
                .find(|(source, _)| *source == key)
                .map(|(_, scope)| scope.as_str())
        })
    }
}

/// A rule's `logsource`: which of product, category and service it names.
#[derive(Clone, Debug, Default)]
pub(super) struct LogSource {
    product: Option<String>,
    category: Option<String>,
    service: Option<String>,
}

impl LogSource {
    /// The log source of a rule's `logsource` map (nothing when it has none).
    pub(super) fn of(yaml: Option<&Yaml>) -> LogSource {
        let part = |key: &str| {
            yaml.and_then(|l| l.get(key))
                .and_then(Yaml::text)
                .map(str::to_string)
        };
        LogSource {
            product: part("product"),
            category: part("category"),
            service: part("service"),
        }
    }

    /// Whether the rule names no log source at all.
    pub(super) fn is_empty(&self) -> bool {
        self.product.is_none() && self.category.is_none() && self.service.is_none()
    }

    /// The mapping keys that may give its scope, most specific first.
    fn keys(&self) -> Vec<String> {
        let (product, category, service) = (&self.product, &self.category, &self.service);
        [
            product
                .as_ref()
                .zip(service.as_ref())
                .map(|(p, s)| format!("{p}/{s}")),
            product
                .as_ref()
                .zip(category.as_ref())
                .map(|(p, c)| format!("{p}/{c}")),
            product.clone(),
            category.clone(),
            service.clone(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl std::fmt::Display for LogSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = [
            ("product", &self.product),
            ("category", &self.category),
            ("service", &self.service),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|value| format!("{key}: {value}")))
        .collect();
        write!(f, "{}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_log_source_wins_and_the_first_file_keeps_precedence() {
        let mut mapping = SigmaMapping::parse(
            "fields:\n  Image: process_name\nlogsources:\n  windows: a\n  windows/process_creation: b\n",
        )
        .expect("mapping");
        mapping.extend(
            SigmaMapping::parse(
                "fields: {Image: other, User: user}\nplaceholders:\n  dc: [x, y]\n",
            )
            .expect("second mapping"),
        );
        assert_eq!(mapping.field("Image"), "process_name");
        assert_eq!(mapping.field("User"), "user");
        assert_eq!(mapping.field("Else"), "Else");
        assert_eq!(
            mapping.placeholder("dc"),
            Some(&["x".to_string(), "y".to_string()][..])
        );
        let yaml = parse_yaml("product: windows\ncategory: process_creation\n").expect("yaml");
        assert_eq!(mapping.scope(&LogSource::of(Some(&yaml))), Some("b"));
        let yaml = parse_yaml("product: windows\ncategory: image_load\n").expect("yaml");
        assert_eq!(mapping.scope(&LogSource::of(Some(&yaml))), Some("a"));
        let yaml = parse_yaml("service: apache\n").expect("yaml");
        assert_eq!(mapping.scope(&LogSource::of(Some(&yaml))), None);
    }

    #[test]
    fn a_mapping_with_an_unknown_section_is_an_error() {
        let error = SigmaMapping::parse("field:\n  a: b\n").expect_err("typo");
        assert!(error.to_string().contains("`field`"), "{error}");
    }
}
