#!/usr/bin/env python3
"""Throughput benchmark of sumoql against DuckDB on seeded firewall logs.

Builds the release binaries, generates (or reuses) bench data with sumoql-loggen, checks that
sumoql and DuckDB return the same rows for every case, then times both and prints one table row
per case and data size. See bench/README.md for the cases and the columns.

Standard library only; the `duckdb` module is optional (without it the comparison is skipped).
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"


@dataclass(frozen=True)
class Case:
    """One benchmark query, in sumoql's dialect and in DuckDB's SQL."""

    name: str
    query: Path
    sql: Path
    # Whether the row order is defined (sort, or groups in key order) and must match too.
    ordered: bool
    # For a query whose real result may be empty on bench data: text to replace in the query
    # and in the SQL for an extra, untimed check that returns rows.
    loosen: tuple[tuple[str, str], tuple[str, str]] | None = None


CASES = [
    Case(
        "detection",
        REPO / "queries" / "t1071_002_file_transfer_protocols.sumo",
        BENCH / "sql" / "detection.sql",
        ordered=True,
        loosen=(
            ("| where ConnectionCount > 3", "| where ConnectionCount > 0"),
            ('WHERE "ConnectionCount" > 3', 'WHERE "ConnectionCount" > 0'),
        ),
    ),
    Case(
        "filter_fields",
        BENCH / "sumo" / "filter_fields.sumo",
        BENCH / "sql" / "filter_fields.sql",
        ordered=False,
    ),
    Case(
        "count_by_session",
        BENCH / "sumo" / "count_by_session.sumo",
        BENCH / "sql" / "count_by_session.sql",
        ordered=True,
    ),
    Case(
        "keyword",
        BENCH / "sumo" / "keyword.sumo",
        BENCH / "sql" / "keyword.sql",
        ordered=True,
    ),
]

SUMOQL = REPO / "target" / "release" / "sumoql"
LOGGEN = REPO / "target" / "release" / "sumoql-loggen"


def parse_count(text: str) -> int:
    """A record count such as 5000000, 5_000_000, 200k or 5m."""
    cleaned = text.strip().lower().replace("_", "")
    multiplier = 1
    if cleaned.endswith("k"):
        multiplier, cleaned = 1_000, cleaned[:-1]
    elif cleaned.endswith("m"):
        multiplier, cleaned = 1_000_000, cleaned[:-1]
    if not cleaned.isdigit() or int(cleaned) == 0:
        raise argparse.ArgumentTypeError(f"not a positive record count: {text!r}")
    return int(cleaned) * multiplier


def parse_arguments() -> argparse.Namespace:
    """The command line, with `--cases` turned into Case objects."""
    parser = argparse.ArgumentParser(
        description="Benchmark sumoql against DuckDB on seeded firewall logs."
    )
    parser.add_argument(
        "--records",
        default="1000000,5000000",
        type=lambda text: [parse_count(part) for part in text.split(",")],
        help="comma-separated data sizes in records (default: 1000000,5000000; 200k and 5m work)",
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (median)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default: 7)")
    parser.add_argument(
        "--cases",
        default=",".join(case.name for case in CASES),
        help="comma-separated cases to run (default: all): "
        + ", ".join(case.name for case in CASES),
    )
    parser.add_argument(
        "--threads", type=int, help="passed to `sumoql run --threads` when sumoql has the flag"
    )
    parser.add_argument(
        "--duckdb-threads", type=int, default=2, help="DuckDB's `SET threads` (default: 2)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=REPO / "target" / "bench-data",
        help="where generated data is cached (default: target/bench-data)",
    )
    parser.add_argument(
        "--no-build", action="store_true", help="use the existing release binaries as they are"
    )
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    known = {case.name for case in CASES}
    selected = [name.strip() for name in arguments.cases.split(",") if name.strip()]
    unknown = [name for name in selected if name not in known]
    if unknown or not selected:
        parser.error(f"unknown case(s) {unknown}; choose from {sorted(known)}")
    arguments.cases = [case for case in CASES if case.name in selected]
    return arguments


def note(message: str) -> None:
    """Progress and diagnostics go to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


