//! News metadata found in the text: the scraper's header (` date 2022-01`), a leading section and
//! headline, a byline, the wire dateline (`BRUXELLES, 7 janvier (Reuters) -`), agency lines
//! (`AFP, publié le mardi 30 juin 2020 à 21h01`), closing credits (`(Reportage ...; version française
//! ...)`) and photo credits (`REUTERS/...`, `© AFP, ...`). Every match becomes a byte range to cut.
//!
//! Only the first lines, the last line and caption-like line ends are looked at, with linear-time
//! regexes and hand-written matchers, so the cost does not depend on what the body says.

mod agency;
pub(crate) mod date;
mod language;
mod photo;

use std::sync::OnceLock;

use regex::Regex;

use crate::document::Published;

pub(crate) use language::guess as guess_language;

const AGENCIES_TXT: &str = include_str!("../../data/agencies.txt");

/// Lines that look like a section label but are site chrome.
const NOT_SECTIONS: &[&str] = &[
    "suivez nous sur",
    "suivez-nous",
    "suivez-nous sur",
    "partager",
    "partagez",
    "publicité",
    "menu",
    "accueil",
    "à la une",
    "a la une",
    "newsletter",
    "réagir",
    "tendance",
    "abonnez-vous",
    "se connecter",
    "fil info",
    "vidéos",
    "en direct",
    "lire aussi",
    "a lire aussi",
    "à lire aussi",
];

/// The metadata regexes, each built the first time a line gets past its gate ([`gate`]) and then
/// kept: a regex no line of a run needs is never built (building them takes millions of
/// instructions, most of it for the dateline's and the byline's Unicode classes; see
/// docs/benchmarks/ingest.md, seventh pass). Agency lines have none here: [`agency::groups`]
/// matches `AGENCY_LINE` (kept for the tests) by hand, asking only a letter beyond ASCII of a
/// one-class `\p{Lu}` regex of its own.
struct Rules {
    header: OnceLock<Regex>,
    /// [`DATELINE`] without the bounds on the lengths of its groups, which [`Rules::dateline`]
    /// checks.
    dateline: OnceLock<Regex>,
    /// [`BYLINE`] without the bound on the names' length, which [`Rules::byline`] checks.
    byline: OnceLock<Regex>,
    /// [`CREDITS`] without the bound on the body's length, which [`Rules::credits`] checks.
    credits: OnceLock<Regex>,
}

/// `date 2022-01-07T10:00:00Z` (the scraper's header).
const HEADER: &str = r"^\s*(?i:date)\s*:?\s+(\d{4}(?:[-/]\d{1,2}(?:[-/]\d{1,2})?)?(?:T[0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)(?:[ \t]+|\s*$|\s*\n)";
/// `BRUXELLES, 7 janvier (Reuters) - `: a place of 2 to 42 characters, an optional date, the agency.
/// An aside of 1 to 30 characters in parentheses may follow the place, a date of 3 to 30 characters
/// the place or the aside; the agency has 1 to 41 characters.
const DATELINE: &str = r"^(?P<place>\p{Lu}[\p{Lu}\p{M}'’ .\-/]{0,40}\p{Lu})(?:\s+\((?P<aside>[^()\n]{1,30})\))?(?:\s*,\s*(?P<date>[^()\n,]{3,30}?))?\s*\((?P<agency>\p{Lu}[^()\n]{0,40})\)\s*[-–—]+\s*";
/// The longest place of [`DATELINE`], in characters.
const DATELINE_PLACE_CHARS: usize = 42;
/// The longest aside of [`DATELINE`], in characters.
const DATELINE_ASIDE_CHARS: usize = 30;
/// The longest date of [`DATELINE`], in characters.
const DATELINE_DATE_CHARS: usize = 30;
/// The longest agency of [`DATELINE`], in characters.
const DATELINE_AGENCY_CHARS: usize = 41;
/// `Par Jean Dupont`: names of 2 to 81 characters.
const BYLINE: &str = r"^(?:Par|By)\s+(?P<names>\p{Lu}[\p{L}\p{M}'’.\- ,&]{1,80}?)\s*$";
/// The longest names of [`BYLINE`], in characters.
const BYLINE_NAMES_CHARS: usize = 81;
/// `AFP, publié le mardi 30 juin 2020 à 21h01`: an agency of 2 to 61 characters without a comma,
/// a date of 6 to 80 characters. Written out by hand in [`agency::groups`]; the pattern is the
/// reference of its tests.
#[cfg(test)]
const AGENCY_LINE: &str = r"^(?P<agency>\p{Lu}[^,\n]{1,60}?),\s+(?i:publié|mis à jour|modifié)\s+le\s+(?P<date>[^\n]{6,80}?)\s*$";
/// `(Reportage Robin Emmott; version française Jean-Stéphane Brosse)`: a body of 3 to 300
/// characters.
const CREDITS: &str = r"\s*\((?P<body>[^()\n]{3,300})\)\s*$";
/// The longest body of [`CREDITS`], in characters.
const CREDITS_BODY_CHARS: usize = 300;

/// `pattern` with the first occurrence of the counted repetition `{from,to}` (followed by `?` when
/// lazy) made unbounded; where one bound occurs twice (the place and the agency of [`DATELINE`],
/// both `{0,40}`), successive calls open them in the order they occur. A counted repetition of a
/// Unicode class is built as that many copies of the class's UTF-8 automaton, which made building
/// the metadata regexes cost most of the start-up (docs/benchmarks/ingest.md). Each `Rules` method
/// checks the bound on the capture instead and says why that gives the same matches; the property
/// test `unbounded_patterns_with_checks_match_the_counted_ones` compares them with the counted
/// patterns.
fn unbounded(pattern: &str, from: usize, to: usize) -> String {
    let counted = format!("{{{from},{to}}}");
    assert!(
        pattern.contains(&counted),
        "{pattern} has no {counted}: the bound and the pattern disagree"
    );
    let open = match from {
        0 => "*".to_string(),
        1 => "+".to_string(),
        _ => format!("{{{from},}}"),
    };
    pattern.replacen(&counted, &open, 1)
}

