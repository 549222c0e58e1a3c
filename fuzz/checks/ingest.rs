//! The `ingest` fuzz check: any bytes → a file (its name, chosen by the first byte, decides the
//! container format: text, JSON Lines, CSV, HTML, gzip or zstd by content) → `Reader` → `Ingester`,
//! plus the bytes straight through `Ingester::decode` and `Ingester::fix`. Shared, through
//! `#[path]`, by the fuzz target and by the replay test `crates/ingest/tests/fuzz_regressions.rs`;
//! the including module imports `Document`, `Ingester`, `Input` and `ReaderBuilder` from
//! `toolkit_ingest`.

use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Document, Ingester, Input, ReaderBuilder};

/// File names tried, picked by the first input byte.
const NAMES: [&str; 8] = [
    "doc.txt",
    "doc.jsonl",
    "doc.csv",
    "doc.html",
    "doc.txt.gz",
    "doc.jsonl.zst",
    "doc",
    "doc.json",
];

/// Runs one input; panics when an invariant does not hold.
pub fn run(ingester: &Ingester, data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    decode_and_fix(ingester, body);
    let name = NAMES[usize::from(pick) % NAMES.len()];
    // One folder per process and call, so replay tests running on several threads do not collide.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "toolkit-fuzz-ingest-{}-{}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("temp folder");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("temp file");
    let mut reader = ReaderBuilder::new();
    reader.max_doc_bytes(1 << 20);
    for record in reader.build(vec![Input::Path(dir.clone())]) {
        match record.and_then(|r| ingester.ingest(r)) {
            Ok(doc) => check_document(&doc),
            Err(e) => {
                let shown = e.to_string();
                assert!(!shown.is_empty(), "error without a message");
                assert!(!e.kind().as_str().is_empty(), "error without a kind");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Decoding gives text (or an error) for any bytes; repair gives NFC text without carriage returns,
/// and repairing clean text again only ever shrinks it by the repairs it reports.
fn decode_and_fix(ingester: &Ingester, body: &[u8]) {
    let Ok(decoded) = ingester.decode(body) else {
        return;
    };
    assert!(!decoded.encoding.is_empty(), "no encoding name");
    let fixed = ingester.fix(&decoded.text);
    assert!(!fixed.text.contains('\r'), "carriage return after fix");
    let again = ingester.fix(&fixed.text);
    assert!(
        again.text.len() <= fixed.text.len() + 4 * again.repairs as usize,
        "fix grew repaired text"
    );
    if again.repairs == 0 {
        assert_eq!(again.text, fixed.text, "fix changed text without a repair");
    }
}

/// A document has trimmed text, and its metadata cuts are sorted, disjoint code point spans (of
/// the repaired text before removal and trimming) whose length is the length of their text.
fn check_document(doc: &Document) {
    assert!(!doc.text.is_empty(), "document without text");
    assert_eq!(doc.text.trim(), doc.text, "document text not trimmed");
    let mut last = 0;
    for cut in &doc.metadata_cuts {
        assert!(cut.start <= cut.end, "reversed cut {cut:?}");
        assert!(
            cut.start >= last,
            "cuts overlap or are out of order at {cut:?}"
        );
        assert_eq!(
            cut.end - cut.start,
            cut.text.chars().count(),
            "cut length {cut:?}"
        );
        last = cut.end;
    }
}
