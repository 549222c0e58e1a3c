//! The five seed scrapes in data/samples (issue 2's acceptance facts).

use std::path::PathBuf;

use toolkit_ingest::{Document, Input, Precision};

fn samples() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/samples"))
}

fn docs() -> Vec<Document> {
    let out = crate::read_all(vec![Input::Path(samples())]);
    out.into_iter().map(|r| r.expect("seed ingests")).collect()
}

#[test]
fn five_documents_four_published_2022_01_month() {
    let docs = docs();
    assert_eq!(docs.len(), 5);
    let month: Vec<&str> = docs
        .iter()
        .filter(|d| {
            d.published.as_ref().is_some_and(|p| {
                (p.year, p.month, p.precision, p.source.as_str())
                    == (2022, 1, Precision::Month, "header")
            })
        })
        .map(|d| d.source_path.as_str())
        .collect();
    assert_eq!(month.len(), 4, "{month:?}");
    for d in &docs {
        assert!(!d.text.contains("date 2022-01"), "{}", d.source_path);
        assert_eq!(d.language.as_deref(), Some("fr"), "{}", d.source_path);
        assert_eq!((d.encoding, d.mojibake_repairs), ("UTF-8", 0));
        assert!(d.source_path.ends_with(".txt") && d.source_path.contains("/samples/"));
    }
    let mut sorted: Vec<&str> = docs.iter().map(|d| d.source_path.as_str()).collect();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        docs.iter()
            .map(|d| d.source_path.as_str())
            .collect::<Vec<_>>()
    );
}

#[test]
fn seed_000_dateline_and_credits() {
    let d = &docs()[0];
    assert!(d.source_path.ends_with("000_d0e8c89997e5e85e.txt"));
    assert_eq!(d.dateline_place.as_deref(), Some("BRUXELLES"));
    assert_eq!(d.agency.as_deref(), Some("Reuters"));
    assert_eq!(d.authors, ["Robin Emmott"]);
    assert_eq!(d.translators, ["Jean-Stéphane Brosse"]);
    assert!(
        d.text.starts_with("Les ministres des Affaires étrangères"),
        "{}",
        &d.text[..80]
    );
    assert!(
        d.text.ends_with("principes fondamentaux."),
        "{}",
        &d.text[d.text.len() - 60..]
    );
    let rules: Vec<&str> = d.metadata_cuts.iter().map(|c| c.rule).collect();
    assert_eq!(rules, ["header", "dateline", "credits"]);
    assert_eq!(d.metadata_cuts[1].text, "BRUXELLES, 7 janvier (Reuters) - ");
}

#[test]
fn seed_002_title_section_photo_credits() {
    let d = &docs()[2];
    assert_eq!(
        d.title.as_deref(),
        Some("Le chef de l'OTAN prévoit une réunion spéciale avec la Russie au milieu de la crise ukrainienne")
    );
    assert_eq!(d.section.as_deref(), Some("Défense"));
    assert!(
        d.text.starts_with("Suivez nous sur\n\nPARTAGEZ:"),
        "{}",
        &d.text[..60]
    );
    assert_eq!(
        d.photo_credits,
        [
            "REUTERS/Pascal Rossignol/File Photo",
            "REUTERS/Ints Kalnins/File Photo"
        ]
    );
    assert!(d
        .text
        .contains("le 21 octobre 2021.\nLe secrétaire général"));
    assert!(!d.text.contains("REUTERS/"));
    assert_eq!(d.published, None);
}

#[test]
fn cuts_point_into_the_repaired_text() {
    for d in docs() {
        let raw = std::fs::read_to_string(&d.source_path).unwrap();
        let chars: Vec<char> = raw.chars().collect();
        for c in &d.metadata_cuts {
            let got: String = chars[c.start..c.end].iter().collect();
            assert_eq!(got, c.text, "{} {}", d.source_path, c.rule);
        }
    }
}
