//! A cheap language guess: count frequent function words in the first few thousand characters.

use std::sync::OnceLock;

const STOPWORDS_TSV: &str = include_str!("../../data/stopwords.tsv");

/// Slots of the word table: a power of two well above the number of function words (~200).
const SLOTS: usize = 1024;

/// Language codes, and the function words in an open-addressed table: each word's UTF-8 bytes packed
/// into a `u64` (every word is at most 8 bytes, checked by a test), with the set of languages that
/// use it as a bit mask. 0 marks an empty slot (no word packs to 0).
struct Table {
    langs: Vec<&'static str>,
    slots: Box<[(u64, u32); SLOTS]>,
    /// Bytes of the longest function word: a longer ASCII word is not looked up.
    longest: usize,
}

impl Table {
    fn slot(key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    fn get(&self, key: u64) -> u32 {
        let mut i = Self::slot(key);
        loop {
            match self.slots[i] {
                (0, _) => return 0,
                (k, mask) if k == key => return mask,
                _ => i = (i + 1) % SLOTS,
            }
        }
    }

    fn add(&mut self, key: u64, lang: usize) {
        let mut i = Self::slot(key);
        loop {
            match &mut self.slots[i] {
                (k, mask) if *k == key => return *mask |= 1 << lang,
                (k @ 0, mask) => {
                    *k = key;
                    *mask = 1 << lang;
                    return;
                }
                _ => i = (i + 1) % SLOTS,
            }
        }
    }
}

/// The UTF-8 bytes of a word of at most 8 bytes as one integer (distinct words, distinct keys).
fn pack(word: &[u8]) -> Option<u64> {
    let mut b = [0u8; 8];
    b.get_mut(..word.len())?.copy_from_slice(word);
    Some(u64::from_le_bytes(b))
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Table {
            langs: Vec::new(),
            slots: Box::new([(0, 0); SLOTS]),
            longest: 0,
        };
        for line in STOPWORDS_TSV.lines().filter(|l| !l.starts_with('#')) {
            let Some((lang, ws)) = line.split_once('\t') else {
                continue;
            };
            let idx = t.langs.len();
            assert!(idx < 32, "at most 32 languages in stopwords.tsv");
            t.langs.push(lang);
            for w in ws.split_whitespace() {
                let key = pack(w.as_bytes()).expect("function words are at most 8 bytes");
                t.add(key, idx);
                t.longest = t.longest.max(w.len());
            }
        }
        t
    })
}

/// Whether the character at byte `i` of `text` (a char boundary) is alphabetic, and its length in
/// bytes. ASCII and the Latin-1 range (lead bytes 0xC2 and 0xC3: `é`, `À`, `«`) are told from their
/// bytes; other characters are decoded.
#[inline]
fn alphabetic_at(text: &str, i: usize) -> (bool, usize) {
    let b = text.as_bytes();
    match b[i] {
        x @ 0..=0x7F => (x.is_ascii_alphabetic(), 1),
        // U+00C0..=U+00FF: letters, except × (U+00D7) and ÷ (U+00F7).
        0xC3 => (!matches!(b[i + 1], 0x97 | 0xB7), 2),
        // U+0080..=U+00BF: only ª (U+00AA), µ (U+00B5) and º (U+00BA) are letters.
        0xC2 => (matches!(b[i + 1], 0xAA | 0xB5 | 0xBA), 2),
        _ => {
            let c = text[i..].chars().next().expect("i is on a char boundary");
            (c.is_alphabetic(), c.len_utf8())
        }
    }
}

