//! Repeated paragraphs: exact repeats (up to whitespace and punctuation) and paragraphs that
//! are a concatenation of earlier ones (a body repeated as one long paragraph).

use xxhash_rust::xxh3::xxh3_64;

use crate::hash::{FxHashMap, FxHashSet};
use crate::text::{repeat_key, repeat_key_upto};

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

/// Marks a repeat key not built yet (`Kept::key_end`, `Kept::chars`).
const UNKNOWN: usize = usize::MAX;

/// A kept paragraph (with at least [`WINDOW`] key chars): its byte range in the document, its
/// repeat key in `keys` once built (most keys are never needed) and the key's length in chars,
/// the next kept paragraph whose key starts with the same window, and the next one of them whose
/// key hash is not in `exact` yet.
#[derive(Clone, Copy, Debug)]
struct Kept {
    start: usize,
    end: usize,
    key_start: usize,
    /// [`UNKNOWN`] until the key is built.
    key_end: usize,
    /// [`UNKNOWN`] until the key is built.
    chars: usize,
    next: u32,
    unhashed: u32,
    /// Index in the `firsts` bit set of the first two bytes of the key.
    first: u16,
}

/// The kept paragraphs whose key starts with one window.
#[derive(Clone, Copy, Debug)]
struct Starts {
    /// First and last of the chain by `Kept::next`.
    first: u32,
    last: u32,
    /// Last of the chain by `Kept::unhashed` (or [`NONE`]).
    unhashed: u32,
}

/// Detects repeats in a sequence of paragraphs of one document fed in order. Only paragraphs
/// that were kept are remembered as sources, by their byte range in the document's text (not
/// copied). [`clear`](Self::clear) it to reuse its buffers for another document.
///
/// Most paragraphs repeat nothing, and most of their repeat key is not needed to know it: an
/// exact repeat starts with the same window of [`WINDOW`] chars as an earlier paragraph, and a
/// paragraph made of earlier ones has one of them starting in its first tenth. So only the start
/// of the key is built at first; the whole key, and those of the earlier paragraphs, only when
/// an earlier paragraph starts there.
#[derive(Debug, Default)]
pub(crate) struct RepeatDetector {
    keys: Vec<u8>,
    kept: Vec<Kept>,
    /// Hashes of the keys of kept paragraphs (those whose window started a later paragraph,
    /// or that were built whole).
    exact: FxHashSet<u64>,
    /// Window hash -> the kept paragraphs whose key starts with it.
    starts: FxHashMap<u64, Starts>,
    /// Bit set of the first two bytes of every key in `starts` (65,536 bits once used): most
    /// positions of a paragraph start no earlier paragraph, and are skipped without hashing.
    firsts: Vec<u64>,
    /// Scratch buffer of [`repeat_key`]: the current key (or its start) is `key[..key_len]`.
    key: Vec<u8>,
    key_len: usize,
    /// Scratch buffer for the kept keys built while `key` holds the current one.
    scratch: Vec<u8>,
}

/// Byte offset after `n` chars of `key` from byte `at` (a char start), or the end of `key`.
///
/// Eight bytes at a time while a word holds no more than the chars left: a word's char starts
/// are its bytes that are not continuation bytes, so skipping it counts them even when a char
/// runs over its end (French keys have a non-ASCII letter every few words, which stopped an
/// all-ASCII shortcut early); then char by char.
fn advance(key: &[u8], mut at: usize, mut n: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    while at + 8 <= key.len() {
        let x = crate::known::load(key, at);
        // One per continuation byte (`0b10xxxxxx`) in its low bit, summed in the top byte.
        let continuation = (((x & !(x << 1) & HIGH) >> 7).wrapping_mul(ONES) >> 56) as usize;
        let starts = 8 - continuation;
        if starts > n {
            break;
        }
        n -= starts;
        at += 8;
    }
    loop {
        // Continuation bytes belong to the char before, counted already.
        while at < key.len() && (key[at] as i8) < -0x40 {
            at += 1;
        }
        if n == 0 || at >= key.len() {
            break;
        }
        at += 1;
        n -= 1;
    }
    at.min(key.len())
}

