//! Control characters: `\r\n` and lone `\r` become `\n`; other C0 controls (except `\t`, `\n`),
//! DEL, C1 controls and a leading byte order mark are removed. U+FFFD is kept but counted.

use std::borrow::Cow;

fn is_removed(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}'..='\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
}

fn is_removed_byte(x: u8) -> bool {
    (x < 0x20 && x != b'\n' && x != b'\t') || x == 0x7F
}

/// Whether the byte `b[i]` starts something [`clean`] removes: a C0 control other than tab and
/// newline, DEL, or a C1 control (0xC2 then 0x80..=0x9F).
fn removed_at(b: &[u8], i: usize) -> bool {
    is_removed_byte(b[i]) || (b[i] == 0xC2 && b.get(i + 1).is_some_and(|&n| n < 0xA0))
}

/// Whether [`removed_at`] holds anywhere in `b`. Whole 32-byte blocks with no C0 control but
/// newline, no DEL and no 0xC2 (the usual case: `«`, `»` and NBSP are the only 0xC2 of French text)
/// are skipped in one test each, which compiles to a few vector instructions. Tabs are let through
/// the test (a sixth fewer instructions) and left behind by the check of the block.
fn has_removed(b: &[u8]) -> bool {
    let suspect = |x: u8| ((x < 0x20) & (x != b'\n')) | (x == 0x7F) | (x == 0xC2);
    let mut blocks = b.chunks_exact(32);
    let mut start = 0;
    for block in &mut blocks {
        if block.iter().fold(false, |m, &x| m | suspect(x))
            && (start..start + 32).any(|i| removed_at(b, i))
        {
            return true;
        }
        start += 32;
    }
    (start..b.len()).any(|i| removed_at(b, i))
}

fn needs_pass(s: &str) -> bool {
    s.starts_with('\u{FEFF}') || has_removed(s.as_bytes())
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
    fn the_block_scan_finds_every_removed_byte() {
        let naive = |b: &[u8]| {
            b.iter().any(|&y| is_removed_byte(y))
                || b.windows(2).any(|w| w[0] == 0xC2 && w[1] < 0xA0)
        };
        for x in 0..=255u8 {
            for next in [b'a', 0x80, 0x9F, 0xA0, 0xBB] {
                for pos in 0..70 {
                    let mut b = vec![b'a'; 70];
                    b[pos] = x;
                    if let Some(n) = b.get_mut(pos + 1) {
                        *n = next;
                    }
                    assert_eq!(
                        has_removed(&b),
                        naive(&b),
                        "byte {x:#x} then {next:#x} at {pos}"
                    );
                }
            }
        }
        assert!(!has_removed("déjà\tvu\n« ok » \u{7E}\u{A0}".as_bytes()));
        assert!(has_removed("déjà vu\u{85}".as_bytes()));
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
