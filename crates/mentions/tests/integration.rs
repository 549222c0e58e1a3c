//! Behaviour on the seed scrapes of `data/samples` and on arbitrary input.

use std::sync::OnceLock;

use proptest::prelude::*;
use toolkit_mentions::{EntityType, Mention, Method, Recognizer};

const SEED_000: &str = include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt");
const SEEDS: &[&str] = &[
    SEED_000,
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

/// Sentence spans for tests: lines, cut after `.`/`!`/`?` + space unless the word before is `M`.
fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len() {
        let stop = b[i] == b'\n'
            || (matches!(b[i], b'.' | b'!' | b'?')
                && b.get(i + 1) == Some(&b' ')
                && !(i >= 1 && b[i - 1] == b'M' && (i < 2 || !b[i - 2].is_ascii_alphabetic())));
        if stop {
            if i + 1 > start {
                out.push((start, i + 1));
            }
            start = i + 1;
        }
    }
    if start < b.len() {
        out.push((start, b.len()));
    }
    out
}

/// Built once: building the automaton is the slow part.
fn recognizer() -> &'static Recognizer {
    static REC: OnceLock<Recognizer> = OnceLock::new();
    REC.get_or_init(|| Recognizer::new().unwrap())
}

fn find(text: &str) -> Vec<Mention> {
    recognizer().find(text, &sentences(text))
}

fn by_surface<'m>(text: &str, mentions: &'m [Mention], surface: &str) -> Vec<&'m Mention> {
    mentions
        .iter()
        .filter(|m| m.surface(text) == surface)
        .collect()
}

#[test]
fn seeds_nato_spellings_are_one_entity() {
    let all: String = SEEDS.concat();
    let mentions = find(&all);
    for surface in ["Otan", "OTAN", "Alliance atlantique"] {
        let found = by_surface(&all, &mentions, surface);
        assert!(!found.is_empty(), "no mention {surface:?} in the seeds");
        for m in found {
            assert_eq!(
                (&*m.entity_id, m.entity_type),
                ("org:nato", EntityType::Org),
                "{surface}"
            );
        }
    }
    // `l'Otan`: the mention starts after the elision.
    let at = SEED_000.find("l'Otan").unwrap() + 2;
    let m = find(SEED_000)
        .into_iter()
        .find(|m| m.start == at)
        .expect("l'Otan found");
    assert_eq!((m.surface(SEED_000), &*m.entity_id), ("Otan", "org:nato"));
}

#[test]
fn seeds_stoltenberg_is_one_person_and_moscou_a_place() {
    let all: String = SEEDS.concat();
    let mentions = find(&all);
    let full = by_surface(&all, &mentions, "Jens Stoltenberg");
    assert!(!full.is_empty());
    let id = &full[0].entity_id;
    assert!(full
        .iter()
        .all(|m| &m.entity_id == id && m.entity_type == EntityType::Per));
    let text = format!("{SEED_000}\nM. Stoltenberg a ajouté que Stoltenberg restait prudent.");
    let mentions = find(&text);
    let short = by_surface(&text, &mentions, "Stoltenberg");
    assert_eq!(short.len(), 2, "{mentions:#?}");
    for m in short {
        assert_eq!(
            (&m.entity_id, m.method, m.entity_type),
            (id, Method::Coref, EntityType::Per)
        );
    }
    let moscou = by_surface(&all, &mentions_of(&all), "Moscou")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert!(!moscou.is_empty());
    assert!(moscou
        .iter()
        .all(|m| m.entity_type == EntityType::Loc && &*m.canonical == "Moscou"));
}

fn mentions_of(text: &str) -> Vec<Mention> {
    find(text)
}

/// Each mention's surface, entity id and method.
fn shown<'a>(text: &'a str, mentions: &'a [Mention]) -> Vec<(&'a str, &'a str, Method)> {
    mentions
        .iter()
        .map(|m| (m.surface(text), &*m.entity_id, m.method))
        .collect()
}

#[test]
fn rule_person_then_surname_is_coref() {
    let text = "Le ministre Paul Dupuisson est arrivé. Plus tard, M. Dupuisson a parlé. Dupuisson est reparti.";
    let mentions = find(text);
    let shown = shown(text, &mentions);
    assert_eq!(
        shown,
        [
            ("Paul Dupuisson", "per:paul-dupuisson", Method::Rule),
            ("Dupuisson", "per:paul-dupuisson", Method::Coref),
            ("Dupuisson", "per:paul-dupuisson", Method::Coref),
        ]
    );
}

#[test]
fn no_mentions_in_urls_or_for_sentence_start_words() {
    let text = "Les résultats sont sur https://www.nato.int/Otan/Moscou et contact@Otan.org. Aujourd'hui rien.";
    assert_eq!(find(text), []);
}

/// A gazetteer match that is a given name (`Florence`, `Nancy`: places) before a capitalised word
/// is left to the rules, which find a person; elsewhere it stays a place.
#[test]
fn given_name_matches_before_a_name_are_persons() {
    let text =
        "Florence Dupuisson est arrivée à Nancy. Elle aime Florence. À Moscou, Nancy Kerbrat \
                parle. Nancy Kerbrat vit à Moscou.";
    let mentions = find(text);
    let shown = shown(text, &mentions);
    assert_eq!(
        shown,
        [
            ("Florence Dupuisson", "per:florence-dupuisson", Method::Rule),
            ("Nancy", "place:nancy", Method::Gazetteer),
            ("Florence", "place:florence", Method::Gazetteer),
            ("Moscou", "place:moscou", Method::Gazetteer),
            ("Nancy Kerbrat", "per:nancy-kerbrat", Method::Rule),
            ("Nancy Kerbrat", "per:nancy-kerbrat", Method::Rule),
            ("Moscou", "place:moscou", Method::Gazetteer),
        ]
    );
}

