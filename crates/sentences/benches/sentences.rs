//! Throughput of the segmenter on the sample scrapes of `data/samples` (French news with headers,
//! credits and chrome lines), and of the helpers the pipeline calls per sentence.

// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use toolkit_sentences::{count_tokens, CharOffsets, Segmenter, SegmenterBuilder};

const SAMPLES: [&str; 5] = [
    include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

fn corpus() -> String {
    // About 1 MB: big enough to leave the cache effects of a single small document behind.
    let one: String = SAMPLES.join("\n\n");
    let mut text = String::new();
    while text.len() < 1 << 20 {
        text.push_str(&one);
        text.push_str("\n\n");
    }
    text
}

fn bench(c: &mut Criterion) {
    let text = corpus();
    let seg = Segmenter::french();
    let mut out = Vec::new();
    let mut group = c.benchmark_group("sentences");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("split_into", |b| {
        b.iter(|| {
            seg.split_into(&text, &mut out);
            out.len()
        })
    });
    let plain = SegmenterBuilder::new()
        .glued_sentences(false)
        .build()
        .expect("default lists parse");
    group.bench_function("split_into, glued_sentences off", |b| {
        b.iter(|| {
            plain.split_into(&text, &mut out);
            out.len()
        })
    });
    group.bench_function("split_into+char_offsets+count_tokens", |b| {
        b.iter(|| {
            seg.split_into(&text, &mut out);
            let mut chars = CharOffsets::new(&text);
            out.iter()
                .map(|s| chars.span(s).1 + count_tokens(s.text(&text)))
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
