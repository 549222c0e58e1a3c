#!/usr/bin/env bash
# Where the time of `toolkit export` on the flattened OrangeSum corpus goes, in CPU samples rather than
# instructions (so memory copies, page faults and the kernel's file work count at their real cost):
# samples the export with `perf record -F 1000 --call-graph dwarf` and prints the share of the samples
# in the toolkit's code, libc and the kernel, the functions with the most samples of their own, and the
# callers of memcpy/memmove (the first caller in the toolkit, polars, zstd, std::io, bincode or
# realloc), and the share of the samples under each of the main stages and steps (a sample counts
# for every listed function on its stack). Run it with the machine otherwise idle; shares vary between runs, by up to a point
# or two for memory-bound work (copies, the kernel): compare a function's share over several runs.
# BIN is a toolkit binary to measure instead of this checkout's release build.
# Usage: scripts/perf-export.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/bench-checks.sh
needs perf-export perf perf
. scripts/orangesum-bench.sh perf-export
if [ $# -ge 1 ]; then bin=$1; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
perf record -q -F 1000 --call-graph dwarf,16384 -o "$out/perf.data" -- \
  "$bin" export "$data" -o "$out/tables" --date-field date_modified_meta -q || [ $? -eq 1 ]
echo "samples by object:"
perf report -i "$out/perf.data" --no-children --sort dso -g none 2>/dev/null |
  grep -E '^ +[0-9.]+%' | awk 'NR <= 4'
echo "functions with the most samples of their own:"
perf report -i "$out/perf.data" --no-children --sort sym -g none 2>/dev/null |
  grep -E '^ +[0-9.]+%' | awk 'NR <= 25'
perf script -i "$out/perf.data" -F comm,ip,sym 2>/dev/null >"$out/stacks.txt"
python3 - "$out/stacks.txt" <<'PY'
import collections, sys
# (label, function name fragment) of the steps whose inclusive share is printed.
STEPS = [
    ("zstd compression (Parquet pages)", "ZSTD_compress"),
    ("zstd decompression (the input)", "ZSTD_decompress"),
    ("reading JSON lines", "jsonfast::extract"),
    ("ingest", "Ingester::ingest"),
    ("learning pass: lines of a document", "DocumentLines::new"),
    ("clean", "Normalizer::clean"),
    ("sentences", "Segmenter::split"),
    ("mentions", "Recognizer::find"),
    ("signing (dedup)", "Signer::sign"),
    ("rows into batch columns", "push_all"),
    ("gathering row groups (with small plain columns' zstd)", "RowGroupBuffer::append"),
    ("row groups' pages", "into_pages"),
    ("articles after the clustering", "finish_articles"),
    ("temporary files: serializing", "bincode::ser"),
    ("temporary files: deserializing", "bincode::de"),
    ("kernel: page faults", "exc_page_fault"),
    ("kernel: write", "ksys_write"),
    ("kernel: read", "ksys_read"),
]
stacks = open(sys.argv[1], errors="replace").read().split("\n\n")
total, copies, steps = 0, collections.Counter(), collections.Counter()
for s in stacks:
    frames = [l.strip().split(" ", 1)[-1] for l in s.strip().split("\n")[1:] if l.strip()]
    if not frames:
        continue
    total += 1
    stack = "\n".join(frames)
    for label, fragment in STEPS:
        if fragment in stack:
            steps[label] += 1
    if "memmove" not in frames[0] and "memcpy" not in frames[0]:
        continue
    caller = next(
        (f for f in frames[1:]
         if "(inlined)" not in f and any(k in f for k in ("toolkit", "polars", "ZSTD", "std::io", "bincode", "realloc"))),
        "?",
    )
    copies[caller.split("+0x")[0][:110]] += 1
print(f"memcpy/memmove: {sum(copies.values()) / total:.1%} of {total} samples; by first caller:")
for caller, n in copies.most_common(12):
    print(f"  {n / total:6.2%}  {caller}")
print("samples under each step (inclusive):")
for label, _ in STEPS:
    print(f"  {steps[label] / total:6.1%}  {label}")
PY
