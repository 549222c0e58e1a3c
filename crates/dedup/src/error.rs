//! The error type of this crate.

/// An error raised while validating a [`DedupConfig`](crate::DedupConfig) or parsing a
/// [`Mode`](crate::Mode).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The similarity threshold is not a number within `0.0..=1.0`.
    #[error("dedup threshold must be within 0..=1, got {0}")]
    InvalidThreshold(f32),
    /// The shingle length is 0 or too long.
    #[error("shingle_words must be between 1 and {max}, got {got}")]
    InvalidShingleWords {
        /// The value given.
        got: usize,
        /// The largest value accepted.
        max: usize,
    },
    /// The number of values per LSH band is 0 or too large.
    #[error("band_rows must be between 1 and {max}, got {got}")]
    InvalidBandRows {
        /// The value given.
        got: usize,
        /// The largest value accepted.
        max: usize,
    },
    /// A mode name that [`Mode::from_str`](crate::Mode) does not know.
    #[error("unknown dedup mode {0:?} (expected off, exact or near)")]
    UnknownMode(String),
}
