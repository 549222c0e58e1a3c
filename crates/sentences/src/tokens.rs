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
    // Eight bytes at a time: the leading bytes that are ASCII letters, digits or whitespace, or
    // Latin-1 letters (most of French prose), are classified by a table and counted with bit
    // operations; the character that stops them (punctuation, apostrophes, other scripts) is
    // decoded and handled on its own.
    let bytes = sentence.as_bytes();
    let len = bytes.len();
    let mut count = 0;
    let mut in_word = false;
    let mut word_start = 0;
    // What the previous char was: an ASCII digit; one of `.` `!` `?` `…`.
    let (mut prev_digit, mut prev_final) = (false, false);
    let mut i = 0;
    while i < len {
        let classes = classes_at(bytes, i);
        let n = plain_len(classes);
        if n > 0 {
            let word = classes << 1 & HIGH >> (64 - 8 * n);
            let starts = word & !(word << 8 | u64::from(in_word) << 7);
            count += ((starts >> 7).wrapping_mul(LSB) >> 56) as usize;
            if starts != 0 {
                word_start = i + (63 - starts.leading_zeros() as usize) / 8;
            }
            let last = 8 * n - 8;
            in_word = classes >> last & u64::from(WORD) != 0;
            prev_digit = classes >> last & u64::from(DIGIT) != 0;
            prev_final = false;
            i += n;
            if n == 8 || i >= len {
                continue;
            }
        }
        // One character that is neither ASCII alphanumeric, ASCII whitespace nor a Latin-1 letter
        // (or a Latin-1 letter cut by the end of the block).
        let (c, width) = char_at(sentence, i);
        if is_alnum(c) {
            if !in_word {
                count += 1;
                in_word = true;
                word_start = i;
            }
        } else if c.is_whitespace() {
            in_word = false;
        } else {
            let next = if i + width < len {
                Some(char_at(sentence, i + width).0)
            } else {
                None
            };
            let joined = in_word && is_word_joiner(c) && next.is_some_and(is_alnum);
            if joined {
                let digits = prev_digit && next.is_some_and(|n| n.is_ascii_digit());
                match c {
                    '\'' | '’' if is_elision(&sentence[word_start..i]) => in_word = false,
                    '.' | ',' if !digits => {
                        count += 1;
                        in_word = false;
                    }
                    _ => {}
                }
            } else {
                if !(is_final_punct(c) && prev_final) {
                    count += 1;
                }
                in_word = false;
            }
        }
        prev_digit = c.is_ascii_digit();
        prev_final = is_final_punct(c);
        i += width;
    }
    count
}

const LSB: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bits of [`CLASS`]. Plain: ASCII letters, digits and whitespace, 0xC3 and continuation bytes but
/// 0x97 and 0xB7. From a char boundary of valid UTF-8, a continuation byte among plain bytes
/// follows a 0xC3 (the other lead bytes are not plain): `À`..`ÿ`, all letters but `×` (0xC3 0x97)
/// and `÷` (0xC3 0xB7), whose second byte is not plain.
const PLAIN: u8 = 0x80;
/// Letters and digits, both bytes of a Latin-1 letter.
const WORD: u8 = 0x40;
/// ASCII digits.
const DIGIT: u8 = 0x20;
/// 0xC3.
const LEAD: u8 = 0x10;

static CLASS: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'0'..=b'9' => PLAIN | WORD | DIGIT,
            b'A'..=b'Z' | b'a'..=b'z' => PLAIN | WORD,
            b' ' | b'\t'..=b'\r' => PLAIN,
            0xC3 => PLAIN | WORD | LEAD,
            0x97 | 0xB7 => 0,
            0x80..=0xBF => PLAIN | WORD,
            _ => 0,
        };
        b += 1;
    }
    t
};

/// How many leading bytes of a block of [`classes_at`] are plain, whole chars only (a 0xC3 whose
/// second byte is not plain is left out).
#[inline(always)]
fn plain_len(classes: u64) -> usize {
    let n = ((!classes & HIGH).trailing_zeros() / 8) as usize;
    if n > 0 && classes >> (8 * n - 8) & u64::from(LEAD) != 0 {
        n - 1
    } else {
        n
    }
}

/// The classes of `bytes[i..i + 8]`, one a byte (little-endian); 0 (not plain) past the end.
#[inline(always)]
fn classes_at(bytes: &[u8], i: usize) -> u64 {
    let class = |b: u8| u64::from(CLASS[usize::from(b)]);
    match bytes.get(i..i + 8) {
        Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) => {
            class(b0)
                | class(b1) << 8
                | class(b2) << 16
                | class(b3) << 24
                | class(b4) << 32
                | class(b5) << 40
                | class(b6) << 48
                | class(b7) << 56
        }
        _ => bytes[i..]
            .iter()
            .take(8)
            .enumerate()
            .fold(0, |v, (k, &b)| v | class(b) << (8 * k)),
    }
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

fn is_elision(word: &str) -> bool {
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

    fn is_elision(word: &str) -> bool {
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
    use super::{classes_at, count_tokens, is_alnum, plain_len, reference, DIGIT, WORD};

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

    /// `plain_len` and the bits of `classes_at` against a char-by-char model, for every char up to
    /// U+3000 at every offset of the block, between plain bytes and not.
    #[test]
    fn blocks() {
        let model = |s: &str, i: usize| {
            let (mut plain, mut word, mut digit) = (0, 0u64, 0u64);
            for (k, c) in s[i..].char_indices() {
                let w = c.len_utf8();
                let is_word =
                    c.is_ascii_alphanumeric() || ('À'..='ÿ').contains(&c) && !"×÷".contains(c);
                if k + w > 8 || !(is_word || matches!(c, ' ' | '\t'..='\r')) {
                    break;
                }
                for b in k..k + w {
                    word |= u64::from(is_word) << (8 * b);
                    digit |= u64::from(c.is_ascii_digit()) << (8 * b);
                }
                plain = k + w;
            }
            (plain, word, digit)
        };
        for c in ('\0'..='\u{3000}').chain(['😀']) {
            for pad in ["", "a", "é", " Z9", "\t\n\r\u{b}\u{c}ü", "9999999", "ÿééé"] {
                for tail in ["", "x", "é", "éééé", "\u{0}"] {
                    let s = format!("{pad}{c}{tail}{pad}");
                    for i in (0..s.len()).filter(|&i| s.is_char_boundary(i)) {
                        let classes = classes_at(s.as_bytes(), i);
                        let n = plain_len(classes);
                        let bits = |class: u8| {
                            (0..n).fold(0, |m, k| {
                                m | u64::from(classes >> (8 * k) & u64::from(class) != 0) << (8 * k)
                            })
                        };
                        assert_eq!((n, bits(WORD), bits(DIGIT)), model(&s, i), "{s:?} at {i}");
                    }
                }
            }
        }
    }
}
