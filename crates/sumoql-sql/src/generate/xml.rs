//! `parse xml` in SQL. A stage cuts each row's text into tokens (tags, text runs, CDATA
//! sections, comments and processing instructions) with one regular expression; the next
//! stages give each token its kind, its names, the depth before it, its parent element and,
//! for an element, the token that closes it, all as lists over the tokens. The document is
//! well-formed (as the native parser decides, in what these lists show) when every start tag
//! is closed by an end tag of its name, no token is left unread, there is one root element
//! and no text outside it; each XPath then selects the elements of its steps, positions
//! counted per parent as natively, and gives the first value its target has.

use std::cell::Cell;

use sumoql_plan::{XmlPath, XmlPredicate, XmlStep, XmlTarget};
use sumoql_value::SlotId;

use super::extract::Extraction;
use super::Generator;
use crate::dialect::{escape_regex, Piece, SqlDialect};

/// The hidden column of each row's tokens, in document order.
const TOKENS: &str = "sumoql_xml_tokens";
/// The hidden column of each token's kind (see [`START`] and the other kinds).
const KINDS: &str = "sumoql_xml_kinds";
/// The hidden column of each tag's qualified name (`""` for other tokens).
const NAMES: &str = "sumoql_xml_names";
/// The hidden column of each tag's local name, without its namespace prefix.
const LOCAL_NAMES: &str = "sumoql_xml_local_names";
/// The hidden column of the number of elements open before each token.
const DEPTHS: &str = "sumoql_xml_depths";
/// The hidden column of the position of each token's parent element (0 at the top).
const PARENTS: &str = "sumoql_xml_parents";
/// The hidden column of the position of the tag that ends each element (0 for other tokens
/// and for a start tag never closed).
const CLOSERS: &str = "sumoql_xml_closers";
/// The hidden column of whether the row's text is a well-formed document.
const VALID: &str = "sumoql_xml_valid";
/// The prefix of the hidden columns of each path's value, numbered from 1.
const VALUE: &str = "sumoql_xml_value";

/// The kind of a token the native parser would refuse: a `<` that starts no token, an
/// unknown entity, a repeated attribute, `]]>` in text, or an XML declaration past the start.
const BROKEN: u8 = 0;
/// The kind of a start tag, `<a ...>`.
const START: u8 = 1;
/// The kind of an empty-element tag, `<a .../>`.
const EMPTY: u8 = 2;
/// The kind of an end tag, `</a>`.
const END: u8 = 3;
/// The kind of a run of character data.
const TEXT: u8 = 4;
/// The kind of a CDATA section.
const CDATA: u8 = 5;
/// The kind of a comment or a processing instruction (the XML declaration among them).
const OTHER: u8 = 6;

/// A name in a tag: any characters but white space, markup and quotes, not starting with
/// `!` or `?` (which start declarations and processing instructions).
const NAME: &str = r#"[^\s<>/="'!?][^\s<>/="']*"#;

/// An attribute of a tag the token pattern read (its name in group 1): the matches follow one
/// another from the tag's first white space, so none starts inside a value.
const ATTRIBUTE_NAME: &str = r#"\s([^\s=]+)\s*=\s*(?:"[^"]*"|'[^']*')"#;

/// The entity and character references the native parser reads (no DTD declares others).
const REFERENCE: &str = "&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);";

/// The predefined entities and the characters they stand for; `&amp;` last, so that the
/// `&` it gives starts no other.
const ENTITIES: [(&str, &str); 5] = [
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", "\""),
    ("&apos;", "'"),
    ("&amp;", "&"),
];

/// The white space that Rust's `str::trim` removes (Unicode's White_Space), as a class.
const TRIMMED: &str = r"[\s\x0B\x85\p{Z}]";

/// What the SQL reads otherwise than the native parser.
const APPROXIMATION: &str = "`parse xml` reads the XML with regular expressions: character references (`&#...;`) are kept as written, neither decoded nor checked; and it does not check that names use XML's name characters, that two prefixes of one attribute's name are not of one namespace, that namespace prefixes are declared, the content of the XML declaration or a byte order mark, where the native parser rejects the document (dropping the record)";

