//! Properties: metadata cuts are code point spans of the repaired text, on its characters; the
//! document text is what is left; fix(x) == x for valid clean text.

use proptest::prelude::*;
use toolkit_ingest::{IngesterBuilder, Record};

/// Scraped-looking text: header, dateline, agency and credit pieces around French prose.
fn scrape() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(" date 2022-01 "),
        Just("BRUXELLES, 7 janvier (Reuters) - "),
        Just("PARIS (AFP) - "),
        Just("AFP, publié le mardi 30 juin 2020 à 21h01\n"),
        Just("(Reportage Robin Emmott; version française Jean-Stéphane Brosse)"),
        Just("REUTERS/Pascal Rossignol/File Photo\n"),
        Just("© AFP, ANDREW CABALLERO-REYNOLDS\n"),
        Just("Par Jean Dupont\n"),
        Just("Les ministres de l’Otan ont réaffirmé leur unité. "),
        Just("rÃ©affirmÃ© "),
        Just("Été 😀 "),
        Just("e\u{301} "),
        Just("\n\n"),
        Just("\n"),
        Just(" "),
        Just("&amp; "),
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|p| p.concat())
}

/// Clean text: NFC, no control characters but `\n`, no `&`, no character that starts a mojibake
/// sequence (Ã Â â with a windows-1252 symbol) — the letters, digits, punctuation and symbols of
/// French news, other scripts and emoji.
fn clean_text() -> impl Strategy<Value = String> {
    "([a-zA-Z0-9éèàçùêîôûëïüœæÉÈÀÇŒ«»’—–…€°%$£.,;:!?()\"'/ \u{a0}\u{202f}\n]|Σ|ж|中|😀){0,200}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn cuts_are_code_point_spans_of_the_repaired_text(raw in scrape()) {
        let ing = IngesterBuilder::new().language_hint(Some("fr")).build();
        let repaired: Vec<char> = ing.fix(&raw).text.chars().collect();
        let Ok(doc) = ing.ingest(Record::from_bytes("p.txt", raw.clone().into_bytes())) else {
            return Ok(());
        };
        let mut last = 0;
        let mut kept = String::new();
        for cut in &doc.metadata_cuts {
            prop_assert!(last <= cut.start && cut.start <= cut.end && cut.end <= repaired.len(), "{cut:?}");
            let span: String = repaired[cut.start..cut.end].iter().collect();
            prop_assert_eq!(&span, &cut.text);
            kept.extend(&repaired[last..cut.start]);
            last = cut.end;
        }
        kept.extend(&repaired[last..]);
        prop_assert_eq!(kept.trim(), doc.text.as_str());
    }

    #[test]
    fn fix_leaves_clean_text_alone(text in clean_text()) {
        let ing = IngesterBuilder::new().build();
        let fixed = ing.fix(&text);
        prop_assert_eq!(&fixed.text, &text);
        prop_assert_eq!(fixed.repairs, 0);
    }
}
