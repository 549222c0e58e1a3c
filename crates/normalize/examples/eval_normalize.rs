//! Chrome-removal quality on OrangeSum: flattened pages against the authors' extraction.
//!
//! cargo run --release -p toolkit-normalize --example eval_normalize -- [--data DIR] [--limit N] [--worst K] [--profile-out FILE] [--digest FILE]
//!
//! Reads DIR/orangesum/raw_text_naive.jsonl.zst and DIR/orangesum/parsed.jsonl.zst (DIR defaults
//! to ../shared/data), joins them by id, learns a chrome profile from all raw pages (first pass),
//! then cleans every joined page with and without the profile. Word recall: the share of the
//! reference's words (title + heading + article, bag of words with counts) that survive;
//! precision: the share of kept words that belong to the reference. `--digest FILE` writes one
//! line per page and variant with hashes of the clean text and of the removals, to check that a
//! change of the implementation leaves every output identical (`cmp` two digests).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashMap;
use std::io::BufRead;
use std::time::Instant;

use toolkit_normalize::{ChromeLearner, LearnerConfig, Normalizer, NormalizerBuilder};

type Bag = HashMap<String, u32>;

fn words(s: &str) -> Bag {
    let mut bag = Bag::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *bag.entry(w.to_lowercase()).or_default() += 1;
    }
    bag
}

fn read_jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut dec = zstd::Decoder::new(file).expect("zstd decoder");
    dec.window_log_max(31).expect("window_log_max");
    std::io::BufReader::new(dec)
        .lines()
        .map(|l| serde_json::from_str(&l.expect("read line")).expect("valid JSON line"))
        .collect()
}

#[derive(Default)]
struct Stats {
    recall: Vec<f64>,
    precision: Vec<f64>,
    hit: u64,
    refw: u64,
    kept: u64,
}

impl Stats {
    fn add(&mut self, reference: &Bag, text: &str) -> (f64, f64) {
        let kept = words(text);
        let hit: u32 = reference
            .iter()
            .map(|(w, n)| (*n).min(kept.get(w).copied().unwrap_or(0)))
            .sum();
        let (r, k): (u32, u32) = (reference.values().sum(), kept.values().sum());
        let rec = if r == 0 { 1.0 } else { hit as f64 / r as f64 };
        let prec = if k == 0 { 1.0 } else { hit as f64 / k as f64 };
        self.recall.push(rec);
        self.precision.push(prec);
        (self.hit, self.refw, self.kept) = (
            self.hit + hit as u64,
            self.refw + r as u64,
            self.kept + k as u64,
        );
        (rec, prec)
    }

    fn report(&mut self, name: &str) {
        let med = |v: &mut Vec<f64>| {
            v.sort_by(|a, b| a.total_cmp(b));
            v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
        };
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len().max(1) as f64;
        println!(
            "| {name} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} |",
            med(&mut self.recall),
            mean(&self.recall),
            self.hit as f64 / self.refw.max(1) as f64,
            med(&mut self.precision),
            mean(&self.precision),
            self.hit as f64 / self.kept.max(1) as f64,
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut data, mut limit, mut worst, mut profile_out, mut digest_out) =
        ("../shared/data".to_string(), usize::MAX, 0, None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--data" => data = args.next().expect("--data DIR"),
            "--limit" => limit = args.next().and_then(|n| n.parse().ok()).expect("--limit N"),
            "--worst" => worst = args.next().and_then(|n| n.parse().ok()).expect("--worst K"),
            "--profile-out" => profile_out = args.next(),
            "--digest" => digest_out = args.next(),
            _ => panic!("unknown argument {a}"),
        }
    }
    let dir = std::path::Path::new(&data).join("orangesum");
    let t = Instant::now();
    let raw = read_jsonl(&dir.join("raw_text_naive.jsonl.zst"));
    let parsed = read_jsonl(&dir.join("parsed.jsonl.zst"));
    let reference: HashMap<u64, Bag> = parsed
        .iter()
        .filter_map(|p| {
            let s = ["title", "heading", "article"].map(|f| p[f].as_str().unwrap_or(""));
            Some((p["id"].as_u64()?, words(&s.join("\n"))))
        })
        .collect();
    let pages: Vec<(u64, Option<&str>, &str)> = raw
        .iter()
        .filter_map(|d| {
            let host = d["url"].as_str().and_then(|u| u.split('/').nth(2));
            Some((d["id"].as_u64()?, host, d["text"].as_str()?))
        })
        .collect();
    eprintln!(
        "read {} pages, {} references in {:.1?}",
        pages.len(),
        reference.len(),
        t.elapsed()
    );

