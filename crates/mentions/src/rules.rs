//! Names no gazetteer knows: capitalised word runs inside a sentence, typed from cues.

use crate::lexicon::{Cue, Lexicon};
use crate::scan::Token;
use crate::EntityType;

/// Lowercase name particles that may sit between two capitalised words of one name
/// (`Charles de Gaulle`, `Ursula von der Leyen`, `Mohammed ben Salmane`).
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "d’", "von", "van", "der", "den", "di", "da", "del", "della", "dos",
    "das", "do", "bin", "ben", "ibn", "al", "el", "y", "zu", "ter",
];
/// Second particle allowed after a first one (`de la`, `von der`, `van den`).
const SECOND_PARTICLES: &[&str] = &["la", "le", "l'", "l’", "der", "den", "de"];
/// Capitalised particles that continue a name although they are stopwords (`Jean-Yves Le Drian`).
const CAP_PARTICLES: &[&str] = &[
    "Le", "La", "De", "Du", "Des", "Van", "Von", "Di", "Da", "Del", "Mac", "Mc", "Al", "El", "Ben",
];
/// Lowercase street and venue words that belong to the place name after them (`rue Cadet`, `salle Jean-Mathieu`).
const STREET_WORDS: &[&str] = &[
    "rue",
    "avenue",
    "boulevard",
    "place",
    "quai",
    "impasse",
    "allée",
    "salle",
    "square",
    "cours",
];
/// Endings of French and European place names written as one hyphenated or plain word.
const LOC_SUFFIXES: &[&str] = &[
    "ville", "court", "bourg", "heim", "dorf", "stadt", "grad", "abad", "istan", "-sur-", "-lès-",
    "-les-", "-sous-", "-en-",
];

/// A capitalised run found by the rules, before coreference.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Run {
    pub start: usize,
    pub end: usize,
    pub entity_type: EntityType,
    pub confidence: f32,
    /// The run is one word at the start of a sentence without any cue: kept only if the same word
    /// appears capitalised inside a sentence elsewhere in the text, or links to a person.
    pub pending: bool,
    /// Number of capitalised words.
    pub words: usize,
}

/// Finds the capitalised runs among `tokens` (all of one sentence). Tokens with `blocked[i]` are
/// covered by a gazetteer match and break runs.
pub(crate) fn runs(
    text: &str,
    tokens: &[Token],
    blocked: &[bool],
    lex: &Lexicon,
    out: &mut Vec<Run>,
) {
    let word = |i: usize| tokens[i].text(text);
    let n = tokens.len();
    let mut i = 0;
    while i < n {
        let t = tokens[i];
        let w = word(i);
        if blocked[i]
            || !t.cap
            || lex.is_stopword(w)
            || lex.has_cue(w, Cue::Title)
            || !w.chars().any(char::is_alphabetic)
        {
            i += 1;
            continue;
        }
        let mut last = i;
        loop {
            let mut p = last + 1;
            // Up to two particles (`de la`, `von der`, `d'`).
            if p < n && !blocked[p] && tokens[p].joined && PARTICLES.contains(&word(p)) {
                p += 1;
                if p < n && !blocked[p] && tokens[p].joined && SECOND_PARTICLES.contains(&word(p)) {
                    p += 1;
                }
            }
            if p >= n || blocked[p] || !tokens[p].joined || !tokens[p].cap || tokens[p].initial {
                break;
            }
            let wp = word(p);
            if lex.has_cue(wp, Cue::Title) && !lex.has_cue(wp, Cue::OrgHead) {
                break;
            }
            if lex.is_stopword(wp) {
                // `Le Drian`: a capitalised particle goes on only if a real name follows it.
                let next_ok = p + 1 < n
                    && !blocked[p + 1]
                    && tokens[p + 1].joined
                    && tokens[p + 1].cap
                    && !lex.is_stopword(word(p + 1));
                if !(CAP_PARTICLES.contains(&wp) && next_ok) {
                    break;
                }
                p += 1;
            }
            last = p;
        }
        let mut start = t.start;
        let end = tokens[last].end;
        let words = tokens[i..=last].iter().filter(|t| t.cap).count();
        let (mut entity_type, mut confidence) = classify(text, tokens, i, last, lex);
        if i > 0 && t.joined && !blocked[i - 1] && STREET_WORDS.contains(&word(i - 1)) {
            start = tokens[i - 1].start;
            (entity_type, confidence) = (EntityType::Loc, 0.75);
        }
        let pending = t.initial && words == 1 && confidence < 0.7;
        out.push(Run {
            start,
            end,
            entity_type,
            confidence,
            pending,
            words,
        });
        i = last + 1;
    }
}

