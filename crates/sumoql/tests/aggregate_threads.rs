//! Grouped aggregation split over many chunks and merged from several workers gives the rows
//! of one worker reading one chunk: same groups (texts that read as one number stay apart,
//! numbers equal in value join), same order, same order-dependent results.

use std::io::Write;
use std::sync::{Arc, Mutex};

use sumoql::{run_in_memory, Engine, InMemoryLogs, RunConfig};
use sumoql_io::write::{writer, Format};

/// Key texts chosen to be awkward: numbers written two ways, short and long texts, a text
/// that equals a boolean's, an empty text, a multi-byte text.
const KEYS: [&str; 9] = [
    "1",
    "1.0",
    "01",
    "exactly twenty-two byt",
    "a text longer than twenty-two bytes, so held as a value",
    "a text longer than twenty-two bytes, so held as a value too",
    "true",
    "",
    "é",
];

/// Lines whose key repeats far apart, so each key's records land in many chunks; every
/// eleventh line has no key.
fn lines() -> Vec<String> {
    (0..3000)
        .map(|i| {
            let key = if i % 11 == 0 {
                String::new()
            } else {
                format!(r#""k":"{}","#, KEYS[i % KEYS.len()])
            };
            format!(
                r#"{{{key}"g":"{}","n":"{}","v":"v{}"}}"#,
                i % 4,
                i % 97,
                i % 13
            )
        })
        .collect()
}

/// The query's rows as NDJSON, over `lines` held in chunks of `chunk` lines, on `threads`.
fn ndjson(query: &str, lines: &[String], chunk: usize, threads: usize) -> String {
    let query = Engine::new().compile(query).expect("the query compiles");
    let mut logs = InMemoryLogs::default();
    for (index, part) in lines.chunks(chunk).enumerate() {
        let refs: Vec<&str> = part.iter().map(String::as_str).collect();
        logs.add_lines(&format!("part{index}"), &refs);
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .expect("not poisoned")
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = writer(Format::Ndjson, Box::new(Shared(Arc::clone(&buffer))));
    let config = RunConfig {
        threads: Some(threads),
        ..RunConfig::default()
    };
    run_in_memory(&query, &logs, &config, out.as_mut()).expect("the run succeeds");
    drop(out);
    let bytes = buffer.lock().expect("not poisoned").clone();
    String::from_utf8(bytes).expect("UTF-8 output")
}

#[test]
fn merged_partial_aggregates_match_one_worker() {
    let lines = lines();
    let queries = [
        "* | count by k",
        "* | count, count(v) as with_v, sum(n), min(n), max(n), first(v), last(v), values(v) by k, g",
        "* | num(k) as kn | count, first(v), last(v), values(g) by kn",
        "* | count, first(k), last(k)",
    ];
    for query in queries {
        let expected = ndjson(query, &lines, lines.len(), 1);
        assert!(
            expected.lines().count() > 1 || !query.contains(" by "),
            "{expected}"
        );
        for threads in [1, 2, 3, 8] {
            assert_eq!(
                ndjson(query, &lines, 50, threads),
                expected,
                "`{query}` on {threads} threads"
            );
        }
    }
}

#[test]
fn texts_stay_apart_and_numbers_join() {
    let lines = lines();
    let by_text = ndjson("* | count by k", &lines, 50, 2);
    assert!(by_text.contains(r#"{"k":"1","#), "{by_text}");
    assert!(by_text.contains(r#"{"k":"1.0","#), "{by_text}");
    let by_number = ndjson("* | num(k) as kn | count by kn", &lines, 50, 2);
    // "1", "1.0" and "01" are one number.
    let ones = by_number
        .lines()
        .filter(|line| line.starts_with(r#"{"kn":1,"#) || line.starts_with(r#"{"kn":1.0,"#))
        .count();
    assert_eq!(ones, 1, "{by_number}");
}

/// Records reach their groups a batch at a time; `first` and `last` still follow input order,
/// whatever the chunks, threads and batches, and every record counts once.
#[test]
fn first_and_last_follow_input_order_across_batches() {
    let lines = lines();
    let mut expected = String::new();
    for g in 0..4 {
        let first = g % 13;
        let last = (lines.len() - 4 + g) % 13;
        let count = lines.len() / 4;
        expected.push_str(&format!(
            "{{\"g\":\"{g}\",\"_first\":\"v{first}\",\"_last\":\"v{last}\",\"_count\":{count}}}\n"
        ));
    }
    for chunk in [1, 7, 50, lines.len()] {
        for threads in [1, 2, 3] {
            assert_eq!(
                ndjson("* | first(v), last(v), count by g", &lines, chunk, threads),
                expected,
                "chunks of {chunk} lines on {threads} threads"
            );
        }
    }
}

/// One generated log line: a record from small alphabets (so groups repeat), or a line that
/// is malformed JSON, raw text, or blank.
fn generated_line() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    prop_oneof![
        6 => ("[ab1]{0,2}", "[0-9]{1,3}", any::<bool>()).prop_map(|(k, n, with_g)| {
            let g = if with_g { r#","g":"x""# } else { "" };
            format!(r#"{{"k":"{k}","n":"{n}"{g}}}"#)
        }),
        1 => Just(r#"{"k":"#.to_string()),
        1 => Just(r#"{"k":"unterminated}"#.to_string()),
        1 => Just("[1,2]".to_string()),
        1 => "[a-z =]{0,12}",
        1 => Just(String::new()),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(32))]

    /// Any lines, malformed ones among them, in chunks of any size: every number of threads
    /// from 1 to 8 gives the rows of one thread reading them whole.
    #[test]
    fn any_lines_give_the_same_rows_on_one_to_eight_threads(
        lines in proptest::collection::vec(generated_line(), 0..120),
        chunk in 1usize..40,
    ) {
        let queries = [
            "* | count by k",
            "* | where n > 50 | fields k, n",
            "* | sum(n), values(k), first(n), last(n) by g",
            "* | parse regex field=k \"(?<c>[a-z])\" multi | count by c",
        ];
        for query in queries {
            let expected = ndjson(query, &lines, lines.len().max(1), 1);
            for threads in 1..=8 {
                proptest::prop_assert_eq!(
                    &ndjson(query, &lines, chunk, threads),
                    &expected,
                    "`{}` on {} threads",
                    query,
                    threads
                );
            }
        }
    }
}