/// Byte offset after the [`WINDOW`] chars of `key` from byte `at` (or the end of `key`):
/// [`advance`] by `WINDOW`, with a shortcut when the next `WINDOW` bytes are all ASCII (most
/// windows), checked as two overlapping 8-byte words.
#[inline]
fn window_end(key: &[u8], at: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const _: () = assert!(WINDOW >= 8 && WINDOW <= 16);
    if let (Some(a), Some(b)) = (key.get(at..at + 8), key.get(at + WINDOW - 8..at + WINDOW)) {
        let (mut x, mut y) = ([0; 8], [0; 8]);
        x.copy_from_slice(a);
        y.copy_from_slice(b);
        if (u64::from_le_bytes(x) | u64::from_le_bytes(y)) & HIGH == 0 {
            return at + WINDOW;
        }
    }
    advance(key, at, WINDOW)
}

/// Index in the `firsts` bit set of a key starting at `at` (which has at least two bytes).
fn first_two(key: &[u8], at: usize) -> usize {
    usize::from(key[at]) << 8 | usize::from(key[at + 1])
}

/// Hash of a window of a repeat key.
fn window_hash(w: &[u8]) -> u64 {
    xxh3_64(w)
}

/// The number of chars of a paragraph's key that earlier paragraphs must cover.
fn needed(nchars: usize) -> usize {
    (nchars as f64 * MIN_COVER).ceil() as usize
}

/// The byte range in `keys` of the repeat key of the kept paragraph `k` of the document `text`,
/// built on first use.
fn kept_key(text: &str, keys: &mut Vec<u8>, scratch: &mut Vec<u8>, k: &mut Kept) -> (usize, usize) {
    if k.key_end == UNKNOWN {
        let (len, chars) = repeat_key(&text[k.start..k.end], scratch);
        k.key_start = keys.len();
        keys.extend_from_slice(&scratch[..len]);
        k.key_end = keys.len();
        k.chars = chars;
    }
    (k.key_start, k.key_end)
}

