//! Names no gazetteer knows: capitalised word runs inside a sentence, typed from cues.

use crate::lexicon::{Cue, Flags, Lexicon};
use crate::scan::Token;
use crate::EntityType;

/// Capitalised particles that continue a name although they are stopwords (`Jean-Yves Le Drian`).
const CAP_PARTICLES: &[&[u8]] = &[
    b"Le", b"La", b"De", b"Du", b"Des", b"Van", b"Von", b"Di", b"Da", b"Del", b"Mac", b"Mc", b"Al",
    b"El", b"Ben",
];
/// Endings of French and European place names written as one plain word.
const LOC_SUFFIXES: &[&str] = &[
    "ville", "court", "bourg", "heim", "dorf", "stadt", "grad", "abad", "istan",
];
/// The links of hyphenated place names (`Boulogne-sur-Mer`): the list that the byte match of
/// [`hyphenated_suffix_len`] is tested against (`hyphenated_suffixes_are_the_list`); a link added
/// here fails that test until the match has it too.
#[cfg(test)]
const HYPHENATED_LOC_SUFFIXES: &[&str] = &["-sur-", "-lès-", "-les-", "-sous-", "-en-"];

/// A capitalised run found by the rules, before coreference.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
    pub confidence: f32,
    /// The run is one word at the start of a sentence without any cue: kept only if the same word
    /// appears capitalised inside a sentence elsewhere in the text, or links to a person.
    pub pending: bool,
    /// Number of capitalised words.
    pub words: usize,
}

/// `fn $name(w: &[u8]) -> bool`, true for exactly the listed words (one `match` on the bytes,
/// no `memcmp` call), and for the tests `const $list`, the same words as a slice: one list.
macro_rules! word_set {
    ($(#[$doc:meta])* fn $name:ident, const $list:ident = [$($word:literal),+ $(,)?];) => {
        $(#[$doc])*
        fn $name(w: &[u8]) -> bool {
            matches!(w, $($word)|+)
        }

        #[cfg(test)]
        const $list: &[&[u8]] = &[$($word),+];
    };
}

// The word lists below take the UTF-8 bytes of a token (`Token::bytes`, no boundary checks);
// `\xe2\x80\x99` is `’`, `\xc3\xa9` is `é`.

word_set! {
    /// Lowercase name particles that may sit between two capitalised words of one name
    /// (`Charles de Gaulle`, `Ursula von der Leyen`, `Mohammed ben Salmane`).
    fn is_particle,
    const PARTICLES = [
        b"de", b"du", b"des", b"d'", b"d\xe2\x80\x99", b"von", b"van", b"der", b"den", b"di",
        b"da", b"del", b"della", b"dos", b"das", b"do", b"bin", b"ben", b"ibn", b"al", b"el",
        b"y", b"zu", b"ter",
    ];
}

word_set! {
    /// Second particle allowed after a first one (`de la`, `von der`, `van den`).
    fn is_second_particle,
    const SECOND_PARTICLES = [b"la", b"le", b"l'", b"l\xe2\x80\x99", b"der", b"den", b"de"];
}

word_set! {
    /// Lowercase street and venue words that belong to the place name after them (`rue Cadet`,
    /// `salle Jean-Mathieu`).
    fn is_street_word,
    const STREET_WORDS = [
        b"rue", b"avenue", b"boulevard", b"place", b"quai", b"impasse", b"all\xc3\xa9e", b"salle",
        b"square", b"cours",
    ];
}

/// Finds the capitalised runs among `tokens` (all of one sentence). Tokens for which `blocked(i)`
/// holds are covered by a gazetteer match and break runs; `caps` lists, in order, the indices of
/// the tokens that are capitalised and not blocked (where a run may start).
pub(crate) fn runs(
    text: &str,
    tokens: &[Token],
    blocked: impl Fn(usize) -> bool,
    caps: &[usize],
    lex: &Lexicon,
    out: &mut Vec<Run>,
) {
    let bytes = text.as_bytes();
    let word = |i: usize| tokens[i].bytes(bytes);
    let n = tokens.len();
    // The first token not yet part of a run.
    let mut next = 0;
    for &i in caps {
        if i < next {
            continue;
        }
        let t = tokens[i];
        let w = word(i);
        let fw = lex.flags(w);
        let alphabetic = w.first().is_some_and(u8::is_ascii_alphabetic)
            || t.text(text).chars().any(char::is_alphabetic);
        if fw.stopword() || fw.cue(Cue::Title) || !alphabetic {
            continue;
        }
        let mut last = i;
        loop {
            let mut p = last + 1;
            // Up to two particles (`de la`, `von der`, `d'`). The token's own flags are asked
            // before `blocked`, a binary search.
            if p < n && tokens[p].joined && !blocked(p) && is_particle(word(p)) {
                p += 1;
                if p < n && tokens[p].joined && !blocked(p) && is_second_particle(word(p)) {
                    p += 1;
                }
            }
            if p >= n || !tokens[p].cap || !tokens[p].joined || tokens[p].initial || blocked(p) {
                break;
            }
            let wp = word(p);
            let fp = lex.flags(wp);
            if fp.cue(Cue::Title) && !fp.cue(Cue::OrgHead) {
                break;
            }
            if fp.stopword() {
                // `Le Drian`: a capitalised particle goes on only if a real name follows it.
                let next_ok = p + 1 < n
                    && tokens[p + 1].joined
                    && tokens[p + 1].cap
                    && !blocked(p + 1)
                    && !lex.flags(word(p + 1)).stopword();
                if !(CAP_PARTICLES.contains(&wp) && next_ok) {
                    break;
                }
                p += 1;
            }
            last = p;
        }
        let mut start = t.start;
        let end = tokens[last].end;
        let words = tokens[i..=last].iter().filter(|t| t.cap).count();
        let (mut entity_type, mut confidence) = classify(text, tokens, i, last, fw, lex);
        if i > 0 && t.joined && !blocked(i - 1) && is_street_word(word(i - 1)) {
            start = tokens[i - 1].start;
            (entity_type, confidence) = (EntityType::Loc, 0.75);
        }
        let pending = t.initial && words == 1 && confidence < 0.7;
        out.push(Run {
            start,
            end,
            entity_type,
            confidence,
            pending,
            words,
        });
        next = last + 1;
    }
}

/// The last bytes of the [`LOC_SUFFIXES`].
static SUFFIX_LAST: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    while k < LOC_SUFFIXES.len() {
        let s = LOC_SUFFIXES[k].as_bytes();
        t[s[s.len() - 1] as usize] = true;
        k += 1;
    }
    t
};

/// The offset of the first `-` of `b`, eight bytes at a time (names are short: one or two words
/// of a few bytes).
#[inline]
fn hyphen_at(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        // A byte of `x` is zero where `c` holds a `-`; the lowest such byte sets the lowest
        // high bit of `found` (bytes above it may be false positives, never bytes below).
        let x = u64::from_le_bytes(w) ^ (ONES * u64::from(b'-'));
        let found = x.wrapping_sub(ONES) & !x & HIGH;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == b'-')
        .map(|k| at + k)
}

