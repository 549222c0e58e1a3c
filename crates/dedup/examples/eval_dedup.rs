//! Quality and speed of `toolkit-dedup` on OrangeSum (`parsed.jsonl.zst`: id, title, heading,
//! article, date). Used by `scripts/eval-dedup.sh`; the protocol is described in
//! `docs/benchmarks/dedup.md`.
//!
//! ```sh
//! cargo run --release -p toolkit-dedup --example eval_dedup -- ../shared/data/orangesum/parsed.jsonl.zst \
//!     [--pairs 2000] [--seed 6] [--threshold 0.5] [--shingle 2] [--rows 3]
//! ```
//!
//! Part 1 builds 2,000 positive pairs (an article and an edited copy of it) and one negative pair per
//! sampled article (the article and the most word-similar *other* story published the same day),
//! clusters all those texts together and reports pairwise precision and recall. Part 2 signs and
//! clusters every body of the corpus, and reports the clusters found and the throughput.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::time::Instant;

use toolkit_dedup::{Assignment, ClusterStats, Clusterer, DedupConfig, Mode, Signature, Signer};

struct Article {
    id: u64,
    title: String,
    body: String,
    day: Option<i32>,
}

/// SplitMix64: a tiny deterministic generator for the edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

const CHROME: &[&str] = &[
    "Publicité",
    "Partagez cet article:",
    "PARTAGEZ:",
    "Suivez nous sur",
    "Tendance",
    "Réagir",
    "A lire aussi",
    "1/2",
    "on",
    "Accueil > Actualités > France",
    "Nous utilisons votre inscription pour vous adresser la newsletter",
    "Publié le 12/03/2019 à 14h02 - Mis à jour le 12/03/2019 à 16h45",
    "© AFP",
    "Abonnez-vous à notre newsletter",
];
const PREFIXES: &[&str] = &["", "VIDÉO. ", "INFO - ", "EN DIRECT - ", "Exclusif : "];

/// Days since 1970-01-01 of `YYYY-MM-DD` (proleptic Gregorian).
fn days(date: &str) -> Option<i32> {
    let mut it = date.get(..10)?.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

fn read(path: &str) -> io::Result<Vec<Article>> {
    let mut decoder = zstd::stream::read::Decoder::new(File::open(path)?)?;
    decoder.window_log_max(31)?;
    let mut out = Vec::new();
    for line in BufReader::new(decoder).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        out.push(Article {
            id: v["id"].as_u64().unwrap_or(u64::MAX),
            title: s("title"),
            day: days(&s("date")),
            body: s("article"),
        });
    }
    Ok(out)
}

/// Paragraphs of a body whose paragraphs were glued without a space (`jeudi.Le`); bodies with fewer
/// than 3 are cut at sentence ends (`. Le`) into up to 4 paragraphs.
fn paragraphs(body: &str) -> Vec<String> {
    let cut = |is_cut: &dyn Fn(char, char, char) -> bool| {
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        let mut parts = Vec::new();
        let mut start = 0;
        for w in chars.windows(3) {
            if is_cut(w[0].1, w[1].1, w[2].1) {
                parts.push(body[start..w[1].0].trim().to_string());
                start = w[1].0;
            }
        }
        parts.push(body[start..].trim().to_string());
        parts.retain(|p| !p.is_empty());
        parts
    };
    let end = |c: char| ".!?»\")".contains(c);
    let glued = cut(&|a, b, c| end(a) && b.is_uppercase() && c.is_lowercase());
    if glued.len() >= 3 {
        return glued;
    }
    let sentences = cut(&|a, b, c| end(a) && b == ' ' && c.is_uppercase());
    let per = sentences.len().div_ceil(4).max(1);
    sentences.chunks(per).map(|c| c.join(" ")).collect()
}

fn random_word<'a>(rng: &mut Rng, corpus: &'a [Article]) -> &'a str {
    loop {
        let body = &corpus[rng.below(corpus.len())].body;
        let n = body.split_whitespace().count();
        if let Some(w) = body.split_whitespace().nth(rng.below(n)) {
            return w;
        }
    }
}

