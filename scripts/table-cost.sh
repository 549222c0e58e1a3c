#!/usr/bin/env bash
# What writing each row table (sentences, mentions, removed) costs in `toolkit export` of the flattened
# OrangeSum corpus, everything else on: builds a variant of this checkout (a temporary git worktree of
# HEAD, the shared build folder) whose `encode_docs` skips the rows of the table named by the
# TOOLKIT_SKIP_TABLE environment variable (its stages still run; only its rows are not encoded and
# written), then runs ROUNDS rounds, each exporting the corpus once per variant, in turn: all tables,
# then without each table's rows. Prints every run's wall time, CPU time and peak RSS, then per variant
# the medians and the median of its per-round ratios to all tables'. The variant is never committed: a
# benchmark only. Run it with the machine otherwise idle.
# Usage: scripts/table-cost.sh [ROUNDS]     (default: 4 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-4}
. scripts/bench-checks.sh
positive table-cost ROUNDS "$rounds"
. scripts/orangesum-bench.sh table-cost
work=$(mktemp -d)
trap '[ -d "$work/src" ] && git worktree remove --force "$work/src"; rm -rf "$work"' EXIT
git worktree add --quiet --detach "$work/src" HEAD
export_rs=$work/src/crates/pipeline/src/export.rs
for table in sentences mentions removed; do
  line="            $table.push_all(&part, p.$table(), w);"
  if ! grep -qxF "$line" "$export_rs"; then
    echo "table-cost: \`$line\` not found in crates/pipeline/src/export.rs; update this script" >&2
    exit 2
  fi
  guarded="            if std::env::var(\"TOOLKIT_SKIP_TABLE\").as_deref() != Ok(\"$table\") { $table.push_all(\&part, p.$table(), w); }"
  sed -i "s|^            $table\.push_all(&part, p\.$table(), w);\$|$guarded|" "$export_rs"
done
(cd "$work/src" && cargo build --release -q)
cp "$CARGO_TARGET_DIR/release/toolkit" "$work/toolkit-variant"
# The shared build folder's binary is this checkout's again.
cargo build --release -q
echo "variant wall_s user_s sys_s peak_rss_kb"
for _ in $(seq "$rounds"); do
  for skip in "" sentences mentions removed; do
    name=all_tables
    if [ -n "$skip" ]; then name=without_$skip; fi
    rm -rf "$work/out"
    TOOLKIT_SKIP_TABLE=$skip timed table-cost "$name" "$work/times" \
      "$work/toolkit-variant" export "$data" -o "$work/out" --date-field date_modified_meta -q
  done
done
python3 scripts/python/variants.py "$work/times"
