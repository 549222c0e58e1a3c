//! The boundary rules: one pass over the bytes, stopping only at candidate characters.
//!
//! Candidates are `.` `!` `?` `…` and line breaks (`\n`, a lone `\r`, U+2028, U+2029), and
//! capitals after a space (glued sentences). Everything else is skipped: candidates are found 64
//! bytes at a time by vector compares (by a table lookup per byte only where a block would lack the
//! byte before or after it: the first byte and at most the last 64 of the text). At a candidate the
//! rules look at most a bounded number
//! of characters around it (the word before, the closing quotes after, the first letter of the next
//! word), so the whole split is linear in the length of the text.

use crate::abbreviations::{Abbreviations, Kind};
use crate::starters::Starters;
use crate::Sentence;

/// What the rules need from the segmenter.
pub(crate) struct Rules<'a> {
    pub(crate) abbreviations: &'a Abbreviations,
    pub(crate) join_wrapped_lines: bool,
    /// Capitalized words that start a glued sentence; `None` turns the rule off.
    pub(crate) starters: Option<&'a Starters>,
}

/// Bytes that may start a boundary: `.` `!` `?` `\n` `\r`, and 0xE2, the first byte of `…` U+2026,
/// U+2028 and U+2029.
static CANDIDATE: [bool; 256] = {
    let mut table = [false; 256];
    table[b'.' as usize] = true;
    table[b'!' as usize] = true;
    table[b'?' as usize] = true;
    table[b'\n' as usize] = true;
    table[b'\r' as usize] = true;
    table[0xE2] = true;
    table
};

/// [`CANDIDATE`] plus the first bytes of capitalized sentence starters: `A`..=`Z` and 0xC3 (`À`, `Ç`).
static CANDIDATE_WITH_CAPITALS: [bool; 256] = {
    let mut table = CANDIDATE;
    let mut b = b'A';
    while b <= b'Z' {
        table[b as usize] = true;
        b += 1;
    }
    table[0xC3] = true;
    table
};

/// Words longer than this (in chars) are never abbreviations or initials.
const MAX_WORD_CHARS: usize = 40;

/// Collects sentences: cuts the text at boundaries, trims, numbers paragraphs.
struct Cutter<'t, 'o> {
    text: &'t str,
    out: &'o mut Vec<Sentence>,
    /// Start of the pending (not yet emitted) segment.
    start: usize,
    paragraph: usize,
    paragraph_has_text: bool,
}

impl Cutter<'_, '_> {
    /// Ends the pending segment at byte `at` (a char boundary) and emits it if it holds text.
    fn cut(&mut self, at: usize) {
        if at <= self.start {
            return;
        }
        let (start, end) = trim(self.text, self.start, at);
        if end > start {
            self.out.push(Sentence {
                start,
                end,
                paragraph: self.paragraph,
            });
            self.paragraph_has_text = true;
        }
        self.start = at;
    }

    fn paragraph_break(&mut self) {
        if self.paragraph_has_text {
            self.paragraph += 1;
            self.paragraph_has_text = false;
        }
    }
}

/// The span `start..end` of `text` without its leading and trailing whitespace, as `str::trim`:
/// ASCII white space is skipped byte by byte, and only a non-ASCII byte at either end (`\u{a0}`,
/// or a letter) goes through the `char` trims.
fn trim(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let space = |b: u8| matches!(b, b' ' | b'\t'..=b'\r');
    while start < end && space(bytes[start]) {
        start += 1;
    }
    if start < end && !bytes[start].is_ascii() {
        start = end - text[start..end].trim_start().len();
    }
    while end > start && space(bytes[end - 1]) {
        end -= 1;
    }
    if end > start && !bytes[end - 1].is_ascii() {
        end = start + text[start..end].trim_end().len();
    }
    (start, end)
}

pub(crate) fn split(text: &str, rules: &Rules<'_>, out: &mut Vec<Sentence>) {
    match rules.starters {
        Some(starters) if !starters.is_empty() => {
            split_with::<true, true>(text, rules, Some(starters), out);
        }
        _ => split_with::<false, true>(text, rules, None, out),
    }
}

/// [`split`] with candidates found by the table of its loop, byte by byte: the model that the
/// search by blocks must agree with.
#[cfg(test)]
pub(crate) fn split_bytewise(text: &str, rules: &Rules<'_>, out: &mut Vec<Sentence>) {
    match rules.starters {
        Some(starters) if !starters.is_empty() => {
            split_with::<true, false>(text, rules, Some(starters), out);
        }
        _ => split_with::<false, false>(text, rules, None, out),
    }
}

