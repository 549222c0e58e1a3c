#!/usr/bin/env bash
# Peak memory of `toolkit export` at 1x and FACTORx the flattened OrangeSum corpus: the FACTORx input is
# the corpus repeated FACTOR times with new ids (`"id": "r3-1234"`), zstd-compressed. Prints wall time,
# CPU time, peak RSS and throughput of each run and the RSS ratio; memory is flat when the ratio stays
# near 1 (the dedup index and the learned-chrome counts are the only state that grows, by design).
# Usage: scripts/bench-scale.sh [FACTOR] [JOBS] [extra export flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
factor=${1:-10}
jobs=${2:-2}
shift $(($# < 2 ? $# : 2))
extra=("$@")
. scripts/orangesum-bench.sh bench-scale
work=$(mktemp -d "${TMPDIR:-/tmp}/toolkit-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
big="$work/orangesum-x$factor.jsonl.zst"
for ((k = 0; k < factor; k++)); do
  zstd -dc --long=31 "$data" | sed "s/^{\"id\": \\([0-9]*\\),/{\"id\": \"r$k-\\1\",/"
done | zstd -q -1 -T0 -o "$big"
bytes1=$bytes
bytesn=$(zstd -dc "$big" | wc -c)
echo "input  1x: $bytes1 bytes; ${factor}x: $bytesn bytes"
echo "run wall_s user_s sys_s peak_rss_kb MB/s"
for run in "1 $data $bytes1" "$factor $big $bytesn"; do
  read -r n input bytes <<< "$run"
  rc=0
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$bin" export "$input" -o "$work/out$n" --date-field date_modified_meta --jobs "$jobs" -q \
    ${extra[@]+"${extra[@]}"} || rc=$?
  # 1: some inputs went to the errors table, still a complete run; more: the run failed (a full
  # disk, for one: the 10x run needs about 6 GB in TMPDIR).
  if [ "$rc" -gt 1 ]; then
    echo "bench-scale: the ${n}x export failed (exit $rc)" >&2
    exit "$rc"
  fi
  # time's last line holds the figures (a first line may say the command's exit status).
  read -r wall user sys rss < <(tail -n 1 "$work/time")
  echo "${n}x $wall $user $sys $rss $(python3 -c "print(f'{$bytes / 1e6 / $wall:.1f}')")"
  echo "$rss" >> "$work/rss"
  du -sh "$work/out$n" | sed 's/^/   tables: /'
  rm -rf "$work/out$n"
done
python3 - "$work/rss" "$factor" <<'PY'
import sys
a, b = [int(x) for x in open(sys.argv[1]).read().split()]
print(f"peak RSS {a / 1024:.0f} MiB at 1x, {b / 1024:.0f} MiB at {sys.argv[2]}x: ratio {b / a:.2f}")
PY
