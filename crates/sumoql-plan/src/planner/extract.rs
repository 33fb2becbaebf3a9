//! Planning the extraction stages (`parse`, `parse regex`, `json`, `keyvalue`, `csv`, `split`)
//! and the `matches` operator.
//!
//! Fields named in the query (`as` names, regex groups, json keys) get slots here. `json auto`
//! and `kv auto` extract keys unknown until run time: the stage writes a key the schema names
//! into its slot, and any other key onto the record as an extra source field, so it shows when
//! whole records are output but cannot be used by later stages.

use sumoql_syntax::ast::{Delimited, Expr, Extract, ExtractKind, KeyList, MatchPattern, Name};
use sumoql_syntax::{codes, Diagnostic, Span, Spanned};
use sumoql_value::{SlotId, Value};

use super::Planner;
use crate::expr::PlanExpr;
use crate::extract::{Extractor, JsonPath, XmlPath};
use crate::pattern::{anchor_regex, compile, TextPattern};
use crate::plan::Operator;

impl Planner<'_> {
    /// Plans one extraction stage; on an error, records it and adds no operator.
    pub(super) fn extract(&mut self, extract: &Extract, span: Span, operators: &mut Vec<Operator>) {
        let source = match &extract.source {
            Some(name) => self.read_field(&name.node, name.span),
            None => self.read_field("_raw", span),
        };
        let extractor = match &extract.kind {
            ExtractKind::Anchor { pattern, names } => self.anchor(pattern, names),
            ExtractKind::Regex { pattern, multi } => self.named_groups(pattern, *multi),
            ExtractKind::Json(keys) => self.json(keys),
            ExtractKind::KeyValue(keys) => Ok(Extractor::KeyValue(
                self.targets(keys)
                    .into_iter()
                    .map(|(key, slot)| (key.node.clone(), slot))
                    .collect(),
            )),
            ExtractKind::Xml(keys) => self.xml(keys),
            ExtractKind::KeyValueRegex { pattern, keys } => self.keyvalue_regex(pattern, keys),
            ExtractKind::Delimited(spec) => self.delimited(spec),
        };
        match extractor {
            Ok(extractor) => {
                let chain = if extract.nodrop {
                    None
                } else {
                    self.end_nodrop_run(operators)
                };
                operators.push(Operator::Extract {
                    source,
                    extractor,
                    nodrop: extract.nodrop,
                    chain,
                });
            }
            Err(error) => self.errors.push(error),
        }
    }

    /// When the operators end with `nodrop` parses, links them to the parse that follows them
    /// without `nodrop`: Sumo keeps a record that any parse of such a run matched. Returns the
    /// slot where the run notes a match. Only parses directly in a row form a run.
    fn end_nodrop_run(&mut self, operators: &mut [Operator]) -> Option<SlotId> {
        let run: Vec<usize> = (0..operators.len())
            .rev()
            .take_while(|&i| {
                matches!(
                    operators[i],
                    Operator::Extract {
                        nodrop: true,
                        chain: None,
                        ..
                    }
                )
            })
            .collect();
        if run.is_empty() {
            return None;
        }
        // A name no query can write (it holds a control character), so that no stage reads it.
        let mark = self.intern(&format!("\u{1}nodrop run {}", operators.len()));
        for i in run {
            if let Operator::Extract { chain, .. } = &mut operators[i] {
                *chain = Some(mark);
            }
        }
        Some(mark)
    }

    fn anchor(
        &mut self,
        pattern: &Spanned<String>,
        names: &[Name],
    ) -> Result<Extractor, Diagnostic> {
        let regex = anchor_regex(&pattern.node).map_err(|why| bad_pattern(pattern.span, why))?;
        let stars = regex.captures_len() - 1;
        if stars != names.len() {
            return Err(star_count_error(stars, names, pattern.span));
        }
        let groups = names
            .iter()
            .enumerate()
            .map(|(i, name)| (i + 1, self.write_field(&name.node)))
            .collect();
        Ok(Extractor::Regex {
            written: pattern.node.clone(),
            anchor: true,
            regex,
            groups,
            multi: false,
        })
    }

    fn named_groups(
        &mut self,
        pattern: &Spanned<String>,
        multi: bool,
    ) -> Result<Extractor, Diagnostic> {
        let regex = compile(&pattern.node).map_err(|why| bad_pattern(pattern.span, why))?;
        let named: Vec<(usize, String)> = regex
            .capture_names()
            .enumerate()
            .filter_map(|(i, name)| name.map(|n| (i, n.to_string())))
            .collect();
        if named.is_empty() {
            return Err(bad_pattern(
                pattern.span,
                "the regular expression has no named group, so it extracts no field".to_string(),
            )
            .with_note("help: name each group to extract, as in `(?<user>\\w+)`"));
        }
        // As in Sumo, every capture group is named: an unnamed one would extract nothing.
        let unnamed = regex.captures_len() - 1 - named.len();
        if unnamed > 0 {
            return Err(bad_pattern(
                pattern.span,
                format!(
                    "the regular expression has {unnamed} unnamed capture group{}; `parse regex` \
                     takes only named ones",
                    if unnamed == 1 { "" } else { "s" }
                ),
            )
            .with_note(
                "help: write `(?:...)` for a group that extracts nothing, or name it: `(?<name>...)`",
            ));
        }
        let groups = named
            .iter()
            .map(|(i, name)| (*i, self.write_field(name)))
            .collect();
        Ok(Extractor::Regex {
            written: pattern.node.clone(),
            anchor: false,
            regex,
            groups,
            multi,
        })
    }

    /// `parse xml "/a/b/@c" [as x]`: without `as`, a path's field is its attribute's or last
    /// element's name.
    fn xml(&mut self, keys: &KeyList) -> Result<Extractor, Diagnostic> {
        let mut paths = Vec::new();
        for (i, key) in keys.keys.iter().enumerate() {
            let path = XmlPath::parse(&key.node).map_err(|why| bad_pattern(key.span, why))?;
            let name = match (keys.names.get(i), path.default_name()) {
                (Some(name), _) => name.node.clone(),
                (None, Some(name)) => name.to_string(),
                (None, None) => {
                    return Err(bad_pattern(
                        key.span,
                        format!("`{}` ends in `*`, so it names no field", key.node),
                    )
                    .with_note("help: name the fields with `as`"))
                }
            };
            paths.push((path, self.write_field(&name)));
        }
        Ok(Extractor::Xml(paths))
    }

    /// `keyvalue regex "RE" "k"`: the expression needs one group (the value) or two (the key,
    /// then the value). Without `as`, a key's field is its name with every character other
    /// than a letter, digit or `_` made `_`.
    fn keyvalue_regex(
        &mut self,
        pattern: &Spanned<String>,
        keys: &KeyList,
    ) -> Result<Extractor, Diagnostic> {
        let regex = compile(&pattern.node).map_err(|why| bad_pattern(pattern.span, why))?;
        let groups = regex.captures_len() - 1;
        if !(1..=2).contains(&groups) {
            return Err(bad_pattern(
                pattern.span,
                format!("`keyvalue regex` needs one capture group (the value) or two (the key, then the value), but this has {groups}"),
            )
            .with_note("help: e.g. `\\s(.*?)=(.*?),` or `=(.*?),`"));
        }
        let keys = self
            .targets_named(keys, field_name_of_key)
            .into_iter()
            .map(|(key, slot)| (key.node.clone(), slot))
            .collect();
        Ok(Extractor::KeyValueRegex {
            written: pattern.node.clone(),
            regex,
            keys,
        })
    }

    fn json(&mut self, keys: &KeyList) -> Result<Extractor, Diagnostic> {
        let mut paths = Vec::new();
        for (key, slot) in self.targets(keys) {
            let path = JsonPath::parse(&key.node).map_err(|why| bad_pattern(key.span, why))?;
            paths.push((path, slot));
        }
        Ok(Extractor::Json(paths))
    }

    /// Each key with the slot it fills: its `as` name, else the key itself.
    fn targets<'k>(&mut self, keys: &'k KeyList) -> Vec<(&'k Spanned<String>, SlotId)> {
        self.targets_named(keys, str::to_string)
    }

    /// Each key with the slot it fills: its `as` name, else the name `default_name` gives it.
    fn targets_named<'k>(
        &mut self,
        keys: &'k KeyList,
        default_name: impl Fn(&str) -> String,
    ) -> Vec<(&'k Spanned<String>, SlotId)> {
        keys.keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                let name = keys
                    .names
                    .get(i)
                    .map_or_else(|| default_name(&key.node), |n| n.node.clone());
                (key, self.write_field(&name))
            })
            .collect()
    }

    fn delimited(&mut self, spec: &Delimited) -> Result<Extractor, Diagnostic> {
        let pick = |option: &Option<Spanned<char>>, default: char| {
            option
                .as_ref()
                .map_or((default, None), |c| (c.node, Some(c.span)))
        };
        let (delimiter, delimiter_span) = pick(&spec.delimiter, ',');
        let (quote, quote_span) = pick(&spec.quote, '"');
        let (escape, escape_span) = pick(&spec.escape, '\\');
        let clash = [
            (delimiter, delimiter_span),
            (quote, quote_span),
            (escape, escape_span),
        ];
        for (i, (c, span)) in clash.iter().enumerate() {
            if let Some(span) = span {
                if clash
                    .iter()
                    .enumerate()
                    .any(|(j, (other, _))| j != i && other == c)
                {
                    return Err(Diagnostic::error(
                        codes::INVALID_STAGE,
                        format!("the delimiter, quote and escape characters must differ, but {c:?} is used twice"),
                        *span,
                    ));
                }
            }
        }
        let columns = spec
            .columns
            .iter()
            .map(|column| (column.position, self.write_field(&column.name.node)))
            .collect();
        Ok(Extractor::Delimited {
            delimiter,
            quote,
            escape,
            columns,
        })
    }

    /// `x matches p`: the pattern compiled once here.
    pub(super) fn matches(
        &mut self,
        value: &Expr,
        pattern: &Spanned<MatchPattern>,
        negated: bool,
    ) -> PlanExpr {
        let value = self.expr(value);
        match TextPattern::new(&pattern.node) {
            Ok(pattern) => PlanExpr::Matches {
                value: Box::new(value),
                pattern,
                negated,
            },
            Err(why) => {
                self.errors.push(bad_pattern(pattern.span, why));
                PlanExpr::Literal(Value::Null)
            }
        }
    }

    /// `matches(x, "pattern")`, the function form of `x matches "pattern"`, when the registry
    /// has no function of that name. `None` when the call is something else.
    pub(super) fn matches_call(&mut self, name: &Name, args: &[Expr]) -> Option<PlanExpr> {
        if !name.node.eq_ignore_ascii_case("matches") || self.registry.scalar(&name.node).is_some()
        {
            return None;
        }
        let [value, pattern] = args else {
            self.errors.push(super::arity_error(
                "matches",
                name.span,
                "2 arguments".to_string(),
                args.len(),
            ));
            return Some(PlanExpr::Literal(Value::Null));
        };
        let sumoql_syntax::ast::ExprKind::Literal(sumoql_syntax::ast::Literal::Text(text)) =
            &pattern.node
        else {
            self.errors.push(
                Diagnostic::error(
                    codes::BAD_ARGUMENT,
                    "the pattern of `matches` must be a quoted string",
                    pattern.span,
                )
                .with_label("not a quoted pattern"),
            );
            return Some(PlanExpr::Literal(Value::Null));
        };
        let pattern = Spanned::new(MatchPattern::Wildcard(text.clone()), pattern.span);
        Some(self.matches(value, &pattern, false))
    }
}

