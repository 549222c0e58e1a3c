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
                self.words.insert(format!("{stem}’").into());
            }
            self.words.insert(word.into());
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
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
