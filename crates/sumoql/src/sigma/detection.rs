//! The search identifiers of `detection`: maps of field conditions, lists of maps, keywords.

use super::condition::{join, one_or, Logic, Test};
use super::mapping::SigmaMapping;
use super::value::{
    base64, base64_offsets, compare, decode, expand, regex_search, string_literal, windash,
    Comparison, Encoding, Glyph,
};
use super::{refuse, Refusal, SigmaError};
use crate::yaml::Yaml;

/// One search identifier's logic: a map ANDs its field conditions, a list ORs its items, a
/// plain value is a keyword searched for in `_raw`.
pub(super) fn search(
    name: &str,
    value: &Yaml,
    mapping: &SigmaMapping,
) -> Result<Logic, SigmaError> {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => {
            let parts = entries
                .iter()
                .map(|(key, value)| field_condition(key, value, mapping))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(one_or(parts, Logic::All))
        }
        Yaml::List(items) if !items.is_empty() => {
            let parts = items
                .iter()
                .map(|item| match item {
                    Yaml::Map(_) => search(name, item, mapping),
                    Yaml::Scalar(keyword) => keyword_search(keyword, mapping),
                    _ => Err(refuse(
                        Refusal::Malformed,
                        format!("`{name}`: an item is neither a map nor a value"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(one_or(parts, Logic::Any))
        }
        Yaml::Scalar(keyword) => keyword_search(keyword, mapping),
        _ => Err(refuse(Refusal::Malformed, format!("`{name}` is empty"))),
    }
}

/// A keyword: the line holds it somewhere, without regard to case. `_raw` is never null.
fn keyword_search(keyword: &str, mapping: &SigmaMapping) -> Result<Logic, SigmaError> {
    let modifiers = Modifiers {
        shape: Shape::Contains,
        ..Modifiers::default()
    };
    let test = ValueTest {
        comparisons: string_comparisons("_raw", keyword, &modifiers, mapping)?,
        missing: None,
    };
    Ok(Logic::Test(ValueTest::joined(vec![test], "or")))
}

/// Where a value must sit in the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Shape {
    /// The whole value.
    #[default]
    Whole,
    /// `contains`.
    Contains,
    /// `startswith`.
    StartsWith,
    /// `endswith`.
    EndsWith,
}

/// What a field condition compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    /// Sigma strings (the default).
    #[default]
    Text,
    /// `re`: regular expressions.
    Regex,
    /// `cidr`: networks.
    Cidr,
    /// `exists`: `true` or `false`.
    Exists,
    /// `fieldref`: other fields' names.
    FieldRef,
    /// `lt`, `lte`, `gt`, `gte`: a number.
    Compare(&'static str),
}

/// The modifiers after a field name.
#[derive(Clone, Debug, Default)]
struct Modifiers {
    kind: Kind,
    shape: Shape,
    all: bool,
    cased: bool,
    windash: bool,
    expand: bool,
    encoding: Encoding,
    base64: bool,
    base64offset: bool,
    regex_flags: String,
}

impl Modifiers {
    fn parse(key: &str) -> Result<Modifiers, SigmaError> {
        let mut modifiers = Modifiers::default();
        let mut kinds = 0;
        for modifier in key.split('|').skip(1) {
            let mut kind = |kind: Kind| {
                kinds += 1;
                modifiers.kind = kind;
            };
            match modifier {
                "contains" => modifiers.shape = Shape::Contains,
                "startswith" => modifiers.shape = Shape::StartsWith,
                "endswith" => modifiers.shape = Shape::EndsWith,
                "all" => modifiers.all = true,
                "cased" => modifiers.cased = true,
                "windash" => modifiers.windash = true,
                "expand" => modifiers.expand = true,
                "base64" => modifiers.base64 = true,
                "base64offset" => modifiers.base64offset = true,
                "wide" | "utf16le" => modifiers.encoding = Encoding::Utf16Le,
                "utf16be" => modifiers.encoding = Encoding::Utf16Be,
                "utf16" => modifiers.encoding = Encoding::Utf16,
                "re" => kind(Kind::Regex),
                "cidr" => kind(Kind::Cidr),
                "exists" => kind(Kind::Exists),
                "fieldref" => kind(Kind::FieldRef),
                "lt" => kind(Kind::Compare("<")),
                "lte" => kind(Kind::Compare("<=")),
                "gt" => kind(Kind::Compare(">")),
                "gte" => kind(Kind::Compare(">=")),
                "i" | "m" | "s" if modifiers.kind == Kind::Regex => {
                    modifiers.regex_flags.push_str(modifier);
                }
                other => {
                    return Err(refuse(
                        Refusal::Modifier,
                        format!("`{key}`: the modifier `{other}` is not one this converter knows"),
                    ))
                }
            }
        }
        if kinds > 1 {
            return Err(refuse(
                Refusal::Malformed,
                format!("`{key}`: more than one of re, cidr, exists, fieldref, lt/gt"),
            ));
        }
        if modifiers.kind == Kind::FieldRef && modifiers.shape != Shape::Whole {
            return Err(refuse(
                Refusal::FieldRef,
                format!("`{key}`: the dialect has no test of a field against part of another"),
            ));
        }
        Ok(modifiers)
    }
}

/// `expr` ready to follow `!`: as it is when `join` parenthesised it.
fn grouped(expr: &str) -> String {
    if expr.starts_with('(') {
        expr.to_string()
    } else {
        format!("({expr})")
    }
}

/// One field condition, `field|modifiers: value(s)`: its values ORed (ANDed with `all`), as
/// one test whose negation also holds when the field is missing.
fn field_condition(key: &str, value: &Yaml, mapping: &SigmaMapping) -> Result<Logic, SigmaError> {
    let name = key.split('|').next().unwrap_or_default();
    let modifiers = Modifiers::parse(key)?;
    let field = field_reference(mapping.field(name));
    let values: Vec<Option<&str>> = match value {
        Yaml::List(items) if !items.is_empty() => items
            .iter()
            .map(|item| match item {
                Yaml::Scalar(text) => Ok(Some(text.as_str())),
                Yaml::Null => Ok(None),
                _ => Err(refuse(
                    Refusal::Malformed,
                    format!("`{key}`: a list holds a list or map"),
                )),
            })
            .collect::<Result<_, _>>()?,
        Yaml::Scalar(text) => vec![Some(text.as_str())],
        Yaml::Null => vec![None],
        _ => {
            return Err(refuse(
                Refusal::Malformed,
                format!("`{key}`: expected a value or a list of values"),
            ))
        }
    };
    if modifiers.kind == Kind::Exists {
        let exists = match value.text() {
            Some("true") => true,
            Some("false") => false,
            _ => {
                return Err(refuse(
                    Refusal::Malformed,
                    format!("`{key}` needs true or false"),
                ))
            }
        };
        let (present, absent) = (format!("!isNull({field})"), format!("isNull({field})"));
        let (holds, fails) = if exists {
            (present, absent)
        } else {
            (absent, present)
        };
        return Ok(Logic::Test(Test { holds, fails }));
    }
    let mut tests = Vec::new();
    for value in values {
        let Some(text) = value else {
            // `field: null` (or a null in the list): the field is missing.
            tests.push(ValueTest {
                comparisons: vec![Comparison {
                    holds: format!("isNull({field})"),
                    fails: format!("!isNull({field})"),
                }],
                missing: None,
            });
            continue;
        };
        let missing = Some(format!("isNull({field})"));
        tests.push(match modifiers.kind {
            Kind::Regex => ValueTest {
                comparisons: vec![regex_search(&field, text, &modifiers.regex_flags)?],
                missing,
            },
            Kind::Cidr => ValueTest {
                comparisons: vec![cidr(&field, text)?],
                // cidrMatch is null for any value that is not an address, not only a missing one.
                missing: Some(format!("!isValidIP(trim({field}))")),
            },
            Kind::FieldRef => {
                let other = field_reference(mapping.field(text));
                ValueTest {
                    comparisons: vec![field_equality(&field, &other, modifiers.cased)],
                    missing: Some(format!("isNull({field}) or isNull({other})")),
                }
            }
            Kind::Compare(operator) => {
                let number: f64 = text.parse().map_err(|_| {
                    refuse(
                        Refusal::Malformed,
                        format!("`{key}` needs a number, not `{text}`"),
                    )
                })?;
                let comparison = format!("num({field}) {operator} {number}");
                ValueTest {
                    comparisons: vec![Comparison {
                        fails: format!("!({comparison})"),
                        holds: comparison,
                    }],
                    missing: Some(format!("isNull(num({field}))")),
                }
            }
            Kind::Text | Kind::Exists => ValueTest {
                comparisons: string_comparisons(&field, text, &modifiers, mapping)?,
                missing,
            },
        });
    }
    let op = if modifiers.all { "and" } else { "or" };
    if tests.iter().all(|test| test.missing == tests[0].missing) {
        return Ok(Logic::Test(ValueTest::joined(tests, op)));
    }
    let tests = tests
        .into_iter()
        .map(|test| Logic::Test(ValueTest::joined(vec![test], op)))
        .collect();
    Ok(if modifiers.all {
        Logic::All(tests)
    } else {
        Logic::Any(tests)
    })
}

/// One value's comparisons (several when `expand` or `base64offset` give several texts, any of
/// which may hold), and the test, never null, that the field has no value to compare.
struct ValueTest {
    comparisons: Vec<Comparison>,
    missing: Option<String>,
}

impl ValueTest {
    /// Each comparison's test that it holds.
    fn holds(&self) -> impl Iterator<Item = String> + '_ {
        self.comparisons.iter().map(|c| c.holds.clone())
    }

    /// The test that the values of `tests`, which share their `missing`, hold by `op` (each
    /// value by one of its comparisons). It fails when the value is missing or they do not
    /// hold, so `not` writes the missing test once: `(isNull(f) or !(a or b))`.
    fn joined(mut tests: Vec<ValueTest>, op: &str) -> Test {
        let missing = tests[0].missing.take();
        let single = tests.len() == 1 && tests[0].comparisons.len() == 1;
        let holds = if op == "or" {
            join(tests.iter().flat_map(ValueTest::holds).collect(), "or")
        } else {
            let each = tests.iter().map(|test| join(test.holds().collect(), "or"));
            join(each.collect(), op)
        };
        let fails = if single {
            tests[0].comparisons[0].fails.clone()
        } else {
            format!("!{}", grouped(&holds))
        };
        Test {
            fails: match missing {
                Some(missing) => format!("({missing} or {fails})"),
                None => fails,
            },
            holds,
        }
    }
}

/// The comparisons a Sigma string value makes (several when `expand` or `base64offset` give
/// several texts): placeholders, then encodings, then windash, then the shape.
fn string_comparisons(
    field: &str,
    text: &str,
    modifiers: &Modifiers,
    mapping: &SigmaMapping,
) -> Result<Vec<Comparison>, SigmaError> {
    let texts = if modifiers.expand {
        expand(text, mapping)?
    } else {
        vec![text.to_string()]
    };
    let mut patterns: Vec<Vec<Glyph>> = Vec::new();
    for text in &texts {
        let glyphs = decode(text);
        if modifiers.base64offset {
            patterns.extend(base64_offsets(&glyphs, modifiers.encoding)?);
        } else if modifiers.base64 {
            patterns.push(base64(&glyphs, modifiers.encoding)?);
        } else if modifiers.encoding != Encoding::Utf8 {
            return Err(refuse(
                Refusal::Malformed,
                "`wide`/`utf16` without `base64` or `base64offset`",
            ));
        } else {
            patterns.push(glyphs);
        }
    }
    patterns
        .into_iter()
        .map(|mut glyphs| {
            if modifiers.windash {
                windash(&mut glyphs);
            }
            if matches!(modifiers.shape, Shape::Contains | Shape::EndsWith) {
                glyphs.insert(0, Glyph::AnyRun);
            }
            if matches!(modifiers.shape, Shape::Contains | Shape::StartsWith) {
                glyphs.push(Glyph::AnyRun);
            }
            // Base64 text is compared as it is: its case is part of it.
            let cased = modifiers.cased || modifiers.base64 || modifiers.base64offset;
            compare(field, &glyphs, cased)
        })
        .collect()
}

/// `cidrMatch(field, "net")`, once the network is known to be valid.
fn cidr(field: &str, network: &str) -> Result<Comparison, SigmaError> {
    let valid = network.split_once('/').is_some_and(|(address, length)| {
        let most = match address.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(_)) => 32,
            Ok(std::net::IpAddr::V6(_)) => 128,
            Err(_) => return false,
        };
        length.parse::<u8>().is_ok_and(|length| length <= most)
    });
    if !valid {
        return Err(refuse(
            Refusal::Malformed,
            format!("`{network}` is not a network"),
        ));
    }
    let call = format!("cidrMatch({field}, {})", string_literal(network));
    Ok(Comparison {
        fails: format!("!{call}"),
        holds: call,
    })
}

/// `fieldref`: the two fields hold the same value (without regard to case unless `cased`).
fn field_equality(field: &str, other: &str, cased: bool) -> Comparison {
    let (a, b) = if cased {
        (field.to_string(), other.to_string())
    } else {
        (
            format!("toLowerCase({field})"),
            format!("toLowerCase({other})"),
        )
    };
    Comparison {
        holds: format!("{a} = {b}"),
        fails: format!("{a} != {b}"),
    }
}

/// A field name as the dialect writes it: bare when it is a plain name, else `%"..."`.
fn field_reference(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        name.to_string()
    } else {
        format!("%{}", string_literal(name))
    }
}
