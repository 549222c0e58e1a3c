//! The error type of this crate.

/// An error raised while building a [`Segmenter`](crate::Segmenter).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A line of an abbreviation list could not be understood.
    #[error("abbreviation list, line {line}: {reason}: {text:?}")]
    InvalidAbbreviation {
        /// 1-based line number inside the list.
        line: usize,
        /// The offending line, without its comment.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A line of a sentence-starter list is not one capitalized word (optionally elided, `L'`).
    #[error("sentence-starter list, line {line}: expected one capitalized word: {text:?}")]
    InvalidStarter {
        /// 1-based line number inside the list.
        line: usize,
        /// The offending line, without its comment.
        text: String,
    },
    /// A language name that [`Language::from_str`](crate::Language) does not know.
    #[error("unknown language {0:?} (expected fr or en)")]
    UnknownLanguage(String),
}