/// [`split`], with the glued-sentence rule (`CAPITALS`, `starters` set) or without. `FAST` turns
/// on every fast path: without it (tests only, the reference), candidates are found by the table of
/// the loop, byte by byte, and every terminator takes the general path of [`terminator`].
fn split_with<const CAPITALS: bool, const FAST: bool>(
    text: &str,
    rules: &Rules<'_>,
    starters: Option<&Starters>,
    out: &mut Vec<Sentence>,
) {
    let bytes = text.as_bytes();
    let mut cutter = Cutter {
        text,
        out,
        start: 0,
        paragraph: 0,
        paragraph_has_text: false,
    };
    let table = if CAPITALS {
        &CANDIDATE_WITH_CAPITALS
    } else {
        &CANDIDATE
    };
    let mut candidates = Candidates {
        base: 0,
        lanes: 0,
        scanned: 0,
    };
    let mut i = 0;
    while let Some(at) = candidates.next::<CAPITALS, FAST>(bytes, table, i) {
        i = at;
        let b = bytes[i];
        i = match b {
            b'\n' => line_break(&mut cutter, rules, i, i + 1, false),
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i + 1,
            b'\r' => line_break(&mut cutter, rules, i, i + 1, false),
            0xE2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0xA6)) => terminator::<FAST>(&mut cutter, rules, i),
                (Some(0x80), Some(0xA8)) => line_break(&mut cutter, rules, i, i + 3, false),
                (Some(0x80), Some(0xA9)) => line_break(&mut cutter, rules, i, i + 3, true),
                _ => i + 1,
            },
            b'.' | b'!' | b'?' => terminator::<FAST>(&mut cutter, rules, i),
            // Capitals (only in the table when `starters` is set): `A`..=`Z`, and `À`, `Ç` (`Ça`)
            // but not the other 0xC3 letters (`é`, `è`, … inside words). Most are rejected by the
            // byte before, inline, without a call.
            b'A'..=b'Z' | 0xC3 => {
                let capital = b != 0xC3 || matches!(bytes.get(i + 1), Some(0x80 | 0x87));
                let after_space = i > 0
                    && matches!(
                        bytes[i - 1],
                        b' ' | b'\t' | b'"' | 0xA0 | 0xAB | 0x9C | 0xAF
                    );
                if capital && after_space {
                    if let Some(at) = starters.and_then(|s| glued_sentence_start(text, s, i)) {
                        cutter.cut(at);
                    }
                }
                i + 1
            }
            _ => i + 1,
        };
    }
    cutter.cut(bytes.len());
}

/// Whether the byte `b`, between `prev` and `next`, may be a candidate that the loop of [`split`]
/// acts on: a byte of [`CANDIDATE`] (or `\u{b}`, `\u{c}`, `/`, `>`) or, with `CAPITALS`, a capital
/// (`A`..=`Z`, or 0xC3 before 0x80..=0x87, `À`..`Ç`) after a space, a tab, `"` or a non-ASCII byte
/// (a superset of the test of the loop, in fewer operations). Written with `|` and no branch so
/// that [`block`] compiles to vector compares.
#[inline(always)]
fn is_candidate<const CAPITALS: bool>(prev: u8, b: u8, next: u8) -> bool {
    // `(b | 0x11) == 0x3F`: `.` and `?` (and `/`, `>`, which the loop passes over) in one compare.
    let terminator = ((b | 0x11) == 0x3F) | (b == b'!') | (b.wrapping_sub(b'\n') < 4) | (b == 0xE2);
    if !CAPITALS {
        return terminator;
    }
    let after_space = ((prev & !2) == b' ') | (prev == b'\t') | (prev >= 0x80);
    let capital = (b.wrapping_sub(b'A') < 26) | ((b == 0xC3) & ((next & 0xF8) == 0x80));
    terminator | (after_space & capital)
}

/// The [`is_candidate`] bytes of the 64-byte block from `i`, one bit each (bit `k` for byte
/// `i + k`), or `None` when the block has no byte before it or after it.
#[inline(always)]
fn block<const CAPITALS: bool>(bytes: &[u8], i: usize) -> Option<u64> {
    let window: &[u8; 66] = bytes.get(i.checked_sub(1)?..i + 65)?.try_into().ok()?;
    let mut lanes = [0u8; 64];
    for (k, lane) in lanes.iter_mut().enumerate() {
        *lane = u8::from(is_candidate::<CAPITALS>(
            window[k],
            window[k + 1],
            window[k + 2],
        ));
    }
    // Eight lanes of 0 or 1 as one `u64`: the multiplication moves lane `k` (bit `8 k`) to bit
    // `56 + k`, with no carry (every other product bit lands on a distinct position below 56).
    let mut mask = 0;
    for (g, group) in lanes.chunks_exact(8).enumerate() {
        let v = u64::from_le_bytes(group.try_into().unwrap_or([0; 8]));
        mask |= (v.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * g);
    }
    Some(mask)
}

/// The positions that the loop of [`split`] looks at, in order: the [`is_candidate`] bytes of blocks
/// of 64 bytes (a candidate every ~30 bytes of French news), and near the
/// ends of the text, where a block has no byte before or after it, the bytes of the table of the
/// loop. The bytes passed over would all have been left unchanged by the loop (a capital inside a
/// word, an accented lowercase letter).
struct Candidates {
    /// Start of the last block.
    base: usize,
    /// Its candidates not returned yet, one bit each (see [`block`]).
    lanes: u64,
    /// Every candidate before this position is in `lanes` or was returned.
    scanned: usize,
}

