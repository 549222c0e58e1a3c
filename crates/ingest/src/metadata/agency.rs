//! The agency-line matcher: the `agency` and `date` groups of the regex
//!
//! ```text
//! ^(?P<agency>\p{Lu}[^,\n]{1,60}?),\s+(?i:publié|mis à jour|modifié)\s+le\s+(?P<date>[^\n]{6,80}?)\s*$
//! ```
//!
//! written out by hand, for every line (but for `\p{Lu}` beyond ASCII: see [`upper_letter`]). On
//! the regex's counted repetitions the lazy DFA gives up and a bounded backtracker runs: its
//! captures took about half of the agency-line search.
//!
//! Every step is forced, as regex would take it: the agency cannot hold a comma, so it ends at the
//! first one; a `\s+` followed by a letter takes all the white space; the three words differ in
//! their first two letters, so at most one matches. Only the last `\s+` (greedy) and the date
//! (lazy, then `\s*$`) can share white space: the `\s+` gives characters back one at a time, and
//! for each length the date is the shortest run of 6 to 80 characters, without a line break, after
//! which only white space is left.

use std::sync::OnceLock;

use regex::Regex;

use super::photo::fold_prefix;

/// The case-insensitive words after the comma, in the regex's order.
const WORDS: [&str; 3] = ["publié", "mis à jour", "modifié"];

/// The length in bytes of the white space (`\s*`) that starts `t`.
fn spaces(t: &str) -> usize {
    t.len() - t.trim_start().len()
}

/// The length in bytes of the white space (`\s+`) that starts `t`, if some does.
fn spaces1(t: &str) -> Option<usize> {
    Some(spaces(t)).filter(|&n| n > 0)
}

/// The length of the word of [`WORDS`] that starts `t` (in any case), if one does.
fn word(t: &str) -> Option<usize> {
    WORDS.iter().find_map(|w| fold_prefix(t, w))
}

/// Whether the text after the first comma of a line can follow the agency: white space, then one of
/// the words in any case. A necessary condition for [`groups`], cheap to test.
pub(super) fn after_comma(after: &str) -> bool {
    // The words start with `p` or `m`, which fold only to `P` and `M`.
    spaces1(after).is_some_and(|n| {
        matches!(after.as_bytes().get(n), Some(b'p' | b'P' | b'm' | b'M'))
            && word(&after[n..]).is_some()
    })
}

/// Whether `c` is `\p{Lu}`, an upper-case letter. std has no such test: `char::is_uppercase` also
/// takes `Ⓐ` and `Ⅻ` (`Other_Uppercase`) and follows the Unicode version of std, not the one of
/// regex's tables (`U+A7CE` is upper case for one and unassigned for the other). So a character
/// beyond ASCII is asked of a regex of the one class, built on first use.
fn upper_letter(c: char) -> bool {
    static LU: OnceLock<Regex> = OnceLock::new();
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    LU.get_or_init(|| Regex::new(r"^\p{Lu}$").expect("the class is valid"))
        .is_match(c.encode_utf8(&mut [0; 4]))
}

