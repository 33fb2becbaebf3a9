//! The XPath subset of `parse xml`: absolute location paths that only go deeper, as Sumo
//! documents it (no `..`, no `//`, no `axis::` forms), each step a name or `*` with optional
//! predicates, ending in an element, `text()` or `@attribute`.

/// A parsed XPath of `parse xml "/users/user[2]/@id"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlPath {
    /// The path as written.
    pub written: String,
    /// The element steps from the root element down.
    pub steps: Vec<XmlStep>,
    /// What the path selects in the last element.
    pub target: XmlTarget,
}

/// One element step: a name (or `*`) and its predicates, applied in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlStep {
    /// The element name (matched against local names: the operator ignores namespaces), or
    /// `None` for `*`.
    pub name: Option<String>,
    /// The predicates in brackets.
    pub predicates: Vec<XmlPredicate>,
}

/// A predicate of a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlPredicate {
    /// `[2]`: the element at this 1-based position among those the step selects.
    Position(usize),
    /// `[last()]`: the last of them.
    Last,
    /// `[@id]`: the element has the attribute.
    HasAttribute(String),
    /// `[@id=456]` or `[@Name='TargetUserName']`: the attribute has this value.
    AttributeIs(String, String),
    /// `[Level=4]`: a child element's text is this value.
    ChildIs(String, String),
}

/// What a path gives from the element it reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum XmlTarget {
    /// The element itself: its XML text as written in the log.
    Element,
    /// `text()`: the element's first text.
    Text,
    /// `@name`: an attribute's value.
    Attribute(String),
}

impl XmlPath {
    /// Parses a path of the subset; the error says what is not in it.
    ///
    /// ```
    /// use sumoql_plan::{XmlPath, XmlPredicate, XmlTarget};
    /// let path = XmlPath::parse("/users/user[@id=456]/first_name/text()").unwrap();
    /// assert_eq!(path.steps.len(), 3);
    /// assert_eq!(path.steps[1].predicates, [XmlPredicate::AttributeIs("id".into(), "456".into())]);
    /// assert_eq!(path.target, XmlTarget::Text);
    /// assert!(XmlPath::parse("//af").is_err());
    /// assert!(XmlPath::parse("/af/nursery/../@type").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<XmlPath, String> {
        let bad = |why: &str| Err(format!("bad XPath `{text}`: {why}"));
        let Some(body) = text.strip_prefix('/') else {
            return bad("a path starts at the root, with `/`");
        };
        if body.starts_with('/') || body.contains("//") {
            return bad("`//` (any depth) is not supported: give the full path to the element");
        }
        if body.contains("::") {
            return bad("axis forms such as `child::` are not supported: write `/a/b`");
        }
        let parts = split_steps(body).map_err(|why| format!("bad XPath `{text}`: {why}"))?;
        let mut steps = Vec::new();
        let mut target = XmlTarget::Element;
        let count = parts.len();
        for (index, part) in parts.into_iter().enumerate() {
            let last = index + 1 == count;
            if part == ".." || part == "." {
                return bad("the path may only go deeper: `..` and `.` are not supported");
            }
            if part == "text()" || part.starts_with('@') {
                if !last {
                    return bad("`text()` and `@attribute` end a path");
                }
                target = match part.strip_prefix('@') {
                    Some(name) if is_name(name) => XmlTarget::Attribute(name.to_string()),
                    Some(_) => return bad("an attribute is `@name`"),
                    None => XmlTarget::Text,
                };
                continue;
            }
            steps.push(step(&part).map_err(|why| format!("bad XPath `{text}`: {why}"))?);
        }
        if steps.is_empty() {
            return bad("the path names no element");
        }
        Ok(XmlPath {
            written: text.to_string(),
            steps,
            target,
        })
    }

    /// The field a path names when `parse xml` has no `as`: its attribute's name, else its
    /// last element's name.
    pub fn default_name(&self) -> Option<&str> {
        match &self.target {
            XmlTarget::Attribute(name) => Some(name),
            _ => self.steps.last()?.name.as_deref(),
        }
    }
}

/// The steps of a path without its leading `/`, cut at slashes outside brackets and quotes.
fn split_steps(body: &str) -> Result<Vec<String>, &'static str> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for c in body.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth = depth.checked_sub(1).ok_or("a `]` without its `[`")?,
            (None, '/') if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            (None, _) => {}
        }
        current.push(c);
    }
    if depth > 0 || quote.is_some() {
        return Err("a `[` or a quote is left open");
    }
    parts.push(current);
    if parts.iter().any(String::is_empty) {
        return Err("an empty step");
    }
    Ok(parts)
}