/// True if `head` ends with one of [`LOC_SUFFIXES`] or holds one of the hyphenated links that
/// [`hyphenated_suffix_len`] finds (`-sur-`, `-lès-`, ...), and is more than two bytes longer; `hyphen`: the offset of the first `-` of `head`, if any.
fn has_loc_suffix(b: &[u8], hyphen: Option<usize>) -> bool {
    let Some(&last) = b.last() else { return false };
    // The hyphenated suffixes can only start at a hyphen: each hyphen is asked for them, rather
    // than every window compared with each.
    let mut at = hyphen;
    while let Some(k) = at {
        let rest = b.get(k..).unwrap_or_default();
        if hyphenated_suffix_len(rest).is_some_and(|n| b.len() > n + 2) {
            return true;
        }
        at = rest
            .iter()
            .skip(1)
            .position(|&c| c == b'-')
            .map(|p| k + 1 + p);
    }
    // Most heads end with a byte that no other suffix ends with.
    SUFFIX_LAST[usize::from(last)]
        && LOC_SUFFIXES.iter().any(|s| {
            let s = s.as_bytes();
            b.len() > s.len() + 2 && s[s.len() - 1] == last && b.ends_with(s)
        })
}

/// The length of the hyphenated link of a place name (`-sur-`, `-lès-`, `-les-`, `-sous-`, `-en-`)
/// that `rest` starts with, if any (one match on the bytes, no `memcmp` call;
/// `hyphenated_suffixes_are_the_list` checks it against the tests' list).
#[inline]
fn hyphenated_suffix_len(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'-', b's', b'u', b'r', b'-', ..] | [b'-', b'l', b'e', b's', b'-', ..] => Some(5),
        // `-lès-`: `è` is C3 A8.
        [b'-', b'l', 0xC3, 0xA8, b's', b'-', ..] | [b'-', b's', b'o', b'u', b's', b'-', ..] => {
            Some(6)
        }
        [b'-', b'e', b'n', b'-', ..] => Some(4),
        _ => None,
    }
}

