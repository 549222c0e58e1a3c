#!/usr/bin/env bash
# Instructions of `toolkit export` on the first LINES pages of the flattened OrangeSum corpus, counted by
# callgrind: exact and immune to the machine's load, so two commits compare fairly at any hour. Runs
# `toolkit export FIRST_LINES.jsonl -o DIR --date-field date_modified_meta -q --jobs 1` under
# `valgrind --tool=callgrind` (about a minute for 2,000 pages) and prints the total and the inclusive
# counts of the stages and of the Parquet encoding (a function inlined into its caller is not listed).
# BIN is a toolkit binary to measure instead of this checkout's (e.g. one copied from an older build).
# With TOOLKIT_CALLGRIND_OUT=FILE, callgrind's output is kept there (for call counts and other
# functions: `callgrind_annotate --inclusive=yes --tree=calling FILE`).
# Arguments after `--` are passed on to `toolkit export` (e.g. `-- --dedup off`).
# Usage: scripts/instr-export.sh [LINES [BIN]] [-- EXPORT_ARGS...]
#        (default: 2000 lines, this checkout's release build)
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  args+=("$1")
  shift
done
extra=()
if [ $# -gt 0 ]; then
  shift
  extra=("$@")
fi
set -- ${args[@]+"${args[@]}"}
lines=${1:-2000}
. scripts/bench-checks.sh
positive instr-export LINES "$lines"
needs instr-export "valgrind (callgrind)" valgrind callgrind_annotate
. scripts/orangesum-bench.sh instr-export
if [ $# -ge 2 ]; then bin=$2; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
zstd -dc --long=31 "$data" 2>/dev/null | head -n "$lines" >"$out/first.jsonl" || true
valgrind --tool=callgrind --dump-instr=no --callgrind-out-file="$out/callgrind.out" \
  "$bin" export "$out/first.jsonl" -o "$out/tables" --date-field date_modified_meta -q --jobs 1 \
  ${extra[@]+"${extra[@]}"} 2>"$out/valgrind.err" || {
  rc=$?
  # exit 1 = some inputs went to the errors table: still a complete run
  if [ "$rc" -gt 1 ]; then
    cat "$out/valgrind.err" >&2
    exit "$rc"
  fi
}
if [ -n "${TOOLKIT_CALLGRIND_OUT:-}" ]; then cp "$out/callgrind.out" "$TOOLKIT_CALLGRIND_OUT"; fi
total=$(grep -E '^summary:|^totals:' "$out/callgrind.out" | head -1 | awk '{print $2}')
echo "instructions, first $lines pages, --jobs 1${extra[*]:+ ${extra[*]}}: $total ($(wc -c <"$out/first.jsonl") bytes of JSONL)"
echo "inclusive, per function (M instructions, share of the total):"
callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null |
  grep -E '^ *[0-9,]+ \(' |
  grep -E '(ZSTD_compress2|Columns::push|LocalDict::push_other|encode_hybrid|LocalDict::key_of|Partitioned<R>::push_all|RowGroupBuffer::into_pages|RowGroupBuffer::append|Recognizer::find|Normalizer::clean|DocumentLines::new|ChromeLearner::add|Ingester::ingest|metadata::extract|Signer::sign|Segmenter::split|count_tokens|jsonfast::extract|Frame::decode|finish_articles|Clusterer::finish|PipelineBuilder::build|RecognizerBuilder::build|Builder::build_one_string) \[' |
  sed -E 's/^ *([0-9,]+) \( *([0-9.]+)%\) +[^:]*:([^ ]+).*/\1 \2 \3/' |
  awk '{ gsub(",", "", $1); printf "  %9.1f M  %5s%%  %s\n", $1 / 1e6, $2, $3 }'
