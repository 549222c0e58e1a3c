//! Low-level text scanning: word tokens of a sentence, URL/e-mail spans, word boundaries.

/// French elision prefixes (lowercased, without the apostrophe): `l'Otan` → `l'` + `Otan`.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
];

/// One word token of a sentence. Offsets are absolute byte offsets into the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    /// An elision prefix with its apostrophe (`l'`, `d’`, `L'`).
    pub elision: bool,
    /// Starts with an uppercase letter (or `al-`/`el-`/`ben-` + uppercase: `al-Assad`).
    pub cap: bool,
    /// Has at least two letters and no lowercase letter (`OTAN`, `G7` has one letter so is not).
    pub upper: bool,
    /// Only whitespace (or nothing, after an elision) separates it from the previous token.
    pub joined: bool,
    /// The gap before it holds something that restarts a sentence (`:`, `«`, `"`, `(`, a dash),
    /// or it is the first token of the sentence.
    pub initial: bool,
}

impl Token {
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Splits `sent` (which starts at byte `base` of the text) into word tokens.
pub(crate) fn tokenize(sent: &str, base: usize, out: &mut Vec<Token>) {
    out.clear();
    let mut chars = sent.char_indices().peekable();
    let mut prev_end = 0usize;
    let mut prev_elision = false;
    let mut first = true;
    while let Some((i, c)) = chars.next() {
        if !c.is_alphanumeric() {
            continue;
        }
        // Scan one token starting at i.
        let start = i;
        let mut end = i + c.len_utf8();
        let mut seg_len = 1usize; // chars in the current segment (since start, '-' or '.')
        let mut seg_upper = c.is_uppercase();
        let mut elision = false;
        while let Some(&(j, d)) = chars.peek() {
            if d.is_alphanumeric() {
                chars.next();
                end = j + d.len_utf8();
                seg_len += 1;
                seg_upper = d.is_uppercase();
                continue;
            }
            let next_alnum = sent
                .get(j + d.len_utf8()..)
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_alphanumeric);
            if d == '-' && next_alnum {
                chars.next();
                seg_len = 0;
                continue;
            }
            if is_apostrophe(d) && next_alnum {
                let word = &sent[start..end];
                if ELISIONS.iter().any(|e| e.eq_ignore_ascii_case(word)) {
                    chars.next();
                    end = j + d.len_utf8();
                    elision = true;
                    break;
                }
                chars.next();
                seg_len = 0;
                continue;
            }
            if d == '.' && seg_len == 1 && seg_upper {
                // An initial: `J.`, `W.`, `J.-P.`, `M.`
                chars.next();
                end = j + 1;
                seg_len = 0;
                if next_alnum || sent.get(j + 1..).is_some_and(|r| r.starts_with('-')) {
                    continue;
                }
                break;
            }
            break;
        }
        let gap = sent.get(prev_end..start).unwrap_or("");
        let joined =
            !first && (gap.chars().all(char::is_whitespace) && (!gap.is_empty() || prev_elision));
        let initial = first
            || gap
                .chars()
                .any(|g| matches!(g, ':' | '«' | '"' | '“' | '(' | '—' | '–' | '•' | '?' | '!'));
        let word = &sent[start..end];
        let cap = c.is_uppercase() || particle_prefixed(word);
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let upper = letters >= 2 && !word.chars().any(char::is_lowercase);
        out.push(Token {
            start: base + start,
            end: base + end,
            elision,
            cap: cap && !elision,
            upper,
            joined,
            initial,
        });
        prev_end = end;
        prev_elision = elision;
        first = false;
    }
}

/// `al-Assad`, `el-Sissi`, `ben-Gourion`: a lowercase Arabic/Hebrew particle glued to a capitalised name.
fn particle_prefixed(word: &str) -> bool {
    for p in ["al-", "el-", "ben-", "bin-", "ibn-"] {
        if let Some(rest) = word.strip_prefix(p) {
            return rest.chars().next().is_some_and(char::is_uppercase);
        }
    }
    false
}