/// A capitalised word alone at a sentence start is kept only if the text also has it capitalised
/// inside a sentence: for words of up to 16 bytes and for longer ones (which take another path).
#[test]
fn sentence_start_words_confirmed_inside_a_sentence() {
    for (kept, dropped) in [
        ("Kerbrevanec", "Zorglandia"),
        ("Kerbrevanecquilliou", "Zorglandiaquessantrop"),
    ] {
        let text = format!(
            "{kept} arrive demain. {dropped} part ce soir. On attend {kept} ici. {dropped}, {kept}."
        );
        let shown: Vec<(&str, Method)> = find(&text)
            .iter()
            .map(|m| (m.surface(&text), m.method))
            .collect();
        assert_eq!(
            shown,
            [
                (kept, Method::Rule),
                (kept, Method::Rule),
                (kept, Method::Rule)
            ],
            "{text}"
        );
    }
}

#[test]
fn case_accent_and_elision_variants() {
    let text = "L’OTAN, l’Alliance atlantique, les ETATS-UNIS et les Etats-Unis d'Amérique, d'Ukraine et de Kyiv.";
    let mentions = find(text);
    let shown: Vec<(&str, &str)> = mentions
        .iter()
        .map(|m| (m.surface(text), &*m.entity_id))
        .collect();
    assert_eq!(
        shown,
        [
            ("OTAN", "org:nato"),
            ("Alliance atlantique", "org:nato"),
            ("ETATS-UNIS", "country:us"),
            ("Etats-Unis d'Amérique", "country:us"),
            ("Ukraine", "country:ua"),
            ("Kyiv", "place:kiev"),
        ]
    );
}

#[test]
fn mentions_do_not_cross_sentences() {
    let text = "Il vit à New York. City Hall est fermé.";
    // Sentence break inside a multi-word alias: `New York City` must not match across it.
    let cut = text.find(" City").unwrap();
    let mentions = recognizer().find(text, &[(0, cut), (cut + 1, text.len())]);
    assert!(
        mentions.iter().all(|m| m.end <= cut || m.start > cut),
        "{mentions:?}"
    );
    assert_eq!(mentions[0].surface(text), "New York");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_text_any_spans_no_panic_and_mentions_inside_their_sentence(
        text in "(\\PC|[ .'’A-ZÉa-z\\n-]){0,200}",
        cuts in proptest::collection::vec(0usize..260, 0..8),
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        let mut spans = Vec::new();
        let mut prev = 0;
        for c in cuts {
            spans.push((prev, c));
            prev = c;
        }
        spans.push((prev, text.len()));
        let mentions = recognizer().find(&text, &spans);
        for m in &mentions {
            let (s, e) = spans[m.sentence_index];
            prop_assert!(s <= m.start && m.start < m.end && m.end <= e, "{m:?} outside {s}..{e}");
            prop_assert!(text.get(m.start..m.end).is_some());
        }
    }

    /// Mentions come sorted by start whatever mix of gazetteer matches, runs, street words and
    /// merged places (`Université de Paris`) the sentences have.
    #[test]
    fn mentions_sorted_by_start(words in proptest::collection::vec(proptest::sample::select(vec![
        "Jean Kerbrat", "Kerbrat de Paris", "rue Cadet", "à Moscou", "Université de Paris",
        "Tour de France", "Kerbrat", "et", "le président", "OTAN", "M. Kerbrat", ",", ". Selon",
    ]), 0..10)) {
        let text = words.join(" ");
        let mentions = find(&text);
        prop_assert!(
            mentions.windows(2).all(|w| w[0].start < w[1].start),
            "{text:?} {mentions:?}"
        );
    }

    #[test]
    fn seed_text_with_random_spans(cuts in proptest::collection::vec(0usize..3000, 0..30)) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        cuts.dedup();
        let spans: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
        let mentions = recognizer().find(SEED_000, &spans);
        for m in &mentions {
            let (s, e) = spans[m.sentence_index];
            prop_assert!(s <= m.start && m.end <= e);
        }
    }
}

#[test]
fn name_of_place_is_one_name() {
    let text = "Il joue pour les Canadiens de Montréal et étudie à l'Université de Paris.";
    let mentions = find(text);
    let shown: Vec<(&str, EntityType)> = mentions
        .iter()
        .map(|m| (m.surface(text), m.entity_type))
        .collect();
    assert_eq!(
        shown,
        [
            ("Canadiens de Montréal", EntityType::Org),
            ("Université de Paris", EntityType::Org)
        ]
    );
}

#[test]
fn recognizer_is_shareable_between_threads() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<Recognizer>();
    let rec = recognizer().clone();
    let handle = std::thread::spawn(move || {
        let text = "Kiev et Kyiv";
        rec.find(text, &[(0, text.len())])
            .into_iter()
            .map(|m| m.entity_id.to_string())
            .collect::<Vec<_>>()
    });
    assert_eq!(handle.join().unwrap(), ["place:kiev", "place:kiev"]);
}
