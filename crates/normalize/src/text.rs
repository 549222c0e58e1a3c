//! Character-level helpers: line keys, whitespace and typography, glued paragraphs.
//!
//! Everything here works on `&str` and never slices inside a character.

/// The no-break space used in the output before `: ; ! ?`, inside `« »` and wherever the input
/// had only no-break spaces (U+00A0, see the crate docs for why not U+202F).
pub(crate) const NBSP: char = '\u{00A0}';

/// Characters that take a no-break space before them in French typography.
fn takes_space_before(c: char) -> bool {
    matches!(c, ':' | ';' | '!' | '?' | '»')
}

/// Characters dropped from line keys: invisible format characters.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// No-break spaces of any width.
fn is_no_break_space(c: char) -> bool {
    matches!(c, '\u{00A0}' | '\u{202F}' | '\u{2007}')
}

/// Writes the comparison key of a line into `out` (cleared first): lowercase, `’` → `'`, runs of
/// blanks → one space, no blank before `: ; ! ? »` nor after `«`, invisible characters dropped,
/// trimmed. Rule patterns and learned lines are compared in this form, and the key of a cleaned
/// line equals the key of the raw line (so cleaning twice changes nothing).
pub(crate) fn line_key(s: &str, out: &mut String) {
    out.clear();
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if pending_space && !out.is_empty() && !takes_space_before(c) && !out.ends_with('«') {
            out.push(' ');
        }
        pending_space = false;
        match c {
            '’' | '‘' | 'ʼ' => out.push('\''),
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Eight bytes with their ASCII capitals lowercased; other bytes (UTF-8 included) unchanged.
#[cfg(test)]
fn lowercase_word(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH; // each byte <= 0x7F: the additions below carry into no other byte
    let from_a = low + (0x80 - 0x41) * ONES; // high bit: >= 'A'
    let past_z = low + (0x80 - 0x5B) * ONES; // high bit: > 'Z'
    let capital = from_a & !past_z & !x & HIGH;
    x | (capital >> 2) // 0x80 >> 2 == 0x20, the case bit
}

/// `text[start..end]` with its ASCII capitals lowercased, written into `out` (a scratch buffer
/// that only grows) eight bytes at a time (reading past `end` inside `text`). The lookup of
/// `known.rs` used to look the copy up in a hash map; its tests keep that as the reference.
#[cfg(test)]
pub(crate) fn lowercase_ascii_into<'a>(
    text: &[u8],
    start: usize,
    end: usize,
    out: &'a mut Vec<u8>,
) -> &'a [u8] {
    let n = end - start;
    if out.len() < n + 8 {
        out.resize(n + 8, 0);
    }
    let mut j = 0;
    while j < n {
        let i = start + j;
        let Some(chunk) = text.get(i..i + 8) else {
            for (o, &b) in out[j..n].iter_mut().zip(&text[i..end]) {
                *o = b.to_ascii_lowercase();
            }
            break;
        };
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        out[j..j + 8].copy_from_slice(&lowercase_word(u64::from_le_bytes(w)).to_le_bytes());
        j += 8;
    }
    &out[..n]
}

/// Word counts are only compared with small thresholds (at most 60 words), so [`scan`] stops
/// counting here.
pub(crate) const WORDS_CAP: usize = 64;

/// What one pass over a unit tells: its number of words (saturating at [`WORDS_CAP`]), and its
/// line key (see [`line_key`]) when the key is at most `max_key` bytes long (the key length does
/// not change when the unit is cleaned, so the cut-off is stable).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Scan {
    pub(crate) words: usize,
    pub(crate) key_fits: bool,
    /// Every blank of `s` is a single space between ordinary characters: [`push_normalized`]
    /// would copy `s` unchanged.
    pub(crate) plain: bool,
}

/// Marks (high bit of each byte) the bytes of `x` that are not printable ASCII (0x21..=0x7E).
#[inline]
fn non_graphic_mask(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH; // each byte <= 0x7F: the additions below carry into no other byte
    let below = !(low + (0x80 - 0x21) * ONES) & HIGH; // < 0x21
    let del = (low + ONES) & HIGH; // == 0x7F
    (x & HIGH) | below | del
}

/// Index of the first byte at or after `i` that is not printable ASCII (or `b.len()`).
#[inline]
fn skip_graphic(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let m = non_graphic_mask(u64::from_le_bytes(w));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && is_graphic(b[i]) {
        i += 1;
    }
    i
}

/// True for the ASCII bytes copied to a line key as they are (up to case): printable, not blank.
#[inline]
fn is_graphic(b: u8) -> bool {
    b.wrapping_sub(0x21) < 0x5E
}

/// True if a single ASCII space before the byte `next` stays a plain space in the line key and
/// in the clean text: `next` starts a character that is not blank, not invisible, not one of
/// `: ; ! ? »`. Two-byte characters from U+00C0 (lead bytes 0xC3 to 0xDF) qualify.
#[inline]
fn plain_after_space(next: u8) -> bool {
    (is_graphic(next) && !matches!(next, b':' | b';' | b'!' | b'?'))
        || (0xC3..=0xDF).contains(&next)
}

/// True if the byte `p` followed by `q` (in a `str`) breaks a [`plain_latin_spaces`] text: `p`
/// is a control or DEL, or a space before a blank or `: ; ! ?`, or `q` is a continuation byte
/// that is not the second byte of a letter from U+00DF (`0xC3` then at least `0x9F`). Lead bytes
/// need no test: a continuation byte follows each. (Written without branches, so that a block
/// of pairs is checked with vector instructions.)
#[inline(always)]
fn breaks_plain_latin(p: u8, q: u8) -> bool {
    let control = (p < 0x20) | (p == 0x7F);
    let space_bad = (p == b' ') & ((q == b' ') | (q == b'!') | (q | 1 == b';') | (q == b'?'));
    let cont_bad = ((q as i8) < -0x40) & ((p != 0xC3) | (q < 0x9F));
    control | space_bad | cont_bad
}

/// Pairs of bytes checked at once by [`plain_latin_spaces`].
const PLAIN_BLOCK: usize = 32;

/// `FROM_MASKS[PLAIN_BLOCK - from..][..PLAIN_BLOCK]` holds `k >= from` (0 or 1) at `k`.
static FROM_MASKS: [u8; 2 * PLAIN_BLOCK] = {
    let mut t = [0; 2 * PLAIN_BLOCK];
    let mut k = PLAIN_BLOCK;
    while k < 2 * PLAIN_BLOCK {
        t[k] = 1;
        k += 1;
    }
    t
};

/// Checks the pairs `(ps[k], qs[k])` with [`breaks_plain_latin`] and counts the spaces
/// `ps[k]` from `k = from` on (`from < PLAIN_BLOCK`). The bound is applied as a mask of bytes
/// read from [`FROM_MASKS`]: comparing each `k` with `from` took wide integer lanes, more
/// vector instructions than the rest of the block.
#[inline(always)]
fn plain_latin_block(ps: &[u8; PLAIN_BLOCK], qs: &[u8; PLAIN_BLOCK], from: usize) -> (bool, u8) {
    let mut mask = [0; PLAIN_BLOCK];
    mask.copy_from_slice(&FROM_MASKS[PLAIN_BLOCK - from..][..PLAIN_BLOCK]);
    let mut bad = false;
    let mut spaces = 0;
    for k in 0..PLAIN_BLOCK {
        bad |= breaks_plain_latin(ps[k], qs[k]);
        spaces += u8::from(ps[k] == b' ') & mask[k];
    }
    (bad, spaces)
}

/// For a printable ASCII byte at `i`: if the [`PLAIN_BLOCK`] byte pairs from `i` break no rule
/// of [`plain_latin_spaces`], the bytes from `i` on that neither [`push_normalized`] nor the
/// key of [`scan`] change, and the spaces among them; `None` if a pair breaks a rule or fewer
/// than `PLAIN_BLOCK + 1` bytes are left.
///
/// Those bytes are `i..i + 31` (or `i..i + 32` when byte `i + 31` ends a Latin-1 letter, so that
/// the end is a char boundary): each is printable ASCII or part of a letter `0xC3 xx` with
/// `xx >= 0x9F`, and a space among them has an ordinary character after it (its pair, and the
/// pair of that character's first byte, are in the block) and no `«` before it (`0xC2 0xAB`
/// would be a bad pair in the block, and `b[i]` is ASCII). The last byte of the block is not
/// vouched for: the byte after it is only checked as the second of a pair.
#[inline(always)]
fn plain_block_at(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let chunk = b.get(i..i + PLAIN_BLOCK + 1)?;
    let mut ps = [0; PLAIN_BLOCK];
    let mut qs = [0; PLAIN_BLOCK];
    ps.copy_from_slice(&chunk[..PLAIN_BLOCK]);
    qs.copy_from_slice(&chunk[1..]);
    let (bad, spaces) = plain_latin_block(&ps, &qs, 0);
    if bad {
        return None;
    }
    let last = ps[PLAIN_BLOCK - 1];
    let len = if (last as i8) < -0x40 {
        PLAIN_BLOCK
    } else {
        PLAIN_BLOCK - 1
    };
    Some((len, usize::from(spaces) - usize::from(last == b' ')))
}

