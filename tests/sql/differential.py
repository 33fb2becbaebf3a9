#!/usr/bin/env python3
"""Differential harness for `sumoql sql`: runs each query natively (`sumoql run --format
ndjson`), on DuckDB, on Spark (local mode) and on ClickHouse (chdb, embedded) over the same log
lines, with the same fixed "now", and compares the rows, order included, with numbers
normalised (2, 2.0 and "2" are equal).

Queries: the reference detection on examples/logs and on generated data, every fixture of the
detections in queries/, every detection over the raw vendor syslog of tests/data (read through
the extraction rules), and every golden case in tests/cases/*.case (those whose query compiles
to SQL and whose args are empty or --null-groups).

Output: one summary line per part (the reference detection, the detections in queries/, the
golden cases); every query's own line (same, n/a, DIFF, FAIL) goes to the details file
(--details, target/sql-differential.txt by default), and to the terminal as well with --verbose
or when a required check (the reference detection) differs.

Exit status: 1 when the reference detection or a detection over raw syslog differs on an
engine, when, on any engine, fewer than THRESHOLD of the SQL-expressible golden cases it ran
give identical rows, or when fewer than EXPRESSIBLE of the golden cases tried have a SQL form. Every detection over raw syslog runs on every engine (Spark and ClickHouse
take a few seconds to twenty for each, most of it planning the extraction rules' stages); the
golden cases of raw lines run on DuckDB only.
"""

import argparse
import concurrent.futures
import glob
import json
import math
import os
import subprocess
import sys
import tempfile

REFERENCE = "queries/t1071_002_file_transfer_protocols.sumo"
THRESHOLD = 0.98
# The share of golden cases with a SQL form below which the harness fails (410 of 455 have
# one), so that no change loses a translation unseen.
EXPRESSIBLE = 0.9
ENGINES = ("duckdb", "spark", "clickhouse")
# "Now" for native and SQL runs alike: the receipt time of records without a time of their own.
NOW = "2024-06-01T00:00:00Z"


def parse_cases(path):
    """The cases of a .case file, as dicts of section name to text."""
    cases = []
    current = None
    section = None
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            if line.startswith("=== "):
                current = {"name": line[4:].strip(), "file": os.path.basename(path)}
                cases.append(current)
                section = None
            elif current is not None and line.startswith("--- "):
                section = line[4:].split()[0]
                current[section] = []
            elif current is not None and section is not None:
                current[section].append(line)
    for case in cases:
        for key, value in list(case.items()):
            if isinstance(value, list):
                while value and value[-1] == "":
                    value.pop()
                case[key] = "\n".join(value)
    return cases


def json_only(path):
    """Whether the file at `path` holds JSON objects alone (blank lines aside): such an input
    takes the smaller SQL that reads nothing else (--json-only); raw syslog the full reader."""
    with open(path, encoding="utf-8") as handle:
        return all(line.lstrip().startswith("{") for line in handle if line.strip())


def normalise(value):
    """A value in a form where engines agree: numbers and numeric text as one float text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [normalise(item) for item in value]
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if isinstance(value, str) and value.strip() != value:
        return value
    if math.isnan(number) or math.isinf(number):
        return str(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return "%.12g" % number


def normalise_rows(columns, rows):
    return [list(zip(columns, [normalise(v) for v in row])) for row in rows]


def members(rows):
    """Rows as their members that are not null, sorted by name."""
    return [sorted((name, value) for name, value in row if value is not None) for row in rows]


class Tally:
    """Counts of a part's queries: tried, expressible in SQL, identical on each engine."""

    def __init__(self):
        self.tried = self.expressible = 0
        self.identical = {engine: 0 for engine in ENGINES}
        # Expressible queries an engine was not asked to run.
        self.not_run = {engine: 0 for engine in ENGINES}

    def add(self, outcome):
        """Counts one query by what Harness.check returned for it: None when the native run
        failed, else a dict of engine to whether its rows were identical, empty when the query
        has no SQL form."""
        self.tried += 1
        if outcome:
            self.expressible += 1
            for engine in ENGINES:
                if engine in outcome:
                    self.identical[engine] += outcome[engine]
                else:
                    self.not_run[engine] += 1

    def below(self, threshold):
        """The engines on which fewer than `threshold` of the expressible queries they ran
        gave identical rows."""
        return [engine for engine in ENGINES
                if self.identical[engine] < threshold * (self.expressible - self.not_run[engine])]

    def summary(self, what):
        """The part's summary line."""
        def identical(engine):
            text = "%s %d" % (engine, self.identical[engine])
            if self.not_run[engine]:
                text += " (of %d run)" % (self.expressible - self.not_run[engine])
            return text
        return "%s: %d tried, %d expressible, identical: %s" % (
            what, self.tried, self.expressible, ", ".join(identical(e) for e in ENGINES))


