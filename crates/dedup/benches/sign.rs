//! Signing throughput on a synthetic French article (about 3,000 bytes, 450 words).
#![allow(missing_docs)]
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use toolkit_dedup::{Clusterer, DedupConfig, Mode, Signer};

const PARAGRAPH: &str = "Cette décision a été annoncée à l'issue d'une réunion organisée avec les \
syndicats de la fonction publique hospitalière, dans la nuit de mercredi à jeudi. Le gouvernement \
avait déjà annoncé débloquer six milliards d'euros lors d'une précédente réunion du « Ségur de la \
santé » organisée le 24 juin. Une seconde enveloppe, de 100 millions d'euros, a été proposée.\n";

fn article(i: usize) -> String {
    let mut s = format!("Article numéro {i} : ");
    for k in 0..6 {
        s.push_str(&PARAGRAPH.replace("jeudi", &format!("jour{}", i * 7 + k)));
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = article(1);
    let mut group = c.benchmark_group("sign");
    group.throughput(Throughput::Bytes(text.len() as u64));
    for mode in [Mode::Exact, Mode::Near] {
        let signer = Signer::new(&DedupConfig::with_mode(mode)).expect("valid config");
        group.bench_function(mode.as_str(), |b| b.iter(|| signer.sign(black_box(&text))));
    }
    group.finish();

    // A headline: far fewer shingles than MinHash bins, so densification does most of the work.
    let title = "Coronavirus : le point sur la pandémie dans le monde";
    let mut group = c.benchmark_group("sign_short");
    group.throughput(Throughput::Bytes(title.len() as u64));
    let signer = Signer::new(&DedupConfig::default()).expect("valid config");
    group.bench_function("near", |b| b.iter(|| signer.sign(black_box(title))));
    group.finish();

    let config = DedupConfig::default();
    let signer = Signer::new(&config).expect("valid config");
    let sigs: Vec<_> = (0..10_000)
        .map(|i| signer.sign(&article(i % 5_000)))
        .collect();
    let mut group = c.benchmark_group("cluster");
    group.throughput(Throughput::Elements(sigs.len() as u64));
    group.sample_size(10);
    group.bench_function("near_10k", |b| {
        b.iter(|| {
            let mut clusterer = Clusterer::new(&config).expect("valid config");
            for (i, s) in sigs.iter().enumerate() {
                clusterer.add(i as u64, None, s.clone());
            }
            clusterer.finish()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
