//! Replays the inputs kept from fuzzing (`tests/fuzz-regressions/sentences/` at the workspace
//! root) through the same check as the fuzz target (`fuzz/fuzz_targets/sentences.rs`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use toolkit_sentences::{CharOffsets, Segmenter, Sentence};

#[path = "../../../fuzz/checks/sentences.rs"]
mod checks;

/// The fuzzer ran with `-timeout=10`; a kept input must stay well below it.
const TIME_LIMIT: Duration = Duration::from_secs(10);

fn inputs() -> Vec<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz-regressions/sentences");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn kept_fuzz_inputs_hold_the_invariants() {
    let files = inputs();
    assert!(!files.is_empty(), "no kept fuzz inputs");
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let t = Instant::now();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| checks::run(&data)));
        assert!(run.is_ok(), "{} fails the check", path.display());
        assert!(
            t.elapsed() < TIME_LIMIT,
            "{} took {:?}",
            path.display(),
            t.elapsed()
        );
    }
}