impl Rules {
    /// The captures of [`DATELINE`] on `line`. The line decides how it can be read: the place
    /// runs to the white space before the first `(` or `,` (its class holds neither), a `(` after
    /// the place opens the agency when its `)` is followed by a dash and the aside otherwise (the
    /// aside's `)` must be followed by `,` or `(`), and neither the date nor a parenthesis holds a
    /// parenthesis. So both patterns read a line in one way only, and the counted pattern matches
    /// when the unbounded one does and its groups are short enough. The date, lazy, is the
    /// shortest of at least 3 characters after the most white space: a date after less white
    /// space starts earlier and ends no sooner, so when the unbounded pattern's date is too long,
    /// every date the counted pattern could take is too.
    fn dateline<'h>(&self, line: &'h str) -> Option<regex::Captures<'h>> {
        let c = self.dateline_regex().captures(line)?;
        let fits = |group, most| {
            c.name(group)
                .map_or(true, |g| g.as_str().chars().count() <= most)
        };
        (fits("place", DATELINE_PLACE_CHARS)
            && fits("aside", DATELINE_ASIDE_CHARS)
            && fits("date", DATELINE_DATE_CHARS)
            && fits("agency", DATELINE_AGENCY_CHARS))
        .then_some(c)
    }

    /// The captures of [`BYLINE`] on `line`.
    fn byline<'h>(&self, line: &'h str) -> Option<regex::Captures<'h>> {
        let c = self.byline_regex().captures(line)?;
        let names = c.name("names").map_or("", |n| n.as_str());
        (names.chars().count() <= BYLINE_NAMES_CHARS).then_some(c)
    }

    /// The captures of [`CREDITS`] on `line`. The body holds no parenthesis and the `)` after it
    /// ends the line but for white space, so the body is the text after the last `(`: the only
    /// one either pattern can take.
    fn credits<'h>(&self, line: &'h str) -> Option<regex::Captures<'h>> {
        let c = self.credits_regex().captures(line)?;
        let body = c.name("body").map_or("", |b| b.as_str());
        (body.chars().count() <= CREDITS_BODY_CHARS).then_some(c)
    }

    /// Whether [`DATELINE`] matches `line`.
    fn is_dateline(&self, line: &str) -> bool {
        self.dateline_regex().is_match(line) && self.dateline(line).is_some()
    }

    /// Whether [`BYLINE`] matches `line`.
    fn is_byline(&self, line: &str) -> bool {
        self.byline_regex().is_match(line) && self.byline(line).is_some()
    }
}

/// Cheap necessary conditions checked before a metadata regex runs. The regexes have counted
/// repetitions of Unicode classes (`[^\n]{6,80}?`, `\p{Lu}[...]{0,40}`) on which regex's lazy DFA
/// gives up and the bounded backtracker takes over, clearing a bitset as long as the line on every
/// call; without the gates that was most of the metadata stage's time. Each gate only rejects lines
/// on which its regex cannot match, so the results are the same.
mod gate {
    /// `^\s*(?i:date)`: the text starts with `date` in any case after white space.
    pub(super) fn header(t: &str) -> bool {
        let t = t.trim_start();
        t.len() >= 4 && t.as_bytes()[..4].eq_ignore_ascii_case(b"date")
    }

    /// `^(?:Par|By)\s+\p{Lu}`: white space after `Par` or `By` (`trim_start` and `\s` both take
    /// the Unicode `White_Space` characters), then an upper-case letter (every `\p{Lu}` character
    /// is `char::is_uppercase`). Lines such as `Paris ...` or `Par ailleurs, ...` are common in the
    /// first lines; without the regex run on them, it is never built for most texts.
    pub(super) fn byline(line: &str) -> bool {
        let rest = line.strip_prefix("Par").or_else(|| line.strip_prefix("By"));
        rest.is_some_and(|r| {
            let names = r.trim_start();
            names.len() < r.len() && names.chars().next().is_some_and(char::is_uppercase)
        })
    }

    /// `^\p{Lu}...\(agency\)`: an upper-case first letter and a parenthesis, and before the
    /// first `(` or `,` only the place's characters and white space, so no ASCII byte but `A`-`Z`,
    /// `'`, `.`, `-`, `/` and ASCII white space (non-ASCII characters are not looked at). Titles
    /// and sentences that start with a capital and hold a parenthesis are common in the first
    /// lines; rejected here, the dateline regex is neither run on them nor, for most texts,
    /// built.
    pub(super) fn dateline(line: &str) -> bool {
        let b = line.as_bytes();
        let place_or_space = |x: &u8| {
            !x.is_ascii()
                || matches!(x, b'A'..=b'Z' | b'\'' | b'.' | b'-' | b'/' | b' ' | b'\t'..=b'\r')
        };
        line.chars().next().is_some_and(char::is_uppercase)
            && line.contains('(')
            && memchr::memchr2(b'(', b',', b).is_some_and(|end| b[..end].iter().all(place_or_space))
    }

    /// `...\(body\)\s*$` on a line without trailing white space.
    pub(super) fn credits(line: &str) -> bool {
        line.ends_with(')')
    }
}

fn rules() -> &'static Rules {
    static R: Rules = Rules {
        header: OnceLock::new(),
        dateline: OnceLock::new(),
        byline: OnceLock::new(),
        credits: OnceLock::new(),
    };
    &R
}

fn build(pattern: &str) -> Regex {
    Regex::new(pattern).expect("metadata regexes are valid")
}

impl Rules {
    /// The header regex: `date 2022-01-07` at the start of the text.
    fn header(&self) -> &Regex {
        self.header.get_or_init(|| build(HEADER))
    }

    fn dateline_regex(&self) -> &Regex {
        // The place is a capital, up to 40 more characters, a capital.
        self.dateline.get_or_init(|| {
            let place = unbounded(DATELINE, 0, DATELINE_PLACE_CHARS - 2);
            let aside = unbounded(&place, 1, DATELINE_ASIDE_CHARS);
            let date = unbounded(&aside, 3, DATELINE_DATE_CHARS);
            // The agency is a capital and up to 40 more characters.
            build(&unbounded(&date, 0, DATELINE_AGENCY_CHARS - 1))
        })
    }

    fn byline_regex(&self) -> &Regex {
        // The names are a capital and 1 to 80 more characters.
        self.byline
            .get_or_init(|| build(&unbounded(BYLINE, 1, BYLINE_NAMES_CHARS - 1)))
    }

    fn credits_regex(&self) -> &Regex {
        self.credits
            .get_or_init(|| build(&unbounded(CREDITS, 3, CREDITS_BODY_CHARS)))
    }
}

fn is_agency(name: &str) -> bool {
    AGENCIES_TXT
        .lines()
        .any(|l| !l.starts_with('#') && l.eq_ignore_ascii_case(name.trim()))
}

/// A byte range of the repaired text to remove, and the rule that found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawCut {
    pub start: usize,
    pub end: usize,
    pub rule: &'static str,
}

/// Metadata found in a text.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub section: Option<String>,
    pub published: Option<Published>,
    pub dateline_place: Option<String>,
    pub agency: Option<String>,
    pub authors: Vec<String>,
    pub translators: Vec<String>,
    pub photo_credits: Vec<String>,
    pub cuts: Vec<RawCut>,
}

