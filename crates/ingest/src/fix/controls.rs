//! Control characters: `\r\n` and lone `\r` become `\n`; other C0 controls (except `\t`, `\n`),
//! DEL, C1 controls and a leading byte order mark are removed. U+FFFD is kept but counted.

use std::borrow::Cow;

fn is_removed(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}'..='\u{C}' | '\u{E}'..='\u{1F}' | '\u{7F}'..='\u{9F}')
}

fn needs_pass(s: &str) -> bool {
    let b = s.as_bytes();
    s.starts_with('\u{FEFF}')
        || b.iter()
            .any(|&x| (x < 0x20 && x != b'\n' && x != b'\t') || x == 0x7F)
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
