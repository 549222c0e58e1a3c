//! [`Lexicon`]: the word lists the rules use (given names, stopwords, cue words).

use std::collections::HashMap;

use crate::hash::FastHash;
use crate::Error;

const GIVEN_NAMES: &str = include_str!("../../../data/gazetteer/given_names_fr.txt");
const STOPWORDS: &str = include_str!("../../../data/gazetteer/stopwords_fr.txt");
const CUES: &str = include_str!("../../../data/gazetteer/cues_fr.tsv");

/// What a cue word says about the capitalised run next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cue {
    /// `M.`, `président`, `ministre`: the run just after is a person.
    Title,
    /// `Ministère`, `Banque`, `Parti`: a run starting with this word is an organisation.
    OrgHead,
    /// `Bank`, `SA`, `FC`: a run ending with this word is an organisation.
    OrgTail,
    /// `Rue`, `Mont`, `Saint`: a run starting with this word is a place.
    LocHead,
    /// `à`, `en`: a run just after this word is a place when nothing else decides.
    LocPrep,
}

impl Cue {
    fn parse(s: &str) -> Option<Cue> {
        match s {
            "title" => Some(Cue::Title),
            "org-head" => Some(Cue::OrgHead),
            "org-tail" => Some(Cue::OrgTail),
            "loc-head" => Some(Cue::LocHead),
            "loc-prep" => Some(Cue::LocPrep),
            _ => None,
        }
    }
}

/// Word lists used to find and type names no gazetteer knows.
///
/// Cue words written with an uppercase letter (`M.`, `Me`, `PDG`) match exactly; lowercase cue words
/// (`président`) match in lowercase, capitalised or all-caps form. Given names match exactly;
/// stopwords match in lowercase, capitalised or all-caps form, with either apostrophe.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// Every listed word form with what the lists say about it, so that the rules need one probe
    /// per word whatever they ask.
    /// Keyed by bytes, so that the rules probe a token's bytes without slicing the text as a
    /// `str` (which checks both ends for character boundaries).
    words: HashMap<Box<[u8]>, Flags, FastHash>,
    /// One bit per [`Lexicon::shape_key`], set for every word of `words` (empty while `words`
    /// is): most capitalised words of a text are in no list, and this probe, with no hashing of
    /// the word, turns them away.
    shapes: Vec<u64>,
}

/// What the lists say about one word form: a set of bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags(u8);

impl Flags {
    const GIVEN_NAME: u8 = 1 << 5;
    const STOPWORD: u8 = 1 << 6;

    fn cue_bit(cue: Cue) -> u8 {
        match cue {
            Cue::Title => 1,
            Cue::OrgHead => 1 << 1,
            Cue::OrgTail => 1 << 2,
            Cue::LocHead => 1 << 3,
            Cue::LocPrep => 1 << 4,
        }
    }

    /// True if the word carries the cue `cue`.
    #[inline]
    pub fn cue(self, cue: Cue) -> bool {
        self.0 & Flags::cue_bit(cue) != 0
    }

    /// True if the word is a given name.
    #[inline]
    pub fn given_name(self) -> bool {
        self.0 & Flags::GIVEN_NAME != 0
    }

    /// True if the word is a stopword.
    #[inline]
    pub fn stopword(self) -> bool {
        self.0 & Flags::STOPWORD != 0
    }
}

/// `word`, `Word`, `WORD`, and the same with the other apostrophe; lookups are then one exact probe.
fn case_forms(word: &str) -> Vec<String> {
    let mut chars = word.chars();
    let capitalised = chars
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    let mut forms = vec![word.to_string(), capitalised, word.to_uppercase()];
    for i in 0..forms.len() {
        if forms[i].contains('\'') {
            let other = forms[i].replace('\'', "’");
            forms.push(other);
        }
    }
    forms
}

impl Lexicon {
    /// The French lists compiled in from `data/gazetteer/{given_names_fr.txt,stopwords_fr.txt,cues_fr.tsv}`.
    pub fn default_fr() -> Lexicon {
        let mut lex = Lexicon::default();
        lex.add_given_names(GIVEN_NAMES);
        lex.add_stopwords(STOPWORDS);
        if lex.add_cues(CUES).is_err() {
            debug_assert!(false, "built-in cues_fr.tsv does not parse");
        }
        lex
    }

    /// Adds given names, one a line (`#` comments allowed).
    pub fn add_given_names(&mut self, text: &str) {
        for w in list_lines(text) {
            self.set(w, Flags::GIVEN_NAME);
        }
    }

    /// Adds stopwords, one a line (`#` comments allowed); they match lowercase, capitalised and all-caps.
    pub fn add_stopwords(&mut self, text: &str) {
        for w in list_lines(text) {
            for form in case_forms(&w.to_lowercase().replace('’', "'")) {
                self.set(&form, Flags::STOPWORD);
            }
        }
    }