/// The field a `keyvalue regex` key goes to without `as`: every character other than an ASCII
/// letter, digit or `_` becomes `_` (`serviceinfo.IP` → `serviceinfo_IP`).
fn field_name_of_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

pub(super) fn bad_pattern(span: Span, why: String) -> Diagnostic {
    Diagnostic::error(codes::BAD_PATTERN, why, span).with_label("this pattern")
}

/// The error of an anchor pattern with `stars` captures but another number of `names`.
pub(super) fn star_count_error(stars: usize, names: &[Name], pattern: Span) -> Diagnostic {
    let span = Span::new(
        names.first().map_or(pattern.start, |n| n.span.start),
        names.last().map_or(pattern.end, |n| n.span.end),
    );
    Diagnostic::error(
        codes::INVALID_STAGE,
        format!(
            "the pattern has {stars} `*` but {} {} given",
            names.len(),
            if names.len() == 1 {
                "name is"
            } else {
                "names are"
            }
        ),
        span,
    )
    .with_secondary(pattern, format!("{stars} `*` here"))
    .with_note("help: name each `*` in order, as in `parse \"user=*, ip=*\" as user, ip`")
}

#[cfg(test)]
mod tests {
    use sumoql_functions::Registry;
    use sumoql_syntax::parse_query;