/// Calls `f` with the byte range of each non-empty run of alphabetic characters of `text`, in order,
/// as `text.split(|c: char| !c.is_alphabetic())` gives them, and whether the run is all ASCII.
/// ASCII and Latin-1 characters are tested without decoding.
fn alphabetic_runs(text: &str, mut f: impl FnMut(usize, usize, bool)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            if !x.is_ascii_alphabetic() {
                i += 1;
                continue;
            }
        } else {
            let (alpha, len) = alphabetic_at(text, i);
            if !alpha {
                i += len;
                continue;
            }
        }
        let start = i;
        let mut ascii = true;
        while i < b.len() {
            let x = b[i];
            if x < 0x80 {
                if !x.is_ascii_alphabetic() {
                    break;
                }
                i += 1;
            } else {
                let (alpha, len) = alphabetic_at(text, i);
                if !alpha {
                    break;
                }
                ascii = false;
                i += len;
            }
        }
        f(start, i, ascii);
    }
}

/// The key of the ASCII word of `len` (at most 8) letters at `b[start..]`: its bytes lowercased
/// (`| 0x20` lowercases an ASCII letter) and packed like [`pack`].
fn ascii_key(b: &[u8], start: usize, len: usize) -> u64 {
    let raw = match b.get(start..start + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("8 bytes")),
        None => {
            let mut w = [0u8; 8];
            w[..len].copy_from_slice(&b[start..start + len]);
            u64::from_le_bytes(w)
        }
    };
    let mask = if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    };
    (raw | 0x2020_2020_2020_2020) & mask
}

/// The table key of a word of at most 8 bytes, lowercased as `str::to_lowercase` does: `None` when
/// the lowercased word is longer than 8 bytes. Words of ASCII and Latin-1 characters (`État`) are
/// lowercased byte by byte (the capitals U+00C0..=U+00DE, × aside, lowercase to the letter 0x20
/// above, of the same length); others go through `to_lowercase` when they hold an upper-case letter.
fn key(word: &str) -> Option<u64> {
    let w = word.as_bytes();
    let mut b = [0u8; 8];
    let mut i = 0;
    while i < w.len() {
        match w[i] {
            x @ 0..=0x7F => b[i] = x.to_ascii_lowercase(),
            lead @ (0xC2 | 0xC3) => {
                let y = w[i + 1];
                let upper = lead == 0xC3 && y <= 0x9E && y != 0x97;
                b[i] = lead;
                b[i + 1] = if upper { y + 0x20 } else { y };
                i += 1;
            }
            _ if word.chars().any(char::is_uppercase) => {
                return pack(word.to_lowercase().as_bytes())
            }
            _ => return pack(w),
        }
        i += 1;
    }
    Some(u64::from_le_bytes(b))
}

/// The bytes of the text the guess reads (cut back to a char boundary).
const WINDOW: usize = 2000;

/// `u64` words of the byte bitsets over the window, with at least one bit past its end.
const BITS: usize = WINDOW / 64 + 1;

const HIGH: u64 = 0x8080_8080_8080_8080;

/// `LOW[n]`: the low `n` bytes of a `u64` set (`n` up to 8), one load instead of a shift by a count.
const LOW: [u64; 9] = {
    let mut low = [0u64; 9];
    let mut n = 1;
    while n <= 8 {
        low[n] = u64::MAX >> (64 - 8 * n);
        n += 1;
    }
    low
};
const ONES: u64 = 0x0101_0101_0101_0101;

/// The 8 bytes of `x` as the high bits of a mask: bytes that are ASCII letters or not ASCII
/// (every byte of an alphabetic character).
#[inline]
fn classify(x: u64) -> u64 {
    // The low 7 bits with bit 5 set: ASCII letters, and only they, land on 0x61..=0x7A.
    let y = (x | 0x2020_2020_2020_2020) & !HIGH;
    // No carry crosses a byte: y <= 0x7F per byte.
    let ge_a = y + 0x1F * ONES;
    let gt_z = y + 0x05 * ONES;
    ((ge_a & !gt_z) | x) & HIGH
}

