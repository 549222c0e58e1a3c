//! [`Signer`]: text → [`Signature`] (exact hash + MinHash over word shingles).

use crate::config::{DedupConfig, Mode, MAX_SHINGLE_WORDS};
use crate::error::Error;
use crate::words::{for_each_word, mix64, Words};

/// Number of MinHash values in a [`Signature`].
pub const NUM_HASHES: usize = 128;

/// What a signature holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// The text has no word: it is never anyone's duplicate.
    Empty,
    /// Only the exact hash (signed in [`Mode::Exact`] or [`Mode::Off`]).
    Exact,
    /// The exact hash and the MinHash values.
    Near,
}

/// A fixed-size summary of one text, made by [`Signer::sign`].
///
/// It holds a 64-bit hash of the text's lowercased word sequence (for exact duplicates), the number
/// of words, and [`NUM_HASHES`] (128) MinHash values over the set of word shingles, each kept as 8
/// bits ("b-bit MinHash", Li and König 2010: two different minima agree by chance once in 256, which
/// [`similarity`](Signature::similarity) corrects for; for the same memory, 128 values of 8 bits
/// estimate a similarity more precisely than 64 of 16 bits). The whole signature is **144 bytes,
/// inline, with no heap allocation**, so a corpus of 10 million articles needs 1.4 GB of signatures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    exact: u64,
    words: u32,
    kind: Kind,
    mins: [u8; NUM_HASHES],
}

impl Signature {
    /// True when the text had no word (empty, whitespace, punctuation only). Such texts are never
    /// marked duplicates.
    pub fn is_empty(&self) -> bool {
        self.kind == Kind::Empty
    }

    /// Number of words in the signed text.
    pub fn words(&self) -> u32 {
        self.words
    }

    /// True when both texts have the same words in the same order (ignoring case, whitespace and
    /// punctuation), as far as a 64-bit hash can tell. Empty texts are never exact duplicates.
    pub fn is_exact_duplicate(&self, other: &Signature) -> bool {
        self.kind != Kind::Empty
            && other.kind != Kind::Empty
            && self.exact == other.exact
            && self.words == other.words
    }

    /// Estimated Jaccard similarity of the two shingle sets, in `0.0..=1.0`: the share of MinHash
    /// values that agree, corrected for chance agreements of 8-bit values (standard error about
    /// `sqrt(J(1-J)/128)`, 0.045 at J = 0.5). `1.0` for exact duplicates; `None` when either
    /// signature has no MinHash values (an empty text, or signed with [`Mode::Exact`] or
    /// [`Mode::Off`]).
    pub fn similarity(&self, other: &Signature) -> Option<f32> {
        if self.is_exact_duplicate(other) {
            return Some(1.0);
        }
        (self.kind == Kind::Near && other.kind == Kind::Near)
            .then(|| similarity_of(agreeing(&self.mins, &other.mins)))
    }

    pub(crate) fn exact_key(&self) -> Option<(u64, u32)> {
        (self.kind != Kind::Empty).then_some((self.exact, self.words))
    }

    pub(crate) fn has_minhash(&self) -> bool {
        self.kind == Kind::Near
    }

    /// The values of band `band` of `rows` values as one 32-bit key: packed up to 4 values, hashed
    /// beyond (a chance collision only costs one extra comparison).
    pub(crate) fn band_key(&self, band: usize, rows: usize) -> u32 {
        let values = self
            .mins
            .get(band * rows..(band + 1) * rows)
            .unwrap_or_default();
        if rows <= 4 {
            values
                .iter()
                .fold(0u32, |acc, &v| (acc << 8) | u32::from(v))
        } else {
            let h = values
                .iter()
                .fold(0u64, |acc, &v| mix64(acc ^ u64::from(v)));
            (h >> 32) as u32
        }
    }

