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
    slots: Vec<(u64, u32)>,
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
            slots: vec![(0, 0); SLOTS],
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
            }
        }
        t
    })
}

/// The non-empty runs of alphabetic characters of `text`, as `text.split(|c: char|
/// !c.is_alphabetic())` gives them, with ASCII bytes tested without decoding.
fn alphabetic_runs(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while i < b.len() {
            let (alpha, len) = if b[i] < 0x80 {
                (b[i].is_ascii_alphabetic(), 1)
            } else {
                let c = text[i..].chars().next().expect("i is on a char boundary");
                (c.is_alphabetic(), c.len_utf8())
            };
            match (alpha, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let word = &text[s..i];
                    i += len;
                    return Some(word);
                }
                _ => {}
            }
            i += len;
        }
        start.map(|s| &text[s..])
    })
}

/// The language whose function words are most frequent, when the evidence is clear
/// (at least 5 hits and 1.5 times the runner-up).
pub(crate) fn guess(text: &str) -> Option<&'static str> {
    let t = table();
    let mut counts = vec![0u32; t.langs.len()];
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    for word in alphabetic_runs(&text[..end]) {
        if word.len() > 8 {
            continue;
        }
        // Lowercased as `str::to_lowercase` does; a word longer than 8 bytes once lowercased
        // cannot be a function word.
        let key = if word.is_ascii() {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(word.bytes()) {
                *d = s.to_ascii_lowercase();
            }
            Some(u64::from_le_bytes(b))
        } else if word.chars().any(char::is_uppercase) {
            pack(word.to_lowercase().as_bytes())
        } else {
            pack(word.as_bytes())
        };
        let mut mask = key.map_or(0, |k| t.get(k));
        while mask != 0 {
            counts[mask.trailing_zeros() as usize] += 1;
            mask &= mask - 1;
        }
    }
    let mut order: Vec<usize> = (0..t.langs.len()).collect();
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

    /// The first implementation (a `HashMap` of words, `to_lowercase` on every capitalized word),
    /// kept as the reference the fast table must agree with.
    fn reference(text: &str) -> Option<&'static str> {
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
        let mut order: Vec<usize> = (0..langs.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
        let best = counts[*order.first()?];
        let second = order.get(1).map_or(0, |&i| counts[i]);
        (best >= 5 && best * 2 >= second * 3).then(|| langs[order[0]])
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

    proptest! {
        #[test]
        fn alphabetic_runs_split_like_str_split(text in "[a-zA-Zé É,.'\\n0-9ßΣ漢\u{300}-]{0,40}") {
            let expected: Vec<&str> = text.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).collect();
            prop_assert_eq!(super::alphabetic_runs(&text).collect::<Vec<_>>(), expected);
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
