//! Sentence starters: capitalized closed-class words that begin a sentence glued to the previous one
//! by a space (`data/abbreviations/fr-sentence-starters.txt`).

use std::collections::HashSet;

use crate::abbreviations::WordHasher;
use crate::Error;

/// The built-in French list.
pub(crate) const FRENCH: &str =
    include_str!("../../../data/abbreviations/fr-sentence-starters.txt");

/// A set of capitalized words; elided forms are stored with their apostrophe (`L'`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Starters {
    words: HashSet<Box<str>, WordHasher>,
    /// A bit for the first and last bytes of every word (see [`filter_bit`]): a capitalized word
    /// whose bit is clear (`Macron`, `Paris`) is no starter, without hashing.
    filter: [[u64; 32]; 2],
}

/// The bit of [`Starters::filter`] for a word: `(half, index, mask)`, from the low 6 bits of its
/// first and last bytes (other words may share the bit, which only costs a lookup).
fn filter_bit(word: &[u8]) -> (usize, usize, u64) {
    let first = usize::from(word.first().map_or(0, |b| b & 0x3F));
    let last = usize::from(word.last().map_or(0, |b| b & 0x3F));
    let bit = first * 64 + last;
    (bit / 2048, bit % 2048 / 64, 1 << (bit % 64))
}

impl Starters {
    /// Adds the words of `list`: one a line, `#` comments.
    pub(crate) fn extend_from_str(&mut self, list: &str) -> Result<(), Error> {
        for (n, raw) in list.lines().enumerate() {
            let word = raw.split('#').next().unwrap_or("").trim();
            if word.is_empty() {
                continue;
            }
            let stem = word.strip_suffix('\'').unwrap_or(word);
            let capitalized = stem.chars().next().is_some_and(char::is_uppercase);
            if !capitalized || !stem.chars().all(char::is_alphabetic) {
                return Err(Error::InvalidStarter {
                    line: n + 1,
                    text: word.to_string(),
                });
            }
            if let Some(stem) = word.strip_suffix('\'') {
                self.insert(format!("{stem}’").into());
            }
            self.insert(word.into());
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn insert(&mut self, word: Box<str>) {
        let (half, index, mask) = filter_bit(word.as_bytes());
        self.filter[half][index] |= mask;
        self.words.insert(word);
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        let (half, index, mask) = filter_bit(word.as_bytes());
        self.filter[half][index] & mask != 0 && self.words.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_list_parses() {
        let mut s = Starters::default();
        s.extend_from_str(FRENCH)
            .expect("fr-sentence-starters.txt parses");
        assert!(s.contains("Le") && s.contains("L'") && s.contains("L’") && s.contains("À"));
        assert!(!s.contains("A") && !s.contains("le"));
    }

    /// The filter keeps every word of the set, and answers like the set for every word of one or
    /// two chars of a mixed set and every word of the list in other cases.
    #[test]
    fn filter_answers_like_the_set() {
        let mut s = Starters::default();
        s.extend_from_str(FRENCH).unwrap();
        let chars: Vec<char> = (' '..='~').chain(['À', 'É', 'Ç', 'à', '’', 'é']).collect();
        let mut words: Vec<String> = s.words.iter().map(|w| w.to_string()).collect();
        for w in words.clone() {
            words.push(w.to_lowercase());
            words.push(w.to_uppercase());
            words.push(format!("{w}s"));
        }
        for &a in &chars {
            words.push(a.to_string());
            words.extend(chars.iter().map(|b| format!("{a}{b}")));
        }
        words.push(String::new());
        for w in &words {
            assert_eq!(s.contains(w), s.words.contains(w.as_str()), "{w:?}");
        }
    }

    #[test]
    fn rejects_lowercase_and_punctuation() {
        let mut s = Starters::default();
        assert!(s.extend_from_str("Le\nle\n").is_err());
        assert!(matches!(
            s.extend_from_str("Qu'il\n"),
            Err(Error::InvalidStarter { line: 1, .. })
        ));
    }
}
