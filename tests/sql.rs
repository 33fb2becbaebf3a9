//! The differential SQL harness (tests/sql/differential.py): runs every SQL-expressible query
//! natively, on DuckDB, on Spark and on ClickHouse, and compares rows. Skipped when the Python modules
//! `duckdb`, `pyspark` and `chdb` are not installed.

use std::path::Path;
use std::process::Command;

#[test]
fn sql_matches_native_engine_on_duckdb_spark_and_clickhouse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let available = Command::new("python3")
        .args(["-c", "import duckdb, pyspark, chdb"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        println!("skipped: python3 with duckdb, pyspark and chdb is not available");
        return;
    }
    let status = Command::new("python3")
        .arg(root.join("tests/sql/differential.py"))
        .arg("--sumoql")
        .arg(env!("CARGO_BIN_EXE_sumoql"))
        .current_dir(&root)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "the differential harness failed");
}
