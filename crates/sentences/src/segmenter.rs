//! The segmenter and its builder.

use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use crate::abbreviations::{self, Abbreviations};
use crate::split::{self, Rules};
use crate::starters::{self, Starters};
use crate::{Error, Sentence};

/// The language whose abbreviation list the segmenter uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// French (`data/abbreviations/fr.txt`), the default.
    #[default]
    French,
    /// English (`data/abbreviations/en.txt`).
    English,
}

impl FromStr for Language {
    type Err = Error;

    /// Parses `fr`/`french` or `en`/`english`, any case.
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.to_ascii_lowercase().as_str() {
            "fr" | "french" | "français" => Ok(Language::French),
            "en" | "english" => Ok(Language::English),
            _ => Err(Error::UnknownLanguage(s.to_string())),
        }
    }
}

/// Builds a [`Segmenter`].
///
/// ```
/// use toolkit_sentences::{Language, SegmenterBuilder};
/// let seg = SegmenterBuilder::new()
///     .language(Language::French)
///     .abbreviations_from_str("# our own\nDépt.\n")
///     .build()?;
/// assert_eq!(seg.split("Le Dépt. Doubs vote. Oui.").len(), 2);
/// # Ok::<(), toolkit_sentences::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct SegmenterBuilder {
    language: Language,
    extra: Vec<String>,
    join_wrapped_lines: bool,
    glued_sentences: bool,
}

impl Default for SegmenterBuilder {
    fn default() -> Self {
        SegmenterBuilder {
            language: Language::French,
            extra: Vec::new(),
            join_wrapped_lines: false,
            glued_sentences: true,
        }
    }
}

impl SegmenterBuilder {
    /// A builder with the defaults: French, built-in abbreviations, every line break ends a sentence.
    pub fn new() -> Self {
        Self::default()
    }

    /// Chooses the built-in abbreviation list.
    pub fn language(&mut self, language: Language) -> &mut Self {
        self.language = language;
        self
    }

    /// Adds abbreviations in the format of `data/abbreviations/fr.txt`: one a line with its final
    /// period, `#` comments, an optional kind `final` or `before-number`. Checked by
    /// [`build`](Self::build). May be called several times.
    pub fn abbreviations_from_str(&mut self, list: &str) -> &mut Self {
        self.extra.push(list.to_string());
        self
    }

    /// How to read a single line break (a blank line always ends a paragraph).
    ///
    /// Off (the default, right for scraped news where each line is a paragraph, a headline or a list
    /// item): every line break ends a sentence. On (for hard-wrapped text such as e-mails): a line
    /// break inside a sentence is read as a space when the line ends with a letter, a digit, a comma
    /// or a hyphen and the next line starts with a lowercase letter.
    pub fn join_wrapped_lines(&mut self, yes: bool) -> &mut Self {
        self.join_wrapped_lines = yes;
        self
    }

    /// Whether to split sentences glued by a space without final punctuation (on by default; French
    /// only, the English list is empty): `Le Sénat adopte la réforme Le texte a été voté` splits before
    /// `Le texte`, because a capitalized determiner, pronoun, preposition or conjunction followed by a
    /// lowercase word, after a word, `)` or `;`, starts a sentence (headlines, captions and list items
    /// that a scraper joined with a space). Proper names (`Marine Le Pen`, `Le Monde`) do not split
    /// since the next word is capitalized. See `data/abbreviations/fr-sentence-starters.txt`.
    pub fn glued_sentences(&mut self, yes: bool) -> &mut Self {
        self.glued_sentences = yes;
        self
    }

    /// Builds the segmenter; fails if an added abbreviation list is malformed.
    pub fn build(&self) -> Result<Segmenter, Error> {
        let abbreviations = if self.extra.is_empty() {
            built_in(self.language)
        } else {
            let mut own = built_in(self.language).as_ref().clone();
            for list in &self.extra {
                own.extend_from_str(list)?;
            }
            Arc::new(own)
        };
        let starters = match (self.glued_sentences, self.language) {
            (true, Language::French) => Some(french_starters()),
            _ => None,
        };
        Ok(Segmenter {
            abbreviations,
            join_wrapped_lines: self.join_wrapped_lines,
            starters,
        })
    }
}