/// For a non-empty `b` (a `str`) made only of printable ASCII, lowercase Latin-1 letters
/// (U+00DF..U+00FF, `÷` too) and single spaces before any of them but `: ; ! ?`, not ending
/// with a space: its number of spaces. If it does not start with a space either, its line key
/// is itself with its ASCII lowercased, it has one word more than spaces, and
/// [`push_normalized`] copies it unchanged. `None` for any other text.
///
/// Most prose is such text. Blocks of 32 byte pairs are checked at once, without branches (the
/// compiler vectorizes them), the last block overlapping the one before; the first bad block
/// ends the check.
fn plain_latin_spaces(b: &[u8]) -> Option<usize> {
    let &last = b.last()?;
    // Each byte is the first of a pair but the last one, checked alone.
    if last == b' ' || breaks_plain_latin(last, b'a') {
        return None;
    }
    let pairs = b.len() - 1;
    if pairs < PLAIN_BLOCK {
        // One block, padded with `a`: a pair `(x, a)` breaks nothing that the last byte alone
        // does not (checked above), and `a` is no space.
        let mut ps = [b'a'; PLAIN_BLOCK];
        let mut qs = [b'a'; PLAIN_BLOCK];
        ps[..pairs].copy_from_slice(&b[..pairs]);
        qs[..pairs].copy_from_slice(&b[1..]);
        let (bad, spaces) = plain_latin_block(&ps, &qs, 0);
        return (!bad).then_some(usize::from(spaces));
    }
    // (A function, not a closure: the compiler kept the closure, called twice, out of line.)
    #[inline(always)]
    fn block(b: &[u8], at: usize, from: usize) -> (bool, u8) {
        let mut ps = [0; PLAIN_BLOCK];
        let mut qs = [0; PLAIN_BLOCK];
        ps.copy_from_slice(&b[at..at + PLAIN_BLOCK]);
        qs.copy_from_slice(&b[at + 1..at + 1 + PLAIN_BLOCK]);
        plain_latin_block(&ps, &qs, from)
    }
    let mut spaces = 0;
    let mut k = 0;
    while k + PLAIN_BLOCK <= pairs {
        let (bad, n) = block(b, k, 0);
        if bad {
            return None;
        }
        spaces += usize::from(n);
        k += PLAIN_BLOCK;
    }
    if k < pairs {
        // The last pairs, in a block that ends with them (its first pairs were counted).
        let at = pairs - PLAIN_BLOCK;
        let (bad, n) = block(b, at, k - at);
        if bad {
            return None;
        }
        spaces += usize::from(n);
    }
    Some(spaces)
}

