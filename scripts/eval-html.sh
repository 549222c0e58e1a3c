#!/usr/bin/env bash
# HTML ingestion on OrangeSum: toolkit-ingest (alone and followed by toolkit-normalize) against the
# dataset's own extraction, with trafilatura on the same pages in the same run, plus throughput and
# agreement of publisher / modification date with the page's meta tags.
#   scripts/eval-html.sh          # 2,000 pages spread over the corpus
#   scripts/eval-html.sh --all    # every page (36,152 with a reference)
#   scripts/eval-html.sh --all --no-trafilatura   # every page, toolkit only (trafilatura: ~30 min)
#   scripts/eval-html.sh --whole-page             # without the main-content selection
set -euo pipefail
cd "$(dirname "$0")/.."
data="${TOOLKIT_DATA:-../shared/data}/orangesum"
[ -f "$data/raw_html.tar.zst" ] || { echo "no $data/raw_html.tar.zst: skipped" >&2; exit 0; }
limit=2000
traf=""
whole=""
for arg in "$@"; do
  case "$arg" in
    --all) limit=0 ;;
    --no-trafilatura) traf="--no-trafilatura" ;;
    --whole-page) whole="--whole-page" ;;
    *) echo "usage: $0 [--all] [--no-trafilatura] [--whole-page]" >&2; exit 2 ;;
  esac
done
work="${TMPDIR:-/tmp}/toolkit-eval-html"
raw="$work/data/docs/raw"
if [ ! -f "$raw/36716.txt" ]; then
  mkdir -p "$work"
  zstd -dc --long=31 "$data/raw_html.tar.zst" | tar -x -C "$work" -f -
fi
PY=$(scripts/pyenv.sh)
"$PY" -c 'import trafilatura' 2>/dev/null \
  || "$PY" -m pip install --quiet --disable-pip-version-check trafilatura lxml_html_clean >&2
cargo build --release --quiet -p toolkit-ingest --example eval_html
target="${CARGO_TARGET_DIR:-target}"
"$target/release/examples/eval_html" "$raw" "$data/parsed.jsonl.zst" "$data/raw_text_naive.jsonl.zst" \
  "$work/out.jsonl" "$limit" $whole
"$PY" scripts/eval_html.py "$work/out.jsonl" "$raw" "$data/parsed.jsonl.zst" $traf