/// The `agency` and `date` groups of the regex on `line`, if it matches.
pub(super) fn groups(line: &str) -> Option<(&str, &str)> {
    // The first character is tested last if it is beyond ASCII (see [`upper_letter`]).
    let first = line.chars().next()?;
    if first.is_ascii() && !first.is_ascii_uppercase() {
        return None;
    }
    let b = line.as_bytes();
    // `\p{Lu}[^,\n]{1,60}?,`
    let comma = memchr::memchr(b',', b)?;
    let inner = &line[first.len_utf8()..comma];
    if inner.contains('\n') || !(1..=60).contains(&inner.chars().count()) {
        return None;
    }
    let agency = &line[..comma];
    // `\s+(?i:publié|mis à jour|modifié)\s+le`
    let mut p = comma + 1;
    p += spaces1(&line[p..])?;
    p += word(&line[p..])?;
    p += spaces1(&line[p..])?;
    p += line[p..].starts_with("le").then_some(2)?;
    // `^\p{Lu}`
    if !upper_letter(first) {
        return None;
    }
    // `\s+` then `[^\n]{6,80}?\s*$`: the date starts after each number of white-space characters,
    // the most first.
    let spaces_end = p + spaces(&line[p..]);
    for (i, c) in line[p..spaces_end].char_indices().rev() {
        let rest = &line[p + i + c.len_utf8()..];
        let n = rest.trim_end().chars().count().max(6);
        let Some(end) = rest
            .char_indices()
            .map(|(j, _)| j)
            .chain([rest.len()])
            .nth(n)
        else {
            continue;
        };
        let date = &rest[..end];
        if n <= 80 && !date.contains('\n') {
            return Some((agency, date));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The regex this module writes out, with its counted repetitions.
    fn reference() -> &'static Regex {
        &super::super::tests::counted().2
    }

    fn reference_groups(line: &str) -> Option<(&str, &str)> {
        let c = reference().captures(line)?;
        Some((c.name("agency")?.as_str(), c.name("date")?.as_str()))
    }

    /// Lines made of the regex's pieces, look-alikes, every kind of white space, characters of one
    /// to four bytes and runs of letters around the bounds.
    fn line() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "AFP",
            "Reuters",
            "Belga",
            "A",
            "É",
            "Ⓐ",
            "Ⅻ",
            "ǅ",
            "𝐀",
            "a",
            "1",
            ",",
            ", ",
            ",  ",
            ",\n",
            "\n",
            " ",
            "  ",
            "\t",
            "\r",
            "\u{a0}",
            "\u{2009}",
            "\u{3000}",
            "\u{85}",
            "publié",
            "PUBLIÉ",
            "Publie",
            "mis à jour",
            "MIS À JOUR",
            "miſ à jour",
            "mis  à jour",
            "modifié",
            "MODIFIÉ",
            "modifie",
            "le",
            "Le",
            "LE",
            " le ",
            "mardi 30 juin 2020 à 21h01",
            "02/07/2020",
            "x",
            "é",
            "€",
            "😀",
        ]);
        let run = (
            prop::sample::select(vec!["a", "é", "€", "😀", " "]),
            prop::sample::select(vec![
                1usize, 2, 4, 5, 6, 7, 58, 59, 60, 61, 62, 78, 79, 80, 81, 82,
            ]),
        )
            .prop_map(|(c, n)| c.repeat(n));
        let part = prop_oneof![4 => piece.prop_map(str::to_string), 1 => run];
        prop::collection::vec(part, 0..14).prop_map(|v| v.concat())
    }

    /// Lines close to real agency lines: an agency, a comma, a word, `le`, a date, with white space
    /// of every kind and length between.
    fn near_line() -> impl Strategy<Value = String> {
        let agency = (
            prop::sample::select(vec![
                "A", "AFP", "AF\nP", "Reuters ", "É", "Ⓐ", "Ⅻ", "ǅ", "𝐀", "a", "1",
            ]),
            prop::sample::select(vec![0usize, 1, 2, 56, 57, 58, 59, 60, 61]),
        )
            .prop_map(|(a, n)| format!("{a}{}", "b".repeat(n)));
        let space = prop::sample::select(vec![
            "",
            " ",
            "  ",
            "\n",
            "\t ",
            "\u{a0}",
            "\u{3000}",
            "   \u{85}",
        ]);
        let word = prop::sample::select(vec![
            "publié",
            "Mis à jour",
            "MODIFIÉ",
            "miſ à jour",
            "publie",
        ]);
        let date = prop::sample::select(vec![
            "",
            "1",
            "12345",
            "123456",
            "30 juin 2020",
            "mardi 30 juin 2020 à 21h01",
            "é€😀ab",
            "2020\n05",
        ]);
        let long = prop::sample::select(vec![0usize, 1, 55, 60, 61, 62, 70, 75, 76, 80, 81]);
        (
            agency,
            space.clone(),
            word,
            space.clone(),
            space.clone(),
            date,
            long,
            space,
        )
            .prop_map(|(a, s1, w, s2, s3, d, n, s4)| {
                format!("{a},{s1}{w}{s2}le{s3}{d}{}{s4}", "x".repeat(n))
            })
    }

    /// Beyond ASCII `upper_letter` asks the `\p{Lu}` regex itself, so only its ASCII branch is
    /// compared with the regex; beyond it, the characters the docs name, where
    /// `char::is_uppercase` differs from `\p{Lu}`.
    #[test]
    fn upper_letter_is_lu() {
        let lu = Regex::new(r"^\p{Lu}$").unwrap();
        for c in (0..0x80).filter_map(char::from_u32) {
            assert_eq!(
                upper_letter(c),
                lu.is_match(c.encode_utf8(&mut [0; 4])),
                "{c:?}"
            );
        }
        for (c, upper) in [('É', true), ('𝐀', true), ('é', false), ('ǅ', false)] {
            assert_eq!(upper_letter(c), upper, "{c:?}");
        }
        for c in ['Ⓐ', 'Ⅻ'] {
            assert!(c.is_uppercase() && !upper_letter(c), "{c:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]

        #[test]
        fn groups_are_the_regex_groups(l in line()) {
            prop_assert_eq!(groups(&l), reference_groups(&l));
            if groups(&l).is_some() {
                prop_assert!(after_comma(l.split_once(',').unwrap().1));
            }
        }

        #[test]
        fn groups_of_near_lines_are_the_regex_groups(l in near_line()) {
            prop_assert_eq!(groups(&l), reference_groups(&l));
            if groups(&l).is_some() {
                prop_assert!(after_comma(l.split_once(',').unwrap().1));
            }
        }
    }
}
