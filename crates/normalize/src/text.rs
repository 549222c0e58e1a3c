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

/// What one pass over a unit tells: its length in code points, its number of words, and its
/// line key (see [`line_key`]) when the key is at most `max_key` bytes long (the key length does
/// not change when the unit is cleaned, so the cut-off is stable).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Scan {
    pub(crate) chars: usize,
    pub(crate) words: usize,
    pub(crate) key_fits: bool,
}

/// One pass over `s` computing a [`Scan`]; writes the key into `key` when it fits.
pub(crate) fn scan(s: &str, max_key: usize, key: &mut String) -> Scan {
    key.clear();
    let mut out = Scan {
        key_fits: true,
        ..Scan::default()
    };
    let mut in_word = false;
    let mut pending_space = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let c = if b < 0x80 {
            i += 1;
            b as char
        } else {
            // Decode one non-ASCII char; `s` is valid UTF-8 and `i` is on a boundary.
            let ch = s[i..].chars().next().unwrap_or('\u{FFFD}');
            i += ch.len_utf8();
            ch
        };
        out.chars += 1;
        if c.is_whitespace() {
            in_word = false;
            pending_space = true;
            continue;
        }
        if !in_word {
            out.words += 1;
            in_word = true;
        }
        if !out.key_fits || is_invisible(c) {
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
    out
}

/// Writes the repeat key of a paragraph into `out` (cleared first): its letters and digits,
/// lowercase, nothing else. Two paragraphs that differ only in whitespace and punctuation have
/// the same repeat key.
pub(crate) fn repeat_key(s: &str, out: &mut String) {
    out.clear();
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
}

/// Appends `s` to `out` trimmed, with every run of blanks collapsed to one character:
/// a no-break space (U+00A0) before `: ; ! ? »`, after `«`, or where the run held only
/// no-break spaces; a plain space otherwise.
pub(crate) fn push_normalized(s: &str, out: &mut String) {
    let s = s.trim();
    let mut seg = 0; // start of the pending non-blank segment
    let mut run: Option<(usize, bool)> = None; // (start, only no-break spaces) of a blank run
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            match &mut run {
                Some((_, all_nb)) => *all_nb &= is_no_break_space(c),
                None => {
                    out.push_str(&s[seg..i]);
                    run = Some((i, is_no_break_space(c)));
                }
            }
            continue;
        }
        if let Some((_, all_nb)) = run.take() {
            let nb = takes_space_before(c) || prev == Some('«') || all_nb;
            out.push(if nb { NBSP } else { ' ' });
            seg = i;
        }
        prev = Some(c);
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
pub(crate) fn glue_points(line: &str, out: &mut Vec<usize>) {
    out.clear();
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(rel) = memchr_punct(&bytes[from..]) {
        let i = from + rel; // byte index of the ASCII punctuation
        from = i + 1;
        let lo = out.last().copied().unwrap_or(0);
        if let Some(split) = glue_at(line, lo, i) {
            if split > 0 && split < line.len() && out.last().map_or(true, |&l| l < split) {
                out.push(split);
            }
        }
    }
}

fn memchr_punct(b: &[u8]) -> Option<usize> {
    memchr::memchr3(b'.', b'!', b'?', b)
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

/// Splits `text` into units, the pieces that rules, learning and repeat detection look at: its
/// lines (split on `\n`), cut again at glued-paragraph points, each trimmed of blanks. Blank
/// pieces are skipped. Calls `f(start, end)` with byte offsets into `text`, in order.
pub(crate) fn for_each_unit(text: &str, glue: &mut Vec<usize>, mut f: impl FnMut(usize, usize)) {
    let mut line_start = 0;
    for line in text.split('\n') {
        // (`str::split` on a char uses memchr.)
        let base = line_start;
        line_start += line.len() + 1;
        if line.trim().is_empty() {
            continue;
        }
        glue_points(line, glue);
        let mut from = 0;
        for &cut in glue.iter().chain(std::iter::once(&line.len())) {
            let piece = &line[from..cut];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            if !trimmed.is_empty() {
                let s = base + from + lead;
                f(s, s + trimmed.len());
            }
            from = cut;
        }
    }
}

/// Number of blank-separated words in `s`.
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// True if the line ends like a sentence (`.`, `!`, `?`, a closing quote...), but not like a
/// truncated teaser (`... `, `…` after a space).
pub(crate) fn ends_like_sentence(s: &str) -> bool {
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
pub(crate) fn char_len(s: &str) -> usize {
    // Count the bytes that start a character.
    s.as_bytes().iter().filter(|&&b| (b as i8) >= -0x40).count()
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
            assert_eq!(sc.chars, char_len(s));
            assert_eq!(sc.words, word_count(s));
        }
        let mut k = String::new();
        assert!(!scan("abcdef", 3, &mut k).key_fits);
        assert!(k.is_empty());
    }

    #[test]
    fn char_len_counts_code_points() {
        assert_eq!(char_len("é«a»"), 4);
        assert_eq!(char_len(""), 0);
    }
}
