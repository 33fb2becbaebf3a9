#!/usr/bin/env python3
"""`sumoql detect` over every rule in one pass against `sumoql run` for each rule in turn.

Builds a log file by repeating the bundled examples/logs (all their sources mixed, so every
rule has work), checks that detect and the one-by-one runs give the same rows per rule, then
times both. Small by default: the machine running it may be shared.

    python3 bench/detect.py                          # 20 copies (~42k lines), debug binary
    python3 bench/detect.py --copies 200 --binary target/release/sumoql

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def make_data(copies: int) -> Path:
    """examples/logs/*.ndjson, `copies` times over, in one file under target/bench-data/."""
    out = REPO / "target" / "bench-data" / f"detect-{copies}.ndjson"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        logs = b"".join(p.read_bytes() for p in sorted((REPO / "examples" / "logs").glob("*.ndjson")))
        out.write_bytes(logs * copies)
    return out


def timed(args: list[str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}")
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default="target/debug/sumoql")
    parser.add_argument("--threads", default="1", help="--threads for detect and each run")
    options = parser.parse_args()
    data = make_data(options.copies)
    rules = sorted((REPO / "queries").glob("*.sumo"))
    binary = str(REPO / options.binary)

    detect_times, alone_times = [], []
    for _ in range(options.runs):
        seconds, detect_out = timed([binary, "detect", "--rules", "queries", str(data),
                                     "--threads", options.threads])
        detect_times.append(seconds)
        total, alone = 0.0, {}
        for rule in rules:
            seconds, out = timed([binary, "run", str(rule), str(data), "--format", "ndjson",
                                  "--threads", options.threads])
            total += seconds
            alone[rule.stem] = [json.loads(line) for line in out.splitlines()]
        alone_times.append(total)

    together: dict[str, list] = {rule.stem: [] for rule in rules}
    for line in detect_out.splitlines():
        alert = json.loads(line)
        together[alert["rule_id"]].append(alert["result"])
    check = "ok" if together == alone else "MISMATCH"

    lines = sum(1 for _ in data.open("rb"))
    detect_s, alone_s = statistics.median(detect_times), statistics.median(alone_times)
    print(f"{lines} lines, {len(rules)} rules, {data.stat().st_size / 1e6:.1f} MB, rows {check}")
    print(f"detect (one pass):        {detect_s:7.3f} s  (--threads {options.threads})")
    print(f"run, rule by rule:        {alone_s:7.3f} s  (--threads {options.threads})")
    print(f"speed-up:                 {alone_s / detect_s:7.2f}x")
    if check != "ok":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
