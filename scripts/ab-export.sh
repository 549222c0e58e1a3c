#!/usr/bin/env bash
# Two commits of the toolkit, alternated in the same minutes on the flattened OrangeSum corpus: the fair
# way to compare them on a machine whose speed varies from hour to hour. Builds each commit (a temporary
# git worktree, the shared build folder, so polars is not rebuilt), then runs `toolkit export` of the
# whole corpus with --jobs 2 and with --jobs 1 (under `taskset -c 0` when present), ROUNDS times,
# alternating the commits, and prints wall time, CPU time and peak RSS of every run.
# Usage: scripts/ab-export.sh REV_A REV_B [ROUNDS]     (default: 2 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
rounds=${3:-2}
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
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 0); fi
echo "commit jobs wall_s user_s sys_s peak_rss_kb"
for _ in $(seq "$rounds"); do
  for bin in "${bins[@]}"; do
    for jobs in 2 1; do
      run=()
      if [ "$jobs" = 1 ]; then run=(${pin[@]+"${pin[@]}"}); fi
      rm -rf "$work/out"
      rc=0
      /usr/bin/time -f "${bin##*-} $jobs %e %U %S %M" -o "$work/time" ${run[@]+"${run[@]}"} \
        "$bin" export "$data" -o "$work/out" --date-field date_modified_meta -q --jobs "$jobs" || rc=$?
      if [ "$rc" -gt 1 ]; then
        echo "ab-export: $bin exited with $rc" >&2
        exit "$rc"
      fi
      cat "$work/time"
    done
  done
done
