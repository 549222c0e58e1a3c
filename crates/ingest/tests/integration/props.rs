//! Properties: no panic on any bytes; mojibake of French text always comes back.

use proptest::prelude::*;
use toolkit_ingest::Record;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let ing = crate::ingester();
        if let Ok(d) = ing.decode(&bytes) {
            let f = ing.fix(&d.text);
            prop_assert!(!f.text.contains('\r'));
        }
        let _ = ing.ingest(Record::from_bytes("p", bytes));
    }

    #[test]
    fn any_text_never_panics(s in "\\PC{0,200}") {
        let ing = crate::ingester();
        let f = ing.fix(&s);
        let g = ing.fix(&f.text);
        prop_assert!(g.text.len() <= f.text.len() + 4 * g.repairs as usize);
        let _ = ing.ingest(Record::from_bytes("p", s.into_bytes()));
    }

    /// HTML-looking input of any shape: tags, entities, scripts, charsets, unclosed elements,
    /// arbitrary bytes after an HTML start. Never panics; HTML documents have no tags left when
    /// the input had no `<` inside text.
    #[test]
    fn any_html_never_panics(
        parts in proptest::collection::vec(prop_oneof![
            Just("<p>".to_string()), Just("</p>".to_string()), Just("<div hidden>".to_string()),
            Just("</div>".to_string()), Just("<nav>".to_string()), Just("<li>".to_string()),
            Just("<script>".to_string()), Just("</script>".to_string()), Just("<br>".to_string()),
            Just("<a href=x>".to_string()), Just("</a>".to_string()), Just("&eacute;".to_string()),
            Just("<meta charset=latin1>".to_string()), Just("<article>".to_string()),
            Just("<script type=application/ld+json>{\"@type\":\"NewsArticle\",\"author\":".to_string()),
            Just("<title>".to_string()), Just("<!--".to_string()), Just("<pre>".to_string()),
            "[a-zé« »\n ]{0,12}",
        ], 0..40),
        tail in proptest::collection::vec(any::<u8>(), 0..60),
    ) {
        let ing = crate::ingester();
        let page = format!("<!DOCTYPE html><html>{}", parts.concat());
        let _ = ing.ingest(Record::from_bytes("p.html", page.clone().into_bytes()));
        let mut bytes = page.into_bytes();
        bytes.extend_from_slice(&tail);
        if let Ok(d) = ing.ingest(Record::from_bytes("p.html", bytes)) {
            prop_assert!(d.html);
            prop_assert!(!d.text.contains("<p>") && !d.text.contains("<li>"));
        }
    }

    /// Words of French letters with French punctuation between them (a letter directly followed
    /// by two windows-1252 symbols, like `âœœ`, is not French and may be read as mojibake).
    #[test]
    fn mojibake_of_french_comes_back(
        s in "( ?([a-zA-Z0-9éèàçùâêîôûëïüÉÈÀÇ]{1,8}|cœur|sœur|œuvre|Œuvre)(, | |’|'| « | » | € | — |… |\\.\n\n)){0,10}"
    ) {
        let ing = crate::ingester();
        prop_assert_eq!(&ing.fix(&s).text, &s);
        let once = encoding_rs::WINDOWS_1252.decode_without_bom_handling(s.as_bytes()).0.into_owned();
        prop_assert_eq!(&ing.fix(&once).text, &s);
        let twice = encoding_rs::WINDOWS_1252.decode_without_bom_handling(once.as_bytes()).0.into_owned();
        prop_assert_eq!(&ing.fix(&twice).text, &s);
    }
}
