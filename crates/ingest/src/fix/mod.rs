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
    let n_replacement = controls::replacement_chars(&t);
    (nfc(t), n_entities + n_mojibake + n_controls + n_replacement)
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

fn nfc(t: Cow<'_, str>) -> Cow<'_, str> {
    // Characters below U+0300 are all NFC-stable: a text without a byte >= 0xCC is NFC.
    if !t.bytes().any(|b| b >= 0xCC) || is_nfc_quick(t.chars()) == IsNormalized::Yes {
        return t;
    }
    Cow::Owned(t.nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

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