    /// Adds cue words from `word<TAB>kind` lines (kinds: `title`, `org-head`, `org-tail`, `loc-head`, `loc-prep`).
    pub fn add_cues(&mut self, tsv: &str) -> Result<(), Error> {
        for (i, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (word, kind) = line.split_once('\t').ok_or(Error::InvalidLine {
                line: i + 1,
                reason: "expected word<TAB>kind",
            })?;
            let cue = Cue::parse(kind.trim()).ok_or_else(|| Error::UnknownCue {
                line: i + 1,
                value: kind.trim().to_string(),
            })?;
            let word = word.trim();
            let forms = if word.chars().any(char::is_uppercase) {
                vec![word.to_string()]
            } else {
                case_forms(word)
            };
            for form in forms {
                self.set(&form, Flags::cue_bit(cue));
            }
        }
        Ok(())
    }

    fn set(&mut self, word: &str, bits: u8) {
        if self.shapes.is_empty() {
            self.shapes = vec![0; Lexicon::SHAPES / 64];
        }
        let word = word.as_bytes();
        let k = Lexicon::shape_key(word);
        self.shapes[k >> 6] |= 1 << (k & 63);
        match self.words.get_mut(word) {
            Some(f) => f.0 |= bits,
            None => {
                self.words.insert(word.into(), Flags(bits));
            }
        }
    }

    /// Everything the lists say about `word` (the UTF-8 bytes of a word), in one probe.
    #[inline]
    pub(crate) fn flags(&self, word: &[u8]) -> Flags {
        let k = Lexicon::shape_key(word);
        match self.shapes.get(k >> 6) {
            Some(bits) if bits & (1 << (k & 63)) != 0 => {
                self.words.get(word).copied().unwrap_or_default()
            }
            _ => Flags::default(),
        }
    }

    /// Number of bits of `shapes`: 2^16 (8 KiB), for some twenty thousand word forms.
    const SHAPES: usize = 1 << 16;

    /// A key below [`Lexicon::SHAPES`] from the length and the first and last bytes of `word`.
    #[inline]
    fn shape_key(b: &[u8]) -> usize {
        let (first, last) = match (b.first(), b.last()) {
            (Some(&f), Some(&l)) => (usize::from(f), usize::from(l)),
            _ => (0, 0),
        };
        ((first << 8 | last) ^ b.len().wrapping_mul(0x9E37)) & (Lexicon::SHAPES - 1)
    }

    /// True if `word` is a known given name.
    pub fn is_given_name(&self, word: &str) -> bool {
        self.flags(word.as_bytes()).given_name()
    }

    /// True if `word` (lowercase, capitalised or all-caps) is a stopword.
    pub fn is_stopword(&self, word: &str) -> bool {
        self.flags(word.as_bytes()).stopword()
    }

    /// True if `word` carries the cue `cue`.
    pub fn has_cue(&self, word: &str, cue: Cue) -> bool {
        self.flags(word.as_bytes()).cue(cue)
    }
}

fn list_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_lists_load() {
        let lex = Lexicon::default_fr();
        assert!(lex.is_given_name("Jens"));
        assert!(!lex.is_given_name("Stoltenberg"));
        assert!(lex.is_stopword("Les"));
        assert!(lex.is_stopword("Aujourd’hui"));
        assert!(!lex.is_stopword("Moscou"));
        assert!(lex.has_cue("M.", Cue::Title));
        assert!(lex.has_cue("Président", Cue::Title));
        assert!(lex.has_cue("président", Cue::Title));
        assert!(
            !lex.has_cue("me", Cue::Title),
            "Me (maître) is exact-case only"
        );
        assert!(lex.has_cue("Ministère", Cue::OrgHead));
        assert!(lex.has_cue("Rue", Cue::LocHead));
    }

    /// The shape probe never turns away a listed word: `flags` answers as the map alone.
    #[test]
    fn flags_agree_with_the_map() {
        let lex = Lexicon::default_fr();
        assert!(lex.words.len() > 1000, "{}", lex.words.len());
        for (w, f) in &lex.words {
            assert_eq!(lex.flags(w), *f, "{w:?}");
        }
        let empty = Lexicon::default();
        assert_eq!(empty.flags(b"Les"), Flags::default());
    }

    proptest::proptest! {
        #[test]
        fn flags_of_any_word_agree_with_the_map(w in "[A-Za-zÉé'’.]{0,12}") {
            let lex = Lexicon::default_fr();
            let want = lex.words.get(w.as_bytes()).copied().unwrap_or_default();
            proptest::prop_assert_eq!(lex.flags(w.as_bytes()), want);
        }
    }

    #[test]
    fn cue_errors() {
        let mut lex = Lexicon::default();
        assert!(matches!(
            lex.add_cues("x\tnope\n"),
            Err(Error::UnknownCue { line: 1, .. })
        ));
        assert!(matches!(
            lex.add_cues("# c\nx\n"),
            Err(Error::InvalidLine { line: 2, .. })
        ));
    }
}
