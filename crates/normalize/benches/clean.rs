//! Throughput of `Normalizer::clean` on flattened news pages.
//!
//! `synthetic`: the five seed scrapes wrapped in OrangeSum-like site chrome (menus, teaser lists,
//! a news feed, widgets), built in the repo. `orangesum`: the first 2,000 real flattened pages of
//! ../shared/data/orangesum (skipped when absent; set TOOLKIT_DATA to another data folder).

#![allow(missing_docs, clippy::print_stderr)]

use std::hint::black_box;
use std::io::BufRead;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use toolkit_normalize::{ChromeLearner, LearnerConfig, Normalizer, NormalizerBuilder};

const SEEDS: [&str; 5] = [
    include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

/// A flattened page: title, menu, teasers, the article, widgets and a news feed.
fn synthetic_page(i: usize) -> String {
    let body = SEEDS[i % SEEDS.len()];
    let title = body
        .split_whitespace()
        .skip(3)
        .take(9)
        .collect::<Vec<_>>()
        .join(" ");
    let mut p = format!("{title}\n\n");
    for m in [
        "A la une",
        "France",
        "Monde",
        "Politique",
        "Société",
        "Finance",
        "Auto",
        "Météo",
    ] {
        p.push_str(m);
        p.push_str("\n\n");
    }
    for t in 0..8 {
        p.push_str(&format!(
            "News\n\nTitre d'une autre actualité numéro {} du jour\n\n0{} juillet 2020\n\n",
            i + t,
            t % 9
        ));
    }
    p.push_str(&format!("ALERTE INFO\n\n12:39\nUne alerte sans rapport {i}\n\nToutes les news Monde\n\n{title}\n\nRéagir\n\n"));
    p.push_str("Une photo d'illustration.\n\n©Fabrice COFFRINI / AFP\n\nA lire aussi\n\n");
    p.push_str(&format!(
        "AFP, publié le jeudi 02 juillet 2020 à 19h{:02}\n\n",
        i % 60
    ));
    p.push_str(body);
    p.push_str("\n\nRéagir\n\nPublicité\n\nFil info\n\n");
    for t in 0..20 {
        p.push_str(&format!(
            "{:02}:{:02}PolitiqueUn titre du fil info numéro {} pour la journée\n\n",
            9 + t % 4,
            (t * 7) % 60,
            i * 3 + t
        ));
    }
    p.push_str("CAC 40\n\n5 007 pts\n\n-0,84%\n\nVos réactions doivent respecter nos CGU.\n\nPublicité\n\nListe des articles archivés\n");
    p
}

fn orangesum_pages(n: usize) -> Option<Vec<(Option<String>, String)>> {
    let dir = std::env::var_os("TOOLKIT_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let file = std::fs::File::open(dir.join("orangesum/raw_text_naive.jsonl.zst")).ok()?;
    let mut dec = zstd::Decoder::new(file).ok()?;
    dec.window_log_max(31).ok()?;
    let mut pages = Vec::new();
    for line in std::io::BufReader::new(dec).lines().take(n) {
        let v: serde_json::Value = serde_json::from_str(&line.ok()?).ok()?;
        let host = v["url"]
            .as_str()
            .and_then(|u| u.split('/').nth(2))
            .map(str::to_string);
        pages.push((host, v["text"].as_str()?.to_string()));
    }
    Some(pages)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("clean");
    let pages: Vec<String> = (0..200).map(synthetic_page).collect();
    let mut learner = ChromeLearner::new(LearnerConfig::default());
    pages
        .iter()
        .for_each(|p| learner.observe(Some("example.fr"), p));
    let learned = NormalizerBuilder::new()
        .profile(learner.finish())
        .build()
        .unwrap();
    let plain = Normalizer::default();
    let bytes: usize = pages.iter().map(String::len).sum();
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("synthetic/rules", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|p| plain.clean(black_box(p), Some("example.fr")).text.len())
                .sum::<usize>()
        })
    });
    g.bench_function("synthetic/learned", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|p| learned.clean(black_box(p), Some("example.fr")).text.len())
                .sum::<usize>()
        })
    });
    match orangesum_pages(2000) {
        None => eprintln!(
            "orangesum bench skipped: ../shared/data/orangesum/raw_text_naive.jsonl.zst not found"
        ),
        Some(real) => {
            let mut learner = ChromeLearner::new(LearnerConfig::default());
            real.iter()
                .for_each(|(s, t)| learner.observe(s.as_deref(), t));
            let learned = NormalizerBuilder::new()
                .profile(learner.finish())
                .build()
                .unwrap();
            let bytes: usize = real.iter().map(|(_, t)| t.len()).sum();
            g.throughput(Throughput::Bytes(bytes as u64));
            g.bench_function("orangesum/learned", |b| {
                b.iter(|| {
                    real.iter()
                        .map(|(s, t)| learned.clean(black_box(t), s.as_deref()).text.len())
                        .sum::<usize>()
                })
            });
            g.bench_function("learn/orangesum", |b| {
                b.iter(|| {
                    let mut l = ChromeLearner::default();
                    real.iter()
                        .for_each(|(s, t)| l.observe(s.as_deref(), black_box(t)));
                    l.docs()
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