/// One pass over `s` computing a [`Scan`]; writes the key into `key` when it fits.
///
/// Same result as [`line_key`] and [`word_count`], much faster: plain prose
/// ([`plain_latin_spaces`]) is copied whole and lowercased; otherwise runs of printable ASCII,
/// lowercase Latin-1 letters and single spaces are copied in bulk and lowercased in place; only
/// the other characters go through the character-by-character rules.
pub(crate) fn scan(s: &str, max_key: usize, key: &mut String) -> Scan {
    key.clear();
    let bytes = s.as_bytes();
    let n = bytes.len();
    if n <= max_key && bytes.first() != Some(&b' ') {
        if let Some(spaces) = plain_latin_spaces(bytes) {
            key.push_str(s);
            key.make_ascii_lowercase();
            return Scan {
                words: (spaces + 1).min(WORDS_CAP),
                key_fits: true,
                plain: true,
            };
        }
    }
    let mut out = Scan {
        key_fits: true,
        plain: true,
        ..Scan::default()
    };
    let mut in_word = false;
    let mut pending_space = false;
    let mut i = 0;
    // No plain block is tried again before this offset (one failed there).
    let mut retry = 0;
    while i < n {
        // Fast run: bytes that go to the key unchanged (ASCII is lowercased afterwards).
        let run = i;
        let mut spaces = 0;
        if !pending_space {
            loop {
                // Plain prose, 31 bytes at a time (see `plain_block_at`): all of them belong
                // to the run (a space among them follows byte `i`, so it is after `run`).
                if i >= retry && bytes.get(i).is_some_and(|&c| is_graphic(c)) {
                    if let Some((len, block_spaces)) = plain_block_at(bytes, i) {
                        spaces += block_spaces;
                        i += len;
                        continue;
                    }
                    retry = i + PLAIN_BLOCK;
                }
                i = skip_graphic(bytes, i);
                let Some(&b) = bytes.get(i) else {
                    break;
                };
                if b == b' ' && i > run && i + 1 < n && plain_after_space(bytes[i + 1]) {
                    spaces += 1;
                    i += 1;
                } else if b == 0xC3 && i + 1 < n && bytes[i + 1] >= 0x9F {
                    // U+00DF..U+00FF: lowercase Latin-1 letters (and ÷), kept as they are.
                    i += 2;
                } else {
                    break;
                }
            }
        }
        if i > run {
            out.words += spaces + usize::from(!in_word);
            in_word = true;
            if out.key_fits {
                let from = key.len();
                key.push_str(&s[run..i]);
                key[from..].make_ascii_lowercase();
                if key.len() > max_key {
                    out.key_fits = false;
                    key.clear();
                }
            }
            if !out.key_fits && out.words >= WORDS_CAP {
                out.plain = false; // not looked at the rest
                break;
            }
            if i >= n {
                break;
            }
        }
        // One character by the general rules (same as `line_key`).
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_whitespace() {
            in_word = false;
            pending_space = true;
            out.plain = false;
            continue;
        }
        if !in_word {
            out.words += 1;
            in_word = true;
        }
        if !out.key_fits {
            if out.words >= WORDS_CAP {
                out.plain = false;
                break;
            }
            pending_space = false;
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if pending_space && !key.is_empty() && !takes_space_before(c) && !key.ends_with('«') {
            key.push(' ');
        }
        pending_space = false;
        match c {
            '’' | '‘' | 'ʼ' => key.push('\''),
            c if c.is_ascii() => key.push(c.to_ascii_lowercase()),
            c => key.extend(c.to_lowercase()),
        }
        if key.len() > max_key {
            out.key_fits = false;
            key.clear();
        }
    }
    out.words = out.words.min(WORDS_CAP);
    out
}

/// ASCII byte -> its lowercase form if it is a letter or a digit, else 0.
static ALNUM_LOWER: [u8; 128] = {
    let mut t = [0; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// [`ALNUM_LOWER`] extended to the bytes of the Latin-1 letters U+00C0..U+00FF (`0xC3 xx`),
/// for a chunk whose only non-ASCII bytes are such pairs, without `×` and `÷`: `0xC3` stays, a
/// second byte is lowercased (capitals, up to `0x9E`, are `+0x20`). Other bytes map to 0.
static LATIN_LOWER: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c < 0x80 {
            ALNUM_LOWER[b]
        } else if c == 0xC3 {
            c
        } else if c < 0x9F {
            c + 0x20
        } else if c < 0xC0 {
            c
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Writes the non-zero images in `table` of the 8 bytes of `w` to `dst`, in order (every byte of
/// `w` must index `table`); returns how many were written.
#[inline]
fn compact8<const N: usize>(w: [u8; 8], table: &[u8; N], dst: &mut [u8]) -> usize {
    let mut k = 0;
    for c in w {
        let m = table[c as usize];
        dst[k] = m;
        k += usize::from(m != 0);
    }
    k
}

/// High bit of each byte of `x` that equals `c`.
#[inline]
fn eq_mask(x: u64, c: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let z = x ^ (ONES * u64::from(c));
    // Exact zero-byte mask: no borrow crosses bytes.
    !(((z & !HIGH) + !HIGH) | z) & HIGH
}

/// True if the only non-ASCII bytes of the 8 bytes `x` (`high`: their high bits, not 0) are
/// Latin-1 letters `0xC3 xx` wholly inside `x`, none of them `×` (`0xC3 0x97`) or `÷`
/// (`0xC3 0xB7`). Returns the mask of the `0xC3` bytes too.
#[inline]
fn latin_pairs_only(x: u64, high: u64) -> Option<u64> {
    let lead = eq_mask(x, 0xC3);
    let second = lead << 8; // the byte after each lead (a lead in the top lane has none here)
    let sign = eq_mask(x, 0x97) | eq_mask(x, 0xB7);
    let ok = lead >> 56 == 0 && high & !(lead | second) == 0 && sign & second == 0;
    ok.then_some(lead)
}

/// Writes the repeat key of a paragraph at the start of `out` and returns its length in bytes
/// and in chars: its letters and digits, lowercase, nothing else, as UTF-8 bytes. Two
/// paragraphs that differ only in whitespace and punctuation have the same repeat key.
///
/// `out` is a scratch buffer: it is only grown (never cleared nor shrunk, so that its bytes are
/// not zeroed again for every paragraph), and the bytes after the key are left over.
pub(crate) fn repeat_key(s: &str, out: &mut Vec<u8>) -> (usize, usize) {
    repeat_key_upto(s, out, usize::MAX)
}

/// [`repeat_key`] that may stop once the key has `limit` chars: the key written is then a
/// prefix of the whole key with at least `limit` chars (a few more, up to eight), and the
/// counts returned are those of that prefix. With `limit` at least the number of chars of the
/// key, the key is whole.
pub(crate) fn repeat_key_upto(s: &str, out: &mut Vec<u8>, limit: usize) -> (usize, usize) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = s.as_bytes();
    // Written by index into a buffer at least as long as the input plus 8: ASCII and Latin-1
    // letters never grow; other characters make room first.
    if out.len() < b.len() + 8 {
        out.resize(b.len() + 8, 0);
    }
    let (mut i, mut j, mut chars) = (0, 0, 0);
    while chars < limit {
        // Eight bytes at a time, up to the first non-ASCII one.
        while let Some(chunk) = b.get(i..i + 8).filter(|_| chars < limit) {
            let mut w = [0; 8];
            w.copy_from_slice(chunk);
            let x = u64::from_le_bytes(w);
            let high = x & HIGH;
            if let Some(lead) = (high != 0).then(|| latin_pairs_only(x, high)).flatten() {
                // ASCII and Latin-1 letters only (French accents): one table for all bytes.
                let k = compact8(w, &LATIN_LOWER, &mut out[j..j + 8]);
                j += k;
                // A pair is one char; every lead is kept (no × ÷ here).
                chars += k - ((lead >> 7).wrapping_mul(0x0101_0101_0101_0101) >> 56) as usize;
                i += 8;
                continue;
            }
            if high != 0 {
                // The ASCII bytes before the first non-ASCII one.
                for _ in 0..high.trailing_zeros() / 8 {
                    let m = ALNUM_LOWER[b[i] as usize];
                    out[j] = m;
                    j += usize::from(m != 0);
                    chars += usize::from(m != 0);
                    i += 1;
                }
                break;
            }
            let k = compact8(w, &ALNUM_LOWER, &mut out[j..j + 8]);
            j += k;
            chars += k;
            i += 8;
        }
        let Some(&c) = b.get(i) else {
            break;
        };
        if c < 0x80 {
            let m = ALNUM_LOWER[c as usize];
            out[j] = m;
            j += usize::from(m != 0);
            chars += usize::from(m != 0);
            i += 1;
            continue;
        }
        if c == 0xC3 && i + 1 < b.len() {
            // U+00C0..U+00FF: letters but × and ÷; capitals (up to U+00DE) are +0x20.
            let c1 = b[i + 1];
            if c1 != 0x97 && c1 != 0xB7 {
                out[j] = 0xC3;
                out[j + 1] = if c1 < 0x9F { c1 + 0x20 } else { c1 };
                j += 2;
                chars += 1;
            }
            i += 2;
            continue;
        }
        let Some(ch) = s[i..].chars().next() else {
            break;
        };
        i += ch.len_utf8();
        if ch.is_alphanumeric() {
            let mut buf = [0; 4];
            for l in ch.to_lowercase() {
                let l = l.encode_utf8(&mut buf).as_bytes();
                let need = j + l.len() + (b.len() - i) + 8;
                if out.len() < need {
                    out.resize(need, 0);
                }
                out[j..j + l.len()].copy_from_slice(l);
                j += l.len();
                chars += 1;
            }
        }
    }
    (j, chars)
}

/// Appends `s` to `out` trimmed, with every run of blanks collapsed to one character:
/// a no-break space (U+00A0) before `: ; ! ? »`, after `«`, or where the run held only
/// no-break spaces; a plain space otherwise.
///
/// Spans that need no change (no blank other than single spaces between ordinary characters)
/// are found byte by byte and copied whole.
pub(crate) fn push_normalized(s: &str, out: &mut String) {
    let s = s.trim();
    let b = s.as_bytes();
    let n = b.len();
    let mut seg = 0; // start of the span not yet copied
    let mut i = 0;
    // No block is tried again before this offset (one failed there).
    let mut retry = 0;
    while i < n {
        // Plain prose, 31 bytes at a time (see `plain_block_at`; a char boundary is not
        // needed here).
        if i >= retry && is_graphic(b[i]) {
            if plain_block_at(b, i).is_some() {
                i += PLAIN_BLOCK - 1;
                continue;
            }
            retry = i + PLAIN_BLOCK;
        }
        // Printable ASCII, eight bytes at a time.
        i = skip_graphic(b, i);
        let Some(&c) = b.get(i) else {
            break;
        };
        if c != b' ' && !(0x09..=0x0D).contains(&c) && !matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3) {
            // Not blank, and not the first byte of a possibly blank character.
            i += 1;
            continue;
        }
        if c == b' ' {
            // A single space between ordinary characters stays as it is.
            let after_open_quote = i >= 2 && b[i - 1] == 0xAB && b[i - 2] == 0xC2;
            if i + 1 < n && plain_after_space(b[i + 1]) && !after_open_quote {
                i += 2;
                continue;
            }
        } else if c >= 0x80 {
            let Some(ch) = s[i..].chars().next() else {
                break;
            };
            if !ch.is_whitespace() {
                i += ch.len_utf8();
                continue;
            }
        }
        // A run of blanks at `i` (never at the ends: `s` is trimmed).
        out.push_str(&s[seg..i]);
        let prev = s[..i].chars().next_back();
        let mut all_nb = true;
        let mut next = None;
        for ch in s[i..].chars() {
            if !ch.is_whitespace() {
                next = Some(ch);
                break;
            }
            all_nb &= is_no_break_space(ch);
            i += ch.len_utf8();
        }
        let Some(next) = next else {
            return; // (unreachable: `s` is trimmed)
        };
        let nb = takes_space_before(next) || prev == Some('«') || all_nb;
        out.push(if nb { NBSP } else { ' ' });
        seg = i;
    }
    out.push_str(&s[seg..]);
}

/// True if `c` can open a quotation.
fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '«' | '“')
}

/// True if `c` can close a quotation or a parenthesis right after a word.
fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '»' | '”' | ')')
}

/// Byte offsets inside `line` where two paragraphs were glued together without a space
/// (`…jeudi.Le gouvernement…`): a word of at least two lowercase letters (no digit, URL or
/// abbreviation dots), `.`, `!` or `?` (optionally inside a closing quote), then a capitalized
/// word (optionally after an opening quote). The offset is where the second paragraph starts.
///
/// The reference for [`split_units`], which finds the same points with `memchr3` and the
/// [`may_glue`] filter in the whole text's bytes: here [`glue_at`] is tried at every `.`, `!` and
/// `?` of the line alone.
#[cfg(test)]
pub(crate) fn glue_points(line: &str, out: &mut Vec<usize>) {
    out.clear();
    for (i, c) in line.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            push_glue_point(line, i, out);
        }
    }
}

/// A cheap necessary condition for a glue point at the punctuation at byte `i` of `b` (see
/// [`glue_at`]): a lowercase letter or a closing quote before, a capital or a quote after.
#[inline]
fn may_glue(b: &[u8], i: usize) -> bool {
    let (Some(&before), Some(&after)) = (i.checked_sub(1).and_then(|j| b.get(j)), b.get(i + 1))
    else {
        return false;
    };
    (before.is_ascii_lowercase() || before == b'"' || before == b')' || before >= 0x80)
        && (after.is_ascii_uppercase() || after == b'"' || after >= 0x80)
}