/// One element step: `name`, `*`, then `[...]` predicates.
fn step(part: &str) -> Result<XmlStep, String> {
    let name_end = part.find('[').unwrap_or(part.len());
    let name = &part[..name_end];
    let name = match name {
        "*" => None,
        n if is_name(n) => Some(n.to_string()),
        n if n.contains(':') => {
            return Err(format!(
                "`{n}` has a namespace prefix, and the operator is not namespace aware: name the element without it"
            ))
        }
        n => return Err(format!("`{n}` is not an element name")),
    };
    let mut predicates = Vec::new();
    let mut rest = &part[name_end..];
    while let Some(inner) = rest.strip_prefix('[') {
        let close = closing_bracket(inner).ok_or("a `[` is left open")?;
        predicates.push(predicate(inner[..close].trim())?);
        rest = &inner[close + 1..];
    }
    if !rest.is_empty() {
        return Err(format!("unexpected `{rest}` after a predicate"));
    }
    Ok(XmlStep { name, predicates })
}

/// The index of the `]` closing a predicate, quotes honoured.
fn closing_bracket(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, ']') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

fn predicate(text: &str) -> Result<XmlPredicate, String> {
    if text == "last()" {
        return Ok(XmlPredicate::Last);
    }
    if let Ok(position) = text.parse::<usize>() {
        return match position {
            0 => Err("positions count from 1, as in `[1]`".to_string()),
            n => Ok(XmlPredicate::Position(n)),
        };
    }
    let (left, value) = match text.split_once('=') {
        Some((left, value)) => (left.trim(), Some(literal(value.trim())?)),
        None => (text, None),
    };
    match (left.strip_prefix('@'), value) {
        (Some(name), None) if is_name(name) => Ok(XmlPredicate::HasAttribute(name.to_string())),
        (Some(name), Some(value)) if is_name(name) => {
            Ok(XmlPredicate::AttributeIs(name.to_string(), value))
        }
        (None, Some(value)) if is_name(left) => Ok(XmlPredicate::ChildIs(left.to_string(), value)),
        _ => Err(format!(
            "the predicate `[{text}]` is not supported: use a position (`[2]`, `[last()]`), `[@attr]`, `[@attr=value]` or `[child=value]`"
        )),
    }
}

/// A predicate's value: quoted with `'` or `"`, or a bare number or word.
fn literal(text: &str) -> Result<String, String> {
    for q in ['\'', '"'] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return Ok(inner.to_string());
        }
    }
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "._-".contains(c))
    {
        Ok(text.to_string())
    } else {
        Err(format!("`{text}` is not a value: quote it, as in `'text'`"))
    }
}

/// Whether `text` is an XML name without a namespace prefix.
fn is_name(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_the_subset_parse() {
        let path = XmlPath::parse("/Event/EventData/Data[@Name='TargetUserName']/text()").unwrap();
        assert_eq!(
            path.steps[2].predicates,
            [XmlPredicate::AttributeIs(
                "Name".into(),
                "TargetUserName".into()
            )]
        );
        let path = XmlPath::parse("/users/user[last()]/@id").unwrap();
        assert_eq!(path.steps[1].predicates, [XmlPredicate::Last]);
        assert_eq!(path.default_name(), Some("id"));
        let path = XmlPath::parse("/a/*[2]/b[c = \"x/y\"]").unwrap();
        assert_eq!(path.steps[1].name, None);
        assert_eq!(
            path.steps[2].predicates,
            [XmlPredicate::ChildIs("c".into(), "x/y".into())]
        );
        assert_eq!(path.target, XmlTarget::Element);
    }

    #[test]
    fn what_the_subset_refuses_is_named() {
        for (path, why) in [
            ("af", "starts at the root"),
            ("/af//nursery", "`//`"),
            ("/child::af", "axis"),
            ("/af/nursery/../@type", "only go deeper"),
            ("/ns:af", "namespace"),
            ("/a/text()/b", "end a path"),
            ("/a[0]", "count from 1"),
            ("/a[position() > 1]", "not supported"),
            ("/a[@x=1", "left open"),
        ] {
            let error = XmlPath::parse(path).unwrap_err();
            assert!(error.contains(why), "{path}: {error}");
        }
    }
}