/// Byte ranges of the lines of `t` from `from` on, without their `\n`.
fn lines_from(t: &str, from: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = from;
    std::iter::from_fn(move || {
        if pos > t.len() || (pos == t.len() && pos != from) {
            return None;
        }
        let end = newline(&t.as_bytes()[pos..]).map_or(t.len(), |i| pos + i);
        let line = (pos, end);
        pos = end + 1;
        Some(line)
    })
}

/// `memchr(b'\n', b)`, with the first 8 bytes tested in a register first: the first lines of a
/// scrape are mostly blank or a word or two (`A la une`, `France`), for which memchr's setup costs
/// more than its search.
fn newline(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    if let Some(eight) = b.get(..8) {
        let x = u64::from_le_bytes(eight.try_into().expect("8 bytes")) ^ (u64::from(b'\n') * ONES);
        // The high bit of each byte of `x` that is zero (a newline of `b`), exactly: the low 7 bits
        // plus 0x7F carry into the high bit unless they are all zero, and no sum carries further.
        let zero = !(((x & !HIGH) + !HIGH) | x) & HIGH;
        if zero != 0 {
            return Some(zero.trailing_zeros() as usize / 8);
        }
        return memchr::memchr(b'\n', &b[8..]).map(|i| i + 8);
    }
    memchr::memchr(b'\n', b)
}

/// `memchr` and `memrchr` for one byte, with the searcher built once: where the CPU has AVX2, the
/// `memchr` functions look for the CPU's best routine and broadcast the byte into a vector again at
/// every call, about a fifth of their cost on the short stretches between the commas and line
/// breaks of a text. Elsewhere, the `memchr` functions.
enum ByteFinder {
    #[cfg(target_arch = "x86_64")]
    Avx2(memchr::arch::x86_64::avx2::memchr::One),
    Any(u8),
}

impl ByteFinder {
    fn new(byte: u8) -> ByteFinder {
        #[cfg(target_arch = "x86_64")]
        if let Some(one) = memchr::arch::x86_64::avx2::memchr::One::new(byte) {
            return ByteFinder::Avx2(one);
        }
        ByteFinder::Any(byte)
    }

    fn find(&self, haystack: &[u8]) -> Option<usize> {
        match self {
            #[cfg(target_arch = "x86_64")]
            ByteFinder::Avx2(one) => one.find(haystack),
            ByteFinder::Any(byte) => memchr::memchr(*byte, haystack),
        }
    }

    fn rfind(&self, haystack: &[u8]) -> Option<usize> {
        match self {
            #[cfg(target_arch = "x86_64")]
            ByteFinder::Avx2(one) => one.rfind(haystack),
            ByteFinder::Any(byte) => memchr::memrchr(*byte, haystack),
        }
    }
}

/// The range that removes the whole line `[s, e)` and one paragraph separator with it.
fn line_cut(t: &str, s: usize, e: usize) -> (usize, usize) {
    let b = t.as_bytes();
    let mut end = e;
    while end < b.len() && b[end] == b'\n' {
        end += 1;
    }
    let mut start = s;
    if end == b.len() {
        while start > 0 && b[start - 1] == b'\n' {
            start -= 1;
        }
    }
    (start, end)
}

/// `s.split_whitespace().count()`, read 8 bytes at a time where they are ASCII (most of the
/// leading block's lines): `split_whitespace` decodes every character and looks it up in the
/// white-space table, about 10 instructions a byte. A word starts at a byte that is not white space
/// after one that is (or at the start); only ASCII white space and the lead bytes of the other
/// white-space characters ([`space_len`]) can begin white space, and continuation bytes are inside a
/// word.
fn words(s: &str) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    let b = s.as_bytes();
    let mut n = 0;
    // Whether the byte before `i` ends white space (or `i` is the start).
    let mut after_space = true;
    let mut i = 0;
    while i < b.len() {
        if let Some(eight) = b.get(i..i + 8) {
            let x = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
            if x & HIGH == 0 {
                // Every byte is below 0x80, so no sum below carries into the next byte. The high
                // bit of a byte ends up set when it is a space (0x20) or in 0x09..=0x0D.
                let not_space = (x ^ (0x20 * ONES)) + 0x7F * ONES;
                let in_tab_cr = (x + 0x77 * ONES) & !(x + 0x72 * ONES);
                let space = (!not_space | in_tab_cr) & HIGH;
                let before = (space << 8) | (u64::from(after_space) << 7);
                let starts = !space & before & HIGH;
                // One bit per byte, at bit 8k + 7: their sum lands in the top byte.
                n += ((starts >> 7).wrapping_mul(ONES) >> 56) as usize;
                after_space = space >> 63 != 0;
                i += 8;
                continue;
            }
        }
        match space_len(b, i) {
            0 => {
                n += usize::from(after_space);
                after_space = false;
                i += 1;
            }
            len => {
                after_space = true;
                i += len;
            }
        }
    }
    n
}

/// The length in bytes of the white-space character (`char::is_whitespace`) that starts at byte
/// `i` of `b`, or 0: ASCII `\t`..=`\r` and space, U+0085, U+00A0, U+1680, U+2000..=U+200A,
/// U+2028, U+2029, U+202F, U+205F and U+3000. Checked against `char` for every character in the
/// tests.
fn space_len(b: &[u8], i: usize) -> usize {
    let white = match (b[i], b.get(i + 1), b.get(i + 2)) {
        (b' ' | b'\t'..=b'\r', _, _) => return 1,
        (0xC2, Some(0x85 | 0xA0), _) => return 2,
        (0xE1, Some(0x9A), Some(0x80)) => true,
        (0xE2, Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) => true,
        (0xE2, Some(0x81), Some(0x9F)) => true,
        (0xE3, Some(0x80), Some(0x80)) => true,
        _ => false,
    };
    if white {
        3
    } else {
        0
    }
}

fn starts_upper(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "«\"“'".contains(c))
}

fn to_published(d: date::Date, source: &str) -> Option<Published> {
    Some(Published {
        year: d.year?,
        month: d.month,
        day: d.day,
        precision: d.precision,
        source: source.to_string(),
    })
}

/// Splits `Robin Emmott et Jean Dupont, Marie Curie` into names.
fn names(s: &str) -> Vec<String> {
    s.split([',', '&', '/'])
        .flat_map(|p| p.split(" et ").flat_map(|q| q.split(" and ")))
        .map(|n| n.trim().trim_end_matches('.').trim().to_string())
        .filter(|n| starts_upper(n) && words(n) <= 6 && n.chars().count() <= 60)
        .collect()
}

impl Meta {
    fn cut(&mut self, start: usize, end: usize, rule: &'static str) {
        debug_assert!(
            crate::document::CUT_RULES.contains(&rule),
            "{rule} not in CUT_RULES"
        );
        if start < end {
            self.cuts.push(RawCut { start, end, rule });
        }
    }

