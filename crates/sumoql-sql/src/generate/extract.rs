//! The extraction stage in SQL: `parse` and `parse regex`, `json`, `kv`, `csv`/`split` and
//! `parse xml` (in [`super::xml`]), each a stage that sets its fields where the text matches
//! and, without `nodrop`, keeps only the rows that matched, as the native stage does.

use sumoql_plan::{Extractor, JsonPath, JsonStep};
use sumoql_value::SlotId;

use super::Generator;
use sumoql_value::limits::MATCHES_PER_RECORD;

use crate::dialect::{Piece, ORDER};
use crate::expr::{Kind, Sql};
use crate::patterns::{
    any_pair, cell_marks, delimited_cell, group_always_takes_part, group_never_empty,
    has_look_around, kv_token, never_matches_empty, quoted_content, BACKSLASH_ESCAPE,
};
use crate::SqlError;

/// The hidden column of a `kv` stage's keys, one per token of the text (null or `""` where
/// the token is not a pair).
const KV_KEYS: &str = "sumoql_kv_keys";

/// The hidden column of a `kv` stage's value tokens, in the order of [`KV_KEYS`].
const KV_VALUES: &str = "sumoql_kv_values";

/// The hidden column of a `json auto` stage's top-level keys, in the object's order.
const JSON_KEYS: &str = "sumoql_json_keys";

/// The prefix of the hidden columns of a `parse regex multi` stage's matches, one list per
/// group, by the group's number.
const MULTI_MATCHES: &str = "sumoql_matches_";

/// The hidden column of the number of matches of a `parse regex multi` stage.
const MULTI_COUNT: &str = "sumoql_match_count";

/// The hidden column of the match a row of a `parse regex multi` stage holds, from 1.
const MULTI_MATCH: &str = "sumoql_match";

/// What an extraction gives a row: whether it matched, and per field the value and whether
/// this row has one (a field without keeps its earlier value).
pub(super) struct Extraction {
    /// Whether the row matched (never null).
    pub(super) matched: String,
    /// Each field set, its value, and when it is set (`None`: whenever the row matched).
    pub(super) fields: Vec<(SlotId, String, Option<String>)>,
}

