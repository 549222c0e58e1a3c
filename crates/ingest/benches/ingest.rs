//! Throughput of decode, fix and full ingest on French news text (the seed scrapes, repeated).
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use toolkit_ingest::{IngesterBuilder, Record};

const SEEDS: [&str; 5] = [
    include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

/// About 1 MB: the seeds, one after the other, repeated.
fn corpus() -> String {
    let one = SEEDS.join("\n\n");
    one.repeat((1 << 20) / one.len() + 1)
}

fn bench(c: &mut Criterion) {
    let ing = IngesterBuilder::new().language_hint(Some("fr")).build();
    let clean = corpus();
    let mojibake = encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(clean.as_bytes())
        .0
        .into_owned();
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&clean);
    let cp1252 = cp1252.into_owned();

    let mut g = c.benchmark_group("ingest");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("decode/utf8", |b| {
        b.iter(|| ing.decode(clean.as_bytes()).unwrap())
    });
    g.bench_function("fix/clean", |b| b.iter(|| ing.fix(&clean)));
    g.bench_function("ingest/clean_utf8", |b| {
        b.iter(|| {
            ing.ingest(Record::from_bytes("bench", clean.as_bytes().to_vec()))
                .unwrap()
        })
    });
    // Per-document cost on realistic sizes: each seed as its own document.
    g.bench_function("ingest/seed_documents", |b| {
        b.iter(|| {
            for _ in 0..((1 << 20) / SEEDS.concat().len() + 1) {
                for s in SEEDS {
                    ing.ingest(Record::from_bytes("bench", s.as_bytes().to_vec()))
                        .unwrap();
                }
            }
        })
    });
    g.throughput(Throughput::Bytes(cp1252.len() as u64));
    g.bench_function("decode/windows_1252", |b| {
        b.iter(|| ing.decode(&cp1252).unwrap())
    });
    g.throughput(Throughput::Bytes(mojibake.len() as u64));
    g.bench_function("fix/mojibake", |b| b.iter(|| ing.fix(&mojibake)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
