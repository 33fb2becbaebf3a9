//! Same answer for any thread count: a query gives the same rows, in the same order, and the
//! same warnings whether its input is read as one chunk on one thread or cut into chunks of a
//! few lines scanned on 2, 3 or 8 threads, with malformed lines, raw text lines and records
//! without a key or a time mixed in. One test checks the shape of issue 22 against answers
//! computed from the input; a property test runs generated queries (every order-dependent
//! aggregate and row operator) over generated inputs.

#[allow(dead_code)] // this suite runs the library in process; it needs only the scratch folders
mod support;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use sumoql::{run, writer, Engine, Format, InputSource, RunConfig};
use support::scratch;

/// "Now" for every run: the receipt time, and so the `_messageTime` of a record without a
/// time. Later than every time the inputs hold.
const NOW_MS: i64 = 1_796_620_062_487;

/// The times records carry: a few seconds apart, so that many records share one.
const BASE_MS: i64 = 1_700_000_000_000;

/// What a run gave: its rows as NDJSON and its warnings as printed.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    rows: String,
    warnings: String,
}

/// Runs `query` over the inputs `paths` on `threads` threads, the inputs cut into chunks of
/// about `chunk_bytes`; the rows go to a file beside the first input.
fn answer(query: &str, paths: &[PathBuf], threads: usize, chunk_bytes: usize) -> Answer {
    let query = Engine::new()
        .compile(query)
        .unwrap_or_else(|error| panic!("`{query}` compiles: {error:?}"));
    let sources: Vec<InputSource> = paths.iter().cloned().map(InputSource::File).collect();
    let rows_path = paths[0].with_file_name("rows.ndjson");
    let file = File::create(&rows_path).expect("create the rows file");
    let mut out = writer(Format::Ndjson, Box::new(file));
    let config = RunConfig {
        threads: Some(threads),
        chunk_bytes,
        now_ms: NOW_MS,
        ..RunConfig::default()
    };
    let summary = run(&query, &sources, &config, out.as_mut()).expect("the run succeeds");
    drop(out);
    let rows = std::fs::read_to_string(&rows_path).expect("UTF-8 rows");
    Answer {
        rows,
        warnings: format!("{}lines read: {}", summary.warnings, summary.lines_read),
    }
}

/// Writes `bytes` to a new file of the scratch folder `dir`.
fn write_input(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the input");
    path
}

/// One line of a generated input.
#[derive(Clone, Debug)]
enum Line {
    /// A JSON record; each field may be missing. `time` counts seconds from [`BASE_MS`].
    Record {
        key: Option<u8>,
        value: Option<u8>,
        number: Option<Number>,
        time: Option<u8>,
    },
    /// A line that is not a JSON object, though it starts as one.
    Malformed(Malformed),
    /// A line of plain text: a text record with no field but `_raw` and its metadata.
    Text,
    /// A blank line.
    Blank,
}

/// A number field: a JSON number, numeric text, or text that is no number.
#[derive(Clone, Copy, Debug)]
enum Number {
    Json(i16),
    Text(i16),
    Word,
}

/// The ways a JSON line goes wrong.
#[derive(Clone, Copy, Debug)]
enum Malformed {
    InvalidUtf8,
    TrailingCharacters,
    Truncated,
}

