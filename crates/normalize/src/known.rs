//! Lines whose verdict is known before their line key is built: the learned lines of a site and
//! the `exact` rule patterns, looked up by the raw unit with its ASCII letters lowercased.
//!
//! Most units of a flattened page are chrome that recurs on every page of the site, written the
//! same way each time (`Publicité`, a menu item, a teaser). Building the full line key of such a
//! unit (blanks, typography, Unicode lowercase) costs several times more than lowercasing its
//! ASCII letters and one hash lookup.
//!
//! Why the shortcut is exact: every stored key `K` is a line key (`K == line_key(x)` for some
//! `x`), so it has no blank but single spaces between two characters, no space before
//! `: ; ! ? »` nor after `«`, no `’ ‘ ʼ`, no invisible character, and every character of it is its
//! own lowercase. A unit `u` whose bytes equal `K` once its ASCII capitals are lowercased is `K`
//! with some ASCII letters capitalized, and `line_key` only lowercases them back: `line_key(u) ==
//! K` (tested in `text.rs` on keys with random capitals). A unit that is written any other way
//! (a capital `É`, two spaces, a no-break space) misses here and takes the full path, which gives
//! the same answer.

use crate::hash::FxHashMap;
use crate::text::lowercase_ascii_into;

/// What is known about a line: the same answer as the full path (rules and learned chrome).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Known {
    /// Removed by this rule; `credit_with_name` is set for a `credit` line holding `,` or `/`.
    Rule { rule: u32, credit_with_name: bool },
    /// Learned chrome that no rule matches.
    Learned,
}

/// Line keys with their verdicts, looked up by the ASCII-lowercased raw unit.
#[derive(Debug, Default)]
pub(crate) struct KnownLines {
    map: FxHashMap<Box<[u8]>, Known>,
    /// Bit set of the lengths (bytes) of the stored keys: a unit of another length is not looked
    /// up.
    lengths: Vec<u64>,
}

impl KnownLines {
    /// Adds a line key and its verdict (the first verdict of a key is kept).
    pub(crate) fn insert(&mut self, key: &str, known: Known) {
        let n = key.len();
        if self.lengths.len() <= n / 64 {
            self.lengths.resize(n / 64 + 1, 0);
        }
        self.lengths[n / 64] |= 1 << (n % 64);
        self.map.entry(key.as_bytes().into()).or_insert(known);
    }

    /// The verdict of the unit `text[start..end]` if it is a stored key up to ASCII case.
    /// `scratch` receives the lowercased unit.
    #[inline]
    pub(crate) fn get(
        &self,
        text: &str,
        start: usize,
        end: usize,
        scratch: &mut Vec<u8>,
    ) -> Option<Known> {
        let n = end - start;
        let word = self.lengths.get(n / 64)?;
        if word & (1 << (n % 64)) == 0 {
            return None;
        }
        let lowered = lowercase_ascii_into(text.as_bytes(), start, end, scratch);
        self.map.get(lowered).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_ascii_case_only() {
        let mut k = KnownLines::default();
        k.insert("publicité", Known::Learned);
        k.insert(
            "© afp",
            Known::Rule {
                rule: 3,
                credit_with_name: false,
            },
        );
        let mut buf = Vec::new();
        let text = "xx PUBLICITé Publicité PUBLICITÉ © AFP publicité. ";
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            (i, i + s.len())
        };
        for (s, want) in [
            ("PUBLICITé", Some(Known::Learned)),
            ("Publicité", Some(Known::Learned)),
            ("PUBLICITÉ", None),
            ("publicité.", None),
            (
                "© AFP",
                Some(Known::Rule {
                    rule: 3,
                    credit_with_name: false,
                }),
            ),
        ] {
            let (a, b) = at(s);
            assert_eq!(k.get(text, a, b, &mut buf), want, "{s:?}");
        }
        // At the very end of the text (no bytes to read past the unit).
        let t = "Publicité";
        assert_eq!(k.get(t, 0, t.len(), &mut buf), Some(Known::Learned));
    }
}
