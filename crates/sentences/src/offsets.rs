//! Byte offsets to code point offsets.

use crate::Sentence;

/// Converts byte offsets into code point (Unicode scalar) offsets, the offsets of the tables and of
/// Python string slicing.
///
/// It keeps a cursor, so converting offsets in increasing order costs one pass over the text in
/// total (counting the bytes that start a character, which the compiler vectorizes). An offset smaller
/// than the previous one restarts from the beginning: still correct, only slower. An offset that is
/// not on a `char` boundary counts the characters that start before it; an offset past the end gives
/// the number of characters of the text.
///
/// ```
/// use toolkit_sentences::CharOffsets;
/// let text = "Été. Oui.";
/// let mut offsets = CharOffsets::new(text);
/// assert_eq!(offsets.char_offset(7), 5); // "Été. " is 7 bytes, 5 chars
/// assert_eq!(offsets.char_offset(text.len()), 9);
/// ```
#[derive(Clone, Debug)]
pub struct CharOffsets<'t> {
    bytes: &'t [u8],
    byte: usize,
    chars: usize,
}

impl<'t> CharOffsets<'t> {
    /// A converter for offsets into `text`.
    pub fn new(text: &'t str) -> Self {
        CharOffsets {
            bytes: text.as_bytes(),
            byte: 0,
            chars: 0,
        }
    }

    /// The code point offset of byte offset `byte`.
    pub fn char_offset(&mut self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += count_char_starts(&self.bytes[self.byte..byte]);
        self.byte = byte;
        self.chars
    }

    /// The code point span `(start, end)` of a sentence of this text.
    pub fn span(&mut self, sentence: &Sentence) -> (usize, usize) {
        (
            self.char_offset(sentence.start),
            self.char_offset(sentence.end),
        )
    }
}

/// Converts byte offsets into code point offsets in one call; fastest when `byte_offsets` is sorted
/// (see [`CharOffsets`]).
///
/// ```
/// assert_eq!(toolkit_sentences::to_char_offsets("« Oui »", &[0, 3, 9]), vec![0, 2, 7]);
/// ```
pub fn to_char_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut offsets = CharOffsets::new(text);
    byte_offsets
        .iter()
        .map(|&b| offsets.char_offset(b))
        .collect()
}

fn count_char_starts(bytes: &[u8]) -> usize {
    // Continuation bytes are 0b10xx_xxxx, i.e. -128..=-65 as i8; every other byte starts a char.
    // Counted in blocks of 64 bytes into a `u8`, which the compiler turns into wide vector compares
    // and adds (a `usize` counter per byte would waste most of each vector on counter lanes).
    let is_start = |b: &u8| u8::from((*b as i8) >= -0x40);
    let mut blocks = bytes.chunks_exact(64);
    let mut n = 0;
    for block in &mut blocks {
        n += usize::from(block.iter().map(is_start).fold(0u8, u8::wrapping_add));
    }
    // The rest (a sentence ends anywhere in a block) by 8 bytes in a `u64`: a continuation byte
    // has bit 7 set and bit 6 clear, `x << 1` brings bit 6 under bit 7, and a multiplication adds
    // the eight flags into the top byte. The lanes of a vector loop would be `usize` counters.
    let mut words = blocks.remainder().chunks_exact(8);
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        let continuation = x & !(x << 1) & 0x8080_8080_8080_8080;
        n += 8 - ((continuation >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
    }
    n + words
        .remainder()
        .iter()
        .map(|b| usize::from(is_start(b)))
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_char_indices_on_every_boundary() {
        let text = "Aé€😀 b\u{202f}»";
        let mut offsets = CharOffsets::new(text);
        for (n, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.char_offset(b), n, "byte {b}");
        }
        assert_eq!(offsets.char_offset(text.len()), text.chars().count());
    }

    #[test]
    fn counts_char_starts_across_blocks() {
        let text = "é".repeat(100) + &"a".repeat(70) + "😀€" + &"ü".repeat(64);
        for end in 0..=text.len() {
            let want = text.as_bytes()[..end]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count();
            assert_eq!(count_char_starts(&text.as_bytes()[..end]), want, "{end}");
        }
    }

    /// Every byte value at every position of the 8-byte words after a block, among ASCII, lead
    /// and continuation bytes.
    #[test]
    fn counts_every_byte_in_the_words() {
        for fill in [b'a', 0xC3, 0xA9, 0xBF, 0xF0] {
            for b in 0..=255u8 {
                for k in 64..80 {
                    let mut bytes = [fill; 83];
                    bytes[k] = b;
                    let want = bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
                    assert_eq!(count_char_starts(&bytes), want, "{fill:#x} {b:#x} {k}");
                }
            }
        }
    }

    #[test]
    fn going_back_restarts_and_out_of_range_clamps() {
        let text = "ééé";
        let mut offsets = CharOffsets::new(text);
        assert_eq!(offsets.char_offset(6), 3);
        assert_eq!(offsets.char_offset(2), 1);
        assert_eq!(
            offsets.char_offset(3),
            2,
            "inside a char: chars that start before"
        );
        assert_eq!(offsets.char_offset(100), 3);
        assert_eq!(to_char_offsets(text, &[4, 0, 2]), vec![2, 0, 1]);
    }
}