/// The original text as an article: title line, then the paragraphs.
fn original(a: &Article) -> String {
    format!("{}\n\n{}", a.title, paragraphs(&a.body).join("\n\n"))
}

/// An edited copy: another headline, 5% of the words replaced, paragraphs shuffled, chrome lines
/// (including a teaser: the title of another article) before and after.
fn edited(a: &Article, rng: &mut Rng, corpus: &[Article]) -> String {
    let mut headline = PREFIXES[rng.below(PREFIXES.len())].to_string();
    let title: Vec<&str> = a.title.split_whitespace().collect();
    for (k, w) in title.iter().enumerate() {
        let w = if rng.chance(1.0 / 3.0) {
            random_word(rng, corpus)
        } else {
            w
        };
        headline.push_str(w);
        if k + 1 < title.len() {
            headline.push(' ');
        }
    }
    let mut paras: Vec<String> = paragraphs(&a.body)
        .iter()
        .map(|p| {
            p.split_whitespace()
                .map(|w| {
                    if rng.chance(0.05) {
                        random_word(rng, corpus)
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    for i in (1..paras.len()).rev() {
        paras.swap(i, rng.below(i + 1));
    }
    let chrome = |rng: &mut Rng| -> Vec<String> {
        let mut lines: Vec<String> = (0..2 + rng.below(3))
            .map(|_| CHROME[rng.below(CHROME.len())].to_string())
            .collect();
        let teaser = &corpus[rng.below(corpus.len())].title;
        lines.insert(
            rng.below(lines.len() + 1),
            format!("{teaser} - 14h{:02}", rng.below(60)),
        );
        lines
    };
    let (top, bottom) = (chrome(rng), chrome(rng));
    let mut lines = top;
    lines.push(headline);
    lines.extend(paras);
    lines.extend(bottom);
    lines.join("\n")
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn shingles(text: &str, w: usize) -> HashSet<Vec<String>> {
    let ws = words(text);
    if ws.len() < w {
        return std::iter::once(ws).filter(|v| !v.is_empty()).collect();
    }
    ws.windows(w).map(<[String]>::to_vec).collect()
}

fn jaccard<T: std::hash::Hash + Eq>(a: &HashSet<T>, b: &HashSet<T>) -> f64 {
    let inter = a.intersection(b).count();
    let union = a.len() + b.len() - inter;
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Share of the smaller text's 8-word shingles found in the other: text reuse, i.e. the same story.
fn reuse(a: &str, b: &str) -> f64 {
    let (sa, sb) = (shingles(a, 8), shingles(b, 8));
    let inter = sa.intersection(&sb).count();
    inter as f64 / sa.len().min(sb.len()).max(1) as f64
}

fn content_words(text: &str) -> HashSet<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() >= 4)
        .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile(&v, 0.5)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(String::as_str)
    };
    let path = args
        .first()
        .ok_or("usage: eval PARSED.jsonl.zst [--pairs N] [--seed S] ...")?;
    let n_pairs: usize = flag("--pairs").unwrap_or("2000").parse()?;
    let seed: u64 = flag("--seed").unwrap_or("6").parse()?;
    let mut config = DedupConfig::default();
    if let Some(t) = flag("--threshold") {
        config.threshold = t.parse()?;
    }
    if let Some(w) = flag("--shingle") {
        config.shingle_words = w.parse()?;
    }
    if let Some(b) = flag("--rows") {
        config.band_rows = b.parse()?;
    }
    let signer = Signer::new(&config)?;
    let mut out = io::stdout().lock();

    let corpus = read(path)?;
    writeln!(
        out,
        "# toolkit-dedup evaluation on {} OrangeSum articles",
        corpus.len()
    )?;
    writeln!(
        out,
        "config: threshold {} shingle_words {} band_rows {} seed {seed}\n",
        config.threshold, config.shingle_words, config.band_rows
    )?;

    // ---- Part 1: constructed pairs ----
    let mut rng = Rng(seed);
    let mut by_day: HashMap<i32, Vec<usize>> = HashMap::new();
    for (i, a) in corpus.iter().enumerate() {
        if let Some(d) = a.day {
            by_day.entry(d).or_default().push(i);
        }
    }
    let eligible: Vec<usize> = (0..corpus.len())
        .filter(|&i| corpus[i].day.is_some() && words(&corpus[i].body).len() >= 50)
        .collect();
    let mut sample: Vec<usize> = Vec::new();
    let mut taken = HashSet::new();
    while sample.len() < n_pairs.min(eligible.len()) {
        let i = eligible[rng.below(eligible.len())];
        if taken.insert(i) {
            sample.push(i);
        }
    }
    // Eval documents: (key, order is the position, day, text).
    let mut docs: Vec<(String, Option<i32>, String)> = Vec::new();
    let mut doc_of_original: HashMap<usize, usize> = HashMap::new();
    let mut add_original = |docs: &mut Vec<(String, Option<i32>, String)>, i: usize| {
        *doc_of_original.entry(i).or_insert_with(|| {
            docs.push((
                format!("orig {}", corpus[i].id),
                corpus[i].day,
                original(&corpus[i]),
            ));
            docs.len() - 1
        })
    };
    let mut positives: Vec<(usize, usize)> = Vec::new();
    let mut negatives: Vec<(usize, usize)> = Vec::new();
    let (mut no_negative, mut excluded_same_story) = (0, Vec::new());
    for &i in &sample {
        let a = &corpus[i];
        let da = add_original(&mut docs, i);
        let day = a.day.map(|d| d + rng.below(3) as i32 - 1);
        docs.push((format!("copy {}", a.id), day, edited(a, &mut rng, &corpus)));
        let dc = docs.len() - 1;
        positives.push((da, dc));
        // Negative: the other story of the same day with the most content words in common.
        let ca = content_words(&a.body);
        let mut best: Option<(f64, usize)> = None;
        for &j in a
            .day
            .and_then(|d| by_day.get(&d))
            .map_or(&[][..], Vec::as_slice)
        {
            if j == i || corpus[j].body.trim().is_empty() {
                continue;
            }
            let s = jaccard(&ca, &content_words(&corpus[j].body));
            if best.map_or(true, |(bs, _)| s > bs) {
                if reuse(&a.body, &corpus[j].body) >= 0.5 {
                    excluded_same_story.push((a.id, corpus[j].id));
                    continue;
                }
                best = Some((s, j));
            }
        }
        match best {
            Some((_, j)) => {
                let dj = add_original(&mut docs, j);
                negatives.push((da, dj));
                negatives.push((dc, dj));
            }
            None => no_negative += 1,
        }
    }
    // Shuffle the input order (deterministically) so that order does not reveal the pairs.
    let mut perm: Vec<usize> = (0..docs.len()).collect();
    for i in (1..perm.len()).rev() {
        perm.swap(i, rng.below(i + 1));
    }
    let mut position = vec![0u64; docs.len()];
    for (pos, &d) in perm.iter().enumerate() {
        position[d] = pos as u64;
    }
    let sigs: Vec<Signature> = docs.iter().map(|d| signer.sign(&d.2)).collect();
    let mut clusterer = Clusterer::new(&config)?;
    for &d in &perm {
        clusterer.add(position[d], docs[d].1, sigs[d].clone());
    }
    let assigned: Vec<Assignment> = clusterer.finish();
    let cluster_of = |d: usize| assigned[position[d] as usize].cluster;
    let same = |&(a, b): &(usize, usize)| cluster_of(a) == cluster_of(b);
    let tp = positives.iter().filter(|p| same(p)).count();
    let fp = negatives.iter().filter(|p| same(p)).count();
    let fn_ = positives.len() - tp;
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / positives.len().max(1) as f64;
    writeln!(
        out,
        "## Part 1: constructed pairs (clustering all {} texts together)",
        docs.len()
    )?;
    writeln!(
        out,
        "positive pairs {} | negative pairs {} ({} sampled articles had no other story that day; {} same-day candidates excluded as text reuse)",
        positives.len(),
        negatives.len(),
        no_negative,
        excluded_same_story.len()
    )?;
    writeln!(out, "TP {tp} FP {fp} FN {fn_}")?;
    writeln!(out, "precision {precision:.4} recall {recall:.4}\n")?;

    let est = |p: &(usize, usize)| f64::from(sigs[p.0].similarity(&sigs[p.1]).unwrap_or(0.0));
    let truth = |p: &(usize, usize)| {
        let w = config.shingle_words;
        jaccard(&shingles(&docs[p.0].2, w), &shingles(&docs[p.1].2, w))
    };
    for (name, pairs) in [("positives", &positives), ("negatives", &negatives)] {
        let mut e: Vec<f64> = pairs.iter().map(est).collect();
        let mut t: Vec<f64> = pairs.iter().map(truth).collect();
        e.sort_by(f64::total_cmp);
        t.sort_by(f64::total_cmp);
        let q = |v: &[f64]| {
            [0.0, 0.01, 0.05, 0.5, 0.95, 0.99, 1.0]
                .map(|p| format!("{:.3}", percentile(v, p)))
                .join(" ")
        };
        writeln!(
            out,
            "{name}: estimated similarity  p0 p1 p5 p50 p95 p99 p100 = {}",
            q(&e)
        )?;
        writeln!(
            out,
            "{name}: true {}-shingle Jaccard          = {}",
            config.shingle_words,
            q(&t)
        )?;
    }
    let err: Vec<f64> = positives
        .iter()
        .chain(&negatives)
        .map(|p| (est(p) - truth(p)).abs())
        .collect();
    writeln!(out, "median |estimated - true| {:.4}", median(err))?;
    writeln!(
        out,
        "\nthreshold sweep on the pair similarities (no clustering):"
    )?;
    writeln!(out, "threshold precision recall")?;
    for t in [0.2, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8] {
        let tp = positives.iter().filter(|p| est(p) >= t).count();
        let fp = negatives.iter().filter(|p| est(p) >= t).count();
        writeln!(
            out,
            "{t:.2} {:.4} {:.4}",
            tp as f64 / (tp + fp).max(1) as f64,
            tp as f64 / positives.len().max(1) as f64
        )?;
    }
    let show = |out: &mut io::StdoutLock, what: &str, pairs: Vec<&(usize, usize)>| {
        for p in pairs.into_iter().take(5) {
            writeln!(
                out,
                "  {what}: {} <-> {} estimated {:.3} true {:.3}",
                docs[p.0].0,
                docs[p.1].0,
                est(p),
                truth(p)
            )?;
        }
        io::Result::Ok(())
    };
    show(
        &mut out,
        "missed",
        positives.iter().filter(|p| !same(p)).collect(),
    )?;
    show(
        &mut out,
        "false positive",
        negatives.iter().filter(|p| same(p)).collect(),
    )?;

    // ---- Part 2: the whole corpus ----
    writeln!(out, "\n## Part 2: all {} bodies", corpus.len())?;
    let bytes: usize = corpus.iter().map(|a| a.body.len()).sum();
    for mode in [Mode::Exact, Mode::Near] {
        let cfg = DedupConfig {
            mode,
            ..config.clone()
        };
        let signer = Signer::new(&cfg)?;
        let mut sign_times = Vec::new();
        let mut sigs = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            sigs = corpus
                .iter()
                .map(|a| signer.sign(&a.body))
                .collect::<Vec<_>>();
            sign_times.push(t.elapsed().as_secs_f64());
        }
        let mut cluster_times = Vec::new();
        let mut assigned = Vec::new();
        let mut stats = ClusterStats::default();
        for _ in 0..3 {
            let t = Instant::now();
            let mut c = Clusterer::new(&cfg)?;
            for (k, (a, s)) in corpus.iter().zip(&sigs).enumerate() {
                c.add(k as u64, a.day, s.clone());
            }
            let (a, s) = c.finish_with_stats();
            assigned = a;
            stats = s;
            cluster_times.push(t.elapsed().as_secs_f64());
        }
        let (st, ct) = (median(sign_times), median(cluster_times));
        let mut sizes: HashMap<u64, usize> = HashMap::new();
        for a in &assigned {
            *sizes.entry(a.cluster).or_default() += 1;
        }
        let multi: Vec<(u64, usize)> = {
            let mut m: Vec<(u64, usize)> = sizes.into_iter().filter(|&(_, n)| n > 1).collect();
            m.sort_by_key(|&(c, n)| (std::cmp::Reverse(n), c));
            m
        };
        let dups = assigned.iter().filter(|a| a.duplicate_of.is_some()).count();
        let exact = assigned
            .iter()
            .filter(|a| a.similarity == Some(1.0))
            .count();
        writeln!(
            out,
            "\n### mode {mode}: {} clusters of 2+ articles, {dups} duplicates ({exact} with similarity 1.0), largest {}",
            multi.len(),
            multi.first().map_or(0, |m| m.1)
        )?;
        writeln!(
            out,
            "sign (1 thread, median of 3): {st:.3} s = {:.0} docs/s, {:.1} MB/s | cluster: {ct:.3} s = {:.0} docs/s",
            corpus.len() as f64 / st,
            bytes as f64 / st / 1e6,
            corpus.len() as f64 / ct
        )?;
        writeln!(
            out,
            "pairs sharing a band {} ({:.1} per article), kept (similarity >= threshold/2) {}",
            stats.band_pairs,
            stats.band_pairs as f64 / corpus.len() as f64,
            stats.kept_pairs
        )?;
        let members = |c: u64| -> Vec<usize> {
            (0..assigned.len())
                .filter(|&k| assigned[k].cluster == c)
                .collect()
        };
        let line = |k: usize| {
            let a = &corpus[k];
            let sim = assigned[k]
                .similarity
                .map_or("canonical".into(), |s| format!("{s:.3}"));
            let title: String = a.title.chars().take(90).collect();
            format!("    id {} ({:?} days, {sim}) {title}", a.id, a.day)
        };
        writeln!(out, "largest clusters:")?;
        for &(c, n) in multi.iter().take(4) {
            writeln!(out, "  cluster {c} ({n} articles):")?;
            for k in members(c).into_iter().take(4) {
                writeln!(out, "{}", line(k))?;
            }
        }
        if mode == Mode::Near {
            let mut near: Vec<usize> = (0..assigned.len())
                .filter(|&k| assigned[k].similarity.is_some_and(|s| s < 1.0))
                .collect();
            near.sort_by(|&x, &y| {
                assigned[x]
                    .similarity
                    .partial_cmp(&assigned[y].similarity)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            let mut reused: Vec<f64> = near
                .iter()
                .map(|&k| reuse(&corpus[k].body, &corpus[assigned[k].cluster as usize].body))
                .collect();
            reused.sort_by(f64::total_cmp);
            writeln!(
                out,
                "text reuse with the canonical (share of the smaller body's 8-word shingles found in the other), near duplicates: p1 {:.3} p5 {:.3} p10 {:.3} p50 {:.3}; {} of {} below 0.2",
                percentile(&reused, 0.01),
                percentile(&reused, 0.05),
                percentile(&reused, 0.10),
                percentile(&reused, 0.5),
                reused.iter().filter(|&&r| r < 0.2).count(),
                reused.len()
            )?;
            writeln!(
                out,
                "{} near (not exact) duplicates; the 8 least similar:",
                near.len()
            )?;
            for &k in near.iter().take(8) {
                let c = assigned[k].cluster as usize;
                writeln!(out, "{}\n  {} (canonical)", line(k), line(c))?;
            }
            writeln!(out, "8 more, evenly spread over the near duplicates:")?;
            for s in 1..=8 {
                let k = near[(near.len() - 1) * s / 9];
                writeln!(
                    out,
                    "{}\n  {} (canonical)",
                    line(k),
                    line(assigned[k].cluster as usize)
                )?;
            }
        }
    }
    Ok(())
}
