//! [`Clusterer`]: signatures in input order → one [`Assignment`] per article.

use crate::config::{DedupConfig, Mode};
use crate::error::Error;
use crate::signature::{similarity_of, Signature, NUM_HASHES};

/// In a bucket of articles sharing one LSH band, each article is compared with (the canonicals of)
/// the first `BUCKET_FIRST` and the previous `BUCKET_PREVIOUS` members only, so that a band shared
/// by thousands of texts (a common boilerplate sentence) cannot make clustering quadratic.
const BUCKET_FIRST: usize = 8;
const BUCKET_PREVIOUS: usize = 8;

/// Where one article belongs, as returned by [`Clusterer::finish`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// `order` of the canonical article of the cluster; `None` when this article is canonical
    /// itself (or a singleton).
    pub duplicate_of: Option<u64>,
    /// `order` of the cluster's canonical article (the article's own `order` when it is canonical).
    pub cluster: u64,
    /// Estimated similarity to the canonical article (`1.0` for exact duplicates); `None` for
    /// canonical articles and singletons.
    pub similarity: Option<f32>,
}

/// What the clusterer keeps per article: 160 bytes.
#[derive(Debug, Clone)]
struct Entry {
    order: u64,
    published: Option<i32>,
    sig: Signature,
}

/// Groups articles into clusters of duplicates, each led by a canonical article.
///
/// Feed every article with [`add`](Clusterer::add), then call [`finish`](Clusterer::finish). The
/// clusterer keeps 160 bytes per article (the [`Signature`], `order` and `published`); `finish`
/// needs about 32 more bytes per article while it runs (ranks, cluster links, one band of sort
/// keys), plus 8 bytes per kept pair, plus the returned assignments.
///
/// # Algorithm
///
/// 1. Articles are ranked by publication day (unknown days last), then `order`, then the order of
///    the `add` calls. The earliest article of a cluster is its canonical article, so the result
///    depends only on the articles, never on thread counts or on how signing was scheduled.
/// 2. **Exact** (modes exact and near): articles with the same word sequence form one cluster,
///    similarity 1.0.
/// 3. **Near** (mode near): one representative per exact group takes part. LSH banding over the 128
///    MinHash values yields candidate pairs (articles with one identical band); a pair is kept when
///    its estimated similarity reaches half the threshold (this drops the many pairs of unrelated
///    articles that share common phrases, so memory holds only plausible pairs); then, in rank order,
///    each article is compared with the *canonical* article of each candidate's cluster and joins the
///    most similar one whose estimated similarity reaches the threshold (ties: the earliest), or
///    starts its own cluster. Comparing with the canonical ("attach to canonical") rather than
///    joining any similar member (union-find) keeps every member within the threshold of its
///    canonical: chains A≈B≈C of ever more edited texts cannot merge unrelated stories.
///
/// Time is `O(n log n)` per band (sorting the band keys) plus the candidate pairs, which stay
/// linear thanks to the bucket cap. [`finish_with_stats`](Clusterer::finish_with_stats) tells how
/// many pairs were looked at.
#[derive(Debug, Clone)]
pub struct Clusterer {
    mode: Mode,
    threshold: f32,
    band_rows: usize,
    entries: Vec<Entry>,
}

/// Work done by [`Clusterer::finish_with_stats`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterStats {
    /// Articles given.
    pub articles: usize,
    /// Pairs sharing an LSH band (counted once per band), all compared.
    pub band_pairs: usize,
    /// Distinct pairs whose similarity reached half the threshold, kept for clustering.
    pub kept_pairs: usize,
}

impl Clusterer {
    /// An empty clusterer for these settings, or the error of [`DedupConfig::validate`].
    pub fn new(config: &DedupConfig) -> Result<Clusterer, Error> {
        config.validate()?;
        Ok(Clusterer {
            mode: config.mode,
            threshold: config.threshold,
            band_rows: config.band_rows,
            entries: Vec::new(),
        })
    }

    /// Adds one article. `order` is the article's position in input order (it identifies the
    /// article in the [`Assignment`]s); `published` is its publication day (days since 1970-01-01)
    /// when known. Call it in input order.
    pub fn add(&mut self, order: u64, published: Option<i32>, sig: Signature) {
        self.entries.push(Entry {
            order,
            published,
            sig,
        });
    }

    /// Number of articles added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no article was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Clusters every article added: one [`Assignment`] per [`add`](Clusterer::add) call, in the
    /// same order.
    pub fn finish(self) -> Vec<Assignment> {
        self.finish_with_stats().0
    }

