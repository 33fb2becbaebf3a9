//! How logs are read and enriched, the same for `run`, `detect`, `test` and `repl`: the
//! source mapping and extraction rules, the time window and zone, strictness and threads,
//! built once into a [`RunConfig`], and the tables and databases queries compile against.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use sumoql::{
    parse_duration_ms, parse_time_arg, Engine, ParserError, ParserSet, PlanContext, RunConfig,
    Tables, Zone, CONFIG_FILE_NAME,
};

use crate::{usage_error, Exit};

/// A time window, `[from, to)` in epoch milliseconds, either end open.
type Window = (Option<i64>, Option<i64>);

/// The options that say which extraction rules read the lines and which category they get.
#[derive(Args, Clone, Debug, Default)]
pub(crate) struct RuleArgs {
    /// _sourceCategory for records that carry none (and for every raw line).
    #[arg(long, value_name = "CAT")]
    pub(crate) source_category: Option<String>,
    /// The extraction rule for the raw lines of every input (paloalto, cisco_asa, fortinet,
    /// linux_auth, bind, or one named in the configuration); without it each input's mapping
    /// or each line's vendor decides.
    #[arg(long, value_name = "NAME")]
    pub(crate) parser: Option<String>,
    /// The source mapping and extraction rules to use [default: ./sumoql.toml when present].
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

impl RuleArgs {
    /// The extraction rules: the built-in ones, the configuration's (`config`, else
    /// `sumoql.toml` in the working folder when there is one), then `--parser` and
    /// `--source-category` for every input.
    pub(crate) fn parser_set(&self, config: Option<&Path>) -> Result<ParserSet, Exit> {
        let engine = &Engine::new();
        let fail = |error: ParserError| {
            eprintln!("error: {error}");
            Exit(2)
        };
        // The shared built-in rules, so that each is compiled once, when a line needs it.
        let mut set = ParserSet::clone(&ParserSet::shared_builtin());
        let default_config = PathBuf::from(CONFIG_FILE_NAME);
        let config = match config {
            Some(path) => Some(path.to_path_buf()),
            None => default_config.is_file().then_some(default_config),
        };
        if let Some(path) = config {
            set.load_config(engine, &path).map_err(fail)?;
        }
        if let Some(name) = &self.parser {
            set.force_parser(name).map_err(fail)?;
        }
        if let Some(category) = &self.source_category {
            set.force_category(category);
        }
        Ok(set)
    }
}

/// The options that say how logs are read.
#[derive(Args, Clone, Debug)]
pub(crate) struct InputArgs {
    /// Keep records whose _messageTime is at or after TIME (ISO-8601, epoch, `now`, `-2h`).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    from: Option<String>,
    /// Keep records whose _messageTime is before TIME.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    to: Option<String>,
    /// Keep the last DURATION up to now (e.g. 15m, 24h, 7d); excludes --from/--to.
    #[arg(long, value_name = "DURATION", conflicts_with_all = ["from", "to"])]
    last: Option<String>,
    /// Time zone for dates (IANA name such as Europe/Paris, or an offset such as +02:00).
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    tz: String,
    /// Take TIME as now (ISO-8601, epoch, or `-2h` from the clock): the receipt time of every
    /// record, and so the _messageTime of records without a time, `now()`, and where
    /// --last and relative --from/--to count from. Two runs pinned to one TIME give the same
    /// rows [default: the clock].
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    now: Option<String>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Make a malformed log line fatal instead of a counted warning.
    #[arg(long)]
    strict: bool,
    /// Worker threads [default: one per core]. The rows and their order do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// The folder of the tables `save path://"NAME"` writes and `lookup ... from
    /// path://"NAME"` reads (NAME.csv under it) [default: $SUMOQL_TABLES, else
    /// ~/.local/share/sumoql/tables].
    #[arg(long, value_name = "DIR")]
    tables: Option<PathBuf>,
    /// The MaxMind City database (GeoLite2-City.mmdb) of `geoip` and `lookup ... from
    /// geo://location` [default: $SUMOQL_GEOIP_DB].
    #[arg(long, value_name = "FILE")]
    geoip_db: Option<PathBuf>,
    /// The MaxMind ASN database (GeoLite2-ASN.mmdb) of `lookup ... from asn://default`
    /// [default: $SUMOQL_ASN_DB].
    #[arg(long, value_name = "FILE")]
    asn_db: Option<PathBuf>,
    /// The indicator file of `threatip` and `threatlookup`: CSV, normalized JSON or STIX 2.1
    /// JSON, as Sumo's threat intelligence upload takes [default: $SUMOQL_THREAT_INTEL].
    #[arg(long, value_name = "FILE")]
    threat_intel: Option<PathBuf>,
}

impl Default for InputArgs {
    fn default() -> InputArgs {
        InputArgs {
            from: None,
            to: None,
            last: None,
            tz: "UTC".to_string(),
            now: None,
            rules: RuleArgs::default(),
            strict: false,
            threads: None,
            tables: None,
            geoip_db: None,
            asn_db: None,
            threat_intel: None,
        }
    }
}

impl InputArgs {
    /// The run configuration these options give, with "now" at `clock_ms` unless `--now`
    /// pins it; the configuration file is `config_file` when no `--config` names one
    /// (`None`: the working folder's `sumoql.toml`, when there is one).
    pub(crate) fn run_config(
        &self,
        clock_ms: i64,
        config_file: Option<&Path>,
    ) -> Result<RunConfig, Exit> {
        let zone = Zone::parse(&self.tz).map_err(|e| usage_error(format!("--tz: {e}")))?;
        let now_ms = match &self.now {
            Some(now) => parse_time_arg(now, clock_ms, &zone)
                .map_err(|e| usage_error(format!("--now: {e}")))?,
            None => clock_ms,
        };
        let window = self.window(now_ms, &zone)?;
        let config = self.rules.config.as_deref().or(config_file);
        Ok(RunConfig {
            zone,
            now_ms,
            source_category: self.rules.source_category.clone(),
            window,
            strict: self.strict,
            threads: self.threads.map(usize::from),
            parsers: Arc::new(self.rules.parser_set(config)?),
            ..RunConfig::default()
        })
    }

