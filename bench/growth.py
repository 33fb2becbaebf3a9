#!/usr/bin/env python3
"""How the cost of pattern matching and path resolution grows with the input.

Each probe is a query that once took time polynomial or exponential in its input (a scope
keyword `*z` on one long line, many stars in a field wildcard, a long dotted path, …). The
probe runs on inputs of size n, 2n, 4n and 8n (the length of each line, or the dots of the
path into objects nested 16 deep); linear growth doubles the time at each step,
and the last column shows the ratio of each time to the one before (about 2 for linear
growth once the time is above process start-up). Standard library only.

    python3 bench/growth.py                      # the release binary, built if missing
    python3 bench/growth.py --binary PATH --runs 3
"""

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def nested(depth):
    value = "v"
    for _ in range(depth):
        value = {"a": value}
    return value


# name, query for size n, the input line for size n, the base size n, how many copies of the line
PROBES = [
    ("scope keyword *z", lambda n: "*z", lambda n: json.dumps({"m": "a" * n}), 200_000, 100),
    ("field a=*x*x*x*y", lambda n: "a=*x*x*x*y", lambda n: json.dumps({"a": "x" * n}), 200_000, 100),
    ("phrase \"*b*c*d*e\"", lambda n: '"*b*c*d*e"', lambda n: json.dumps({"m": "b" * n}), 200_000, 100),
    ("field a=****b", lambda n: "a=****b", lambda n: json.dumps({"a": "a" * n}), 200_000, 100),
    ("matches \"*x*x*y\"", lambda n: '* | where a matches "*x*x*y"', lambda n: json.dumps({"a": "x" * n}), 200_000, 100),
    ("path a.a… (n dots)", lambda n: "* | fields " + ".".join(["a"] * (n + 1)), lambda n: json.dumps(nested(16)), 32, 20_000),
]


def time_run(binary, query, path, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([binary, "run", "-e", query, "--format", "ndjson", str(path)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "sumoql"))
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the best is kept")
    args = parser.parse_args()
    if not pathlib.Path(args.binary).exists():
        subprocess.run(["cargo", "build", "--release", "-p", "sumoql-cli"], cwd=ROOT, check=True)
    print(f"{'probe':<24} {'n':>9} {'2n':>9} {'4n':>9} {'8n':>9}   ratios")
    with tempfile.TemporaryDirectory() as folder:
        for name, query, line, base, copies in PROBES:
            times = []
            for step in range(4):
                n = base << step
                path = pathlib.Path(folder) / "input.ndjson"
                path.write_text((line(n) + "\n") * copies, encoding="utf-8")
                times.append(time_run(args.binary, query(n), path, args.runs))
            ratios = " ".join(f"{b / a:.1f}" for a, b in zip(times, times[1:]))
            cells = " ".join(f"{t:8.3f}s" for t in times)
            print(f"{name:<24} {cells}   {ratios}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
