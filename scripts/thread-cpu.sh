#!/usr/bin/env bash
# Where the cores go during `toolkit export` on the flattened OrangeSum corpus: samples the CPU time of
# every thread once a second (from /proc/PID/task/*/stat, Linux only) and prints, per thread, the median
# share of one core over the seconds in which the workers ran (the learning and the main pass). The
# calling thread ("toolkit") gathers the Parquet pages and writes the tables; "toolkit-reader" reads
# and parses the input (in the main pass: the documents the learning pass kept), "toolkit-dispatch"
# hands batches to the workers ("toolkit-worker-N"), which run the stages and encode and compress the
# pages; "toolkit-finish" completes the other tables while the articles are written at the end.
# Linux cuts thread names to 15 bytes, so each thread is shown with its id.
# Usage: scripts/thread-cpu.sh [JOBS] [extra export flags...]     (default: 2 jobs)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-2}
shift $(($# < 1 ? $# : 1))
. scripts/orangesum-bench.sh thread-cpu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" export "$data" -o "$out/tables" --date-field date_modified_meta --jobs "$jobs" -q "$@" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  for t in /proc/"$pid"/task/*; do
    # tid, name (no spaces in ours), utime + stime in clock ticks
    printf '%s %s %s\n' "${t##*/}" "$(tr ' ' _ <"$t/comm" 2>/dev/null)" \
      "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"
  done >"$out/sample.$(date +%s%N)" 2>/dev/null || true
  sleep 1
done
wait "$pid"
python3 - "$out" "$(getconf CLK_TCK)" <<'PY'
import glob, os, statistics, sys
out, hz = sys.argv[1], int(sys.argv[2])
samples = []
for f in sorted(glob.glob(os.path.join(out, "sample.*"))):
    ticks = {}
    for line in open(f):
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            ticks[parts[0]] = (parts[1], int(parts[2]))
    samples.append((int(f.rsplit(".", 1)[1]), ticks))
shares = {}
for (t0, a), (t1, b) in zip(samples, samples[1:]):
    secs = (t1 - t0) / 1e9
    delta = {tid: (b[tid][0], b[tid][1] - a[tid][1]) for tid in b if tid in a}
    if not any(name.startswith("toolkit-worker") and d > 0 for name, d in delta.values()):
        continue  # start-up or the final writes: no worker ran
    for tid, (name, d) in delta.items():
        shares.setdefault((name, int(tid)), []).append(d / hz / secs)
n = max(map(len, shares.values()), default=0)
print(f"median share of one core per thread, over {n} one-second samples with the workers running:")
for name, tid in sorted(shares):
    v = shares[(name, tid)]
    print(f"  {name:<16} {tid:>8}  {statistics.median(v):5.0%}  (range {min(v):.0%}-{max(v):.0%})")
PY
