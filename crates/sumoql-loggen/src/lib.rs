//! Seeded, deterministic generator of firewall and endpoint logs as NDJSON.
//!
//! `sumoql-loggen` produces the synthetic logs that sumoql's examples, golden
//! tests and benchmarks run on. It has no dependencies: randomness comes from
//! a small xoshiro256\*\* generator ([`rng::Rng`]) driven only by integer
//! arithmetic, so **the same seed produces byte-identical output on every
//! machine**.
//!
//! # Examples mode
//!
//! [`examples::write_to_dir`] (CLI: `sumoql-loggen examples --out DIR`) writes
//! seven small files, one per source-category family, plus a `README.md`:
//!
//! | File | `_sourceCategory` |
//! | --- | --- |
//! | `firewall.ndjson` | `network/firewall` |
//! | `paloalto.ndjson` | `network/paloalto` |
//! | `cisco_asa.ndjson` | `network/cisco/asa` |
//! | `fortinet.ndjson` | `network/fortinet` |
//! | `endpoint.ndjson` | `endpoint/sysmon` |
//! | `dns.ndjson` | `network/dns` |
//! | `nested.ndjson` | `endpoint/edr` (nested `source` / `destination` / `process` objects) |
//!
//! Each holds a few hundred background records spread over 2024-03-04 to
//! 2024-03-10 (mostly web, DNS and SSH traffic from private sources to public
//! destinations; a few use epoch-second or epoch-millisecond numbers or a
//! `_messageTime` key instead of an ISO `timestamp`) with the deliberate
//! scenario records of [`scenarios`] shuffled in. The scenarios exercise every
//! edge of an SMB / FTP / TFTP exfiltration detection
//! ([`examples::DETECTION_QUERY`]); the generated README lists them with their
//! expected outcome. All files together stay well under 1.5 MB.
//!
//! # Bench mode
//!
//! [`bench::write_bench`] (CLI: `sumoql-loggen bench --records N`) streams
//! one large file of flat records through a `BufWriter`, typically at several
//! hundred MB/s. Its shape:
//!
//! * **Keys**, in this order: `timestamp`, `_sourceCategory`, `device`,
//!   `src_ip`, `src_port`, `dest_ip`, `dest_port`, `protocol`, `action`, `app`,
//!   `rule`, `user` (absent in ~6% of records), `process_name` (absent in ~2%),
//!   `bytes_out`, `bytes_in` (absent in ~1%), `session_id`.
//! * **Line length**: about 357 bytes on average, newline included.
//! * **Time**: records advance evenly through 2024-03-04..2024-03-10;
//!   ~99% ISO-8601 strings with milliseconds, ~1% epoch-millisecond numbers.
//! * **Categories**: 90% firewall — `network/firewall` 30%,
//!   `network/paloalto` 25%, `network/cisco/asa` 20%, `network/fortinet` 15% —
//!   then `network/dns` 6% and `endpoint/sysmon` 4%. Each category uses its
//!   vendor's verdicts (`allow`/`deny`/`drop`, `built`/`teardown`,
//!   `accept`/`close`/`timeout`, ...).
//! * **Ports**: about 5.5% of records go to one of the detection ports
//!   20, 21, 69, 139, 445, 990 ([`bench::DETECTION_PORTS`]); the rest are
//!   mostly 443, 80, 53 and 22.
//! * **Types**: `src_port`, `dest_port`, `bytes_out` and `bytes_in` are each
//!   a JSON number in half of the records and a numeric string in the other
//!   half (independently).
//! * **Cardinality**: `src_ip` comes from `--src-hosts` (default 4,000)
//!   addresses in 10/8, and public `dest_ip` from `--dest-hosts` (default
//!   40,000) addresses plus 500 private servers, both skewed so that a few
//!   hosts are heavy hitters. `session_id` is drawn uniformly from a pool of
//!   `--sessions` ids (default: one per 5 records), so `count by session_id`
//!   yields about `records / 5` groups — roughly 1M groups for 5M records —
//!   which makes it the high-cardinality grouping field.
//!
//! # Example
//!
//! ```
//! use sumoql_loggen::bench::{bench_bytes, BenchConfig};
//!
//! let a = bench_bytes(&BenchConfig::new(100)).unwrap();
//! let b = bench_bytes(&BenchConfig::new(100)).unwrap();
//! assert_eq!(a, b);
//! assert_eq!(a.iter().filter(|&&c| c == b'\n').count(), 100);
//! ```

pub mod bench;
pub mod examples;
pub mod json;
pub mod net;
pub mod rng;
pub mod scenarios;
pub mod time;
