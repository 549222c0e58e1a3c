"""Compare toolkit-ingest's mojibake repair with ftfy on OrangeSum article bodies.

For N bodies (field `article` of parsed.jsonl.zst) it builds one- and two-layer mojibake
(UTF-8 bytes decoded as windows-1252, as ftfy's "sloppy" codec does), runs both fixers and reports
how many come back exactly, and how many clean bodies each fixer changes.
Usage: scripts/ingest-ftfy-compare.sh [N]
"""
import json
import subprocess
import sys

import ftfy
import zstandard

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
fix_bin = sys.argv[2]
path = sys.argv[3]


def sloppy(s):
    return s.encode("utf-8").decode("sloppy-windows-1252")


bodies = []
with open(path, "rb") as f:
    reader = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(f)
    buf = b""
    while len(bodies) < n:
        chunk = reader.read(1 << 20)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line.strip() and len(bodies) < n:
                bodies.append(json.loads(line)["article"])

cases = {"clean": bodies, "one_layer": [sloppy(b) for b in bodies],
         "two_layers": [sloppy(sloppy(b)) for b in bodies]}
print(f"{len(bodies)} OrangeSum bodies")
print("case\ttoolkit_exact\tftfy_exact")
for name, inputs in cases.items():
    payload = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(inputs))
    out = subprocess.run([fix_bin], input=payload.encode(), capture_output=True, check=True).stdout
    ours = [json.loads(l)["text"] for l in out.decode().splitlines()]
    ok_ours = sum(a == b for a, b in zip(ours, bodies))
    ok_ftfy = sum(ftfy.fix_text(t, normalization="NFC", uncurl_quotes=False, fix_latin_ligatures=False,
                                fix_character_width=False, fix_line_breaks=False) == b
                  for t, b in zip(inputs, bodies))
    print(f"{name}\t{ok_ours}/{len(bodies)}\t{ok_ftfy}/{len(bodies)}")
