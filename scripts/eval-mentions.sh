#!/usr/bin/env bash
# Quality and speed of toolkit-mentions against spaCy fr_core_news_sm, same sentences, same run.
# Usage: scripts/eval-mentions.sh   (from the repository root; needs ../shared/data/dev-eval/ner)
# EVAL_MENTIONS_ERRORS=Sequoia (or WikiNEuRal) also lists the toolkit's errors on stderr.
#
# scripts/eval-mentions.sh --digest [N]: no evaluation; the SHA-256 of every mention (offsets,
# sentence, type, method, id, canonical name, confidence; `find-corpus --dump`) found in the first
# N (default 8000) OrangeSum article bodies and in the seed text, to check that a change of the
# crate leaves its output alone.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${TOOLKIT_NER_DATA:-../shared/data/dev-eval/ner}
if [ "${1:-}" = "--digest" ]; then
  N=${2:-8000}
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
  cargo build --release -q -p toolkit-mentions --example find-corpus
  PY=$(scripts/pyenv.sh)
  BODIES=$(mktemp)
  trap 'rm -f "$BODIES"' EXIT
  "$PY" - "$DATA/../../orangesum/parsed.jsonl.zst" "$N" > "$BODIES" <<'PYEOF'
import io, json, sys
import zstandard
path, n = sys.argv[1], int(sys.argv[2])
out = []
with open(path, "rb") as f:
    lines = io.TextIOWrapper(zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(f), encoding="utf-8")
    for line in lines:
        out.append(json.loads(line)["article"])
        if len(out) >= n:
            break
sys.stdout.buffer.write("\x1e".join(out).encode("utf-8"))
PYEOF
  FIND="$CARGO_TARGET_DIR/release/examples/find-corpus"
  echo "orangesum bodies $N: $("$FIND" --dump "$BODIES" | sha256sum | cut -d' ' -f1) ($("$FIND" --dump "$BODIES" | wc -l) mentions)"
  echo "seed text: $("$FIND" --dump | sha256sum | cut -d' ' -f1)"
  exit 0
fi
if [ ! -d "$DATA" ]; then
  echo "eval-mentions: $DATA not found (set TOOLKIT_NER_DATA); skipping" >&2
  exit 0
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p toolkit-mentions --example eval_mentions
PY=$(scripts/pyenv.sh)
"$PY" scripts/eval_mentions.py "$CARGO_TARGET_DIR/release/examples/eval_mentions" "$DATA"