/// Adds the glue point at the punctuation at byte `i` of `line`, if there is one, to `out`
/// (the points of the line found so far, in order).
fn push_glue_point(line: &str, i: usize, out: &mut Vec<usize>) {
    let lo = out.last().copied().unwrap_or(0);
    if let Some(split) = glue_at(line, lo, i) {
        if split > 0 && split < line.len() && out.last().map_or(true, |&l| l < split) {
            out.push(split);
        }
    }
}

/// Checks a glue point at the ASCII punctuation at byte `i`, looking left no further than `lo`
/// (the previous split, so that a unit is judged the same once it stands alone); returns the
/// split offset.
fn glue_at(line: &str, lo: usize, i: usize) -> Option<usize> {
    let before = line.get(lo..i)?;
    let after = &line[i + 1..];
    // Left side: optional closing quote, then a word of >= 2 letters ending in lowercase.
    let mut left = before.chars().rev().peekable();
    let mut last = left.next()?;
    if is_close_quote(last) {
        last = left.next()?;
    }
    if !last.is_lowercase() {
        return None;
    }
    let mut letters = 1;
    for c in left {
        if c.is_whitespace() || matches!(c, '(' | '«' | '"' | '“' | '\'' | '’' | '-') {
            break;
        }
        if !c.is_alphabetic() {
            // digits, dots (abbreviations, domains), slashes, @, _ ...: not a paragraph join
            return None;
        }
        letters += 1;
    }
    if letters < 2 {
        return None;
    }
    // Right side: optional closing quote (belongs left), optional opening quote, Capital, lowercase.
    let mut split = i + 1;
    let mut right = after.char_indices().peekable();
    let (_, mut c) = *right.peek()?;
    if c == '»' || c == '”' {
        right.next();
        split += c.len_utf8();
        c = right.peek()?.1;
    }
    if is_open_quote(c) {
        right.next();
        c = right.peek()?.1;
    }
    right.next();
    if !c.is_uppercase() {
        return None;
    }
    let (_, next) = *right.peek()?;
    if !(next.is_lowercase() || next == '\'' || next == '’') {
        return None;
    }
    Some(split)
}

/// `s` without its leading and trailing blanks, and the length of the leading ones; like
/// `str::trim`.
#[cfg(test)]
fn trim(s: &str) -> (usize, &str) {
    let (start, end) = trim_range(s, 0, s.len());
    (start, &s[start..end])
}

/// The byte range of `text[start..end]` (char boundaries) without its leading and trailing
/// blanks, like `str::trim`, with a shortcut when the ends are ASCII or chars that cannot be
/// blank. Works on byte offsets: no `&str` is sliced unless a non-ASCII blank may be there.
#[inline(always)]
fn trim_range(text: &str, mut start: usize, mut end: usize) -> (usize, usize) {
    let blank = |c: u8| matches!(c, b' ' | b'\t'..=b'\r');
    // The lead bytes of the non-ASCII blanks (U+0085, U+00A0, U+1680, U+2000..U+200A,
    // U+2028, U+2029, U+202F, U+205F, U+3000).
    let may_be_blank = |lead: u8| matches!(lead, 0xC2 | 0xE1 | 0xE2 | 0xE3);
    let b = text.as_bytes();
    while start < end && blank(b[start]) {
        start += 1;
    }
    if start < end && may_be_blank(b[start]) {
        start = end - text[start..end].trim_start().len();
    }
    while end > start && blank(b[end - 1]) {
        end -= 1;
    }
    if end > start && b[end - 1] >= 0x80 {
        let mut lead = end - 1;
        while lead > start && (b[lead] as i8) < -0x40 {
            lead -= 1;
        }
        if may_be_blank(b[lead]) {
            end = start + text[start..end].trim_end().len();
        }
    }
    (start, end)
}

/// Continuation bytes (`0b10xxxxxx`) among the 8 bytes `x`: each is not the first byte of a
/// char.
#[inline]
fn continuation_bytes(x: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // One per continuation byte in its low bit, summed in the top byte (at most 8).
    (((x & !(x << 1) & HIGH) >> 7).wrapping_mul(ONES) >> 56) as usize
}

/// Bytes checked at once by [`find_newline`].
const NEWLINE_BLOCK: usize = 32;

/// Whether `c` holds a `\n`, and its number of continuation bytes; without branches (the
/// compiler vectorizes it).
#[inline(always)]
fn newline_block(c: &[u8; NEWLINE_BLOCK]) -> (bool, u8) {
    let (mut newline, mut continuation) = (false, 0);
    for &x in c {
        newline |= x == b'\n';
        continuation += u8::from((x as i8) < -0x40);
    }
    (newline, continuation)
}

/// Index of the first `\n` at or after `i` (or `b.len()`), and, when `COUNT`, the number of
/// continuation bytes before it (from `i`), so that the chars of the line are known without
/// another pass. Blocks of 32 bytes without a `\n` are stepped over at once, without branches
/// (no per-call setup, unlike a library search: most lines are short); the block with the `\n`
/// and the last, partial block go through [`find_newline_swar`].
#[inline]
fn find_newline<const COUNT: bool>(b: &[u8], mut i: usize) -> (usize, usize) {
    let mut continuation = 0;
    while let Some(chunk) = b.get(i..i + NEWLINE_BLOCK) {
        let mut c = [0; NEWLINE_BLOCK];
        c.copy_from_slice(chunk);
        let (newline, cont) = newline_block(&c);
        if newline {
            break;
        }
        if COUNT {
            continuation += usize::from(cont);
        }
        i += NEWLINE_BLOCK;
    }
    let (end, rest) = find_newline_swar::<COUNT>(b, i);
    (end, continuation + rest)
}

/// [`find_newline`] eight bytes at a time (SWAR), and byte by byte for the last seven.
#[inline]
fn find_newline_swar<const COUNT: bool>(b: &[u8], mut i: usize) -> (usize, usize) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut continuation = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let x = w ^ (ONES * u64::from(b'\n'));
        // Exact zero-byte mask: no borrow crosses bytes.
        let zero = !(((x & !HIGH) + !HIGH) | x) & HIGH;
        if zero != 0 {
            let lane = (zero.trailing_zeros() / 8) as usize;
            if COUNT {
                continuation += continuation_bytes(w & ((1 << (8 * lane)) - 1));
            }
            return (i + lane, continuation);
        }
        if COUNT && w & HIGH != 0 {
            continuation += continuation_bytes(w);
        }
        i += 8;
    }
    while i < b.len() && b[i] != b'\n' {
        continuation += usize::from(COUNT && (b[i] as i8) < -0x40);
        i += 1;
    }
    (i.min(b.len()), continuation)
}

/// Buffers of [`for_each_unit`], kept between calls.
#[derive(Clone, Debug, Default)]
pub(crate) struct UnitBuffers {
    /// Glue points of the current line.
    glue: Vec<usize>,
}

/// Splits `text` into units, the pieces that rules, learning and repeat detection look at: its
/// lines (split on `\n`), cut again at glued-paragraph points, each trimmed of blanks. Blank
/// pieces are skipped. Calls `f(start, end)` with byte offsets into `text`, in order.
#[cfg(test)]
pub(crate) fn for_each_unit(text: &str, bufs: &mut UnitBuffers, mut f: impl FnMut(usize, usize)) {
    split_units::<false>(text, bufs, |piece| {
        if let Piece::Unit(s, e, _, _) = piece {
            f(s, e);
        }
        None
    });
}

/// [`for_each_unit`] that also gives the code-point offsets of each unit:
/// `f(start, end, char_start, char_end)`. The chars are counted in the same pass that finds the
/// line ends.
#[cfg(test)]
pub(crate) fn for_each_unit_chars(
    text: &str,
    bufs: &mut UnitBuffers,
    mut f: impl FnMut(usize, usize, usize, usize),
) {
    split_units::<true>(text, bufs, |piece| {
        if let Piece::Unit(s, e, cs, ce) = piece {
            f(s, e, cs, ce);
        }
        None
    });
}

/// What [`split_units`] gives its callback.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Piece {
    /// A line `text[start..end]` that is not empty (`end` is its `\n` or the end of the text),
    /// whose first byte is char `chars` of the text, before it is cut into units. The callback
    /// may answer `Some((next, next_chars))`: it took care itself of the lines from `start` up
    /// to byte `next` (a line start after `end`, or the end of the text), which has
    /// `next_chars` chars before it; the split goes on from there.
    Line(usize, usize, usize),
    /// A unit: byte range and code-point range (the chars are only counted when `CHARS`).
    Unit(usize, usize, usize, usize),
}