/// The regular expression of one token (group 1), the alternatives tried in order: comment,
/// CDATA section, processing instruction, end tag, start or empty tag, text, and a `<`
/// that starts none of them.
fn token_pattern() -> String {
    let value = r#"(?:"[^<"]*"|'[^<']*')"#;
    format!(
        r"(<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|</{NAME}\s*>|<{NAME}(?:\s+{NAME}\s*=\s*{value})*\s*/?>|[^<]+|<)"
    )
}

/// A regular expression matching a non-empty name other than `word`, made of the characters
/// of a namespace prefix.
fn name_other_than(word: &str) -> String {
    let class = r"[^\s<>/=:]";
    let letters: Vec<char> = word.chars().collect();
    let length = letters.len();
    let mut alternatives = vec![format!("{class}{{{},}}", length + 1)];
    if length > 1 {
        alternatives.push(format!("{class}{{1,{}}}", length - 1));
    }
    for (index, letter) in letters.iter().enumerate() {
        let before: String = letters[..index].iter().collect();
        let after = length - index - 1;
        alternatives.push(format!(
            r"{}[^\s<>/=:{}]{class}{{{after}}}",
            escape_regex(&before),
            escape_regex(&letter.to_string())
        ));
    }
    format!("(?:{})", alternatives.join("|"))
}

/// The regular expression of a tag's first attribute whose local name is `name`, its value in
/// group 1 (double quotes) or 2 (single quotes): the attributes before it skipped whole, a
/// namespace declaration (`xmlns:name`) not taken.
fn attribute_pattern(name: &str) -> String {
    format!(
        r#"^<[^\s/>]+(?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+(?:{}:)?{}\s*=\s*(?:"([^"]*)"|'([^']*)')"#,
        name_other_than("xmlns"),
        escape_regex(name)
    )
}

/// Writes the SQL of the token lists, each lambda with a variable of its own.
struct XmlWriter {
    dialect: &'static dyn SqlDialect,
    /// How many lambda variables have been named.
    variables: Cell<usize>,
}

impl XmlWriter {
    /// A lambda variable no other lambda of the stage uses.
    fn variable(&self) -> String {
        let next = self.variables.get() + 1;
        self.variables.set(next);
        format!("sumoql_x{next}")
    }

    /// The element of the hidden list `list` at the 1-based `position`.
    fn at(&self, list: &str, position: &str) -> String {
        self.dialect.element(list, position)
    }

    /// Whether the token at `position` is of one of `kinds`.
    fn kind_is(&self, position: &str, kinds: &[u8]) -> String {
        let kinds: Vec<String> = kinds.iter().map(u8::to_string).collect();
        format!("{} IN ({})", self.at(KINDS, position), kinds.join(", "))
    }

    /// `body` (of a token's position) for each token, as a list.
    fn each_token(&self, body: impl FnOnce(&str) -> String) -> String {
        let variable = self.variable();
        let body = body(&variable);
        self.dialect
            .list_map(&self.dialect.list_positions(TOKENS), &variable, &body)
    }

    /// The positions of the tokens that meet `condition` (of a token's position), in order.
    fn tokens_where(&self, condition: impl FnOnce(&str) -> String) -> String {
        let variable = self.variable();
        let condition = condition(&variable);
        self.dialect
            .list_filter(&self.dialect.list_positions(TOKENS), &variable, &condition)
    }

    /// How many tokens meet `condition`, as a 64-bit integer.
    fn count_where(&self, condition: impl FnOnce(&str) -> String) -> String {
        format!(
            "CAST({} AS BIGINT)",
            self.dialect.list_length(&self.tokens_where(condition))
        )
    }

    /// The first value that is not null of `body` (of an element of `list`) over `list`.
    fn first_of(&self, list: &str, body: impl FnOnce(&str) -> String) -> String {
        let variable = self.variable();
        let body = body(&variable);
        self.dialect
            .first_present(&self.dialect.list_map(list, &variable, &body))
    }

    /// The `length` elements of `list` from `start`, none for a negative length.
    fn slice(&self, list: &str, start: &str, length: &str) -> String {
        self.dialect
            .list_slice(list, start, &format!("greatest({length}, 0)"))
    }

