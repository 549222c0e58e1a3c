//! Replays the inputs kept from fuzzing the recognizer (`tests/fuzz-regressions/mentions/`)
//! through the same check as the fuzz target (`fuzz/fuzz_targets/mentions.rs`). It lives in the
//! toolkit's integration tests because the check needs both the segmenter and the recognizer,
//! which only the pipeline brings together.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use toolkit_pipeline::{Recognizer, Segmenter};

#[path = "../../fuzz/checks/mentions.rs"]
mod checks;

/// The fuzzer ran with `-timeout=10`; a kept input must stay well below it.
const TIME_LIMIT: Duration = Duration::from_secs(10);

fn inputs() -> Vec<PathBuf> {
    let dir = crate::util::repo().join("tests/fuzz-regressions/mentions");
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
    let seg = Segmenter::french();
    let rec = Recognizer::new().unwrap();
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let t = Instant::now();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            checks::run(&seg, &rec, &data)
        }));
        assert!(run.is_ok(), "{} fails the check", path.display());
        assert!(
            t.elapsed() < TIME_LIMIT,
            "{} took {:?}",
            path.display(),
            t.elapsed()
        );
    }
}
