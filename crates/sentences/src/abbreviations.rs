//! Abbreviation lists: parsing the plain-text format of `data/abbreviations/*.txt` and lookup.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::Error;

/// A fast hasher for short words (FxHash-like multiply-rotate): the lookups happen at most once per
/// candidate boundary, on keys the crate's own lists define, so SipHash's DoS resistance buys nothing.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHash(u64);

impl Hasher for WordHash {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `BuildHasher` for [`WordHash`].
pub(crate) type WordHasher = BuildHasherDefault<WordHash>;

/// How an abbreviation behaves before the next word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The period never ends a sentence (`M. Dupont`, `cf. p. 12`).
    Never,
    /// May end a sentence: split before a capital, not before a lowercase word or a number (`etc.`).
    Final,
    /// An abbreviation only before a number (`art. 12`); elsewhere an ordinary word.
    BeforeNumber,
}

/// A set of abbreviations, keyed by the word before the final period (`J.-C` for `J.-C.`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Abbreviations {
    map: HashMap<Box<str>, Kind, WordHasher>,
    /// Longest key in bytes: longer words are not looked up.
    max_len: usize,
    /// A bit for the first and last bytes of every key, any ASCII case (see [`filter_bit`]): a word
    /// starting with an ASCII byte whose bit is clear is no key, nor is its lowercase form, without
    /// hashing (most words before a period are not abbreviations).
    filter: [[u64; 32]; 2],
}

/// The bit of [`Abbreviations::filter`] for a key or a word: `(half, index, mask)`. The first and
/// the last bytes with `| 0x20`, so that `Cf` and `cf`, or `A` and `a`, share their bit (lowering
/// the first ASCII letter changes no other byte); other bytes may share bits too, which only costs
/// a lookup.
fn filter_bit(word: &[u8]) -> (usize, usize, u64) {
    let first = usize::from((word[0] | 0x20) & 0x3F);
    let last = usize::from((word[word.len() - 1] | 0x20) & 0x3F);
    let bit = first * 64 + last;
    (bit / 2048, bit % 2048 / 64, 1 << (bit % 64))
}

/// The built-in French list.
pub(crate) const FRENCH: &str = include_str!("../../../data/abbreviations/fr.txt");
/// The built-in English list.
pub(crate) const ENGLISH: &str = include_str!("../../../data/abbreviations/en.txt");

