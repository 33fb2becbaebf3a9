#!/usr/bin/env python3
"""The scale-out figure: the reference detection over generated firewall logs, run by
`sumoql run` and, through the SQL `sumoql sql` writes, by DuckDB, ClickHouse (chdb, embedded)
and Spark (local mode, every core). Prints each engine's time, its ratio to sumoql, and
whether its rows are identical to sumoql's (the differential harness's comparison).

    python3 bench/sql_scale.py                       # 1M JSON records
    python3 bench/sql_scale.py --records 5000000
    python3 bench/sql_scale.py --input raw --records 5000000   # raw PAN-OS/ASA/FortiGate syslog
    python3 bench/sql_scale.py --engines duckdb,clickhouse --no-build

JSON records come from `sumoql-loggen bench`; raw syslog lines from bench/raw_syslog.py, read
through the extraction rules in queries/parsers/ on every engine.

Needs the Python modules duckdb, chdb and pyspark (as the SQL harness does).
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "sql"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from differential import NOW, REFERENCE, Harness  # noqa: E402
import raw_syslog  # noqa: E402


def timed(function, *args):
    """The result of `function(*args)` and the seconds it took."""
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000,
                        help="records (JSON) or lines (raw)")
    parser.add_argument("--input", choices=("json", "raw"), default="json",
                        help="JSON records, or raw mixed-vendor firewall syslog")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--spark-memory", default="12g",
                        help="the Spark driver's heap (local mode runs everything in the driver; "
                        "the default 1g runs out of memory caching 5M raw lines)")
    parser.add_argument("--engines", default="duckdb,clickhouse,spark")
    parser.add_argument("--data-dir", default=os.path.join(ROOT, "target", "bench-data"))
    parser.add_argument("--no-build", action="store_true",
                        help="time the release binaries as they are")
    options = parser.parse_args()
    os.chdir(ROOT)
    if not options.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "sumoql-cli",
                        "-p", "sumoql-loggen"], check=True)
    sumoql = os.path.join(ROOT, "target", "release", "sumoql")
    loggen = os.path.join(ROOT, "target", "release", "sumoql-loggen")
    os.makedirs(options.data_dir, exist_ok=True)
    data = os.path.join(options.data_dir, "scale-%d-%d.%s" % (
        options.records, options.seed, "ndjson" if options.input == "json" else "log"))
    if not os.path.exists(data):
        with open(data + ".part", "w", encoding="utf-8") as out:
            if options.input == "json":
                subprocess.run([loggen, "bench", "--records", str(options.records),
                                "--seed", str(options.seed)], stdout=out, check=True)
            else:
                raw_syslog.write_lines(out, options.records, options.seed)
        os.replace(data + ".part", data)
    size_mb = os.path.getsize(data) / 1e6
    with open(REFERENCE, encoding="utf-8") as handle:
        query = handle.read()
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS",
                          "--driver-memory %s pyspark-shell" % options.spark_memory)
    harness = Harness(sumoql, open(os.devnull, "w", encoding="utf-8"), False,
                      spark_master="local[*]")
    runners = {"duckdb": harness.run_duckdb, "clickhouse": harness.run_clickhouse,
               "spark": harness.run_spark}
    expected, native_seconds = timed(harness.native, query, data, [])
    print("%d %s (%.0f MB), %s" % (options.records,
                                   "records" if options.input == "json" else "raw syslog lines",
                                   size_mb, REFERENCE))
    print("%-11s %9s %9s %7s  %s" % ("engine", "seconds", "MB/s", "ratio", "rows"))
    print("%-11s %9.2f %9.0f %7.2f  %d" % ("sumoql", native_seconds, size_mb / native_seconds,
                                          1.0, len(expected)))
    for engine in options.engines.split(","):
        statements, reason = harness.sql(engine, query, data, [], options.input == "json")
        if statements is None:
            print("%-11s no SQL: %s" % (engine, reason))
            continue
        if engine == "spark":
            harness.start_spark()  # the session's start is not the query's time
        rows, seconds = timed(runners[engine], statements)
        same = "identical" if rows == expected else "DIFFERENT"
        print("%-11s %9.2f %9.0f %7.2f  %d %s" % (engine, seconds, size_mb / seconds,
                                                  seconds / native_seconds, len(rows), same))
    if harness.spark is not None:
        harness.spark.stop()
    print("(now is %s for every engine; ratio = engine seconds / sumoql seconds)" % NOW)


if __name__ == "__main__":
    sys.exit(main())
