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
    // One pass over the bytes: runs of ASCII letters and digits are skipped in a tight loop; other
    // characters are decoded one at a time.
    let bytes = sentence.as_bytes();
    let len = bytes.len();
    let mut count = 0;
    let mut in_word = false;
    let mut word_start = 0;
    // What the previous char was: an ASCII digit; one of `.` `!` `?` `…`.
    let (mut prev_digit, mut prev_final) = (false, false);
    let mut i = 0;
    while i < len {
        let b = bytes[i];
        let class = CLASS[usize::from(b)];
        if class == ALNUM {
            if !in_word {
                count += 1;
                in_word = true;
                word_start = i;
            }
            i += 1 + ascii_alnum_run(&bytes[i + 1..]);
            prev_digit = bytes[i - 1].is_ascii_digit();
            prev_final = false;
            continue;
        }
        if class == SPACE {
            in_word = false;
            (prev_digit, prev_final) = (false, false);
            i += 1;
            continue;
        }
        if b == 0xC3
            && bytes
                .get(i + 1)
                .is_some_and(|&n| n >= 0x80 && n != 0x97 && n != 0xB7)
        {
            // À..ÿ but × and ÷: letters.
            if !in_word {
                count += 1;
                in_word = true;
                word_start = i;
            }
            (prev_digit, prev_final) = (false, false);
            i += 2;
            continue;
        }
        let (c, width) = char_at(sentence, i);
        if b >= 0x80 && is_alnum(c) {
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
        prev_digit = false; // an ASCII digit took the fast path above
        prev_final = is_final_punct(c);
        i += width;
    }
    count
}

/// Byte classes of the fast paths of [`count_tokens`].
const ALNUM: u8 = 1; // ASCII letters and digits
const SPACE: u8 = 2; // ASCII whitespace (as `char::is_whitespace` says)
const OTHER: u8 = 0; // everything else

static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z' => ALNUM,
            b' ' | b'\t'..=b'\r' => SPACE,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// The number of ASCII letters and digits at the start of `bytes`, eight bytes at a time.
#[inline]
fn ascii_alnum_run(bytes: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const fn splat(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }
    // For a byte b < 0x80, b + (0x80 - lo) has its high bit set iff b >= lo; no carry crosses bytes.
    let in_range = |x: u64, lo: u8, hi: u8| (x + splat(0x80 - lo)) & !(x + splat(0x80 - hi - 1));
    let mut n = 0;
    while let Some(chunk) = bytes.get(n..n + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let low7 = x & !HIGH;
        let letter = in_range(low7 | splat(0x20), b'a', b'z');
        let digit = in_range(low7, b'0', b'9');
        let alnum = (letter | digit) & !x & HIGH;
        if alnum != HIGH {
            return n + ((!alnum & HIGH).trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + bytes[n..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count()
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
        return ELIDED.iter().any(|e| e.eq_ignore_ascii_case(word));
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
    use super::{ascii_alnum_run, count_tokens, is_alnum, reference};

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

    #[test]
    fn ascii_alnum_runs() {
        for b in 0..=255u8 {
            for at in 0..10 {
                let mut s = *b"aZ09zA9bcdefgh";
                s[at] = b;
                let want = s.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                assert_eq!(ascii_alnum_run(&s), want, "{b} at {at}");
            }
        }
        assert_eq!(ascii_alnum_run(b""), 0);
    }
}
