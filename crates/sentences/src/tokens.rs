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
            let joined = in_word && is_word_joiner(c) && next.is_some_and(char::is_alphanumeric);
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

/// The char starting at byte `i` (a char boundary) and its width; ASCII without decoding.
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
    word.len() <= 6
        && ELIDED
            .iter()
            .any(|e| word.chars().flat_map(char::to_lowercase).eq(e.chars()))
}

#[cfg(test)]
mod tests {
    use super::count_tokens;

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
}