/// Types the run `tokens[first..=last]` from its words and the words before it.
fn classify(
    text: &str,
    tokens: &[Token],
    first: usize,
    last: usize,
    lex: &Lexicon,
) -> (EntityType, f32) {
    let word = |i: usize| tokens[i].text(text);
    let head = word(first);
    let head_part = head.split('-').next().unwrap_or(head);
    let tail = word(last);
    let single = first == last;
    // A title just before, possibly with one adjective between: `M. Stoltenberg`, `le président russe Vladimir Poutine`.
    let prev = first.checked_sub(1).filter(|_| tokens[first].joined);
    if let Some(p) = prev {
        let wp = word(p);
        if lex.has_cue(wp, Cue::Title) {
            return (EntityType::Per, 0.85);
        }
        let adjective = !tokens[p].cap && !lex.is_stopword(wp) && !PARTICLES.contains(&wp);
        if adjective && p > 0 && tokens[p].joined && lex.has_cue(word(p - 1), Cue::Title) {
            return (EntityType::Per, 0.8);
        }
    }
    if lex.is_given_name(head) || lex.is_given_name(head_part) && !single {
        return (EntityType::Per, 0.8);
    }
    if lex.has_cue(head, Cue::OrgHead) || lex.has_cue(tail, Cue::OrgTail) && !single {
        return (EntityType::Org, 0.75);
    }
    if lex.has_cue(head, Cue::LocHead)
        || (head_part != head && lex.has_cue(head_part, Cue::LocHead))
    {
        return (EntityType::Loc, 0.75);
    }
    if tokens[first..=last].iter().all(|t| t.upper || !t.cap) && !is_roman_numeral(head) {
        return (EntityType::Org, 0.6);
    }
    // `contains` builds a substring searcher: only words with a hyphen can hold `-sur-` and the like.
    let hyphenated = head.contains('-');
    if single
        && LOC_SUFFIXES.iter().any(|s| {
            head.len() > s.len() + 2
                && (head.ends_with(s) || hyphenated && s.starts_with('-') && head.contains(s))
        })
    {
        return (EntityType::Loc, 0.6);
    }
    if let Some(p) = prev {
        if lex.has_cue(word(p), Cue::LocPrep) {
            return (EntityType::Loc, 0.6);
        }
    }
    if !single {
        return (EntityType::Per, 0.55);
    }
    (EntityType::Misc, 0.4)
}

fn is_roman_numeral(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::tokenize;

    fn find(s: &str) -> Vec<(&str, EntityType, bool)> {
        let lex = Lexicon::default_fr();
        let mut toks = Vec::new();
        tokenize(s, 0, &mut toks, &mut Vec::new(), |_| true);
        let blocked = vec![false; toks.len()];
        let mut out = Vec::new();
        runs(s, &toks, &blocked, &lex, &mut out);
        out.iter()
            .map(|r| (&s[r.start..r.end], r.entity_type, r.pending))
            .collect()
    }

    #[test]
    fn typed_runs() {
        use EntityType::*;
        assert_eq!(
            find("Hier, M. Dupuis a vu Jean-Yves Le Drian."),
            [("Dupuis", Per, false), ("Jean-Yves Le Drian", Per, false)]
        );
        assert_eq!(
            find("selon le président russe Vladimir Poutine"),
            [("Vladimir Poutine", Per, false)]
        );
        assert_eq!(
            find("il est allé à Bethoncourt puis rue Cadet"),
            [("Bethoncourt", Loc, false), ("rue Cadet", Loc, false)]
        );
        assert_eq!(
            find("le Ministère de la Justice et la CGT"),
            [("Ministère de la Justice", Org, false), ("CGT", Org, false)]
        );
        assert_eq!(
            find("Valéry Giscard d'Estaing et Ursula von der Leyen"),
            [
                ("Valéry Giscard d'Estaing", Per, false),
                ("Ursula von der Leyen", Per, false)
            ]
        );
        assert_eq!(
            find("la salle de Châtenois-les-Forges"),
            [("Châtenois-les-Forges", Loc, false)]
        );
    }

    #[test]
    fn sentence_start_common_words() {
        assert_eq!(find("Les chefs sont là."), []);
        assert_eq!(find("Aujourd'hui il pleut."), []);
        // One uncued capitalised word at the start of a sentence is only a candidate.
        assert_eq!(
            find("Ouverture tous les jours."),
            [("Ouverture", EntityType::Misc, true)]
        );
        assert_eq!(
            find("Louis XIV régna"),
            [("Louis XIV", EntityType::Per, false)]
        );
    }
}