impl Candidates {
    /// The first candidate at or after `from` (without `BLOCKS`, by the table only).
    #[inline(always)]
    fn next<const CAPITALS: bool, const BLOCKS: bool>(
        &mut self,
        bytes: &[u8],
        table: &[bool; 256],
        from: usize,
    ) -> Option<usize> {
        loop {
            while self.lanes != 0 {
                let at = self.base + self.lanes.trailing_zeros() as usize;
                self.lanes &= self.lanes - 1;
                if at >= from {
                    return Some(at);
                }
            }
            let start = from.max(self.scanned);
            let &b = bytes.get(start)?;
            let lanes = if BLOCKS {
                block::<CAPITALS>(bytes, start)
            } else {
                None
            };
            match lanes {
                Some(lanes) => {
                    self.base = start;
                    self.lanes = lanes;
                    self.scanned = start + 64;
                }
                None => {
                    self.scanned = start + 1;
                    if table[usize::from(b)] {
                        return Some(start);
                    }
                }
            }
        }
    }
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// A line break occupying `at..after`. Returns where scanning resumes.
fn line_break(
    cutter: &mut Cutter<'_, '_>,
    rules: &Rules<'_>,
    at: usize,
    after: usize,
    mut paragraph: bool,
) -> usize {
    let text = cutter.text;
    // Skip the whitespace after the break; a second line break in it makes a blank line.
    let mut next = text.len();
    for (k, c) in text[after..].char_indices() {
        if is_line_break(c) {
            paragraph = true;
        } else if !c.is_whitespace() {
            next = after + k;
            break;
        }
    }
    if paragraph {
        cutter.cut(at);
        cutter.paragraph_break();
    } else if !(rules.join_wrapped_lines && is_wrapped(text, cutter.start, at, next)) {
        cutter.cut(at);
    }
    next
}

/// Whether the line ending at `at` continues on the line starting at `next` (hard-wrapped text).
fn is_wrapped(text: &str, start: usize, at: usize, next: usize) -> bool {
    let last = text[start..at].trim_end().chars().next_back();
    let first = text[next..].chars().next();
    matches!(last, Some(c) if c.is_alphanumeric() || c == ',' || c == '-')
        && first.is_some_and(char::is_lowercase)
}

/// What starts the next word after a terminator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// End of text.
    End,
    Upper,
    Lower,
    Digit,
    /// `,` `;` `:` `)` and the like: the sentence goes on.
    Continuation,
    /// Anything else: dashes (dialogue, lists), bullets, symbols, letters without case.
    Other,
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '{' | '«' | '"' | '“' | '„' | '\'' | '‘' | '¿' | '¡' | '*'
    )
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '’' | ')' | ']' | '}' | '»' | '”')
}

fn is_horizontal_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Classifies the first word starting at or after `from` (which may be whitespace).
fn next_word(text: &str, from: usize) -> Next {
    let mut skipped = 0;
    for c in text[from..].chars() {
        if c.is_whitespace() || (is_opening(c) && skipped < 8) {
            skipped += 1;
            if skipped > 64 {
                return Next::Other;
            }
            continue;
        }
        return if c.is_lowercase() {
            Next::Lower
        } else if c.is_uppercase() {
            Next::Upper
        } else if c.is_numeric() {
            Next::Digit
        } else if matches!(c, ',' | ';' | ':' | ')' | ']' | '}' | '%' | '/') {
            Next::Continuation
        } else {
            Next::Other
        };
    }
    Next::End
}

/// The word just before byte `at`: back to whitespace, at most [`MAX_WORD_CHARS`] chars (`None` if
/// longer), leading opening punctuation removed. Returns `(word_start, word)`.
fn word_before(text: &str, at: usize) -> Option<(usize, &str)> {
    let before = &text[..at];
    let mut start = 0;
    for (n, (k, c)) in before.char_indices().rev().enumerate() {
        if c.is_whitespace() {
            start = k + c.len_utf8();
            break;
        }
        if n >= MAX_WORD_CHARS {
            return None;
        }
    }
    let mut word = &before[start..];
    while let Some(c) = word.chars().next().filter(|&c| is_opening(c)) {
        word = &word[c.len_utf8()..];
        start += c.len_utf8();
    }
    Some((start, word))
}

/// The part of `word` after its last `'` or `’` (all of it without one): `word.rsplit(['\'', '’'])`
/// by bytes, from the end (in UTF-8, 0xE2 0x80 0x99 is always `’`).
fn after_last_apostrophe(word: &str) -> &str {
    let bytes = word.as_bytes();
    // One test of each byte against `'` and the last byte of `’` (most words have neither).
    for k in (0..bytes.len()).rev() {
        match bytes[k] {
            b'\'' => return &word[k + 1..],
            0x99 if k >= 2 && bytes[k - 2..k] == [0xE2, 0x80] => return &word[k + 1..],
            _ => {}
        }
    }
    word
}

/// Initials and dotted acronyms: `J`, `J.-S`, `F.L`, `B.C.E` (single letters joined by `.` or `.-`).
fn is_initials(word: &str) -> bool {
    // Most words before a period are ordinary words: when neither of the first two chars is `.` or
    // `-`, the first segment has two chars and the answer is no, without splitting.
    let mut chars = word.chars();
    if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
        if !matches!(a, '.' | '-') && !matches!(b, '.' | '-') {
            return false;
        }
    }
    is_initials_by_segments(word)
}

/// [`is_initials`] by its definition, segment by segment.
fn is_initials_by_segments(word: &str) -> bool {
    let mut segments = 0;
    for segment in word.split(['.', '-']).filter(|s| !s.is_empty()) {
        let mut chars = segment.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_alphabetic() => segments += 1,
            _ => return false,
        }
    }
    match segments {
        0 => false,
        1 => word.chars().next().is_some_and(char::is_uppercase) && word.chars().nth(1).is_none(),
        _ => word.contains('.'),
    }
}