/// Types the run `tokens[first..=last]` from its words and the words before it; `head_flags` are
/// the lexicon flags of the first word.
fn classify(
    text: &str,
    tokens: &[Token],
    first: usize,
    last: usize,
    head_flags: Flags,
    lex: &Lexicon,
) -> (EntityType, f32) {
    let bytes = text.as_bytes();
    let word = |i: usize| tokens[i].bytes(bytes);
    let head = word(first);
    // Up to the first hyphen (`Saint` of `Saint-Denis`).
    let hyphen = hyphen_at(head);
    let head_part = match hyphen {
        Some(k) => &head[..k],
        None => head,
    };
    let part_flags = || {
        if head_part.len() == head.len() {
            head_flags
        } else {
            lex.flags(head_part)
        }
    };
    let single = first == last;
    // A title just before, possibly with one adjective between: `M. Stoltenberg`, `le président russe Vladimir Poutine`.
    let prev = first.checked_sub(1).filter(|_| tokens[first].joined);
    let mut prev_flags = Flags::default();
    if let Some(p) = prev {
        let wp = word(p);
        prev_flags = lex.flags(wp);
        if prev_flags.cue(Cue::Title) {
            return (EntityType::Per, 0.85);
        }
        let adjective = !tokens[p].cap && !prev_flags.stopword() && !is_particle(wp);
        if adjective && p > 0 && tokens[p].joined && lex.flags(word(p - 1)).cue(Cue::Title) {
            return (EntityType::Per, 0.8);
        }
    }
    if head_flags.given_name() || !single && part_flags().given_name() {
        return (EntityType::Per, 0.8);
    }
    if head_flags.cue(Cue::OrgHead) || !single && lex.flags(word(last)).cue(Cue::OrgTail) {
        return (EntityType::Org, 0.75);
    }
    if head_flags.cue(Cue::LocHead)
        || (head_part.len() != head.len() && part_flags().cue(Cue::LocHead))
    {
        return (EntityType::Loc, 0.75);
    }
    if tokens[first..=last].iter().all(|t| t.upper || !t.cap) && !is_roman_numeral(head) {
        return (EntityType::Org, 0.6);
    }
    if single && has_loc_suffix(head, hyphen) {
        return (EntityType::Loc, 0.6);
    }
    if prev.is_some() && prev_flags.cue(Cue::LocPrep) {
        return (EntityType::Loc, 0.6);
    }
    if !single {
        return (EntityType::Per, 0.55);
    }
    (EntityType::Misc, 0.4)
}

