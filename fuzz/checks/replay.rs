//! Replays the inputs kept from fuzzing one target (`tests/fuzz-regressions/<target>/`) through its
//! check. Shared, through `#[path]`, by the replay tests of every fuzz target.

use std::path::Path;
use std::time::{Duration, Instant};

/// The fuzzer ran with `-timeout=10`; a kept input must stay well below it.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// Runs `check` on every file of `dir` (sorted); fails when the folder is empty, when a check
/// panics or when one input takes longer than the fuzzer's timeout.
pub fn replay(dir: &Path, check: impl Fn(&[u8])) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no kept fuzz inputs in {}",
        dir.display()
    );
    for path in files {
        let data = std::fs::read(&path).unwrap();
        let t = Instant::now();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&data)));
        assert!(run.is_ok(), "{} fails the check", path.display());
        assert!(
            t.elapsed() < TIME_LIMIT,
            "{} took {:?}",
            path.display(),
            t.elapsed()
        );
    }
}
