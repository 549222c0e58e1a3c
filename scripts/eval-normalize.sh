#!/usr/bin/env bash
# Chrome-removal quality of toolkit-normalize on OrangeSum (flattened pages vs the authors' parsed
# title + heading + article). Needs ../shared/data/orangesum (or DATA=dir). Extra args go to the
# eval example, e.g. `--limit 2000`, `--worst 5`, `--profile-out /tmp/orangesum.profile.tsv`.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-../shared/data}"
if [ ! -f "$DATA/orangesum/raw_text_naive.jsonl.zst" ]; then
  echo "eval-normalize: $DATA/orangesum not found, skipping" >&2
  exit 0
fi
exec cargo run --release -q -p toolkit-normalize --example eval_normalize -- --data "$DATA" "$@"