    let t = Instant::now();
    let mut learner = ChromeLearner::new(LearnerConfig::default());
    for (_, host, text) in &pages {
        learner.observe(*host, text);
    }
    let profile = learner.finish();
    eprintln!(
        "learned {} lines for {:?} in {:.1?}",
        profile.len(),
        profile.sites(),
        t.elapsed()
    );
    if let Some(path) = profile_out {
        profile
            .to_writer(std::fs::File::create(&path).expect("create profile"))
            .expect("write profile");
    }
    let learned = NormalizerBuilder::new()
        .profile(profile)
        .build()
        .expect("build");
    let rules_only = Normalizer::default();

    let mut digest = digest_out
        .map(|path| std::io::BufWriter::new(std::fs::File::create(path).expect("create digest")));
    let (mut none, mut rules, mut full) = (Stats::default(), Stats::default(), Stats::default());
    let mut worst_docs = Vec::new();
    let (mut bytes, mut clean_time) = (0usize, std::time::Duration::ZERO);
    for (id, host, text) in pages
        .iter()
        .filter(|p| reference.contains_key(&p.0))
        .take(limit)
    {
        let r = &reference[id];
        none.add(r, text);
        let plain = rules_only.clean(text, *host);
        rules.add(r, &plain.text);
        let t = Instant::now();
        let c = learned.clean(text, *host);
        clean_time += t.elapsed();
        if let Some(w) = &mut digest {
            use std::io::Write;
            for (variant, out) in [("rules", &plain), ("learned", &c)] {
                writeln!(
                    w,
                    "{id}\t{variant}\t{:016x}\t{}\t{:016x}",
                    xxhash_rust::xxh3::xxh3_64(out.text.as_bytes()),
                    out.n_paragraphs,
                    xxhash_rust::xxh3::xxh3_64(removals_digest(text, &out.removed).as_bytes()),
                )
                .expect("write digest");
            }
        }
        bytes += text.len();
        let (rec, prec) = full.add(r, &c.text);
        if worst > 0 {
            worst_docs.push((rec.min(prec), *id, rec, prec, c.text));
        }
    }
    println!(
        "docs: {}, clean with profile: {:.0} MB/s (single thread, in eval loop)\n",
        full.recall.len(),
        bytes as f64 / 1e6 / clean_time.as_secs_f64()
    );
    println!("| variant | recall median | recall mean | recall micro | precision median | precision mean | precision micro |");
    println!("|---|---|---|---|---|---|---|");
    none.report("no cleaning");
    rules.report("rules only");
    full.report("rules + learned profile");
    worst_docs.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (_, id, rec, prec, text) in worst_docs.iter().take(worst) {
        println!("\n===== id {id} recall {rec:.3} precision {prec:.3}\n{text}");
    }
}

/// The removals of a page as text for the digest, in the form the `Debug` output of the
/// `Vec<Removal>` had while a `Removal` owned its text and rule id (so that digests made
/// before and after that change compare).
fn removals_digest(input: &str, removed: &[toolkit_normalize::Removal]) -> String {
    let items: Vec<String> = removed
        .iter()
        .map(|r| {
            format!(
                "Removal {{ start: {}, end: {}, text: {:?}, class: {:?}, rule_id: {:?} }}",
                r.start,
                r.end,
                r.text(input),
                r.class,
                r.rule_id()
            )
        })
        .collect();
    format!("[{}]", items.join(", "))
}
