//! Properties that hold for any input: spans in order, disjoint, on char boundaries, trimmed,
//! covering every non-whitespace char exactly once, never crossing a paragraph; no panic.

use proptest::prelude::*;
use toolkit_sentences::{count_tokens, to_char_offsets, Segmenter, SegmenterBuilder};

/// A blank line (any of `\n`, `\r\n`, `\r`, U+2028 as line breaks) or U+2029.
fn has_paragraph_break(s: &str) -> bool {
    let lines = s.replace("\r\n", "\n").replace(['\r', '\u{2028}'], "\n");
    let parts: Vec<&str> = lines.split('\n').collect();
    s.contains('\u{2029}')
        || (parts.len() >= 3
            && parts[1..parts.len() - 1]
                .iter()
                .any(|l| l.trim().is_empty()))
}

fn check(seg: &Segmenter, text: &str) -> Result<(), TestCaseError> {
    let sentences = seg.split(text);
    let mut covered = vec![false; text.len()];
    let mut prev_end = 0;
    let mut prev_paragraph = 0;
    for s in &sentences {
        prop_assert!(s.start < s.end, "empty span {s:?}");
        prop_assert!(s.start >= prev_end, "overlap or disorder at {s:?}");
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        let body = &text[s.start..s.end];
        prop_assert_eq!(body.trim(), body, "not trimmed");
        prop_assert!(s.paragraph >= prev_paragraph);
        prop_assert!(s.paragraph <= prev_paragraph + 1, "paragraph index skips");
        // Never crosses a paragraph: no blank line inside; a new paragraph index needs one.
        prop_assert!(
            !has_paragraph_break(body),
            "paragraph break inside {:?}",
            body
        );
        if s.paragraph > prev_paragraph {
            let gap = &text[prev_end..s.start];
            prop_assert!(
                has_paragraph_break(gap),
                "new paragraph without a break: {:?}",
                gap
            );
        }
        covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
        prev_end = s.end;
        prev_paragraph = s.paragraph;
    }
    if let Some(first) = sentences.first() {
        prop_assert_eq!(first.paragraph, 0);
    }
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() {
            prop_assert!(covered[i], "char {c:?} at {i} outside every sentence");
        }
    }
    // Helpers never panic and agree with char_indices.
    let offsets: Vec<usize> = sentences.iter().flat_map(|s| [s.start, s.end]).collect();
    let chars = to_char_offsets(text, &offsets);
    for (b, c) in offsets.iter().zip(&chars) {
        prop_assert_eq!(*c, text[..*b].chars().count());
    }
    for s in &sentences {
        prop_assert!(count_tokens(s.text(text)) >= 1);
    }
    Ok(())
}

/// Text made of the pieces the rules look at, so that the interesting paths run often.
fn frenchish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("M."),
        Just("Mme"),
        Just("etc."),
        Just("J.-C."),
        Just("J.-S."),
        Just("p."),
        Just("art."),
        Just("Le"),
        Just("L'"),
        Just("la"),
        Just("réforme"),
        Just("Paris"),
        Just("à"),
        Just("À"),
        Just("1."),
        Just("12.01.2022"),
        Just("3,5"),
        Just("II."),
        Just("..."),
        Just("…"),
        Just("(...)"),
        Just("."),
        Just("!"),
        Just("?"),
        Just("?!"),
        Just("«"),
        Just("»"),
        Just("\""),
        Just("("),
        Just(")"),
        Just(";"),
        Just(":"),
        Just("—"),
        Just("-"),
        Just("www.afp.com"),
        Just("a@b.fr"),
        Just("jeudi.Le"),
        Just(" "),
        Just(" "),
        Just("\u{a0}"),
        Just("\u{202f}"),
        Just("\n"),
        Just("\n\n"),
        Just("\r\n"),
        Just("\r"),
        Just("\u{2028}"),
        Just("\u{2029}"),
        Just("\t"),
        Just("é"),
        Just("Été"),
        Just("😀"),
        Just("\u{0301}"),
        Just("\u{e2}"),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn spans_cover_text_on_frenchish_input(text in frenchish()) {
        check(&Segmenter::french(), &text)?;
    }

    #[test]
    fn spans_cover_text_on_arbitrary_strings(text in any::<String>()) {
        check(&Segmenter::french(), &text)?;
    }

    #[test]
    fn every_configuration_keeps_the_properties(text in frenchish()) {
        let wrapped = SegmenterBuilder::new().join_wrapped_lines(true).glued_sentences(false).build().unwrap();
        check(&wrapped, &text)?;
        let english = SegmenterBuilder::new().language(toolkit_sentences::Language::English).build().unwrap();
        check(&english, &text)?;
    }

    #[test]
    fn split_into_reuses_and_matches_split(a in frenchish(), b in frenchish()) {
        let seg = Segmenter::french();
        let mut out = Vec::new();
        seg.split_into(&a, &mut out);
        seg.split_into(&b, &mut out);
        prop_assert_eq!(out, seg.split(&b));
    }
}

#[test]
fn long_runs_without_boundaries_stay_linear() {
    // Quadratic behaviour would take minutes on these; linear takes milliseconds.
    let seg = Segmenter::french();
    for unit in [
        "x.Ab", "M. ", "J.-", "a ", "Le ", ". ", "\n \n", "(...) ", "...", "« ",
    ] {
        let text = unit.repeat(200_000);
        let t = std::time::Instant::now();
        let n = seg.split(&text).len();
        assert!(
            t.elapsed().as_secs() < 5,
            "{unit:?}: {:?} for {n} sentences",
            t.elapsed()
        );
    }
}
