//! Why a segment was removed.

use std::fmt;
use std::str::FromStr;

/// The reason a segment was removed: the `class` column of the `removed` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Class {
    /// Site chrome: menus, share and follow widgets, teaser lists, counters.
    Chrome,
    /// A photo caption.
    Caption,
    /// A photo or text credit line (`© AFP, ...`).
    Credit,
    /// Consent, subscription and cookie notices.
    Consent,
    /// Advertising labels and sponsored links.
    Ad,
    /// A paragraph that repeats earlier text of the same document.
    Repeated,
    /// Publication stubs, dates and times, bylines.
    Metadata,
    /// A line that recurs across many documents of the same site (see
    /// [`ChromeLearner`](crate::ChromeLearner)).
    Learned,
}

impl Class {
    /// All classes, in a fixed order.
    pub const ALL: [Class; 8] = [
        Class::Chrome,
        Class::Caption,
        Class::Credit,
        Class::Consent,
        Class::Ad,
        Class::Repeated,
        Class::Metadata,
        Class::Learned,
    ];

    /// The lowercase name used in rule files and in the `removed` table.
    #[inline]
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Chrome => "chrome",
            Class::Caption => "caption",
            Class::Credit => "credit",
            Class::Consent => "consent",
            Class::Ad => "ad",
            Class::Repeated => "repeated",
            Class::Metadata => "metadata",
            Class::Learned => "learned",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of [`Class::from_str`]: the name is not a known class.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown class `{0}`")]
pub struct UnknownClass(pub String);

impl FromStr for Class {
    type Err = UnknownClass;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Class::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownClass(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Class::ALL {
            assert_eq!(c.as_str().parse::<Class>(), Ok(c));
        }
        assert_eq!("Chrome".parse::<Class>(), Ok(Class::Chrome));
        assert!("menu".parse::<Class>().is_err());
    }
}