    /// Each token's kind.
    fn kinds(&self) -> String {
        self.each_token(|position| {
            let token = self.at(TOKENS, position);
            let starts = |prefix: &str| self.dialect.regex_match(&token, &format!("^{prefix}"));
            let unknown_reference = self
                .dialect
                .regex_match(&self.dialect.regex_replace(&token, REFERENCE, &[]), "&");
            let attributes = self.dialect.regex_extract_all(&token, ATTRIBUTE_NAME, 1);
            let repeated = format!(
                "{} < {}",
                self.dialect
                    .list_length(&self.dialect.list_distinct(&attributes)),
                self.dialect.list_length(&attributes)
            );
            format!(
                "(CASE WHEN {token} = '<' THEN {BROKEN} \
                 WHEN {} THEN (CASE WHEN {} THEN {OTHER} ELSE {BROKEN} END) \
                 WHEN {} THEN {CDATA} \
                 WHEN {} AND {position} > 1 THEN {BROKEN} \
                 WHEN {} THEN {OTHER} \
                 WHEN {} THEN {END} \
                 WHEN {unknown_reference} THEN {BROKEN} \
                 WHEN {tag} AND {repeated} THEN {BROKEN} \
                 WHEN {tag} THEN (CASE WHEN {} THEN {EMPTY} ELSE {START} END) \
                 WHEN {} THEN {BROKEN} \
                 ELSE {TEXT} END)",
                starts("<!--"),
                self.dialect
                    .regex_match(&token, r"^<!--(?:[^-]|-[^-])*-->$"),
                starts(r"<!\[CDATA\["),
                starts(r"<\?xml "),
                starts(r"<\?"),
                starts("</"),
                self.dialect.regex_match(&token, "/>$"),
                self.dialect.regex_match(&token, r"\]\]>"),
                tag = starts("<"),
            )
        })
    }

    /// Each tag's name (`local`: without its prefix), `""` for other tokens.
    fn names(&self, local: bool) -> String {
        let pattern = if local {
            r"^</?(?:[^\s/>:]*:)?([^\s/>:]*)"
        } else {
            r"^</?([^\s/>]*)"
        };
        let variable = self.variable();
        let name = self.dialect.regex_extract(&variable, pattern, 1);
        self.dialect.list_map(TOKENS, &variable, &name)
    }

    /// The number of elements open before each token.
    fn depths(&self) -> String {
        self.each_token(|position| {
            let before = |kind: u8| {
                self.count_where(|other| {
                    format!(
                        "{other} < {position} AND {} = {kind}",
                        self.at(KINDS, other)
                    )
                })
            };
            format!("{} - {}", before(START), before(END))
        })
    }

    /// The position of each token's parent element: the last start tag before it one level
    /// up (an end tag's element is a level up from it), 0 at the top.
    fn parents(&self) -> String {
        self.each_token(|position| {
            let level = format!(
                "{} - (CASE WHEN {} = {END} THEN 2 ELSE 1 END)",
                self.at(DEPTHS, position),
                self.at(KINDS, position)
            );
            let openers = self.tokens_where(|other| {
                format!(
                    "{other} < {position} AND {} = {START} AND {} = {level}",
                    self.at(KINDS, other),
                    self.at(DEPTHS, other)
                )
            });
            format!("COALESCE({}, 0)", self.dialect.list_max(&openers))
        })
    }

    /// The position of the tag that ends each element: an empty tag itself, else the first
    /// end tag after its start at its level.
    fn closers(&self) -> String {
        self.each_token(|position| {
            let ends = self.tokens_where(|other| {
                format!(
                    "{other} > {position} AND {} = {END} AND {} = {} + 1",
                    self.at(KINDS, other),
                    self.at(DEPTHS, other),
                    self.at(DEPTHS, position)
                )
            });
            format!(
                "(CASE WHEN {kind} = {EMPTY} THEN {position} WHEN {kind} = {START} THEN COALESCE({}, 0) ELSE 0 END)",
                self.dialect.list_min(&ends),
                kind = self.at(KINDS, position)
            )
        })
    }