    /// [`finish`](Clusterer::finish), and how much work it took.
    pub fn finish_with_stats(self) -> (Vec<Assignment>, ClusterStats) {
        let mut stats = ClusterStats {
            articles: self.entries.len(),
            ..ClusterStats::default()
        };
        let entries = self.entries;
        let n = entries.len();
        // by_rank[r] = index (in add order) of the article of rank r.
        let mut by_rank: Vec<usize> = (0..n).collect();
        by_rank.sort_by_key(|&i| {
            let e = &entries[i];
            (e.published.is_none(), e.published, e.order, i)
        });
        let sig = |r: usize| &entries[by_rank[r]].sig;
        // canon[r]: rank of the canonical article of r's cluster (r itself when canonical).
        let mut canon: Vec<usize> = (0..n).collect();
        let mut similarity: Vec<f32> = vec![1.0; n];

        if self.mode != Mode::Off {
            let mut keys: Vec<(u64, u32, usize)> = (0..n)
                .filter_map(|r| sig(r).exact_key().map(|(h, w)| (h, w, r)))
                .collect();
            keys.sort_unstable();
            for group in keys.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
                let first = group[0].2;
                for &(_, _, r) in &group[1..] {
                    canon[r] = first;
                }
            }
        }

        if self.mode == Mode::Near {
            let min_agreeing = min_agreeing(self.threshold / 2.0);
            let pairs = candidate_pairs(
                n,
                self.band_rows,
                min_agreeing,
                |r| (canon[r] == r && sig(r).has_minhash()).then(|| sig(r)),
                &mut stats,
            );
            let mut cands: Vec<usize> = Vec::new();
            for group in pairs.chunk_by(|a, b| a.0 == b.0) {
                let i = group[0].0 as usize;
                cands.clear();
                // Every j < i is final: its canon is a canonical article.
                cands.extend(group.iter().map(|&(_, j)| canon[j as usize]));
                cands.sort_unstable();
                cands.dedup();
                let mut best: Option<(f32, usize)> = None;
                for &c in &cands {
                    let Some(s) = sig(i).similarity(sig(c)) else {
                        continue;
                    };
                    if s >= self.threshold && best.map_or(true, |(bs, _)| s > bs) {
                        best = Some((s, c));
                    }
                }
                if let Some((s, c)) = best {
                    canon[i] = c;
                    similarity[i] = s;
                }
            }
            // Exact copies of an article that joined a cluster follow it (one hop: canon[c] < r
            // is final, and a canonical's canon is itself).
            for r in 0..n {
                let c = canon[r];
                if canon[c] != c {
                    canon[r] = canon[c];
                    similarity[r] = similarity[c];
                }
            }
        }

        let mut out = vec![
            Assignment {
                duplicate_of: None,
                cluster: 0,
                similarity: None,
            };
            n
        ];
        for r in 0..n {
            let c = canon[r];
            let cluster = entries[by_rank[c]].order;
            out[by_rank[r]] = Assignment {
                duplicate_of: (c != r).then_some(cluster),
                cluster,
                similarity: (c != r).then_some(similarity[r]),
            };
        }
        (out, stats)
    }
}

/// Smallest number of agreeing values whose similarity estimate reaches `similarity`.
fn min_agreeing(similarity: f32) -> usize {
    (0..=NUM_HASHES)
        .find(|&k| similarity_of(k) >= similarity)
        .unwrap_or(NUM_HASHES)
}

