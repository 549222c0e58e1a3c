# Sourced by the whole-pipeline benchmark scripts (from the repository root) before
# `scripts/orangesum-bench.sh`, so that a bad argument or a missing tool stops them before the build.
#   positive NAME LABEL VALUE   exits 2 ("NAME: LABEL must be a positive number") unless VALUE is one;
#   needs NAME WHAT CMD...      exits 0 ("NAME: WHAT not found; skipping") unless every CMD is on PATH.
positive() {
  if ! [[ $3 =~ ^[1-9][0-9]*$ ]]; then
    echo "$1: $2 must be a positive number" >&2
    exit 2
  fi
}
needs() {
  local name=$1 what=$2
  shift 2
  for cmd in "$@"; do
    if ! command -v "$cmd" >/dev/null; then
      echo "$name: $what not found; skipping" >&2
      exit 0
    fi
  done
}
