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

/// Byte classes: an ASCII letter or digit maps to itself lowercased (1..=0x7F), any other ASCII
/// byte to 0 (a separator), 0xC3 to [`LATIN1`] (`À`..`ÿ`, told from the next byte) and any other
/// byte from 0x80 up to [`NON_ASCII`] (a character to decode).
const CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    t[0xC3] = LATIN1;
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            0
        };
        i += 1;
    }
    t
};

/// [`FIRST`] and [`CLASS`] in one static, read through one base address (a separate `FIRST` took
/// one more instruction a word to load its address).
#[repr(C)]
struct Tables {
    first: [u64; 128],
    class: [u8; 256],
}
static TABLES: Tables = Tables {
    first: FIRST,
    class: CLASS,
};
const NON_ASCII: u8 = 0x80;
const LATIN1: u8 = 0x81;

/// The word hash after its first character when that is the ASCII letter or digit of class `c`
/// (1..=0x7F in [`CLASS`]): one FNV step from [`FNV_OFFSET`], taken from this table instead of a xor
/// and a multiplication.
const FIRST: [u64; 128] = {
    let mut t = [0; 128];
    let mut c = 0;
    while c < 128 {
        t[c] = (FNV_OFFSET ^ c as u64).wrapping_mul(FNV_PRIME);
        c += 1;
    }
    t
};

/// The lowercase of the character 0xC3 `y` (U+00C0..=U+00FF) when it is a letter (all but × U+00D7
/// and ÷ U+00F7; the capitals, up to U+00DE, lowercase to the letter 0x20 above).
#[inline(always)]
fn latin1_lower(y: u8) -> Option<u64> {
    let c = 0xC0 | u64::from(y & 0x3F);
    match c {
        0xD7 | 0xF7 => None,
        0xC0..=0xDE => Some(c + 0x20),
        _ => Some(c),
    }
}

/// The character at byte `i` of `text` (a char boundary, not ASCII) when it is alphanumeric: its
/// lowercase as one character, or `None` when that takes several (`İ`); `Err` with its length in
/// bytes when it separates words. The Latin-1 range (lead bytes 0xC2 and 0xC3: `é`, `À`, `«`, NBSP)
/// is told from its bytes, other characters are decoded.
#[inline]
fn non_ascii_at(text: &str, i: usize) -> Result<(Option<char>, usize), usize> {
    let b = text.as_bytes();
    match b[i] {
        0xC3 => match latin1_lower(b[i + 1]) {
            Some(lc) => Ok((char::from_u32(lc as u32), 2)),
            None => Err(2),
        },
        // U+0080..=U+00BF: ª µ º are letters and ² ³ ¹ ¼ ½ ¾ numbers, all their own lowercase.
        0xC2 => match b[i + 1] {
            y @ (0xAA | 0xB2 | 0xB3 | 0xB5 | 0xB9 | 0xBA | 0xBC | 0xBD | 0xBE) => {
                Ok((char::from_u32(u32::from(y)), 2))
            }
            _ => Err(2),
        },
        _ => {
            let c = text[i..].chars().next().expect("i is on a char boundary");
            if !c.is_alphanumeric() {
                return Err(c.len_utf8());
            }
            let mut lower = c.to_lowercase();
            let single = match (lower.next(), lower.next()) {
                (Some(l), None) => Some(l),
                _ => None,
            };
            Ok((single, c.len_utf8()))
        }
    }
}

/// Adds the lowercase of the alphanumeric character `lower` stands for (see [`non_ascii_at`]) to
/// the word hash `h`.
#[inline]
fn hash_char(mut h: u64, lower: Option<char>, text: &str, i: usize) -> u64 {
    match lower {
        Some(lc) => (h ^ u64::from(u32::from(lc))).wrapping_mul(FNV_PRIME),
        None => {
            let c = text[i..].chars().next().expect("i is on a char boundary");
            for lc in c.to_lowercase() {
                h = (h ^ u64::from(u32::from(lc))).wrapping_mul(FNV_PRIME);
            }
            h
        }
    }
}

/// The non-ASCII character at byte `i` of `text` (of class `c` in [`CLASS`]): the word hash `h`
/// with it added if it is a letter or digit (`None` if it separates words), and where the next
/// character starts.
#[inline(always)]
fn non_ascii(text: &str, c: u8, i: usize, h: u64) -> (Option<u64>, usize) {
    if c == LATIN1 {
        let lower = latin1_lower(text.as_bytes()[i + 1]);
        return (lower.map(|lc| (h ^ lc).wrapping_mul(FNV_PRIME)), i + 2);
    }
    match non_ascii_at(text, i) {
        Ok((lower, len)) => (Some(hash_char(h, lower, text, i)), i + len),
        Err(len) => (None, i + len),
    }
}

/// Calls `f` with the hash of each lowercased word of `text`, in order (see [`Words`]).
#[inline(always)]
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(u64)) {
    for h in Words::new(text) {
        f(h);
    }
}

/// The hash of each lowercased word of a text, in order.
///
/// Bytes are read through [`CLASS`]: an ASCII letter or digit costs a table load, a xor and a
/// multiplication, a Latin-1 letter a few more operations; only other non-ASCII characters are
/// decoded. `next` is always inlined, so that a caller can take the first word on its own (one
/// copy of the loop) and the others in a loop (another copy) with no test of which word it is.
pub(crate) struct Words<'a> {
    text: &'a str,
    /// A char boundary: where the search for the next word starts.
    i: usize,
}

