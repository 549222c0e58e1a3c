//! Repeated paragraphs: exact repeats (up to whitespace and punctuation) and paragraphs that
//! are a concatenation of earlier ones (a body repeated as one long paragraph).

use std::collections::HashMap;

use xxhash_rust::xxh3::xxh3_64;

use crate::text::repeat_key;

/// Window (in characters of the repeat key) used to find where an earlier paragraph starts
/// inside a later one.
const WINDOW: usize = 12;
/// A paragraph whose repeat key is shorter than this is never removed as an exact repeat
/// (`Non.` may legitimately occur twice).
const MIN_EXACT: usize = 12;
/// Share of a paragraph's letters and digits that earlier paragraphs must cover.
const MIN_COVER: f64 = 0.9;
/// At most this many earlier paragraphs are tried at one position.
const MAX_TRIES: usize = 8;

/// Why a paragraph is a repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Same letters and digits as an earlier paragraph.
    Exact,
    /// Mostly made of earlier paragraphs, one after the other.
    Concat,
}

/// Detects repeats in a sequence of paragraphs fed in order. Only paragraphs that were kept are
/// remembered as sources.
#[derive(Debug, Default)]
pub(crate) struct RepeatDetector {
    keys: String,
    /// byte range in `keys` and char length of each kept paragraph's key
    kept: Vec<(usize, usize, usize)>,
    exact: HashMap<u64, ()>,
    starts: HashMap<u64, Vec<usize>>,
    key: String,
    bounds: Vec<usize>,
}

impl RepeatDetector {
    /// Checks `para` against the paragraphs kept so far; if it is not a repeat, remembers it.
    pub(crate) fn check(&mut self, para: &str) -> Option<Repeat> {
        repeat_key(para, &mut self.key);
        if self.key.is_empty() {
            return None;
        }
        let h = xxh3_64(self.key.as_bytes());
        self.bounds.clear();
        self.bounds.extend(self.key.char_indices().map(|(i, _)| i));
        self.bounds.push(self.key.len());
        let nchars = self.bounds.len() - 1;
        if self.exact.contains_key(&h) {
            if nchars >= MIN_EXACT {
                return Some(Repeat::Exact);
            }
        } else if nchars >= WINDOW && !self.starts.is_empty() && self.covered(nchars) {
            return Some(Repeat::Concat);
        }
        // Remember it.
        let start = self.keys.len();
        self.keys.push_str(&self.key);
        let idx = self.kept.len();
        self.kept.push((start, self.keys.len(), nchars));
        self.exact.insert(h, ());
        if nchars >= WINDOW {
            let w = xxh3_64(&self.key.as_bytes()[..self.bounds[WINDOW]]);
            self.starts.entry(w).or_default().push(idx);
        }
        None
    }

    /// Greedy cover of the current key by earlier kept keys.
    fn covered(&self, nchars: usize) -> bool {
        let key = self.key.as_bytes();
        let need = (nchars as f64 * MIN_COVER).ceil() as usize;
        let mut covered = 0;
        let mut p = 0;
        while p + WINDOW <= nchars {
            // Give up early when the rest cannot reach the threshold.
            if covered + (nchars - p) < need {
                return false;
            }
            let w = xxh3_64(&key[self.bounds[p]..self.bounds[p + WINDOW]]);
            let mut best = 0;
            if let Some(cands) = self.starts.get(&w) {
                for &j in cands.iter().take(MAX_TRIES) {
                    let (s, e, n) = self.kept[j];
                    if n > best && key[self.bounds[p]..].starts_with(&self.keys.as_bytes()[s..e]) {
                        best = n;
                    }
                }
            }
            if best > 0 {
                covered += best;
                p += best;
            } else {
                p += 1;
            }
        }
        covered >= need
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_near_repeats() {
        let mut d = RepeatDetector::default();
        assert_eq!(d.check("Le gouvernement a démissionné jeudi."), None);
        assert_eq!(
            d.check("Le  gouvernement a démissionné, jeudi"),
            Some(Repeat::Exact)
        );
        assert_eq!(d.check("Non."), None);
        assert_eq!(d.check("Non."), None, "short repeats stay");
    }

    #[test]
    fn concatenation_of_earlier_paragraphs() {
        let mut d = RepeatDetector::default();
        let paras = [
            "Premier paragraphe assez long pour compter.",
            "Intertitre",
            "Deuxième paragraphe, lui aussi assez long.",
            "Troisième paragraphe qui termine l'article.",
        ];
        for p in paras {
            assert_eq!(d.check(p), None);
        }
        let all = format!("{} {} {}", paras[0], paras[2], paras[3]);
        assert_eq!(d.check(&all), Some(Repeat::Concat));
        assert_eq!(
            d.check("Un paragraphe neuf qui cite le Premier paragraphe assez long pour compter."),
            None
        );
    }
}
