//! [`Signer`]: text → [`Signature`] (exact hash + MinHash over word shingles).

use crate::config::{DedupConfig, Mode, MAX_SHINGLE_WORDS};
use crate::error::Error;
use crate::words::{for_each_word, mix64};

/// Number of MinHash values in a [`Signature`].
pub const NUM_HASHES: usize = 64;

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
/// of words, and [`NUM_HASHES`] MinHash values over the set of word shingles, each kept as 16 bits
/// ("b-bit MinHash": two different minima agree by chance once in 65,536, which adds at most 0.0015
/// to a similarity estimate). The whole signature is **144 bytes, inline, with no heap allocation**,
/// so a corpus of 10 million articles needs 1.4 GB of signatures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    exact: u64,
    words: u32,
    kind: Kind,
    mins: [u16; NUM_HASHES],
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
    /// values that agree (standard error `sqrt(J(1-J)/64)`, about 0.06 at J = 0.5). `1.0` for exact
    /// duplicates; `None` when either signature has no MinHash values (an empty text, or signed with
    /// [`Mode::Exact`] or [`Mode::Off`]).
    pub fn similarity(&self, other: &Signature) -> Option<f32> {
        if self.is_exact_duplicate(other) {
            return Some(1.0);
        }
        (self.kind == Kind::Near && other.kind == Kind::Near)
            .then(|| agreeing(&self.mins, &other.mins) as f32 / NUM_HASHES as f32)
    }

    pub(crate) fn exact_key(&self) -> Option<(u64, u32)> {
        (self.kind != Kind::Empty).then_some((self.exact, self.words))
    }

    pub(crate) fn has_minhash(&self) -> bool {
        self.kind == Kind::Near
    }

    /// The values of band `band` of `rows` values, packed into one key.
    pub(crate) fn band_key(&self, band: usize, rows: usize) -> u64 {
        let values = &self.mins[band * rows..(band + 1) * rows];
        if rows <= 4 {
            values
                .iter()
                .fold(0u64, |acc, &v| (acc << 16) | u64::from(v))
        } else {
            values
                .iter()
                .fold(band as u64, |acc, &v| mix64(acc ^ u64::from(v)))
        }
    }
}

fn agreeing(a: &[u16; NUM_HASHES], b: &[u16; NUM_HASHES]) -> usize {
    a.iter().zip(b).filter(|(x, y)| x == y).count()
}

/// Turns texts into [`Signature`]s. Pure and cheap to share: sign articles in parallel, then feed the
/// signatures to a [`Clusterer`](crate::Clusterer) in input order.
///
/// Signing reads the text once: words are lowercased alphanumeric runs, shingles are
/// `shingle_words` consecutive words (a text shorter than one shingle gives one shingle of all its
/// words), and each of the 64 MinHash functions is `x·aᵢ + bᵢ mod 2⁶⁴` over a 64-bit shingle hash,
/// with fixed constants, so signatures are the same on every machine and in every run.
#[derive(Debug, Clone)]
pub struct Signer {
    mode: Mode,
    shingle_words: usize,
    mul: [u64; NUM_HASHES],
    add: [u64; NUM_HASHES],
}

impl Signer {
    /// A signer for these settings, or the error of [`DedupConfig::validate`].
    pub fn new(config: &DedupConfig) -> Result<Signer, Error> {
        config.validate()?;
        let mut state = 0x746f_6f6c_6b69_7400_u64; // fixed seed: "toolkit\0"
        let mut next = || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            mix64(state)
        };
        let mut mul = [0u64; NUM_HASHES];
        let mut add = [0u64; NUM_HASHES];
        for (m, a) in mul.iter_mut().zip(add.iter_mut()) {
            *m = next() | 1;
            *a = next();
        }
        Ok(Signer {
            mode: config.mode,
            shingle_words: config.shingle_words,
            mul,
            add,
        })
    }

    /// The signature of `text` (the clean article text). Never fails, never panics, linear in the
    /// length of the text.
    pub fn sign(&self, text: &str) -> Signature {
        let near = self.mode == Mode::Near;
        let w = self.shingle_words;
        let mut ring = [0u64; MAX_SHINGLE_WORDS];
        let mut mins = [u64::MAX; NUM_HASHES];
        let mut exact = 0x6465_6475_7021_u64;
        let mut n: usize = 0;
        for_each_word(text, |h| {
            exact = mix64(exact ^ h);
            ring[n % w] = h;
            n += 1;
            if near && n >= w {
                self.update(&mut mins, shingle_hash(&ring, n, w, w));
            }
        });
        if near && n > 0 && n < w {
            self.update(&mut mins, shingle_hash(&ring, n, n, w));
        }
        let kind = match (n, near) {
            (0, _) => Kind::Empty,
            (_, true) => Kind::Near,
            (_, false) => Kind::Exact,
        };
        let mut packed = [0u16; NUM_HASHES];
        if kind == Kind::Near {
            for (p, m) in packed.iter_mut().zip(mins) {
                // Keep 16 well-mixed bits of the minimum (its top bits are mostly zeros).
                *p = (m.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 48) as u16;
            }
        }
        Signature {
            exact: if n == 0 { 0 } else { exact },
            words: u32::try_from(n).unwrap_or(u32::MAX),
            kind,
            mins: packed,
        }
    }

    #[inline]
    fn update(&self, mins: &mut [u64; NUM_HASHES], x: u64) {
        for ((m, a), b) in mins.iter_mut().zip(&self.mul).zip(&self.add) {
            let v = x.wrapping_mul(*a).wrapping_add(*b);
            if v < *m {
                *m = v;
            }
        }
    }
}

/// Hash of the last `len` words seen (`n` so far), read from the ring of the last `w` words.
#[inline]
fn shingle_hash(ring: &[u64; MAX_SHINGLE_WORDS], n: usize, len: usize, w: usize) -> u64 {
    let mut h = len as u64;
    for pos in n - len..n {
        h = mix64(h.rotate_left(21) ^ ring[pos % w]);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Le gouvernement a annoncé jeudi une enveloppe de sept milliards d'euros pour \
        les salaires des soignants, après une nuit de négociations avec les syndicats de la fonction \
        publique hospitalière. Les syndicats jugent la somme insuffisante et réclament trois cents \
        euros pour tous. Le ministre de la Santé a promis de revenir vers eux la semaine prochaine \
        avec de nouveaux arbitrages financiers, après avoir consulté le président de la République.";

    fn signer(mode: Mode) -> Signer {
        Signer::new(&DedupConfig::with_mode(mode)).unwrap()
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
        let edited = STORY.replace("jeudi", "mardi").replace("syndicats", "unions");
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
}
