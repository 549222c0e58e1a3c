"""Scores HTML→text extraction on OrangeSum against the dataset's own extraction (title + heading +
article): bag-of-words recall (reference words kept) and precision (kept words in the reference),
for toolkit-ingest alone, ingest followed by toolkit-normalize, and trafilatura on the same pages.

Usage: eval_html.py OUT.jsonl RAW_DIR PARSED.jsonl.zst [--no-trafilatura]
(OUT.jsonl comes from the eval_html example)
"""
import io
import json
import re
import sys
import time
from collections import Counter

import zstandard

WORD = re.compile(r"\w+")


def words(s):
    return Counter(WORD.findall((s or "").lower()))


def score(name, pairs):
    kept = ref_total = out_total = 0
    rec, prec = [], []
    for out, ref in pairs:
        common = sum((out & ref).values())
        r, o = sum(ref.values()), sum(out.values())
        kept, ref_total, out_total = kept + common, ref_total + r, out_total + o
        rec.append(common / r if r else 1.0)
        prec.append(common / o if o else 0.0)
    n = len(pairs)
    print(f"{name:<28} recall {kept / ref_total:.4f} precision {kept / out_total:.4f} "
          f"(mean per page: {sum(rec) / n:.4f} / {sum(prec) / n:.4f}; {n} pages)")


def main():
    import trafilatura  # noqa: F401 (imported here so --no-trafilatura needs only zstandard)

    out_path, raw_dir, parsed_path = sys.argv[1:4]
    with_trafilatura = "--no-trafilatura" not in sys.argv[4:]
    outs = [json.loads(l) for l in open(out_path, encoding="utf-8")]
    wanted = {o["id"] for o in outs}
    ref = {}
    with open(parsed_path, "rb") as f:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(f), encoding="utf-8")
        for line in reader:
            d = json.loads(line)
            if d["id"] in wanted:
                ref[d["id"]] = words(" ".join(d.get(k) or "" for k in ("title", "heading", "article")))
    ing, norm, traf = [], [], []
    spent, nbytes = 0.0, 0
    for o in outs:
        r = ref[o["id"]]
        ing.append((words((o["title"] or "") + "\n" + o["text"]), r))
        norm.append((words((o["title"] or "") + "\n" + o["normalized"]), r))
        if not with_trafilatura:
            continue
        html = open(f"{raw_dir}/{o['id']}.txt", "rb").read()
        nbytes += len(html)
        t = time.process_time()
        doc = trafilatura.bare_extraction(html.decode("utf-8", "replace"), with_metadata=True)
        spent += time.process_time() - t
        text = "" if doc is None else (doc.title or "") + "\n" + (doc.text or "")
        traf.append((words(text), r))
    score("toolkit-ingest", ing)
    score("toolkit-ingest + normalize", norm)
    if with_trafilatura:
        score("trafilatura " + trafilatura.__version__, traf)
        print(f"trafilatura speed: {nbytes / 1e6 / spent:.2f} MB/s of HTML (CPU time, 1 thread)")


if __name__ == "__main__":
    main()
