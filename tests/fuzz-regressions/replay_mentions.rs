//! Replays the inputs kept from fuzzing the recognizer (`tests/fuzz-regressions/mentions/`)
//! through the same check as the fuzz target (`fuzz/fuzz_targets/mentions.rs`). It lives in the
//! toolkit's integration tests because the check needs both the segmenter and the recognizer,
//! which only the pipeline brings together.

use toolkit_pipeline::{Recognizer, Segmenter};

#[path = "../../fuzz/checks/mentions.rs"]
mod checks;
#[path = "../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn kept_fuzz_inputs_hold_the_invariants() {
    let seg = Segmenter::french();
    let rec = Recognizer::new().unwrap();
    replay::replay(
        &crate::util::repo().join("tests/fuzz-regressions/mentions"),
        |data| checks::run(&seg, &rec, data),
    );
}