    fn is_cut(&self, s: usize, e: usize) -> bool {
        self.cuts
            .iter()
            .any(|c| c.start < e.max(s + 1) && s < c.end)
    }

    fn set_date(&mut self, d: Option<date::Date>, source: &str) {
        if self.published.is_none() {
            self.published = d.and_then(|d| to_published(d, source));
        }
    }

    fn add_names(&mut self, s: &str, translators: bool) {
        for n in names(s) {
            if is_agency(&n) {
                self.agency.get_or_insert(n);
            } else if translators {
                self.translators.push(n);
            } else {
                self.authors.push(n);
            }
        }
    }
}

/// What the record already knows.
pub(crate) struct Hints<'a> {
    pub title: Option<&'a str>,
    pub published: Option<Published>,
}

/// Finds metadata in the repaired text `t`.
pub(crate) fn extract(t: &str, hints: &Hints<'_>) -> Meta {
    let r = rules();
    let mut m = Meta {
        published: hints.published.clone(),
        ..Meta::default()
    };
    let mut body = 0;
    if let Some(c) = gate::header(t).then(|| r.header().captures(t)).flatten() {
        let whole = c.get(0).map_or(0..0, |g| g.range());
        m.cut(0, whole.end, "header");
        m.set_date(
            c.get(1).and_then(|g| date::parse_numeric(g.as_str())),
            "header",
        );
        body = whole.end;
    }
    let first = FirstLines::new(t, body);
    leading_block(t, &first, hints, &mut m);
    dateline(t, &first, &mut m);
    agency_lines(t, body, &mut m);
    credits(t, &mut m);
    photo_credits(t, &mut m);
    m.cuts.sort_by_key(|c| (c.start, c.end));
    let mut kept: Vec<RawCut> = Vec::with_capacity(m.cuts.len());
    for c in m.cuts.drain(..) {
        if kept.last().map_or(true, |k| k.end <= c.start) {
            kept.push(c);
        }
    }
    m.cuts = kept;
    m
}

/// The first lines of a text that are not blank (at most 16), read once for [`leading_block`] and
/// [`dateline`]: each with its range and trimmed text, and the white space it starts with.
struct FirstLines<'a> {
    /// Range (without the `\n`) and trimmed text.
    lines: Vec<(usize, usize, &'a str)>,
    /// The bytes of white space before each line's text.
    leads: Vec<usize>,
    /// The first long line, which ends the leading block: more than 150 characters (so more than
    /// 150 bytes) or 30 words (so more than 60 bytes).
    long: Option<usize>,
}