/// The high bit of each byte of `m` (the others clear) gathered into 8 bits, byte k to bit k.
#[inline]
fn gather(m: u64) -> u64 {
    // Bit 8k times byte j = 0x80 >> j of the factor lands on bit 8k + 7j + 7; those in 56..=63
    // are exactly j = 7 - k (bit 56 + k), and no two of them share a bit, so nothing carries.
    (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit i set: byte i of `b` (at most [`WINDOW`] bytes) can be part of an alphabetic character (an
/// ASCII letter or a non-ASCII byte). Bits from `b.len()` on are clear.
fn byte_set(b: &[u8]) -> [u64; BITS] {
    debug_assert!(b.len() <= WINDOW);
    let mut word = [0u64; BITS];
    let block = |bytes: &[u8]| {
        let mut bits = 0;
        for (k, chunk) in bytes.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            bits |= gather(classify(x)) << (8 * k);
        }
        bits
    };
    let mut blocks = b.chunks_exact(64);
    for (w, bytes) in word.iter_mut().zip(blocks.by_ref()) {
        *w = block(bytes);
    }
    let rest = blocks.remainder();
    let mut pad = [0u8; 64];
    pad[..rest.len()].copy_from_slice(rest);
    word[b.len() / 64] = block(&pad);
    word
}

/// The language whose function words are most frequent, when the evidence is clear
/// (at least 5 hits and 1.5 times the runner-up).
///
/// The words are the runs of [`alphabetic_runs`], found in two steps: the maximal runs of ASCII
/// letters and non-ASCII bytes (ASCII non-letters always separate words, so each word lies in one
/// of them), read from a bitset filled 8 bytes at a time; a run with no non-ASCII byte is one word,
/// the others are split by [`alphabetic_runs`].
pub(crate) fn guess(text: &str) -> Option<&'static str> {
    decide(&counts(text))
}

/// Each language's count of function words in the first [`WINDOW`] bytes of `text`.
fn counts(text: &str) -> [u32; 32] {
    let t = table();
    let mut counts = [0u32; 32];
    let mut end = text.len().min(WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let b = text.as_bytes();
    let mut count = |key: Option<u64>| {
        let mut mask = key.map_or(0, |k| t.get(k));
        while mask != 0 {
            counts[mask.trailing_zeros() as usize] += 1;
            mask &= mask - 1;
        }
    };
    let word = byte_set(b);
    // The window with 8 zeros after it: every word's 8 bytes are loaded without a test.
    let mut padded = [0u8; WINDOW + 8];
    padded[..b.len()].copy_from_slice(b);
    // The runs are read off `bits`, the bits of `word[w]` not yet read; the bits past the window
    // are clear, so every run ends in the set and the last word is never all ones.
    let mut w = 0;
    let mut bits = word[0];
    loop {
        while bits == 0 {
            w += 1;
            if w == BITS {
                return counts;
            }
            bits = word[w];
        }
        let s = bits.trailing_zeros() as usize;
        let start = w * 64 + s;
        // Adding the run's lowest bit clears the run and carries into the bit after it, unless
        // the run reaches the word's last bit.
        let (after, out) = bits.overflowing_add(bits & bits.wrapping_neg());
        let stop = if !out {
            bits &= after;
            w * 64 + after.trailing_zeros() as usize
        } else {
            w += 1;
            while word[w] == u64::MAX {
                w += 1;
            }
            let k = (!word[w]).trailing_zeros() as usize;
            bits = word[w] & (u64::MAX << k);
            w * 64 + k
        };
        let len = stop - start;
        if len <= 8 {
            let mask = LOW[len];
            let raw =
                u64::from_le_bytes(padded[start..start + 8].try_into().expect("8 bytes")) & mask;
            if raw & HIGH == 0 {
                // ASCII letters only: one word, lowercased like `ascii_key` (which keeps its
                // length), looked up when no longer than the longest function word (5 bytes in
                // the data: a quarter of the words of a French text are longer).
                if len <= t.longest {
                    count(Some(raw | (0x2020_2020_2020_2020 & mask)));
                }
                continue;
            }
        } else if len <= 16 {
            // A word of 9 to 16 ASCII letters is no function word. The first and the last 8
            // bytes of the run cover it: two loads instead of a byte loop.
            let load = |i: usize| u64::from_le_bytes(padded[i..i + 8].try_into().expect("8 bytes"));
            if (load(start) | load(stop - 8)) & HIGH == 0 {
                continue;
            }
        } else if b[start..stop].is_ascii() {
            // A word of more than 16 ASCII letters: no function word.
            continue;
        }
        // Both ends are ASCII bytes or ends of the text: char boundaries.
        let at = latin_words(&padded, start, stop, |k| count(Some(k)));
        if at < stop {
            alphabetic_runs(&text[at..stop], |s, e, ascii| {
                if e - s > 8 {
                    return;
                }
                count(if ascii {
                    Some(ascii_key(b, at + s, e - s))
                } else {
                    key(&text[at + s..at + e])
                });
            });
        }
    }
}

/// Calls `f` with the key (as [`key`] gives it) of each word of at most 8 bytes of
/// `b[start..stop]` (both char boundaries), the words as [`alphabetic_runs`] splits them, while the
/// characters are ASCII, Latin-1 (lead bytes 0xC2 and 0xC3, told and lowercased as
/// [`alphabetic_at`] and [`key`] do) or general punctuation (U+2000..=U+203F: `’`, `–`, `…`, none
/// alphabetic). At another character it stops and returns where the words it has not given start
/// (the start of the word that holds that character, or the character itself); else `stop`.
/// Every ASCII byte of `b[start..stop]` must be a letter, as in the runs of the bitset of
/// [`counts`], so that ASCII bytes need no test (three of the ~17 instructions a byte). The ASCII
/// letters in a row (`homme` in `l’homme`) are taken together from one 8-byte load when `b` has 8
/// bytes from them ([`counts`] gives its padded window), else one by one.
#[inline]
fn latin_words(b: &[u8], start: usize, stop: usize, mut f: impl FnMut(u64)) -> usize {
    let mut i = start;
    // The word being read: its start, its key so far and its length (0: no word).
    let mut word = start;
    let mut key = 0u64;
    let mut len = 0usize;
    macro_rules! push {
        ($byte:expr) => {{
            if len < 8 {
                key |= u64::from($byte) << (8 * len);
            }
            len += 1;
        }};
    }
    macro_rules! end {
        () => {{
            if (1..=8).contains(&len) {
                f(key);
            }
            key = 0;
            len = 0;
        }};
    }
    while i < stop {
        let x = b[i];
        if x < 0x80 {
            if let Some(eight) = b.get(i..i + 8) {
                // The ASCII bytes from `i` up to the first non-ASCII one or `stop`: all letters.
                let raw = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
                let n = (((raw & HIGH).trailing_zeros() / 8) as usize).min(stop - i);
                if len == 0 {
                    word = i;
                }
                if len < 8 {
                    let lower = (raw | 0x2020_2020_2020_2020) & LOW[n];
                    key |= lower << (8 * len);
                }
                len += n;
                i += n;
                continue;
            }
        }
        let (letter, width) = match x {
            // The runs of the bitset hold no other ASCII byte than letters.
            0..=0x7F => (true, 1),
            0xC3 => (!matches!(b[i + 1], 0x97 | 0xB7), 2),
            0xC2 => (matches!(b[i + 1], 0xAA | 0xB5 | 0xBA), 2),
            0xE2 if b[i + 1] == 0x80 => (false, 3),
            _ => return if len > 0 { word } else { i },
        };
        if letter {
            if len == 0 {
                word = i;
            }
            match x {
                0..=0x7F => push!(x | 0x20),
                _ => {
                    let y = b[i + 1];
                    push!(x);
                    push!(if x == 0xC3 && y <= 0x9E { y + 0x20 } else { y });
                }
            }
        } else {
            end!();
        }
        i += width;
    }
    if (1..=8).contains(&len) {
        f(key);
    }
    stop
}

/// The language with the most function words, when it has at least 5 and 1.5 times the runner-up.
fn decide(counts: &[u32; 32]) -> Option<&'static str> {
    let t = table();
    let n = t.langs.len();
    let mut order = [0usize; 32];
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    let order = &mut order[..n];
    order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    let best = counts[*order.first()?];
    let second = order.get(1).map_or(0, |&i| counts[i]);
    (best >= 5 && best * 2 >= second * 3).then(|| t.langs[order[0]])
}

#[cfg(test)]
mod tests {
    use super::{guess, STOPWORDS_TSV};
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// The previous scan (every byte tested one by one), kept as a reference of the bitset scan.
    fn previous(text: &str) -> [u32; 32] {
        let t = super::table();
        let mut counts = [0u32; 32];
        let mut end = text.len().min(2000);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = &text[..end];
        super::alphabetic_runs(text, |start, end, ascii| {
            if end - start > 8 {
                return;
            }
            let key = if ascii {
                Some(super::ascii_key(text.as_bytes(), start, end - start))
            } else {
                super::key(&text[start..end])
            };
            let mut mask = key.map_or(0, |k| t.get(k));
            while mask != 0 {
                counts[mask.trailing_zeros() as usize] += 1;
                mask &= mask - 1;
            }
        });
        counts
    }

    /// The first implementation (a `HashMap` of words, `to_lowercase` on every capitalized word),
    /// kept as the reference the fast table must agree with.
    fn reference(text: &str) -> Option<&'static str> {
        let (langs, counts) = reference_counts(text);
        let mut order: Vec<usize> = (0..langs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
        let best = counts[*order.first()?];
        let second = order.get(1).map_or(0, |&i| counts[i]);
        (best >= 5 && best * 2 >= second * 3).then(|| langs[order[0]])
    }

    /// The languages and each one's count of function words, as the first implementation found
    /// them: `str::split` on non-alphabetic characters and `to_lowercase`.
    fn reference_counts(text: &str) -> (Vec<&'static str>, Vec<u32>) {
        let mut langs = Vec::new();
        let mut words: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for line in STOPWORDS_TSV.lines().filter(|l| !l.starts_with('#')) {
            let (lang, ws) = line.split_once('\t').unwrap();
            let idx = langs.len();
            langs.push(lang);
            for w in ws.split_whitespace() {
                words.entry(w).or_default().push(idx);
            }
        }
        let mut counts = vec![0u32; langs.len()];
        let mut end = text.len().min(2000);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for word in text[..end].split(|c: char| !c.is_alphabetic()) {
            if word.is_empty() || word.len() > 8 {
                continue;
            }
            let lower;
            let key = if word.chars().any(char::is_uppercase) {
                lower = word.to_lowercase();
                lower.as_str()
            } else {
                word
            };
            if let Some(ls) = words.get(key) {
                for &l in ls {
                    counts[l] += 1;
                }
            }
        }
        (langs, counts)
    }

    /// Words drawn from every language's function words (in any case) and look-alikes.
    fn words() -> impl Strategy<Value = String> {
        let mut pool: Vec<String> = STOPWORDS_TSV
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(|l| l.split_once('\t').unwrap().1.split_whitespace())
            .flat_map(|w| [w.to_string(), w.to_uppercase(), format!("{}x", w)])
            .collect();
        pool.extend(["À", "ÉTÉ", "Été", "İl", "ǅe", "ΣΑΣ", "straße", "STRASSE"].map(String::from));
        prop::collection::vec(
            (
                prop::sample::select(pool),
                prop::sample::select(vec![" ", ", ", ". ", "\n", "'"]),
            ),
            0..80,
        )
        .prop_map(|v| v.into_iter().map(|(w, s)| w + s).collect())
    }

    proptest! {
        #[test]
        fn table_agrees_with_the_reference(text in words()) {
            prop_assert_eq!(guess(&text), reference(&text));
        }
    }

    /// Function words (as [`words`] draws them) and runs of characters of every byte class: ASCII
    /// letters and the non-letters next to them (`@[`{`), Latin-1 letters and non-letters
    /// (`×÷ª«`), other letters and non-letters (`Σ’漢`, a combining accent), long words, long
    /// texts that cross the window (and cut a character at its end).
    fn mixed() -> impl Strategy<Value = String> {
        let words: Vec<String> = STOPWORDS_TSV
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(|l| l.split_once('\t').unwrap().1.split_whitespace())
            .flat_map(|w| [w.to_string(), w.to_uppercase()])
            .collect();
        let piece = prop_oneof![
            prop::sample::select(words),
            "[a-zA-Z@\\[`{Z\x7f\x00-\x1f ,.'0-9]{1,12}",
            "[a-zéÉàÀ×÷ªµº«» ’Σσ漢\u{300}İǅßſ\u{a0}\u{2009}-]{1,12}",
            "[a-zé]{7,12}",
            // Words of other scripts and punctuation between ASCII letters.
            "[a-zA-Z]{0,6}[иИнаНАдляΣσόκαι漢字の،؟«»’“”…–—\u{a0}\u{202f}][a-zA-Z]{0,9}",
        ];
        prop::collection::vec(
            (
                piece,
                prop::sample::select(vec!["", " ", "’", "\n", "é", "«\u{a0}"]),
            ),
            0..400,
        )
        .prop_map(|v| v.into_iter().map(|(w, s)| w + s).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn bitset_scan_counts_like_the_byte_scan(text in mixed()) {
            prop_assert_eq!(super::counts(&text), previous(&text));
        }

        #[test]
        fn counts_and_guess_agree_with_the_first_implementation(text in mixed()) {
            let (langs, expected) = reference_counts(&text);
            prop_assert_eq!(&super::counts(&text)[..langs.len()], &expected[..]);
            prop_assert_eq!(guess(&text), reference(&text));
        }

        #[test]
        fn bitset_scan_counts_like_the_byte_scan_on_function_words(text in words()) {
            prop_assert_eq!(super::counts(&text), previous(&text));
        }

        #[test]
        fn gather_takes_the_high_bits(x in any::<u64>()) {
            let m = x & super::HIGH;
            let expected = (0..8).filter(|k| m >> (8 * k + 7) & 1 == 1).fold(0, |a, k| a | 1 << k);
            prop_assert_eq!(super::gather(m), expected);
        }
    }

    #[test]
    fn classify_tells_every_byte_at_every_place() {
        for v in 0..=255u8 {
            let word = v.is_ascii_alphabetic() || v >= 0x80;
            for k in 0..8 {
                for fill in [0u8, b'a', 0xFF, b'@', b'{'] {
                    let mut bytes = [fill; 8];
                    bytes[k] = v;
                    let w = super::classify(u64::from_le_bytes(bytes));
                    assert_eq!(w >> (8 * k + 7) & 1 == 1, word, "{v:#x} at {k}");
                    assert_eq!(
                        w & !(0x80 << (8 * k)) & super::HIGH,
                        super::classify(u64::from_le_bytes([fill; 8])) & !(0x80 << (8 * k))
                    );
                }
            }
        }
    }

    #[test]
    fn low_masks_keep_the_low_bytes() {
        for n in 0..=8 {
            let mut bytes = [0u8; 8];
            bytes[..n].fill(0xFF);
            assert_eq!(super::LOW[n], u64::from_le_bytes(bytes), "{n}");
        }
    }

    #[test]
    fn general_punctuation_is_not_alphabetic() {
        for c in '\u{2000}'..='\u{203F}' {
            let mut buf = [0; 4];
            assert_eq!(&c.encode_utf8(&mut buf).as_bytes()[..2], &[0xE2, 0x80]);
            assert!(!c.is_alphabetic(), "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn latin_words_split_and_key_like_alphabetic_runs(
            text in "[a-zA-Z@\\[`{ ,.'0-9éÉàÀÞßÿ×÷ªµº«»\u{a0}’–…\u{2000}-\u{203f}ſİΣ漢]{0,40}"
        ) {
            let b = text.as_bytes();
            let mut expected = Vec::new();
            super::alphabetic_runs(&text, |s, e, _| {
                if e - s <= 8 {
                    expected.push(super::key(&text[s..e]));
                }
            });
            // As `counts` calls it: on each maximal run of ASCII letters and non-ASCII bytes (the
            // ASCII non-letters between them separate words anyway).
            let known = |c: char| c.is_ascii() || matches!(c, '\u{80}'..='\u{ff}' | '\u{2000}'..='\u{203f}');
            let outside = |x: u8| x.is_ascii() && !x.is_ascii_alphabetic();
            let mut got = Vec::new();
            let mut i = 0;
            while i < b.len() {
                if outside(b[i]) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < b.len() && !outside(b[i]) {
                    i += 1;
                }
                let at = super::latin_words(b, start, i, |k| got.push(Some(k)));
                prop_assert!(text.is_char_boundary(at));
                super::alphabetic_runs(&text[at..i], |s, e, _| {
                    if e - s <= 8 {
                        got.push(super::key(&text[at + s..at + e]));
                    }
                });
                // It stops only at a character it does not know.
                prop_assert!(at == i || !text[at..i].chars().all(known));
                prop_assert!(text[start..at].chars().all(known));
            }
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn bitset_scan_across_bitset_words() {
        for run in [63, 64, 65, 127, 128, 129, 200, 1999, 2000] {
            for lead in 0..70 {
                for letter in ["a", "é"] {
                    let text = format!("{}{} le la de", " ".repeat(lead), letter.repeat(run));
                    assert_eq!(super::counts(&text), previous(&text), "{lead} {run}");
                    let text = format!("le{}le", letter.repeat(run));
                    assert_eq!(super::counts(&text), previous(&text), "{run}");
                }
            }
        }
    }

    #[test]
    fn bitset_scan_at_the_window_edges() {
        for len in 1990..2010 {
            for tail in ["a", "é", "’", "漢", " ", "ab"] {
                let text = format!("{}{}", "le ".repeat(len / 3), tail).repeat(2);
                for cut in [len - 8, len, len + 1, len + 2, len + 3] {
                    let mut cut = cut.min(text.len());
                    while !text.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    let t = &text[..cut];
                    assert_eq!(super::counts(t), previous(t));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn alphabetic_runs_split_like_str_split(text in "[a-zA-Zé É,.'\\n0-9ßΣ漢\u{300}-]{0,40}") {
            let expected: Vec<&str> = text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
            let mut runs = Vec::new();
            super::alphabetic_runs(&text, |s, e, ascii| {
                assert_eq!(ascii, text[s..e].is_ascii());
                runs.push(&text[s..e])
            });
            prop_assert_eq!(runs, expected);
        }
    }

    #[test]
    fn byte_classes_agree_with_char_methods() {
        for c in (0..0x800).filter_map(char::from_u32) {
            let s = format!("{c}x");
            assert_eq!(
                super::alphabetic_at(&s, 0),
                (c.is_alphabetic(), c.len_utf8()),
                "{c:?}"
            );
            if c.is_alphabetic() {
                let w = c.to_string();
                let lower = if c.is_uppercase() {
                    w.to_lowercase()
                } else {
                    w.clone()
                };
                assert_eq!(super::key(&w), super::pack(lower.as_bytes()), "{c:?}");
            }
        }
    }

    #[test]
    fn every_function_word_fits_in_eight_bytes() {
        for line in STOPWORDS_TSV.lines().filter(|l| !l.starts_with('#')) {
            for w in line.split_once('\t').unwrap().1.split_whitespace() {
                assert!(w.len() <= 8 && w == w.to_lowercase(), "{w}");
            }
        }
    }

    #[test]
    fn guesses() {
        assert_eq!(guess("Les ministres des Affaires étrangères de l'Otan ont réaffirmé leur unité face à la Russie dans une réunion."), Some("fr"));
        assert_eq!(guess("The ministers of the alliance said on Friday that they were united in the face of the threat."), Some("en"));
        assert_eq!(guess("Die Minister der Allianz sagten, dass sie sich nicht mit der Bedrohung abfinden und auf Dialog setzen."), Some("de"));
        assert_eq!(guess("12 34 56"), None);
    }
}