/// A list marker at the start of a sentence: `1.`, `12.`, `II.`.
fn is_list_marker(word: &str) -> bool {
    let digits = !word.is_empty() && word.len() <= 3 && word.bytes().all(|b| b.is_ascii_digit());
    let roman = !word.is_empty() && word.len() <= 5 && word.bytes().all(|b| b"IVXLC".contains(&b));
    digits || roman
}

/// An ordinary word that can end a sentence even before a lowercase word (a capital lost in the
/// source, as in `… en sécurité. à ce jour, …` where `À` was typed `à`): only letters (inner
/// hyphens and apostrophes allowed), at least 3 letters after the last apostrophe or hyphen,
/// ending in a lowercase letter, and not an abbreviation.
fn ends_sentence_before_lowercase(word: &str, kind: Option<Kind>) -> bool {
    if !word
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
    {
        return false;
    }
    let last = word.rsplit(['-', '\'', '’']).next().unwrap_or("");
    last.chars().count() >= 3
        && last.chars().next_back().is_some_and(char::is_lowercase)
        && matches!(kind, None | Some(Kind::BeforeNumber))
}

/// `jeudi.Le gouvernement`: two paragraphs glued without a space by the scraper. Only between a
/// lowercase word of letters and a capitalized word of letters, so URLs, e-mail addresses, file
/// names and numbers never split.
fn is_glued(text: &str, dot: usize, abbreviations: &Abbreviations) -> bool {
    let after = &text[dot + 1..];
    let mut chars = after.chars();
    if !(chars.next().is_some_and(char::is_uppercase)
        && chars.next().is_some_and(char::is_lowercase))
    {
        return false;
    }
    // Bounded: a long run without whitespace is not a word (and must not make the split quadratic).
    let mut token_end = after.len();
    for (n, (k, c)) in after.char_indices().enumerate() {
        if c.is_whitespace() {
            token_end = k;
            break;
        }
        if n > MAX_WORD_CHARS {
            return false;
        }
    }
    let next_token = &after[..token_end];
    let next_word = next_token.trim_end_matches(|c: char| {
        is_terminator(c) || is_closing(c) || matches!(c, ',' | ';' | ':')
    });
    if next_word.chars().count() > MAX_WORD_CHARS
        || !next_word.chars().all(|c| c.is_alphabetic() || c == '-')
    {
        return false;
    }
    match word_before(text, dot) {
        Some((_, word)) => {
            word.chars().count() >= 2
                && word.chars().all(char::is_alphabetic)
                && word.chars().next_back().is_some_and(char::is_lowercase)
                && abbreviations.get(word).is_none()
        }
        None => false,
    }
}

/// `… la réforme Le texte a été voté`: a capitalized sentence starter (`Le`, `L'`, `Il`, `Dans`, see
/// `data/abbreviations/fr-sentence-starters.txt`) at byte `at`, followed by a lowercase word, after a
/// space that follows a letter, a digit, `)`, `]` or `;` (an opening quote before the word only after
/// `)`, `]` or `;`). Returns
/// where the new sentence starts (the word or its opening quote).
fn glued_sentence_start(text: &str, starters: &Starters, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // Cheap rejection: the byte before must end a space or an opening quote.
    let prev = *bytes.get(at.checked_sub(1)?)?;
    if !matches!(prev, b' ' | b'\t' | b'"' | 0xA0 | 0xAB | 0x9C | 0xAF) {
        return None;
    }
    // What comes before: spaces, at most one opening quote, then the end of a clause.
    let start = match at.checked_sub(2).map(|k| bytes[k]) {
        // Fast path for the common ASCII shape `word Le`.
        Some(b)
            if prev == b' ' && (b.is_ascii_alphanumeric() || matches!(b, b')' | b']' | b';')) =>
        {
            at
        }
        Some(b) if prev == b' ' && b.is_ascii() && b != b' ' && b != b'\t' => return None,
        _ => clause_end_before(text, at)?,
    };
    // The word: a starter followed by a lowercase word (`Le texte`, `L'affaire`).
    let end = letters_end(bytes, at);
    let (word_end, next) = match bytes.get(end) {
        Some(b' ') => (end, end + 1),
        Some(b'\'') => (end + 1, end + 1),
        Some(0xE2) if bytes[end..].starts_with("’".as_bytes()) => (end + 3, end + 3),
        _ => return None,
    };
    let following = match bytes.get(next) {
        Some(b) if b.is_ascii() => b.is_ascii_lowercase(),
        Some(_) => text
            .get(next..)
            .and_then(|t| t.chars().next())
            .is_some_and(char::is_lowercase),
        None => false,
    };
    let word = text.get(at..word_end)?;
    (following && starters.contains(word)).then_some(start)
}

