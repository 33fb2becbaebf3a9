//! Command-line front end of the log generator.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use sumoql_loggen::bench::{self, BenchConfig};
use sumoql_loggen::examples;

const HELP: &str = "\
sumoql-loggen: deterministic synthetic firewall and endpoint logs as NDJSON

USAGE:
    sumoql-loggen examples --out DIR [--seed N]
    sumoql-loggen bench --records N [--seed N] [--out FILE|-]
                        [--src-hosts N] [--dest-hosts N] [--sessions N]
    sumoql-loggen --help | --version

MODES:
    examples    Write the small sample logs (one file per source category:
                firewall, paloalto, cisco_asa, fortinet, endpoint, dns and
                nested .ndjson) plus a README.md describing the built-in
                detection scenarios into DIR (created if missing).
    bench       Stream N flat records (~357 bytes each, 90% firewall
                categories, ~5.5% on ports 20/21/69/139/445/990) to FILE,
                or to standard output when FILE is '-' or omitted.

OPTIONS:
    --out PATH        Output folder (examples) or file (bench)
    --seed N          Seed; the same seed gives byte-identical output
                      [default: 7]
    --records N       Number of bench records; accepts 5000000, 5_000_000,
                      5000k or 5m
    --src-hosts N     Distinct source addresses in bench mode [default: 4000]
    --dest-hosts N    Distinct public destinations in bench mode
                      [default: 40000]
    --sessions N      Size of the session_id pool in bench mode; `count by
                      session_id` yields about this many groups
                      [default: records / 5]
    -h, --help        Print this help
    -V, --version     Print the version

EXAMPLES:
    sumoql-loggen examples --out examples/logs --seed 7
    sumoql-loggen bench --records 5m --out bench.ndjson
    sumoql-loggen bench --records 1000 | head -n 3
";

/// Parses a count such as `5000`, `5_000_000`, `250k` or `5m`.
fn parse_count(flag: &str, text: &str) -> Result<u64, String> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let (digits, factor) = match lower.as_bytes().last() {
        Some(b'k') => (&lower[..lower.len() - 1], 1_000),
        Some(b'm') => (&lower[..lower.len() - 1], 1_000_000),
        Some(b'g') => (&lower[..lower.len() - 1], 1_000_000_000),
        _ => (lower.as_str(), 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|v| v.checked_mul(factor))
        .ok_or_else(|| format!("{flag} expects a non-negative integer, got '{text}'"))
}

#[derive(Debug, Default)]
struct Options {
    out: Option<String>,
    seed: Option<u64>,
    records: Option<u64>,
    src_hosts: Option<u64>,
    dest_hosts: Option<u64>,
    sessions: Option<u64>,
}

fn parse_options(args: &[String], allowed: &[&str]) -> Result<Options, String> {
    let mut opts = Options::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        if !allowed.contains(&flag.as_str()) {
            return Err(format!("unexpected argument '{arg}'"));
        }
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))?
            }
        };
        match flag.as_str() {
            "--out" => opts.out = Some(value),
            "--seed" => opts.seed = Some(parse_count(&flag, &value)?),
            "--records" => opts.records = Some(parse_count(&flag, &value)?),
            "--src-hosts" => opts.src_hosts = Some(parse_count(&flag, &value)?),
            "--dest-hosts" => opts.dest_hosts = Some(parse_count(&flag, &value)?),
            "--sessions" => opts.sessions = Some(parse_count(&flag, &value)?),
            _ => unreachable!("flag was checked against the allowed list"),
        }
        i += 1;
    }
    Ok(opts)
}

fn run_examples(args: &[String]) -> Result<(), String> {
    let opts = parse_options(args, &["--out", "--seed"])?;
    let out = opts
        .out
        .ok_or("examples needs --out DIR (for instance --out examples/logs)")?;
    let seed = opts.seed.unwrap_or(examples::DEFAULT_SEED);
    let dir = PathBuf::from(out);
    let written = examples::write_to_dir(&dir, seed)
        .map_err(|e| format!("cannot write examples to {}: {e}", dir.display()))?;
    let mut total = (0, 0);
    for (path, file) in &written {
        println!(
            "{:>6} lines {:>9} bytes  {}",
            file.lines,
            file.contents.len(),
            path.display()
        );
        total.0 += file.lines;
        total.1 += file.contents.len();
    }
    println!("{:>6} lines {:>9} bytes  total", total.0, total.1);
    println!("{}", dir.join("README.md").display());
    Ok(())
}

fn run_bench(args: &[String]) -> Result<(), String> {
    let opts = parse_options(
        args,
        &[
            "--out",
            "--seed",
            "--records",
            "--src-hosts",
            "--dest-hosts",
            "--sessions",
        ],
    )?;
    let records = opts
        .records
        .ok_or("bench needs --records N (for instance --records 5m)")?;
    let mut cfg = BenchConfig::new(records);
    if let Some(seed) = opts.seed {
        cfg.seed = seed;
    }
    if let Some(n) = opts.src_hosts {
        cfg.src_hosts = n;
    }
    if let Some(n) = opts.dest_hosts {
        cfg.dest_hosts = n;
    }
    cfg.sessions = opts.sessions;
    cfg.validate()?;

    let started = Instant::now();
    let out = opts.out.unwrap_or_else(|| "-".to_string());
    let stats = if out == "-" {
        let stdout = io::stdout();
        let result = bench::write_bench(&cfg, stdout.lock());
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.map_err(|e| format!("cannot write to standard output: {e}"))?,
        }
    } else {
        let file = std::fs::File::create(&out).map_err(|e| format!("cannot create {out}: {e}"))?;
        bench::write_bench(&cfg, file).map_err(|e| format!("cannot write {out}: {e}"))?
    };
    let secs = started.elapsed().as_secs_f64();
    let mb = stats.bytes as f64 / 1e6;
    let _ = writeln!(
        io::stderr(),
        "wrote {} records, {} bytes ({:.1} bytes/record) in {:.2}s ({:.0} MB/s)",
        stats.records,
        stats.bytes,
        stats.bytes as f64 / stats.records.max(1) as f64,
        secs,
        if secs > 0.0 { mb / secs } else { 0.0 }
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            print!("{HELP}");
            Ok(())
        }
        Some("-V" | "--version") => {
            println!("sumoql-loggen {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some(_) if args.iter().any(|a| a == "-h" || a == "--help") => {
            print!("{HELP}");
            Ok(())
        }
        Some("examples") => run_examples(&args[1..]),
        Some("bench") => run_bench(&args[1..]),
        Some(other) => Err(format!(
            "unknown mode '{other}' (expected 'examples' or 'bench')"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}\nRun 'sumoql-loggen --help' for usage.");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("--records", "5_000_000"), Ok(5_000_000));
        assert_eq!(parse_count("--records", "5m"), Ok(5_000_000));
        assert_eq!(parse_count("--records", "250K"), Ok(250_000));
        assert!(parse_count("--records", "five").is_err());
        assert!(parse_count("--records", "-1").is_err());
    }

    #[test]
    fn options() {
        let args: Vec<String> = ["--records", "10", "--seed=3", "--out", "-"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let opts = parse_options(&args, &["--records", "--seed", "--out"]).unwrap();
        assert_eq!(opts.records, Some(10));
        assert_eq!(opts.seed, Some(3));
        assert_eq!(opts.out.as_deref(), Some("-"));
        assert!(parse_options(&args, &["--records"]).is_err());
        assert!(parse_options(&["--seed".to_string()], &["--seed"]).is_err());
    }
}
