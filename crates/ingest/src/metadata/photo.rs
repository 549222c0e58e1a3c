//! The photo-credit matcher: the matches, in order, of the regex
//!
//! ```text
//! (?m)(?:(?:REUTERS|Reuters)/[^\n]{2,80}|©\s?[^\n]{2,80}|(?-u:\b)(?:AFP|AP|EPA|Getty Images|SIPA|Belga|DPA|ANP)(?: PHOTO)?\s?/\s?[^\n]{2,60}|(?i:crédits? photos?|photo)\s?:\s?[^\n]{2,80})$
//! ```
//!
//! written out by hand. regex's lazy DFA builds states at run time for the counted `[^\n]{2,80}`
//! before `$`, and searching the text for the regex's words to pick the paragraphs to run it on
//! took about as long again; here the tail is one bounded memchr and a count of characters.
//!
//! The regex is tried the way regex does it: at each start position from left to right, the
//! alternatives in order (an inner alternation also in order, or flattened into the outer one,
//! which keeps the priority), and inside an alternative every optional piece first taken, then left
//! out. `[^\n]{2,80}$` can only end at the end of its line, so it matches iff that line has 2 to 80
//! characters left.
//!
//! Start positions are only tried near an anchor: every alternative has a `/` (after `REUTERS` or
//! an agency), a `:` (after `photo`) or a `©`, at most [`MAX_LEAD`] bytes after the match's start
//! (the longest text before one is `Getty Images PHOTO` and a three-byte space, or `crédits photos`
//! with `É`, two `ſ` and a three-byte space). Those bytes are rare in prose, where the regex's
//! first letters are not, and most `:` are not after a letter that ends `photo`.

/// The most bytes between a match's start and its anchor (`/`, `:` or `©`).
const MAX_LEAD: usize = 21;

