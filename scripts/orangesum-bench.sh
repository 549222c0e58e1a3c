# Sourced by the whole-pipeline benchmark scripts (from the repository root): finds the flattened
# OrangeSum corpus (`TOOLKIT_ORANGESUM`, else ../shared/data/...) or exits 0 with a message when it is
# absent, builds the release binary in the shared build folder and sets `data`, `bytes` (its
# decompressed size) and `bin`. Usage: `. scripts/orangesum-bench.sh NAME` (NAME prefixes messages).
data=${TOOLKIT_ORANGESUM:-../shared/data/orangesum/raw_text_naive.jsonl.zst}
if [ ! -f "$data" ]; then
  echo "$1: $data not found (set TOOLKIT_ORANGESUM); skipping" >&2
  exit 0
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/toolkit-target}"
cargo build --release -q
bin="$CARGO_TARGET_DIR/release/toolkit"
bytes=$(zstd -dc --long=31 "$data" | wc -c)