/// Byte spans of URL-like and e-mail-like chunks of `text` (whitespace-delimited chunks containing
/// `://`, starting with `www.`, or holding an `@` followed later by a `.`), sorted and disjoint.
pub(crate) fn url_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Only chunks holding '/' '@' or "www." can be URLs or e-mails; find the next candidate byte.
        let Some(rel) = bytes[i..]
            .iter()
            .position(|&b| b == b'/' || b == b'@' || b == b'.')
        else {
            break;
        };
        let hit = i + rel;
        // `i` is 0 or just after a whitespace byte, so the backward scan stays within this chunk.
        let start = bytes[i..hit]
            .iter()
            .rposition(|b| b.is_ascii_whitespace())
            .map_or(i, |p| i + p + 1);
        let end = bytes[hit..]
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .map_or(bytes.len(), |p| hit + p);
        let chunk = &bytes[start..end];
        let is_url = contains(chunk, b"://") || starts_with_ci(chunk, b"www.") || {
            chunk
                .iter()
                .position(|&b| b == b'@')
                .is_some_and(|at| at > 0 && chunk[at + 1..].contains(&b'.'))
        };
        if is_url {
            spans.push((start, end));
        }
        i = end + 1;
    }
    spans
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn starts_with_ci(hay: &[u8], prefix: &[u8]) -> bool {
    hay.len() >= prefix.len() && hay[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// True if `[start, end)` overlaps one of the sorted disjoint `spans`.
pub(crate) fn overlaps(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let i = spans.partition_point(|&(_, e)| e <= start);
    spans.get(i).is_some_and(|&(s, _)| s < end)
}

/// True if `[start, end)` of `text` does not cut a word: the characters around it are not alphanumeric.
pub(crate) fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|t| t.chars().next_back());
    let after = text.get(end..).and_then(|t| t.chars().next());
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        let mut t = Vec::new();
        tokenize(s, 0, &mut t);
        t.iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn tokens_split_elision_keep_hyphens_and_initials() {
        assert_eq!(
            words("l'Otan et d’Ukraine"),
            ["l'", "Otan", "et", "d’", "Ukraine"]
        );
        assert_eq!(
            words("Aujourd'hui, Jean-Yves Le Drian."),
            ["Aujourd'hui", "Jean-Yves", "Le", "Drian"]
        );
        assert_eq!(
            words("par J.-P. Bruneau et George W. Bush"),
            ["par", "J.-P.", "Bruneau", "et", "George", "W.", "Bush"]
        );
        assert_eq!(words("M. Stoltenberg"), ["M.", "Stoltenberg"]);
        assert_eq!(words("aux USA. Puis"), ["aux", "USA", "Puis"]);
        assert_eq!(words(""), Vec::<&str>::new());
    }

    #[test]
    fn token_flags() {
        let s = "Les chefs : « Moscou » et l'OTAN, Bachar al-Assad";
        let mut t = Vec::new();
        tokenize(s, 10, &mut t);
        assert!(t[0].initial && t[0].cap && !t[0].joined);
        assert!(!t[1].initial && t[1].joined);
        assert!(
            t[2].initial && !t[2].joined,
            "Moscou after a quote restarts"
        );
        assert!(t[4].elision && !t[4].cap);
        assert!(t[5].joined && t[5].upper && t[5].cap);
        assert!(t[7].cap, "al-Assad counts as capitalised");
        assert_eq!(t[0].start, 10);
    }

    #[test]
    fn urls_and_emails() {
        let s = "voir https://www.otan.int/Otan ou www.Moscou.ru, écrire à presse@Otan.org. Otan";
        let spans = url_spans(s);
        assert_eq!(spans.len(), 3, "{spans:?}");
        let last = s.rfind("Otan").unwrap();
        assert!(!overlaps(&spans, last, last + 4));
        let first = s.find("Otan").unwrap();
        assert!(overlaps(&spans, first, first + 4));
        assert!(url_spans("fin. Début / milieu").is_empty());
    }

    #[test]
    fn boundaries() {
        let s = "Somalie et Mali, l'Otan";
        assert!(!on_word_boundaries(s, 2, 6));
        assert!(on_word_boundaries(s, 11, 15));
        assert!(on_word_boundaries(s, 19, 23));
    }
}