    /// Whether the tokens are a well-formed document: no broken token; each start tag closed
    /// by an end tag of its name and as many end tags as start tags, none at the top; one
    /// element at the top and nothing there but white space, comments and processing
    /// instructions.
    fn valid(&self) -> String {
        let none =
            |condition: &dyn Fn(&str) -> String| format!("{} = 0", self.count_where(condition));
        let kind = |position: &str| self.at(KINDS, position);
        let depth = |position: &str| self.at(DEPTHS, position);
        let conditions = [
            none(&|t| format!("{} = {BROKEN}", kind(t))),
            none(&|t| {
                let closer = self.at(CLOSERS, t);
                format!(
                    "{} = {START} AND ({closer} = 0 OR {} <> {})",
                    kind(t),
                    self.at(NAMES, &closer),
                    self.at(NAMES, t)
                )
            }),
            none(&|t| format!("{} = {END} AND {} < 1", kind(t), depth(t))),
            format!(
                "{} = {}",
                self.count_where(|t| format!("{} = {START}", kind(t))),
                self.count_where(|t| format!("{} = {END}", kind(t)))
            ),
            format!(
                "{} = 1",
                self.count_where(|t| format!(
                    "{} = 0 AND {}",
                    depth(t),
                    self.kind_is(t, &[START, EMPTY])
                ))
            ),
            none(&|t| {
                let text = self.dialect.regex_match(&self.at(TOKENS, t), r"[^ \t\r\n]");
                format!(
                    "{} = 0 AND ({} = {CDATA} OR ({} = {TEXT} AND {text}))",
                    depth(t),
                    kind(t),
                    kind(t)
                )
            }),
        ];
        format!("({})", conditions.join(" AND "))
    }

    /// The value `path` reaches: of the elements its steps select, the first whose target
    /// has one.
    fn path_value(&self, path: &XmlPath) -> String {
        // A path names an element (`XmlPath::parse` refuses one that does not).
        let Some((first, rest)) = path.steps.split_first() else {
            return format!("CAST(NULL AS {})", self.dialect.text_type());
        };
        let mut selected = self.children(first, "0");
        for step in rest {
            let parent = self.variable();
            let children = self.children(step, &parent);
            selected = self
                .dialect
                .list_flatten(&self.dialect.list_map(&selected, &parent, &children));
        }
        self.first_of(&selected, |element| self.target(&path.target, element))
    }

    /// The child elements of the element at `parent` (0: the document) that `step` selects:
    /// its name, then each predicate in turn.
    fn children(&self, step: &XmlStep, parent: &str) -> String {
        let mut selected = self.tokens_where(|child| {
            let mut condition = format!(
                "{} = {parent} AND {}",
                self.at(PARENTS, child),
                self.kind_is(child, &[START, EMPTY])
            );
            if let Some(name) = &step.name {
                condition.push_str(&format!(
                    " AND {} = {}",
                    self.at(LOCAL_NAMES, child),
                    self.dialect.string(name)
                ));
            }
            condition
        });
        for predicate in &step.predicates {
            selected = self.predicate(&selected, predicate);
        }
        selected
    }

    /// The elements of the list `selected` that `predicate` keeps.
    fn predicate(&self, selected: &str, predicate: &XmlPredicate) -> String {
        let keep = |condition: &dyn Fn(&str) -> String| {
            let variable = self.variable();
            let condition = condition(&variable);
            self.dialect.list_filter(selected, &variable, &condition)
        };
        match predicate {
            XmlPredicate::Position(position) => self.slice(selected, &position.to_string(), "1"),
            XmlPredicate::Last => self.slice(
                selected,
                &format!("greatest({}, 1)", self.dialect.list_length(selected)),
                "1",
            ),
            XmlPredicate::HasAttribute(name) => {
                keep(&|element| format!("{} IS NOT NULL", self.attribute(element, name)))
            }
            XmlPredicate::AttributeIs(name, value) => keep(&|element| {
                format!(
                    "COALESCE({} = {}, FALSE)",
                    self.attribute(element, name),
                    self.dialect.string(value)
                )
            }),
            XmlPredicate::ChildIs(name, value) => keep(&|element| {
                let matching = self.count_where(|child| {
                    let text = self.first_text(&self.tokens_where(|next| {
                        format!(
                            "{next} = {child} + 1 AND {}",
                            self.kind_is(next, &[TEXT, CDATA])
                        )
                    }));
                    let trimmed = self.dialect.regex_replace(
                        &text,
                        &format!("^{TRIMMED}+|{TRIMMED}+$"),
                        &[],
                    );
                    format!(
                        "{} = {element} AND {} = {START} AND {} = {} AND COALESCE({trimmed} = {}, FALSE)",
                        self.at(PARENTS, child),
                        self.at(KINDS, child),
                        self.at(LOCAL_NAMES, child),
                        self.dialect.string(name),
                        self.dialect.string(value)
                    )
                });
                format!("{matching} > 0")
            }),
        }
    }

