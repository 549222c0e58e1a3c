//! The `sentences` fuzz check: any bytes (read as lossy UTF-8) → `Segmenter::french().split`, then
//! the invariants the crate documents. Shared, through `#[path]`, by the fuzz target and by the
//! replay test `crates/sentences/tests/fuzz_regressions.rs`; the including module imports
//! `CharOffsets`, `Segmenter` and `Sentence` from `toolkit_sentences`.

use super::{CharOffsets, Segmenter, Sentence};

/// Runs one input; panics when an invariant does not hold.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check(&Segmenter::french(), &text);
}

/// Splits `text` and checks the spans: non-empty, sorted, disjoint, on char boundaries, inside the
/// text, trimmed, paragraph indices from 0 without gaps, every non-whitespace char covered, code
/// point offsets equal to a direct count. Returns the sentences.
pub fn check(seg: &Segmenter, text: &str) -> Vec<Sentence> {
    let sentences = seg.split(text);
    let mut prev_end = 0;
    let mut prev_paragraph = 0;
    // Byte offsets of the non-whitespace chars, walked along with the sentences.
    let mut solid = text
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .peekable();
    for (i, s) in sentences.iter().enumerate() {
        assert!(s.start < s.end, "empty sentence {i}: {s:?}");
        assert!(
            s.start >= prev_end,
            "sentence {i} overlaps or is out of order: {s:?}"
        );
        assert!(s.end <= text.len(), "sentence {i} past the end: {s:?}");
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "sentence {i} not on char boundaries: {s:?}"
        );
        let body = &text[s.start..s.end];
        assert_eq!(body.trim(), body, "sentence {i} not trimmed");
        if i == 0 {
            assert_eq!(s.paragraph, 0, "first paragraph index");
        }
        assert!(
            s.paragraph == prev_paragraph || s.paragraph == prev_paragraph + 1,
            "paragraph index jumps from {prev_paragraph} to {} at sentence {i}",
            s.paragraph
        );
        while let Some(&(b, c)) = solid.peek() {
            if b >= s.end {
                break;
            }
            assert!(b >= s.start, "char {c:?} at byte {b} is in no sentence");
            solid.next();
        }
        prev_end = s.end;
        prev_paragraph = s.paragraph;
    }
    if let Some((b, c)) = solid.next() {
        panic!("char {c:?} at byte {b} is in no sentence");
    }
    // Code point offsets: the cursor agrees with a direct count.
    let mut chars = CharOffsets::new(text);
    let mut counted = 0;
    let mut at = 0;
    for s in &sentences {
        counted += text[at..s.start].chars().count();
        let start = counted;
        counted += text[s.start..s.end].chars().count();
        at = s.end;
        assert_eq!(chars.span(s), (start, counted), "code point span of {s:?}");
    }
    // The reusing entry point gives the same spans.
    let mut again = vec![Sentence {
        start: 1,
        end: 2,
        paragraph: 7,
    }];
    seg.split_into(text, &mut again);
    assert_eq!(again, sentences, "split_into differs from split");
    sentences
}