    /// Number of MinHash values that agree (both signatures must have them).
    pub(crate) fn agreeing(&self, other: &Signature) -> usize {
        agreeing(&self.mins, &other.mins)
    }
}

fn agreeing(a: &[u8; NUM_HASHES], b: &[u8; NUM_HASHES]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// Jaccard estimate from the number of agreeing 8-bit values: `P(agree) = J + (1 - J) / 256`.
pub(crate) fn similarity_of(agreeing: usize) -> f32 {
    let share = agreeing as f32 / NUM_HASHES as f32;
    ((share - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).clamp(0.0, 1.0)
}

/// Turns texts into [`Signature`]s. Pure and cheap to share: sign articles in parallel, then feed the
/// signatures to a [`Clusterer`](crate::Clusterer) in input order.
///
/// Signing reads the text once. Words are lowercased alphanumeric runs; shingles are
/// `shingle_words` consecutive words (a text shorter than one shingle gives one shingle of all its
/// words), each hashed to 64 bits. The MinHash values come from *one-permutation hashing with
/// optimal densification* (Shrivastava, ICML 2017): the top 7 bits of a shingle hash pick one of
/// the 128 bins, the bin keeps its smallest hash, and an empty bin (a text with few shingles) borrows
/// the value of the bin found by a fixed probe sequence. Each shingle costs one hash and one
/// comparison instead of 128, and two texts agree in a bin with probability equal to the Jaccard
/// similarity of their shingle sets, as with 128 independent permutations. Every constant is fixed,
/// so signatures are the same on every machine and in every run.
#[derive(Debug, Clone)]
pub struct Signer {
    mode: Mode,
    shingle_words: usize,
}

const BIN_BITS: u32 = NUM_HASHES.trailing_zeros();
// `Signer::sign` indexes its ring of word hashes modulo `MAX_SHINGLE_WORDS`.
const _: () = assert!(MAX_SHINGLE_WORDS.is_power_of_two());
const _: () = assert!(1 << BIN_BITS == NUM_HASHES);
// `densify` keeps one bit per bin in 64-bit masks (`chunks_exact(64)` would drop a remainder) and
// tells full bins by bit 0, clear in a hash shifted left by `BIN_BITS`.
const _: () = assert!(NUM_HASHES % 64 == 0 && BIN_BITS > 0);

impl Signer {
    /// A signer for these settings, or the error of [`DedupConfig::validate`].
    pub fn new(config: &DedupConfig) -> Result<Signer, Error> {
        config.validate()?;
        Ok(Signer {
            mode: config.mode,
            shingle_words: config.shingle_words,
        })
    }

    /// The signature of `text` (the clean article text). Never fails, never panics, linear in the
    /// length of the text.
    pub fn sign(&self, text: &str) -> Signature {
        let near = self.mode == Mode::Near;
        let w = self.shingle_words;
        let mut bins = [u64::MAX; NUM_HASHES];
        let mut exact = 0x6465_6475_7021_u64;
        let mut n: usize = 0;
        let add = |bins: &mut [u64; NUM_HASHES], x: u64| {
            let bin = (x >> (64 - BIN_BITS)) as usize;
            let value = x << BIN_BITS;
            if value < bins[bin] {
                bins[bin] = value;
            }
        };
        if !near {
            for_each_word(text, |h| {
                exact = mix64(exact ^ h);
                n += 1;
            });
        } else if w == 2 {
            // The default: the shingle of the words before and `h` is `prev ^ h` rotated by its
            // position (see `shingle_hash`), with no ring to keep.
            // The first word is taken on its own, so that the loop has no test for it.
            let mut words = Words::new(text);
            if let Some(first) = words.next() {
                exact = mix64(exact ^ first);
                n = 1;
                let mut prev = first;
                for h in words {
                    exact = mix64(exact ^ h);
                    add(&mut bins, mix64(2 ^ prev ^ h.rotate_left(ROTATIONS[1])));
                    prev = h;
                    n += 1;
                }
                if n == 1 {
                    // `prev` is the first word: `first` is not kept alive through the loop.
                    add(&mut bins, shingle_hash(&[prev]));
                }
            }
        } else {
            // The last word hashes, word `i` (from 0) in `ring[i % MAX_SHINGLE_WORDS]`: when word
            // `n` joins the shingle, word `n - w` leaves it, read from `(n - w) % MAX_SHINGLE_WORDS`
            // (a power of two, so wrapping below zero lands on a slot not written yet, which holds
            // zero). Until `w` words have been seen, they are `ring[..n]`.
            let mut ring = [0u64; MAX_SHINGLE_WORDS];
            // The xor of the shingle's words, each rotated by its position in it (see
            // `shingle_hash`), updated per word: xoring out the leaving word (position 0, not
            // rotated) and rotating right by `ROTATION_STEP` moves every other word down one
            // position, then the new word comes in at position `w - 1`.
            let mut rotated = 0u64;
            let newest_rotation = ROTATIONS[w - 1];
            for_each_word(text, |h| {
                exact = mix64(exact ^ h);
                let oldest = ring[n.wrapping_sub(w) % MAX_SHINGLE_WORDS];
                rotated =
                    (rotated ^ oldest).rotate_right(ROTATION_STEP) ^ h.rotate_left(newest_rotation);
                ring[n % MAX_SHINGLE_WORDS] = h;
                n += 1;
                if n >= w {
                    add(&mut bins, mix64(w as u64 ^ rotated));
                }
            });
            if n > 0 && n < w {
                add(&mut bins, shingle_hash(&ring[..n]));
            }
        }
        finish(&mut bins, exact, n, near)
    }
}

/// The signature of a text of `n` words, from its exact hash and (near mode) its shingles' bins.
fn finish(bins: &mut [u64; NUM_HASHES], exact: u64, n: usize, near: bool) -> Signature {
    let kind = match (n, near) {
        (0, _) => Kind::Empty,
        (_, true) => Kind::Near,
        (_, false) => Kind::Exact,
    };
    let mut mins = [0u8; NUM_HASHES];
    if kind == Kind::Near {
        densify(bins);
        for (m, &b) in mins.iter_mut().zip(bins.iter()) {
            // Keep 8 well-mixed bits of the minimum (its top bits are mostly zeros).
            *m = (mix64(b) >> 56) as u8;
        }
    }
    Signature {
        exact: if n == 0 { 0 } else { exact },
        words: u32::try_from(n).unwrap_or(u32::MAX),
        kind,
        mins,
    }
}

/// The bins that empty bin `i` borrows from, in order, 1,024 attempts: the top bits of a 64-bit LCG
/// seeded by a hash of `i` (the top bits of an LCG are well distributed; one multiplication per
/// attempt).
#[inline(always)]
fn probes(i: usize) -> impl Iterator<Item = usize> {
    let mut state = mix64(i as u64 ^ 0x6465_6e73_6966_7921);
    (0..1024).map(move |_| {
        state = state
            .wrapping_mul(0x5851_f42d_4c95_7f2d)
            .wrapping_add(0x1405_7b7e_f767_814f);
        (state >> (64 - BIN_BITS)) as usize
    })
}

/// Fills every empty bin (`u64::MAX`) with the value of the first non-empty bin of its probe
/// sequence, which depends only on the bin and the attempt, so that two texts with the same empty
/// bins borrow from the same places. At least one bin must be full.
fn densify(bins: &mut [u64; NUM_HASHES]) {
    // A full bin holds a shingle hash shifted left by `BIN_BITS` (bit 0 clear), an empty one
    // `u64::MAX` (bit 0 set): the empty bins as two 64-bit masks, built without a branch, which
    // tell the probes which bins are full (only empty bins are written) and give the empty bins
    // one at a time.
    let mut empty = [0u64; NUM_HASHES / 64];
    for (mask, half) in empty.iter_mut().zip(bins.chunks_exact(64)) {
        for (k, &b) in half.iter().enumerate() {
            *mask |= (b & 1) << k;
        }
    }
    if empty == [0; NUM_HASHES / 64] || empty == [u64::MAX; NUM_HASHES / 64] {
        return;
    }
    let is_full = |j: usize| empty[j / 64] >> (j % 64) & 1 == 0;
    for (half, &mask) in empty.iter().enumerate() {
        let mut mask = mask;
        while mask != 0 {
            let i = half * 64 + mask.trailing_zeros() as usize;
            mask &= mask - 1;
            let found = probes(i).find(|&j| is_full(j)).map(|j| bins[j]);
            // Rarely reached (1024 misses); a fixed scan keeps it deterministic and total.
            let found = found.or_else(|| {
                (1..NUM_HASHES)
                    .map(|d| (i + d) % NUM_HASHES)
                    .find(|&j| is_full(j))
                    .map(|j| bins[j])
            });
            bins[i] = found.unwrap_or(u64::MAX);
        }
    }
}

/// Each word of a shingle is rotated left by this many bits more than the one before it.
const ROTATION_STEP: u32 = 23;

/// Rotation of the `k`-th word of a shingle: `23 k mod 64`.
const ROTATIONS: [u32; MAX_SHINGLE_WORDS] = {
    let mut r = [0u32; MAX_SHINGLE_WORDS];
    let mut k = 0;
    while k < MAX_SHINGLE_WORDS {
        r[k] = (k as u32 * ROTATION_STEP) % 64;
        k += 1;
    }
    r
};

/// Hash of a shingle, its word hashes oldest first: each rotated by its position in the shingle,
/// xored with the others and the length, then mixed once. [`Signer::sign`] keeps the xor of the
/// rotated words up to date as the shingle slides instead of calling this for every word.
#[inline]
fn shingle_hash(words: &[u64]) -> u64 {
    let mut h = words.len() as u64;
    for (word, &rot) in words.iter().zip(&ROTATIONS) {
        h ^= word.rotate_left(rot);
    }
    mix64(h)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    const STORY: &str = "Le gouvernement a annoncé jeudi une enveloppe de sept milliards d'euros pour \
        les salaires des soignants, après une nuit de négociations avec les syndicats de la fonction \
        publique hospitalière. Les syndicats jugent la somme insuffisante et réclament trois cents \
        euros pour tous. Le ministre de la Santé a promis de revenir vers eux la semaine prochaine \
        avec de nouveaux arbitrages financiers, après avoir consulté le président de la République.";

    fn signer(mode: Mode) -> Signer {
        Signer::new(&DedupConfig::with_mode(mode)).unwrap()
    }

    /// The first implementation of [`Signer::sign`]'s word loop: a ring of the last `w` word hashes
    /// indexed modulo `w`, shingles hashed from it.
    fn sign_reference(s: &Signer, text: &str) -> Signature {
        fn ring_hash(ring: &[u64; MAX_SHINGLE_WORDS], n: usize, len: usize, w: usize) -> u64 {
            let mut h = len as u64;
            for (k, pos) in (n - len..n).enumerate() {
                h ^= ring[pos % w].rotate_left((k as u32 * 23) % 64);
            }
            mix64(h)
        }
        let near = s.mode == Mode::Near;
        let w = s.shingle_words;
        let mut ring = [0u64; MAX_SHINGLE_WORDS];
        let mut bins = [u64::MAX; NUM_HASHES];
        let mut exact = 0x6465_6475_7021_u64;
        let mut n: usize = 0;
        let add = |bins: &mut [u64; NUM_HASHES], x: u64| {
            let bin = (x >> (64 - BIN_BITS)) as usize;
            bins[bin] = bins[bin].min(x << BIN_BITS);
        };
        for_each_word(text, |h| {
            exact = mix64(exact ^ h);
            ring[n % w] = h;
            n += 1;
            if near && n >= w {
                add(&mut bins, ring_hash(&ring, n, w, w));
            }
        });
        if near && n > 0 && n < w {
            add(&mut bins, ring_hash(&ring, n, n, w));
        }
        finish(&mut bins, exact, n, near)
    }

    #[test]
    fn every_shingle_length_agrees_with_the_ring_implementation() {
        let words: Vec<&str> = STORY.split(' ').collect();
        for w in 1..=MAX_SHINGLE_WORDS {
            for mode in [Mode::Exact, Mode::Near] {
                let s = Signer::new(&DedupConfig {
                    shingle_words: w,
                    ..DedupConfig::with_mode(mode)
                })
                .unwrap();
                for len in [0, 1, 2, w - 1, w, w + 1, 2 * w + 3, words.len()] {
                    let text = words[..len.min(words.len())].join(" ");
                    assert_eq!(
                        s.sign(&text),
                        sign_reference(&s, &text),
                        "w {w}, {len} words"
                    );
                }
            }
        }
    }

    /// The first implementation of [`densify`]: a copy of the bins, a test of every bin (the same
    /// probe sequence, [`probes`]: the test is of the masks that tell full bins from empty ones).
    fn densify_reference(bins: &mut [u64; NUM_HASHES]) {
        let full = *bins;
        if full.iter().all(|&b| b == u64::MAX) {
            return;
        }
        for (i, bin) in bins.iter_mut().enumerate() {
            if *bin != u64::MAX {
                continue;
            }
            let found = probes(i).map(|j| full[j]).find(|&v| v != u64::MAX);
            let found = found.or_else(|| {
                (1..NUM_HASHES)
                    .map(|d| full[(i + d) % NUM_HASHES])
                    .find(|&v| v != u64::MAX)
            });
            *bin = found.unwrap_or(u64::MAX);
        }
    }

    /// Bins as `sign` leaves them: a value shifted left by `BIN_BITS`, or `u64::MAX` for an empty
    /// bin (`None`).
    fn bins_of(values: &[Option<u64>]) -> [u64; NUM_HASHES] {
        let mut bins = [u64::MAX; NUM_HASHES];
        for (bin, v) in bins.iter_mut().zip(values) {
            if let Some(v) = v {
                *bin = v << BIN_BITS;
            }
        }
        bins
    }

    #[test]
    fn densify_agrees_with_the_reference_on_edge_cases() {
        let mut cases = vec![vec![None; NUM_HASHES], vec![Some(7); NUM_HASHES]];
        for k in [0, 1, 63, 64, 65, 127] {
            let mut one_full = vec![None; NUM_HASHES];
            one_full[k] = Some(k as u64 + 1);
            let mut one_empty: Vec<Option<u64>> = (0..NUM_HASHES as u64).map(Some).collect();
            one_empty[k] = None;
            cases.extend([one_full, one_empty]);
        }
        for values in cases {
            let (mut got, mut want) = (bins_of(&values), bins_of(&values));
            densify(&mut got);
            densify_reference(&mut want);
            assert_eq!(got, want, "{values:?}");
        }
    }

    proptest::proptest! {
        /// [`densify`] (masks of the empty bins) fills the bins like the reference, from texts
        /// with every bin full to texts with a single full bin.
        #[test]
        fn densify_agrees_with_the_reference(values in (0.0..=1.0f64).prop_flat_map(|p| {
            proptest::collection::vec(proptest::option::weighted(p, proptest::num::u64::ANY), NUM_HASHES)
        })) {
            let (mut got, mut want) = (bins_of(&values), bins_of(&values));
            densify(&mut got);
            densify_reference(&mut want);
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn signature_is_small_and_inline() {
        // No field owns heap memory (no Vec, Box or String): the size is the whole footprint.
        assert_eq!(std::mem::size_of::<Signature>(), 144);
        assert!(std::mem::size_of::<Signature>() <= 200);
    }

    #[test]
    fn identical_up_to_case_spacing_and_punctuation_are_exact_duplicates() {
        let s = signer(Mode::Near);
        let a = s.sign(STORY);
        let b = s.sign(&STORY.to_uppercase().replace(' ', "  \n").replace('.', " !"));
        assert!(a.is_exact_duplicate(&b));
        assert_eq!(a.similarity(&b), Some(1.0));
        let c = s.sign(&STORY.replace("jeudi", "vendredi"));
        assert!(!a.is_exact_duplicate(&c));
        let sim = a.similarity(&c).unwrap();
        assert!(sim > 0.8 && sim < 1.0, "{sim}");
    }

    #[test]
    fn unrelated_texts_are_not_similar() {
        let s = signer(Mode::Near);
        let other = "La sélection nationale a battu l'Allemagne deux buts à zéro mardi soir au \
            Stade de France, grâce à un doublé de son attaquant vedette, devant quatre-vingt mille \
            spectateurs enthousiastes qui ont chanté jusqu'au bout de la nuit.";
        let sim = s.sign(STORY).similarity(&s.sign(other)).unwrap();
        assert!(sim < 0.1, "{sim}");
    }

    #[test]
    fn signing_is_deterministic_across_signers() {
        let a = signer(Mode::Near).sign(STORY);
        let b = signer(Mode::Near).clone().sign(STORY);
        assert_eq!(a, b);
        assert_eq!(a.words(), 70);
    }

    #[test]
    fn empty_and_short_texts() {
        let s = signer(Mode::Near);
        for text in ["", "   ", "« — » …", "\u{feff}\u{0}"] {
            let sig = s.sign(text);
            assert!(sig.is_empty(), "{text:?}");
            assert!(!sig.is_exact_duplicate(&sig));
            assert_eq!(sig.similarity(&sig), None);
        }
        // Shorter than one shingle: one shingle of all the words.
        let a = s.sign("Publicité");
        assert!(!a.is_empty());
        assert_eq!(a.similarity(&s.sign("PUBLICITÉ !")), Some(1.0));
        let b = s.sign("Lire aussi");
        assert!(b.similarity(&a).unwrap() < 0.1);
    }

    #[test]
    fn exact_mode_has_no_minhash() {
        let s = signer(Mode::Exact);
        let a = s.sign(STORY);
        assert!(a.is_exact_duplicate(&s.sign(&STORY.to_lowercase())));
        assert_eq!(a.similarity(&s.sign("autre chose")), None);
        assert_eq!(a.exact_key(), signer(Mode::Near).sign(STORY).exact_key());
    }

    #[test]
    fn longer_shingles_are_stricter() {
        let edited = STORY
            .replace("jeudi", "mardi")
            .replace("syndicats", "unions");
        let sim = |w| {
            let s = Signer::new(&DedupConfig {
                shingle_words: w,
                ..DedupConfig::default()
            })
            .unwrap();
            s.sign(STORY).similarity(&s.sign(&edited)).unwrap()
        };
        assert!(sim(1) > sim(5), "{} {}", sim(1), sim(5));
    }

    proptest::proptest! {
        #[test]
        fn any_text_signs_without_panic(text in "\\PC{0,200}", other in "(\\w{1,8}[ .,'\n]){0,40}") {
            let s = signer(Mode::Near);
            let (a, b) = (s.sign(&text), s.sign(&other));
            proptest::prop_assert_eq!(&a, &s.sign(&text));
            let ab = a.similarity(&b);
            proptest::prop_assert_eq!(ab, b.similarity(&a));
            if let Some(x) = ab {
                proptest::prop_assert!((0.0..=1.0).contains(&x));
            }
            proptest::prop_assert_eq!(a.similarity(&a), (!a.is_empty()).then_some(1.0));
        }
    }
}
