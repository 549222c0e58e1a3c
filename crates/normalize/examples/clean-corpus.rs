//! Learns a chrome profile on the first N OrangeSum flattened pages and cleans them with it, the
//! way the pipeline does (`DocumentLines::new` + `ChromeLearner::add`, then `Normalizer::clean`
//! per page), and prints the single-thread throughput. Made for instruction counting, which is
//! robust to a noisy machine:
//!
//! valgrind --tool=callgrind --toggle-collect='clean_corpus::clean_page' \
//!     target/release/examples/clean-corpus --limit 500
//!
//! then divide the reported `Collected` instructions by the printed input bytes. `clean_page`
//! cleans one page and drops the result, as the criterion benchmark does, so freeing the
//! output is counted too; `clean_corpus::learn` is the learning pass.
//!
//! With `--digest`, also prints a hash of every clean text and every removal (start, end, byte
//! range, class, rule id) and of the learned profile, to check that a change keeps the output
//! byte-identical (`clean_page` then calls `digest_page`: subtract its count).
//!
//! cargo run --release -p toolkit-normalize --example clean-corpus -- [--data DIR | --jsonl FILE]
//!     [--limit N] [--rounds R] [--digest]
//!
//! `--data DIR` reads `DIR/orangesum/raw_text_naive.jsonl.zst`; `--jsonl FILE` reads a plain
//! JSON-lines file with the same `url` and `text` fields.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::BufRead;
use std::time::Instant;

use xxhash_rust::xxh3::xxh3_64;

use toolkit_normalize::{
    ChromeLearner, ChromeProfile, Cleaned, DocumentLines, LearnerConfig, Normalizer,
    NormalizerBuilder,
};

type Page = (Option<String>, String);

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut data, mut limit, mut rounds) = ("../shared/data".to_string(), 500usize, 1usize);
    let (mut jsonl, mut digest) = (None, false);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|n| n.parse().ok());
        match a.as_str() {
            "--data" => data = args.next().expect("--data DIR"),
            "--jsonl" => jsonl = Some(args.next().expect("--jsonl FILE")),
            "--limit" => limit = num().expect("--limit N"),
            "--rounds" => rounds = num().expect("--rounds R"),
            "--digest" => digest = true,
            _ => panic!("unknown argument {a}"),
        }
    }
    let reader: Box<dyn BufRead> = match jsonl {
        Some(path) => match std::fs::File::open(&path) {
            Ok(file) => Box::new(std::io::BufReader::new(file)),
            Err(e) => {
                eprintln!("clean-corpus: {path}: {e}, skipping");
                return;
            }
        },
        None => {
            let path = std::path::Path::new(&data).join("orangesum/raw_text_naive.jsonl.zst");
            let Ok(file) = std::fs::File::open(&path) else {
                eprintln!("clean-corpus: {} not found, skipping", path.display());
                return;
            };
            let mut dec = zstd::Decoder::new(file).expect("zstd decoder");
            dec.window_log_max(31).expect("window_log_max");
            Box::new(std::io::BufReader::new(dec))
        }
    };
    let pages: Vec<Page> = reader
        .lines()
        .take(limit)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("read")).expect("JSON");
            let host = v["url"].as_str().and_then(|u| u.split('/').nth(2));
            let text = v["text"].as_str().unwrap_or("").to_string();
            (host.map(str::to_string), text)
        })
        .collect();
    let profile = learn(&pages);
    let mut sum = Digest::default();
    if digest {
        sum.add_bytes(profile.to_string().as_bytes());
    }
    let n_learned = profile.len();
    let normalizer = NormalizerBuilder::new()
        .profile(profile)
        .build()
        .expect("build");
    let bytes: usize = pages.iter().map(|(_, t)| t.len()).sum();
    let cpu = cpu_seconds();
    let t = Instant::now();
    let mut out = 0;
    for _ in 0..rounds {
        for (host, text) in &pages {
            let d = if digest { Some(&mut sum) } else { None };
            out += clean_page(&normalizer, text, host.as_deref(), d);
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    print!(
        "{} pages, {bytes} input bytes x {rounds} rounds, {out} output bytes, {:.1} MB/s wall",
        pages.len(),
        mb / secs
    );
    match (cpu, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => println!(", {:.1} MB per CPU second", mb / (b - a)),
        _ => println!(),
    }
    if digest {
        println!(
            "{n_learned} learned lines, {} removals, {} paragraphs, digest {:016x}",
            sum.removals, sum.paragraphs, sum.hash
        );
    }
}

/// The learning pass: the lines of every page, counted on one learner.
#[inline(never)]
fn learn(pages: &[Page]) -> ChromeProfile {
    let config = LearnerConfig::default();
    let mut learner = ChromeLearner::new(config.clone());
    for (host, text) in pages {
        learner.add(&DocumentLines::new(&config, host.as_deref(), text));
    }
    learner.finish()
}

/// Cleans one page (adding it to `digest`, if any) and drops the result; returns the length of
/// the clean text.
#[inline(never)]
fn clean_page(
    normalizer: &Normalizer,
    text: &str,
    host: Option<&str>,
    digest: Option<&mut Digest>,
) -> usize {
    let cleaned = normalizer.clean(text, host);
    if let Some(d) = digest {
        digest_page(&cleaned, d);
    }
    cleaned.text.len()
}

/// A running hash of the outputs, and counts.
#[derive(Default)]
struct Digest {
    hash: u64,
    removals: usize,
    paragraphs: usize,
}

impl Digest {
    fn add(&mut self, x: u64) {
        self.hash = (self.hash.rotate_left(5) ^ x).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn add_bytes(&mut self, b: &[u8]) {
        self.add(b.len() as u64);
        self.add(xxh3_64(b));
    }
}

/// Adds one page's clean text and removals to the digest.
#[inline(never)]
fn digest_page(c: &Cleaned, d: &mut Digest) {
    d.add_bytes(c.text.as_bytes());
    d.add(c.n_paragraphs as u64);
    d.add(c.removed.len() as u64);
    for r in &c.removed {
        d.add(r.start as u64);
        d.add(r.end as u64);
        d.add(r.byte_range().start as u64);
        d.add(r.byte_range().end as u64);
        d.add_bytes(r.class.as_str().as_bytes());
        d.add_bytes(r.rule_id().as_bytes());
    }
    d.removals += c.removed.len();
    d.paragraphs += c.n_paragraphs;
}

/// CPU time of this process (user + system) from /proc/self/stat, in seconds, on Linux. On a
/// shared machine it measures the speed of one busy core better than the wall clock.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses): state is field 3, utime 14.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0) // USER_HZ is 100 on Linux
}
