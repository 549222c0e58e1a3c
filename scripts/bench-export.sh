#!/usr/bin/env bash
# Whole-pipeline timing of `toolkit export` on the flattened OrangeSum corpus (36,717 pages), with
# duplicate detection off and near, alternating, ROUNDS times each; prints wall time, user time and peak
# RSS of every run and the median wall time per mode. Usage: scripts/bench-export.sh [ROUNDS] [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
jobs=${2:-2}
. scripts/orangesum-bench.sh bench-export
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for ((i = 0; i < rounds; i++)); do
  for mode in off near; do
    rm -rf "$out/$mode"
    /usr/bin/time -f "$mode %e %U %M" -a -o "$out/times" \
      "$bin" export "$data" -o "$out/$mode" --date-field date_modified_meta --dedup "$mode" --jobs "$jobs" -q
  done
done
echo "mode wall_s user_s peak_rss_kb"
cat "$out/times"
python3 - "$out/times" "$bytes" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
bytes_ = int(sys.argv[2])
med = {m: statistics.median(float(r[1]) for r in rows if r[0] == m) for m in ("off", "near")}
for m, t in med.items():
    print(f"{m}: median wall {t:.2f} s, {bytes_ / 1e6 / t:.1f} MB/s of JSONL")
print(f"dedup near adds {100 * (med['near'] / med['off'] - 1):.1f}% to the wall time")
PY