    /// What `target` gives of the element at `element`, null when it has none.
    fn target(&self, target: &XmlTarget, element: &str) -> String {
        match target {
            XmlTarget::Element => {
                let length = format!("{} - {element} + 1", self.at(CLOSERS, element));
                self.dialect
                    .list_concat(&self.slice(TOKENS, element, &length))
            }
            XmlTarget::Text => {
                let texts = self.tokens_where(|child| {
                    format!(
                        "{} = {element} AND {}",
                        self.at(PARENTS, child),
                        self.kind_is(child, &[TEXT, CDATA])
                    )
                });
                self.first_text(&self.slice(&texts, "1", "1"))
            }
            XmlTarget::Attribute(name) => self.attribute(element, name),
        }
    }

    /// The text node that starts at the first token of `starts` (positions of text or CDATA
    /// tokens, at most one wanted): it and the text and CDATA tokens right after it, read;
    /// null when `starts` is empty.
    fn first_text(&self, starts: &str) -> String {
        self.first_of(starts, |start| {
            let end = self.tokens_where(|other| {
                format!(
                    "{other} > {start} AND NOT ({})",
                    self.kind_is(other, &[TEXT, CDATA])
                )
            });
            let length = format!(
                "COALESCE({}, {start}) - {start}",
                self.dialect.list_min(&end)
            );
            let run = self.slice(TOKENS, start, &length);
            let token = self.variable();
            let read = self.read_text(&token);
            self.dialect
                .list_concat(&self.dialect.list_map(&run, &token, &read))
        })
    }

    /// The characters a text or CDATA token stands for: line ends as `\n`, a CDATA section
    /// without its markers, references in text replaced.
    fn read_text(&self, token: &str) -> String {
        let lines = |text: &str| {
            self.dialect
                .regex_replace(text, r"\r\n?", &[Piece::Text("\n".to_string())])
        };
        let section = self
            .dialect
            .regex_replace(token, r"^<!\[CDATA\[|\]\]>$", &[]);
        format!(
            "(CASE WHEN {} THEN {} ELSE {} END)",
            self.dialect.regex_match(token, r"^<!\[CDATA\["),
            lines(&section),
            self.entities(&lines(token))
        )
    }

    /// `text` with the predefined entities replaced by their characters.
    fn entities(&self, text: &str) -> String {
        ENTITIES
            .iter()
            .fold(text.to_string(), |text, (entity, character)| {
                self.dialect.regex_replace(
                    &text,
                    &escape_regex(entity),
                    &[Piece::Text(character.to_string())],
                )
            })
    }

    /// The value of the attribute whose local name is `name` in the tag at `element`
    /// (white space as spaces, references replaced), null when it has none; namespace
    /// declarations are not attributes.
    fn attribute(&self, element: &str, name: &str) -> String {
        if name == "xmlns" {
            return format!("CAST(NULL AS {})", self.dialect.text_type());
        }
        let tag = self.at(TOKENS, element);
        let pattern = attribute_pattern(name);
        let value = format!(
            "concat({}, {})",
            self.dialect.regex_extract(&tag, &pattern, 1),
            self.dialect.regex_extract(&tag, &pattern, 2)
        );
        let spaced =
            self.dialect
                .regex_replace(&value, r"\r\n|[\r\n\t]", &[Piece::Text(" ".to_string())]);
        format!(
            "(CASE WHEN {} THEN {} END)",
            self.dialect.regex_match(&tag, &pattern),
            self.entities(&spaced)
        )
    }
}

