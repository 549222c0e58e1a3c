#!/usr/bin/env bash
# Quality and speed of toolkit-mentions against spaCy fr_core_news_sm, same sentences, same run.
# Usage: scripts/eval-mentions.sh   (from the repository root; needs ../shared/data/dev-eval/ner)
# EVAL_MENTIONS_ERRORS=Sequoia (or WikiNEuRal) also lists the toolkit's errors on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TOOLKIT_NER_DATA:-../shared/data/dev-eval/ner}
if [ ! -d "$DATA" ]; then
  echo "eval-mentions: $DATA not found (set TOOLKIT_NER_DATA); skipping" >&2
  exit 0
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p toolkit-mentions --example eval_mentions
PY=$(scripts/pyenv.sh)
"$PY" scripts/eval_mentions.py "$CARGO_TARGET_DIR/release/examples/eval_mentions" "$DATA"
