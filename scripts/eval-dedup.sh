#!/usr/bin/env bash
# Quality (precision/recall on constructed OrangeSum pairs), clusters in the whole OrangeSum corpus,
# and signing/clustering throughput of toolkit-dedup. Results: docs/benchmarks/dedup.md.
#
#   scripts/eval-dedup.sh [extra flags for the eval example: --pairs N --seed S --threshold T --shingle W --rows R]
#
# Reads ../shared/data/orangesum/parsed.jsonl.zst (override with TOOLKIT_DATA=dir containing orangesum/).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${TOOLKIT_DATA:-../shared/data}/orangesum/parsed.jsonl.zst"
if [[ ! -f "$data" ]]; then
    echo "eval-dedup: $data not found; set TOOLKIT_DATA to the folder holding orangesum/" >&2
    exit 2
fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/toolkit-target}"
cargo run --release -q -p toolkit-dedup --example eval_dedup -- "$data" "$@"