impl Generator<'_> {
    /// One extraction stage. In a run of `nodrop` parses ended by one without (`chain`), the
    /// run's parses note a match in the chain's field, and its last parse keeps a row its own
    /// pattern does not match when one of them did.
    pub(super) fn extract(
        &mut self,
        source: SlotId,
        extractor: &Extractor,
        nodrop: bool,
        chain: Option<SlotId>,
    ) -> Result<(), SqlError> {
        let writer = self.writer();
        let text = writer.text(&writer.column(source));
        let extraction = match extractor {
            Extractor::Regex {
                regex,
                groups,
                multi: false,
                ..
            } => self.regex_extraction(&text, regex.as_str(), groups),
            Extractor::Regex {
                regex,
                groups,
                multi: true,
                ..
            } => return self.regex_matches(&text, regex.as_str(), groups, nodrop, chain),
            Extractor::Json(paths) => self.json_extraction(&text, paths)?,
            Extractor::KeyValue(keys) => self.key_value_extraction(&text, keys),
            Extractor::Delimited {
                delimiter,
                quote,
                escape,
                columns,
            } => self.delimited_extraction(&text, *delimiter, *quote, *escape, columns)?,
            Extractor::Xml(paths) => self.xml_extraction(&text, paths),
            Extractor::KeyValueRegex { regex, keys, .. } => self.key_value_regex_extraction(
                &text,
                regex.as_str(),
                regex.captures_len() - 1,
                keys,
            )?,
        };
        let matched = format!(
            "COALESCE({} AND {text} IS NOT NULL, FALSE)",
            extraction.matched
        );
        let mut values = Vec::new();
        for (slot, value, present) in extraction.fields {
            let when = match present {
                Some(present) => format!("{matched} AND COALESCE({present}, FALSE)"),
                None => matched.clone(),
            };
            let otherwise = self.earlier_text(slot);
            values.push((
                slot,
                Sql {
                    text: format!("(CASE WHEN {when} THEN {value} ELSE {otherwise} END)"),
                    kind: Kind::Text,
                },
            ));
        }
        let mark = chain.map(|mark| (mark, self.earlier_truth(mark)));
        let conditions = match (nodrop, &mark) {
            (true, _) => Vec::new(),
            (false, Some((_, earlier))) => vec![format!("({matched} OR {earlier})")],
            (false, None) => vec![matched.clone()],
        };
        if let (true, Some((slot, earlier))) = (nodrop, mark) {
            values.push((
                slot,
                Sql {
                    text: format!("({matched} OR {earlier})"),
                    kind: Kind::Bool,
                },
            ));
        }
        self.assign_all(values, &conditions);
        Ok(())
    }

    /// `parse regex multi`: one row per match (at most [`MATCHES_PER_RECORD`]), in match order,
    /// with that match's groups. A row without a match is dropped, or with `nodrop` kept once
    /// with its fields as they were. Three stages: each group's list of matches, the rows
    /// made one per match, and the fields set from the lists.
    fn regex_matches(
        &mut self,
        text: &str,
        regex: &str,
        groups: &[(usize, SlotId)],
        nodrop: bool,
        chain: Option<SlotId>,
    ) -> Result<(), SqlError> {
        let refuse = |why: &str| Err(SqlError::new("parse regex multi", why));
        if chain.is_some() {
            return refuse(
                "after a `nodrop` parse, it would keep rows by that parse's match as well",
            );
        }
        if !never_matches_empty(regex) {
            return refuse("a regex that can match empty text steps through its matches otherwise in each engine");
        }
        let Some(&(first_group, _)) = groups.first() else {
            return refuse("it has no group to extract");
        };
        let list = |group: usize| format!("{MULTI_MATCHES}{group}");
        let mut lists: Vec<String> = groups
            .iter()
            .map(|&(group, _)| {
                format!(
                    "{} AS {}",
                    self.dialect.regex_extract_all(text, regex, group),
                    list(group)
                )
            })
            .collect();
        let count = self.dialect.list_length(&list(first_group));
        lists.push(format!("{count} AS {MULTI_COUNT}"));
        let previous = self.previous();
        self.stages
            .push(format!("SELECT *, {} FROM {previous}", lists.join(", ")));
        self.warnings.push(format!(
            "`parse regex multi` keeps at most {MATCHES_PER_RECORD} matches of a record, as sumoql does, without saying when a record had more"
        ));
        let filter = if nodrop {
            String::new()
        } else {
            format!(" WHERE {MULTI_COUNT} > 0")
        };
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, {} AS {MULTI_MATCH} FROM {previous}{filter}",
            self.dialect.each_up_to(&format!(
                "least(greatest({MULTI_COUNT}, 1), {MATCHES_PER_RECORD})"
            ))
        ));
        let values: Vec<(SlotId, Sql)> = groups
            .iter()
            .map(|&(group, slot)| {
                let element = self.dialect.element(&list(group), MULTI_MATCH);
                let value = if group_never_empty(regex, group) {
                    format!("NULLIF({element}, '')")
                } else {
                    element
                };
                let text = format!(
                    "(CASE WHEN {MULTI_COUNT} > 0 THEN {value} ELSE {} END)",
                    self.earlier_text(slot)
                );
                (slot, Sql::new(text, Kind::Text))
            })
            .collect();
        let select = self.select_setting(values);
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {}, ROW_NUMBER() OVER (ORDER BY {ORDER}, {MULTI_MATCH}) AS {ORDER} FROM {previous}",
            select.join(", ")
        ));
        Ok(())
    }

    /// The text a field holds before this stage, null when no stage has set it.
    fn earlier_text(&self, slot: SlotId) -> String {
        if self.columns.contains(&slot) {
            let writer = self.writer();
            writer.text(&writer.column(slot))
        } else {
            format!("CAST(NULL AS {})", self.dialect.text_type())
        }
    }

    /// Whether a field holds true before this stage (false when no stage has set it).
    fn earlier_truth(&self, slot: SlotId) -> String {
        if self.columns.contains(&slot) {
            let writer = self.writer();
            format!("COALESCE({}, FALSE)", writer.truth(&writer.column(slot)))
        } else {
            "FALSE".to_string()
        }
    }

    /// `parse` and `parse regex`: each group's text. A group that takes no part in the match
    /// is null natively; SQL engines give `""`, which is read as null where the group cannot
    /// match empty text.
    fn regex_extraction(&self, text: &str, regex: &str, groups: &[(usize, SlotId)]) -> Extraction {
        let fields = groups
            .iter()
            .map(|&(group, slot)| {
                let extracted = self.dialect.regex_extract(text, regex, group);
                let value = if group_never_empty(regex, group) {
                    format!("NULLIF({extracted}, '')")
                } else {
                    extracted
                };
                (slot, value, None)
            })
            .collect();
        Extraction {
            matched: self.dialect.regex_match(text, regex),
            fields,
        }
    }

    /// `json "a.b[0]" as x`: the value at each path, where there is one; the row matched when
    /// any path has a value. `json auto` sets each field of the query named like a top-level
    /// key of the object in any letter case, the last such key winning, as natively: a stage
    /// first lists each row's keys in [`JSON_KEYS`].
    fn json_extraction(
        &mut self,
        text: &str,
        paths: &[(JsonPath, SlotId)],
    ) -> Result<Extraction, SqlError> {
        let valid = format!("COALESCE({}, FALSE)", self.dialect.json_valid(text));
        let mut fields = Vec::new();
        if paths.is_empty() {
            let object = self.dialect.regex_match(text, r"^\s*[{]");
            let previous = self.previous();
            self.stages.push(format!(
                "SELECT *, {} AS {JSON_KEYS} FROM {previous}",
                self.dialect
                    .json_keys(&format!("(CASE WHEN {valid} AND {object} THEN {text} END)"))
            ));
            let lowered = self.dialect.lower_each(JSON_KEYS);
            for (slot, name) in self.plan.schema.iter() {
                let wanted = self.dialect.lower(&self.dialect.string(name));
                let position = self.dialect.last_position(&lowered, &wanted);
                let key = self.dialect.element(JSON_KEYS, &position);
                let member = self.dialect.json_member_named(text, &key);
                let value = format!("(CASE WHEN {position} > 0 THEN {member} END)");
                fields.push((slot, value.clone(), Some(format!("{value} IS NOT NULL"))));
            }
            return Ok(Extraction {
                matched: format!("({valid} AND {object})"),
                fields,
            });
        }
        for (path, slot) in paths {
            if path.steps.contains(&JsonStep::Wildcard) {
                return Err(SqlError::new(
                    format!("json \"{}\"", path.written),
                    "a wildcard path gives the JSON array of every value it reaches, which is not translated to SQL",
                ));
            }
            let member = self.dialect.json_member(text, &path.steps);
            let value = format!("(CASE WHEN {valid} THEN {member} END)");
            fields.push((*slot, value.clone(), Some(format!("{value} IS NOT NULL"))));
        }
        let any: Vec<String> = fields
            .iter()
            .filter_map(|(_, _, present)| present.clone())
            .collect();
        Ok(Extraction {
            matched: format!("({})", any.join(" OR ")),
            fields,
        })
    }

    /// `kv "k" as x` (the first pair of each key) and `kv auto` (every field of the query named
    /// like a key in any letter case, the last pair winning), with the pairs read as the
    /// native scanner reads them: a stage first lists each row's tokens, their keys in
    /// [`KV_KEYS`] (in lower case for `kv auto`) and their value tokens in [`KV_VALUES`], and
    /// each field is then the value at its key's place in that list.
    fn key_value_extraction(&mut self, text: &str, keys: &[(String, SlotId)]) -> Extraction {
        let token = kv_token();
        let found_keys = self.dialect.regex_extract_all(text, &token, 1);
        let (found_keys, wanted) = if keys.is_empty() {
            let wanted: Vec<(String, SlotId)> = self
                .plan
                .schema
                .iter()
                .map(|(slot, name)| (self.dialect.lower(&self.dialect.string(name)), slot))
                .collect();
            (self.dialect.lower_each(&found_keys), wanted)
        } else {
            let wanted = keys
                .iter()
                .map(|(key, slot)| (self.dialect.string(key), *slot))
                .collect();
            (found_keys, wanted)
        };
        let values = self.dialect.regex_extract_all(text, &token, 2);
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, {found_keys} AS {KV_KEYS}, {values} AS {KV_VALUES} FROM {previous}"
        ));
        let mut fields = Vec::new();
        for (key, slot) in wanted {
            let position = if keys.is_empty() {
                self.dialect.last_position(KV_KEYS, &key)
            } else {
                self.dialect.first_position(KV_KEYS, &key)
            };
            let value = self.dialect.element(KV_VALUES, &position);
            fields.push((slot, self.unquoted(&value), Some(format!("{position} > 0"))));
        }
        let matched = if keys.is_empty() {
            self.dialect.regex_match(text, &any_pair())
        } else {
            let any: Vec<String> = fields
                .iter()
                .filter_map(|(_, _, present)| present.clone())
                .map(|present| format!("COALESCE({present}, FALSE)"))
                .collect();
            format!("({})", any.join(" OR "))
        };
        Extraction { matched, fields }
    }

    /// `keyvalue regex` with `pattern` of one or two `groups`. With two groups, each match is a pair (the first group the key, the
    /// second its value; a stage lists them as `kv` does) and a key takes its first pair's
    /// value. With one group, a key's value is the group in the first match at or after the
    /// end of the key's first occurrence. A key with no value is null.
    fn key_value_regex_extraction(
        &mut self,
        text: &str,
        pattern: &str,
        groups: usize,
        keys: &[(String, SlotId)],
    ) -> Result<Extraction, SqlError> {
        let refuse = |why: &str| Err(SqlError::new("keyvalue regex", why));
        if (1..=groups).any(|group| !group_always_takes_part(pattern, group)) {
            return refuse("a group that can take no part in a match is empty text in SQL, where sumoql skips it");
        }
        let mut fields = Vec::new();
        if groups == 2 {
            if !never_matches_empty(pattern) {
                return refuse("a regex that can match empty text steps through its matches otherwise in each engine");
            }
            let found_keys = self.dialect.regex_extract_all(text, pattern, 1);
            let values = self.dialect.regex_extract_all(text, pattern, 2);
            let previous = self.previous();
            self.stages.push(format!(
                "SELECT *, {found_keys} AS {KV_KEYS}, {values} AS {KV_VALUES} FROM {previous}"
            ));
            for (key, slot) in keys {
                let position = self
                    .dialect
                    .first_position(KV_KEYS, &self.dialect.string(key));
                let value = self.dialect.element(KV_VALUES, &position);
                fields.push((
                    *slot,
                    format!("(CASE WHEN {position} > 0 THEN {value} END)"),
                    None,
                ));
            }
        } else {
            if has_look_around(pattern) {
                return refuse("with one group the search starts after the key, where an anchor or a word boundary would read the text before it in sumoql");
            }
            for (key, slot) in keys {
                let position = self.dialect.text_position(text, &self.dialect.string(key));
                let after = self.dialect.substring(
                    text,
                    &format!("{position} + {}", key.chars().count()),
                    None,
                );
                let value = format!(
                    "(CASE WHEN {position} > 0 AND {} THEN {} END)",
                    self.dialect.regex_match(&after, pattern),
                    self.dialect.regex_extract(&after, pattern, 1)
                );
                fields.push((*slot, value, None));
            }
        }
        let any: Vec<String> = fields
            .iter()
            .map(|(_, value, _)| format!("{value} IS NOT NULL"))
            .collect();
        Ok(Extraction {
            matched: format!("({})", any.join(" OR ")),
            fields,
        })
    }

    /// A `kv` value token without its quotes and backslash escapes.
    fn unquoted(&self, token: &str) -> String {
        let mut cases = String::new();
        for quote in ['"', '\''] {
            let starts = self.dialect.regex_match(
                token,
                &format!("^{}", crate::dialect::escape_regex(&quote.to_string())),
            );
            let content = self.dialect.regex_extract(token, &quoted_content(quote), 1);
            let unescaped =
                self.dialect
                    .regex_replace(&content, BACKSLASH_ESCAPE, &[Piece::Group(1)]);
            cases.push_str(&format!(" WHEN {starts} THEN {unescaped}"));
        }
        format!("(CASE{cases} ELSE {token} END)")
    }

    /// `csv` and `split`: the cell at each position, its quotes and escapes read as the native
    /// splitter reads them; null past the last cell.
    fn delimited_extraction(
        &self,
        text: &str,
        delimiter: char,
        quote: char,
        escape: char,
        columns: &[(usize, SlotId)],
    ) -> Result<Extraction, SqlError> {
        let mut fields = Vec::new();
        for &(position, slot) in columns {
            let Some(pattern) = delimited_cell(position, delimiter, quote, escape) else {
                return Err(SqlError::new(
                    "csv and split",
                    "the delimiter, quote and escape characters must differ for SQL to tell them apart",
                ));
            };
            let cell = self.dialect.regex_extract(text, &pattern, 1);
            let kept = self.dialect.regex_replace(
                &cell,
                &cell_marks(quote, escape),
                &[Piece::Group(1), Piece::Group(2)],
            );
            let matches = self.dialect.regex_match(text, &pattern);
            fields.push((slot, format!("(CASE WHEN {matches} THEN {kept} END)"), None));
        }
        Ok(Extraction {
            matched: "TRUE".to_string(),
            fields,
        })
    }
}
