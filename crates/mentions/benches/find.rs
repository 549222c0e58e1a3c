//! Throughput of `Recognizer::find`.
//!
//! `orangesum/*` — the case reported against the speed target: the first 2,000 real article bodies
//! of ../shared/data/orangesum/parsed.jsonl.zst (5.4 MB, the same documents as the throughput part
//! of `scripts/eval-mentions.sh`), one `find` call per article (skipped when the file is absent; set
//! TOOLKIT_DATA to another data folder). `seeds/*` — the five seed articles of `data/samples`
//! repeated to ~1 MB, one call. Each in three configurations: gazetteer only, gazetteer + rules,
//! and `all` (gazetteer + rules + coreference, the default the pipeline uses).
//!
//! Clock: wall time by default (criterion's own). `TOOLKIT_BENCH_CLOCK=cpu` measures instead the
//! CPU time of the benchmark thread (Linux `/proc/thread-self/schedstat`, nanoseconds), reported
//! in MB/s (10^6 bytes) per core: on a shared machine, wall time mostly measures the neighbours.
#![allow(clippy::print_stderr)]

use std::hint::black_box;
use std::io::BufRead;
use std::path::PathBuf;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput};
use toolkit_mentions::{Recognizer, RecognizerBuilder};

const SAMPLES: &[&str] = &[
    include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

/// Naive sentence spans: split after `.`, `!`, `?` followed by whitespace, and at newlines.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        let end_here = b[i] == b'\n'
            || (matches!(b[i], b'.' | b'!' | b'?')
                && b.get(i + 1).is_some_and(|c| c.is_ascii_whitespace()));
        if end_here {
            if i + 1 > start {
                out.push((start, i + 1));
            }
            start = i + 1;
        }
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// The first `n` non-empty article bodies of OrangeSum `parsed.jsonl.zst`, as the eval script reads them.
fn orangesum_articles(n: usize) -> Option<Vec<String>> {
    let dir = std::env::var_os("TOOLKIT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let file = std::fs::File::open(dir.join("orangesum/parsed.jsonl.zst")).ok()?;
    let mut dec = zstd::Decoder::new(file).ok()?;
    dec.window_log_max(31).ok()?;
    let mut out = Vec::new();
    for line in std::io::BufReader::new(dec).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.ok()?).ok()?;
        let article = v["article"].as_str().unwrap_or("").replace('\n', " ");
        let article = article.trim();
        if !article.is_empty() {
            out.push(article.to_string());
        }
        if out.len() >= n {
            break;
        }
    }
    Some(out)
}

fn configurations() -> Vec<(&'static str, Recognizer)> {
    [
        ("gazetteer", false, false),
        ("gazetteer+rules", true, false),
        ("all", true, true),
    ]
    .into_iter()
    .map(|(name, rules, coref)| {
        let rec = RecognizerBuilder::new()
            .rules(rules)
            .coref(coref)
            .build()
            .expect("default recognizer builds");
        (name, rec)
    })
    .collect()
}

/// CPU time of the calling thread in nanoseconds, from `/proc/thread-self/schedstat`.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// A criterion measurement: CPU time of the benchmark thread (see the crate docs).
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        thread_cpu_ns().unwrap_or(0)
    }

    fn end(&self, start: u64) -> u64 {
        thread_cpu_ns().unwrap_or(0).saturating_sub(start)
    }

    fn add(&self, v1: &u64, v2: &u64) -> u64 {
        v1 + v2
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Nanoseconds shown as CPU ms, throughputs as MB/s (10^6 bytes) or elements/s.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, _typical: f64, values: &mut [f64]) -> &'static str {
        values.iter_mut().for_each(|v| *v /= 1e6);
        "ms (CPU)"
    }

    fn scale_throughputs(&self, _typical: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        let (per_iter, unit) = match *t {
            Throughput::Bytes(n) | Throughput::BytesDecimal(n) => (n as f64 / 1e6, "MB/s (CPU)"),
            Throughput::Elements(n) => (n as f64, "elem/s (CPU)"),
        };
        values.iter_mut().for_each(|v| *v = per_iter * 1e9 / *v);
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}

fn main() {
    let cpu = std::env::var_os("TOOLKIT_BENCH_CLOCK").is_some_and(|v| v == "cpu");
    if cpu && thread_cpu_ns().is_some() {
        let mut c = Criterion::default()
            .with_measurement(ThreadCpu)
            .configure_from_args();
        bench(&mut c);
        c.final_summary();
    } else {
        if cpu {
            eprintln!("TOOLKIT_BENCH_CLOCK=cpu: no /proc/thread-self/schedstat, using wall time");
        }
        let mut c = Criterion::default().configure_from_args();
        bench(&mut c);
        c.final_summary();
    }
}

fn bench<M: Measurement + 'static>(c: &mut Criterion<M>) {
    let recognizers = configurations();
    let mut group = c.benchmark_group("find");
    group.sample_size(20);
    match orangesum_articles(2000) {
        None => {
            eprintln!("find/orangesum skipped: ../shared/data/orangesum/parsed.jsonl.zst not found")
        }
        Some(docs) => {
            let docs: Vec<(String, Vec<(usize, usize)>)> = docs
                .into_iter()
                .map(|d| {
                    let spans = sentences(&d);
                    (d, spans)
                })
                .collect();
            let bytes: usize = docs.iter().map(|(d, _)| d.len()).sum();
            group.throughput(Throughput::Bytes(bytes as u64));
            for (name, rec) in &recognizers {
                group.bench_function(format!("orangesum/{name}"), |b| {
                    b.iter(|| {
                        docs.iter()
                            .map(|(d, s)| rec.find(black_box(d), s).len())
                            .sum::<usize>()
                    })
                });
            }
        }
    }
    let mut text = String::new();
    while text.len() < 1 << 20 {
        for s in SAMPLES {
            text.push_str(s);
            text.push('\n');
        }
    }
    let spans = sentences(&text);
    group.throughput(Throughput::Bytes(text.len() as u64));
    for (name, rec) in &recognizers {
        group.bench_function(format!("seeds/{name}"), |b| {
            b.iter(|| rec.find(black_box(&text), &spans).len())
        });
    }
    group.finish();
    c.bench_function("build_default", |b| {
        b.iter(|| RecognizerBuilder::new().build().expect("builds"))
    });
}