/// Pairs `(i, j)` of ranks, `j < i`, sorted and without repeats, of articles that share at least one
/// LSH band and have at least `min_agreeing` equal MinHash values. `sig(r)` is `None` for articles
/// that do not take part.
fn candidate_pairs<'a>(
    n: usize,
    rows: usize,
    min_agreeing: usize,
    sig: impl Fn(usize) -> Option<&'a Signature>,
    stats: &mut ClusterStats,
) -> Vec<(u32, u32)> {
    let members: Vec<u32> = (0..n)
        .filter(|&r| sig(r).is_some())
        .filter_map(|r| u32::try_from(r).ok())
        .collect();
    // (band key << 32 | rank): sorting plain u64 groups a bucket, members in rank order.
    let mut keys: Vec<u64> = Vec::with_capacity(members.len());
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut compacted = 0;
    for band in 0..NUM_HASHES / rows {
        keys.clear();
        keys.extend(members.iter().filter_map(|&r| {
            sig(r as usize).map(|s| u64::from(s.band_key(band, rows)) << 32 | u64::from(r))
        }));
        keys.sort_unstable();
        for bucket in keys.chunk_by(|a, b| a >> 32 == b >> 32) {
            for k in 1..bucket.len() {
                let i = bucket[k] as u32;
                let first = &bucket[..k.min(BUCKET_FIRST)];
                let previous = &bucket[k.saturating_sub(BUCKET_PREVIOUS).max(first.len())..k];
                for j in first.iter().chain(previous).map(|&key| key as u32) {
                    stats.band_pairs += 1;
                    let (Some(a), Some(b)) = (sig(i as usize), sig(j as usize)) else {
                        continue;
                    };
                    if a.agreeing(b) >= min_agreeing {
                        pairs.push((i, j));
                    }
                }
            }
        }
        if pairs.len() > 2 * compacted + 1024 {
            pairs.sort_unstable();
            pairs.dedup();
            compacted = pairs.len();
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    stats.kept_pairs = pairs.len();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Signer;

    const A: &str = "Le gouvernement a annoncé jeudi une enveloppe de sept milliards d'euros pour \
        les salaires des soignants, après une nuit de négociations avec les syndicats de la fonction \
        publique hospitalière. Les syndicats jugent la somme insuffisante et réclament trois cents \
        euros pour tous. Le ministre de la Santé a promis de revenir vers eux la semaine prochaine \
        avec de nouveaux arbitrages financiers, après avoir consulté le président de la République.";
    const B: &str = "La sélection nationale a battu l'Allemagne deux buts à zéro mardi soir au \
        Stade de France, grâce à un doublé de son attaquant vedette, devant quatre-vingt mille \
        spectateurs enthousiastes qui ont chanté jusqu'au bout de la nuit. L'entraîneur a salué \
        un match plein, et le capitaine a dédié la victoire aux blessés du groupe.";

    /// A lightly edited copy: headline and chrome lines added, one word changed, sentences swapped.
    fn edited(text: &str) -> String {
        let mut sentences: Vec<&str> = text.split(". ").collect();
        sentences.rotate_left(1);
        format!(
            "EXCLUSIF - Les soignants obtiennent une rallonge\nPublicité\n{}\nPartagez cet article",
            sentences.join(". ").replacen("promis", "assuré", 1)
        )
    }

    fn run(config: &DedupConfig, articles: &[(u64, Option<i32>, &str)]) -> Vec<Assignment> {
        let signer = Signer::new(config).unwrap();
        let mut c = Clusterer::new(config).unwrap();
        for &(order, published, text) in articles {
            c.add(order, published, signer.sign(text));
        }
        assert_eq!(c.len(), articles.len());
        c.finish()
    }

    fn canonical(order: u64) -> Assignment {
        Assignment {
            duplicate_of: None,
            cluster: order,
            similarity: None,
        }
    }

    #[test]
    fn nothing_added_gives_nothing() {
        for mode in [Mode::Off, Mode::Exact, Mode::Near] {
            let c = Clusterer::new(&DedupConfig::with_mode(mode)).unwrap();
            assert!(c.is_empty());
            let (out, stats) = c.finish_with_stats();
            assert!(out.is_empty());
            assert_eq!(stats.kept_pairs, 0);
        }
    }

    #[test]
    fn signing_on_several_threads_gives_the_same_clusters() {
        fn shared<T: Send + Sync + Clone>(_: &T) {}
        let config = DedupConfig::default();
        let signer = Signer::new(&config).unwrap();
        shared(&signer);
        let copy = edited(A);
        let texts: Vec<&str> = [A, B, copy.as_str(), "", A].repeat(40);
        let serial: Vec<_> = texts.iter().map(|t| signer.sign(t)).collect();
        let parallel: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = texts
                .chunks(7)
                .map(|chunk| s.spawn(|| chunk.iter().map(|t| signer.sign(t)).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        assert_eq!(serial, parallel);
        let cluster = |sigs: Vec<Signature>| {
            let mut c = Clusterer::new(&config).unwrap();
            for (i, s) in sigs.into_iter().enumerate() {
                c.add(i as u64, Some((i % 3) as i32), s);
            }
            c.finish()
        };
        let got = cluster(serial);
        assert_eq!(got, cluster(parallel));
        let clusters: std::collections::BTreeSet<u64> = got.iter().map(|a| a.cluster).collect();
        // A (with its copies and edited copies), B, and 40 empty texts that stay alone.
        assert_eq!(clusters.len(), 2 + 40);
    }

    #[test]
    fn index_is_160_bytes_per_article() {
        // Entry owns no heap memory: its size is the per-article cost of the index.
        assert_eq!(std::mem::size_of::<Entry>(), 160);
    }

    #[test]
    fn identical_texts_are_exact_duplicates() {
        let a_again = A.to_uppercase();
        for mode in [Mode::Exact, Mode::Near] {
            let got = run(
                &DedupConfig::with_mode(mode),
                &[(0, None, A), (1, None, B), (2, None, &a_again)],
            );
            let dup = Assignment {
                duplicate_of: Some(0),
                cluster: 0,
                similarity: Some(1.0),
            };
            assert_eq!(got, [canonical(0), canonical(1), dup], "{mode}");
        }
    }

    #[test]
    fn edited_copy_is_a_near_duplicate_only_in_near_mode() {
        let copy = edited(A);
        let articles = [(0, None, A), (1, None, B), (2, None, copy.as_str())];
        let got = run(&DedupConfig::default(), &articles);
        assert_eq!(got[..2], [canonical(0), canonical(1)]);
        assert_eq!(got[2].duplicate_of, Some(0));
        assert_eq!(got[2].cluster, 0);
        let sim = got[2].similarity.unwrap();
        assert!((0.5..1.0).contains(&sim), "{sim}");

        let exact = run(&DedupConfig::with_mode(Mode::Exact), &articles);
        assert_eq!(exact, [canonical(0), canonical(1), canonical(2)]);
        let off = run(
            &DedupConfig::with_mode(Mode::Off),
            &[(0, None, A), (1, None, A)],
        );
        assert_eq!(off, [canonical(0), canonical(1)]);
    }

    #[test]
    fn unrelated_texts_stay_apart_even_with_threshold_zero_point_three() {
        let config = DedupConfig {
            threshold: 0.3,
            ..DedupConfig::default()
        };
        let got = run(&config, &[(0, Some(10), A), (1, Some(10), B)]);
        assert_eq!(got, [canonical(0), canonical(1)]);
    }

    #[test]
    fn canonical_is_earliest_published_then_first_in_input_order() {
        let copy = edited(A);
        // The copy is published first: it is the canonical even though it comes later.
        let got = run(
            &DedupConfig::default(),
            &[(0, Some(100), A), (1, Some(99), &copy), (2, None, A)],
        );
        assert_eq!(got[1], canonical(1));
        assert_eq!(got[0].duplicate_of, Some(1));
        // Unknown dates rank after known ones; the exact copy follows A into the cluster of 1.
        assert_eq!(got[2].duplicate_of, Some(1));
        assert_eq!(got[2].similarity, got[0].similarity);

        // Same day: input order decides, whatever the order of the add calls.
        let got = run(
            &DedupConfig::default(),
            &[(5, Some(7), A), (3, Some(7), A), (4, None, A)],
        );
        assert_eq!(got[1], canonical(3));
        assert_eq!(got[0].duplicate_of, Some(3));
        assert_eq!(got[2].duplicate_of, Some(3));
    }

    #[test]
    fn result_does_not_depend_on_add_order() {
        let copy = edited(A);
        let copy2 = edited(&copy);
        let articles = [
            (0, Some(3), A),
            (1, Some(1), B),
            (2, Some(2), copy.as_str()),
            (3, None, copy2.as_str()),
            (4, Some(2), B),
            (5, Some(1), ""),
            (6, Some(1), ""),
        ];
        let forward = run(&DedupConfig::default(), &articles);
        let mut reversed = articles;
        reversed.reverse();
        let mut backward = run(&DedupConfig::default(), &reversed);
        backward.reverse();
        assert_eq!(forward, backward);
        assert_eq!(forward[0].duplicate_of, Some(2));
        assert_eq!(forward[4].duplicate_of, Some(1));
        // Texts without words are never duplicates.
        assert_eq!(forward[5..], [canonical(5), canonical(6)]);
    }

    #[test]
    fn members_are_compared_with_the_canonical_not_chained() {
        // Each step changes a third of the words: neighbours are similar, the ends are not.
        let words: Vec<String> = (0..60).map(|i| format!("mot{i}")).collect();
        let step = |k: usize| {
            words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i % 6 < 2 * k {
                        format!("x{k}{w}")
                    } else {
                        w.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let texts: Vec<String> = (0..4).map(step).collect();
        let config = DedupConfig {
            shingle_words: 1,
            threshold: 0.4,
            ..DedupConfig::default()
        };
        let articles: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (i as u64, None, t.as_str()))
            .collect();
        let got = run(&config, &articles);
        assert_eq!(got[0], canonical(0));
        assert_eq!(got[1].duplicate_of, Some(0));
        // The last text is far from text 0 even though it is close to text 2.
        assert_eq!(got[3].duplicate_of, None);
    }

    #[test]
    fn large_buckets_stay_linear_and_exact_copies_collapse() {
        let config = DedupConfig::default();
        let signer = Signer::new(&config).unwrap();
        let mut c = Clusterer::new(&config).unwrap();
        for i in 0..3_000u64 {
            let text = if i % 2 == 0 {
                A.to_string()
            } else {
                format!("{A} {i}")
            };
            c.add(i, None, signer.sign(&text));
        }
        let got = c.finish();
        assert!(got[1..].iter().all(|a| a.cluster == 0), "one story");
        assert!(got[1..].iter().all(|a| a.similarity.unwrap() > 0.8));
    }
}
