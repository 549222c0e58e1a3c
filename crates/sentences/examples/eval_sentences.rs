//! Boundary precision/recall/F1 of the segmenter on a CoNLL-U treebank (UD French Sequoia), and its
//! speed on the same documents. Used by `scripts/eval-sentences.sh`, which also runs pySBD and spaCy
//! on the very same documents (written with `--dump`).
//!
//! Documents are 10 consecutive gold sentences (`# text =` lines). Variant A follows a sentence by a
//! line break when it has no final punctuation (a headline, a list item: last char, after closing
//! quotes and brackets, not one of `.!?…`) and by a space otherwise; variant B always by a space.
//! A boundary is the code point offset of the end of a sentence, the end of the document excluded.
//!
//! ```sh
//! cargo run --release -p toolkit-sentences --example eval_sentences -- \
//!     ../shared/data/dev-eval/sentences/fr_sequoia-ud-dev.conllu [--dump docs.jsonl] [--errors]
//! ```
//! Prints one JSON object per variant on stdout (and with `--errors`, the misses on stderr).

// A command-line program: printing and exit codes are its job.
#![allow(clippy::print_stdout, clippy::print_stderr, clippy::exit)]

use std::collections::BTreeSet;
use std::time::Instant;
use std::{env, fs, process};

use toolkit_sentences::{CharOffsets, Segmenter};

const SENTENCES_PER_DOC: usize = 10;

struct Doc {
    text: String,
    gold: BTreeSet<usize>,
}

fn has_final_punctuation(sentence: &str) -> bool {
    let core = sentence.trim_end_matches(['"', '»', '”', '\'', '’', ')', ']']);
    core.ends_with(['.', '!', '?', '…'])
}

fn documents(sentences: &[String], variant_a: bool) -> Vec<Doc> {
    sentences
        .chunks(SENTENCES_PER_DOC)
        .map(|chunk| {
            let mut text = String::new();
            let mut gold = BTreeSet::new();
            let mut chars = 0;
            for (k, s) in chunk.iter().enumerate() {
                text.push_str(s);
                chars += s.chars().count();
                if k + 1 < chunk.len() {
                    gold.insert(chars);
                }
                text.push(if variant_a && !has_final_punctuation(s) {
                    '\n'
                } else {
                    ' '
                });
                chars += 1;
            }
            Doc { text, gold }
        })
        .collect()
}

fn predicted(seg: &Segmenter, text: &str) -> BTreeSet<usize> {
    let sentences = seg.split(text);
    let mut chars = CharOffsets::new(text);
    let n = sentences.len();
    sentences
        .iter()
        .take(n.saturating_sub(1))
        .map(|s| chars.char_offset(s.end))
        .collect()
}

fn context(text: &str, at: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lo = at.saturating_sub(40);
    let hi = (at + 40).min(chars.len());
    let left: String = chars[lo..at.min(chars.len())].iter().collect();
    let right: String = chars[at.min(chars.len())..hi].iter().collect();
    format!("{left}‖{right}").replace('\n', "⏎")
}

/// User + system CPU seconds of this process (Linux `/proc/self/stat`, 100 ticks a second).
fn cpu_seconds() -> Option<f64> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: eval CONLLU [--dump DOCS.jsonl] [--errors] [--repeats N]");
        process::exit(2);
    };
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let show_errors = args.iter().any(|a| a == "--errors");
    let repeats: usize = flag("--repeats")
        .and_then(|r| r.parse().ok())
        .unwrap_or(2000);
    let conllu = fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        process::exit(2);
    });
    let sentences: Vec<String> = conllu
        .lines()
        .filter_map(|l| l.strip_prefix("# text = "))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();

    let seg = Segmenter::french();
    let mut dump = String::new();
    for (name, variant_a) in [("A", true), ("B", false)] {
        let docs = documents(&sentences, variant_a);
        let (mut tp, mut n_pred, mut n_gold) = (0usize, 0usize, 0usize);
        for doc in &docs {
            let pred = predicted(&seg, &doc.text);
            tp += pred.intersection(&doc.gold).count();
            n_pred += pred.len();
            n_gold += doc.gold.len();
            if show_errors {
                for &b in pred.difference(&doc.gold) {
                    eprintln!("{name} false split: {}", context(&doc.text, b));
                }
                for &b in doc.gold.difference(&pred) {
                    eprintln!("{name} missed:      {}", context(&doc.text, b));
                }
            }
            let gold: Vec<String> = doc.gold.iter().map(usize::to_string).collect();
            dump.push_str(&format!(
                "{{\"variant\":\"{name}\",\"text\":{},\"gold\":[{}]}}\n",
                json_string(&doc.text),
                gold.join(",")
            ));
        }
        // Speed on the same documents: median of `repeats` passes over all of them.
        let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
        let mut out = Vec::new();
        let cpu_before = cpu_seconds();
        let wall = Instant::now();
        let mut times: Vec<f64> = (0..repeats.max(1))
            .map(|_| {
                let t = Instant::now();
                let mut n = 0;
                for doc in &docs {
                    seg.split_into(&doc.text, &mut out);
                    n += out.len();
                }
                std::hint::black_box(n);
                t.elapsed().as_secs_f64()
            })
            .collect();
        // CPU time of the whole timing loop: the per-core speed, whatever the load of the machine.
        let cpu_mb_per_s = match (cpu_before, cpu_seconds()) {
            (Some(a), Some(b)) if b > a => Some((bytes * repeats.max(1)) as f64 / (b - a) / 1e6),
            _ => None,
        };
        let wall_total = wall.elapsed().as_secs_f64();
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let p = tp as f64 / n_pred.max(1) as f64;
        let r = tp as f64 / n_gold.max(1) as f64;
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        println!(
            "{{\"system\":\"toolkit\",\"variant\":\"{name}\",\"docs\":{},\"bytes\":{bytes},\"n_gold\":{n_gold},\"n_pred\":{n_pred},\"tp\":{tp},\"precision\":{p:.4},\"recall\":{r:.4},\"f1\":{f1:.4},\"seconds\":{median:.6},\"mb_per_s\":{:.1},\"cpu_mb_per_s\":{},\"timing_wall_s\":{wall_total:.2}}}",
            docs.len(),
            bytes as f64 / median / 1e6,
            cpu_mb_per_s.map_or("null".to_string(), |v| format!("{v:.1}")),
        );
    }
    if let Some(out) = flag("--dump") {
        if let Err(e) = fs::write(out, dump) {
            eprintln!("cannot write {out}: {e}");
            process::exit(2);
        }
    }
}