impl Line {
    /// The line's bytes, with its line end.
    fn bytes(&self) -> Vec<u8> {
        let mut bytes = match self {
            Line::Record {
                key,
                value,
                number,
                time,
            } => {
                let mut fields = Vec::new();
                if let Some(time) = time {
                    fields.push(format!(
                        r#""timestamp":{}"#,
                        BASE_MS + i64::from(*time) * 1000
                    ));
                }
                if let Some(key) = key {
                    fields.push(format!(r#""k":"k{key}""#));
                }
                if let Some(value) = value {
                    fields.push(format!(r#""v":"v{value}""#));
                }
                match number {
                    Some(Number::Json(n)) => fields.push(format!(r#""n":{n}"#)),
                    Some(Number::Text(n)) => fields.push(format!(r#""n":"{n}""#)),
                    Some(Number::Word) => fields.push(r#""n":"many""#.to_string()),
                    None => {}
                }
                format!("{{{}}}", fields.join(",")).into_bytes()
            }
            Line::Malformed(Malformed::InvalidUtf8) => {
                b"{\"k\":\"k1\xff\xfe\",\"v\":\"v1\"}".to_vec()
            }
            Line::Malformed(Malformed::TrailingCharacters) => {
                br#"{"k":"k2","v":"v2"} and more"#.to_vec()
            }
            Line::Malformed(Malformed::Truncated) => br#"{"k":"k3","v":"v"#.to_vec(),
            Line::Text => b"connection reset by peer k=k1 v=v9".to_vec(),
            Line::Blank => Vec::new(),
        };
        bytes.push(b'\n');
        bytes
    }
}

fn number() -> impl Strategy<Value = Number> {
    prop_oneof![
        4 => (-50i16..500).prop_map(Number::Json),
        4 => (-50i16..500).prop_map(Number::Text),
        1 => Just(Number::Word),
    ]
}

fn line() -> impl Strategy<Value = Line> {
    let record = (
        proptest::option::weighted(0.8, 0u8..4),
        proptest::option::weighted(0.85, 0u8..6),
        proptest::option::weighted(0.85, number()),
        proptest::option::weighted(0.9, 0u8..12),
    )
        .prop_map(|(key, value, number, time)| Line::Record {
            key,
            value,
            number,
            time,
        });
    prop_oneof![
        16 => record,
        1 => Just(Line::Malformed(Malformed::InvalidUtf8)),
        1 => Just(Line::Malformed(Malformed::TrailingCharacters)),
        1 => Just(Line::Malformed(Malformed::Truncated)),
        1 => Just(Line::Text),
        1 => Just(Line::Blank),
    ]
}

/// The aggregates a generated `stats` stage computes from.
const AGGREGATES: [&str; 12] = [
    "first(v)",
    "last(v)",
    "most_recent(v)",
    "least_recent(v)",
    "values(v)",
    "pct(n, 50)",
    "first(_messageTime) as ft",
    "last(n) as ln",
    "values(k) as ks",
    "count",
    "most_recent(n) as mn",
    "least_recent(k) as lk",
];

/// A `stats` stage of some of [`AGGREGATES`] (each once), by `k` or by nothing, after an
/// optional row-local stage.
fn stats_query() -> impl Strategy<Value = String> {
    (
        proptest::sample::subsequence(AGGREGATES.to_vec(), 1..=4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(aggregates, by_key, cast_first)| {
            let cast = if cast_first { " | toLong(n) as n" } else { "" };
            let by = if by_key { " by k" } else { "" };
            format!("*{cast} | stats {}{by}", aggregates.join(", "))
        })
}

/// Row operators and other aggregations that depend on the order of records.
const ORDERED: [&str; 16] = [
    "* | toLong(n) as m | accum m as running | fields k, v, m, running",
    "* | toLong(n) as m | accum m as running by k | fields k, v, running",
    "* | toLong(n) as m | diff m as change | fields v, change",
    "* | toLong(n) as m | diff m as change by k | fields k, change",
    "* | backshift v | fields v, _backshift",
    "* | backshift v by k | fields k, v, _backshift",
    "* | dedup by k | fields k, v",
    "* | dedup 2 by k, v | fields k, v, n",
    "* | top 3 k",
    "* | top 2 v by count",
    "* | count_frequent(v)",
    "* | count_frequent v, k",
    "* | sort by v asc | first(n), last(n) by k",
    "* | limit 7 | fields k, v",
    "* | count by k | sort by _count | first(k), last(k)",
    "* | pct(n, 10, 90) by k",
];

fn query() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => stats_query(),
        2 => proptest::sample::select(ORDERED.to_vec()).prop_map(str::to_string),
    ]
}

/// Numbers the scratch inputs of the property test's cases.
static CASE: AtomicUsize = AtomicUsize::new(0);

/// The property test's settings: tens of cases, a fixed seed unless `PROPTEST_RNG_SEED` gives
/// one, and no failure files written into the repository (a failure prints its case).
fn settings() -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let rng_seed = match defaults.rng_seed {
        RngSeed::Random => RngSeed::Fixed(22),
        chosen => chosen,
    };
    ProptestConfig {
        cases: 40,
        rng_seed,
        failure_persistence: None,
        ..defaults
    }
}

proptest! {
    #![proptest_config(settings())]

    #[test]
    fn rows_and_warnings_do_not_depend_on_threads_or_chunks(
        query in query(),
        lines in proptest::collection::vec(line(), 0..80),
        chunk_bytes in 1usize..400,
    ) {
        let dir = scratch(&format!("case{}", CASE.fetch_add(1, Ordering::Relaxed)));
        let bytes: Vec<u8> = lines.iter().flat_map(Line::bytes).collect();
        let input = [write_input(&dir, "input.ndjson", &bytes)];
        let whole = answer(&query, &input, 1, usize::MAX);
        for threads in [1, 2, 3, 8] {
            let cut = answer(&query, &input, threads, chunk_bytes);
            prop_assert_eq!(
                &cut,
                &whole,
                "`{}` on {} threads, chunks of {} bytes",
                &query,
                threads,
                chunk_bytes
            );
        }
        std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
    }
}

/// A line of issue 22's input.
enum Flow {
    /// A firewall record; each field may be missing. Without a time, its time is the
    /// receipt time.
    Record {
        dest_ip: Option<usize>,
        time: Option<i64>,
        bytes_out: Option<u64>,
        session: Option<usize>,
    },
    /// A line that is not a JSON object.
    Malformed(&'static [u8]),
    /// A text line: a record with no `dest_ip`, whose time is the receipt time.
    Text,
}

impl Flow {
    /// The line's bytes, with its line end.
    fn bytes(&self) -> Vec<u8> {
        let mut bytes = match self {
            Flow::Record {
                dest_ip,
                time,
                bytes_out,
                session,
            } => {
                let mut fields = Vec::new();
                if let Some(time) = time {
                    fields.push(format!(r#""timestamp":{time}"#));
                }
                if let Some(ip) = dest_ip {
                    fields.push(format!(r#""dest_ip":"10.0.0.{ip}""#));
                }
                if let Some(bytes_out) = bytes_out {
                    fields.push(format!(r#""bytes_out":{bytes_out}"#));
                }
                if let Some(session) = session {
                    fields.push(format!(r#""session_id":"s{session:03}""#));
                }
                format!("{{{}}}", fields.join(",")).into_bytes()
            }
            Flow::Malformed(line) => line.to_vec(),
            Flow::Text => b"session reset from 10.0.0.4".to_vec(),
        };
        bytes.push(b'\n');
        bytes
    }
}

/// The input of issue 22's shape: records of four `dest_ip` values and of none, `bytes_out`
/// and `session_id` each sometimes missing, many records to a time, some without a time, and
/// a malformed line (invalid UTF-8, trailing characters, a truncated object) or a text line
/// every few lines.
fn issue_22_input() -> Vec<Flow> {
    (0..240usize)
        .map(|i| match i % 9 {
            4 => Flow::Malformed(b"{\"dest_ip\":\"10.0.0.1\xff\",\"bytes_out\":1}"),
            7 => Flow::Malformed(br#"{"dest_ip":"10.0.0.2","bytes_out":2} x"#),
            8 if i % 2 == 0 => Flow::Malformed(br#"{"dest_ip":"10.0.0.3","bytes_o"#),
            8 => Flow::Text,
            _ => Flow::Record {
                dest_ip: (i % 5 != 0).then_some(i * 7 % 4),
                time: (i % 13 != 3).then_some(BASE_MS + (i * 31 % 17) as i64 * 1000),
                bytes_out: (i % 6 != 1).then_some((i * 37 % 1000) as u64),
                session: (i % 4 != 2).then_some(i % 150),
            },
        })
        .collect()
}

/// What issue 22's query computes of one group: its newest time, and the time and
/// `bytes_out` of its oldest record that has one.
#[derive(Clone, Copy)]
struct Group {
    newest: i64,
    oldest_bytes_out: Option<(i64, u64)>,
}

/// The rows of issue 22's query computed from `input`: for each `dest_ip` (null first, then
/// ascending), the newest time, and the `bytes_out` of the oldest record that has one (the
/// later in input order between equal times).
fn issue_22_rows(input: &[Flow]) -> String {
    let mut groups: BTreeMap<Option<usize>, Group> = BTreeMap::new();
    for flow in input {
        let (dest_ip, time, bytes_out) = match flow {
            Flow::Record {
                dest_ip,
                time,
                bytes_out,
                ..
            } => (*dest_ip, time.unwrap_or(NOW_MS), *bytes_out),
            Flow::Text => (None, NOW_MS, None),
            Flow::Malformed(_) => continue,
        };
        let group = groups.entry(dest_ip).or_insert(Group {
            newest: i64::MIN,
            oldest_bytes_out: None,
        });
        group.newest = group.newest.max(time);
        if let Some(bytes_out) = bytes_out {
            // Input order: a later record of an equal time is the older in Sumo's order.
            if group
                .oldest_bytes_out
                .is_none_or(|(oldest, _)| time <= oldest)
            {
                group.oldest_bytes_out = Some((time, bytes_out));
            }
        }
    }
    let mut rows = String::new();
    for (dest_ip, group) in &groups {
        let dest_ip = dest_ip.map_or("null".to_string(), |ip| format!("\"10.0.0.{ip}\""));
        let last = group
            .oldest_bytes_out
            .map_or("null".to_string(), |(_, bytes)| format!("\"{bytes}\""));
        let newest = group.newest;
        rows.push_str(&format!(
            "{{\"dest_ip\":{dest_ip},\"ft\":{newest},\"lb\":{last}}}\n"
        ));
    }
    rows
}

/// `first`, `last` and `values` in one stage, null keys among them, malformed lines at every
/// chunk boundary the chunk sizes make (down to one line a chunk): on 1 to 8 threads, on one
/// file and on the file split in three, the rows are those computed from the input. Over log
/// records `first` is `most_recent` and `last` is `least_recent`; the null group's newest
/// time is the receipt time, which the runs share (issue 22's runs differed by their clocks).
#[test]
fn first_last_and_values_in_one_stage_give_the_input_s_answer_on_any_thread_count() {
    let input = issue_22_input();
    let expected = issue_22_rows(&input);
    assert_eq!(expected.lines().count(), 5, "{expected}");
    assert!(
        expected.starts_with(&format!("{{\"dest_ip\":null,\"ft\":{NOW_MS},")),
        "{expected}"
    );
    let dir = scratch("issue22");
    let lines: Vec<Vec<u8>> = input.iter().map(Flow::bytes).collect();
    let whole = [write_input(&dir, "all.ndjson", &lines.concat())];
    let thirds: Vec<PathBuf> = lines
        .chunks(lines.len() / 3 + 1)
        .enumerate()
        .map(|(index, part)| write_input(&dir, &format!("part{index}.ndjson"), &part.concat()))
        .collect();
    let query = "* | stats first(_messageTime) as ft, last(bytes_out) as lb, \
                 values(session_id) as vs by dest_ip | fields dest_ip, ft, lb";
    let reference = answer(query, &whole, 1, usize::MAX);
    assert_eq!(reference.rows, expected);
    assert!(
        reference.warnings.contains("malformed line"),
        "{}",
        reference.warnings
    );
    let longest = lines.iter().map(Vec::len).max().unwrap_or(1);
    for chunk_bytes in [
        1,
        20,
        longest,
        longest + 1,
        2 * longest,
        5 * longest,
        1 << 20,
    ] {
        for threads in 1..=8 {
            for inputs in [&whole[..], &thirds[..]] {
                let got = answer(query, inputs, threads, chunk_bytes);
                assert_eq!(
                    got.rows, expected,
                    "{threads} threads, {chunk_bytes}-byte chunks"
                );
                if inputs.len() == 1 {
                    assert_eq!(
                        got, reference,
                        "{threads} threads, {chunk_bytes}-byte chunks"
                    );
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
}