impl<'a> FirstLines<'a> {
    /// The lines from `from` on that the leading block (up to 16, up to the first long one) and the
    /// dateline (the first 12) read.
    fn new(t: &'a str, from: usize) -> FirstLines<'a> {
        let mut first = FirstLines {
            lines: Vec::with_capacity(16),
            leads: Vec::with_capacity(16),
            long: None,
        };
        for (s, e) in lines_from(t, from) {
            let untrimmed = &t[s..e];
            let rest = untrimmed.trim_start();
            if rest.is_empty() {
                continue;
            }
            let line = rest.trim_end();
            if first.long.is_none()
                && ((line.len() > 150 && line.chars().count() > 150)
                    || (line.len() > 60 && words(line) > 30))
            {
                first.long = Some(first.lines.len());
            }
            first.lines.push((s, e, line));
            first.leads.push(untrimmed.len() - rest.len());
            let n = first.lines.len();
            if n == 16 || (n >= 12 && first.long.is_some()) {
                break;
            }
        }
        first
    }

    /// The lines of the leading block: up to the first long one.
    fn block(&self) -> &[(usize, usize, &'a str)] {
        &self.lines[..self.long.unwrap_or(self.lines.len())]
    }
}

/// The short lines before the first paragraph of prose: section, headline, byline.
fn leading_block(t: &str, first: &FirstLines<'_>, hints: &Hints<'_>, m: &mut Meta) {
    let r = rules();
    let block = first.block();
    let after_block = first.long.is_some();
    if block.is_empty() {
        return;
    }
    let trimmed = |i: usize| block[i].2;
    let has_more = |i: usize| after_block || i + 1 < block.len();
    let title_at = match hints.title.map(str::trim) {
        Some(title) => (0..block.len()).find(|&i| trimmed(i) == title),
        None => (0..block.len()).find(|&i| {
            let l = trimmed(i);
            (4..=30).contains(&words(l))
                && starts_upper(l)
                && !l.ends_with(['.', ':', ',', ';'])
                && !(gate::byline(l) && r.is_byline(l))
                && agency::groups(l).is_none()
                && !(gate::dateline(l) && r.is_dateline(l))
                && date::parse(l).is_none()
                && has_more(i)
        }),
    };
    if let Some(i) = title_at {
        let (s, e, _) = block[i];
        let (cs, ce) = line_cut(t, s, e);
        m.cut(cs, ce, "title");
        if hints.title.is_none() {
            m.title = Some(trimmed(i).to_string());
        }
        if i > 0 {
            let l = trimmed(i - 1);
            let lower = l.to_lowercase();
            if (1..=3).contains(&words(l))
                && l.chars().count() <= 40
                && l.chars().next().is_some_and(char::is_uppercase)
                && !l.chars().any(|c| c.is_ascii_digit() || ":|/".contains(c))
                && !NOT_SECTIONS.contains(&lower.as_str())
            {
                let (s, e, _) = block[i - 1];
                let (cs, ce) = line_cut(t, s, e);
                m.cut(cs, ce, "section");
                m.section = Some(l.to_string());
            }
        }
    }
    for &(s, e, line) in block {
        if let Some(c) = gate::byline(line).then(|| r.byline(line)).flatten() {
            if words(line) <= 10 && !m.is_cut(s, e) {
                let (cs, ce) = line_cut(t, s, e);
                m.cut(cs, ce, "byline");
                m.add_names(c.name("names").map_or("", |g| g.as_str()), false);
            }
        }
    }
}

/// `BRUXELLES, 7 janvier (Reuters) -` at the start of one of the first lines.
fn dateline(t: &str, first: &FirstLines<'_>, m: &mut Meta) {
    let r = rules();
    for (&(s, e, _), &lead) in first.lines.iter().zip(&first.leads).take(12) {
        if m.is_cut(s, e) {
            continue;
        }
        let line = &t[s + lead..e];
        let Some(c) = gate::dateline(line).then(|| r.dateline(line)).flatten() else {
            continue;
        };
        let day = c.name("date").map(|d| date::parse_words(d.as_str()));
        if matches!(day, Some(None)) {
            continue;
        }
        let end = s + lead + c.get(0).map_or(0, |g| g.end());
        m.cut(s + lead, end, "dateline");
        m.dateline_place = c.name("place").map(|p| p.as_str().trim().to_string());
        if let Some(a) = c.name("agency") {
            m.agency
                .get_or_insert_with(|| a.as_str().trim().to_string());
        }
        m.set_date(day.flatten(), "dateline");
        return;
    }
}

/// `AFP, publié le mardi 30 juin 2020 à 21h01` as a line of its own.
///
/// Only lines of at most 200 bytes with a comma are looked at, each once, in text order: the commas
/// are found with memchr, and the matcher runs only on the lines where white space and one of its
/// words follow the first comma ([`agency::after_comma`]).
fn agency_lines(t: &str, from: usize, m: &mut Meta) {
    let b = t.as_bytes();
    let (commas, newlines) = (ByteFinder::new(b','), ByteFinder::new(b'\n'));
    let mut pos = from;
    while let Some(off) = commas.find(&b[pos..]) {
        let comma = pos + off;
        let e = newlines.find(&b[comma..]).map_or(t.len(), |i| comma + i);
        if agency::after_comma(&t[comma + 1..e]) {
            let s = newlines.rfind(&b[pos..comma]).map_or(pos, |i| pos + i + 1);
            if e - s <= 200 {
                if let Some((agency, date)) = agency::groups(t[s..e].trim()) {
                    agency_line(t, s, e, agency, date, m);
                }
            }
        }
        if e == t.len() {
            break;
        }
        pos = e + 1;
    }
}

/// Records the agency line `[s, e)` of `t`, with the `agency` and `date` groups of `AGENCY_LINE`,
/// unless its date does not parse, its agency is too long or the line is already cut.
fn agency_line(t: &str, s: usize, e: usize, agency: &str, date: &str, m: &mut Meta) {
    let agency = agency.trim();
    let d = date::parse(date);
    if d.is_none() || words(agency) > 6 || m.is_cut(s, e) {
        return;
    }
    let (cs, ce) = line_cut(t, s, e);
    m.cut(cs, ce, "agency_line");
    m.agency.get_or_insert_with(|| agency.to_string());
    m.set_date(d, "agency_line");
}

const AUTHOR_ROLES: &[&str] = &[
    "additional reporting by",
    "reporting by",
    "writing by",
    "written by",
    "reportage de",
    "reportage",
    "rédigé par",
    "redige par",
    "écrit par",
    "ecrit par",
    "rédaction",
    "par",
    "avec",
    "by",
    "with",
];
const TRANSLATOR_ROLES: &[&str] = &[
    "version française",
    "version francaise",
    "adaptation française",
    "traduction",
    "traduit par",
    "translated by",
];
const EDITOR_ROLES: &[&str] = &[
    "édité par",
    "edité par",
    "edite par",
    "editing by",
    "edited by",
];

enum Role {
    Author,
    Translator,
    Editor,
}

fn role(segment: &str) -> Option<(Role, &str)> {
    let lower = segment.to_lowercase();
    let groups = [
        (TRANSLATOR_ROLES, Role::Translator),
        (EDITOR_ROLES, Role::Editor),
        (AUTHOR_ROLES, Role::Author),
    ];
    for (keys, role) in groups {
        for k in keys.iter() {
            if lower.starts_with(k) && lower[k.len()..].starts_with([' ', ':']) {
                // Lowercasing keeps byte lengths for these ASCII/Latin keywords only when the
                // segment starts the same way; take the rest by characters to stay on boundaries.
                let n = k.chars().count();
                let rest = segment
                    .char_indices()
                    .nth(n)
                    .map_or("", |(i, _)| &segment[i..]);
                return Some((role, rest.trim_start_matches([' ', ':']).trim()));
            }
        }
    }
    None
}

/// `(Reportage Robin Emmott; version française Jean-Stéphane Brosse)` at the end of the text.
fn credits(t: &str, m: &mut Meta) {
    let r = rules();
    let trimmed_end = t.trim_end().len();
    let line_start = t[..trimmed_end].rfind('\n').map_or(0, |i| i + 1);
    let line = &t[line_start..trimmed_end];
    let Some(c) = gate::credits(line).then(|| r.credits(line)).flatten() else {
        return;
    };
    let body = c.name("body").map_or("", |g| g.as_str());
    let segments: Vec<&str> = body.split(';').map(str::trim).collect();
    if segments.first().and_then(|s| role(s)).is_none() {
        return;
    }
    for seg in segments {
        match role(seg) {
            Some((Role::Author, names)) => m.add_names(names, false),
            Some((Role::Translator, names)) => m.add_names(names, true),
            Some((Role::Editor, _)) | None => {}
        }
    }
    let start = line_start + c.get(0).map_or(0, |g| g.start());
    if t[line_start..start].trim().is_empty() {
        let (cs, ce) = line_cut(t, line_start, t.len());
        m.cut(cs, ce, "credits");
    } else {
        m.cut(start, t.len(), "credits");
    }
}

/// Photo credits at the end of caption lines, after a sentence or alone on their line: the matches
/// of the regex that [`photo`] writes out by hand.
fn photo_credits(t: &str, m: &mut Meta) {
    for (g_start, g_end) in photo::find_iter(t) {
        photo_credit(t, g_start, g_end, m);
    }
}

/// Records the credit matched at `[g_start, g_end)` when it stands on its own line or after the end
/// of a sentence, is short, and is not a copyright notice.
fn photo_credit(t: &str, g_start: usize, g_end: usize, m: &mut Meta) {
    let line_start = t[..g_start].rfind('\n').map_or(0, |i| i + 1);
    let before = t[line_start..g_start].trim_end();
    let credit = t[g_start..g_end].trim();
    if words(credit) > 12
        || contains_lowercased(credit, "copyright")
        || contains_lowercased(credit, "droits")
        || m.is_cut(g_start, g_end)
    {
        return;
    }
    if before.is_empty() {
        let (cs, ce) = line_cut(t, line_start, g_end);
        m.cut(cs, ce, "photo_credit");
    } else if before.ends_with(['.', '!', '?', ')', '»', '”', '"']) {
        m.cut(line_start + before.len(), g_end, "photo_credit");
    } else {
        return;
    }
    m.photo_credits.push(credit.to_string());
}

/// `s.to_lowercase().contains(word)` for a word of ASCII lower-case letters other than `k`, without
/// building the lower-case copy. Only ASCII letters lowercase to those letters alone (`İ` gives `i`
/// and a combining dot, which no letter of the word follows; the Kelvin sign gives `k`), so the
/// lower-case text contains the word exactly where `s` has it in any ASCII case. Checked against
/// `to_lowercase` for every character in the tests.
fn contains_lowercased(s: &str, word: &str) -> bool {
    debug_assert!(word.bytes().all(|b| b.is_ascii_lowercase() && b != b'k'));
    s.as_bytes()
        .windows(word.len())
        .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byline gate's test for `\p{Lu}`.
    #[test]
    fn every_upper_case_letter_is_uppercase() {
        let lu = Regex::new(r"^\p{Lu}$").unwrap();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if lu.is_match(c.encode_utf8(&mut [0; 4])) {
                assert!(c.is_uppercase(), "{c:?}");
            }
        }
    }

    #[test]
    fn space_len_is_char_is_whitespace_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut t = String::from("a");
            t.push(c);
            let b = t.as_bytes();
            let expected = if c.is_whitespace() { c.len_utf8() } else { 0 };
            assert_eq!(space_len(b, 1), expected, "{c:?}");
            // Also with the character cut short at the end of the bytes.
            if c.len_utf8() > 1 {
                assert_eq!(space_len(&b[..b.len() - 1], 1), 0, "{c:?} cut");
            }
        }
    }

    #[test]
    fn contains_lowercased_is_to_lowercase_contains_for_every_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for word in ["copyright", "droits"] {
                // The character in place of each letter, and before and after the word.
                for k in 0..=word.len() {
                    for t in [
                        format!("{}{c}{}", &word[..k], &word[(k + 1).min(word.len())..]),
                        format!("{}{c}{}", &word[..k], &word[k..]),
                    ] {
                        assert_eq!(
                            contains_lowercased(&t, word),
                            t.to_lowercase().contains(word),
                            "{t:?}"
                        );
                    }
                }
            }
        }
    }

    /// Both searches, for each of the bytes searched and every byte value at every place of
    /// haystacks around the vector sizes, alone and between two other occurrences.
    #[test]
    fn byte_finder_is_memchr_for_every_byte_at_every_place() {
        for needle in [b',', b'\n'] {
            let f = ByteFinder::new(needle);
            // Where the CPU has AVX2, the searcher under test is the AVX2 one, not `memchr` again.
            #[cfg(target_arch = "x86_64")]
            if std::is_x86_feature_detected!("avx2") {
                assert!(matches!(f, ByteFinder::Avx2(_)));
            }
            for len in [0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200] {
                for pos in 0..len {
                    for x in 0..=255u8 {
                        for around in [false, true] {
                            let mut b = vec![b'a'; len];
                            if around {
                                b[pos / 2] = needle;
                                b[(pos + len) / 2] = needle;
                            }
                            b[pos] = x;
                            let what = format!("{x:#x} at {pos} of {len}, {around}");
                            assert_eq!(f.find(&b), memchr::memchr(needle, &b), "{what}");
                            assert_eq!(f.rfind(&b), memchr::memrchr(needle, &b), "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn newline_is_memchr_for_every_byte_at_every_place() {
        for x in 0..=255u8 {
            for len in 0..20 {
                for at in 0..len {
                    let mut b = vec![b'a'; len];
                    b[at] = x;
                    // A second newline after the byte, or none.
                    for second in [None, Some(len.min(at + 1)), Some(len.min(at + 9))] {
                        let mut b = b.clone();
                        if let Some(k) = second.filter(|&k| k < len) {
                            b[k] = b'\n';
                        }
                        assert_eq!(
                            newline(&b),
                            memchr::memchr(b'\n', &b),
                            "{x:#x} at {at} of {len}"
                        );
                    }
                }
            }
        }
    }

    /// The dateline, byline, agency-line and credits regexes as written, with their counted
    /// repetitions.
    pub(super) fn counted() -> &'static (Regex, Regex, Regex, Regex) {
        static R: std::sync::OnceLock<(Regex, Regex, Regex, Regex)> = std::sync::OnceLock::new();
        R.get_or_init(|| {
            let re = |p| Regex::new(p).unwrap();
            (re(DATELINE), re(BYLINE), re(AGENCY_LINE), re(CREDITS))
        })
    }

    #[test]
    fn the_bounds_are_the_ones_removed() {
        // The place's and the names' repetitions are the ones made unbounded (a lazy one stays lazy).
        let (dateline, byline) = (rules().dateline_regex(), rules().byline_regex());
        assert!(
            dateline.as_str().contains("'’ .\\-/]*\\p{Lu})")
                && !dateline.as_str().contains("{0,40}\\p{Lu})")
        );
        assert!(byline.as_str().contains(",&]+?)") && !byline.as_str().contains("{1,80}"));
        for counted in ["{1,30}", "{3,30}", "{0,40}"] {
            assert!(!dateline.as_str().contains(counted), "{counted}");
        }
        let credits = rules().credits_regex().as_str();
        assert!(credits.contains(r"[^()\n]{3,})") && !credits.contains("300"));
        let long = format!("Par {}", "Jean Dupont ".repeat(6));
        assert!(counted().1.is_match(long.trim_end()) && rules().is_byline(long.trim_end()));
        let too_long = format!("Par {}", "Jean Dupont ".repeat(9));
        assert!(!counted().1.is_match(&too_long) && !rules().is_byline(&too_long));
        let place = "SAINT-ÉTIENNE-DU-ROUVRAY ET VILLENEUVE D'ASCQ";
        assert!(place.chars().count() > DATELINE_PLACE_CHARS);
        let line = format!("{place} (Reuters) - Le texte");
        assert!(!counted().0.is_match(&line) && !rules().is_dateline(&line));
        assert!(rules().is_dateline(&line[27..]) && counted().0.is_match(&line[27..]));
    }

    /// Datelines and bylines whose place or names are around the length bounds, and lines of
    /// their pieces in any order.
    fn long_line() -> impl Strategy<Value = String> {
        let place = prop::sample::select(vec![
            "SAINT", "-", "ÉTIENNE", " ", "D'", "ASCQ", "É", "E\u{301}", "X", "/", ".",
        ]);
        let names = prop::sample::select(vec![
            "ean",
            " ",
            "Dupont",
            "-",
            "Christophe",
            " & ",
            "É",
            ".",
            ", ",
            "x",
        ]);
        let any = prop::sample::select(vec![
            "Par ",
            "By ",
            "SAINT-ÉTIENNE",
            " ",
            "\t",
            "(Reuters)",
            "(",
            ")",
            " - ",
            ", ",
            "Jean ",
            "\n",
            "x",
        ]);
        let tail = prop::sample::select(vec!["", " ", "  ", "\t", " x", "\n"]);
        let dateline = (
            prop::collection::vec(place, 0..16),
            prop::sample::select(vec!["", " (Corr.)", ", 7 janvier", " ,  mardi 30 juin"]),
            tail.clone(),
        )
            .prop_map(|(p, extra, tail)| {
                format!("B{}E{extra} (Reuters) - texte{tail}", p.concat())
            });
        let byline = (
            prop::sample::select(vec!["Par ", "By ", "Par  "]),
            prop::collection::vec(names, 0..24),
            tail,
        )
            .prop_map(|(by, n, tail)| format!("{by}J{}{tail}", n.concat()));
        let mixed = prop::collection::vec(any, 0..30).prop_map(|p| p.concat());
        prop_oneof![dateline, byline, mixed, dateline_parts()]
    }

    /// Datelines whose aside, date and agency are around their length bounds (runs of characters
    /// of one to four bytes, and white space), with stray parentheses, commas and dashes.
    fn dateline_parts() -> impl Strategy<Value = String> {
        let run = |lens: Vec<usize>| {
            (
                prop::sample::select(vec!["a", "É", "€", "😀", " ", "1"]),
                prop::sample::select(lens),
            )
                .prop_map(|(c, n)| c.repeat(n))
        };
        let near = |n: usize| vec![0, 1, 2, 3, 4, n - 2, n - 1, n, n + 1, n + 2];
        let space = prop::sample::select(vec!["", " ", "  ", "\t", "\n", "\u{a0}"]);
        let aside = prop_oneof![
            Just(String::new()),
            (space.clone(), run(near(30))).prop_map(|(s, r)| format!("{s}(c{r})")),
        ];
        let date = prop_oneof![
            Just(String::new()),
            (space.clone(), space.clone(), run(near(30)), space.clone())
                .prop_map(|(a, b, r, c)| format!("{a},{b}{r}{c}")),
        ];
        let agency = (space.clone(), run(near(41))).prop_map(|(s, r)| format!("{s}(R{r})"));
        let stray = prop::sample::select(vec!["", "(", ")", ",", " (x)", " - ", "—"]);
        (
            prop::sample::select(vec!["PARIS", "B", "SAINT-ÉTIENNE"]),
            aside,
            date,
            agency,
            stray,
            prop::sample::select(vec![" - texte", "- x", " — ", " x"]),
        )
            .prop_map(|(p, a, d, g, x, t)| format!("{p}{a}{d}{g}{x}{t}"))
    }

    /// Closing credits whose body is around the length bounds (runs of characters of one to four
    /// bytes), with parentheses, semicolons and white space before, inside and after.
    fn credits_line() -> impl Strategy<Value = String> {
        let run = (
            prop::sample::select(vec!["a", "é", "€", "😀", " ", ";"]),
            prop::sample::select(vec![
                0usize, 1, 2, 3, 4, 100, 148, 149, 150, 151, 298, 299, 300, 301, 302,
            ]),
        )
            .prop_map(|(c, n)| c.repeat(n));
        let piece = prop::sample::select(vec![
            "",
            " ",
            "(",
            ")",
            "\n",
            "\t",
            "\u{a0}",
            "Reportage ",
            "; ",
            "x",
            "é",
        ]);
        (
            prop::collection::vec(piece.clone(), 0..4),
            prop::collection::vec(prop_oneof![run, piece.prop_map(str::to_string)], 0..5),
            prop::sample::select(vec!["", " ", "  \n", ")", " )"]),
        )
            .prop_map(|(before, body, after)| {
                format!("{}({}){after}", before.concat(), body.concat())
            })
    }

    /// Lines built from the pieces the metadata regexes look for, so that many of them match.
    fn line() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "Par ",
            "By ",
            "BRUXELLES",
            "PARIS",
            "(Reuters)",
            "(AFP)",
            " - ",
            " — ",
            ", ",
            "7 janvier",
            "date",
            "DATE: ",
            "2022-01-07",
            " ",
            "\n",
            "(",
            ")",
            "Reportage ",
            "; ",
            "REUTERS/",
            "©",
            "AFP",
            "AP",
            "Photo",
            "PHOTO",
            "crédit photo",
            " : ",
            "publié le",
            "Mis à jour le",
            "mardi 30 juin 2020",
            "Jean Dupont",
            "Éric Dupont",
            "Le Monde",
            "é",
            "x",
        ]);
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    /// The lines `leading_block` and `dateline` read, as they first read them each for itself: the
    /// leading block's lines and whether a long line ended it, and the dateline's lines with the
    /// white space before their text.
    #[allow(clippy::type_complexity)]
    fn first_lines_reference(
        t: &str,
        from: usize,
    ) -> (Vec<(usize, usize, &str)>, bool, Vec<(usize, usize, usize)>) {
        let mut block: Vec<(usize, usize, &str)> = Vec::with_capacity(16);
        let mut after_block = false;
        for (s, e, line) in lines_from(t, from)
            .map(|(s, e)| (s, e, t[s..e].trim()))
            .filter(|&(_, _, line)| !line.is_empty())
            .take(16)
        {
            if (line.len() > 150 && line.chars().count() > 150)
                || (line.len() > 60 && words(line) > 30)
            {
                after_block = true;
                break;
            }
            block.push((s, e, line));
        }
        let dateline = lines_from(t, from)
            .filter(|&(s, e)| !t[s..e].trim().is_empty())
            .take(12)
            .map(|(s, e)| (s, e, t[s..e].len() - t[s..e].trim_start().len()))
            .collect();
        (block, after_block, dateline)
    }

    /// Texts of short, blank, long and metadata lines, often more than 16 that are not blank.
    fn first_lines_text() -> impl Strategy<Value = String> {
        let long_words = "mot ".repeat(40);
        let long_chars = "é".repeat(151);
        let line = prop::sample::select(vec![
            String::new(),
            "  ".to_string(),
            "\t \u{A0}".to_string(),
            "Politique".to_string(),
            " Politique ".to_string(),
            "Un titre de quatre mots ou plus".to_string(),
            "Un autre titre sans point final ici".to_string(),
            "Par Jean Dupont".to_string(),
            "By Robin Emmott ".to_string(),
            "BRUXELLES, 7 janvier (Reuters) - Le texte commence ici.".to_string(),
            "  PARIS (AFP) - suite du texte".to_string(),
            "AFP, publié le mardi 30 juin 2020 à 21h01".to_string(),
            "7 janvier 2020".to_string(),
            "a ".repeat(31),
            "b ".repeat(30),
            "x".repeat(151),
            "y".repeat(150),
            long_words,
            long_chars,
        ]);
        prop::collection::vec(line, 0..30).prop_map(|l| l.join("\n"))
    }

    /// `agency_lines` as first written (every line tried, then the same step per line), the
    /// reference for the comma-search version.
    fn agency_lines_reference(t: &str, from: usize, m: &mut Meta) {
        for (s, e) in lines_from(t, from) {
            if e - s > 200 || !t[s..e].contains(',') {
                continue;
            }
            let line = t[s..e].trim();
            if let Some(c) = counted().2.captures(line) {
                let group = |name| c.name(name).map_or("", |g| g.as_str());
                agency_line(t, s, e, group("agency"), group("date"), m);
            }
        }
    }

    /// `photo_credits` as first written (the regex over the whole text, then the same step per
    /// match), the reference for the hand-written matcher.
    fn photo_credits_reference(t: &str, m: &mut Meta) {
        for g in photo::tests::reference().find_iter(t) {
            photo_credit(t, g.start(), g.end(), m);
        }
    }

    /// Texts made of credit pieces, their words in odd places, and every kind of line break.
    fn photo_text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "©",
            "© ",
            "©Fabrice COFFRINI / AFP",
            "AFP",
            "AFP /",
            "AFP PHOTO / ",
            "XAFP / Nom",
            "REUTERS/Yves Herman",
            "Reuters/",
            "Crédit photo : ",
            "crédits photos:",
            "PHOTO",
            "photo",
            " : ",
            "/",
            "Getty Images",
            "Jean Dupont",
            "Une phrase.",
            "Il a dit",
            "COPYRIGHT",
            " ",
            "\n",
            "\n\n",
            "\n\n\n",
            "\r\n",
        ]);
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    /// Texts of agency lines, near misses and ordinary lines, joined by one or more line breaks.
    fn agency_text() -> impl Strategy<Value = String> {
        let line = prop::sample::select(vec![
            "AFP, publié le mardi 30 juin 2020 à 21h01",
            "Reuters, mis à jour le 02/07/2020 à 10:15",
            "AFP, PUBLIÉ LE lundi 6 juillet 2020",
            "Belga, modifié le 3 mars 2021 ",
            "Éditions Atlas, publié le 3 mars 2021",
            "Ⓐgence, publié le 3 mars 2021",
            "  AFP, publié le 1er mai 2020 à 08h00  ",
            "publié le mardi 30 juin 2020",
            "Le texte, publié hier, a été modifié.",
            "Le gouvernement a publié un décret, mis à jour la liste et modifié la loi de 2020 qui prévoyait de longues procédures pour une mise en conformité des entreprises concernées par la réforme des retraites annoncée en 2019.",
            "Une phrase ordinaire, sans rien.",
            "",
        ]);
        (
            prop::collection::vec(
                (line, prop::sample::select(vec!["\n", "\n\n", "\n\n\n"])),
                0..12,
            ),
            0usize..3,
        )
            .prop_map(|(v, skip)| {
                let t: String = v.into_iter().map(|(l, sep)| format!("{l}{sep}")).collect();
                // Also start some searches inside the text, as after a header.
                let from = t.char_indices().nth(skip * 7).map_or(0, |(i, _)| i);
                format!("{from:04}{t}")
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn photo_credits_match_the_reference(t in photo_text()) {
            let (mut a, mut b) = (Meta::default(), Meta::default());
            photo_credits(&t, &mut a);
            photo_credits_reference(&t, &mut b);
            prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }

        #[test]
        fn agency_lines_match_the_reference(text in agency_text()) {
            let (from, t) = text.split_at(4);
            let from: usize = from.parse::<usize>().unwrap().min(t.len());
            let (mut a, mut b) = (Meta::default(), Meta::default());
            agency_lines(t, from, &mut a);
            agency_lines_reference(t, from, &mut b);
            prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }

        #[test]
        fn first_lines_read_once_match_the_reference(t in first_lines_text(), skip_first in any::<bool>()) {
            let from = if skip_first { t.find('\n').map_or(t.len(), |i| i + 1) } else { 0 };
            let first = FirstLines::new(&t, from);
            let dateline: Vec<(usize, usize, usize)> = first
                .lines
                .iter()
                .zip(&first.leads)
                .take(12)
                .map(|(&(s, e, _), &lead)| (s, e, lead))
                .collect();
            let got = (first.block().to_vec(), first.long.is_some(), dateline);
            prop_assert_eq!(got, first_lines_reference(&t, from));
        }

        #[test]
        fn words_counts_like_split_whitespace(
            s in "([a-zé’«»0-9.,\u{1680}\u{2000}-\u{200B}\u{2028}-\u{202F}\u{205F}\u{3000}\u{85}\u{A0}\u{E0}\u{1E80}\u{3001}\u{0}\u{8}\u{E}\u{1F}\u{7F} \t\n\r\u{B}\u{C}]|aaaaaaa |   ){0,60}",
        ) {
            prop_assert_eq!(words(&s), s.split_whitespace().count());
        }

        /// The unbounded dateline and byline regexes with their length checks find what the
        /// counted patterns find, with the same groups.
        #[test]
        fn unbounded_patterns_with_checks_match_the_counted_ones(l in long_line()) {
            let r = rules();
            let spans = |c: Option<regex::Captures<'_>>| {
                c.map(|c| c.iter().map(|g| g.map(|g| g.range())).collect::<Vec<_>>())
            };
            let (dateline, byline, _, _) = counted();
            prop_assert_eq!(spans(r.dateline(&l)), spans(dateline.captures(&l)));
            prop_assert_eq!(spans(r.byline(&l)), spans(byline.captures(&l)));
            prop_assert_eq!(r.is_dateline(&l), dateline.is_match(&l));
            if dateline.is_match(&l) {
                prop_assert!(gate::dateline(&l));
            }
            prop_assert_eq!(r.is_byline(&l), byline.is_match(&l));
        }

        /// The unbounded credits regex with its length check finds what the counted pattern
        /// finds, with the same groups.
        #[test]
        fn unbounded_credits_with_check_match_the_counted_ones(l in credits_line()) {
            let spans = |c: Option<regex::Captures<'_>>| {
                c.map(|c| c.iter().map(|g| g.map(|g| g.range())).collect::<Vec<_>>())
            };
            prop_assert_eq!(spans(rules().credits(&l)), spans(counted().3.captures(&l)));
        }

        /// A gate never rejects a line its regex matches: the gates change no result.
        #[test]
        fn gates_only_reject_lines_their_regex_cannot_match(l in line()) {
            let r = rules();
            if r.header().is_match(&l) {
                prop_assert!(gate::header(&l));
            }
            if r.is_byline(&l) {
                prop_assert!(gate::byline(&l));
            }
            if r.is_dateline(&l) {
                prop_assert!(gate::dateline(&l));
            }
            let trimmed = l.trim_end();
            if r.credits(trimmed).is_some() {
                prop_assert!(gate::credits(trimmed));
            }
        }
    }
}
