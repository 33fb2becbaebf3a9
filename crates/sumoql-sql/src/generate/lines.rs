//! Log lines read as `sumoql run` reads them: blank lines skipped; a line whose first
//! non-blank character is `{` a JSON object whose members are fields (or a malformed line,
//! left out); any other line a text record whose syslog header gives `_messageTime` and
//! `_sourceHost`, and which the first extraction rule that detects its message turns into
//! fields (`queries/parsers/`).

use std::borrow::Cow;
use std::collections::HashMap;

use sumoql_plan::JsonStep;
use sumoql_value::time::{MONTHS, ZONE_ABBREVIATIONS};

use super::{Generator, MESSAGE_TIME};
use crate::dialect::{FILE, LINE, ORDER};
use crate::expr::Kind;
use crate::{RawRule, SqlError};

/// The hidden column that says whether a line is a JSON object.
const IS_JSON: &str = "sumoql_is_json";

/// The prefix of the hidden columns that hold the members a line's time may come from.
const TIME_MEMBER: &str = "sumoql_time_member";

/// The hidden columns of a text line's syslog header: its time (epoch milliseconds), its
/// host, and the message after it, which extraction rules are detected by.
const HEADER_TIME: &str = "sumoql_header_time";
const HEADER_HOST: &str = "sumoql_header_host";
const BODY: &str = "sumoql_body";

/// The hidden columns of a text line's extraction rule: its number in detection order, and
/// the `_sourceCategory` it gives.
const RULE: &str = "sumoql_rule";
const CATEGORY: &str = "sumoql_category";

/// The hidden column of a text line's time as its rule or header gives it.
const TEXT_TIME: &str = "sumoql_text_time";

/// The hidden column of a JSON object's time as the rule that normalises it gives it.
const JSON_RULE_TIME: &str = "sumoql_json_rule_time";

/// The time a record was read: the run's "now".
pub(super) const RECEIPT_TIME: &str = "_receiptTime";

/// The members tried, in order, for a JSON object's time (D9, as the native reader does):
/// `_messageTime`, then the usual timestamp keys.
const TIME_KEYS: [&str; 6] = [
    MESSAGE_TIME,
    "timestamp",
    "@timestamp",
    "time",
    "_time",
    "eventTime",
];

/// The optional spaces and `<PRI>` before a syslog header.
const PRIORITY: &str = r"^[ \t]*(?:<[0-9]{1,3}>)?";

