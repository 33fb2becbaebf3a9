//! The configuration file (`sumoql.toml`): extraction rules by name, and which inputs they and
//! a `_sourceCategory` apply to.

use std::path::Path;

use globset::{Glob, GlobBuilder, GlobMatcher};

use super::{ParserError, ParserSet};
use crate::engine::Engine;

/// The keys a `[[source]]` entry may have.
const SOURCE_KEYS: [&str; 3] = ["path", "category", "parser"];

/// A `[[source]]` entry of the configuration.
#[derive(Clone, Debug)]
pub(super) struct SourceMapping {
    glob: PathGlob,
    pub(super) category: Option<String>,
    pub(super) parser: Option<usize>,
}

impl SourceMapping {
    /// Whether the mapping applies to the input named `path`.
    pub(super) fn matches(&self, path: &str) -> bool {
        self.glob.matches(path)
    }
}

impl ParserSet {
    /// Reads a configuration file: `[parsers]` names rule files (paths relative to the
    /// configuration's folder), and each `[[source]]` maps a `path` glob to a `category`
    /// and a `parser`. An unknown key is an error, so a typing slip never goes unnoticed.
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
            for (index, source) in sources.iter().enumerate() {
                let entry = source
                    .as_table()
                    .ok_or_else(|| bad("`source` must be an array of tables: [[source]]".into()))?;
                if let Some(key) = entry
                    .keys()
                    .find(|key| !SOURCE_KEYS.contains(&key.as_str()))
                {
                    return Err(bad(format!(
                        "[[source]] number {}: unknown key `{key}` (expected {})",
                        index + 1,
                        SOURCE_KEYS.join(", ")
                    )));
                }
                let text_of = |key: &str| -> Result<Option<String>, ParserError> {
                    match entry.get(key) {
                        None => Ok(None),
                        Some(value) => value
                            .as_str()
                            .map(|s| Some(s.to_string()))
                            .ok_or_else(|| bad(format!("[[source]] `{key}` must be text"))),
                    }
                };
                let glob = text_of("path")?
                    .ok_or_else(|| bad("every [[source]] needs a `path` glob".into()))?;
                let glob = PathGlob::new(&glob)
                    .map_err(|error| bad(format!("[[source]] path `{glob}`: {error}")))?;
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
}

/// A path glob of a `[[source]]` mapping: `*` and `?` stay within one path segment, `**`
/// crosses segments, `{a,b}` and `[abc]` choose. A glob without `/` is matched against the
/// file name only; a relative glob also matches the end of a longer path from a segment start
/// (so `logs/asa/*.log` matches `/srv/logs/asa/fw.log`); a leading `./` on either side is
/// ignored.
#[derive(Clone, Debug)]
struct PathGlob {
    matcher: GlobMatcher,
    file_name_only: bool,
}

impl PathGlob {
    fn new(glob: &str) -> Result<PathGlob, globset::Error> {
        let glob = glob.strip_prefix("./").unwrap_or(glob);
        let file_name_only = !glob.contains('/');
        let pattern = if glob.starts_with('/') || file_name_only {
            glob.to_string()
        } else {
            format!("**/{glob}")
        };
        let matcher = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map(|glob: Glob| glob.compile_matcher())?;
        Ok(PathGlob {
            matcher,
            file_name_only,
        })
    }

    fn matches(&self, path: &str) -> bool {
        let path = path.strip_prefix("./").unwrap_or(path);
        if self.file_name_only {
            let name = path.rsplit('/').next().unwrap_or(path);
            self.matcher.is_match(name)
        } else {
            self.matcher.is_match(path)
        }
    }
}

/// Whether the `[[source]]` glob `glob` matches the input path `path` (see the README's
/// source mapping rules); a glob that does not compile matches nothing.
pub fn glob_matches_path(glob: &str, path: &str) -> bool {
    PathGlob::new(glob).is_ok_and(|glob| glob.matches(path))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn globs_choose_with_braces_and_classes() {
        assert!(glob_matches_path("*.{log,txt}", "a/b.txt"));
        assert!(!glob_matches_path("*.{log,txt}", "a/b.csv"));
        assert!(glob_matches_path("fw[12].log", "fw2.log"));
        assert!(!glob_matches_path("fw[12].log", "fw3.log"));
        assert!(glob_matches_path(
            "logs/{asa,ftd}/*.log",
            "/x/logs/ftd/a.log"
        ));
        assert!(!glob_matches_path("logs/{asa", "logs/asa"));
    }

    #[test]
    fn unknown_keys_in_a_source_are_errors() {
        let folder = std::env::temp_dir().join(format!("sumoql-config-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join("sumoql.toml");
        std::fs::write(&path, "[[source]]\npath = \"*.log\"\ncategroy = \"x\"\n").unwrap();
        let engine = Engine::new();
        let error = ParserSet::builtin()
            .load_config(&engine, &path)
            .unwrap_err();
        assert!(
            error.to_string().contains("unknown key `categroy`"),
            "{error}"
        );
        std::fs::write(&path, "[[source]]\npath = \"logs/{a\"\n").unwrap();
        let error = ParserSet::builtin()
            .load_config(&engine, &path)
            .unwrap_err();
        assert!(error.to_string().contains("logs/{a"), "{error}");
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
