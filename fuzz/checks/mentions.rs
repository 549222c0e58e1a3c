//! The `mentions` fuzz check: any bytes (read as lossy UTF-8) → sentence spans from
//! `Segmenter::french()` → `Recognizer::find`, then the invariants the crate documents. Shared,
//! through `#[path]`, by the fuzz target and by the replay test in the toolkit's integration tests
//! (`tests/fuzz-regressions/replay_mentions.rs`); the including module imports `Recognizer` and
//! `Segmenter`.

use super::{Recognizer, Segmenter};

/// Runs one input; panics when an invariant does not hold.
pub fn run(seg: &Segmenter, rec: &Recognizer, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let spans: Vec<(usize, usize)> = seg.split(&text).iter().map(|s| (s.start, s.end)).collect();
    check(rec, &text, &spans);
    // Spans cut anywhere (off char boundaries too) are skipped or used, never a panic.
    let len = text.len();
    let odd: Vec<(usize, usize)> = (0..4).map(|i| (len * i / 4, len * (i + 1) / 4)).collect();
    check(rec, &text, &odd);
}

/// Mentions sorted by start, each inside its own sentence span, non-empty, on char boundaries,
/// with an id, a canonical name and a confidence in `[0, 1]`.
pub fn check(rec: &Recognizer, text: &str, spans: &[(usize, usize)]) {
    let mentions = rec.find(text, spans);
    let mut prev_start = 0;
    for m in &mentions {
        assert!(m.start >= prev_start, "mentions not sorted by start: {m:?}");
        prev_start = m.start;
        let &(s, e) = spans
            .get(m.sentence_index)
            .unwrap_or_else(|| panic!("sentence index out of range: {m:?}"));
        assert!(
            s <= m.start && m.start < m.end && m.end <= e,
            "mention {m:?} outside its sentence {s}..{e}"
        );
        assert!(
            text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
            "mention not on char boundaries: {m:?}"
        );
        assert!(!m.surface(text).is_empty(), "empty surface: {m:?}");
        assert!(
            !m.entity_id.is_empty() && !m.canonical.is_empty(),
            "no id: {m:?}"
        );
        assert!((0.0..=1.0).contains(&m.confidence), "confidence: {m:?}");
    }
}
