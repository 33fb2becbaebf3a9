#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS (default 60), after making the seed corpora.
#   fuzz/run.sh                 every target, 60 s each
#   fuzz/run.sh 600 wildcard    one target, ten minutes
#   FUZZ_SEED=1 fuzz/run.sh 25  the same mutations on every run (CI); 0 or unset: random
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz --locked). Inputs that
# once failed, under fuzz/regressions/<target>/, are run first. A crash stops the run with a
# failure and its panic message; its input is kept under fuzz/artifacts/<target>/. The last
# line per target gives the executions it made.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(query json_line syslog wildcard sigma pipeline)
fi

python3 seeds.py
cargo +nightly fuzz build

summary=()
for target in "${targets[@]}"; do
    log="$(mktemp)"
    corpora=("corpus/$target")
    if [ -d "regressions/$target" ]; then
        corpora+=("regressions/$target")
    fi
    if ! cargo +nightly fuzz run "$target" "${corpora[@]}" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -seed="${FUZZ_SEED:-0}" >"$log" 2>&1; then
        grep -m 1 -A 8 -E 'panicked at|ERROR: libFuzzer|ERROR: AddressSanitizer' "$log" >&2 || true
        tail -n 30 "$log" >&2
        echo "fuzz target $target failed: see fuzz/artifacts/$target/" >&2
        exit 1
    fi
    executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    summary+=("$target: $executions executions in ${seconds} s")
    rm -f "$log"
done
printf '%s\n' "${summary[@]}"
