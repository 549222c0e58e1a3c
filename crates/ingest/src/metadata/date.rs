//! Dates as scrapes write them: ISO (`2022-01`, `2022-01-07`, `2022-01-07T10:00:00+02:00`),
//! `07/01/2022`, French and English words (`7 janvier 2022`, `mardi 30 juin 2020 à 21h01`,
//! `1er mars`, `Jan 7, 2022`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::document::Precision;

const MONTHS_TSV: &str = include_str!("../../data/months.tsv");
const WEEKDAYS_TXT: &str = include_str!("../../data/weekdays.txt");

/// A calendar date, possibly partial (`day` is 1 when the precision is month, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Date {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
    pub precision: Precision,
}

fn months() -> &'static HashMap<&'static str, u32> {
    static M: OnceLock<HashMap<&'static str, u32>> = OnceLock::new();
    M.get_or_init(|| {
        MONTHS_TSV
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (name, n) = l.split_once('\t')?;
                Some((name, n.trim().parse().ok()?))
            })
            .collect()
    })
}

/// Whether `w` is one of the lines of the weekday list (comments aside), read once.
fn is_weekday(w: &str) -> bool {
    static W: OnceLock<Vec<&'static str>> = OnceLock::new();
    W.get_or_init(|| {
        WEEKDAYS_TXT
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect()
    })
    .contains(&w)
}

/// The month number of a (lowercased) month word, with or without a final dot.
pub(crate) fn month(word: &str) -> Option<u32> {
    months().get(word.trim_end_matches('.')).copied()
}

fn days_in_month(year: Option<i32>, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(y) if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
            Some(_) => 28,
            None => 29,
        },
        _ => 31,
    }
}

fn valid(year: Option<i32>, month: u32, day: u32) -> bool {
    year.map_or(true, |y| (1800..=2200).contains(&y))
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
}

fn num<T: std::str::FromStr>(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<T> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// ISO dates and datetimes, `YYYY/MM/DD`, `DD/MM/YYYY`.
pub(crate) fn parse_numeric(s: &str) -> Option<Date> {
    let s = s.trim();
    // Every form starts with its first number (a year or a day), all ASCII digits: without one,
    // the text is not split and its parts not collected.
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    parse_numeric_ungated(s)
}

/// [`parse_numeric`] of a trimmed text, without the first-digit gate.
fn parse_numeric_ungated(s: &str) -> Option<Date> {
    let date_part = s.split(['T', ' ']).next()?;
    let sep = if date_part.contains('/') { '/' } else { '-' };
    let parts: Vec<&str> = date_part.split(sep).collect();
    let (y, m, d, precision) = match parts.as_slice() {
        [y] => (num(y, 4..=4)?, 1, 1, Precision::Year),
        [y, m] if y.len() == 4 => (num(y, 4..=4)?, num(m, 1..=2)?, 1, Precision::Month),
        [y, m, d] if y.len() == 4 => (
            num(y, 4..=4)?,
            num(m, 1..=2)?,
            num(d, 1..=2)?,
            Precision::Day,
        ),
        [d, m, y] if y.len() == 4 => (
            num(y, 4..=4)?,
            num(m, 1..=2)?,
            num(d, 1..=2)?,
            Precision::Day,
        ),
        _ => return None,
    };
    valid(Some(y), m, d).then_some(Date {
        year: Some(y),
        month: m,
        day: d,
        precision,
    })
}

/// `w` in lower case, borrowed when it already is (ASCII without upper case).
fn lowercase(w: &str) -> Cow<'_, str> {
    if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(w)
    } else {
        Cow::Owned(w.to_lowercase())
    }
}

/// Words: `[weekday] D[er] month [YYYY] [à 21h01]` or `month D[,] [YYYY]`. The year may be absent.
pub(crate) fn parse_words(s: &str) -> Option<Date> {
    // Only the first words are looked at, so they are lowercased one by one. That is the same as
    // lowercasing the text: no lowercase mapping gives white space or a comma, and a final sigma
    // looks no further than them.
    let mut words = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(lowercase)
        .peekable();
    if words.peek().is_some_and(|w| is_weekday(w)) {
        words.next();
    }
    let first = words.next()?;
    let day_of = |w: &str| num::<u32>(w.strip_suffix("er").unwrap_or(w), 1..=2);
    let (day, month) = match day_of(&first) {
        Some(d) => (d, month(&words.next()?)?),
        None => (day_of(&words.next()?)?, month(&first)?),
    };
    let year = words.next().and_then(|w| num::<i32>(&w, 4..=4));
    valid(year, month, day).then_some(Date {
        year,
        month,
        day,
        precision: Precision::Day,
    })
}

/// Any supported form.
///
/// Every form has a number of ASCII digits (a four-digit year, or a day of one or two), so a text
/// without one is no date: most of the lines asked (title candidates) have none, and are answered
/// without splitting them, collecting their parts and lowercasing their words. The digits are
/// counted without an early exit, which the compiler turns into a vector loop.
pub(crate) fn parse(s: &str) -> Option<Date> {
    if !has_ascii_digit(s) {
        return None;
    }
    parse_numeric(s).or_else(|| parse_words(s))
}