class Harness:
    def __init__(self, sumoql, details, verbose, spark_master="local[1]"):
        self.sumoql = sumoql
        self.spark_master = spark_master
        self.details = details
        self.verbose = verbose
        self.spark = None
        import duckdb

        self.duckdb = duckdb

    def start_spark(self):
        from pyspark.sql import SparkSession

        self.spark = (
            SparkSession.builder.master(self.spark_master)
            .appName("sumoql-differential")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")

    def sql(self, dialect, query, source, args, json_only=False):
        command = [self.sumoql, "sql", "--dialect", dialect, "--source", source, "--now", NOW,
                   "-e", query]
        command += args + (["--json-only"] if json_only else [])
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            return None, result.stderr.strip().splitlines()[-1] if result.stderr else "failed"
        return [s for s in result.stdout.split(";\n") if s.strip()], None

    def whole_records(self, query):
        """Whether the query's result is whole records, as `sumoql explain` says."""
        result = subprocess.run([self.sumoql, "explain", "-e", query], capture_output=True,
                                text=True)
        return "Output: every field of each record" in result.stdout

    def native(self, query, source, args):
        command = [self.sumoql, "run", "-e", query, "--format", "ndjson", "--now", NOW]
        command += args + [source]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            return None
        rows = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        return [[(k, normalise(v)) for k, v in row.items()] for row in rows]

    def run_duckdb(self, statements):
        connection = self.duckdb.connect()
        try:
            for statement in statements[:-1]:
                connection.execute(statement)
            cursor = connection.execute(statements[-1])
            columns = [d[0] for d in cursor.description]
            return normalise_rows(columns, cursor.fetchall())
        finally:
            connection.close()

    def run_spark(self, statements):
        if self.spark is None:
            self.start_spark()
        for statement in statements[:-1]:
            self.spark.sql(statement)
        frame = self.spark.sql(statements[-1])
        columns = frame.columns
        rows = [[row[i] for i in range(len(columns))] for row in frame.collect()]
        return normalise_rows(columns, rows)

    def run_clickhouse(self, statements):
        import chdb.session

        session = chdb.session.Session()
        try:
            for statement in statements[:-1]:
                session.query(statement)
            result = json.loads(session.query(statements[-1], "JSONCompact").bytes())
            columns = [column["name"] for column in result["meta"]]
            return normalise_rows(columns, result["data"])
        finally:
            session.close()

    def report(self, line, required=False):
        """Writes one query's line to the details file, and to the terminal when asked."""
        self.details.write(line + "\n")
        if required or self.verbose:
            print(line)

    def check(self, label, query, source, args, required=False, engines=ENGINES):
        """Runs one query natively and on each engine; returns None when the native run fails,
        else a dict of engine to whether its rows were identical (empty when the query has no
        SQL form)."""
        expected = self.native(query, source, args)
        if expected is None:
            self.report("  skip  %s: the native run failed" % label, required)
            return None
        runners = {"duckdb": self.run_duckdb, "spark": self.run_spark,
                   "clickhouse": self.run_clickhouse}
        # Whole records are compared as native ndjson shows them: each row's members that
        # are not null, by name (the SQL has a column for every field of any record).
        whole = self.whole_records(query)
        if whole:
            expected = members(expected)
        translations = {}
        for dialect in engines:
            statements, reason = self.sql(dialect, query, source, args, json_only(source))
            if statements is None:
                self.report("  n/a   %s: %s" % (label, reason), required)
                return {}
            translations[dialect] = statements

        def run(dialect):
            """The rows of one engine, or the error it raised."""
            try:
                return runners[dialect](translations[dialect])
            except Exception as error:  # an engine's error is a difference, reported
                return error

        # The engines run side by side (each in its own thread; they release the GIL while
        # they work), each engine one query at a time.
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(engines)) as pool:
            outcomes = dict(zip(engines, pool.map(run, engines)))
        results = {}
        for dialect in engines:
            actual = outcomes[dialect]
            if isinstance(actual, Exception):
                results[dialect] = False
                text = str(actual).strip()
                message = text.splitlines()[0] if text else repr(actual)
                self.report("  FAIL  %s on %s: %s" % (label, dialect, message[:300]), required)
                continue
            if whole:
                actual = members(actual)
            results[dialect] = actual == expected
            if actual != expected:
                self.report("  DIFF  %s on %s:\n        native %s\n        %s %s"
                            % (label, dialect, expected[:3], dialect, actual[:3]), required)
        if all(results.values()):
            self.report("  same  %s" % label)
        return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sumoql", default="target/debug/sumoql")
    parser.add_argument("--only", help="run only the golden cases whose name contains this "
                        "(the reference detection, fixture and raw syslog parts are skipped)")
    parser.add_argument("--details", default="target/sql-differential.txt",
                        help="the file that gets every query's line")
    parser.add_argument("--verbose", action="store_true",
                        help="print every query's line, not only the summaries")
    options = parser.parse_args()
    os.makedirs(os.path.dirname(options.details) or ".", exist_ok=True)
    harness = Harness(options.sumoql, open(options.details, "w", encoding="utf-8"),
                      options.verbose)
    work = tempfile.mkdtemp(prefix="sumoql-sql-")
    failed = False

    raw = Tally()
    if not options.only:
        reference_input = os.path.join(work, "reference.ndjson")
        with open(reference_input, "w", encoding="utf-8") as out:
            for path in sorted(glob.glob("examples/logs/*.ndjson")):
                with open(path, encoding="utf-8") as handle:
                    out.write(handle.read())
        with open(REFERENCE, encoding="utf-8") as handle:
            reference = handle.read()
        reference_checks = 1
        outcome = harness.check("reference", reference, reference_input, [], required=True)
        if not outcome or not all(outcome.values()):
            failed = True

        # Generated firewall data: the detection as written (its threshold leaves few groups on
        # data this spread out) and with every group kept, so thousands of rows are compared.
        loggen = os.path.join(os.path.dirname(options.sumoql), "sumoql-loggen")
        if os.path.exists(loggen):
            generated = os.path.join(work, "generated.ndjson")
            with open(generated, "w", encoding="utf-8") as out:
                subprocess.run([loggen, "bench", "--records", "30000", "--seed", "11"],
                               stdout=out, check=True)
            for label, text in [("generated", reference),
                                ("generated, every group",
                                 reference.replace("where ConnectionCount > 3", "where ConnectionCount > 0"))]:
                reference_checks += 1
                outcome = harness.check(label, text, generated, [], required=True)
                if not outcome or not all(outcome.values()):
                    failed = True
        else:
            print("no sumoql-loggen beside %s: generated data skipped" % options.sumoql)

        print("reference detection: %d check(s) (examples/logs and generated records), %s"
              % (reference_checks, "differs" if failed else "same on " + ", ".join(ENGINES)))

        fixtures = Tally()
        for fixture in sorted(glob.glob("queries/*.tests/*/input.ndjson")):
            rule = fixture.split(".tests/")[0] + ".sumo"
            with open(rule, encoding="utf-8") as handle:
                fixtures.add(harness.check(fixture, handle.read(), fixture, []))
        print(fixtures.summary("detections in queries/"))

        # Raw mixed-vendor syslog (PAN-OS, Cisco ASA/FTD, FortiGate, Linux auth, BIND): every
        # shipped rule over the vendor lines of tests/data, in one file that both sides read.
        raw_input = os.path.join(work, "raw.log")
        with open(raw_input, "w", encoding="utf-8") as out:
            for path in sorted(glob.glob("tests/data/raw/*.log") + glob.glob("tests/data/firewall/*.log")):
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                out.write(text + ("" if text.endswith("\n") else "\n"))
        for rule in sorted(glob.glob("queries/*.sumo")):
            with open(rule, encoding="utf-8") as handle:
                raw.add(harness.check("raw syslog: " + rule, handle.read(), raw_input, []))
        print(raw.summary("detections on raw syslog"))

    golden = Tally()
    for path in sorted(glob.glob("tests/cases/*.case")):
        for index, case in enumerate(parse_cases(path)):
            label = "%s: %s" % (case["file"], case["name"])
            if options.only and options.only not in label:
                continue
            args = case.get("args", "").split()
            if any(a not in ("--null-groups", "drop", "keep") for a in args):
                continue
            if case.get("exit", "0").strip() not in ("", "0") or "query" not in case:
                continue
            source = os.path.join(work, "case%d_%d.ndjson" % (golden.tried, index))
            with open(source, "w", encoding="utf-8") as out:
                text = case.get("input", "")
                out.write(text + ("\n" if text else ""))
            # Spark and ClickHouse take seconds for the full reader's header and rule stages,
            # so golden cases of raw lines run on DuckDB; the detections over raw syslog above
            # run on every engine.
            engines = ENGINES if json_only(source) else ("duckdb",)
            golden.add(harness.check(label, case["query"], source, args, engines=engines))
    print(golden.summary("golden cases"))
    print("details: %s" % options.details)
    harness.details.close()
    if golden.expressible < EXPRESSIBLE * golden.tried and not options.only:
        print("fewer than %d%% of the golden cases tried have a SQL form" % (EXPRESSIBLE * 100))
        failed = True
    for engine in golden.below(THRESHOLD):
        print("fewer than %d%% of the expressible golden cases are identical on %s"
              % (THRESHOLD * 100, engine))
        failed = True
    for engine in raw.below(1.0):
        print("a detection over raw syslog differs on %s" % engine)
        failed = True
    if failed:
        print("reference detection or golden coverage differs")
    if harness.spark is not None:
        harness.spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
