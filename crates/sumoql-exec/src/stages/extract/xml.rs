//! `parse xml`: the values XPaths of the documented subset reach in XML text.

use roxmltree::{Document, Node};
use sumoql_plan::{XmlPath, XmlPredicate, XmlStep, XmlTarget};

/// The XML text `text` parsed, or `None` when it is not well-formed.
pub(super) fn document(text: &str) -> Option<Document<'_>> {
    Document::parse(text).ok()
}

/// The value of the first node `path` reaches in `document` (whose source is `text`), in
/// document order: an element's XML text as written, its first text for `text()`, or an
/// attribute's value. Names match local names: namespaces are ignored.
pub(super) fn value_at<'d>(
    document: &'d Document<'_>,
    text: &'d str,
    path: &XmlPath,
) -> Option<&'d str> {
    let root = document.root_element();
    let (first, rest) = path.steps.split_first()?;
    let mut reached = select(std::iter::once(root), first);
    for step in rest {
        reached = select_per_parent(&reached, step);
    }
    reached.into_iter().find_map(|node| match &path.target {
        XmlTarget::Element => text.get(node.range()),
        XmlTarget::Text => node.children().find(Node::is_text).and_then(|t| t.text()),
        XmlTarget::Attribute(name) => attribute(node, name),
    })
}

/// The children of each of `parents` that `step` selects, positions counted per parent.
fn select_per_parent<'a, 'i>(parents: &[Node<'a, 'i>], step: &XmlStep) -> Vec<Node<'a, 'i>> {
    parents
        .iter()
        .flat_map(|parent| select(parent.children(), step))
        .collect()
}

/// The elements of `candidates` that match `step`'s name, then each predicate in turn.
fn select<'a, 'i>(
    candidates: impl Iterator<Item = Node<'a, 'i>>,
    step: &XmlStep,
) -> Vec<Node<'a, 'i>> {
    let mut selected: Vec<Node<'a, 'i>> = candidates
        .filter(|node| node.is_element())
        .filter(|node| {
            step.name
                .as_deref()
                .is_none_or(|name| node.tag_name().name() == name)
        })
        .collect();
    for predicate in &step.predicates {
        selected = match predicate {
            XmlPredicate::Position(n) => selected.get(n - 1).copied().into_iter().collect(),
            XmlPredicate::Last => selected.last().copied().into_iter().collect(),
            XmlPredicate::HasAttribute(name) => selected
                .into_iter()
                .filter(|node| attribute(*node, name).is_some())
                .collect(),
            XmlPredicate::AttributeIs(name, value) => selected
                .into_iter()
                .filter(|node| attribute(*node, name) == Some(value.as_str()))
                .collect(),
            XmlPredicate::ChildIs(name, value) => selected
                .into_iter()
                .filter(|node| {
                    node.children().any(|child| {
                        child.is_element()
                            && child.tag_name().name() == name
                            && child.text().map(str::trim) == Some(value.as_str())
                    })
                })
                .collect(),
        };
    }
    selected
}

/// The value of the attribute `name` (local name) of `node`.
fn attribute<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: &str = r#"<users><user id="123" role="manager"><first_name>Sally</first_name></user><user id="456" role="contributor"><first_name>Bob</first_name></user></users>"#;

    fn at(text: &str, path: &str) -> Option<String> {
        let document = document(text)?;
        let path = XmlPath::parse(path).unwrap();
        value_at(&document, text, &path).map(str::to_string)
    }

    #[test]
    fn paths_reach_texts_attributes_and_elements() {
        assert_eq!(
            at(USERS, "/users/user/first_name/text()").as_deref(),
            Some("Sally")
        );
        assert_eq!(
            at(USERS, "/users/user[2]/first_name/text()").as_deref(),
            Some("Bob")
        );
        assert_eq!(at(USERS, "/users/user[last()]/@id").as_deref(), Some("456"));
        assert_eq!(
            at(USERS, "/users/user[@id=456]/first_name/text()").as_deref(),
            Some("Bob")
        );
        assert_eq!(
            at(USERS, "/users/user/first_name").as_deref(),
            Some("<first_name>Sally</first_name>")
        );
        assert_eq!(at(USERS, "/users/user[3]/@id"), None);
        assert_eq!(at(USERS, "/user/@id"), None);
        assert_eq!(at("<users><user>", "/users/user/@id"), None);
    }

    #[test]
    fn names_ignore_the_default_namespace() {
        let event = r#"<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4625</EventID></System><EventData><Data Name="SubjectUserName">-</Data><Data Name="TargetUserName">bob</Data></EventData></Event>"#;
        assert_eq!(
            at(event, "/Event/System/EventID/text()").as_deref(),
            Some("4625")
        );
        assert_eq!(
            at(
                event,
                "/Event/EventData/Data[@Name='TargetUserName']/text()"
            )
            .as_deref(),
            Some("bob")
        );
    }
}