impl<'a> Generator<'a> {
    /// The stages that read the lines of `relation` (whose columns are the line, its file and
    /// its order) into one column per field the plan reads.
    pub(super) fn read_lines(&mut self, relation: &str) -> Result<(), SqlError> {
        let json = self.dialect.regex_match(LINE, r"^[ \t\n\f\r]*[{]");
        let blank = self.dialect.regex_match(LINE, r"^\s*$");
        self.stages.push(format!(
            "SELECT {LINE}, {FILE}, COALESCE({json}, FALSE) AS {IS_JSON}, {ORDER} \
             FROM {relation} WHERE {LINE} IS NOT NULL AND NOT COALESCE({blank}, FALSE)"
        ));
        let names: Vec<String> = self
            .plan
            .read
            .fields
            .iter()
            .map(|(name, _)| name.clone())
            .collect();
        let reads_time = names.iter().any(|n| n == MESSAGE_TIME);
        let json_only = self.options.json_only;
        let reads_fields = names
            .iter()
            .any(|n| !matches!(n.as_str(), "_raw" | "_sourceName" | RECEIPT_TIME));
        let reads_text_fields = !json_only && reads_fields;
        let rules: Vec<&RawRule> = if reads_text_fields {
            self.options.raw_rules.iter().collect()
        } else {
            Vec::new()
        };
        if reads_text_fields {
            self.syslog_header();
            self.detect_rules(&rules);
        }
        let head_index = self.stages.len() - 1;
        let head = self.previous();
        let mut rule_stages = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if self.scope_rejects(rule) {
                // Its lines keep their category, which the scope then leaves out.
                continue;
            }
            if let Some(output) = self.applied_rule(rule, &head, &names, RuleLines::Text(index)) {
                rule_stages.push(output);
            }
        }
        let json_rule = match &self.options.json_rule {
            Some(rule) if reads_fields => self.applied_rule(rule, &head, &names, RuleLines::Json),
            _ => None,
        };
        if !rule_stages.is_empty() || json_rule.is_some() {
            // Each rule's stages read the lines, and so does the stage that joins them back.
            self.shared_stage = Some(head_index);
        }
        let receipt = self.receipt();
        // The members that may hold the time (D9), in the order they are tried.
        let time_keys: &[&str] = if reads_time { &TIME_KEYS } else { &[] };
        let mut select: Vec<String> = Vec::new();
        for name in names.iter().filter(|n| *n != MESSAGE_TIME) {
            let json_value = match name.as_str() {
                "_raw" => LINE.to_string(),
                "_sourceName" => FILE.to_string(),
                RECEIPT_TIME => receipt.clone(),
                _ => self.json_field(name, json_rule.as_ref()),
            };
            let value = match (name.as_str(), reads_text_fields) {
                ("_raw" | "_sourceName" | RECEIPT_TIME, _) | (_, false) => json_value,
                _ => format!(
                    "(CASE WHEN {IS_JSON} THEN {json_value} ELSE {} END)",
                    self.text_field(name, &rule_stages, false)
                ),
            };
            select.push(format!("{value} AS {}", self.dialect.identifier(name)));
        }
        for (index, key) in time_keys.iter().enumerate() {
            select.push(format!(
                "{} AS {TIME_MEMBER}{index}",
                self.member_of_line(key)
            ));
        }
        if reads_time && reads_text_fields {
            select.push(format!(
                "(CASE WHEN NOT {IS_JSON} THEN {} END) AS {TEXT_TIME}",
                self.text_field(MESSAGE_TIME, &rule_stages, true)
            ));
        }
        let json_rule_time = json_rule
            .as_ref()
            .filter(|_| reads_time)
            .and_then(|rule| rule.column(MESSAGE_TIME, self));
        if let Some(time) = &json_rule_time {
            let writer = self.writer();
            select.push(format!(
                "{} AS {JSON_RULE_TIME}",
                self.dialect.truncate_to_long(&writer.number(time).text)
            ));
        }
        select.push(format!("{head}.{ORDER} AS {ORDER}"));
        let joins: String = rule_stages
            .iter()
            .chain(&json_rule)
            .map(|rule| {
                let stage = &rule.stage;
                format!(" LEFT JOIN {stage} ON {head}.{ORDER} = {stage}.{ORDER}")
            })
            .collect();
        self.stages.push(format!(
            "SELECT {} FROM {head}{joins} WHERE {}{}",
            select.join(", "),
            if json_only {
                format!("{IS_JSON} AND ")
            } else {
                format!("NOT {IS_JSON} OR ")
            },
            self.dialect.json_valid(LINE)
        ));
        if reads_time {
            let mut times: Vec<String> = json_rule_time
                .iter()
                .map(|_| JSON_RULE_TIME.to_string())
                .chain(
                    (0..time_keys.len())
                        .map(|index| self.time_of(&format!("{TIME_MEMBER}{index}"))),
                )
                .collect();
            if reads_text_fields {
                times.push(TEXT_TIME.to_string());
            }
            times.push(receipt);
            let select: Vec<String> = names
                .iter()
                .map(|name| {
                    let column = self.dialect.identifier(name);
                    if name == MESSAGE_TIME {
                        format!("COALESCE({}) AS {column}", times.join(", "))
                    } else {
                        column
                    }
                })
                .collect();
            let previous = self.previous();
            self.stages.push(format!(
                "SELECT {}, {ORDER} FROM {previous}",
                select.join(", ")
            ));
        }
        for time in [MESSAGE_TIME, RECEIPT_TIME] {
            if let Some(slot) = self.plan.schema.slot(time) {
                self.kinds.insert(slot, Kind::Integer);
            }
        }
        Ok(())
    }

    /// Whether the query's scope leaves out every line of `rule`, whatever its fields: it asks
    /// for a `_sourceCategory` the rule's lines do not have. A scope with a subquery is not
    /// judged: its placeholder is no condition of its own.
    fn scope_rejects(&self, rule: &RawRule) -> bool {
        if !self.plan.subqueries.is_empty() {
            return false;
        }
        let category = self.plan.schema.slot("_sourceCategory");
        let lines_category = self.options.category.as_ref().or(rule.category.as_ref());
        let judged = self.plan.scope.judge(&|slot| {
            (Some(slot) == category).then(|| lines_category.map(|c| Cow::Borrowed(c.as_str())))
        });
        judged == Some(false)
    }

    /// The stage that chooses each text line's extraction rule: the forced one
    /// (`--parser`), else the first of `rules` whose detect patterns all match the line's
    /// message; and the category it gets: the run's (`--source-category`), else its rule's.
    fn detect_rules(&mut self, rules: &[&RawRule]) {
        let category_of = |rule: &RawRule| match &rule.category {
            Some(name) => self.dialect.string(name),
            None => format!("CAST(NULL AS {})", self.dialect.text_type()),
        };
        let (rule, category) = match self
            .options
            .forced_rule
            .and_then(|i| Some((i, rules.get(i)?)))
        {
            Some((index, rule)) => (
                format!("(CASE WHEN {IS_JSON} THEN NULL ELSE {index} END)"),
                format!(
                    "(CASE WHEN {IS_JSON} THEN NULL ELSE {} END)",
                    category_of(rule)
                ),
            ),
            None => {
                let mut choose = String::new();
                let mut category = String::new();
                for (index, rule) in rules.iter().enumerate() {
                    if rule.detect.is_empty() {
                        continue;
                    }
                    let all: Vec<String> = rule
                        .detect
                        .iter()
                        .map(|pattern| {
                            format!(
                                "COALESCE({}, FALSE)",
                                self.dialect.regex_match(BODY, pattern)
                            )
                        })
                        .collect();
                    let condition = all.join(" AND ");
                    choose.push_str(&format!(" WHEN {condition} THEN {index}"));
                    category.push_str(&format!(" WHEN {condition} THEN {}", category_of(rule)));
                }
                if choose.is_empty() {
                    (
                        "CAST(NULL AS INTEGER)".to_string(),
                        format!("CAST(NULL AS {})", self.dialect.text_type()),
                    )
                } else {
                    (
                        format!("(CASE WHEN {IS_JSON} THEN NULL{choose} END)"),
                        format!("(CASE WHEN {IS_JSON} THEN NULL{category} END)"),
                    )
                }
            }
        };
        let category = match &self.options.category {
            Some(name) => format!(
                "(CASE WHEN {IS_JSON} THEN NULL ELSE {} END)",
                self.dialect.string(name)
            ),
            None => category,
        };
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT *, {rule} AS {RULE}, {category} AS {CATEGORY} FROM {previous}"
        ));
    }

    /// The stages of `rule` over `lines` of stage `head`, or `None` (with a warning) when
    /// the rule has no SQL form: its lines then stay as they are read.
    fn applied_rule(
        &mut self,
        rule: &RawRule,
        head: &str,
        names: &[String],
        lines: RuleLines,
    ) -> Option<RuleOutput> {
        let before = self.stages.len();
        match self.rule_stages(rule, head, names, lines) {
            Ok(output) => Some(output),
            Err(error) => {
                self.stages.truncate(before);
                let kept = match lines {
                    RuleLines::Text(_) => {
                        "its lines keep only `_raw`, their header's fields and the rule's category"
                    }
                    RuleLines::Json => "its JSON objects keep their own fields",
                };
                self.warnings.push(format!(
                    "extraction rule `{}` is not applied in SQL ({error}): {kept}",
                    rule.name
                ));
                None
            }
        }
    }

    /// The stages of extraction rule `rule` over `lines` of stage `head`, as the same
    /// generator writes any query; the query's own fields (`names`) join the rule's, so that
    /// its `kv auto` and `json auto` fill them as natively.
    fn rule_stages(
        &mut self,
        rule: &RawRule,
        head: &str,
        names: &[String],
        lines: RuleLines,
    ) -> Result<RuleOutput, SqlError> {
        let mut plan = rule.plan.clone();
        for name in names {
            plan.schema.intern(name);
        }
        let receipt = self.receipt();
        let select: Vec<String> = plan
            .read
            .fields
            .iter()
            .map(|(name, _)| {
                let value = match (name.as_str(), lines) {
                    ("_raw", _) => LINE.to_string(),
                    ("_sourceName", _) => FILE.to_string(),
                    (RECEIPT_TIME, _) => receipt.clone(),
                    (MESSAGE_TIME, RuleLines::Text(_)) => {
                        format!("COALESCE({HEADER_TIME}, {receipt})")
                    }
                    ("_sourceHost", RuleLines::Text(_)) => HEADER_HOST.to_string(),
                    ("_sourceCategory", RuleLines::Text(_)) => CATEGORY.to_string(),
                    (_, RuleLines::Text(_)) => {
                        format!("CAST(NULL AS {})", self.dialect.text_type())
                    }
                    (MESSAGE_TIME, RuleLines::Json) => self.json_time(),
                    (_, RuleLines::Json) => self.json_field(name, None),
                };
                format!("{value} AS {}", self.dialect.identifier(name))
            })
            .collect();
        let mut kinds = HashMap::new();
        for time in [MESSAGE_TIME, RECEIPT_TIME] {
            if let Some(slot) = plan.schema.slot(time) {
                kinds.insert(slot, Kind::Integer);
            }
        }
        let mut rule_generator =
            Generator::new(&plan, self.options, std::mem::take(&mut self.stages));
        rule_generator.columns = plan.read.fields.iter().map(|(_, slot)| *slot).collect();
        rule_generator.kinds = kinds;
        let mut select = select;
        select.push(ORDER.to_string());
        let condition = match lines {
            RuleLines::Text(index) => format!("NOT {IS_JSON} AND {RULE} = {index}"),
            RuleLines::Json => format!("{IS_JSON} AND {}", self.dialect.json_valid(LINE)),
        };
        rule_generator.stages.push(format!(
            "SELECT {} FROM {head} WHERE {condition}",
            select.join(", ")
        ));
        let result = plan
            .operators
            .iter()
            .try_for_each(|operator| rule_generator.operator(operator));
        let stage = rule_generator.previous();
        let columns = rule_generator
            .columns
            .iter()
            .map(|slot| {
                let kind = rule_generator
                    .kinds
                    .get(slot)
                    .copied()
                    .unwrap_or(Kind::Text);
                let name = plan.schema.name(*slot);
                (name.to_lowercase(), (name.to_string(), kind))
            })
            .collect();
        self.stages = std::mem::take(&mut rule_generator.stages);
        result?;
        Ok(RuleOutput {
            stage,
            columns,
            evidence: rule.evidence.clone(),
            category: rule.category.clone(),
        })
    }

    /// The time of a JSON object (D9): its first time member that reads, else "now".
    fn json_time(&self) -> String {
        let times: Vec<String> = TIME_KEYS
            .iter()
            .map(|key| self.time_of(&self.member_of_line(key)))
            .chain([self.receipt()])
            .collect();
        format!("COALESCE({})", times.join(", "))
    }

    /// The field `name` of a JSON object, as text: the value `rule` (the rule that normalises
    /// the objects) gives it when not null, else the object's member; a `_sourceCategory`
    /// the object lacks is the run's category, else the rule's for the objects it kept.
    fn json_field(&self, name: &str, rule: Option<&RuleOutput>) -> String {
        let mut values = Vec::new();
        if let Some(column) = rule.and_then(|rule| rule.column(name, self)) {
            values.push(self.writer().text(&column));
        }
        values.push(self.member_of_line(name));
        if name == "_sourceCategory" {
            values.extend(
                self.options
                    .category
                    .as_deref()
                    .map(|c| self.dialect.string(c)),
            );
            if let Some((stage, category)) =
                rule.and_then(|rule| Some((&rule.stage, rule.category.as_deref()?)))
            {
                values.push(format!(
                    "(CASE WHEN {stage}.{ORDER} IS NOT NULL THEN {} END)",
                    self.dialect.string(category)
                ));
            }
        }
        if values.len() == 1 {
            return values.remove(0);
        }
        format!("COALESCE({})", values.join(", "))
    }

    /// A stage that keeps every column of the last one and adds `columns` (name, value), each
    /// computed once so that the next stages read it by name.
    fn add_columns(&mut self, columns: &[(&str, String)]) {
        let added: Vec<String> = columns
            .iter()
            .map(|(name, value)| format!("{value} AS {name}"))
            .collect();
        let previous = self.previous();
        self.stages
            .push(format!("SELECT *, {} FROM {previous}", added.join(", ")));
    }

    /// The JSON member `name` of a line, as text, null on a text line: a dotted name is the
    /// member so named, else the path through nested objects.
    fn member_of_line(&self, name: &str) -> String {
        let whole = self
            .dialect
            .json_member(LINE, &[JsonStep::Key(name.to_string())]);
        let member = if name.contains('.') {
            let path: Vec<JsonStep> = name
                .split('.')
                .map(|key| JsonStep::Key(key.to_string()))
                .collect();
            format!(
                "COALESCE({whole}, {})",
                self.dialect.json_member(LINE, &path)
            )
        } else {
            whole
        };
        format!("CASE WHEN {IS_JSON} THEN {member} END")
    }

    /// The field `name` of a text line: the value of the rule that parsed it, when not null
    /// (as the native overlay copies a rule's fields), else the line's metadata (the header's
    /// time and host, the rule's category), else null; as a whole number (the time, in
    /// epoch milliseconds) when `number`, else as text.
    fn text_field(&self, name: &str, rules: &[RuleOutput], number: bool) -> String {
        let metadata = match name {
            MESSAGE_TIME => HEADER_TIME.to_string(),
            "_sourceHost" => HEADER_HOST.to_string(),
            "_sourceCategory" => CATEGORY.to_string(),
            _ => format!("CAST(NULL AS {})", self.dialect.text_type()),
        };
        let writer = self.writer();
        let mut cases = String::new();
        for rule in rules {
            let Some(sql) = rule.column(name, self) else {
                continue;
            };
            let value = if number {
                self.dialect.truncate_to_long(&writer.number(&sql).text)
            } else {
                writer.text(&sql)
            };
            cases.push_str(&format!(
                " WHEN {} AND {value} IS NOT NULL THEN {value}",
                rule.parsed(self)
            ));
        }
        if cases.is_empty() {
            return metadata;
        }
        format!("(CASE{cases} ELSE {metadata} END)")
    }

    /// The stages that read a text line's syslog header as the native reader does: RFC 5424
    /// (`1 TIME HOST APP PROCID MSGID SD`), RFC 3164 (`Mmm dd [yyyy] hh:mm:ss[.f][:] [ZONE]
    /// HOST`), or an ISO-8601 time first, each after an optional `<PRI>`. A year-less time gets
    /// the latest year that does not put it after "now"; a zone-less time is UTC.
    fn syslog_header(&mut self) {
        let d = self.dialect;
        let text = |column: &str| format!("(CASE WHEN NOT {IS_JSON} THEN {column} END)");
        let line = text(LINE);
        let rfc5424 = format!(
            r#"{PRIORITY}1[ \t]+([^ \t]*)[ \t]+([^ \t]*)[ \t]+[^ \t]*[ \t]+[^ \t]*[ \t]+[^ \t]*[ \t]*(?:-(?:[ \t]|$)|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+)?[ \t]*(.*)$"#
        );
        let months = MONTHS.join("|");
        let rfc3164 = format!(
            r"{PRIORITY}({months})[ \t]+([0-9]{{1,2}})[ \t]+(?:([0-9]{{4}})[ \t]+)?([0-9]{{1,2}}):([0-9]{{2}}):([0-9]{{2}})((?:[.][0-9]+)?)(:?)((?:[ \t].*)?)$"
        );
        let iso = format!(r"{PRIORITY}([^ \t]+)(.*)$");
        let columns = [
            format!("{LINE}, {FILE}, {IS_JSON}, {ORDER}"),
            format!("{} AS sumoql_5424", d.regex_match(&line, &rfc5424)),
            format!(
                "{} AS sumoql_5424_time",
                d.regex_extract(&line, &rfc5424, 1)
            ),
            format!(
                "{} AS sumoql_5424_host",
                d.regex_extract(&line, &rfc5424, 2)
            ),
            format!(
                "{} AS sumoql_5424_body",
                d.regex_extract(&line, &rfc5424, 3)
            ),
            format!("{} AS sumoql_3164", d.regex_match(&line, &rfc3164)),
        ]
        .into_iter()
        .chain(
            [
                "month", "day", "year", "hour", "minute", "second", "fraction", "colon", "rest",
            ]
            .iter()
            .enumerate()
            .map(|(index, part)| {
                format!(
                    "{} AS sumoql_3164_{part}",
                    d.regex_extract(&line, &rfc3164, index + 1)
                )
            }),
        )
        .chain([
            format!("{} AS sumoql_iso_token", d.regex_extract(&line, &iso, 1)),
            format!("{} AS sumoql_iso_rest", d.regex_extract(&line, &iso, 2)),
            format!(
                "{} AS sumoql_after_priority",
                d.regex_extract(&line, &format!("{PRIORITY}(.*)$"), 1)
            ),
        ]);
        let columns: Vec<String> = columns.collect();
        let previous = self.previous();
        self.stages
            .push(format!("SELECT {} FROM {previous}", columns.join(", ")));

        // RFC 3164: the zone token after the time, when the time has no trailing colon; the
        // ISO form's first token without a trailing colon; RFC 5424's time.
        let rest = "sumoql_3164_rest";
        let next_token = d.regex_extract(rest, r"^[ \t]+([^ \t]+)", 1);
        let next_name = d.regex_extract(&next_token, r"^(.*?):?$", 1);
        let mut zones: Vec<String> = ZONE_ABBREVIATIONS
            .iter()
            .map(|(name, minutes)| format!("WHEN {next_name} = '{name}' THEN {minutes}"))
            .collect();
        let numeric = r"^([+-])([0-9]{2}):?([0-9]{2})$";
        let minutes = format!(
            "(CASE WHEN {} = '-' THEN -1 ELSE 1 END) * ({} * 60 + {})",
            d.regex_extract(&next_name, numeric, 1),
            d.text_to_double(&d.regex_extract(&next_name, numeric, 2)),
            d.text_to_double(&d.regex_extract(&next_name, numeric, 3)),
        );
        zones.push(format!(
            "WHEN {} THEN {}",
            d.regex_match(&next_name, numeric),
            d.truncate_to_long(&minutes)
        ));
        let receipt = self.receipt();
        self.add_columns(&[
            (
                "sumoql_3164_offset",
                format!(
                    "(CASE WHEN sumoql_3164_colon = '' THEN (CASE {} END) END)",
                    zones.join(" ")
                ),
            ),
            (
                "sumoql_iso_name",
                d.regex_extract("sumoql_iso_token", r"^(.*?):?$", 1),
            ),
            (
                "sumoql_this_year",
                d.format_date(&receipt, "yyyy").unwrap_or_default(),
            ),
            (
                "sumoql_5424_ms",
                format!(
                    "(CASE WHEN sumoql_5424_time <> '-' THEN {} END)",
                    self.time_of("sumoql_5424_time")
                ),
            ),
        ]);
        // RFC 3164's time (a year-less one in this year, else the last), what follows it, and
        // the ISO form's time.
        let pad = |column: &str| format!("lpad({column}, 2, '0')");
        let month_number: Vec<String> = MONTHS
            .iter()
            .enumerate()
            .map(|(index, name)| format!("WHEN '{name}' THEN '{:02}'", index + 1))
            .collect();
        let instant = |year: &str| {
            let local = format!(
                "{year} || '-' || (CASE sumoql_3164_month {} END) || '-' || {} || 'T' || {} || ':' || sumoql_3164_minute || ':' || sumoql_3164_second || sumoql_3164_fraction || 'Z'",
                month_number.join(" "),
                pad("sumoql_3164_day"),
                pad("sumoql_3164_hour"),
            );
            format!(
                "({} - 60000 * COALESCE(sumoql_3164_offset, 0))",
                d.iso_millis(&local)
            )
        };
        let last_year = format!(
            "CAST({} - 1 AS {})",
            d.truncate_to_long(&d.text_to_double("sumoql_this_year")),
            d.text_type()
        );
        self.add_columns(&[
            (
                "sumoql_3164_ms",
                format!(
                    "(CASE WHEN sumoql_3164_year <> '' THEN {} WHEN {} <= {receipt} THEN {} ELSE {} END)",
                    instant("sumoql_3164_year"),
                    instant("sumoql_this_year"),
                    instant("sumoql_this_year"),
                    instant(&last_year)
                ),
            ),
            (
                "sumoql_3164_after",
                format!(
                    "(CASE WHEN sumoql_3164_offset IS NOT NULL THEN {} ELSE {rest} END)",
                    d.regex_extract(rest, r"^[ \t]+[^ \t]+(.*)$", 1)
                ),
            ),
            (
                "sumoql_iso_ms",
                format!(
                    "(CASE WHEN {} AND {} THEN {} END)",
                    d.regex_match("sumoql_iso_name", r"^[^ \t]{4}-[^ \t]{2}-[^ \t]{2,}$"),
                    d.regex_match("sumoql_iso_name", "T"),
                    self.time_of("sumoql_iso_name")
                ),
            ),
        ]);
        // Which form the header has: RFC 5424 when its time reads (or is `-`), else RFC 3164,
        // else ISO-8601, else none.
        self.add_columns(&[(
            "sumoql_form",
            "(CASE WHEN COALESCE(sumoql_5424 AND (sumoql_5424_time = '-' OR sumoql_5424_ms IS NOT NULL), FALSE) THEN 5424 \
             WHEN COALESCE(sumoql_3164, FALSE) AND sumoql_3164_ms IS NOT NULL THEN 3164 \
             WHEN sumoql_iso_ms IS NOT NULL THEN 8601 END)"
                .to_string(),
        )]);
        // The host after the time (RFC 3164 and ISO): the next token, unless it is a vendor
        // tag (`%ASA-…`), a key=value pair or a CSV record; a trailing `:` is dropped.
        self.add_columns(&[(
            "sumoql_after",
            "(CASE sumoql_form WHEN 3164 THEN sumoql_3164_after ELSE sumoql_iso_rest END)"
                .to_string(),
        )]);
        self.add_columns(&[
            (
                "sumoql_token",
                d.regex_extract("sumoql_after", r"^[ \t]*([^ \t]*)", 1),
            ),
            (
                "sumoql_past_host",
                d.regex_extract("sumoql_after", r"^[ \t]*[^ \t]*[ \t]*(.*)$", 1),
            ),
            (
                "sumoql_at_token",
                d.regex_extract("sumoql_after", r"^[ \t]*(.*)$", 1),
            ),
        ]);
        self.add_columns(&[(
            "sumoql_host_name",
            d.regex_extract("sumoql_token", r"^(.*?):?$", 1),
        )]);
        self.add_columns(&[(
            "sumoql_host_like",
            format!(
                "COALESCE({}, FALSE)",
                d.regex_match("sumoql_host_name", r#"^[^%=,\["][^=,\["]*$"#)
            ),
        )]);
        let previous = self.previous();
        self.stages.push(format!(
            "SELECT {LINE}, {FILE}, {IS_JSON}, {ORDER}, \
             (CASE sumoql_form WHEN 5424 THEN sumoql_5424_ms WHEN 3164 THEN sumoql_3164_ms WHEN 8601 THEN sumoql_iso_ms END) AS {HEADER_TIME}, \
             (CASE sumoql_form WHEN 5424 THEN (CASE WHEN sumoql_5424_host NOT IN ('', '-') THEN sumoql_5424_host END) \
              WHEN 3164 THEN (CASE WHEN sumoql_host_like THEN sumoql_host_name END) \
              WHEN 8601 THEN (CASE WHEN sumoql_host_like THEN sumoql_host_name END) END) AS {HEADER_HOST}, \
             (CASE sumoql_form WHEN 5424 THEN sumoql_5424_body \
              WHEN 3164 THEN (CASE WHEN sumoql_host_like OR sumoql_token = ':' THEN sumoql_past_host ELSE sumoql_at_token END) \
              WHEN 8601 THEN (CASE WHEN sumoql_host_like OR sumoql_token = ':' THEN sumoql_past_host ELSE sumoql_at_token END) \
              ELSE sumoql_after_priority END) AS {BODY} \
             FROM {previous}"
        ));
    }
}

