//! Throughput of `Recognizer::find` on the seed articles of `data/samples`, repeated to ~1 MB.
#![allow(missing_docs)] // criterion_group! expands to undocumented public functions

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use toolkit_mentions::RecognizerBuilder;

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

fn bench(c: &mut Criterion) {
    let mut text = String::new();
    while text.len() < 1 << 20 {
        for s in SAMPLES {
            text.push_str(s);
            text.push('\n');
        }
    }
    let spans = sentences(&text);
    let mut group = c.benchmark_group("find");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    for (name, rules, coref) in [
        ("gazetteer", false, false),
        ("gazetteer+rules", true, false),
        ("all", true, true),
    ] {
        let rec = RecognizerBuilder::new()
            .rules(rules)
            .coref(coref)
            .build()
            .expect("default recognizer builds");
        group.bench_function(name, |b| b.iter(|| rec.find(&text, &spans).len()));
    }
    group.finish();
    c.bench_function("build_default", |b| {
        b.iter(|| RecognizerBuilder::new().build().expect("builds"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
