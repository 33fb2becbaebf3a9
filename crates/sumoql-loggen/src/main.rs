//! Command-line front end of the log generator.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use sumoql_loggen::bench::{self, BenchConfig};
use sumoql_loggen::examples;

/// Deterministic synthetic firewall and endpoint logs as NDJSON.
#[derive(Parser)]
#[command(name = "sumoql-loggen", version, about, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    mode: Mode,
}

const EXAMPLES: &str = "\
Examples:
  sumoql-loggen examples --out examples/logs --seed 7
  sumoql-loggen bench --records 5m --out bench.ndjson
  sumoql-loggen bench --records 1000 | head -n 3";

#[derive(Subcommand)]
enum Mode {
    /// Write the small sample logs (one file per source category: firewall, paloalto,
    /// cisco_asa, fortinet, endpoint, dns and nested .ndjson) and a README.md describing the
    /// built-in detection scenarios into DIR (created if missing).
    Examples {
        /// The output folder.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The seed; the same seed gives byte-identical output.
        #[arg(long, value_name = "N", default_value_t = examples::DEFAULT_SEED, value_parser = parse_count)]
        seed: u64,
    },
    /// Stream N flat records (~357 bytes each, 90% firewall categories, ~5.5% on ports
    /// 20/21/69/139/445/990) to FILE, or to standard output when FILE is `-` or omitted.
    Bench {
        /// Number of records: 5000000, 5_000_000, 5000k or 5m.
        #[arg(long, value_name = "N", value_parser = parse_count)]
        records: u64,
        /// The seed; the same seed gives byte-identical output [default: 7].
        #[arg(long, value_name = "N", value_parser = parse_count)]
        seed: Option<u64>,
        /// The output file, `-` for standard output.
        #[arg(long, value_name = "FILE", default_value = "-")]
        out: String,
        /// Distinct source addresses [default: 4000].
        #[arg(long, value_name = "N", value_parser = parse_count)]
        src_hosts: Option<u64>,
        /// Distinct public destinations [default: 40000].
        #[arg(long, value_name = "N", value_parser = parse_count)]
        dest_hosts: Option<u64>,
        /// Size of the session_id pool; `count by session_id` yields about this many groups
        /// [default: records / 5].
        #[arg(long, value_name = "N", value_parser = parse_count)]
        sessions: Option<u64>,
    },
}

/// Parses a count such as `5000`, `5_000_000`, `250k` or `5m`.
fn parse_count(text: &str) -> Result<u64, String> {
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
        .ok_or_else(|| {
            format!("expected a non-negative integer such as 5000, 5_000 or 5k, got '{text}'")
        })
}

fn run_examples(dir: &std::path::Path, seed: u64) -> Result<(), String> {
    let written = examples::write_to_dir(dir, seed)
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

fn run_bench(
    records: u64,
    seed: Option<u64>,
    out: &str,
    hosts: (Option<u64>, Option<u64>),
    sessions: Option<u64>,
) -> Result<(), String> {
    let mut cfg = BenchConfig::new(records);
    if let Some(seed) = seed {
        cfg.seed = seed;
    }
    if let Some(n) = hosts.0 {
        cfg.src_hosts = n;
    }
    if let Some(n) = hosts.1 {
        cfg.dest_hosts = n;
    }
    cfg.sessions = sessions;
    cfg.validate()?;

    let started = Instant::now();
    let stats = if out == "-" {
        let stdout = io::stdout();
        let result = bench::write_bench(&cfg, stdout.lock());
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            other => other.map_err(|e| format!("cannot write to standard output: {e}"))?,
        }
    } else {
        let file = std::fs::File::create(out).map_err(|e| format!("cannot create {out}: {e}"))?;
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
    let result = match Cli::parse().mode {
        Mode::Examples { out, seed } => run_examples(&out, seed),
        Mode::Bench {
            records,
            seed,
            out,
            src_hosts,
            dest_hosts,
            sessions,
        } => run_bench(records, seed, &out, (src_hosts, dest_hosts), sessions),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("5_000_000"), Ok(5_000_000));
        assert_eq!(parse_count("5m"), Ok(5_000_000));
        assert_eq!(parse_count("250K"), Ok(250_000));
        assert!(parse_count("five").is_err());
        assert!(parse_count("-1").is_err());
    }

    #[test]
    fn arguments() {
        let cli =
            Cli::try_parse_from(["sumoql-loggen", "bench", "--records", "10", "--seed=3"]).unwrap();
        let Mode::Bench {
            records, seed, out, ..
        } = cli.mode
        else {
            panic!("bench mode");
        };
        assert_eq!((records, seed, out.as_str()), (10, Some(3), "-"));
        assert!(Cli::try_parse_from(["sumoql-loggen", "bench"]).is_err());
        assert!(Cli::try_parse_from(["sumoql-loggen", "examples", "--records", "1"]).is_err());
        Cli::command().debug_assert();
    }
}
