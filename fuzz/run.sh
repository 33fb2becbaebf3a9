#!/usr/bin/env bash
# Runs the fuzz targets, each for SECONDS (default 60), after making the seed corpora.
#   fuzz/run.sh                 every target, 60 s each
#   fuzz/run.sh 600 wildcard    one target, ten minutes
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz --locked). A crash stops
# the run with a failure; its input is kept under fuzz/artifacts/<target>/. The last line per
# target gives the executions it made.
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
    if ! cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        echo "fuzz target $target failed: see fuzz/artifacts/$target/" >&2
        exit 1
    fi
    executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    summary+=("$target: $executions executions in ${seconds} s")
    rm -f "$log"
done
printf '%s\n' "${summary[@]}"
