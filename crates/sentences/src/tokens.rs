//! A cheap, French-aware token count.

/// Counts the tokens of a sentence: words, numbers and punctuation marks.
///
/// The rule, chosen to be close to what spaCy or a UD treebank counts for French news while staying a
/// single pass with no allocation:
/// - a word is a run of letters and digits, kept whole across internal hyphens (`a-t-il`,
///   `Jean-Stéphane`) and internal apostrophes (`aujourd'hui`, `O'Brien`), except after a French elided
///   word, which is a token of its own: `l'Otan`, `qu'il`, `jusqu'à` count 2 (elided words: c, ç, d, j,
///   l, m, n, s, t, qu, jusqu, lorsqu, puisqu, quoiqu, any case, with `'` or `’`);
/// - `.` and `,` between two digits stay inside the number (`1.5`, `3,5`, `12.01.2022` count 1);
/// - every other character that is not whitespace is a token, except that a run of `.`, `!`, `?`, `…`
///   counts once (`...`, `?!`);
/// - so `M.` counts 2 and a URL counts several tokens.
///
/// ```
/// use toolkit_sentences::count_tokens;
/// assert_eq!(count_tokens("L'Otan a-t-il réagi ?"), 5);
/// assert_eq!(count_tokens("Il gagne 3,5 % aujourd'hui..."), 6);
/// ```
pub fn count_tokens(sentence: &str) -> usize {
    // A window of up to 64 bytes at a time: a table gives a mask of the bytes of words (ASCII
    // letters and digits, Latin-1 letters) and a mask of the bytes that need a closer look
    // (punctuation, apostrophes, other scripts); the words of each run of bytes between two of those
    // are counted with bit operations, and the character that ends the run is decoded and handled
    // on its own.
    let bytes = sentence.as_bytes();
    let len = bytes.len();
    let mut count = 0;
    let mut in_word = false;
    let mut word_start = 0;
    // `i`: a char boundary, the start of the window.
    let mut i = 0;
    while i < len {
        let (word, special, end) = window(bytes, i);
        // Bit `k`: byte `i + k`; the bytes past the window stop the search too.
        let stops = special | u64::MAX.checked_shl(end as u32).unwrap_or(0);
        // `off`: a char boundary in the window, where the next run starts.
        let mut off = 0;
        // The word starts of the runs so far, counted once at the end of the window.
        let mut all_starts = 0u64;
        loop {
            let mut p = (stops & (u64::MAX << off)).trailing_zeros() as usize;
            // `×` and `÷`: their second byte (0x97, 0xB7) is special, their first (0xC3) a word
            // byte. A stop on a continuation byte is one of them (`off` is a char boundary, and the
            // continuation bytes of other chars are passed over with their special first byte).
            if p < end && (bytes[i + p] as i8) < -0x40 {
                p -= 1;
            }
            if p > off {
                // The run `off..p`: whole chars that are word bytes or ASCII whitespace.
                // (`1 <= p <= 64`.)
                let run = word & (u64::MAX << off) & (u64::MAX >> (64 - p));
                let before = (word << 1 & !(1 << off)) | u64::from(in_word) << off;
                let starts = run & !before;
                all_starts |= starts;
                if starts != 0 {
                    word_start = i + (63 - starts.leading_zeros() as usize);
                }
                in_word = word >> (p - 1) & 1 != 0;
            }
            if p >= end {
                off = end;
                break;
            }
            // One character that is neither ASCII alphanumeric, ASCII whitespace nor a Latin-1
            // letter.
            let at = i + p;
            let (c, width) = char_at(sentence, at);
            // An ASCII char that stops a run is a special byte of `CLASS`: punctuation, a symbol
            // or a control char, never alphanumeric nor whitespace, so it skips both tests.
            let ascii = c.is_ascii();
            if !ascii && is_alnum(c) {
                if !in_word {
                    count += 1;
                    in_word = true;
                    word_start = at;
                }
            } else if !ascii && c.is_whitespace() {
                in_word = false;
            } else {
                let next = if at + width < len {
                    Some(char_at(sentence, at + width).0)
                } else {
                    None
                };
                let joined = in_word && is_word_joiner(c) && next.is_some_and(is_alnum);
                if joined {
                    // The char before is an ASCII digit.
                    let prev_digit = at > 0 && bytes[at - 1].is_ascii_digit();
                    let digits = prev_digit && next.is_some_and(|n| n.is_ascii_digit());
                    match c {
                        '\'' | '’' if is_elision(&sentence[word_start..at]) => in_word = false,
                        '.' | ',' if !digits => {
                            count += 1;
                            in_word = false;
                        }
                        _ => {}
                    }
                } else {
                    if !(is_final_punct(c) && ends_with_final_punct(&bytes[..at])) {
                        count += 1;
                    }
                    in_word = false;
                }
            }
            off = p + width;
            if off >= end {
                break;
            }
        }
        count += all_starts.count_ones() as usize;
        i += off;
    }
    count
}

