//! Repeated paragraphs: exact repeats (up to whitespace and punctuation) and paragraphs that
//! are a concatenation of earlier ones (a body repeated as one long paragraph).

use xxhash_rust::xxh3::xxh3_64;

use crate::hash::{FxHashMap, FxHashSet};
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
/// End of a chain of kept paragraphs.
const NONE: u32 = u32::MAX;

/// Why a paragraph is a repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Same letters and digits as an earlier paragraph.
    Exact,
    /// Mostly made of earlier paragraphs, one after the other.
    Concat,
}

/// A kept paragraph: the byte range of its key in `keys`, the key's length in chars, and the
/// next kept paragraph whose key starts with the same window.
#[derive(Clone, Copy, Debug)]
struct Kept {
    start: usize,
    end: usize,
    chars: usize,
    next: u32,
}

/// Detects repeats in a sequence of paragraphs fed in order. Only paragraphs that were kept are
/// remembered as sources. [`clear`](Self::clear) it to reuse its buffers for another document.
#[derive(Debug, Default)]
pub(crate) struct RepeatDetector {
    keys: Vec<u8>,
    kept: Vec<Kept>,
    exact: FxHashSet<u64>,
    /// Window hash -> (first, last) kept paragraph starting with it, chained by `Kept::next`.
    starts: FxHashMap<u64, (u32, u32)>,
    /// Bit set of the first two bytes of every key in `starts` (65,536 bits once used): most
    /// positions of a paragraph start no earlier paragraph, and are skipped without hashing.
    firsts: Vec<u64>,
    /// Scratch buffer of [`repeat_key`]: the current key is `key[..key_len]`.
    key: Vec<u8>,
    key_len: usize,
}

/// Byte offset after `n` chars of `key` from byte `at` (or the end of `key`).
fn advance(key: &[u8], mut at: usize, mut n: usize) -> usize {
    // Eight ASCII bytes at a time while at least eight chars are to be skipped.
    while n >= 8 {
        match key.get(at..at + 8) {
            Some(w) if w.is_ascii() => {
                at += 8;
                n -= 8;
            }
            _ => break,
        }
    }
    for _ in 0..n {
        at += 1;
        while at < key.len() && (key[at] as i8) < -0x40 {
            at += 1;
        }
    }
    at.min(key.len())
}

/// Index in the `firsts` bit set of a key starting at `at` (which has at least two bytes).
fn first_two(key: &[u8], at: usize) -> usize {
    usize::from(key[at]) << 8 | usize::from(key[at + 1])
}

/// Hash of a window of a repeat key.
fn window_hash(w: &[u8]) -> u64 {
    xxh3_64(w)
}

impl RepeatDetector {
    /// Forgets every paragraph, keeps the allocations.
    pub(crate) fn clear(&mut self) {
        if !self.starts.is_empty() {
            // Only the words of the bit set that the window starts went to (a few per
            // document), not all 1,024.
            for k in &self.kept {
                if k.chars >= WINDOW {
                    self.firsts[first_two(&self.keys, k.start) >> 6] = 0;
                }
            }
        }
        self.keys.clear();
        self.kept.clear();
        self.exact.clear();
        self.starts.clear();
    }

    /// True if the buffers grew large (a huge document): better dropped than kept.
    pub(crate) fn heavy(&self) -> bool {
        self.keys.capacity() > 1 << 22
            || self.kept.capacity() > 1 << 16
            || self.key.capacity() > 1 << 22
    }

    /// Checks `para` against the paragraphs kept so far; if it is not a repeat, remembers it.
    pub(crate) fn check(&mut self, para: &str) -> Option<Repeat> {
        let (key_len, nchars) = repeat_key(para, &mut self.key);
        self.key_len = key_len;
        let key = &self.key[..key_len];
        if key.is_empty() {
            return None;
        }
        let h = xxh3_64(key);
        if self.exact.contains(&h) {
            if nchars >= MIN_EXACT {
                return Some(Repeat::Exact);
            }
        } else if nchars >= WINDOW && !self.starts.is_empty() && self.covered(nchars) {
            return Some(Repeat::Concat);
        }
        // Remember it.
        let start = self.keys.len();
        self.keys.extend_from_slice(key);
        let idx = self.kept.len() as u32;
        self.kept.push(Kept {
            start,
            end: self.keys.len(),
            chars: nchars,
            next: NONE,
        });
        self.exact.insert(h);
        if nchars >= WINDOW {
            let key = &self.key[..key_len];
            let w = window_hash(&key[..advance(key, 0, WINDOW)]);
            if self.firsts.is_empty() {
                self.firsts.resize(1 << 10, 0);
            }
            let f = first_two(key, 0);
            self.firsts[f >> 6] |= 1 << (f & 63);
            match self.starts.get_mut(&w) {
                Some((_, last)) => {
                    self.kept[*last as usize].next = idx;
                    *last = idx;
                }
                None => {
                    self.starts.insert(w, (idx, idx));
                }
            }
        }
        None
    }

    /// Greedy cover of the current key by earlier kept keys.
    fn covered(&self, nchars: usize) -> bool {
        let key = &self.key[..self.key_len];
        let need = (nchars as f64 * MIN_COVER).ceil() as usize;
        let mut covered = 0;
        let (mut p, mut at) = (0, 0); // position in chars and in bytes
                                      // A window must fit: p + WINDOW <= nchars.
        let Some(last) = nchars.checked_sub(WINDOW) else {
            return covered >= need;
        };
        loop {
            // Give up when the rest cannot reach the threshold: p must stay <= nchars +
            // covered - need.
            let Some(hope) = (nchars + covered).checked_sub(need) else {
                return false;
            };
            // Skip the positions whose first two bytes start no kept key (most of them): they
            // cannot start one. At least WINDOW chars (so bytes) are left at each.
            let stop = last.min(hope);
            while p <= stop && !self.may_start(key, at) {
                p += 1;
                at = next_char(key, at);
            }
            if p > last {
                return covered >= need;
            }
            if p > hope {
                return false;
            }
            let (mut best, mut best_bytes) = (0, 0);
            let w = window_hash(&key[at..advance(key, at, WINDOW)]);
            if let Some(&(first, _)) = self.starts.get(&w) {
                let mut j = first;
                let mut tries = 0;
                while j != NONE && tries < MAX_TRIES {
                    let k = self.kept[j as usize];
                    if k.chars > best && key[at..].starts_with(&self.keys[k.start..k.end]) {
                        best = k.chars;
                        best_bytes = k.end - k.start;
                    }
                    j = k.next;
                    tries += 1;
                }
            }
            if best > 0 {
                covered += best;
                p += best;
                at += best_bytes;
            } else {
                p += 1;
                at = next_char(key, at);
            }
        }
    }

    /// True if some kept key starts with the two bytes of `key` at `at`.
    #[inline]
    fn may_start(&self, key: &[u8], at: usize) -> bool {
        let f = first_two(key, at);
        self.firsts[f >> 6] & (1 << (f & 63)) != 0
    }
}

/// Byte offset of the char after the one at byte `at` of `key` (or the end of `key`).
#[inline]
fn next_char(key: &[u8], mut at: usize) -> usize {
    at += 1;
    while key.get(at).is_some_and(|&b| (b as i8) < -0x40) {
        at += 1;
    }
    at.min(key.len())
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
