//! Control characters: `\r\n` and lone `\r` become `\n`; other C0 controls (except `\t`, `\n`),
//! DEL, C1 controls and a leading byte order mark are removed. U+FFFD is kept but counted.

use std::borrow::Cow;

fn is_removed(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}'..='\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
}

fn is_removed_byte(x: u8) -> bool {
    (x < 0x20 && x != b'\n' && x != b'\t') || x == 0x7F
}

/// Whether `b` holds a C0 control other than tab and newline, or DEL. Eight bytes at a time: a word
/// with no byte below 0x20 and no 0x7F (the usual case between two newlines) is skipped whole.
fn has_removed_byte(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let d = w ^ (ONES * 0x7F);
        let del = d.wrapping_sub(ONES) & !d & HIGHS;
        if (below_space | del) != 0 && chunk.iter().any(|&x| is_removed_byte(x)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&x| is_removed_byte(x))
}

fn needs_pass(s: &str) -> bool {
    let b = s.as_bytes();
    s.starts_with('\u{FEFF}')
        || has_removed_byte(b)
        || memchr::memchr_iter(0xC2, b).any(|i| b.get(i + 1).is_some_and(|&n| n < 0xA0))
}

/// Returns the cleaned text and the number of removed controls (newline conversions not counted).
pub(crate) fn clean(s: &str) -> (Cow<'_, str>, u32) {
    if !needs_pass(s) {
        return (Cow::Borrowed(s), 0);
    }
    let body = s.strip_prefix('\u{FEFF}').unwrap_or(s);
    let mut removed = u32::from(body.len() != s.len());
    let mut out = String::with_capacity(s.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else if is_removed(c) {
            removed += 1;
        } else {
            out.push(c);
        }
    }
    (Cow::Owned(out), removed)
}

/// The number of U+FFFD replacement characters.
pub(crate) fn replacement_chars(s: &str) -> u32 {
    let n = memchr::memmem::find_iter(s.as_bytes(), "\u{FFFD}".as_bytes()).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_scan_finds_every_removed_byte() {
        for x in 0..=255u8 {
            for pos in 0..19 {
                let mut b = vec![b'a'; 19];
                b[pos] = x;
                let naive = b.iter().any(|&y| is_removed_byte(y));
                assert_eq!(has_removed_byte(&b), naive, "byte {x:#x} at {pos}");
            }
        }
        assert!(!has_removed_byte("déjà\tvu\n« ok » \u{7E}".as_bytes()));
    }

    #[test]
    fn controls() {
        let (t, n) = clean("\u{FEFF}a\r\nb\rc\u{0}d\u{7}\te\u{85}f\u{9D}\n");
        assert_eq!(t, "a\nb\ncd\tef\n");
        assert_eq!(n, 5);
        let (t, n) = clean("déjà\tvu\n« ok »");
        assert!(matches!(t, Cow::Borrowed(_)));
        assert_eq!(n, 0);
        assert_eq!(replacement_chars("a\u{FFFD}b\u{FFFD}"), 2);
    }
}