#[derive(Clone, Copy)]
enum Piece {
    /// This text, exactly.
    Lit(&'static str),
    /// `(?:...|...)`: one of these texts, tried in order.
    OneOf(&'static [&'static str]),
    /// `(?i:...)`: this text (lower case) in any case, with `ſ` for `s` and `É` for `é`.
    Fold(&'static str),
    /// `(?:...)?`: this text or nothing.
    OptLit(&'static str),
    /// `(?i:...)?`: [`Piece::Fold`] or nothing.
    OptFold(&'static str),
    /// `\s?`: one white-space character (line breaks included) or nothing.
    OptSpace,
    /// `(?-u:\b)` before an ASCII letter: no ASCII word byte before.
    Boundary,
    /// `[^\n]{2,max}$`: the rest of the line, 2 to `max` characters.
    Tail(usize),
}

use Piece::{Boundary, Fold, Lit, OneOf, OptFold, OptLit, OptSpace, Tail};

/// The alternatives of the regex, in priority order.
const ALTERNATIVES: &[&[Piece]] = &[
    &[OneOf(&["REUTERS", "Reuters"]), Lit("/"), Tail(80)],
    &[Lit("©"), OptSpace, Tail(80)],
    &[
        Boundary,
        OneOf(&[
            "AFP",
            "AP",
            "EPA",
            "Getty Images",
            "SIPA",
            "Belga",
            "DPA",
            "ANP",
        ]),
        OptLit(" PHOTO"),
        OptSpace,
        Lit("/"),
        OptSpace,
        Tail(60),
    ],
    // `(?i:crédits? photos?|photo)`, flattened.
    &[
        Fold("crédit"),
        OptFold("s"),
        Fold(" photo"),
        OptFold("s"),
        OptSpace,
        Lit(":"),
        OptSpace,
        Tail(80),
    ],
    &[Fold("photo"), OptSpace, Lit(":"), OptSpace, Tail(80)],
];

/// Whether `c` matches the pattern character `p` (lower case) under `(?i)`. Checked against regex
/// for every character in the tests.
pub(super) fn folds_to(c: char, p: char) -> bool {
    match p {
        's' => matches!(c, 's' | 'S' | 'ſ'),
        'é' => matches!(c, 'é' | 'É'),
        'à' => matches!(c, 'à' | 'À'),
        _ => c.to_ascii_lowercase() == p,
    }
}

/// The length in bytes of the prefix of `t` that matches `pattern` under `(?i)`.
pub(super) fn fold_prefix(t: &str, pattern: &str) -> Option<usize> {
    let mut chars = t.char_indices();
    for p in pattern.chars() {
        match chars.next() {
            Some((_, c)) if folds_to(c, p) => {}
            _ => return None,
        }
    }
    Some(chars.next().map_or(t.len(), |(i, _)| i))
}

/// The byte after the white-space character that starts `t`, if one does (`\s`).
fn space(t: &str) -> Option<usize> {
    t.chars()
        .next()
        .filter(|c| c.is_whitespace())
        .map(char::len_utf8)
}

/// `[^\n]{2,max}$` at byte `p` of `t`: the end of the line when 2 to `max` characters are left in it.
fn tail(t: &str, p: usize, max: usize) -> Option<usize> {
    let b = t.as_bytes();
    // `max` characters take at most `4 * max` bytes: with no line break in one more byte than
    // that, the line is too long.
    let limit = (p + 4 * max + 1).min(b.len());
    let end = match memchr::memchr(b'\n', &b[p..limit]) {
        Some(i) => p + i,
        None if limit == b.len() => limit,
        None => return None,
    };
    let chars = b[p..end].iter().filter(|&&x| (x as i8) >= -0x40).count();
    (2..=max).contains(&chars).then_some(end)
}

/// The end of the first way `pieces` match at byte `p` of `t`, in the regex's order.
fn run(t: &str, p: usize, pieces: &[Piece]) -> Option<usize> {
    let Some((&first, rest)) = pieces.split_first() else {
        return Some(p);
    };
    let with = |n: Option<usize>| n.and_then(|n| run(t, p + n, rest));
    match first {
        Lit(s) => with(t[p..].starts_with(s).then_some(s.len())),
        OneOf(texts) => texts
            .iter()
            .find_map(|s| with(t[p..].starts_with(s).then_some(s.len()))),
        Fold(s) => with(fold_prefix(&t[p..], s)),
        OptLit(s) => with(t[p..].starts_with(s).then_some(s.len())).or_else(|| run(t, p, rest)),
        OptFold(s) => with(fold_prefix(&t[p..], s)).or_else(|| run(t, p, rest)),
        OptSpace => with(space(&t[p..])).or_else(|| run(t, p, rest)),
        Boundary => {
            let word = |x: &u8| x.is_ascii_alphanumeric() || *x == b'_';
            with((p == 0 || !word(&t.as_bytes()[p - 1])).then_some(0))
        }
        Tail(max) => tail(t, p, max),
    }
}

/// The end of the match that starts at byte `p` of `t`, if one does.
fn match_at(t: &str, p: usize) -> Option<usize> {
    // Only the alternatives that can start with this byte (`©` is 0xC2 0xA9; `(?i:c)` and
    // `(?i:p)` match only ASCII letters); the others fail, so the order is kept.
    let alternatives = match t.as_bytes()[p] {
        b'R' => &ALTERNATIVES[..1],
        0xC2 => &ALTERNATIVES[1..2],
        b'A' | b'E' | b'G' | b'S' | b'B' | b'D' => &ALTERNATIVES[2..3],
        b'c' | b'C' | b'p' | b'P' => &ALTERNATIVES[3..],
        _ => return None,
    };
    alternatives.iter().find_map(|pieces| run(t, p, pieces))
}

/// Whether a match can have its `/` or `:` at byte `a` of `b`: the letter before it (and a white
/// space) ends a word the regex has there (`AFP`, `EPA`, `Getty Images`, `Belga`, `PHOTO`,
/// `REUTERS`, `Reuters` before `/`; `photo`, `photos`, `photoſ` before `:`). So the byte just
/// before is that letter, ASCII white space or the last byte of a character beyond ASCII (`ſ`, a
/// white space of two or three bytes): most colons, after a digit (`12:37`) or another letter,
/// fail this one-byte test. A white-space character takes at most 3 bytes, so that letter is among
/// the 4 bytes before; before a `:`, the `h` of `photo` is also among the 9 bytes before (`oto`, a
/// two-byte `ſ`, a three-byte space).
#[inline(always)]
fn anchor_can_end_lead(b: &[u8], a: usize) -> bool {
    let Some(&prev) = a.checked_sub(1).map(|i| &b[i]) else {
        return false;
    };
    let slash = b[a] == b'/';
    // The letters a lead word may end with before this anchor.
    let lead_end = |x: u8| match slash {
        true => matches!(x, b'P' | b'A' | b's' | b'a' | b'O' | b'S'),
        false => matches!(x, b'o' | b'O' | b's' | b'S'),
    };
    if !(lead_end(prev) || prev >= 0x80 || matches!(prev, b' ' | b'\t'..=b'\r')) {
        return false;
    }
    let before = |n: usize| &b[a.saturating_sub(n)..a];
    if slash {
        before(4).iter().any(|&x| lead_end(x))
    } else {
        // 0xBF ends `ſ`.
        before(4).iter().any(|&x| lead_end(x) || x == 0xBF)
            && before(9).iter().any(|x| matches!(x, b'h' | b'H'))
    }
}

/// Calls `f` with the position of every `/`, `:` and 0xC2 of `b`, in order: the positions of
/// `memchr::memchr3_iter(b'/', b':', 0xC2, b)`.
///
/// Where the CPU has AVX2, the searcher is built once for the text: `memchr3_iter` looks for the
/// CPU's best routine and broadcasts the three bytes into vectors again at every restart, about a
/// third of its cost on a news scrape, which has a colon every 150 bytes or so (the `01:06` of
/// video lists).
fn for_each_anchor(b: &[u8], f: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    if let Some(three) = memchr::arch::x86_64::avx2::memchr::Three::new(b'/', b':', 0xC2) {
        three.iter(b).for_each(f);
        return;
    }
    memchr::memchr3_iter(b'/', b':', 0xC2, b).for_each(f);
}

/// The byte ranges of the regex's successive matches in `t`, as `find_iter` gives them.
pub(super) fn find_iter(t: &str) -> Vec<(usize, usize)> {
    let b = t.as_bytes();
    let mut found = Vec::new();
    // Every match that starts below `next` is in `found`: every start below it that is at most
    // `MAX_LEAD` bytes before an anchor has been tried, or is inside a match.
    let mut next = 0;
    // The cheap tests of an anchor stay in the searcher's loop; the few anchors that pass them go
    // to `try_anchor`, out of line.
    for_each_anchor(b, |a| {
        if a < next {
            return;
        }
        let may = if b[a] == 0xC2 {
            // Only `©` is an anchor.
            b.get(a + 1) == Some(&0xA9)
        } else {
            anchor_can_end_lead(b, a)
        };
        if may {
            try_anchor(t, a, &mut next, &mut found);
        }
    });
    found
}

/// Tries the starts of a match whose anchor (`/`, `:` or `©`) is at byte `a` of `t`, from `next` or
/// the furthest start the anchor allows, in order; records the first match and moves `next` past
/// it (else to the byte after the anchor).
#[inline(never)]
fn try_anchor(t: &str, a: usize, next: &mut usize, found: &mut Vec<(usize, usize)>) {
    // A match with `©` as anchor starts at it.
    let from = if t.as_bytes()[a] == 0xC2 {
        a
    } else {
        a.saturating_sub(MAX_LEAD).max(*next)
    };
    // Starts are tried in increasing order, each once.
    *next = a + 1;
    for p in from..=a {
        if let Some(end) = match_at(t, p) {
            found.push((p, end));
            *next = end;
            break;
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    /// The regex this module writes out.
    pub(in crate::metadata) fn reference() -> &'static Regex {
        static R: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
        R.get_or_init(|| Regex::new(r"(?m)(?:(?:REUTERS|Reuters)/[^\n]{2,80}|©\s?[^\n]{2,80}|(?-u:\b)(?:AFP|AP|EPA|Getty Images|SIPA|Belga|DPA|ANP)(?: PHOTO)?\s?/\s?[^\n]{2,60}|(?i:crédits? photos?|photo)\s?:\s?[^\n]{2,80})$").unwrap())
    }

    fn every_char() -> impl Iterator<Item = char> {
        (0..=u32::from(char::MAX)).filter_map(char::from_u32)
    }

    #[test]
    fn white_space_is_regex_white_space() {
        let re = Regex::new(r"^\s$").unwrap();
        let mut buf = [0; 4];
        for c in every_char() {
            assert_eq!(
                re.is_match(c.encode_utf8(&mut buf)),
                c.is_whitespace(),
                "{c:?}"
            );
        }
    }

    /// `folds_to` is regex's `(?i)` for every letter of the case-insensitive words here and in
    /// the agency lines (`publié`, `mis à jour`, `modifié`).
    #[test]
    fn case_folding_is_regex_case_folding() {
        let letters: std::collections::BTreeSet<char> =
            "crédits photos publié mis à jour modifié".chars().collect();
        let mut buf = [0; 4];
        for p in letters {
            let re = Regex::new(&format!("^(?i:{})$", regex::escape(&p.to_string()))).unwrap();
            for c in every_char() {
                assert_eq!(
                    re.is_match(c.encode_utf8(&mut buf)),
                    folds_to(c, p),
                    "{c:?} for {p:?}"
                );
            }
        }
    }

    /// Every byte value at every place of texts of lengths around the vector sizes (16, 32 and
    /// 64 bytes), before and after another anchor byte, against memchr3.
    #[test]
    fn anchors_are_the_memchr3_positions() {
        // Where the CPU has AVX2, `for_each_anchor` takes the AVX2 searcher, which is then the one
        // compared with `memchr3_iter` below.
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            assert!(memchr::arch::x86_64::avx2::memchr::Three::new(b'/', b':', 0xC2).is_some());
        }
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 130] {
            for pos in 0..len {
                for x in 0..=255u8 {
                    for other in [None, Some(pos / 2), Some((pos + len) / 2)] {
                        let mut b = vec![b'a'; len];
                        if let Some(o) = other {
                            b[o] = b':';
                        }
                        b[pos] = x;
                        let want: Vec<usize> = memchr::memchr3_iter(b'/', b':', 0xC2, &b).collect();
                        let mut got = Vec::new();
                        for_each_anchor(&b, |a| got.push(a));
                        assert_eq!(got, want, "{x:#x} at {pos} of {len}, other at {other:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn no_anchor_is_further_than_max_lead() {
        // The longest text before an anchor, with the longest spellings and a three-byte space.
        for (lead, anchor) in [
            ("Getty Images PHOTO\u{3000}", "/"),
            ("CRÉDITſ PHOTOſ\u{3000}", ":"),
        ] {
            assert!(lead.len() <= MAX_LEAD, "{lead}");
            let t = format!("x {lead}{anchor}ab");
            assert_eq!(find_iter(&t), vec![(2, t.len())], "{t}");
            assert!(
                reference()
                    .find(&t)
                    .is_some_and(|m| m.range() == (2..t.len())),
                "{t}"
            );
        }
    }

    /// Texts made of the regex's pieces, look-alikes, every kind of white space, characters of one
    /// to four bytes and runs of letters around the tails' bounds.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "REUTERS/",
            "Reuters/",
            "REUTERS",
            "reuters/",
            "©",
            "© ",
            "©\n",
            "AFP",
            "AP",
            "EPA",
            "Getty Images",
            "SIPA",
            "Belga",
            "DPA",
            "ANP",
            "XAFP",
            "_AP",
            "éAP",
            " PHOTO",
            "PHOTO",
            "photo",
            "Photo",
            "pHoTo",
            "photos",
            "photoſ",
            "crédit",
            "CRÉDIT",
            "crédits",
            "crédiTſ",
            "credit",
            "s",
            "S",
            "ſ",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\r\n",
            "\t",
            "\u{a0}",
            "\u{2009}",
            "\u{3000}",
            "\u{85}",
            ":",
            " : ",
            "1",
            "12:37",
            "/",
            " / ",
            "x",
            "é",
            "€",
            "😀",
            "Jean Dupont",
            "Une phrase.",
        ]);
        let run = (
            prop::sample::select(vec!["a", "é", "€", "😀"]),
            prop::sample::select(vec![1usize, 2, 3, 58, 59, 60, 61, 62, 78, 79, 80, 81, 82]),
        )
            .prop_map(|(c, n)| c.repeat(n));
        let part = prop_oneof![4 => piece.prop_map(str::to_string), 1 => run];
        prop::collection::vec(part, 0..20).prop_map(|v| v.concat())
    }

    /// Real caption lines.
    const CREDITS: &[&str] = &[
        "Des manifestants à Paris, le 5 décembre 2019. REUTERS/Gonzalo Fuentes",
        "Le président au sommet. © AFP, Ludovic MARIN",
        "©Fabrice COFFRINI / AFP",
        "AFP PHOTO / Philippe LOPEZ",
        "Crédit photo : Jean Dupont / Le Monde",
        "Photo: EPA/JULIEN WARNAND",
        "(Getty Images/Sean Gallup)",
        "Photo d'illustration. BELGA PHOTO / NICOLAS MAETERLINCK",
        "Belga / Benoit Doppagne",
        "Copyright © 2020 AFP. Tous droits réservés.",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        #[test]
        fn matches_are_the_regex_matches(t in text()) {
            let re = reference();
            let want: Vec<(usize, usize)> = re.find_iter(&t).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(find_iter(&t), want);
        }

        #[test]
        fn matches_in_real_lines_are_the_regex_matches(
            lines in prop::collection::vec((prop::sample::select(CREDITS), text()), 0..6),
        ) {
            let t: String = lines.into_iter().map(|(a, b)| format!("{b}{a}{b}\n")).collect();
            let re = reference();
            let want: Vec<(usize, usize)> = re.find_iter(&t).map(|m| (m.start(), m.end())).collect();
            prop_assert_eq!(find_iter(&t), want);
        }
    }
}
