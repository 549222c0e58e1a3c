//! Repair of UTF-8 text that was decoded as windows-1252 or latin-1, one or more times.
//!
//! A candidate is a UTF-8 lead byte (as a windows-1252 character: `Â` `Ã` `â` `ð` ...) followed by the
//! continuation bytes it needs (windows-1252 characters for bytes 0x80..=0xBF, or the C1 controls that
//! latin-1 and the five unmapped windows-1252 bytes give). The candidate is repaired only when its bytes
//! are valid UTF-8 *and* the result is plausible: Latin letters, general punctuation, currency, emoji
//! ("strong"); other scripts (Greek, Cyrillic, CJK, ...) only when at least two candidates touch, so a
//! correct `été »` (`é` + NBSP + `»`, valid UTF-8 bytes for a CJK character) is never touched.

use std::borrow::Cow;

/// The windows-1252 byte of `c` (latin-1 for U+0080..=U+00FF, which also covers the five bytes
/// windows-1252 leaves unmapped and that decoders turn into C1 controls).
fn cp1252_byte(c: char) -> Option<u8> {
    let u = u32::from(c);
    if (0x80..=0xFF).contains(&u) {
        return u8::try_from(u).ok();
    }
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    })
}

fn continuation(c: char) -> Option<u8> {
    cp1252_byte(c).filter(|b| (0x80..=0xBF).contains(b))
}

struct Candidate {
    start: usize,
    end: usize,
    fixed: char,
    strong: bool,
}

/// Whether a decoded character is a plausible repair on its own (`strong`) or only next to another
/// repair (`weak`). `None`: never.
fn plausibility(lead: u8, second: u8, fixed: char, prev: Option<char>) -> Option<bool> {
    let u = u32::from(fixed);
    Some(match lead {
        0xC2 | 0xC3 => {
            if u < 0xA0 {
                return None; // C1 controls are never what the writer meant
            }
            true
        }
        // Latin Extended-A (œ Œ ł ş ...); NBSP as continuation is too ambiguous (`ÅSA »`).
        0xC4 | 0xC5 => second != 0xA0,
        // Romanian comma letters and spacing modifiers; the rest of Latin Extended-B/IPA is rare.
        0xC6..=0xCB => (0x218..=0x21B).contains(&u) || (0x2C6..=0x2DD).contains(&u),
        // Greek (`Î¼` → `μ` in `80 μg/m3`), except after NBSP (`Î\u{A0}»`).
        0xCE | 0xCF => second != 0xA0,
        // Combining diacritics after a letter (decomposed text: `eÌ\u{81}`).
        0xCC | 0xCD => prev.is_some_and(char::is_alphabetic),
        // General punctuation, currency, letterlike, arrows, math, shapes, dingbats. Not U+2400..=U+253F
        // (second byte 0x90..=0x94: `‘’“”` after `â` in real text) nor braille/CJK radicals (>= 0xA0).
        0xE2 => matches!(second, 0x80..=0x8F | 0x95..=0x9F),
        // A byte order mark (`ï»¿`).
        0xEF if u == 0xFEFF => true,
        0xF0 => u >= 0x1F000,
        _ => false,
    })
}

/// Whether a candidate can start at `b[i]`: a lead character (every one, U+00C2..=U+00F4, is
/// 0xC3 0x82..=0xB4 in UTF-8) followed by a character that starts like a continuation one (0xC2,
/// 0xC5, 0xC6, 0xCB or 0xE2), or `â` (0xC3 0xA2), which may have lost its last byte. The cheap
/// reject of [`repair_layer`] lets through no other position.
fn may_start(b: &[u8], i: usize) -> bool {
    b[i] == 0xC3
        && (b.get(i + 1) == Some(&0xA2)
            || matches!(b.get(i + 2), Some(0xC2 | 0xC5 | 0xC6 | 0xCB | 0xE2)))
}

