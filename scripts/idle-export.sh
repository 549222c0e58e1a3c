#!/usr/bin/env bash
# How busy the machine's cores are during `toolkit export` of the flattened OrangeSum corpus: reads the
# kernel's CPU counters (/proc/stat, Linux only) before and after each run and prints the wall time, the
# core-seconds spent running (user, nice and system, every process: run it with the machine otherwise
# idle), the core-seconds the cores sat idle or waited on the disk, and the time the hypervisor took
# (steal). Idle core-seconds are what better overlap of the serial steps could win back; steal is time
# the machine did not give. ROUNDS runs of `toolkit export CORPUS -o DIR --date-field
# date_modified_meta -q` with the default jobs; BIN is a toolkit binary to measure instead of this
# checkout's.
# Usage: scripts/idle-export.sh [ROUNDS [BIN]]     (default: 3 rounds, this checkout's release build)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
. scripts/bench-checks.sh
positive idle-export ROUNDS "$rounds"
if [ ! -r /proc/stat ]; then
  echo "idle-export: /proc/stat not readable (Linux only); skipping" >&2
  exit 0
fi
. scripts/orangesum-bench.sh idle-export
if [ $# -ge 2 ]; then bin=$2; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ticks=$(getconf CLK_TCK)
cores=$(getconf _NPROCESSORS_ONLN)
echo "$cores cores; $(basename "$bin") export of $data, $rounds round(s)"
echo "round wall_s busy_core_s idle_core_s steal_core_s cores_busy"
for r in $(seq 1 "$rounds"); do
  rm -rf "$out/tables"
  before=$(head -1 /proc/stat)
  start=$(date +%s.%N)
  "$bin" export "$data" -o "$out/tables" --date-field date_modified_meta -q || [ $? -eq 1 ]
  end=$(date +%s.%N)
  after=$(head -1 /proc/stat)
  python3 - "$r" "$start" "$end" "$ticks" "$before" "$after" <<'PY'
import sys
r, start, end, ticks = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
# cpu  user nice system idle iowait irq softirq steal ...
a = [int(x) for x in sys.argv[5].split()[1:]]
b = [int(x) for x in sys.argv[6].split()[1:]]
d = [(y - x) / ticks for x, y in zip(a, b)]
wall = end - start
busy = d[0] + d[1] + d[2] + d[5] + d[6]
idle = d[3] + d[4]
steal = d[7] if len(d) > 7 else 0.0
print(f"{r} {wall:.2f} {busy:.2f} {idle:.2f} {steal:.2f} {busy / wall:.2f}")
PY
done
