//! Word tokens and their hashes: the only view of the text that signatures use.
//!
//! A word is a maximal run of alphanumeric characters ([`char::is_alphanumeric`]); everything else
//! (spaces, punctuation, symbols, line breaks) separates words and is otherwise ignored. Words are
//! lowercased before hashing, so `Le`, `LE` and `le` are one word. No allocation, one pass.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A strong 64-bit finalizer (SplitMix64): spreads every input bit over every output bit.
#[inline]
pub(crate) fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Calls `f` with the hash of each lowercased word of `text`, in order.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(u64)) {
    let mut h = FNV_OFFSET;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                h = (h ^ u64::from(c.to_ascii_lowercase() as u8)).wrapping_mul(FNV_PRIME);
                in_word = true;
                continue;
            }
        } else if c.is_alphanumeric() {
            for lc in c.to_lowercase() {
                h = (h ^ u64::from(u32::from(lc))).wrapping_mul(FNV_PRIME);
            }
            in_word = true;
            continue;
        }
        if in_word {
            f(mix64(h));
            h = FNV_OFFSET;
            in_word = false;
        }
    }
    if in_word {
        f(mix64(h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<u64> {
        let mut v = Vec::new();
        for_each_word(text, |h| v.push(h));
        v
    }

    #[test]
    fn case_punctuation_and_spacing_are_ignored() {
        assert_eq!(hashes("L'Élysée a réagi."), hashes("l' ÉLYSÉE\n a — réagi"));
        assert_eq!(hashes("L'Élysée a réagi.").len(), 4);
        assert_ne!(hashes("réagi"), hashes("reagi"));
        assert_ne!(hashes("ab"), hashes("ba"));
    }

    #[test]
    fn no_words_in_empty_or_symbol_only_text() {
        assert!(hashes("").is_empty());
        assert!(hashes(" \n\t«»—…!?\u{a0}").is_empty());
        assert_eq!(hashes("2022").len(), 1);
    }
}