/// The end of the run of letters from `at` (ASCII letters and non-ASCII bytes but a `’`), at most
/// 13 bytes: the word of [`glued_sentence_start`]. ASCII letters (most of them) cost one test, since
/// `b | 0x20` is a lowercase letter only for the two cases of a letter.
///
/// Fast path: when 13 bytes are left, they are read from a fixed-size chunk (an unrolled loop
/// with no end-of-text test per byte); near the end of the text, byte by byte up to the end.
fn letters_end(bytes: &[u8], at: usize) -> usize {
    let stops = |b: u8, end: usize| {
        (b | 0x20).wrapping_sub(b'a') >= 26
            && (b.is_ascii() || bytes[end..].starts_with("’".as_bytes()))
    };
    if let Some(chunk) = bytes.get(at..).and_then(<[u8]>::first_chunk::<13>) {
        for (k, &b) in chunk.iter().enumerate() {
            if stops(b, at + k) {
                return at + k;
            }
        }
        return at + 13;
    }
    let mut end = at;
    while end < bytes.len() && !stops(bytes[end], end) {
        end += 1;
    }
    end
}

/// [`letters_end`] as first written, the model it must agree with.
#[cfg(test)]
fn letters_end_model(bytes: &[u8], at: usize) -> usize {
    let mut end = at;
    while end < bytes.len()
        && end - at <= 12
        && (bytes[end].is_ascii_alphabetic() || bytes[end] >= 0x80)
    {
        if bytes[end..].starts_with("’".as_bytes()) {
            break;
        }
        end += 1;
    }
    end
}

/// The general case of [`glued_sentence_start`]'s left context: horizontal spaces and at most one
/// opening quote before `at`, after a letter, a digit, `)`, `]` or `;`. Returns where the new
/// sentence starts (the word or its quote).
fn clause_end_before(text: &str, at: usize) -> Option<usize> {
    let mut start = at;
    let mut spaces = 0;
    let mut quote = false;
    for (n, (k, c)) in text[..at].char_indices().rev().enumerate() {
        if n > 4 {
            return None;
        }
        if is_horizontal_space(c) {
            spaces += 1;
        } else if !quote && matches!(c, '"' | '«' | '“') {
            quote = true;
            start = k;
        } else {
            // An opening quote after a word is a quotation inside the sentence (`le slogan
            // « Nous … »`); only after `;` or a bracket does it open a new sentence.
            let clause_ends = if quote {
                matches!(c, ')' | ']' | ';') && start > k + c.len_utf8()
            } else {
                c.is_alphanumeric() || matches!(c, ')' | ']' | ';')
            };
            return (clause_ends && spaces > 0).then_some(start);
        }
    }
    None
}

/// A run of terminators starting at `at`. Cuts after it (and its closing quotes or brackets) when it
/// ends a sentence. Returns where scanning resumes.
///
/// With `FAST`, the two most common cases skip the general path. A lone `.` before `\n` returns
/// without a decision: the `\n` is the next candidate, and [`line_break`] cuts there whatever
/// was decided here (a line that ends with `.` is never a wrapped line), giving the same sentence
/// as a cut after the period (the `\n` is trimmed). A lone `.` followed by one space and an ASCII
/// letter or digit (`. Le`, `. la`, `. 2`) skips the reading of the run and of closing quotes:
/// the run is the period, nothing closes it, and the next word is told by its first byte.
fn terminator<const FAST: bool>(
    cutter: &mut Cutter<'_, '_>,
    rules: &Rules<'_>,
    at: usize,
) -> usize {
    let text = cutter.text;
    if FAST {
        let bytes = text.as_bytes();
        if bytes.get(at..at + 2) == Some(b".\n") {
            return at + 1;
        }
        let next = match bytes.get(at..at + 3) {
            Some(&[b'.', b' ', b]) if b.is_ascii_lowercase() => Some(Next::Lower),
            Some(&[b'.', b' ', b]) if b.is_ascii_uppercase() => Some(Next::Upper),
            Some(&[b'.', b' ', b]) if b.is_ascii_digit() => Some(Next::Digit),
            _ => None,
        };
        if let Some(next) = next {
            if period(cutter, rules, at, next) {
                cutter.cut(at + 1);
            }
            return at + 1;
        }
    }
    // The run: `.`, `?!`, `...`, `…`, `?..`.
    let mut dots = 0;
    let mut strong = false; // `!` or `?`
    let mut ellipsis = false;
    let mut run_end = at;
    for c in text[at..].chars() {
        match c {
            '.' => dots += 1,
            '!' | '?' => strong = true,
            '…' => ellipsis = true,
            _ => break,
        }
        run_end += c.len_utf8();
    }
    ellipsis |= dots >= 2;
    // Closing quotes and brackets, also French `. »` with a (non-breaking) space before `»`.
    let mut end = run_end;
    while let Some(c) = text[end..].chars().next() {
        if is_closing(c) {
            end += c.len_utf8();
            continue;
        }
        if is_horizontal_space(c) {
            let rest = &text[end..];
            let spaces = rest.len() - rest.trim_start_matches(is_horizontal_space).len();
            if spaces <= 8 {
                if let Some(q @ ('»' | '”')) = rest[spaces..].chars().next() {
                    end += spaces + q.len_utf8();
                    continue;
                }
            }
        }
        break;
    }
    let Some(following) = text[end..].chars().next() else {
        cutter.cut(end);
        return end;
    };
    if !following.is_whitespace() {
        if end == at + 1 && dots == 1 && is_glued(text, at, rules.abbreviations) {
            cutter.cut(end);
        }
        return end;
    }
    let next = next_word(text, end);
    let cut = if strong {
        !matches!(next, Next::Lower | Next::Continuation)
    } else if ellipsis {
        let omission = text[..at].ends_with(['(', '[']);
        !omission && matches!(next, Next::Upper | Next::Other | Next::End)
    } else {
        period(cutter, rules, at, next)
    };
    if cut {
        cutter.cut(end);
    }
    end
}