/// Splits `text` into units (see [`for_each_unit`]), telling `f` of each line before its units.
/// Returns the number of chars of `text` when `CHARS`.
pub(crate) fn split_units<const CHARS: bool>(
    text: &str,
    bufs: &mut UnitBuffers,
    mut f: impl FnMut(Piece) -> Option<(usize, usize)>,
) -> usize {
    let bytes = text.as_bytes();
    let mut base = 0;
    // Chars before `base` (only counted when CHARS).
    let mut char_base = 0;
    while base <= bytes.len() {
        if bytes.get(base) == Some(&b'\n') {
            // The empty line between two paragraphs (one char).
            base += 1;
            char_base += 1;
            continue;
        }
        let (end, continuation) = find_newline::<CHARS>(bytes, base);
        if end > base {
            if let Some((next, next_chars)) = f(Piece::Line(base, end, char_base)) {
                base = next;
                char_base = next_chars;
                continue;
            }
        }
        let line_base = base;
        let line_chars = end - base - continuation;
        let line_char_base = char_base;
        base = end + 1;
        char_base += line_chars + 1; // the `\n` is one char
        let (s, e) = trim_range(text, line_base, end);
        if s == e {
            continue;
        }
        // Glue candidates are searched in the line only once the callback has not taken it
        // (most lines of a page are copied from the previous page, whose punctuation is never
        // looked at). `may_glue` reads the bytes around the punctuation in the whole text: at
        // the line's ends they are `\n` or missing, which fail the test alike. The test-only
        // `glue_points`, which tries every punctuation of a line alone, is the reference for
        // this search (measured: calling a `glue_points` written like this search here instead
        // cost 1.5 M instructions in `clean` and 1.2 M in learning, on 3,000 pages).
        let mut points = memchr::memchr3_iter(b'.', b'!', b'?', &bytes[line_base + 1..end])
            .map(|i| i + 1)
            .filter(|&i| may_glue(bytes, line_base + i));
        let first = points.next();
        if first.is_none() {
            // No glue point: the line is one unit (the blanks trimmed are rarely there).
            let (mut cs, mut ce) = (0, 0);
            if CHARS {
                let chars = |from, to| {
                    if from == to {
                        0
                    } else {
                        char_count(bytes, from, to)
                    }
                };
                cs = line_char_base + chars(line_base, s);
                ce = line_char_base + line_chars - chars(e, end);
            }
            f(Piece::Unit(s, e, cs, ce));
            continue;
        }
        let line = &text[line_base..end];
        bufs.glue.clear();
        for i in first.into_iter().chain(points) {
            push_glue_point(line, i, &mut bufs.glue);
        }
        let mut from = 0;
        for &cut in bufs.glue.iter().chain(std::iter::once(&line.len())) {
            let (s, e) = trim_range(text, line_base + from, line_base + cut);
            if s < e {
                let (mut cs, mut ce) = (0, 0);
                if CHARS {
                    cs = line_char_base + char_count(bytes, line_base, s);
                    ce = cs + char_count(bytes, s, e);
                }
                f(Piece::Unit(s, e, cs, ce));
            }
            from = cut;
        }
    }
    // One char was counted for a `\n` after the last line.
    char_base - 1
}

/// Number of blank-separated words in `s`.
#[cfg(test)]
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// True if `b` (a `str`) surely has more than `max` blank-separated words: if a printable
/// ASCII byte starts it, and more than `max` such bytes in all follow it or an ASCII space (each
/// starts a word). [`WORD_BLOCK`] byte pairs at a time, then eight, without branches but one per
/// chunk; stops at the end of the chunk where the count passes `max`. False says nothing.
#[inline]
fn surely_more_words_than(b: &[u8], max: usize) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let Some(&first) = b.first() else {
        return false;
    };
    let mut starts = usize::from(is_graphic(first));
    let mut i = 0;
    // The 32 pairs from `i` at once while 33 bytes are left (prose reaches a few words per
    // block), then 8.
    while let Some(chunk) = b.get(i..i + WORD_BLOCK + 1) {
        let (mut ps, mut qs) = ([0; WORD_BLOCK], [0; WORD_BLOCK]);
        ps.copy_from_slice(&chunk[..WORD_BLOCK]);
        qs.copy_from_slice(&chunk[1..]);
        starts += usize::from(word_start_block(&ps, &qs));
        if starts > max {
            return true;
        }
        i += WORD_BLOCK;
    }
    // Pairs (b[i + k], b[i + k + 1]) of the chunk at `i`: a space, then a printable byte.
    while i + 9 <= b.len() {
        let (p, q) = (crate::known::load(b, i), crate::known::load(b, i + 1));
        let hits = eq_mask(p, b' ') & !non_graphic_mask(q) & HIGH;
        starts += ((hits >> 7).wrapping_mul(ONES) >> 56) as usize;
        if starts > max {
            return true;
        }
        i += 8;
    }
    false
}

/// Byte pairs checked at once by [`surely_more_words_than`].
const WORD_BLOCK: usize = 32;

/// The pairs `(ps[k], qs[k])` that are a space then a printable ASCII byte; without branches
/// (the compiler vectorizes it).
#[inline(always)]
fn word_start_block(ps: &[u8; WORD_BLOCK], qs: &[u8; WORD_BLOCK]) -> u8 {
    let mut n = 0;
    for k in 0..WORD_BLOCK {
        n += u8::from(ps[k] == b' ') & u8::from(is_graphic(qs[k]));
    }
    n
}

/// True if `s` has more than `max` blank-separated words (`word_count(s) > max`); looks no
/// further than the start of word `max + 1`. Prose has many words that start after an ASCII
/// space with an ASCII letter, and is told first ([`surely_more_words_than`]); otherwise
/// chunks of eight bytes of printable ASCII and spaces are counted at once.
pub(crate) fn more_words_than(s: &str, max: usize) -> bool {
    if surely_more_words_than(s.as_bytes(), max) {
        return true;
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = s.as_bytes();
    let (mut words, mut in_word, mut i) = (0, false, 0);
    loop {
        while let Some(chunk) = b.get(i..i + 8) {
            let mut w = [0; 8];
            w.copy_from_slice(chunk);
            let x = u64::from_le_bytes(w);
            let space = eq_mask(x, b' ');
            if non_graphic_mask(x) != space {
                break; // another blank, a control or a non-ASCII byte
            }
            // Word starts: a byte that is not a space after one (or after a blank before the
            // chunk).
            let word = !space & HIGH;
            let starts = word & (space << 8 | u64::from(!in_word) << 7);
            words += ((starts >> 7).wrapping_mul(ONES) >> 56) as usize;
            if words > max {
                return true;
            }
            in_word = word >> 63 != 0;
            i += 8;
        }
        // One char by the general rules (`i` is a char boundary).
        let Some(&c) = b.get(i) else {
            return false;
        };
        let blank = if c < 0x80 {
            i += 1;
            matches!(c, b' ' | b'\t'..=b'\r')
        } else {
            let Some(ch) = s[i..].chars().next() else {
                return false;
            };
            i += ch.len_utf8();
            // Only these lead bytes start a non-ASCII blank.
            matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3) && ch.is_whitespace()
        };
        if !blank && !in_word {
            words += 1;
            if words > max {
                return true;
            }
        }
        in_word = !blank;
    }
}

/// True if the line ends like a sentence (`.`, `!`, `?`, a closing quote...), but not like a
/// truncated teaser (`... `, `…` after a space).
pub(crate) fn ends_like_sentence(s: &str) -> bool {
    match s.as_bytes().last() {
        // An ASCII end that is not blank (units are trimmed): `trim_end` would keep it, and the
        // last char is that byte.
        Some(&c) if c < 0x80 && !matches!(c, b' ' | b'\t'..=b'\r') => match c {
            b'.' => !(s.ends_with(" ...") || s.ends_with("...") && !s.ends_with("....")),
            b'!' | b'?' | b'"' | b')' | b';' | b':' => true,
            _ => false,
        },
        _ => ends_like_sentence_by_chars(s),
    }
}

/// [`ends_like_sentence`] char by char, after `trim_end`; the reference of its byte shortcut.
fn ends_like_sentence_by_chars(s: &str) -> bool {
    let t = s.trim_end();
    if t.ends_with(" ...") || t.ends_with(" …") || t.ends_with("...") && !t.ends_with("....") {
        return false;
    }
    matches!(
        t.chars().next_back(),
        Some('.' | '!' | '?' | '…' | '»' | '"' | '”' | ')' | ';' | ':')
    )
}

/// Number of chars (code points) in `s`.
#[cfg(test)]
pub(crate) fn char_len(s: &str) -> usize {
    char_count(s.as_bytes(), 0, s.len())
}