/// The first position from `from` on where [`may_start`] holds. Whole 32-byte blocks where it
/// cannot (the usual case: `é`, `à` and the other 0xC3 letters of French text are followed by ASCII)
/// are skipped in one test each, which compiles to a few vector instructions. The test is looser
/// than [`may_start`] (any byte from 0xC2 up two bytes after 0xC3, not only the five lead bytes),
/// which takes half the instructions of the exact one; a block it lets through for nothing (`éè`,
/// `é’`) is read byte by byte and left behind. Kept out of line: inlined in [`repair_layer`], whose
/// loop calls the allocator, it reloaded the test's three vector constants at every block.
#[inline(never)]
fn next_candidate(b: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(window) = b.get(i..i + 34) {
        let w: &[u8; 34] = window.try_into().expect("34 bytes");
        let any = (0..32).fold(false, |m, j| {
            m | ((w[j] == 0xC3) & ((w[j + 1] == 0xA2) | (w[j + 2] >= 0xC2)))
        });
        if any {
            if let Some(k) = (i..i + 32).find(|&k| may_start(b, k)) {
                return Some(k);
            }
        }
        i += 32;
    }
    (i..b.len()).find(|&k| may_start(b, k))
}

/// One layer of repair. `None` when nothing was repaired.
fn repair_layer(s: &str) -> Option<(String, u32)> {
    let bytes = s.as_bytes();
    let mut cands: Vec<Candidate> = Vec::new();
    let mut pos = 0;
    while let Some(i) = next_candidate(bytes, pos) {
        pos = i + 1;
        let Some(&b2) = bytes.get(i + 1) else { break };
        let lead = 0xC0 | (b2 & 0x3F);
        let need = match lead {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => continue,
        };
        // Cheap reject: the next character must start with a byte that can begin a continuation char.
        match bytes.get(i + 2) {
            Some(0xC2 | 0xC5 | 0xC6 | 0xCB | 0xE2) => {}
            _ if lead == 0xE2 => {} // lost byte: `â€` then anything
            _ => continue,
        }
        let mut buf = [lead, 0, 0, 0];
        let mut k = 1;
        let mut j = i + 2;
        let rest = &s[j..];
        for c in rest.chars() {
            if k == need {
                break;
            }
            match continuation(c) {
                Some(b) => {
                    buf[k] = b;
                    k += 1;
                    j += c.len_utf8();
                }
                None => break,
            }
        }
        if k < need {
            // `â€` + a lost 0x9D (the unmapped byte) is `”`; a U+FFFD in its place is consumed.
            if lead == 0xE2 && k == 2 && buf[1] == 0x80 {
                buf[2] = 0x9D;
                if s[j..].starts_with('\u{FFFD}') {
                    j += '\u{FFFD}'.len_utf8();
                }
            } else {
                continue;
            }
        }
        let Ok(decoded) = std::str::from_utf8(&buf[..need]) else {
            continue;
        };
        let Some(fixed) = decoded.chars().next() else {
            continue;
        };
        let prev = s[..i].chars().next_back();
        if let Some(strong) = plausibility(lead, buf[1], fixed, prev) {
            cands.push(Candidate {
                start: i,
                end: j,
                fixed,
                strong,
            });
            pos = j;
        }
    }
    if cands.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut count = 0;
    for (n, c) in cands.iter().enumerate() {
        let touches = (n > 0 && cands[n - 1].end == c.start)
            || cands.get(n + 1).is_some_and(|next| next.start == c.end);
        if c.strong || touches {
            out.push_str(&s[last..c.start]);
            out.push(c.fixed);
            last = c.end;
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    out.push_str(&s[last..]);
    Some((out, count))
}

/// Repairs up to four layers of mojibake; returns the text and the number of sequences repaired
/// (summed over layers). Borrowed, with no allocation, when there is nothing to repair.
pub(crate) fn repair(s: &str) -> (Cow<'_, str>, u32) {
    let mut text = Cow::Borrowed(s);
    let mut total = 0;
    for _ in 0..4 {
        match repair_layer(&text) {
            Some((fixed, n)) => {
                text = Cow::Owned(fixed);
                total += n;
            }
            None => break,
        }
    }
    (text, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::WINDOWS_1252;

    /// What a writer gets by encoding `s` in UTF-8 and decoding it as windows-1252 (WHATWG).
    fn as_cp1252(s: &str) -> String {
        WINDOWS_1252
            .decode_without_bom_handling(s.as_bytes())
            .0
            .into_owned()
    }

    fn as_latin1(s: &str) -> String {
        s.bytes().map(char::from).collect()
    }

    #[test]
    fn known_sequences() {
        for (bad, good) in [
            ("Ã©tÃ©", "été"),
            ("lâ€™Otan", "l’Otan"),
            ("Ã‚Â« oui Ã‚Â»", "« oui »"),
            ("ÃƒÂ©", "é"),
            ("Â°C", "°C"),
            ("cÅ“ur", "cœur"),
            ("â‚¬", "€"),
            ("â€œ citation â€", "“ citation ”"),
            ("Ã\u{81}frique", "Áfrique"),
            ("ï»¿Titre", "\u{FEFF}Titre"),
            ("ðŸ˜€", "😀"),
            ("80 Î¼g/m3", "80 μg/m3"),
            ("ÐœÐ¾Ñ\u{81}ÐºÐ²Ð°", "Москва"),
        ] {
            assert_eq!(repair(bad).0, good, "{bad}");
        }
    }

    #[test]
    fn one_and_two_layers_roundtrip() {
        let text =
            "Les ministres ont « réaffirmé » l’unité de l’Otan — 10 € — à Genève, cœur de l’été…";
        let one = as_cp1252(text);
        assert_ne!(one, text);
        assert_eq!(repair(&one).0, text);
        let two = as_cp1252(&one);
        assert_eq!(repair(&two).0, text);
        let latin = as_latin1("déjà l’été");
        assert_eq!(repair(&latin).0, "déjà l’été");
    }

    #[test]
    fn the_block_scan_finds_every_start() {
        let starts = [
            &[0xC3, 0xA2][..],
            &[0xC3, 0x83, 0xC2],
            &[0xC3, 0xA9, 0xE2],
            &[0xC3, 0x85, 0xCB],
        ];
        for start in starts {
            for pos in 0..80 {
                for len in [pos + start.len(), pos + start.len() + 1, 100] {
                    let mut b = vec![b'a'; len.max(pos + start.len())];
                    b[pos..pos + start.len()].copy_from_slice(start);
                    for from in [0, pos, pos + 1] {
                        let naive = (from..b.len()).find(|&k| may_start(&b, k));
                        assert_eq!(
                            next_candidate(&b, from),
                            naive,
                            "{start:x?} at {pos} of {len}"
                        );
                    }
                }
            }
        }
        let plain = "déjà l’été, à Genève « ok »".repeat(5);
        assert_eq!(next_candidate(plain.as_bytes(), 0), None);
        // Blocks the loose test lets through for nothing, then a start in the same block or a
        // later one.
        let decoys = [
            &[0xC3, 0xA9, 0xC3, 0xA8][..],
            &[0xC3, 0xA9, 0xE2, 0x80, 0x99],
        ];
        for decoy in decoys {
            for d in 0..40 {
                for (pos, start) in (d + decoy.len()..110).zip(starts.iter().cycle()) {
                    let mut b = vec![b'a'; 120];
                    b[d..d + decoy.len()].copy_from_slice(decoy);
                    b[pos..pos + start.len()].copy_from_slice(start);
                    for from in [0, d, pos] {
                        let naive = (from..b.len()).find(|&k| may_start(&b, k));
                        assert_eq!(
                            next_candidate(&b, from),
                            naive,
                            "{decoy:x?} at {d}, {start:x?} at {pos}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn correct_text_is_untouched() {
        for ok in [
            "Ã",
            "Â",
            "SÃO PAULO",
            "AMANHÃ »",
            "l’été »",
            "« à »",
            "déjà « là »",
            "ÉTÉ…",
            "ÇA « marche »",
            "Må « bien »",
            "Ærø",
            "PÂTES",
            "L'été\u{A0}» à\u{A0}« Genève »",
            "Москва",
            "😀 ’ “ ” € œ",
            "ÅSA\u{A0}»",
            "Å\u{A0}»",
            "ÎLE\u{A0}»",
            "pâ’œuvre",
            "â“œ",
        ] {
            let (t, n) = repair(ok);
            assert!(matches!(t, Cow::Borrowed(_)), "{ok} -> {t}");
            assert_eq!((t.as_ref(), n), (ok, 0), "{ok}");
        }
    }
}