/// Whether a single period at `at`, followed by whitespace and then `next`, ends a sentence.
fn period(cutter: &Cutter<'_, '_>, rules: &Rules<'_>, at: usize, next: Next) -> bool {
    let text = cutter.text;
    let Some((word_start, word)) = word_before(text, at) else {
        // A very long "word" (a URL, a chemical name): an ordinary end of sentence.
        return !matches!(next, Next::Lower | Next::Continuation);
    };
    if word.is_empty() {
        return !matches!(next, Next::Lower | Next::Continuation);
    }
    // `l'art.` is looked up as `art`.
    let key = after_last_apostrophe(word);
    let kind = rules.abbreviations.get(key);
    match next {
        Next::Continuation => false,
        Next::Lower => ends_sentence_before_lowercase(word, kind),
        Next::Digit => kind.is_none() && !is_initials(key),
        Next::Upper | Next::Other | Next::End => match kind {
            Some(Kind::Never) => false,
            Some(Kind::Final) => true,
            Some(Kind::BeforeNumber) | None => {
                let list_marker =
                    is_list_marker(word) && text[cutter.start..word_start].trim_start().is_empty();
                !(is_initials(key) || list_marker)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::{Segmenter, SegmenterBuilder};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The byte search of the last apostrophe agrees with `rsplit`.
        #[test]
        fn last_apostrophe_like_rsplit(parts in proptest::collection::vec(proptest::sample::select(vec![
            "l", "'", "’", "‘", "™", "\u{2099}", "\u{99}", "é", "art", "-", "x’y",
        ]), 0..8)) {
            let word: String = parts.concat();
            proptest::prop_assert_eq!(
                super::after_last_apostrophe(&word),
                word.rsplit(['\'', '’']).next().unwrap_or(&word),
                "{:?}",
                word
            );
        }

        /// `trim` gives the span of `str::trim`.
        #[test]
        fn trim_like_str_trim(parts in proptest::collection::vec(proptest::sample::select(vec![
            "a", "é", " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{2009}",
            "\u{202f}", "\u{3000}", "\u{2028}", "«", ".", "😀",
        ]), 0..12)) {
            let text: String = parts.concat();
            let trimmed = text.trim();
            let start = text.len() - text.trim_start().len();
            let want = if trimmed.is_empty() { (0, 0) } else { (start, start + trimmed.len()) };
            let (start, end) = super::trim(&text, 0, text.len());
            let got = if start == end { (0, 0) } else { (start, end) };
            proptest::prop_assert_eq!(got, want, "{:?}", text);
        }

        /// `letters_end` agrees with its first version at every byte.
        #[test]
        fn letters_end_like_the_model(parts in proptest::collection::vec(proptest::sample::select(vec![
            "a", "Z", "@", "[", "`", "{", "é", "À", "’", "‘", "'", " ", "1", "\u{a0}", "😀", "Lorsque",
        ]), 0..12)) {
            let text: String = parts.concat();
            for at in 0..=text.len() {
                proptest::prop_assert_eq!(
                    super::letters_end(text.as_bytes(), at),
                    super::letters_end_model(text.as_bytes(), at),
                    "{:?} {}",
                    text,
                    at
                );
            }
        }

        /// The early answer of `is_initials` agrees with the segment by segment one.
        #[test]
        fn initials_agree_with_the_segments(parts in proptest::collection::vec(proptest::sample::select(vec![
            "J", "j", "É", "é", "S", "ab", ".", "-", ".-", "1", "’", "'", "ß", "İ",
        ]), 0..8)) {
            let word: String = parts.concat();
            proptest::prop_assert_eq!(
                super::is_initials(&word),
                super::is_initials_by_segments(&word),
                "{:?}",
                word
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// Finding candidates 64 bytes at a time gives the sentences of the byte-by-byte search.
        #[test]
        fn blocks_agree_with_the_table(parts in proptest::collection::vec(proptest::sample::select(vec![
            "a", "Z", "é", "É", "À", "Ça", "Ç", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\u{b}",
            "\u{a0}", "\u{202f}", ".", "!", "?", "…", "...", "\u{2028}", "\u{2029}", "\"", "«", "»",
            "(", ")", "M.", "Le ", "La ", "le ", "Dupont", "J.", "1.", "3,5", "l'", "’", "fin.Le",
            "Il ", "vote", "—", "- ", "× ", "www.afp.com", "/", ">", "?/", "1/2",
        ]), 0..120)) {
            let text: String = parts.concat();
            for seg in [
                Segmenter::french(),
                SegmenterBuilder::new().glued_sentences(false).build().unwrap(),
                SegmenterBuilder::new().join_wrapped_lines(true).build().unwrap(),
            ] {
                let mut bytewise = Vec::new();
                seg.split_bytewise(&text, &mut bytewise);
                proptest::prop_assert_eq!(seg.split(&text), bytewise, "{:?}", text);
            }
        }
    }

    /// The fast paths of `terminator` (`.` + line break, `. ` + ASCII letter or digit) against the
    /// general path (taken by `split_bytewise`): every word before the period (abbreviations,
    /// initials, numbers, list markers), space or line break after it and next word, in the
    /// middle and at the end of the text, with and without the rules that read line breaks.
    #[test]
    fn terminator_fast_path_agrees_with_the_general_path() {
        let before = [
            "", "Il vote", "M", "Mme", "art", "l'art", "J", "J.-S", "1", "a", "etc", "av. J.-C",
            "p", "Dupont", "« Oui", "fin.Le",
        ];
        let after = [" ", "\n", "\n\n", "  ", "\r\n", " \u{a0}", "\u{a0}"];
        let next = ["le", "Le", "2", "é", "É", "»", "(", ",", "", "x"];
        let segmenters = [
            Segmenter::french(),
            SegmenterBuilder::new()
                .glued_sentences(false)
                .build()
                .unwrap(),
            SegmenterBuilder::new()
                .join_wrapped_lines(true)
                .build()
                .unwrap(),
        ];
        for b in before {
            for a in after {
                for n in next {
                    for text in [format!("{b}.{a}{n} fin."), format!("{b}.{a}{n}")] {
                        for seg in &segmenters {
                            let mut bytewise = Vec::new();
                            seg.split_bytewise(&text, &mut bytewise);
                            assert_eq!(seg.split(&text), bytewise, "{text:?}");
                        }
                    }
                }
            }
        }
    }

    fn split(text: &str) -> Vec<&str> {
        Segmenter::french()
            .split(text)
            .iter()
            .map(|s| s.text(text))
            .collect()
    }

    fn paragraphs(text: &str) -> Vec<usize> {
        Segmenter::french()
            .split(text)
            .iter()
            .map(|s| s.paragraph)
            .collect()
    }

    #[test]
    fn titles_and_abbreviations() {
        assert_eq!(
            split("M. Dupont et MM. Durand, Mme Roux. Le Dr. House vit av. J.-C. au IIe s. Fin."),
            vec![
                "M. Dupont et MM. Durand, Mme Roux.",
                "Le Dr. House vit av. J.-C. au IIe s.",
                "Fin."
            ]
        );
        assert_eq!(
            split("Voir p. 12 et cf. Annexe. Ensuite, etc. Puis etc. et la suite."),
            vec![
                "Voir p. 12 et cf. Annexe.",
                "Ensuite, etc.",
                "Puis etc. et la suite."
            ]
        );
        assert_eq!(
            split("Le 3 janv. 2022 et le 4 févr. il neigeait. Oui."),
            vec!["Le 3 janv. 2022 et le 4 févr. il neigeait.", "Oui."]
        );
    }

    #[test]
    fn before_number_abbreviations_are_words_elsewhere() {
        assert_eq!(
            split("Selon l'art. 12 du code. C'est l'art. Le musée ouvre. Ils étaient sept. Oui."),
            vec![
                "Selon l'art. 12 du code.",
                "C'est l'art.",
                "Le musée ouvre.",
                "Ils étaient sept.",
                "Oui."
            ]
        );
    }

    #[test]
    fn initials() {
        assert_eq!(
            split("Version française J.-S. Brosse. Selon J. Dupont et F.L. Copperman. Fin."),
            vec![
                "Version française J.-S. Brosse.",
                "Selon J. Dupont et F.L. Copperman.",
                "Fin."
            ]
        );
    }

    #[test]
    fn numbers_dates_and_lists() {
        assert_eq!(
            split("Il a 1.5 ou 3,5 le 12.01.2022. En 2015. 30 personnes."),
            vec![
                "Il a 1.5 ou 3,5 le 12.01.2022.",
                "En 2015.",
                "30 personnes."
            ]
        );
        assert_eq!(
            split("1. Introduction\nII. Le contexte. Fin"),
            vec!["1. Introduction", "II. Le contexte.", "Fin"]
        );
    }

    #[test]
    fn ellipses() {
        assert_eq!(
            split("Le roi Pierre... ont ri. Et puis… Rien. Il dit (...) Non. Voilà... 30 ans."),
            vec![
                "Le roi Pierre... ont ri.",
                "Et puis…",
                "Rien.",
                "Il dit (...) Non.",
                "Voilà... 30 ans."
            ]
        );
    }

    #[test]
    fn quotes_and_incises() {
        assert_eq!(
            split("« Viens ! » a-t-il dit. « C'est fini. » Elle part. \"Oui.\" Non ?! Si."),
            vec![
                "« Viens ! » a-t-il dit.",
                "« C'est fini. »",
                "Elle part.",
                "\"Oui.\"",
                "Non ?!",
                "Si."
            ]
        );
        assert_eq!(
            split("Il a dit\u{a0}: «\u{a0}Non.\u{a0}» Puis il est parti."),
            vec!["Il a dit\u{a0}: «\u{a0}Non.\u{a0}»", "Puis il est parti."]
        );
        assert_eq!(
            split("\"Verdun, ville de lumière !\" La gare attend."),
            vec!["\"Verdun, ville de lumière !\"", "La gare attend."]
        );
    }

    #[test]
    fn parentheses_and_dialogue() {
        assert_eq!(
            split("Il vient (voir p. 3.) Ensuite (c'est vrai !) il part.\n— Tu viens ? — Non."),
            vec![
                "Il vient (voir p. 3.)",
                "Ensuite (c'est vrai !) il part.",
                "— Tu viens ?",
                "— Non."
            ]
        );
    }

    #[test]
    fn urls_and_emails() {
        assert_eq!(
            split("Voir www.lemonde.fr/a?b=1. Écrivez à jean.Dupont@afp.com. Merci."),
            vec![
                "Voir www.lemonde.fr/a?b=1.",
                "Écrivez à jean.Dupont@afp.com.",
                "Merci."
            ]
        );
    }

    #[test]
    fn glued_paragraphs() {
        assert_eq!(
            split("Il a voté jeudi.Le gouvernement a réagi. Voir Orange.fr et fichier.PDF."),
            vec![
                "Il a voté jeudi.",
                "Le gouvernement a réagi.",
                "Voir Orange.fr et fichier.PDF."
            ]
        );
    }

    #[test]
    fn glued_sentences_without_punctuation() {
        assert_eq!(
            split("Le Sénat adopte la réforme Le texte a été voté. Marine Le Pen dénonce Le Monde et La Rochelle Il pleut"),
            vec![
                "Le Sénat adopte la réforme",
                "Le texte a été voté.",
                "Marine Le Pen dénonce Le Monde et La Rochelle",
                "Il pleut"
            ]
        );
        assert_eq!(
            split("Chronologie L'affaire éclate (1990) À cette date ; « Nous avions dit » L'Otan dans un « Nous avions »"),
            vec!["Chronologie", "L'affaire éclate (1990)", "À cette date ;", "« Nous avions dit » L'Otan dans un « Nous avions »"]
        );
        assert_eq!(
            split("Bilan : Les pompiers. Série A du match, dit\" Le fils et « Le maire »"),
            vec![
                "Bilan : Les pompiers.",
                "Série A du match, dit\" Le fils et « Le maire »"
            ]
        );
        let off = SegmenterBuilder::new()
            .glued_sentences(false)
            .build()
            .unwrap();
        assert_eq!(off.split("la réforme Le texte").len(), 1);
        let en = SegmenterBuilder::new()
            .language(crate::Language::English)
            .build()
            .unwrap();
        assert_eq!(en.split("la réforme Le texte").len(), 1);
    }

    #[test]
    fn lost_capital_after_full_stop() {
        assert_eq!(
            split("Ils se sentent en sécurité. à ce jour, rien. Pierre... ont ri. Etc. et cf. la"),
            vec![
                "Ils se sentent en sécurité.",
                "à ce jour, rien.",
                "Pierre... ont ri.",
                "Etc. et cf. la"
            ]
        );
    }

    #[test]
    fn headlines_lines_and_paragraphs() {
        let text = "\n\nLe Sénat adopte la réforme\nLe texte a été voté. Il entre\nen vigueur.\n \n\n  Publicité  \n\n";
        assert_eq!(
            split(text),
            vec![
                "Le Sénat adopte la réforme",
                "Le texte a été voté.",
                "Il entre",
                "en vigueur.",
                "Publicité"
            ]
        );
        assert_eq!(paragraphs(text), vec![0, 0, 0, 0, 1]);
        assert_eq!(
            paragraphs("a\r\n\r\nb\u{2029}c\u{2028}d\re"),
            vec![0, 1, 2, 2, 2]
        );
    }

    #[test]
    fn wrapped_lines_when_asked() {
        let seg = SegmenterBuilder::new()
            .join_wrapped_lines(true)
            .build()
            .unwrap();
        let text = "Le texte a été voté. Il entre\nen vigueur, dit-il,\nce matin.\nTitre\nLe comité :\nvice-président";
        let got: Vec<&str> = seg.split(text).iter().map(|s| s.text(text)).collect();
        assert_eq!(
            got,
            vec![
                "Le texte a été voté.",
                "Il entre\nen vigueur, dit-il,\nce matin.",
                "Titre",
                "Le comité :",
                "vice-président"
            ]
        );
    }

    #[test]
    fn english() {
        let seg = SegmenterBuilder::new()
            .language(crate::Language::English)
            .build()
            .unwrap();
        let text = "Mr. Smith met Dr. Jones, e.g. at 3 p.m. on Jan. 5. They talked. Was it U.S. policy? Yes.";
        let got: Vec<&str> = seg.split(text).iter().map(|s| s.text(text)).collect();
        assert_eq!(
            got,
            vec![
                "Mr. Smith met Dr. Jones, e.g. at 3 p.m. on Jan. 5.",
                "They talked.",
                "Was it U.S. policy?",
                "Yes."
            ]
        );
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(split(""), Vec::<&str>::new());
        assert_eq!(split(" \n\t "), Vec::<&str>::new());
        assert_eq!(split("..."), vec!["..."]);
        assert_eq!(split(". . ."), vec![".", ".", "."]);
        assert_eq!(split("a\u{e2}"), vec!["a\u{e2}"]);
        assert_eq!(split("x.\u{2026}"), vec!["x.\u{2026}"]);
        assert_eq!(split("(. Ok"), vec!["(.", "Ok"]);
    }
}
