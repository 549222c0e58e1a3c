"""Summary of alternated benchmark runs (scripts/switches-export.sh, scripts/table-cost.sh).

Usage: python3 variants.py TIMES [SIZES]

TIMES holds one line per run, `NAME WALL_S USER_S SYS_S PEAK_RSS_KB`, the variants in turn round after
round, the reference (the first name) first; SIZES, if given, one line per variant, `NAME BYTES` (its
tables on disk). Prints a Markdown table: per variant the median wall and CPU times, the medians of its
per-round ratios to the reference's, and its tables' size.
"""

import statistics
import sys

rows = [line.split() for line in open(sys.argv[1])]
sizes = dict(line.split() for line in open(sys.argv[2])) if len(sys.argv) > 2 else {}
names = list(dict.fromkeys(r[0] for r in rows))
runs = {n: [r for r in rows if r[0] == n] for n in names}
base = runs[names[0]]
base_wall = [float(r[1]) for r in base]
base_cpu = [float(r[2]) + float(r[3]) for r in base]
print()
print(f"| variant | median wall | median CPU | wall / {names[0]} (median per round) "
      f"| CPU / {names[0]} |" + (" tables |" if sizes else ""))
print("|---|---|---|---|---|" + ("---|" if sizes else ""))
for n in names:
    wall = [float(r[1]) for r in runs[n]]
    cpu = [float(r[2]) + float(r[3]) for r in runs[n]]
    wall_ratio = statistics.median(w / b for w, b in zip(wall, base_wall))
    cpu_ratio = statistics.median(c / b for c, b in zip(cpu, base_cpu))
    line = (f"| {n.replace('_', ' ')} | {statistics.median(wall):.2f} s | "
            f"{statistics.median(cpu):.2f} s | {wall_ratio:.3f} | {cpu_ratio:.3f} |")
    if sizes:
        line += f" {int(sizes[n]) / 1e6:.1f} MB |"
    print(line)
