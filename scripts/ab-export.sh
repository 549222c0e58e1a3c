#!/usr/bin/env bash
# Two commits of the toolkit, alternated in the same minutes on the flattened OrangeSum corpus: the fair
# way to compare them on a machine whose speed varies from hour to hour. Builds each commit (a temporary
# git worktree, the shared build folder, so polars is not rebuilt), then runs `toolkit export` of the
# whole corpus with --jobs 2 and with --jobs 1 (under `taskset -c 0` when present), ROUNDS times,
# alternating the commits, and prints wall time, CPU time and peak RSS of every run, then per commit and
# jobs the median wall time, and the median of REV_B's wall time over REV_A's in the same round.
# With LINES, only the first LINES pages are exported: shorter runs, so more rounds fit in the minutes
# in which the machine's speed holds (e.g. 10 rounds of 12000 lines).
# Usage: scripts/ab-export.sh REV_A REV_B [ROUNDS [LINES]]     (default: 2 rounds, the whole corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
rounds=${3:-2}
lines=${4:-}
. scripts/bench-checks.sh
if [ -n "$lines" ]; then positive ab-export LINES "$lines"; fi
. scripts/orangesum-bench.sh ab-export
work=$(mktemp -d)
trap 'for w in "$work"/src-*; do [ -d "$w" ] && git worktree remove --force "$w"; done; rm -rf "$work"' EXIT
bins=()
for rev in "$1" "$2"; do
  sha=$(git rev-parse --short "$rev")
  git worktree add --quiet --detach "$work/src-$sha" "$sha"
  (cd "$work/src-$sha" && cargo build --release -q)
  cp "$CARGO_TARGET_DIR/release/toolkit" "$work/toolkit-$sha"
  bins+=("$work/toolkit-$sha")
done
if [ -n "$lines" ]; then
  zstd -dc --long=31 "$data" 2>/dev/null | head -n "$lines" >"$work/first.jsonl" || true
  data=$work/first.jsonl
fi
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
echo "commit jobs wall_s user_s sys_s peak_rss_kb"
for _ in $(seq "$rounds"); do
  for bin in "${bins[@]}"; do
    for jobs in 2 1; do
      run=()
      if [ "$jobs" = 1 ]; then run=(${pin[@]+"${pin[@]}"}); fi
      rm -rf "$work/out"
      timed ab-export "${bin##*-} $jobs" "$work/times" ${run[@]+"${run[@]}"} \
        "$bin" export "$data" -o "$work/out" --date-field date_modified_meta -q --jobs "$jobs"
    done
  done
done
python3 - "$work/times" "${bins[0]##*-}" "${bins[1]##*-}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
a, b = sys.argv[2], sys.argv[3]
for jobs in ("2", "1"):
    walls = {c: [float(r[2]) for r in rows if r[0] == c and r[1] == jobs] for c in (a, b)}
    ratios = [y / x for x, y in zip(walls[a], walls[b])]
    print(f"jobs {jobs}: median wall {a} {statistics.median(walls[a]):.2f} s, "
          f"{b} {statistics.median(walls[b]):.2f} s; median of {b}/{a} per round "
          f"{statistics.median(ratios):.3f} ({len(ratios)} rounds)")
PY