/// Bit of [`CLASS`] for the bytes of letters and digits: ASCII, 0xC3 and the continuation bytes but 0x97 and 0xB7. From a char
/// boundary of valid UTF-8, a continuation byte after word bytes follows a 0xC3 (the other lead
/// bytes are special): `À`..`ÿ`, all letters but `×` (0xC3 0x97) and `÷` (0xC3 0xB7), whose second
/// byte is special.
const WORD: u64 = 1;
/// Bit of [`CLASS`] for the other bytes but ASCII whitespace.
const SPECIAL: u64 = 1 << 32;

/// The class of each byte: [`WORD`], [`SPECIAL`] or neither (ASCII whitespace), in bits 0 and 32:
/// the source of [`SHIFTED_CLASS`], which `window` reads, and of the tests' byte-by-byte model.
static CLASS: [u64; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' | 0xC3 => WORD,
            b' ' | b'\t'..=b'\r' => 0,
            0x97 | 0xB7 => SPECIAL,
            0x80..=0xBF => WORD,
            _ => SPECIAL,
        };
        b += 1;
    }
    t
};

/// [`CLASS`] shifted left by `k`, for `k` in `0..8`: the class of byte `k` of a group of 8 bytes in
/// place in the group's masks, so that a full window costs a load and an `or` a byte (and a shift
/// a group) instead of a load, a shift and an `or` a byte.
static SHIFTED_CLASS: [[u64; 256]; 8] = {
    let mut t = [[0; 256]; 8];
    let mut k = 0;
    while k < 8 {
        let mut b = 0;
        while b < 256 {
            t[k][b] = CLASS[b] << k;
            b += 1;
        }
        k += 1;
    }
    t
};

/// The window of `bytes` from `i` (a char boundary): its word bytes and special bytes (see
/// [`CLASS`]), bit `k` for byte `i + k`, and its length, at most 64 and never ending inside a
/// Latin-1 letter (a window that would end with 0xC3 ends before it).
#[inline(always)]
fn window(bytes: &[u8], i: usize) -> (u64, u64, usize) {
    // Groups of 8 bytes, each read through `SHIFTED_CLASS` (bits `0..8` and `32..40`), then
    // shifted in place: 32 bytes in one `u64` (word bits `0..32`, special bits `32..64`), two of
    // which make the window's masks.
    let group = |group: &[u8]| {
        SHIFTED_CLASS
            .iter()
            .zip(group)
            .fold(0, |v, (shifted, &b)| v | shifted[usize::from(b)])
    };
    // 32 bytes: word bits `0..32`, special bits `32..64`.
    let half = |half: &[u8; 32]| {
        half.chunks_exact(8)
            .enumerate()
            .fold(0, |v, (g, bytes)| v | group(bytes) << (8 * g))
    };
    let rest = &bytes[i..];
    // A short window (the end of the sentence) is read from a copy padded with spaces, whose
    // class is neither word nor special: the same masks as its bytes alone, and one loop for
    // both (cheaper than a loop over the short window's groups, the last one shorter); its
    // second half is not read when the window has no byte there.
    let padded: [u8; 64];
    let (block, end) = match rest.first_chunk::<64>() {
        Some(block) => {
            let end = if block[63] == 0xC3 && rest.len() > 64 {
                63
            } else {
                64
            };
            (block, end)
        }
        None => {
            let mut copy = [b' '; 64];
            copy[..rest.len()].copy_from_slice(rest);
            padded = copy;
            (&padded, rest.len())
        }
    };
    let (first, second) = block.split_at(32);
    let lo = half(first.try_into().unwrap_or(&[0; 32]));
    let hi = if end > 32 {
        half(second.try_into().unwrap_or(&[0; 32]))
    } else {
        0
    };
    let word = lo & 0xFFFF_FFFF | hi << 32;
    let special = lo >> 32 | hi & !0xFFFF_FFFF;
    (word, special, end)
}