def build() -> None:
    """Builds the two release binaries the bench runs."""
    note("building release binaries (cargo build --release -p sumoql-cli -p sumoql-loggen)")
    subprocess.run(
        ["cargo", "build", "--release", "-p", "sumoql-cli", "-p", "sumoql-loggen"],
        cwd=REPO,
        check=True,
    )


def data_file(data_dir: Path, records: int, seed: int) -> Path:
    """The cached bench file for `records` and `seed`, generated when missing."""
    path = data_dir / f"firewall-{records}-seed{seed}.ndjson"
    if path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    note(f"generating {path} ({records} records, seed {seed})")
    partial = path.with_suffix(".partial")
    with open(partial, "wb") as out:
        subprocess.run(
            [str(LOGGEN), "bench", "--records", str(records), "--seed", str(seed)],
            stdout=out,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    partial.rename(path)
    return path


# A process inherits its parent's peak RSS as its own starting peak (Linux records the old
# address space's high-water mark at exec), so the child must be started by a small process:
# GNU time when present, else this wrapper, whose own ~8 MiB then floors the figure.
TIME_PROGRAM = "/usr/bin/time"
WRAPPER = """
import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@functools.cache
def use_gnu_time() -> bool:
    """Whether GNU time is there to measure peak RSS."""
    if not os.access(TIME_PROGRAM, os.X_OK):
        return False
    probe = subprocess.run([TIME_PROGRAM, "-f", "%M", "true"], capture_output=True, text=True,
                           check=False)
    return probe.returncode == 0 and probe.stderr.strip().isdigit()


@dataclass
class Measured:
    """One finished child process."""

    seconds: float
    max_rss_kib: int
    exit_code: int
    stderr: str


def run_measured(argv: list[str], stdout_path: str) -> Measured:
    """Runs argv with stdout to `stdout_path`: wall time and the peak RSS of that run alone."""
    with tempfile.TemporaryDirectory(prefix="sumoql-run-") as scratch:
        rss_path = os.path.join(scratch, "rss")
        if use_gnu_time():
            wrapped = [TIME_PROGRAM, "-f", "%M", "-o", rss_path, *argv]
        else:
            wrapped = [sys.executable, "-S", "-I", "-c", WRAPPER, rss_path, *argv]
        with open(stdout_path, "wb") as out, open(os.path.join(scratch, "err"), "w+") as err:
            start = time.perf_counter()
            exit_code = subprocess.run(wrapped, stdout=out, stderr=err, check=False).returncode
            seconds = time.perf_counter() - start
            err.seek(0)
            errors = err.read()
        # GNU time writes a "Command exited with non-zero status" line before the figure.
        lines = Path(rss_path).read_text().split() if os.path.exists(rss_path) else []
        max_rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
        return Measured(seconds, max_rss, exit_code, errors)


def sumoql_supports_threads() -> bool:
    """Whether `sumoql run` has the `--threads` flag."""
    result = subprocess.run(
        [str(SUMOQL), "run", "--help"], capture_output=True, text=True, check=False
    )
    return "--threads" in result.stdout


def cell(value: object) -> str | None:
    """A result value as text: the common ground of sumoql's NDJSON and DuckDB's Python values."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return json.dumps([cell(item) for item in value], ensure_ascii=False)
    return str(value)


Rows = list[tuple[str | None, ...]]


def sumoql_rows(output: Path, columns: list[str]) -> tuple[Rows, list[str]]:
    """sumoql's NDJSON rows in `columns` order, and problems with its keys."""
    rows: Rows = []
    problems: list[str] = []
    with open(output, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            if list(record) != columns and not problems:
                problems.append(f"row {number} has keys {list(record)}, DuckDB has {columns}")
            rows.append(tuple(cell(record.get(column)) for column in columns))
    return rows, problems


def compare(sumoql: Rows, duckdb_rows: Rows, ordered: bool) -> list[str]:
    """Differences between the two results, as a few printable lines (empty when equal)."""
    if ordered:
        if sumoql == duckdb_rows:
            return []
        lines = [f"sumoql {len(sumoql)} rows, DuckDB {len(duckdb_rows)} rows"]
        for index, (left, right) in enumerate(zip(sumoql, duckdb_rows)):
            if left != right:
                lines += [f"first difference at row {index + 1}:", f"  sumoql {left}",
                          f"  duckdb {right}"]
                break
        else:
            longer, name = (sumoql, "sumoql") if len(sumoql) > len(duckdb_rows) else (
                duckdb_rows, "duckdb")
            lines.append(f"only {name} has row {min(len(sumoql), len(duckdb_rows)) + 1}: "
                         f"{longer[min(len(sumoql), len(duckdb_rows))]}")
        if sorted(sumoql, key=repr) == sorted(duckdb_rows, key=repr):
            lines.append("(same rows, different order)")
        return lines
    left, right = collections.Counter(sumoql), collections.Counter(duckdb_rows)
    if left == right:
        return []
    lines = [f"sumoql {len(sumoql)} rows, DuckDB {len(duckdb_rows)} rows"]
    for name, extra in (("sumoql", left - right), ("duckdb", right - left)):
        sample = sorted(extra.elements(), key=repr)[:5]
        if sample:
            lines.append(f"only in {name} ({sum(extra.values())}), e.g.:")
            lines += [f"  {row}" for row in sample]
    return lines


def sql_text(case: Case) -> str:
    """The case's SQL, without a final semicolon, ready to wrap in COPY."""
    return case.sql.read_text(encoding="utf-8").strip().rstrip(";")


class DuckDb:
    """A DuckDB connection set up for one data file."""

    def __init__(self, module, threads: int, path: Path) -> None:
        self.connection = module.connect()
        self.connection.execute(f"SET threads = {threads}")
        self.connection.execute("SET TimeZone = 'UTC'")
        self.connection.execute("SET VARIABLE bench_path = ?", [str(path)])

    def rows(self, sql: str) -> tuple[list[str], Rows]:
        """The result's column names and rows, as text."""
        cursor = self.connection.execute(sql)
        columns = [column[0] for column in cursor.description]
        return columns, [tuple(cell(value) for value in row) for row in cursor.fetchall()]

    def timed(self, sql: str) -> float:
        """Seconds to run the query and write its rows as NDJSON to /dev/null, like sumoql."""
        start = time.perf_counter()
        self.connection.execute(f"COPY (\n{sql}\n) TO '/dev/null' (FORMAT json)")
        return time.perf_counter() - start


def check(case: Case, query_argv: list[str], sql: str, database: DuckDb, label: str,
          scratch: Path) -> tuple[bool, int]:
    """Runs the query in both engines and compares; returns (equal, sumoql row count)."""
    output = scratch / f"{case.name}.ndjson"
    measured = run_measured(query_argv, str(output))
    if measured.exit_code != 0:
        print(f"FAILED {label}: sumoql exited with {measured.exit_code}\n{measured.stderr}")
        return False, 0
    columns, expected = database.rows(sql)
    actual, problems = sumoql_rows(output, columns)
    differences = problems + compare(actual, expected, case.ordered)
    if differences:
        print(f"MISMATCH {label}")
        for line in differences:
            print(f"    {line}")
    else:
        note(f"check {label}: equal ({len(actual)} rows)")
    return not differences, len(actual)


def check_case(case: Case, base: list[str], path: Path, database: DuckDb, records: int,
               scratch: Path, notes: list[str]) -> tuple[bool, int]:
    """Compares the case's results (and its loosened variant's) in both engines."""
    label = f"{case.name} at {records} records"
    sql = sql_text(case)
    equal, rows = check(case, [*base, str(case.query), str(path)], sql, database, label, scratch)
    if not case.loosen:
        return equal, rows
    (query_old, query_new), (sql_old, sql_new) = case.loosen
    query = case.query.read_text(encoding="utf-8")
    if query.count(query_old) != 1 or sql.count(sql_old) != 1:
        print(f"MISMATCH {label}: cannot loosen the threshold "
              f"({query_old!r} / {sql_old!r} not found once)")
        return False, rows
    loose_label = f"{label} with {query_new.lstrip('| ')!r}"
    loose_equal, loose_rows = check(
        case, [*base, "-e", query.replace(query_old, query_new), str(path)],
        sql.replace(sql_old, sql_new), database, loose_label, scratch)
    notes.append(f"{loose_label}: {loose_rows} rows, {'equal' if loose_equal else 'MISMATCH'}")
    return equal and loose_equal, rows


HEADER = (
    f"{'case':<17} {'records':>9} {'file MB':>8} {'wall s':>7} {'MB/s':>7} {'records/s':>10} "
    f"{'RSS MiB':>8} {'rows':>8} {'check':>8} {'duck s':>7} {'duck MB/s':>9} {'ratio':>6}"
)


def import_duckdb():
    """The duckdb module, or None when it is not installed."""
    try:
        import duckdb  # noqa: PLC0415 - an optional dependency
    except ImportError:
        return None
    return duckdb


def main() -> int:
    arguments = parse_arguments()
    if not arguments.no_build:
        build()
    duckdb = import_duckdb()
    if duckdb is None:
        print("DuckDB is not installed (pip install duckdb): skipping the comparison columns "
              "and the result check")
    thread_flag: list[str] = []
    if arguments.threads is not None:
        if sumoql_supports_threads():
            thread_flag = ["--threads", str(arguments.threads)]
        else:
            note("this sumoql has no --threads flag: running with its default")
    threads = f"--threads {arguments.threads}" if thread_flag else "default threads"
    duck_setup = f"{duckdb.__version__}, threads={arguments.duckdb_threads}" if duckdb else "-"
    rss_tool = "GNU time" if use_gnu_time() else "a Python wrapper (floor ~8 MiB)"
    print(f"sumoql ({threads}) vs DuckDB ({duck_setup}); median of {arguments.runs} run(s), "
          f"seed {arguments.seed}, peak RSS via {rss_tool}")
    print(HEADER)
    all_good = True
    notes: list[str] = []
    base = [str(SUMOQL), "run", "--format", "ndjson", *thread_flag]
    for records in arguments.records:
        path = data_file(arguments.data_dir, records, arguments.seed)
        megabytes = path.stat().st_size / 1e6
        database = DuckDb(duckdb, arguments.duckdb_threads, path) if duckdb else None
        for case in arguments.cases:
            status, rows = "-", "-"
            if database:
                with tempfile.TemporaryDirectory(prefix="sumoql-bench-") as scratch:
                    equal, count = check_case(case, base, path, database, records,
                                              Path(scratch), notes)
                status, rows = ("ok" if equal else "MISMATCH"), str(count)
                all_good &= equal
            argv = [*base, str(case.query), str(path)]
            runs = [run_measured(argv, os.devnull) for _ in range(arguments.runs)]
            failed = next((run for run in runs if run.exit_code != 0), None)
            if failed:
                print(f"FAILED {case.name} at {records} records: exit {failed.exit_code}\n"
                      f"{failed.stderr}")
                all_good = False
                continue
            wall = statistics.median(run.seconds for run in runs)
            rss = max(run.max_rss_kib for run in runs) / 1024
            duck = "-", "-", "-"
            if database:
                sql = sql_text(case)
                duck_wall = statistics.median(database.timed(sql) for _ in range(arguments.runs))
                duck = f"{duck_wall:.3f}", f"{megabytes / duck_wall:.1f}", f"{duck_wall / wall:.2f}"
            print(f"{case.name:<17} {records:>9} {megabytes:>8.1f} {wall:>7.3f} "
                  f"{megabytes / wall:>7.1f} {records / wall:>10.0f} {rss:>8.1f} "
                  f"{rows:>8} {status:>8} {duck[0]:>7} {duck[1]:>9} {duck[2]:>6}", flush=True)
    for line in notes:
        print(f"check: {line}")
    if not all_good:
        print("some results differ or failed: see MISMATCH / FAILED above")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
