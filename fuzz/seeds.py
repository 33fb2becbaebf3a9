#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets in fuzz/corpus/<target>/ from the repository's
own material: the golden cases' queries and input lines, the detections and extraction rules,
the Sigma rules and the vendored vendor logs. The corpora are made, not committed: run this
before fuzzing (fuzz/run.sh and .ci/run do). Standard library only."""

import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"
# Enough seeds of each kind to cover the grammar, few enough to load in a second.
MAX_SEEDS = 400


def cases():
    """(query, input lines) of every golden case."""
    for path in sorted((ROOT / "tests" / "cases").rglob("*.case")):
        for case in path.read_text(encoding="utf-8").split("\n=== ")[1:]:
            sections = dict(re.findall(r"^--- (\w+)[^\n]*\n(.*?)(?=^--- |\Z)", case, re.S | re.M))
            query = sections.get("query", "").strip()
            if query:
                yield query, sections.get("input", "").splitlines()


def vendor_lines():
    for path in sorted((ROOT / "tests" / "corpus").rglob("*.log")):
        yield from path.read_text(encoding="utf-8", errors="replace").splitlines()[:20]


def write(target, seeds):
    folder = OUT / target
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for seed in seeds:
        data = seed.encode("utf-8") if isinstance(seed, str) else seed
        if not data or count >= MAX_SEEDS:
            continue
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
        count += 1
    print(f"{target}: {count} seeds", file=sys.stderr)


def main():
    all_cases = list(cases())
    queries = [query for query, _ in all_cases]
    queries += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "queries").rglob("*.sumo"))]
    write("query", queries)
    json_lines = [line for _, lines in all_cases for line in lines if line.lstrip().startswith("{")]
    write("json_line", json_lines)
    write("syslog", list(vendor_lines()))
    scope_patterns = re.findall(r'"([^"\n|]*[*?][^"\n|]*)"', "\n".join(queries))
    texts = [line for _, lines in all_cases for line in lines][:200]
    write("wildcard", [bytes([len(p.encode())]) + (p + t).encode() for p, t in zip(scope_patterns * 4, texts) if len(p.encode()) < 256])
    sigma = sorted((ROOT / "tests" / "sigma").rglob("*.yml"))
    write("sigma", [p.read_bytes() for p in sigma])
    write("pipeline", [query.replace("\n", " ") + "\n" + "\n".join(lines) for query, lines in all_cases if lines])


if __name__ == "__main__":
    main()
