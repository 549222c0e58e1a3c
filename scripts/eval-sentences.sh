#!/usr/bin/env bash
# Sentence boundary quality and speed of toolkit-sentences vs pySBD and spaCy fr_core_news_sm, on
# documents of 10 consecutive gold sentences of UD French Sequoia (dev by default), in one run.
# Usage: scripts/eval-sentences.sh [CONLLU]   (run from the repo root; needs ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/.."
conllu="${1:-../shared/data/dev-eval/sentences/fr_sequoia-ud-dev.conllu}"
if [ ! -f "$conllu" ]; then
  echo "eval-sentences: $conllu not found (the shared data folder is absent); nothing to do" >&2
  exit 0
fi
py="$(scripts/pyenv.sh)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cargo run --quiet --release -p toolkit-sentences --example eval_sentences -- "$conllu" --dump "$work/docs.jsonl" \
  > "$work/toolkit.jsonl"
echo "Documents: $conllu, 10 gold sentences each; A = newline after a sentence without final punctuation, B = always a space."
echo
"$py" scripts/eval_sentences.py "$work/docs.jsonl" "$work/toolkit.jsonl"