/// Number of chars (code points) in `text[start..end]` (both char boundaries): the bytes that
/// are not continuation bytes (`0b10xxxxxx`), counted eight at a time, the last word read
/// whole from `text` when it can be and masked.
#[inline]
pub(crate) fn char_count(text: &[u8], start: usize, end: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Continuation bytes of a word, summed in its top byte (at most 8: no overflow).
    let count = |x: u64| ((x & !(x << 1) & HIGH) >> 7).wrapping_mul(ONES) >> 56;
    let word = |c: &[u8]| {
        let mut w = [0; 8];
        w.copy_from_slice(c);
        u64::from_le_bytes(w)
    };
    let mut continuation = 0;
    let mut i = start;
    while i + 8 <= end {
        continuation += count(word(&text[i..i + 8]));
        i += 8;
    }
    if i < end {
        let x = match text.get(i..i + 8) {
            Some(c) => word(c),
            None => text[i..end]
                .iter()
                .rev()
                .fold(0, |w, &b| w << 8 | u64::from(b)),
        };
        continuation += count(x & ((1 << (8 * (end - i))) - 1));
    }
    end - start - continuation as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> String {
        let mut k = String::new();
        line_key(s, &mut k);
        k
    }

    fn norm(s: &str) -> String {
        let mut k = String::new();
        push_normalized(s, &mut k);
        k
    }

    fn glue(s: &str) -> Vec<usize> {
        let mut v = Vec::new();
        glue_points(s, &mut v);
        v
    }

    #[test]
    fn keys_ignore_case_blanks_and_space_before_colon() {
        assert_eq!(key("  PARTAGEZ :  "), "partagez:");
        assert_eq!(key("Partagez\u{a0}:"), "partagez:");
        assert_eq!(key("A  lire\taussi"), "a lire aussi");
        assert_eq!(key("« Oui »"), "«oui»");
        assert_eq!(key("l’Otan"), "l'otan");
    }

    #[test]
    fn typography_uses_nbsp_before_high_punctuation() {
        assert_eq!(
            norm("Il a dit : « non » !"),
            "Il a dit\u{a0}: «\u{a0}non\u{a0}»\u{a0}!"
        );
        assert_eq!(norm("a\u{202f};b"), "a\u{a0};b");
        assert_eq!(norm("a \u{202f}; b"), "a\u{a0}; b");
        assert_eq!(norm("  deux   espaces\t\tici  "), "deux espaces ici");
        assert_eq!(norm("4\u{202f}248 postes"), "4\u{a0}248 postes");
        assert_eq!(norm("16:30"), "16:30");
    }

    #[test]
    fn normalization_is_idempotent_on_examples() {
        for s in ["a  :  b", "«  x  »", "x \u{a0} y", " ? ", "\u{a0}\u{a0}"] {
            let once = norm(s);
            assert_eq!(norm(&once), once, "{s:?}");
            assert_eq!(key(&once), key(s), "{s:?}");
        }
    }

    #[test]
    fn glued_paragraphs_are_found() {
        let s = "dans la nuit de mercredi à jeudi.Le gouvernement avait";
        assert_eq!(glue(s), vec![s.find("Le").unwrap()]);
        let s = "restant ferme.\"Nous sommes";
        assert_eq!(glue(s), vec![s.find('"').unwrap()]);
        let s = "on discute\".Le ministre";
        assert_eq!(glue(s), vec![s.find("Le").unwrap()]);
        let s = "des Affaires étrangères.L'Alliance";
        assert_eq!(glue(s), vec![s.find("L'").unwrap()]);
    }

    #[test]
    fn glue_ignores_abbreviations_urls_initials_numbers() {
        for s in [
            "voir www.lemonde.Fr pour",
            "J.K. Rowling",
            "M.Dupont",
            "en 2019.Le",
            "3.5 millions",
            "av.J.-C.",
            "a.B",
            "fin. Le début",
            "fin.le début",
            "https://site.com/page.Html",
        ] {
            assert!(glue(s).is_empty(), "{s:?} -> {:?}", glue(s));
        }
    }

    #[test]
    fn sentence_endings() {
        assert!(ends_like_sentence("Il a refusé."));
        assert!(ends_like_sentence("\"Non\""));
        assert!(!ends_like_sentence("Le gouvernement démissionne"));
        assert!(!ends_like_sentence(
            "Vichy aspire à tourner la page de son ..."
        ));
    }

    #[test]
    fn scan_agrees_with_the_separate_helpers() {
        for s in [
            "  PARTAGEZ :  ",
            "« Oui »  l’Otan",
            "a\u{a0}b\tc",
            "",
            "Élysée",
        ] {
            let mut k = String::new();
            let sc = scan(s, 100, &mut k);
            assert_eq!(k, key(s));
            assert!(sc.key_fits);
            assert_eq!(sc.words, word_count(s));
        }
        // Every piece at every offset of an 8-byte word, at the start, middle and end.
        for k in 0..18 {
            for piece in [
                "é", "É", " b", " :", "  b", " ", " é", " É", "÷", "×", "\u{a0}", "’", "«", "\t",
                "A", ":", "ß ",
            ] {
                for s in [
                    format!("{}{piece}", "a".repeat(k)),
                    format!("{}{piece}xyz", "B".repeat(k)),
                    format!("{piece}{}", "c".repeat(k)),
                ] {
                    let mut got = String::new();
                    let sc = scan(&s, 100, &mut got);
                    assert_eq!(got, key(&s), "{s:?}");
                    assert_eq!(sc.words, word_count(&s), "{s:?}");
                    let mut normal = String::new();
                    push_normalized(&s, &mut normal);
                    assert!(!sc.plain || normal == s, "{s:?}");
                }
            }
        }
        let mut k = String::new();
        assert!(!scan("abcdef", 3, &mut k).key_fits);
        assert!(k.is_empty());
        let long = "mot ".repeat(100);
        assert_eq!(scan(&long, 10, &mut k).words, WORDS_CAP);
    }

    /// The character-by-character version of [`push_normalized`], kept as the reference for
    /// the fast one.
    fn push_normalized_reference(s: &str, out: &mut String) {
        let s = s.trim();
        let mut seg = 0;
        let mut run: Option<bool> = None; // only no-break spaces in the pending blank run
        let mut prev: Option<char> = None;
        for (i, c) in s.char_indices() {
            if c.is_whitespace() {
                match &mut run {
                    Some(all_nb) => *all_nb &= is_no_break_space(c),
                    None => {
                        out.push_str(&s[seg..i]);
                        run = Some(is_no_break_space(c));
                    }
                }
                continue;
            }
            if let Some(all_nb) = run.take() {
                let nb = takes_space_before(c) || prev == Some('«') || all_nb;
                out.push(if nb { NBSP } else { ' ' });
                seg = i;
            }
            prev = Some(c);
        }
        out.push_str(&s[seg..]);
    }

    fn repeat_key_reference(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    }

    /// Text made of the characters the fast paths treat specially.
    fn tricky() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            " ", "  ", "\t", "\n", "\u{a0}", "\u{202f}", "\u{2009}", "\u{3000}", "\u{1680}",
            "\u{85}", "\u{200b}", "\u{ad}", "\u{feff}", "«", "»", ":", ";", "!", "?", "’", "‘",
            "ʼ", "É", "é", "À", "à", "ß", "÷", "×", "İ", "K", "Ω", "a", "Z", "0", ".", "x", "mot",
            "Mot", "\"", "“", "—", "…", "\u{7f}", "\u{1f}", "😀",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    /// [`plain_latin_spaces`] pair by pair.
    fn plain_latin_spaces_reference(b: &[u8]) -> Option<usize> {
        let &last = b.last()?;
        if last == b' ' || breaks_plain_latin(last, b'a') {
            return None;
        }
        let mut bad = false;
        let mut spaces = 0;
        for (&p, &q) in b.iter().zip(&b[1..]) {
            bad |= breaks_plain_latin(p, q);
            spaces += usize::from(p == b' ');
        }
        (!bad).then_some(spaces)
    }

    /// Units the straightforward way: split on `\n`, cut each line at its [`glue_points`], trim
    /// each piece; with the code-point offsets counted from the start of the text.
    fn units_reference(text: &str) -> Vec<(usize, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut base = 0;
        let mut points = Vec::new();
        for line in text.split('\n') {
            glue_points(line, &mut points);
            let mut from = 0;
            for cut in points.iter().copied().chain([line.len()]) {
                let piece = &line[from..cut];
                let lead = piece.len() - piece.trim_start().len();
                let len = piece.trim().len();
                if len > 0 {
                    let (s, e) = (base + from + lead, base + from + lead + len);
                    out.push((s, e, text[..s].chars().count(), text[..e].chars().count()));
                }
                from = cut;
            }
            base += line.len() + 1;
        }
        out
    }

    proptest::proptest! {
        /// The padded and overlapping blocks of `plain_latin_spaces` agree with checking pair by
        /// pair, on texts shorter and longer than a block.
        #[test]
        fn plain_latin_blocks_agree_with_pairs(
            s in tricky(),
            prose in "[a-zA-Zéà'.,:;!? ]{0,80}",
        ) {
            for t in [s.as_str(), prose.as_str()] {
                for end in (0..=t.len()).filter(|&i| t.is_char_boundary(i)) {
                    let b = &t.as_bytes()[..end];
                    proptest::prop_assert_eq!(plain_latin_spaces(b), plain_latin_spaces_reference(b), "{:?}", &t[..end]);
                }
            }
        }
    }

    /// [`surely_more_words_than`] written plainly: the first byte if printable, and every space
    /// followed by a printable byte among the pairs that its chunks of eight look at (those
    /// of the whole chunks that have a byte after them); the count is compared after a chunk,
    /// so a text with none is never more.
    fn surely_more_words_than_reference(b: &[u8], max: usize) -> bool {
        let Some(&first) = b.first() else {
            return false;
        };
        let pairs = (b.len() - 1) / 8 * 8;
        if pairs == 0 {
            return false;
        }
        let starts = (0..pairs)
            .filter(|&k| b[k] == b' ' && is_graphic(b[k + 1]))
            .count();
        usize::from(is_graphic(first)) + starts > max
    }

    proptest::proptest! {
        /// The byte shortcut of `ends_like_sentence` (an ASCII end that is not blank) agrees
        /// with the char-by-char version.
        #[test]
        fn sentence_endings_agree_with_the_char_by_char_test(
            s in tricky(),
            end in "( |\\.|\\.\\.\\.|\\.\\.\\.\\.| …|[!?…»\"”);:,a\t\u{a0}]){0,4}",
        ) {
            let t = format!("{s}{end}");
            for u in [s.as_str(), t.as_str(), t.trim_end()] {
                proptest::prop_assert_eq!(ends_like_sentence(u), ends_like_sentence_by_chars(u), "{:?}", u);
            }
        }

        /// The lower bound on words never passes the count, and prose-like text (the case it
        /// is for) is told by it; it counts like its plain version (blocks of 32 pairs, then 8).
        #[test]
        fn sure_word_counts_are_lower_bounds(
            s in tricky(),
            words in proptest::collection::vec("[a-zé,.]{1,7}", 0..24),
            seps in proptest::collection::vec(proptest::sample::select(vec![" ", "  ", " \u{a0}", "\t", " : "]), 1..4),
        ) {
            let prose: String = words
                .iter()
                .enumerate()
                .map(|(i, w)| format!("{w}{}", seps[i % seps.len()]))
                .collect();
            for s in [s.as_str(), prose.as_str(), prose.trim()] {
                for max in [0, 1, 2, 4, 8, 9, 15, 100] {
                    let want = word_count(s) > max;
                    proptest::prop_assert!(!surely_more_words_than(s.as_bytes(), max) || want, "{:?} {}", s, max);
                    proptest::prop_assert_eq!(
                        surely_more_words_than(s.as_bytes(), max),
                        surely_more_words_than_reference(s.as_bytes(), max),
                        "{:?} {}", s, max
                    );
                    proptest::prop_assert_eq!(more_words_than(s, max), want, "{:?} {}", s, max);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn fast_paths_agree_with_references(s in tricky(), t in "\\PC{0,80}") {
            for s in [s.as_str(), t.as_str(), s.trim()] {
                let (mut fast, mut slow) = (String::new(), String::new());
                push_normalized(s, &mut fast);
                push_normalized_reference(s, &mut slow);
                proptest::prop_assert_eq!(&fast, &slow, "push_normalized {:?}", s);
                let mut k = String::new();
                let sc = scan(s, 1000, &mut k);
                proptest::prop_assert_eq!(&k, &key(s), "key {:?}", s);
                proptest::prop_assert!(sc.key_fits);
                proptest::prop_assert_eq!(sc.words, word_count(s).min(WORDS_CAP));
                for max in [0, 1, 2, 8, 100] {
                    proptest::prop_assert_eq!(more_words_than(s, max), word_count(s) > max, "{:?}", s);
                }
                if sc.plain {
                    proptest::prop_assert_eq!(&slow, s, "plain {:?}", s);
                }
                for max in [0, 1, 5, 17] {
                    let sc = scan(s, max, &mut k);
                    proptest::prop_assert_eq!(sc.key_fits, key(s).len() <= max);
                    proptest::prop_assert_eq!(sc.key_fits || k.is_empty(), true);
                    proptest::prop_assert_eq!(sc.words, word_count(s).min(WORDS_CAP));
                }
                let (lead, t) = trim(s);
                proptest::prop_assert_eq!((lead, t), (s.len() - s.trim_start().len(), s.trim()));
                // A dirty scratch buffer, as left by a longer paragraph.
                let mut rk = vec![b'#'; 3 * s.len() + 5];
                let (len, chars) = repeat_key(s, &mut rk);
                let want = repeat_key_reference(s);
                proptest::prop_assert_eq!(std::str::from_utf8(&rk[..len]).unwrap(), want.as_str());
                proptest::prop_assert_eq!(chars, want.chars().count());
                let mut fresh = Vec::new();
                proptest::prop_assert_eq!(repeat_key(s, &mut fresh), (len, chars));
                proptest::prop_assert_eq!(&fresh[..len], &rk[..len]);
                proptest::prop_assert!(chars <= s.len(), "{:?}", s);
                for limit in [0, 1, 5, 12, 13, 40] {
                    let (plen, pchars) = repeat_key_upto(s, &mut fresh, limit);
                    proptest::prop_assert!(pchars >= limit.min(chars), "{:?}", s);
                    proptest::prop_assert_eq!(&fresh[..plen], &rk[..plen]);
                    proptest::prop_assert_eq!(std::str::from_utf8(&rk[..plen]).unwrap().chars().count(), pchars);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// `push_normalized` and `scan` (whose plain blocks skip 31 bytes at once) on long
        /// prose with a few odd pieces anywhere, against the char-by-char references.
        #[test]
        fn push_normalized_and_scan_of_almost_plain_prose(
            words in proptest::collection::vec("[a-zA-Z0-9,.'éàçùÿß÷-]{1,9}", 1..60),
            odds in proptest::collection::vec((proptest::sample::select(vec![
                " :", " ;", " !", " ?", "  ", "\u{a0}", "É", "×", "’", "«", "« ", " »", "\t",
                "\u{7f}", "\u{1f}", "œ", " é", "!", ":", "ÿ ", "\u{202f}", " \u{2009}", "\n",
                "\u{85}", "\u{3000}", " \u{200b}",
            ]), 0..500usize), 0..4),
        ) {
            let mut s = words.join(" ");
            for (odd, at) in odds {
                let mut cut = at.min(s.len());
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                s.insert_str(cut, odd);
            }
            let (mut fast, mut slow) = (String::new(), String::new());
            push_normalized(&s, &mut fast);
            push_normalized_reference(&s, &mut slow);
            proptest::prop_assert_eq!(&fast, &slow, "{:?}", s);
            let mut k = String::new();
            for max in [1000, 40] {
                let sc = scan(&s, max, &mut k);
                proptest::prop_assert_eq!(sc.words, word_count(&s).min(WORDS_CAP), "{:?}", s);
                proptest::prop_assert_eq!(sc.key_fits, key(&s).len() <= max, "{:?}", s);
                if sc.key_fits {
                    proptest::prop_assert_eq!(&k, &key(&s), "{:?}", s);
                }
                if sc.plain {
                    proptest::prop_assert_eq!(&slow, &s, "plain {:?}", s);
                }
            }
        }

        /// Prose that is plain but for at most one piece, at any offset of the blocks.
        #[test]
        fn scan_of_almost_plain_prose(
            words in proptest::collection::vec("[a-zA-Z0-9,.'éàçùÿß÷-]{1,9}", 1..40),
            odd in proptest::sample::select(vec![
                "", " :", " ;", " !", " ?", "  ", "\u{a0}", "É", "×", "’", "«", "\t", "\u{7f}",
                "\u{1f}", "œ", " é", "!", ":", "ÿ ",
            ]),
            at in 0..400usize,
        ) {
            let mut s = words.join(" ");
            let mut cut = at.min(s.len());
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.insert_str(cut, odd);
            for s in [s.as_str(), s.trim()] {
                let mut k = String::new();
                let sc = scan(s, 1000, &mut k);
                proptest::prop_assert_eq!(&k, &key(s), "key {:?}", s);
                proptest::prop_assert_eq!(sc.words, word_count(s).min(WORDS_CAP), "{:?}", s);
                if sc.plain {
                    proptest::prop_assert_eq!(&norm(s), s, "plain {:?}", s);
                }
                let mut normal = String::new();
                push_normalized_reference(s, &mut normal);
                let simple = plain_latin_spaces(s.as_bytes()).is_some();
                proptest::prop_assert!(!simple || normal == s || s.starts_with(' '), "{:?}", s);
            }
        }
    }

    #[test]
    fn lowercase_word_lowercases_ascii_capitals_only() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let x = u64::from(b) << (8 * lane) | 0x4100_0000_0000_005a & !(0xff << (8 * lane));
                let got = lowercase_word(x).to_le_bytes();
                let want = x.to_le_bytes().map(|c| c.to_ascii_lowercase());
                assert_eq!(got, want, "{b:#x} in lane {lane}");
            }
        }
        let text = "Publicité ÉTÉ 12:39News A-Z@[`{".as_bytes();
        let mut out = Vec::new();
        for start in 0..text.len() {
            for end in start..=text.len() {
                let got = lowercase_ascii_into(text, start, end, &mut out);
                assert_eq!(got, text[start..end].to_ascii_lowercase());
            }
        }
    }

    /// The shortcut of `known.rs`: a line key with some ASCII letters capitalized has the same
    /// line key. It rests on `to_lowercase` being idempotent, checked here for every char.
    #[test]
    fn lowercase_is_idempotent_for_every_char() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let once: String = c.to_lowercase().collect();
            let twice: String = once.chars().flat_map(char::to_lowercase).collect();
            assert_eq!(once, twice, "{c:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn unit_char_offsets_agree_with_counting(s in tricky(), t in "\\PC{0,60}(\n\\PC{0,30}){0,4}") {
            for text in [s.as_str(), t.as_str()] {
                let mut bufs = UnitBuffers::default();
                let mut seen = 0;
                for_each_unit_chars(text, &mut bufs, |s, e, cs, ce| {
                    seen += 1;
                    assert_eq!((cs, ce), (text[..s].chars().count(), text[..e].chars().count()), "{text:?}");
                });
                let mut plain = 0;
                for_each_unit(text, &mut bufs, |_, _| plain += 1);
                proptest::prop_assert_eq!(seen, plain);
            }
        }

        /// `split_units` searches glue points line by line in the whole text's bytes, with
        /// `memchr3` and the `may_glue` filter; the reference, `glue_points`, tries every
        /// punctuation of each line alone.
        #[test]
        fn units_agree_with_line_by_line_glue_points(
            s in tricky(),
            glued in "([a-zé]{0,5}[.!?\"»”)]{0,2}[A-ZÉ\"«“ \n]{0,2}[a-z’']{0,2}){0,12}",
        ) {
            for text in [s.as_str(), glued.as_str()] {
                let mut units = Vec::new();
                for_each_unit_chars(text, &mut UnitBuffers::default(), |s, e, cs, ce| {
                    units.push((s, e, cs, ce));
                });
                proptest::prop_assert_eq!(units, units_reference(text), "{:?}", text);
            }
        }

        #[test]
        fn capitalized_keys_have_the_same_key(
            s in tricky(),
            t in "\\PC{0,60}",
            caps in proptest::collection::vec(proptest::bool::ANY, 0..64),
        ) {
            for s in [s.as_str(), t.as_str()] {
                let k = key(s);
                let raw: String = k
                    .chars()
                    .enumerate()
                    .map(|(i, c)| if caps.get(i % 64).copied().unwrap_or(false) { c.to_ascii_uppercase() } else { c })
                    .collect();
                proptest::prop_assert_eq!(raw.to_ascii_lowercase(), k.clone());
                proptest::prop_assert_eq!(key(&raw), k, "{:?}", raw);
            }
        }
    }

    #[test]
    fn unit_char_offsets_are_code_points() {
        for text in [
            "",
            "a",
            " \u{a0}Élysée : x\u{202f}\n\n  Publicité  \n\u{3000}jeudi.Le gouvernement é\u{a0}",
            "x\r\n\r\n«\u{a0}Non\u{a0}»\né",
            "😀abcdefghij😀\n\u{a0}\n",
        ] {
            let mut bufs = UnitBuffers::default();
            let (mut plain, mut with_chars) = (Vec::new(), Vec::new());
            for_each_unit(text, &mut bufs, |s, e| plain.push((s, e)));
            for_each_unit_chars(text, &mut bufs, |s, e, cs, ce| {
                with_chars.push((s, e, cs, ce))
            });
            assert_eq!(plain.len(), with_chars.len());
            for (&(s, e), &(s2, e2, cs, ce)) in plain.iter().zip(&with_chars) {
                assert_eq!((s, e), (s2, e2));
                assert_eq!(cs, text[..s].chars().count(), "{text:?}");
                assert_eq!(ce, text[..e].chars().count(), "{text:?}");
            }
        }
    }

    #[test]
    fn newlines_are_found() {
        let s = "ab\ncdefghijklmnop\n\nq\u{e9}\n".as_bytes();
        let mut want = s
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .map(|(i, _)| i);
        let mut i = 0;
        loop {
            let (n, _) = find_newline::<false>(s, i);
            assert_eq!(Some(n).filter(|&n| n < s.len()), want.next());
            if n >= s.len() {
                break;
            }
            i = n + 1;
        }
        assert_eq!(find_newline::<true>(b"", 0), (0, 0));
        assert_eq!(find_newline::<true>(b"\x8a\x0b\x09abcdefgh", 0), (11, 1));
        let t = "aé\n€😀 x\nb«»\u{a0}cdefghij\n\né".as_bytes();
        let mut i = 0;
        while i <= t.len() {
            let (n, c) = find_newline::<true>(t, i);
            let line = std::str::from_utf8(&t[i..n]).unwrap();
            assert_eq!(n - i - c, line.chars().count(), "{line:?}");
            i = n + 1;
        }
    }

    /// `find_newline` (blocks of 32 bytes) agrees with `find_newline_swar` (eight bytes at a
    /// time, its reference) and with a byte-by-byte search, from every char boundary of texts
    /// with lines of many lengths, short and long, ASCII or not.
    #[test]
    fn newline_blocks_agree_with_swar() {
        let pieces = ["a", " ", "\n", "é", "€", "😀", "\u{a0}", "abcdefgh", "\n\n"];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..300 {
            let mut t = String::new();
            while t.len() < len {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                // Newlines rarer than other pieces, so that long lines are common too.
                let k = (state >> 33) as usize % (pieces.len() * 4);
                t.push_str(if k < pieces.len() {
                    pieces[k]
                } else {
                    ["abcdefgh", "é"][k % 2]
                });
            }
            let b = t.as_bytes();
            for i in (0..=b.len()).filter(|&i| t.is_char_boundary(i)) {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
                let chars = t[i..end].chars().count();
                assert_eq!(find_newline::<true>(b, i), find_newline_swar::<true>(b, i));
                assert_eq!(
                    find_newline::<true>(b, i),
                    (end, end - i - chars),
                    "{t:?} {i}"
                );
                assert_eq!(find_newline::<false>(b, i).0, end, "{t:?} {i}");
            }
        }
    }

    #[test]
    fn trim_agrees_with_str_trim() {
        for s in [
            "",
            " ",
            " a ",
            "\u{a0}a\u{202f}",
            "\t\x0b a b \x0c\r",
            "é",
            " \u{3000}",
            "a\u{85}",
        ] {
            let (lead, t) = trim(s);
            assert_eq!(t, s.trim(), "{s:?}");
            assert_eq!(lead, s.len() - s.trim_start().len(), "{s:?}");
        }
    }

    #[test]
    fn char_len_counts_code_points() {
        let t = "aé€😀«»\u{a0}x b".as_bytes();
        for start in 0..t.len() {
            for end in start..=t.len() {
                if let Ok(p) = std::str::from_utf8(&t[start..end]) {
                    assert_eq!(char_count(t, start, end), p.chars().count(), "{p:?}");
                }
            }
        }
        assert_eq!(char_len("é«a»"), 4);
        assert_eq!(char_len(""), 0);
        let s = "aé€😀«»\u{a0}x".repeat(7);
        for i in 0..s.len() {
            if let Some(p) = s.get(i..) {
                assert_eq!(char_len(p), p.chars().count(), "{p:?}");
            }
        }
    }
}