impl RepeatDetector {
    /// Forgets every paragraph, keeps the allocations.
    pub(crate) fn clear(&mut self) {
        // Only the words of the bit set that the window starts went to (a few per document),
        // not all 1,024.
        for k in &self.kept {
            self.firsts[usize::from(k.first) >> 6] = 0;
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
            || self.scratch.capacity() > 1 << 22
    }

    /// Checks the paragraph `text[start..end]` against the paragraphs kept so far; if it is not
    /// a repeat, remembers it. `text` is the document: the same text for every call between two
    /// [`clear`](Self::clear)s (the kept paragraphs are read from it again).
    pub(crate) fn check(&mut self, text: &str, start: usize, end: usize) -> Option<Repeat> {
        let para = &text[start..end];
        // The key has at most one char per byte of `para`, so a cover starts at a position
        // `p <= nchars - needed(nchars) <= reach` (see `covered`); an exact repeat at 0.
        let reach = para.len() / 10 + 1;
        let (len, chars) = repeat_key_upto(para, &mut self.key, reach + WINDOW);
        self.key_len = len;
        let whole = chars < reach + WINDOW;
        if whole && chars < WINDOW {
            // Never removed (too short for an exact repeat or a cover), never the start of a
            // cover: not remembered.
            return None;
        }
        let key = &self.key[..len];
        let w = window_hash(&key[..window_end(key, 0)]);
        let mut hash = None;
        let mut nchars = chars; // the chars of the whole key, once built
        if self.may_start_early(chars, reach) {
            // The whole key decides, as it is.
            if !whole {
                (self.key_len, nchars) = repeat_key(para, &mut self.key);
            }
            let h = xxh3_64(&self.key[..self.key_len]);
            hash = Some(h);
            if self.is_exact(text, w, h) {
                if nchars >= MIN_EXACT {
                    return Some(Repeat::Exact);
                }
            } else if self.covered(text, nchars) {
                return Some(Repeat::Concat);
            }
        }
        // Remember it.
        let idx = self.kept.len() as u32;
        let key = &self.key[..self.key_len];
        let f = first_two(key, 0);
        let mut kept = Kept {
            start,
            end,
            key_start: 0,
            key_end: UNKNOWN,
            chars: UNKNOWN,
            next: NONE,
            unhashed: NONE,
            first: f as u16,
        };
        if self.firsts.is_empty() {
            self.firsts.resize(1 << 10, 0);
        }
        self.firsts[f >> 6] |= 1 << (f & 63);
        let group = self.starts.entry(w).or_insert(Starts {
            first: idx,
            last: idx,
            unhashed: NONE,
        });
        if group.last != idx {
            self.kept[group.last as usize].next = idx;
            group.last = idx;
        }
        match hash {
            Some(h) => {
                self.exact.insert(h);
                kept.key_start = self.keys.len();
                self.keys.extend_from_slice(key);
                kept.key_end = self.keys.len();
                kept.chars = nchars;
            }
            None => {
                kept.unhashed = group.unhashed;
                group.unhashed = idx;
            }
        }
        self.kept.push(kept);
        None
    }

    /// True if some kept key may start at one of the first `reach + 1` positions of the
    /// current key (of which `chars` are built) with a window left: whether its first two
    /// bytes and its window hash are those of a kept key's start.
    fn may_start_early(&self, chars: usize, reach: usize) -> bool {
        if self.starts.is_empty() {
            return false;
        }
        let Ok(firsts) = <&[u64; 1 << 10]>::try_from(&self.firsts[..]) else {
            return true; // (never: the bit set is made with the first start)
        };
        let key = &self.key[..self.key_len];
        let stop = reach.min(chars - WINDOW);
        // Every byte before char `stop + 1` with the byte after it (at least WINDOW chars are
        // left at every char tested). A continuation byte starts no kept key (their bits are
        // set from `first_two` of whole keys), so it is tested like a char start: the loop
        // needs no count of chars, only the byte where char `stop + 1` starts.
        let end = advance(key, 0, stop + 1).min(key.len().saturating_sub(1));
        for (at, (&a, &b)) in key[..end].iter().zip(&key[1..=end]).enumerate() {
            let f = usize::from(a) << 8 | usize::from(b);
            if firsts[f >> 6] & (1 << (f & 63)) != 0
                && self
                    .starts
                    .contains_key(&window_hash(&key[at..window_end(key, at)]))
            {
                return true;
            }
        }
        false
    }

    /// True if a kept key, whole, hashes to `h`: only those starting with the window whose
    /// hash is `w` can.
    fn is_exact(&mut self, text: &str, w: u64, h: u64) -> bool {
        let RepeatDetector {
            keys,
            kept,
            exact,
            starts,
            scratch,
            ..
        } = self;
        let Some(group) = starts.get_mut(&w) else {
            return false;
        };
        let mut j = group.unhashed;
        while j != NONE {
            let k = &mut kept[j as usize];
            let (a, b) = kept_key(text, keys, scratch, k);
            exact.insert(xxh3_64(&keys[a..b]));
            j = k.unhashed;
        }
        group.unhashed = NONE;
        exact.contains(&h)
    }

    /// Greedy cover of the current key (whole) by earlier kept keys.
    fn covered(&mut self, text: &str, nchars: usize) -> bool {
        let RepeatDetector {
            keys,
            kept,
            starts,
            firsts,
            key,
            key_len,
            scratch,
            ..
        } = self;
        let key = &key[..*key_len];
        let need = needed(nchars);
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
            while p <= stop && !may_start(firsts, key, at) {
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
            let w = window_hash(&key[at..window_end(key, at)]);
            if let Some(group) = starts.get(&w) {
                let mut j = group.first;
                let mut tries = 0;
                while j != NONE && tries < MAX_TRIES {
                    let k = &mut kept[j as usize];
                    let (a, b) = kept_key(text, keys, scratch, k);
                    if k.chars > best && key[at..].starts_with(&keys[a..b]) {
                        best = k.chars;
                        best_bytes = b - a;
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
}

/// True if some kept key starts with the two bytes of `key` at `at` (`firsts`: their bit set).
#[inline]
fn may_start(firsts: &[u64], key: &[u8], at: usize) -> bool {
    let f = first_two(key, at);
    firsts[f >> 6] & (1 << (f & 63)) != 0
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

    /// A detector fed paragraphs one at a time, each appended to one document text (so that
    /// the ranges of the earlier ones stay valid).
    #[derive(Default)]
    struct Fed {
        d: RepeatDetector,
        text: String,
    }

    impl Fed {
        fn check(&mut self, para: &str) -> Option<Repeat> {
            let start = self.text.len();
            self.text.push_str(para);
            self.text.push('\n');
            self.d.check(&self.text, start, start + para.len())
        }
    }

    #[test]
    fn exact_and_near_repeats() {
        let mut d = Fed::default();
        assert_eq!(d.check("Le gouvernement a démissionné jeudi."), None);
        assert_eq!(
            d.check("Le  gouvernement a démissionné, jeudi"),
            Some(Repeat::Exact)
        );
        assert_eq!(d.check("Non."), None);
        assert_eq!(d.check("Non."), None, "short repeats stay");
    }

    /// The detector written plainly, every key whole: the keys of the kept paragraphs, and
    /// for each paragraph, the verdict.
    fn reference(paras: &[String]) -> Vec<Option<Repeat>> {
        let key_of = |s: &str| -> Vec<char> {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let mut kept: Vec<Vec<char>> = Vec::new();
        let mut out = Vec::new();
        for p in paras {
            let key = key_of(p);
            let n = key.len();
            let verdict = if key.is_empty() {
                out.push(None);
                continue;
            } else if kept.contains(&key) {
                (n >= MIN_EXACT).then_some(Repeat::Exact)
            } else if n >= WINDOW && kept.iter().any(|k| k.len() >= WINDOW) {
                // Greedy cover: at each position, the longest of the first MAX_TRIES kept keys
                // (of at least WINDOW chars) starting with the window there that fits.
                let need = needed(n);
                let (mut p, mut covered) = (0, 0);
                loop {
                    if p + WINDOW > n || p + need > n + covered {
                        break;
                    }
                    let best = kept
                        .iter()
                        .filter(|k| k.len() >= WINDOW && k[..WINDOW] == key[p..p + WINDOW])
                        .take(MAX_TRIES)
                        .filter(|k| key[p..].starts_with(k))
                        .map(|k| k.len())
                        .max()
                        .unwrap_or(0);
                    if best > 0 {
                        covered += best;
                        p += best;
                    } else {
                        p += 1;
                    }
                }
                (covered >= need).then_some(Repeat::Concat)
            } else {
                None
            };
            if verdict.is_none() {
                kept.push(key);
            }
            out.push(verdict);
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// The ASCII shortcut of `window_end` agrees with counting chars one by one.
        #[test]
        fn window_ends_agree_with_counting_chars(
            s in "[a-z0-9]{0,24}|\\PC{0,30}|([a-zé]{0,6}[0-9]?){0,6}|[a-z]{0,12}[ßœ😀][a-z]{0,12}",
        ) {
            let key = s.as_bytes();
            for at in (0..=key.len()).filter(|&i| s.is_char_boundary(i)) {
                let expected = s[at..].char_indices().nth(WINDOW).map_or(key.len(), |(i, _)| at + i);
                proptest::prop_assert_eq!(window_end(key, at), expected, "{:?} at {}", s, at);
            }
        }

        /// `advance` (eight bytes at a time, then char by char) against counting chars, from
        /// every char boundary and for every count up to past the end.
        #[test]
        fn advances_agree_with_counting_chars(
            s in "[a-z0-9 ]{0,40}|\\PC{0,30}|([a-zé ]{0,6}[0-9’]?){0,8}|[a-z]{0,12}[ßœ😀][a-z]{0,12}",
        ) {
            let key = s.as_bytes();
            for at in (0..=key.len()).filter(|&i| s.is_char_boundary(i)) {
                for n in 0..=s[at..].chars().count() + 2 {
                    let expected = s[at..].char_indices().nth(n).map_or(key.len(), |(i, _)| at + i);
                    proptest::prop_assert_eq!(advance(key, at, n), expected, "{:?} at {} by {}", s, at, n);
                }
            }
        }

        /// `may_start_early` (a bit set of first two bytes, tested at every byte) finds a kept
        /// key's window at some char position up to its bound exactly when looking every such
        /// position up in `starts` does.
        #[test]
        fn early_starts_agree_with_looking_up_every_position(
            kept in proptest::collection::vec("(é|œ|’|Σ|😀|[a-c]|[A-C]| ){12,40}", 1..6),
            pick in 0..6usize,
            before in "(é|œ|’|Σ|😀|[a-c]|[A-C]| ){0,40}",
            after in "(é|œ|’|Σ|😀|[a-c]|[A-C]| ){0,300}",
        ) {
            // A kept paragraph at some offset, so that the answer is often yes.
            let para = format!("{before}{}{after}", kept[pick % kept.len()]);
            let mut fed = Fed::default();
            for k in &kept {
                fed.check(k);
            }
            let mut d = fed.d;
            let reach = para.len() / 10 + 1;
            let (len, chars) = repeat_key_upto(&para, &mut d.key, reach + WINDOW);
            d.key_len = len;
            if chars >= WINDOW {
                let key = &d.key[..len];
                let stop = reach.min(chars - WINDOW);
                let expected = std::str::from_utf8(key)
                    .unwrap()
                    .char_indices()
                    .take(stop + 1)
                    .any(|(at, _)| d.starts.contains_key(&window_hash(&key[at..window_end(key, at)])));
                proptest::prop_assert_eq!(d.may_start_early(chars, reach), expected, "{:?} {:?}", kept, para);
            }
        }

        #[test]
        fn agrees_with_the_plain_detector(
            picks in proptest::collection::vec(proptest::collection::vec(0..12usize, 1..6), 1..16),
        ) {
            // Paragraphs glued from a few sentences, so that repeats and covers are common.
            const PIECES: &[&str] = &[
                "Le gouvernement a démissionné jeudi.",
                "Un autre paragraphe, un peu plus long que le premier.",
                "Non.",
                "« Élysée » : réunion à l’hôpital",
                "LE GOUVERNEMENT A DÉMISSIONNÉ",
                "x",
                "Premier paragraphe assez long pour compter",
                "Troisième paragraphe qui termine l'article",
                "İstanbul ΣΊΣΥΦΟΣ straße",
                "1234567890 12",
                " ; ",
                "abcdefghijkl",
            ];
            let paras: Vec<String> = picks
                .iter()
                .map(|p| p.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" "))
                .collect();
            let mut d = Fed::default();
            let got: Vec<Option<Repeat>> = paras.iter().map(|p| d.check(p)).collect();
            proptest::prop_assert_eq!(got, reference(&paras), "{:?}", paras);
        }
    }

    #[test]
    fn a_cover_starts_within_a_tenth_of_the_bytes() {
        // `check` looks for the start of a cover no further than `len / 10 + 1` chars into a
        // key of at most `len` chars.
        for nchars in 0..200_000 {
            assert!(nchars - needed(nchars) <= nchars / 10 + 1, "{nchars}");
        }
    }

    #[test]
    fn concatenation_of_earlier_paragraphs() {
        let mut d = Fed::default();
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
