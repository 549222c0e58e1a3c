#!/usr/bin/env bash
# What every core does, tenth of a second by tenth of a second, during `toolkit export` of the
# flattened OrangeSum corpus: samples the whole machine with `perf record -a -e cpu-clock -F 2000`
# (run it with the machine otherwise idle) and prints, per 0.1 s from the export's first sample, the
# cores spent in each of the toolkit's threads (by name: the reader, the dispatcher, the workers, the
# calling thread that gathers and writes the tables, the row-group and finishing threads), in other
# processes and idle. With FROM and TO (seconds from the start), it also prints the functions each
# thread other than the workers ran most in that window (a kernel function such as
# copy_folio_from_iter_atomic is a copy into a file's pages).
# BIN is a toolkit binary to measure instead of this checkout's release build.
# Usage: scripts/timeline-export.sh [FROM TO [BIN]]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-checks.sh
needs timeline-export perf perf
. scripts/orangesum-bench.sh timeline-export
from=${1:-}
to=${2:-}
if [ $# -ge 3 ]; then bin=$3; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
perf record -q -a -e cpu-clock -F 2000 -o "$out/perf.data" -- \
  "$bin" export "$data" -o "$out/tables" --date-field date_modified_meta -q || [ $? -eq 1 ]
perf script -i "$out/perf.data" -F comm,tid,cpu,time,ip,sym 2>/dev/null >"$out/samples.txt"
python3 - "$out/samples.txt" "$from" "$to" <<'PY'
import collections, re, sys
rows = []
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+[0-9a-f]+\s+(.*)$", line)
    if m:
        rows.append((m.group(1).strip(), int(m.group(3)), float(m.group(4)), m.group(5).strip()))
ours = [r for r in rows if r[0].startswith("toolkit")]
if not ours:
    sys.exit("timeline-export: no sample of the toolkit's threads")
t0, t1 = min(r[2] for r in ours), max(r[2] for r in ours)
cores = len({r[1] for r in rows})

def who(comm):
    if comm == "swapper":
        return "idle"
    if comm.startswith("toolkit-"):
        return comm[len("toolkit-"):].rstrip("-0123456789") or "worker"
    return "main" if comm.startswith("toolkit") else "other"

buckets = collections.defaultdict(collections.Counter)
for comm, _, t, _ in rows:
    if t0 <= t <= t1:
        buckets[int((t - t0) / 0.1)][who(comm)] += 1
print(f"{cores} cores, {t1 - t0:.2f} s; cores used per 0.1 s (main = the thread that gathers and writes the tables)")
for k in sorted(buckets):
    total = sum(buckets[k].values())
    print(f"{k / 10:5.1f} s  " + "  ".join(f"{n}={v / total * cores:.2f}" for n, v in sorted(buckets[k].items())))
if sys.argv[2] and sys.argv[3]:
    a, b = float(sys.argv[2]), float(sys.argv[3])
    top = collections.Counter(
        (who(comm), sym or "?") for comm, _, t, sym in ours if a <= t - t0 < b and who(comm) != "worker"
    )
    print(f"most sampled functions outside the workers, {a}-{b} s (samples at 2000 Hz):")
    for (thread, sym), n in top.most_common(15):
        print(f"{n:6d}  {thread:10s} {sym[:90]}")
PY
