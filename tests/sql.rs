//! The differential SQL harness (tests/sql/differential.py): runs every SQL-expressible query
//! natively, on DuckDB and on Spark, and compares rows. Skipped when the Python modules
//! `duckdb` and `pyspark` are not installed.

use std::path::Path;
use std::process::Command;

#[test]
fn sql_matches_native_engine_on_duckdb_and_spark() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let available = Command::new("python3")
        .args(["-c", "import duckdb, pyspark"])
        .output()
        .is_ok_and(|output| output.status.success());
    if !available {
        println!("skipped: python3 with duckdb and pyspark is not available");
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
