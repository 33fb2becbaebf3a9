//! The formatter keeps a query's meaning: on generated queries, the formatted text plans to
//! the same plan as the query as written (the plan's text, which holds no source positions),
//! and formatting it again changes nothing.

use proptest::prelude::*;
use sumoql::{format_query, Engine};

/// A field name, sometimes one that needs quoting or a dotted path.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-c]{1,2}".prop_map(|name| name),
        Just("src.ip".to_string()),
        Just(r#"%"odd name""#.to_string()),
    ]
}

/// A scope: keywords, phrases, `field=value` wildcards, joined by AND, OR and NOT.
fn scope() -> impl Strategy<Value = String> {
    let term = prop_oneof![
        Just("*".to_string()),
        "[a-z]{1,4}\\*?".prop_map(|word| word),
        "[a-z]{1,3} [a-z]{1,3}".prop_map(|phrase| format!("\"{phrase}\"")),
        (field(), "[a-z*]{1,4}").prop_map(|(f, v)| format!("{f}={v}")),
    ];
    proptest::collection::vec((term, 0..4usize), 1..4).prop_map(|terms| {
        let mut text = String::new();
        for (i, (term, join)) in terms.into_iter().enumerate() {
            if i > 0 {
                text.push_str([" ", " AND ", " OR ", " NOT "][join]);
            }
            text.push_str(&term);
        }
        text
    })
}

/// An expression over fields and literals.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        field(),
        "[0-9]{1,3}".prop_map(|n| n),
        "[a-z]{0,3}".prop_map(|t| format!("\"{t}\"")),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), "(=|!=|<|>=|\\+|-|\\*|and|or)", inner.clone())
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|e| format!("({e})")),
            inner.clone().prop_map(|e| format!("!{e}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("if({a}, {a}, {b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("{a} in ({b}, \"x\")")),
        ]
    })
}

/// One stage after a `|`.
fn stage() -> impl Strategy<Value = String> {
    prop_oneof![
        expression().prop_map(|e| format!("where {e}")),
        (expression(), "[d-f]{1,2}").prop_map(|(e, name)| format!("eval {name} = {e}")),
        (expression(), "[d-f]{1,2}").prop_map(|(e, name)| format!("{e} as {name}")),
        field().prop_map(|f| format!("count by {f}")),
        (field(), field()).prop_map(|(a, b)| format!("stats count, sum({a}) as s by {b}")),
        (field(), field()).prop_map(|(a, b)| format!("fields {a}, {b}")),
        field().prop_map(|f| format!("sort by {f} desc")),
        (1..100u32).prop_map(|n| format!("limit {n}")),
        Just(r#"parse "user=*," as user nodrop"#.to_string()),
        field().prop_map(|f| format!("where {f} matches \"a*b\"")),
    ]
}

fn query() -> impl Strategy<Value = String> {
    (
        scope(),
        proptest::collection::vec(stage(), 0..5),
        any::<bool>(),
    )
        .prop_map(|(scope, stages, spread)| {
            let joint = if spread { "\n| " } else { " | " };
            std::iter::once(scope)
                .chain(stages)
                .collect::<Vec<_>>()
                .join(joint)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn formatted_queries_plan_as_written_and_format_to_themselves(text in query()) {
        let engine = Engine::new();
        let written = engine.compile(&text);
        // Generated queries that do not plan (a type error, say) are not the point here;
        // proptest fails the test if too many are set aside.
        prop_assume!(written.is_ok());
        let written = written.expect("assumed");
        let formatted = format_query(&text).expect("a query that plans also formats");
        let reparsed = engine.compile(&formatted).unwrap_or_else(|diagnostics| {
            panic!("the formatted query does not compile:\n{formatted}\n{diagnostics:?}")
        });
        prop_assert_eq!(reparsed.plan.explain(), written.plan.explain(), "formatted:\n{}", formatted);
        prop_assert_eq!(format_query(&formatted).expect("formats again"), formatted);
    }
}