/// The lines an extraction rule runs over.
#[derive(Clone, Copy)]
enum RuleLines {
    /// The text lines that detection (or `--parser`) chose rule number N for.
    Text(usize),
    /// The JSON objects.
    Json,
}

/// The last stage of one extraction rule's pipeline, joined to the lines by their order.
struct RuleOutput {
    /// The stage's name.
    stage: String,
    /// Each of its columns, by field name in lower case (names match whatever their case,
    /// as the schema's do): its name as the stage writes it, and its kind.
    columns: HashMap<String, (String, Kind)>,
    /// The fields of which one must be set for a line to count as parsed.
    evidence: Vec<String>,
    /// The `_sourceCategory` the rule gives.
    category: Option<String>,
}

impl RuleOutput {
    /// The rule's column `name`, when its pipeline has one.
    fn column(&self, name: &str, generator: &Generator<'_>) -> Option<crate::expr::Sql> {
        let (column, kind) = self.columns.get(&name.to_lowercase())?;
        Some(crate::expr::Sql {
            text: format!("{}.{}", self.stage, generator.dialect.identifier(column)),
            kind: *kind,
        })
    }

    /// Whether the rule parsed the line: its pipeline kept it and set an evidence field.
    fn parsed(&self, generator: &Generator<'_>) -> String {
        let mut evidence: Vec<String> = self
            .evidence
            .iter()
            .filter_map(|name| self.column(name, generator))
            .map(|column| format!("{} IS NOT NULL", column.text))
            .collect();
        if evidence.is_empty() {
            evidence.push("FALSE".to_string());
        }
        format!(
            "({}.{ORDER} IS NOT NULL AND ({}))",
            self.stage,
            evidence.join(" OR ")
        )
    }
}