impl<'a> Words<'a> {
    /// The words of `text`.
    #[inline(always)]
    pub(crate) fn new(text: &'a str) -> Words<'a> {
        Words { text, i: 0 }
    }
}

impl Iterator for Words<'_> {
    type Item = u64;

    #[inline(always)]
    fn next(&mut self) -> Option<u64> {
        let text = self.text;
        let b = text.as_bytes();
        // `n` is no more than `isize::MAX` (true of any slice) and `i` never goes past it, which
        // the compiler can see: `i + 8` cannot overflow, so the chunk's guard below is one compare
        // (without them, it also tested `i + 8` for overflow, 2 instructions a word).
        let n = b.len().min(isize::MAX as usize);
        let mut i = self.i;
        // Between words: find the first character of the next one.
        let mut h = FNV_OFFSET;
        loop {
            if i >= n {
                self.i = i;
                return None;
            }
            let c = TABLES.class[usize::from(b[i])];
            // An ASCII letter or digit (1..=0x7F), the common case, with one test.
            if (c as i8) > 0 {
                h = TABLES.first[usize::from(c)];
                i += 1;
                break;
            }
            if c == 0 {
                i += 1;
                continue;
            }
            let (letter, next) = non_ascii(text, c, i, h);
            // A char ends in the text: `min` changes nothing but tells the compiler `i <= n`.
            i = next.min(n);
            if let Some(with) = letter {
                h = with;
                break;
            }
        }
        // In a word: up to the next separator or the end of the text.
        'word: loop {
            // ASCII letters and digits (1..=0x7F, one test), in a loop of their own, up to `c`,
            // the class of the first byte that is not one. Fast path: while 8 bytes are left, they
            // are read from a fixed-size chunk, with one end-of-text test for the 8 instead of one
            // a byte (the loop over the chunk is unrolled; each byte still has its own class test,
            // so a word of 5 bytes costs no more than one at a time). The last 7 bytes of the text
            // are read one at a time. The chunk is taken after comparing `i + 8` with the length
            // (`b[i..].first_chunk()` costs a slice bound test more), which cannot overflow (see
            // `n`).
            let c = 'ascii: loop {
                let chunk = if i + 8 <= n {
                    b[i..i + 8].first_chunk::<8>()
                } else {
                    None
                };
                if let Some(chunk) = chunk {
                    for &byte in chunk {
                        let c = TABLES.class[usize::from(byte)];
                        if (c as i8) <= 0 {
                            break 'ascii c;
                        }
                        h = (h ^ u64::from(c)).wrapping_mul(FNV_PRIME);
                        i += 1;
                    }
                } else {
                    if i >= n {
                        break 'word;
                    }
                    let c = TABLES.class[usize::from(b[i])];
                    if (c as i8) <= 0 {
                        break 'ascii c;
                    }
                    h = (h ^ u64::from(c)).wrapping_mul(FNV_PRIME);
                    i += 1;
                }
            };
            if c == 0 {
                i += 1;
                break;
            }
            let (letter, next) = non_ascii(text, c, i, h);
            i = next.min(n);
            match letter {
                Some(with) => h = with,
                None => break,
            }
        }
        self.i = i;
        Some(mix64(h))
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

    /// The first implementation: `char` by `char`, `char::is_alphanumeric` and `to_lowercase`.
    fn reference(text: &str) -> Vec<u64> {
        let mut v = Vec::new();
        let mut h = FNV_OFFSET;
        let mut in_word = false;
        for c in text.chars() {
            if c.is_alphanumeric() {
                for lc in c.to_lowercase() {
                    h = (h ^ u64::from(u32::from(lc))).wrapping_mul(FNV_PRIME);
                }
                in_word = true;
            } else if in_word {
                v.push(mix64(h));
                h = FNV_OFFSET;
                in_word = false;
            }
        }
        if in_word {
            v.push(mix64(h));
        }
        v
    }

    #[test]
    fn every_character_below_u_10000_agrees_with_the_reference() {
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            for text in [format!("{c}"), format!("a{c}b"), format!("{c}{c} {c}")] {
                assert_eq!(hashes(&text), reference(&text), "{c:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_reference(text in "\\PC{0,80}") {
            proptest::prop_assert_eq!(hashes(&text), reference(&text));
        }
    }

    proptest::proptest! {
        /// Mostly ASCII words of 1 to 20 bytes (longer than one 8-byte chunk of the fast path),
        /// with accents, other scripts and separators between and inside them, so that words end
        /// at every offset of a chunk and in the last 7 bytes of the text.
        #[test]
        fn ascii_heavy_text_agrees_with_the_reference(
            text in "([a-zA-Z0-9]{1,20}[ ,.'\n]{0,2}|[éÀçœ×«»\u{a0}İ]|[a-z]{0,9}[éè][a-z]{0,12}){0,30}"
        ) {
            proptest::prop_assert_eq!(hashes(&text), reference(&text));
        }
    }

    #[test]
    fn words_of_every_length_at_every_position_agree_with_the_reference() {
        let word = "abcdefghijklmnopqrstuvwxyz0123456789";
        for len in 1..=word.len() {
            for pad in 0..9 {
                for end in ["", " ", ".", "é", "é.", "×", "  x"] {
                    let text = format!("{}{}{end}", " ".repeat(pad), &word[..len]);
                    assert_eq!(hashes(&text), reference(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn no_words_in_empty_or_symbol_only_text() {
        assert!(hashes("").is_empty());
        assert!(hashes(" \n\t«»—…!?\u{a0}").is_empty());
        assert_eq!(hashes("2022").len(), 1);
    }
}