/// Splits text into sentences: French-aware rules, a single pass over the bytes, byte offsets out.
///
/// Cheap to clone (the abbreviation set is shared), `Send + Sync`. See the crate documentation for
/// the rules.
#[derive(Clone, Debug)]
pub struct Segmenter {
    abbreviations: Arc<Abbreviations>,
    join_wrapped_lines: bool,
    starters: Option<Arc<Starters>>,
}

impl Segmenter {
    /// The default French segmenter (same as `SegmenterBuilder::new().build()`).
    pub fn french() -> Self {
        Segmenter {
            abbreviations: built_in(Language::French),
            join_wrapped_lines: false,
            starters: Some(french_starters()),
        }
    }

    /// Splits `text` into sentences, in order.
    pub fn split(&self, text: &str) -> Vec<Sentence> {
        let mut out = Vec::new();
        self.split_into(text, &mut out);
        out
    }

    /// Like [`split`](Self::split) but appends to `out` (cleared first), to reuse its allocation.
    pub fn split_into(&self, text: &str, out: &mut Vec<Sentence>) {
        out.clear();
        split::split(text, &self.rules(), out);
    }

    /// [`split_into`](Self::split_into) with the byte-by-byte search of candidates.
    #[cfg(test)]
    pub(crate) fn split_bytewise(&self, text: &str, out: &mut Vec<Sentence>) {
        out.clear();
        split::split_bytewise(text, &self.rules(), out);
    }

    fn rules(&self) -> Rules<'_> {
        Rules {
            abbreviations: &self.abbreviations,
            join_wrapped_lines: self.join_wrapped_lines,
            starters: self.starters.as_deref(),
        }
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::french()
    }
}

/// The parsed built-in list, shared by every segmenter. The built-in files are checked by a unit
/// test; should one ever hold a bad line, entries before it are kept rather than panicking.
fn built_in(language: Language) -> Arc<Abbreviations> {
    static FRENCH: OnceLock<Arc<Abbreviations>> = OnceLock::new();
    static ENGLISH: OnceLock<Arc<Abbreviations>> = OnceLock::new();
    let (cell, list) = match language {
        Language::French => (&FRENCH, abbreviations::FRENCH),
        Language::English => (&ENGLISH, abbreviations::ENGLISH),
    };
    cell.get_or_init(|| {
        let mut a = Abbreviations::default();
        let _ = a.extend_from_str(list);
        Arc::new(a)
    })
    .clone()
}

fn french_starters() -> Arc<Starters> {
    static FRENCH: OnceLock<Arc<Starters>> = OnceLock::new();
    FRENCH
        .get_or_init(|| {
            let mut s = Starters::default();
            let _ = s.extend_from_str(starters::FRENCH);
            Arc::new(s)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segmenter_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Segmenter>();
    }

    #[test]
    fn language_from_str() {
        assert_eq!("FR".parse::<Language>().unwrap(), Language::French);
        assert_eq!("english".parse::<Language>().unwrap(), Language::English);
        assert!(matches!(
            "de".parse::<Language>(),
            Err(Error::UnknownLanguage(s)) if s == "de"
        ));
    }

    #[test]
    fn extra_abbreviations_are_used_and_checked() {
        let text = "Voir le chap. Deux. Fin.";
        assert_eq!(Segmenter::french().split(text).len(), 3);
        let seg = SegmenterBuilder::new()
            .abbreviations_from_str("chap.\n")
            .build()
            .unwrap();
        assert_eq!(seg.split(text).len(), 2);
        let err = SegmenterBuilder::new()
            .abbreviations_from_str("ok.\nbad line here\n")
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidAbbreviation { line: 2, .. }),
            "{err}"
        );
    }

    #[test]
    fn english_list() {
        let en = SegmenterBuilder::new()
            .language(Language::English)
            .build()
            .unwrap();
        let text = "Gov. Newsom arrived. He left.";
        assert_eq!(en.split(text).len(), 2);
        assert_eq!(Segmenter::french().split(text).len(), 3);
    }
}