impl Generator<'_> {
    /// `parse xml "PATH", ...`: the stages of the token lists, then one with whether the
    /// document is well-formed and each path's value; the row matched when it is and any
    /// path has a value, and every field is set then (null where its path has none).
    pub(super) fn xml_extraction(&mut self, text: &str, paths: &[(XmlPath, SlotId)]) -> Extraction {
        self.warnings.push(APPROXIMATION.to_string());
        let writer = XmlWriter {
            dialect: self.dialect,
            variables: Cell::new(0),
        };
        let tokens = self.dialect.regex_extract_all(text, &token_pattern(), 1);
        let stages = [
            vec![(tokens, TOKENS)],
            vec![
                (writer.kinds(), KINDS),
                (writer.names(false), NAMES),
                (writer.names(true), LOCAL_NAMES),
            ],
            vec![(writer.depths(), DEPTHS)],
            vec![(writer.parents(), PARENTS), (writer.closers(), CLOSERS)],
        ];
        for columns in stages {
            self.add_hidden_columns(&columns);
        }
        let mut columns = vec![(writer.valid(), VALID.to_string())];
        let mut fields = Vec::new();
        let mut any = Vec::new();
        for (index, (path, slot)) in paths.iter().enumerate() {
            let column = format!("{VALUE}_{}", index + 1);
            any.push(format!("{column} IS NOT NULL"));
            fields.push((*slot, column.clone(), None));
            columns.push((writer.path_value(path), column));
        }
        self.add_hidden_columns(&columns);
        Extraction {
            matched: format!("({VALID} AND ({}))", any.join(" OR ")),
            fields,
        }
    }

    /// A stage that adds the hidden columns `columns` (each its SQL and its name).
    fn add_hidden_columns<N: AsRef<str>>(&mut self, columns: &[(String, N)]) {
        let select: Vec<String> = columns
            .iter()
            .map(|(sql, name)| format!("{sql} AS {}", name.as_ref()))
            .collect();
        let previous = self.previous();
        self.stages
            .push(format!("SELECT *, {} FROM {previous}", select.join(", ")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::table_sql;
    use crate::Dialect;
    use regex::Regex;

    /// The tokens `token_pattern` cuts `text` into.
    fn tokens(text: &str) -> Vec<String> {
        let pattern = Regex::new(&token_pattern()).unwrap();
        pattern
            .captures_iter(text)
            .map(|found| found[1].to_string())
            .collect()
    }

    #[test]
    fn a_document_is_cut_into_its_markup_and_text() {
        assert_eq!(
            tokens(r#"<?xml version="1.0"?><a b="x>y"><!-- c --><![CDATA[<d>]]>t &amp; u</a >"#),
            [
                r#"<?xml version="1.0"?>"#,
                r#"<a b="x>y">"#,
                "<!-- c -->",
                "<![CDATA[<d>]]>",
                "t &amp; u",
                "</a >"
            ]
        );
        assert_eq!(tokens("<!DOCTYPE a><a/>"), ["<", "!DOCTYPE a>", "<a/>"]);
        assert_eq!(tokens(r#"<a b="<"/>"#), ["<", r#"a b=""#, "<", r#""/>"#]);
    }

    #[test]
    fn an_attribute_is_found_by_its_local_name_past_namespace_declarations() {
        let pattern = Regex::new(&attribute_pattern("id")).unwrap();
        let value = |tag: &str| {
            pattern.captures(tag).map(|found| {
                let quoted = found.get(1).or(found.get(2)).unwrap();
                quoted.as_str().to_string()
            })
        };
        assert_eq!(value(r#"<a xmlns:id="u" p:id='7'>"#).as_deref(), Some("7"));
        assert_eq!(value(r#"<a b="x id='1'" id="2"/>"#).as_deref(), Some("2"));
        assert_eq!(value(r#"<a xmlns:id="u">"#), None);
        assert_eq!(value(r#"<a ids="1">"#), None);
    }

    #[test]
    fn a_name_other_than_a_word_is_any_name_but_it() {
        let pattern = Regex::new(&format!("^{}$", name_other_than("xmlns"))).unwrap();
        for name in [
            "x", "xml", "xmln", "xmlnsx", "ymlns", "xmlms", "abcdef", "p",
        ] {
            assert!(pattern.is_match(name), "{name}");
        }
        assert!(!pattern.is_match("xmlns"));
    }

    #[test]
    fn each_dialect_walks_the_tokens_with_its_list_functions() {
        let query = r#"* | parse xml "/users/user[2]/@id" as id | fields id"#;
        for (dialect, map) in [
            (Dialect::DuckDb, "list_transform("),
            (Dialect::Spark, "transform("),
            (Dialect::ClickHouse, "arrayMap("),
        ] {
            let sql = table_sql(query, dialect);
            assert!(sql.contains(map), "{sql}");
            assert!(sql.contains(&format!("AS {VALID}")), "{sql}");
            assert!(sql.contains(&format!("AS {VALUE}_1")), "{sql}");
        }
    }
}
