//! What planning may know of the run beyond the query: its time range and zone, which
//! `timeslice N buckets` and the `timeslice` generator of `fillmissing` need, and the folder of
//! saved tables.

use sumoql_value::time::Zone;

use std::path::{Path, PathBuf};

use crate::ip_lookup::{IpDatabaseKind, ASN_VARIABLE, GEOIP_VARIABLE};
use crate::tables::Tables;

/// The run as the planner sees it. The default knows no time range, in UTC.
#[derive(Clone, Debug, Default)]
pub struct PlanContext {
    /// The run's time range `[start, end)` in epoch milliseconds (`--from`/`--to`, `--last`),
    /// when it has both ends.
    pub time_range: Option<(i64, i64)>,
    /// The zone slices align to (`--tz`).
    pub zone: Zone,
    /// The folder of `path://` tables (`save`, `lookup ... from path://`).
    pub tables: Tables,
    /// The MaxMind City database of `geoip` and `geo://location` (`--geoip-db`).
    pub geoip_db: Option<PathBuf>,
    /// The MaxMind ASN database of `asn://default` (`--asn-db`).
    pub asn_db: Option<PathBuf>,
}

impl PlanContext {
    /// The context of a run whose window is `window` (either end open) and whose "now" is
    /// `now_ms`: an open end is now.
    pub fn of_window(
        window: Option<(Option<i64>, Option<i64>)>,
        now_ms: i64,
        zone: Zone,
    ) -> PlanContext {
        let time_range = match window {
            Some((Some(start), end)) => Some((start, end.unwrap_or(now_ms))),
            _ => None,
        };
        PlanContext {
            time_range,
            zone,
            tables: Tables::default(),
            geoip_db: variable(GEOIP_VARIABLE),
            asn_db: variable(ASN_VARIABLE),
        }
    }

    /// The database file of `kind`, if one is named.
    pub fn ip_database(&self, kind: IpDatabaseKind) -> Option<&Path> {
        match kind {
            IpDatabaseKind::Geo => self.geoip_db.as_deref(),
            IpDatabaseKind::Asn => self.asn_db.as_deref(),
        }
    }
}

/// The path an environment variable holds, when set and not empty.
fn variable(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// How to give a run its time range, for the errors of operators that need one.
pub const TIME_RANGE_HELP: &str =
    "help: give the run a time range with `--from TIME --to TIME` or `--last DURATION`";

/// The most slices the `timeslice` generator of `fillmissing` makes (Sumo's limit on the
/// combinations a generator enumerates).
pub const MAX_GENERATED_SLICES: usize = 10_000;

/// A clock-aligned slice width that cuts `range_ms` into at most `buckets` slices: the
/// smallest width that is at least `range_ms / buckets` among the seconds and minutes that
/// divide a minute or an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30), the hours that divide a
/// day but 24 (1, 2, 3, 4, 6, 8, 12), then whole days.
///
/// ```
/// use sumoql_plan::bucket_width_ms;
/// assert_eq!(bucket_width_ms(3_600_000, 150), 30_000); // 150 buckets of an hour: 30 s (120)
/// assert_eq!(bucket_width_ms(3_600_000, 10), 360_000); // 10 buckets of an hour: 6 m
/// assert_eq!(bucket_width_ms(30 * 86_400_000, 10), 3 * 86_400_000);
/// ```
pub fn bucket_width_ms(range_ms: i64, buckets: u64) -> i64 {
    const SECOND: i64 = 1000;
    const MINUTE: i64 = 60 * SECOND;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    const DIVISORS_OF_60: [i64; 11] = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
    const HOURS: [i64; 7] = [1, 2, 3, 4, 6, 8, 12];
    let ladder = DIVISORS_OF_60
        .iter()
        .map(|n| n * SECOND)
        .chain(DIVISORS_OF_60.iter().map(|n| n * MINUTE))
        .chain(HOURS.iter().map(|n| n * HOUR));
    let buckets = i64::try_from(buckets.max(1)).unwrap_or(i64::MAX);
    let least = (range_ms.max(1) + buckets - 1) / buckets;
    ladder
        .into_iter()
        .find(|&width| width >= least)
        .unwrap_or_else(|| {
            (least.saturating_add(DAY - 1) / DAY)
                .max(1)
                .saturating_mul(DAY)
        })
}