    use crate::plan_query;

    fn explain(query: &str) -> String {
        let query = parse_query(query).unwrap();
        plan_query(&query, &Registry::standard()).unwrap().explain()
    }

    fn first_error(query: &str) -> String {
        let query = parse_query(query).unwrap();
        match plan_query(&query, &Registry::standard()) {
            Ok(_) => panic!("expected a planning error"),
            Err(errors) => errors[0].message.clone(),
        }
    }

    #[test]
    fn explain_shows_each_extraction() {
        let text = explain(
            "* | parse \"a=*\" as a | parse regex field=a \"(?<b>x)\" multi nodrop \
             | json \"p[0]\" as c | kv auto | split c delim=':' extract 2 as d \
             | where d matches \"x*\"",
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[2..8],
            [
                "1. Extract from _raw: parse \"a=*\" as a",
                "2. Extract from a: regex \"(?<b>x)\" into b multi nodrop, noting a match for the parse that ends its run",
                "3. Extract from _raw: json \"p[0]\" as c, keeping what an earlier nodrop parse matched",
                "4. Extract from _raw: keyvalue auto",
                "5. Extract from c: delimited delim=\":\" quote=\"\\\"\" escape=\"\\\\\" extract 2 as d",
                "6. Filter d matches \"x*\"",
            ]
        );
    }

    #[test]
    fn extraction_after_an_aggregation_needs_its_field() {
        assert_eq!(
            first_error("* | count by a | parse \"x=*\" as x"),
            "no field `_raw` here: an earlier stage leaves only a, _count"
        );
    }

    #[test]
    fn matches_function_checks_its_arguments() {
        assert_eq!(
            first_error("* | where matches(x)"),
            "`matches` takes 2 arguments, but 1 was given"
        );
    }
}