fn is_roman_numeral(w: &[u8]) -> bool {
    // A byte of a character that is not ASCII is none of these letters, as the character is not.
    !w.is_empty()
        && w.iter()
            .all(|c| matches!(c, b'I' | b'V' | b'X' | b'L' | b'C' | b'D' | b'M'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{tokenize, Tokens};

    fn find(s: &str) -> Vec<(&str, EntityType, bool)> {
        let lex = Lexicon::default_fr();
        let mut toks = Tokens::default();
        toks.set_text(s);
        tokenize(s, 0, &mut toks, &|_: &[u8]| true);
        let mut out = Vec::new();
        runs(s, &toks.list, |_| false, &toks.caps, &lex, &mut out);
        out.iter()
            .map(|r| (&s[r.start..r.end], r.entity_type, r.pending))
            .collect()
    }

    #[test]
    fn typed_runs() {
        use EntityType::*;
        assert_eq!(
            find("Hier, M. Dupuis a vu Jean-Yves Le Drian."),
            [("Dupuis", Per, false), ("Jean-Yves Le Drian", Per, false)]
        );
        assert_eq!(
            find("selon le président russe Vladimir Poutine"),
            [("Vladimir Poutine", Per, false)]
        );
        assert_eq!(
            find("il est allé à Bethoncourt puis rue Cadet"),
            [("Bethoncourt", Loc, false), ("rue Cadet", Loc, false)]
        );
        assert_eq!(
            find("le Ministère de la Justice et la CGT"),
            [("Ministère de la Justice", Org, false), ("CGT", Org, false)]
        );
        assert_eq!(
            find("Valéry Giscard d'Estaing et Ursula von der Leyen"),
            [
                ("Valéry Giscard d'Estaing", Per, false),
                ("Ursula von der Leyen", Per, false)
            ]
        );
        assert_eq!(
            find("la salle de Châtenois-les-Forges"),
            [("Châtenois-les-Forges", Loc, false)]
        );
    }

    #[test]
    fn word_lists() {
        let (particle, second, street) = (
            |w: &str| is_particle(w.as_bytes()),
            |w: &str| is_second_particle(w.as_bytes()),
            |w: &str| is_street_word(w.as_bytes()),
        );
        assert!(particle("de") && particle("d’") && particle("della") && particle("y"));
        assert!(!particle("dé") && !particle("De") && !particle("d"));
        assert!(second("l'") && second("l’") && second("den") && !second("les"));
        assert!(street("allée") && street("cours") && !street("Rue"));
    }

    /// The byte escapes of the word lists (`word_set!`): every listed word is UTF-8, and a list
    /// that holds a word with one apostrophe holds it with the other; `word_lists` spells the
    /// words that are not ASCII as text. (Each matcher and its list come from the same tokens, so
    /// comparing them would test nothing.)
    #[test]
    fn word_sets_are_utf8_with_both_apostrophes() {
        // `'` and `’` swapped.
        let swap = |w: &str| -> String {
            w.chars()
                .map(|c| match c {
                    '\'' => '’',
                    '’' => '\'',
                    c => c,
                })
                .collect()
        };
        for list in [PARTICLES, SECOND_PARTICLES, STREET_WORDS, CAP_PARTICLES] {
            for w in list {
                let w = std::str::from_utf8(w).expect("a listed word is UTF-8");
                let other = swap(w);
                assert!(list.contains(&other.as_bytes()), "{w:?} without {other:?}");
            }
        }
        for w in ["I", "XIV", "MMXX", "", "Ix", "XİV", "Ⅻ", "VÉ"] {
            let model = !w.is_empty()
                && w.chars()
                    .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'));
            assert_eq!(is_roman_numeral(w.as_bytes()), model, "{w:?}");
        }
    }

    /// `hyphen_at` finds the first `-` as a byte search does: every string of up to 17 bytes
    /// from a few bytes, at every length.
    #[test]
    fn hyphens() {
        let bytes = [b'-', b'a', b',', 0x2C, 0x2E, 0xAD, 0xC3, b'.'];
        for len in 0..=17usize {
            let mut s = vec![b'a'; len];
            for i in 0..len {
                for j in i..len {
                    for (x, y) in [(0, 0), (1, 0), (0, 5), (2, 3), (6, 0), (7, 4)] {
                        s.fill(b'a');
                        s[i] = bytes[x];
                        s[j] = bytes[y];
                        assert_eq!(hyphen_at(&s), s.iter().position(|&c| c == b'-'), "{s:?}");
                    }
                }
            }
        }
        assert_eq!(hyphen_at(b""), None);
    }

    /// The byte match of [`hyphenated_suffix_len`] finds exactly the suffixes of the list.
    #[test]
    fn hyphenated_suffixes_are_the_list() {
        let parts = ["-", "s", "ur", "ous", "en", "l", "è", "ès", "es", "x"];
        let mut words = crate::scan::concatenations(&parts, 4);
        words.extend(HYPHENATED_LOC_SUFFIXES.iter().map(|s| format!("{s}Mer")));
        for w in words {
            let want = HYPHENATED_LOC_SUFFIXES
                .iter()
                .find(|s| w.starts_with(**s))
                .map(|s| s.len());
            assert_eq!(hyphenated_suffix_len(w.as_bytes()), want, "{w}");
        }
    }

    #[test]
    fn loc_suffixes() {
        // The first version of the test, the model of `has_loc_suffix`.
        let model = |head: &str| {
            LOC_SUFFIXES
                .iter()
                .any(|s| head.len() > s.len() + 2 && head.ends_with(s))
                || HYPHENATED_LOC_SUFFIXES
                    .iter()
                    .any(|s| head.len() > s.len() + 2 && head.contains(s))
        };
        for w in [
            "Bethoncourt",
            "court",
            "Xcourt",
            "XXcourt",
            "XXXcourt",
            "Strasbourg",
            "Villeneuve",
            "Châtenois-les-Forges",
            "-les-",
            "a-les-",
            "ab-les-",
            "abc-les-",
            "Boulogne-sur-Mer",
            "Ouzbékistan",
            "Ville",
            "Düsseldorf",
            "",
            "-",
            "Saint-Denis",
            "Pakistan",
            "Mannheim",
        ] {
            assert_eq!(has_loc_suffix(w.as_bytes(), w.find('-')), model(w), "{w}");
        }
        // Every string of up to five pieces, suffixes and pieces of suffixes among them.
        let parts = [
            "-sur-", "-lès-", "-les-", "-sous-", "-en-", "-", "s", "ur", "en", "l", "è", "ès",
            "ville", "court", "istan", "a", "Ab",
        ];
        for w in crate::scan::concatenations(&parts, 5) {
            assert_eq!(has_loc_suffix(w.as_bytes(), w.find('-')), model(&w), "{w}");
        }
    }

    #[test]
    fn sentence_start_common_words() {
        assert_eq!(find("Les chefs sont là."), []);
        assert_eq!(find("Aujourd'hui il pleut."), []);
        // One uncued capitalised word at the start of a sentence is only a candidate.
        assert_eq!(
            find("Ouverture tous les jours."),
            [("Ouverture", EntityType::Misc, true)]
        );
        assert_eq!(
            find("Louis XIV régna"),
            [("Louis XIV", EntityType::Per, false)]
        );
    }
}
