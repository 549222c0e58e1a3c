//! A cheap language guess: count frequent function words in the first few thousand characters.

use std::collections::HashMap;
use std::sync::OnceLock;

const STOPWORDS_TSV: &str = include_str!("../../data/stopwords.tsv");

/// Language codes, and for each word the indexes of the languages that use it.
type Table = (Vec<&'static str>, HashMap<&'static str, Vec<usize>>);

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut langs = Vec::new();
        let mut words: HashMap<&'static str, Vec<usize>> = HashMap::new();
        for line in STOPWORDS_TSV.lines().filter(|l| !l.starts_with('#')) {
            let Some((lang, ws)) = line.split_once('\t') else {
                continue;
            };
            let idx = langs.len();
            langs.push(lang);
            for w in ws.split_whitespace() {
                words.entry(w).or_default().push(idx);
            }
        }
        (langs, words)
    })
}

/// The language whose function words are most frequent, when the evidence is clear
/// (at least 5 hits and 1.5 times the runner-up).
pub(crate) fn guess(text: &str) -> Option<&'static str> {
    let (langs, words) = table();
    let mut counts = vec![0u32; langs.len()];
    let mut end = text.len().min(2000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    for word in text[..end].split(|c: char| !c.is_alphabetic()) {
        if word.is_empty() || word.len() > 8 {
            continue;
        }
        let lower;
        let key = if word.chars().any(char::is_uppercase) {
            lower = word.to_lowercase();
            lower.as_str()
        } else {
            word
        };
        if let Some(ls) = words.get(key) {
            for &l in ls {
                counts[l] += 1;
            }
        }
    }
    let mut order: Vec<usize> = (0..langs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(counts[i]));
    let best = counts[*order.first()?];
    let second = order.get(1).map_or(0, |&i| counts[i]);
    (best >= 5 && best * 2 >= second * 3).then(|| langs[order[0]])
}

#[cfg(test)]
mod tests {
    use super::guess;

    #[test]
    fn guesses() {
        assert_eq!(guess("Les ministres des Affaires étrangères de l'Otan ont réaffirmé leur unité face à la Russie dans une réunion."), Some("fr"));
        assert_eq!(guess("The ministers of the alliance said on Friday that they were united in the face of the threat."), Some("en"));
        assert_eq!(guess("Die Minister der Allianz sagten, dass sie sich nicht mit der Bedrohung abfinden und auf Dialog setzen."), Some("de"));
        assert_eq!(guess("12 34 56"), None);
    }
}
