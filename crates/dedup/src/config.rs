//! Settings shared by [`Signer`](crate::Signer) and [`Clusterer`](crate::Clusterer).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// The longest shingle accepted by [`DedupConfig::validate`].
pub const MAX_SHINGLE_WORDS: usize = 16;

/// The most values per LSH band accepted by [`DedupConfig::validate`].
pub const MAX_BAND_ROWS: usize = 16;

/// What counts as a duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// No deduplication: every article is its own cluster.
    Off,
    /// Identical texts after normalization: case, whitespace and punctuation are ignored (only the
    /// sequence of lowercased words counts).
    Exact,
    /// Exact duplicates, plus texts whose estimated Jaccard similarity over word shingles reaches
    /// [`DedupConfig::threshold`].
    #[default]
    Near,
}

impl Mode {
    /// The name used on command lines: `off`, `exact` or `near`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Exact => "exact",
            Mode::Near => "near",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Ok(Mode::Off),
            "exact" => Ok(Mode::Exact),
            "near" => Ok(Mode::Near),
            _ => Err(Error::UnknownMode(s.to_string())),
        }
    }
}

/// Deduplication settings. Plain data with sensible defaults; [`Signer::new`](crate::Signer::new)
/// and [`Clusterer::new`](crate::Clusterer::new) validate it.
///
/// Sign and cluster with the same settings: signatures made with another `shingle_words` are not
/// comparable.
#[derive(Debug, Clone, PartialEq)]
pub struct DedupConfig {
    /// Off, exact or near duplicates. Default: [`Mode::Near`].
    pub mode: Mode,
    /// Smallest estimated Jaccard similarity (over sets of word shingles) between an article and its
    /// cluster's canonical article for the article to be marked a near duplicate. Default: 0.5, tuned
    /// on OrangeSum (see `docs/benchmarks/dedup.md`): with 2-word shingles, edited copies of an
    /// article (5% of words changed, paragraphs reordered, other chrome lines and headline) score
    /// 0.55–0.9 (1st percentile 0.47), the most similar other story of the same day 0–0.3 (99th
    /// percentile 0.28). A threshold of 0.8 would miss most edited copies: 5% of changed words
    /// already break about 10% of the shingles on each side.
    pub threshold: f32,
    /// Words per shingle (1..=16). Default: 2, which separated edited copies from other stories
    /// best on OrangeSum (3 and 4 lose more edited copies at the same precision).
    pub shingle_words: usize,
    /// Values per LSH band (1..=16): the 128 MinHash values are cut into `128 / band_rows` bands
    /// of `band_rows` values (left-over values are only used to estimate similarities), and two
    /// articles are compared when one band is identical. Fewer rows find more pairs at low
    /// similarity (better recall, more comparisons of unrelated articles). Default: 3, so 42
    /// bands: a pair at similarity 0.5 becomes a candidate with probability 0.996, at 0.4 with
    /// 0.93, at 0.05 (unrelated articles in the same language) with 0.005.
    pub band_rows: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            mode: Mode::Near,
            threshold: 0.5,
            shingle_words: 2,
            band_rows: 3,
        }
    }
}

impl DedupConfig {
    /// The default settings with another mode.
    pub fn with_mode(mode: Mode) -> Self {
        DedupConfig {
            mode,
            ..DedupConfig::default()
        }
    }

    /// Checks every setting; the error names the first bad one.
    pub fn validate(&self) -> Result<(), Error> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(Error::InvalidThreshold(self.threshold));
        }
        if self.shingle_words == 0 || self.shingle_words > MAX_SHINGLE_WORDS {
            return Err(Error::InvalidShingleWords {
                got: self.shingle_words,
                max: MAX_SHINGLE_WORDS,
            });
        }
        if self.band_rows == 0 || self.band_rows > MAX_BAND_ROWS {
            return Err(Error::InvalidBandRows {
                got: self.band_rows,
                max: MAX_BAND_ROWS,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_round_trips_through_its_name() {
        for mode in [Mode::Off, Mode::Exact, Mode::Near] {
            assert_eq!(mode.as_str().parse::<Mode>(), Ok(mode));
        }
        assert_eq!(" NEAR ".parse::<Mode>(), Ok(Mode::Near));
        assert_eq!(
            "fuzzy".parse::<Mode>(),
            Err(Error::UnknownMode("fuzzy".into()))
        );
    }

    #[test]
    fn validate_rejects_bad_settings() {
        assert_eq!(DedupConfig::default().validate(), Ok(()));
        let bad = |f: fn(&mut DedupConfig)| {
            let mut c = DedupConfig::default();
            f(&mut c);
            c.validate()
        };
        assert_eq!(
            bad(|c| c.threshold = 1.5),
            Err(Error::InvalidThreshold(1.5))
        );
        assert!(matches!(
            bad(|c| c.threshold = f32::NAN),
            Err(Error::InvalidThreshold(_))
        ));
        assert_eq!(
            bad(|c| c.shingle_words = 0),
            Err(Error::InvalidShingleWords { got: 0, max: 16 })
        );
        assert_eq!(
            bad(|c| c.band_rows = 17),
            Err(Error::InvalidBandRows { got: 17, max: 16 })
        );
        assert_eq!(
            bad(|c| c.band_rows = 0),
            Err(Error::InvalidBandRows { got: 0, max: 16 })
        );
    }
}