/// Whether `bytes` ends with one of `.` `!` `?` `…`.
fn ends_with_final_punct(bytes: &[u8]) -> bool {
    matches!(bytes.last(), Some(b'.' | b'!' | b'?')) || bytes.ends_with("…".as_bytes())
}

/// `char::is_alphanumeric` with fast answers for the characters of French text: ASCII, Latin-1 and
/// Latin Extended-A/B (letters but `×` and `÷`), general punctuation (`’`, `«`, `—`, spaces: none).
#[inline]
fn is_alnum(c: char) -> bool {
    match c {
        '\0'..='\u{7f}' => c.is_ascii_alphanumeric(),
        '\u{80}'..='\u{bf}' => matches!(c, 'ª' | '²' | '³' | 'µ' | '¹' | 'º' | '¼' | '½' | '¾'),
        '\u{c0}'..='\u{24f}' => c != '×' && c != '÷',
        '\u{2000}'..='\u{206f}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// The char starting at byte `i` (a char boundary) and its width; ASCII without decoding.
#[inline]
fn char_at(s: &str, i: usize) -> (char, usize) {
    match s.as_bytes()[i] {
        b if b.is_ascii() => (b as char, 1),
        _ => s[i..]
            .chars()
            .next()
            .map_or((' ', 1), |c| (c, c.len_utf8())),
    }
}

fn is_word_joiner(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\'' | '’' | '.' | ',')
}

fn is_final_punct(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Whether `word` is an elided word (`l`, `qu`, …, any case). Most are one letter (`l'`, `d'`):
/// answered inline, since `b | 0x20` is a lowercase ASCII letter only for that letter's two cases.
#[inline]
fn is_elision(word: &str) -> bool {
    match *word.as_bytes() {
        [b] => matches!(
            b | 0x20,
            b'c' | b'd' | b'j' | b'l' | b'm' | b'n' | b's' | b't'
        ),
        _ => is_longer_elision(word),
    }
}

/// [`is_elision`] for words other than a single byte.
fn is_longer_elision(word: &str) -> bool {
    const ELIDED: [&str; 14] = [
        "c", "ç", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
    ];
    if word.len() > 6 {
        return false;
    }
    if word.is_ascii() {
        let mut lower = [0u8; 6];
        lower[..word.len()].copy_from_slice(word.as_bytes());
        lower.make_ascii_lowercase();
        return matches!(
            &lower[..word.len()],
            b"c" | b"d"
                | b"j"
                | b"l"
                | b"m"
                | b"n"
                | b"s"
                | b"t"
                | b"qu"
                | b"jusqu"
                | b"lorsqu"
                | b"puisqu"
                | b"quoiqu"
        );
    }
    ELIDED
        .iter()
        .any(|e| word.chars().flat_map(char::to_lowercase).eq(e.chars()))
}

/// The first version (one decoded char at a time), kept as the model the fast one must agree with.
#[cfg(test)]
mod reference {
    use super::{char_at, is_final_punct, is_word_joiner};

    pub(super) fn is_elision(word: &str) -> bool {
        const ELIDED: [&str; 14] = [
            "c", "ç", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu",
            "quoiqu",
        ];
        word.len() <= 6
            && ELIDED
                .iter()
                .any(|e| word.chars().flat_map(char::to_lowercase).eq(e.chars()))
    }

    pub(super) fn count_tokens(sentence: &str) -> usize {
        let bytes = sentence.as_bytes();
        let mut count = 0;
        let mut in_word = false;
        let mut word_start = 0;
        let mut prev = ' ';
        let mut i = 0;
        while i < bytes.len() {
            let (c, width) = char_at(sentence, i);
            if c.is_alphanumeric() {
                if !in_word {
                    count += 1;
                    in_word = true;
                    word_start = i;
                }
            } else if c.is_whitespace() {
                in_word = false;
            } else {
                let next = if i + width < bytes.len() {
                    Some(char_at(sentence, i + width).0)
                } else {
                    None
                };
                let joined =
                    in_word && is_word_joiner(c) && next.is_some_and(char::is_alphanumeric);
                if joined {
                    let digits = prev.is_ascii_digit() && next.is_some_and(|n| n.is_ascii_digit());
                    match c {
                        '\'' | '’' if is_elision(&sentence[word_start..i]) => in_word = false,
                        '.' | ',' if !digits => {
                            count += 1;
                            in_word = false;
                        }
                        _ => {}
                    }
                } else {
                    if !(is_final_punct(c) && is_final_punct(prev)) {
                        count += 1;
                    }
                    in_word = false;
                }
            }
            prev = c;
            i += width;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::{count_tokens, is_alnum, reference, window, CLASS};

    #[test]
    fn french_words() {
        assert_eq!(count_tokens("l'Otan"), 2);
        assert_eq!(count_tokens("L’Otan"), 2);
        assert_eq!(count_tokens("jusqu'à aujourd'hui"), 3);
        assert_eq!(count_tokens("a-t-il dit"), 2);
        assert_eq!(count_tokens("Jean-Stéphane Brosse"), 2);
        assert_eq!(count_tokens("presqu'île"), 1);
    }

    #[test]
    fn numbers_and_punctuation() {
        assert_eq!(count_tokens("1.5 3,5 12.01.2022"), 3);
        assert_eq!(count_tokens("M. Dupont."), 4);
        assert_eq!(count_tokens("« Oui ! »"), 4);
        assert_eq!(count_tokens("Quoi ?! Non..."), 4);
        assert_eq!(count_tokens("fin.Le"), 3);
        assert_eq!(count_tokens("1, 2"), 3);
    }

    #[test]
    fn empty_and_odd_input() {
        assert_eq!(count_tokens(""), 0);
        assert_eq!(count_tokens("   \n\t"), 0);
        assert_eq!(count_tokens("'-'"), 3);
        assert_eq!(count_tokens("l'"), 2);
        assert_eq!(count_tokens("😀😀"), 2);
    }

    /// Every word of one or two chars of a set around the elided words, and every case of the
    /// longer ones, against the reference.
    #[test]
    fn elisions_like_the_reference() {
        let chars: Vec<char> = ('\0'..='\u{ff}')
            .chain(['\u{212a}', 'İ', 'ſ', '’'])
            .collect();
        let mut words: Vec<String> = chars.iter().map(char::to_string).collect();
        for &a in &chars {
            for b in ['u', 'U', 'ç', 'x', '\''] {
                words.push(format!("{a}{b}"));
            }
        }
        for word in ["jusqu", "lorsqu", "puisqu", "quoiqu", "jusqua", "lorsq"] {
            for mask in 0..1u32 << word.len() {
                let cased: String = word
                    .chars()
                    .enumerate()
                    .map(|(k, c)| {
                        if mask >> k & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            c
                        }
                    })
                    .collect();
                words.push(cased);
            }
        }
        for word in &words {
            assert_eq!(
                super::is_elision(word),
                reference::is_elision(word),
                "{word:?}"
            );
        }
    }

    #[test]
    fn is_alnum_agrees_with_std() {
        for c in ('\0'..='\u{3000}').chain(['😀', '\u{e000}']) {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// The byte-level count equals the char-by-char reference on any mix of French-text pieces.
        #[test]
        fn same_count_as_the_reference(parts in proptest::collection::vec(proptest::sample::select(vec![
            "a", "Z", "é", "É", "ß", "Ω", "7", "0", "²", "ª", "×", "\u{301}", "😀", "٣", " ", "\n", "\u{a0}",
            "\u{202f}", "\u{b}", "'", "’", "-", "\u{2010}", "\u{2011}", ".", ",", "!", "?", "…", "«", "»",
            "(", "%", "l'", "L’", "qu'", "jusqu’", "Ç'", "aujourd'hui", "1.5", "3,5", "a-t-il", "M.",
            "...", "?!", "www.afp.com", "\u{212a}", "Ç", "ç'", "QU’", "İ", "÷", "\t",
        ]), 0..24)) {
            let s: String = parts.concat();
            proptest::prop_assert_eq!(count_tokens(&s), reference::count_tokens(&s), "{:?}", s);
        }
    }

    /// The classes of a window byte by byte: one [`CLASS`] load and two shifts and `or`s a
    /// byte, up to 64 bytes.
    fn window_model(bytes: &[u8], i: usize) -> (u64, u64, usize) {
        let rest = &bytes[i..];
        let len = rest.len().min(64);
        let (word, special) =
            rest[..len]
                .iter()
                .enumerate()
                .fold((0, 0), |(word, special), (k, &b)| {
                    let class = CLASS[usize::from(b)];
                    (
                        word | (class & 0xFFFF_FFFF) << k,
                        special | (class >> 32) << k,
                    )
                });
        let end = if len == 64 && rest[63] == 0xC3 && rest.len() > 64 {
            63
        } else {
            len
        };
        (word, special, end)
    }

    proptest::proptest! {
        /// [`window`] (groups of 8 bytes read through `SHIFTED_CLASS`) gives the masks of the
        /// model at every start, on any bytes (word, whitespace, special and 0xC3 bytes at every
        /// offset of a group and around the window's end).
        #[test]
        fn window_like_the_model(bytes in proptest::collection::vec(proptest::sample::select(vec![
            b'a', b'Z', b'0', b' ', b'\t', b'\n', b'.', b'\'', b',', b'-', 0xC3, 0xA9, 0x97, 0xB7, 0x80,
            0xE2, 0x1E, 0x7F, 0xFF,
        ]), 0..150)) {
            for i in 0..=bytes.len() {
                proptest::prop_assert_eq!(window(&bytes, i), window_model(&bytes, i), "{:?} at {}", bytes, i);
            }
        }
    }

    /// Every char up to U+3000 at every position around the middle (32 bytes) and the end (64
    /// bytes) of the first window,
    /// after word bytes, spaces, digits, an apostrophe or a Latin-1 letter that the window would
    /// cut, against the reference.
    #[test]
    fn windows() {
        let pads: Vec<String> = (24..=34)
            .chain(56..=66)
            .flat_map(|n| {
                [
                    "a".repeat(n),
                    format!("{} ", "9".repeat(n)),
                    format!("{}é", "x".repeat(n)),
                    format!("{}l'", "b".repeat(n)),
                    format!("{}1.", "\t".repeat(n)),
                ]
            })
            .collect();
        for c in ('\0'..='\u{3000}').chain(['😀']) {
            for pad in &pads {
                for tail in ["", "x", "é", "5", "…"] {
                    let s = format!("{pad}{c}{tail}");
                    assert_eq!(count_tokens(&s), reference::count_tokens(&s), "{s:?}");
                }
            }
        }
    }
}