impl Abbreviations {
    /// Adds every entry of `list` (the format of `data/abbreviations/fr.txt`).
    pub(crate) fn extend_from_str(&mut self, list: &str) -> Result<(), Error> {
        for (n, raw) in list.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let invalid = |reason| Error::InvalidAbbreviation {
                line: n + 1,
                text: line.to_string(),
                reason,
            };
            let mut words = line.split_whitespace();
            let word = words.next().unwrap_or("");
            let kind = match words.next() {
                None => Kind::Never,
                Some("final") => Kind::Final,
                Some("before-number") => Kind::BeforeNumber,
                Some(_) => return Err(invalid("unknown kind (expected final or before-number)")),
            };
            if words.next().is_some() {
                return Err(invalid("too many words"));
            }
            let key = word.strip_suffix('.').unwrap_or(word);
            if key.is_empty() || key.ends_with('.') {
                return Err(invalid("empty abbreviation"));
            }
            if !key.chars().any(char::is_alphabetic) {
                return Err(invalid("an abbreviation needs a letter"));
            }
            self.max_len = self.max_len.max(key.len());
            let (half, index, mask) = filter_bit(key.as_bytes());
            self.filter[half][index] |= mask;
            self.map.insert(key.into(), kind);
        }
        Ok(())
    }

    /// The kind of `word` (written without its final period), if it is listed. A capitalized word
    /// also matches its lowercase entry (`Cf` finds `cf`).
    pub(crate) fn get(&self, word: &str) -> Option<Kind> {
        if word.is_empty() || word.len() > self.max_len {
            return None;
        }
        if word.as_bytes()[0].is_ascii() {
            let (half, index, mask) = filter_bit(word.as_bytes());
            if self.filter[half][index] & mask == 0 {
                return None;
            }
        }
        if let Some(kind) = self.map.get(word) {
            return Some(*kind);
        }
        // Capitalized words end many sentences (`… a dit Macron.`): an ASCII capital is lowered in a
        // copy on the stack rather than in a new `String`.
        let mut buffer = [0u8; 32];
        if let Some(copy) = buffer.get_mut(..word.len()) {
            if word.as_bytes()[0].is_ascii_uppercase() {
                copy.copy_from_slice(word.as_bytes());
                copy[0] = copy[0].to_ascii_lowercase();
                let lower = std::str::from_utf8(copy).ok()?;
                return self.map.get(lower).copied();
            }
        }
        self.get_lowered(word)
    }

    /// The lookup of a capitalized `word` under its lowercase entry, in a new `String`.
    fn get_lowered(&self, word: &str) -> Option<Kind> {
        let mut chars = word.chars();
        let first = chars.next()?;
        if !first.is_uppercase() {
            return None;
        }
        let mut lower = String::with_capacity(word.len());
        lower.extend(first.to_lowercase());
        lower.push_str(chars.as_str());
        self.map.get(lower.as_str()).copied()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(list: &str) -> Result<Abbreviations, Error> {
        let mut a = Abbreviations::default();
        a.extend_from_str(list).map(|()| a)
    }

    #[test]
    fn built_in_lists_parse() {
        let fr = parse(FRENCH).expect("fr.txt parses");
        assert!(fr.len() > 80, "{}", fr.len());
        assert_eq!(fr.get("M"), Some(Kind::Never));
        assert_eq!(fr.get("J.-C"), Some(Kind::Never));
        assert_eq!(fr.get("etc"), Some(Kind::Final));
        assert_eq!(fr.get("art"), Some(Kind::BeforeNumber));
        let en = parse(ENGLISH).expect("en.txt parses");
        assert_eq!(en.get("Mr"), Some(Kind::Never));
        assert_eq!(en.get("e.g"), Some(Kind::Never));
    }

    #[test]
    fn capitalized_word_matches_lowercase_entry_only() {
        let a = parse("cf.\nMe.\n").unwrap();
        assert_eq!(a.get("Cf"), Some(Kind::Never));
        assert_eq!(a.get("Me"), Some(Kind::Never));
        assert_eq!(a.get("me"), None);
        assert_eq!(a.get("CF"), None);
    }

    /// The filter and the copy on the stack find what the map and the `String` find, for every
    /// entry in three cases, every word of one or two printable ASCII chars, words around 32 bytes
    /// and non-ASCII capitals.
    #[test]
    fn lowered_on_the_stack_like_in_a_string() {
        let mut a = parse(FRENCH).unwrap();
        a.extend_from_str(&format!("{}.\nétat.\nÉcole.\n", "x".repeat(40)))
            .unwrap();
        let mut words: Vec<String> = a.map.keys().map(|k| k.to_string()).collect();
        for n in 30..=42 {
            words.push("x".repeat(n));
        }
        words.extend(["État", "école", "Ça", "", "Ab", "aB"].map(String::from));
        for a in ' '..='~' {
            words.push(a.to_string());
            words.extend((' '..='~').map(|b| format!("{a}{b}")));
        }
        for word in words.clone() {
            let mut cap = word.chars();
            if let Some(first) = cap.next() {
                words.push(first.to_uppercase().chain(cap).collect());
            }
            words.push(word.to_uppercase());
        }
        for word in &words {
            let direct = a.map.get(word.as_str()).copied();
            let want = direct.or_else(|| a.get_lowered(word));
            let want = want.filter(|_| !word.is_empty() && word.len() <= a.max_len);
            assert_eq!(a.get(word), want, "{word:?}");
        }
    }

    #[test]
    fn comments_blank_lines_and_kinds() {
        let a = parse("# titles\n\n  Dr.   # doctor\nInc. final\n").unwrap();
        assert_eq!(a.get("Dr"), Some(Kind::Never));
        assert_eq!(a.get("Inc"), Some(Kind::Final));
        assert_eq!(a.get("Doctor"), None);
    }

    #[test]
    fn invalid_lines_are_reported_with_line_number() {
        let err = parse("M.\nDr. sometimes\n").unwrap_err();
        match err {
            Error::InvalidAbbreviation { line, text, .. } => {
                assert_eq!(line, 2);
                assert_eq!(text, "Dr. sometimes");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(parse("...\n").is_err());
        assert!(parse("12.\n").is_err());
        assert!(parse("a b c\n").is_err());
    }
}
