//! Text repair: HTML entities, mojibake, control characters, NFC. Each step returns its input
//! borrowed when it has nothing to do, so clean text costs a few scans and one copy.

mod controls;
mod entities;
mod mojibake;

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Repaired text and the number of repairs made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    /// The repaired text, in NFC.
    pub text: String,
    /// Mojibake sequences (summed over layers), HTML entities and removed control characters,
    /// plus the U+FFFD replacement characters present (bytes that could not be decoded).
    pub repairs: u32,
}

/// Runs every repair step on `text`.
pub(crate) fn fix(text: &str) -> Fixed {
    let (t, repairs) = fix_cow(text);
    Fixed {
        text: t.into_owned(),
        repairs,
    }
}

/// Like [`fix`], reusing `text` when nothing changes.
pub(crate) fn fix_owned(text: String) -> Fixed {
    let (t, repairs) = fix_cow(&text);
    match t {
        Cow::Borrowed(_) => Fixed { text, repairs },
        Cow::Owned(o) => Fixed { text: o, repairs },
    }
}

fn fix_cow(text: &str) -> (Cow<'_, str>, u32) {
    let (t, n_entities) = entities::decode(text);
    let (t, n_mojibake) = chain(t, mojibake::repair);
    let (t, n_controls) = chain(t, controls::clean);
    let (t, n_replacement) = match nfc_scan(&t) {
        Some(n) => (t, n),
        None => {
            let n = controls::replacement_chars(&t);
            (Cow::Owned(t.nfc().collect()), n)
        }
    };
    (t, n_entities + n_mojibake + n_controls + n_replacement)
}

fn chain<'a>(t: Cow<'a, str>, step: fn(&str) -> (Cow<'_, str>, u32)) -> (Cow<'a, str>, u32) {
    match t {
        Cow::Borrowed(b) => step(b),
        Cow::Owned(o) => {
            let (r, n) = step(&o);
            (Cow::Owned(r.into_owned()), n)
        }
    }
}

/// When `is_nfc_quick(t.chars()) == IsNormalized::Yes`, the number of U+FFFD in `t` (as
/// [`controls::replacement_chars`] counts them); `None` otherwise. Only the characters from U+0300 up
/// are looked at.
///
/// Characters below U+0300 (UTF-8 lead bytes below 0xCC) are all NFC-stable starters: the quick
/// check lets them through and starts afresh after each, as after ASCII. So the text passes exactly
/// when every run of characters from U+0300 up passes on its own; French text is mostly below
/// U+0300 (`é`, `«`), with runs of one character (`’`) between. U+FFFD (0xEF 0xBF 0xBD) is among
/// those characters, so they are counted on the way instead of in a search of their own.
fn nfc_scan(t: &str) -> Option<u32> {
    let b = t.as_bytes();
    let mut replacements = 0;
    let mut i = 0;
    while i < b.len() {
        // Whole 32-byte blocks below 0xCC are skipped in one test each.
        while let Some(block) = b.get(i..i + 32) {
            if block.iter().fold(0u8, |m, &x| m | (x >= 0xCC) as u8) != 0 {
                break;
            }
            i += 32;
        }
        let Some(k) = b[i..].iter().position(|&x| x >= 0xCC) else {
            return Some(replacements);
        };
        let start = i + k;
        let mut end = start;
        while end < b.len() && b[end] >= 0xCC {
            if b[end..].starts_with("\u{FFFD}".as_bytes()) {
                replacements += 1;
            }
            end += utf8_len(b[end]);
        }
        if is_nfc_quick(t[start..end].chars()) != IsNormalized::Yes {
            return None;
        }
        i = end;
    }
    Some(replacements)
}

/// Bytes in the UTF-8 sequence that starts with lead byte `lead` (from 0xC0 up).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nfc_shortcut_sees_marks_out_of_order() {
        // Two marks that are each NFC-stable but out of canonical order (classes 230 then 10).
        assert_eq!(nfc_scan("a\u{592}\u{5B0}"), None);
        assert_eq!(
            nfc_scan("a\u{5B0}\u{592} l’été « ok » \u{FFFD}\u{FFFD}"),
            Some(2)
        );
    }

    proptest! {
        #[test]
        fn nfc_shortcut_agrees_with_the_quick_check(
            text in "[a-zé«’\u{300}\u{301}\u{327}\u{340}\u{344}\u{0F73}\u{1E0B}\u{212B}\u{AC00}\u{1100}\u{1161}\u{1D15E}\u{1F600}\u{316}\u{310}\u{5B0}\u{591}\u{592}\u{FFFD}\u{FFFC}\u{EFBD}\u{BF} ]{0,64}"
        ) {
            let yes = is_nfc_quick(text.chars()) == IsNormalized::Yes;
            let expected = yes.then(|| controls::replacement_chars(&text));
            prop_assert_eq!(nfc_scan(&text), expected);
        }
    }

    #[test]
    fn all_steps_together() {
        let f = fix("L&rsquo;Ã©tÃ©\r\nde\u{0} l’Otan, cafe\u{301} \u{FFFD}");
        assert_eq!(f.text, "L’été\nde l’Otan, café \u{FFFD}");
        assert_eq!(f.repairs, 1 + 2 + 1 + 1);
    }

    #[test]
    fn clean_text_is_identical() {
        let clean =
            "Les ministres ont « réaffirmé » l’unité — 10 € — à Genève.\n\nÉTÉ… ÇA « marche »";
        assert_eq!(
            fix(clean),
            Fixed {
                text: clean.to_string(),
                repairs: 0
            }
        );
    }
}
