#!/usr/bin/env bash
# What each speed switch of `toolkit export` costs on the flattened OrangeSum corpus, measured the fair
# way on a noisy machine: ROUNDS rounds, each running `toolkit export CORPUS -o DIR --date-field
# date_modified_meta -q [SWITCH]` once per variant, in turn (the default, `--dedup exact`, `--dedup off`,
# `--no-learn-chrome`, `--zstd-level 1`, `--no-mentions`). Prints every run's wall time, CPU time and
# peak RSS, then per variant the median wall and CPU times, the median of its per-round ratios to the
# default's, and its tables' size on disk (from the first round). BIN is a toolkit binary to measure
# instead of this checkout's release build. Run it with the machine otherwise idle.
# Usage: scripts/switches-export.sh [ROUNDS [BIN]]     (default: 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
. scripts/bench-checks.sh
positive switches-export ROUNDS "$rounds"
. scripts/orangesum-bench.sh switches-export
if [ $# -ge 2 ]; then bin=$2; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
variants=("" "--dedup exact" "--dedup off" "--no-learn-chrome" "--zstd-level 1" "--no-mentions")
echo "variant wall_s user_s sys_s peak_rss_kb"
for round in $(seq "$rounds"); do
  for v in "${variants[@]}"; do
    name=${v:-default}
    name=${name// /_}
    rm -rf "$work/out"
    # shellcheck disable=SC2086 # a variant is zero, one or two words
    timed switches-export "$name" "$work/times" \
      "$bin" export "$data" -o "$work/out" --date-field date_modified_meta -q $v
    if [ "$round" = 1 ]; then
      echo "$name $(du -cb "$work"/out/*.parquet | tail -1 | cut -f1)" >>"$work/sizes"
    fi
  done
done
python3 scripts/python/variants.py "$work/times" "$work/sizes"