    /// Whether `--now` pins "now", rather than the clock giving it at each run.
    pub(crate) fn pins_now(&self) -> bool {
        self.now.is_some()
    }

    /// The engine queries of a run with `config` compile with: the run's time range and zone
    /// (for `timeslice N buckets`, `fillmissing timeslice`), the table folder, the
    /// MaxMind databases and the threat indicator file.
    pub(crate) fn engine(&self, config: &RunConfig) -> Engine {
        let mut context = PlanContext::of_window(config.window, config.now_ms, config.zone);
        if let Some(folder) = &self.tables {
            context.tables = Tables::new(folder.clone());
        }
        context.geoip_db = self.geoip_db.clone().or(context.geoip_db);
        context.asn_db = self.asn_db.clone().or(context.asn_db);
        context.threat_intel = self.threat_intel.clone().or(context.threat_intel);
        Engine::new().with_context(context)
    }

    /// The time window of `--last`, or `--from` and `--to`; an empty window is an error.
    fn window(&self, now_ms: i64, zone: &Zone) -> Result<Option<Window>, Exit> {
        if let Some(last) = &self.last {
            let span = parse_duration_ms(last).ok_or_else(|| {
                usage_error(format!(
                    "--last: `{last}` is not a duration such as 15m, 24h or 7d"
                ))
            })?;
            return Ok(Some((Some(now_ms - span), None)));
        }
        let parse = |flag: &str, value: &Option<String>| -> Result<Option<i64>, Exit> {
            value
                .as_deref()
                .map(|v| {
                    parse_time_arg(v, now_ms, zone).map_err(|e| usage_error(format!("{flag}: {e}")))
                })
                .transpose()
        };
        let (from, to) = (parse("--from", &self.from)?, parse("--to", &self.to)?);
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                return Err(usage_error(format!(
                    "--from ({}) is not before --to ({}): the window holds no time, so no record \
                     could be read",
                    self.from.as_deref().unwrap_or_default(),
                    self.to.as_deref().unwrap_or_default()
                )));
            }
        }
        Ok((from.is_some() || to.is_some()).then_some((from, to)))
    }
}
