#!/usr/bin/env bash
# Mojibake repair of toolkit-ingest vs ftfy on N OrangeSum bodies (default 1000).
# Needs ../shared/data/orangesum/parsed.jsonl.zst (or $TOOLKIT_SHARED_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
DATA="${TOOLKIT_SHARED_DATA:-../shared/data}/orangesum/parsed.jsonl.zst"
[ -f "$DATA" ] || { echo "skipped: $DATA is absent" >&2; exit 0; }
PY=$(scripts/pyenv.sh)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/toolkit-target}"
cargo build -q --release -p toolkit-ingest --example fix_jsonl
"$PY" scripts/ingest_ftfy_compare.py "$N" "$CARGO_TARGET_DIR/release/examples/fix_jsonl" "$DATA"
