# Sourced by the whole-pipeline benchmark scripts (from the repository root) before
# `scripts/orangesum-bench.sh`, so that a bad argument or a missing tool stops them before the build.
#   positive NAME LABEL VALUE   exits 2 ("NAME: LABEL must be a positive number") unless VALUE is one;
#   needs NAME WHAT CMD...      exits 0 ("NAME: WHAT not found; skipping") unless every CMD is on PATH;
#   timed NAME LABEL TIMES CMD...
#                               runs CMD (a `toolkit export`) under /usr/bin/time, prints
#                               "LABEL wall_s user_s sys_s peak_rss_kb" and appends it to the file TIMES;
#                               exits with CMD's status ("NAME: LABEL exited with N") if it is above 1
#                               (1: some inputs went to the errors table, still a complete run).
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
timed() {
  local name=$1 label=$2 times=$3
  shift 3
  local line rc=0
  line=$(mktemp)
  /usr/bin/time -f "$label %e %U %S %M" -o "$line" "$@" || rc=$?
  if [ "$rc" -gt 1 ]; then
    rm -f "$line"
    echo "$name: $label exited with $rc" >&2
    exit "$rc"
  fi
  # The last line: GNU time writes "Command exited with non-zero status 1" before it.
  tail -n 1 "$line" | tee -a "$times"
  rm -f "$line"
}