fn has_ascii_digit(s: &str) -> bool {
    s.bytes().filter(u8::is_ascii_digit).count() != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `parse_words` as first written (the whole text lowercased), the reference for the
    /// word-by-word version.
    fn parse_words_reference(s: &str) -> Option<Date> {
        let lower = s.trim().to_lowercase();
        let mut words = lower
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .peekable();
        if words.peek().is_some_and(|w| is_weekday(w)) {
            words.next();
        }
        let first = words.next()?;
        let day_of = |w: &str| num::<u32>(w.strip_suffix("er").unwrap_or(w), 1..=2);
        let (day, month) = match day_of(first) {
            Some(d) => (d, month(words.next()?)?),
            None => (day_of(words.next()?)?, month(first)?),
        };
        let year = words.next().and_then(|w| num::<i32>(w, 4..=4));
        valid(year, month, day).then_some(Date {
            year,
            month,
            day,
            precision: Precision::Day,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10000))]

        /// Dates in words, with case changes, final sigmas and every kind of separator.
        #[test]
        fn parse_words_matches_the_reference(
            parts in prop::collection::vec(prop::sample::select(vec![
                "Mardi", "MARDI", "mardi", "30", "1er", "1ER", "Juin", "JUIN", "juin", "Janv.",
                "JANV.", "jan", "Août", "AOÛT", "DÉCEMBRE", "décembre", "2020", "ΣΑΣ", "ΑΣ", "Σ",
                "İ", "K", "ſ", "ẞ", " ", "  ", ",", ", ", "\t", "\n", "\u{a0}", "\u{3000}",
                "\u{85}", "\u{200b}", "'", "’", ".", "à", "21h01", "x",
            ]), 0..8),
        ) {
            let s = parts.concat();
            prop_assert_eq!(parse_words(&s), parse_words_reference(&s));
        }
    }

    /// [`parse_numeric`] before its first-digit gate: the same parser on every text.
    fn parse_numeric_reference(s: &str) -> Option<Date> {
        parse_numeric_ungated(s.trim())
    }

    /// [`parse`] before the digit gates.
    fn parse_reference(s: &str) -> Option<Date> {
        parse_numeric_reference(s).or_else(|| parse_words(s))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(10000))]

        /// Numeric and word dates (the digits anywhere in them: after a weekday, a month, white
        /// space), near misses and text without digits.
        #[test]
        fn parse_with_the_digit_gate_matches_the_reference(
            parts in prop::collection::vec(prop::sample::select(vec![
                "Mardi", "mardi", "dimanche", "30", "7", "1er", "juin", "Janv.", "jan", "Août",
                "DÉCEMBRE", "2020", "1999", "2022-01-07", "2020-07-03T00:59:02+02:00", "07/01/2022",
                "2022/01/07", "2022-13", "2022", "-", "/", "T", " ", "  ", ",", ", ", "\t", "\n",
                "\u{a0}", "\u{3000}", "à", "21h01", "x", "le chef", "Une phrase de titre",
                "\u{0660}", "\u{ff11}",
            ]), 0..8),
        ) {
            let s = parts.concat();
            prop_assert_eq!(parse_numeric(&s), parse_numeric_reference(&s));
            prop_assert_eq!(parse(&s), parse_reference(&s));
        }
    }

    fn ymd(d: Option<Date>) -> Option<(Option<i32>, u32, u32, &'static str)> {
        d.map(|d| (d.year, d.month, d.day, d.precision.as_str()))
    }

    #[test]
    fn numeric() {
        assert_eq!(ymd(parse("2022-01")), Some((Some(2022), 1, 1, "month")));
        assert_eq!(ymd(parse("2022-01-07")), Some((Some(2022), 1, 7, "day")));
        assert_eq!(
            ymd(parse("2020-07-03T00:59:02+02:00")),
            Some((Some(2020), 7, 3, "day"))
        );
        assert_eq!(
            ymd(parse("2020-07-03 00:59:02")),
            Some((Some(2020), 7, 3, "day"))
        );
        assert_eq!(ymd(parse("07/01/2022")), Some((Some(2022), 1, 7, "day")));
        assert_eq!(ymd(parse("2022")), Some((Some(2022), 1, 1, "year")));
        for bad in [
            "2022-13",
            "2022-02-30",
            "12",
            "",
            "20220",
            "abc",
            "2022-01-07x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn words() {
        assert_eq!(
            ymd(parse("7 janvier 2022")),
            Some((Some(2022), 1, 7, "day"))
        );
        assert_eq!(
            ymd(parse("mardi 30 juin 2020 à 21h01")),
            Some((Some(2020), 6, 30, "day"))
        );
        assert_eq!(ymd(parse("1er mars")), Some((None, 3, 1, "day")));
        assert_eq!(ymd(parse("Jan 7, 2022")), Some((Some(2022), 1, 7, "day")));
        assert_eq!(ymd(parse("7 janv. 2022")), Some((Some(2022), 1, 7, "day")));
        assert_eq!(parse("31 juin 2020"), None);
        assert_eq!(parse("le chef"), None);
    }
}
