//! The `normalize` fuzz check: any bytes (read as lossy UTF-8) → `Normalizer::clean`, then the
//! invariants the crate documents, including "cleaning twice changes nothing". Shared, through
//! `#[path]`, by the fuzz target and by the replay test
//! `crates/normalize/tests/fuzz_regressions.rs`; the including module imports `Cleaned` and
//! `Normalizer` from `toolkit_normalize`.

use super::{Cleaned, Normalizer};

/// Runs one input; panics when an invariant does not hold.
pub fn run(normalizer: &Normalizer, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let once = normalizer.clean(&text, None);
    check(&text, &once);
    let twice = normalizer.clean(&once.text, None);
    assert_eq!(twice.text, once.text, "cleaning twice changed the text");
    check(&once.text, &twice);
    // A site with no learned profile behaves like no site.
    let with_site = normalizer.clean(&text, Some("www.example.fr"));
    assert_eq!(with_site, once, "an unknown site changed the result");
}

/// Removals: non-empty, sorted, disjoint code point spans of `input` whose text is the input's;
/// clean text trimmed, paragraphs separated by exactly one blank line, `n_paragraphs` right.
pub fn check(input: &str, c: &Cleaned) {
    // Byte offset of every char start, plus the end: code point -> byte.
    let starts: Vec<usize> = input
        .char_indices()
        .map(|(b, _)| b)
        .chain([input.len()])
        .collect();
    let n_chars = starts.len() - 1;
    let mut last = 0;
    for r in &c.removed {
        assert!(r.start < r.end, "empty removal {r:?}");
        assert!(
            r.end <= n_chars,
            "removal past the end ({n_chars} chars): {r:?}"
        );
        assert!(
            r.start >= last,
            "removals overlap or are out of order at {r:?}"
        );
        assert_eq!(
            starts[r.start]..starts[r.end],
            r.byte_range(),
            "removal byte range differs from its code point span"
        );
        assert!(!r.text(input).is_empty(), "empty removal text {r:?}");
        last = r.end;
    }
    assert_eq!(c.text.trim(), c.text, "clean text not trimmed");
    assert!(!c.text.contains("\n\n\n"), "more than one blank line");
    let expected = if c.text.is_empty() {
        0
    } else {
        c.text.split("\n\n").count()
    };
    assert_eq!(c.n_paragraphs, expected, "n_paragraphs");
}
