//! Properties with a learned chrome profile (the unit tests cover the rule packs alone): cleaning
//! twice changes nothing, and removals stay disjoint code point spans of the input.

use proptest::prelude::*;
use toolkit_normalize::{ChromeLearner, LearnerConfig, Normalizer, NormalizerBuilder};

const SITE: &str = "www.example.fr";

/// Lines a site repeats on every page, and prose lines.
const CHROME: [&str; 6] = [
    "Abonnez-vous à notre lettre",
    "Les plus lus du jour",
    "Retour à l'accueil du site",
    "Ce contenu vous a plu",
    "Mentions légales et cookies",
    "Nos partenaires",
];
const PROSE: [&str; 6] = [
    "Le gouvernement a présenté jeudi un plan de relance.",
    "Les syndicats réclament une hausse des salaires",
    "Selon le ministre, la réforme entrera en vigueur en janvier.",
    "Abonnez-vous à notre lettre pour recevoir le plan de relance complet dès jeudi.",
    "Les plus lus",
    "« Nous ne céderons pas », a-t-il déclaré.",
];

/// A normalizer that learned the chrome lines from 20 pages of the site.
fn normalizer() -> Normalizer {
    let mut learner = ChromeLearner::new(LearnerConfig::default());
    for i in 0..20 {
        let page = format!(
            "{}\n\nArticle numéro {i} du jour.\n\n{}",
            CHROME[..3].join("\n\n"),
            CHROME[3..].join("\n\n")
        );
        learner.observe(Some(SITE), &page);
    }
    let profile = learner.finish();
    assert!(
        profile.contains(Some(SITE), CHROME[0]),
        "the profile learned the chrome"
    );
    NormalizerBuilder::new().profile(profile).build().unwrap()
}

fn page() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            prop_oneof![
                (0..CHROME.len()).prop_map(|i| CHROME[i].to_string()),
                (0..PROSE.len()).prop_map(|i| PROSE[i].to_string()),
                "[A-Za-zé ]{0,30}",
            ],
            prop::sample::select(vec!["\n", "\n\n", " ", "\n\n\n"]),
        ),
        0..14,
    )
    .prop_map(|v| v.into_iter().map(|(l, sep)| format!("{l}{sep}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn cleaning_twice_with_learned_chrome_changes_nothing(raw in page()) {
        let n = normalizer();
        let once = n.clean(&raw, Some(SITE));
        let chars: Vec<char> = raw.chars().collect();
        let mut last = 0;
        for r in &once.removed {
            prop_assert!(last <= r.start && r.start < r.end && r.end <= chars.len(), "{r:?}");
            prop_assert_eq!(chars[r.start..r.end].iter().collect::<String>(), r.text(&raw));
            last = r.end;
        }
        let twice = n.clean(&once.text, Some(SITE));
        prop_assert_eq!(&twice.text, &once.text);
    }
}

#[test]
fn the_learned_chrome_is_removed_on_its_site_only() {
    let n = normalizer();
    // Not first: a first line of four words or more is kept as a likely title.
    let raw = format!("{}\n\n{}", PROSE[0], CHROME[0]);
    assert_eq!(n.clean(&raw, Some(SITE)).text, PROSE[0]);
    assert_eq!(n.clean(&raw, Some("autre.fr")).text, raw);
}
