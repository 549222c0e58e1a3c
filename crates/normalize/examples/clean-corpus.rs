//! Cleans the first N OrangeSum flattened pages (with a profile learned on them) and prints the
//! single-thread throughput. Made for instruction counting, which is robust to a noisy machine:
//!
//! valgrind --tool=callgrind --toggle-collect='clean_corpus::clean_page' \
//!     target/release/examples/clean-corpus --limit 500
//!
//! then divide the reported `Collected` instructions by the printed input bytes. `clean_page`
//! cleans one page and drops the result, as the criterion benchmark does, so freeing the
//! output is counted too.
//!
//! cargo run --release -p toolkit-normalize --example clean-corpus -- [--data DIR] [--limit N] [--rounds R]
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::BufRead;
use std::time::Instant;

use toolkit_normalize::{ChromeLearner, LearnerConfig, Normalizer, NormalizerBuilder};

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut data, mut limit, mut rounds) = ("../shared/data".to_string(), 500usize, 1usize);
    while let Some(a) = args.next() {
        let mut num = || args.next().and_then(|n| n.parse().ok());
        match a.as_str() {
            "--data" => data = args.next().expect("--data DIR"),
            "--limit" => limit = num().expect("--limit N"),
            "--rounds" => rounds = num().expect("--rounds R"),
            _ => panic!("unknown argument {a}"),
        }
    }
    let path = std::path::Path::new(&data).join("orangesum/raw_text_naive.jsonl.zst");
    let Ok(file) = std::fs::File::open(&path) else {
        eprintln!("clean-corpus: {} not found, skipping", path.display());
        return;
    };
    let mut dec = zstd::Decoder::new(file).expect("zstd decoder");
    dec.window_log_max(31).expect("window_log_max");
    let pages: Vec<(Option<String>, String)> = std::io::BufReader::new(dec)
        .lines()
        .take(limit)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(&l.expect("read")).expect("JSON");
            let host = v["url"].as_str().and_then(|u| u.split('/').nth(2));
            let text = v["text"].as_str().unwrap_or("").to_string();
            (host.map(str::to_string), text)
        })
        .collect();
    let mut learner = ChromeLearner::new(LearnerConfig::default());
    for (host, text) in &pages {
        learner.observe(host.as_deref(), text);
    }
    let normalizer = NormalizerBuilder::new()
        .profile(learner.finish())
        .build()
        .expect("build");
    let bytes: usize = pages.iter().map(|(_, t)| t.len()).sum();
    let cpu = cpu_seconds();
    let t = Instant::now();
    let mut out = 0;
    for _ in 0..rounds {
        for (host, text) in &pages {
            out += clean_page(&normalizer, text, host.as_deref());
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
}

/// Cleans one page and drops the result; returns the length of the clean text.
#[inline(never)]
fn clean_page(normalizer: &Normalizer, text: &str, host: Option<&str>) -> usize {
    normalizer.clean(text, host).text.len()
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
