//! Replays the inputs kept from fuzzing (`tests/fuzz-regressions/sentences/` at the workspace
//! root) through the same check as the fuzz target (`fuzz/fuzz_targets/sentences.rs`).

use toolkit_sentences::{CharOffsets, Segmenter, Sentence};

#[path = "../../../fuzz/checks/sentences.rs"]
mod checks;
#[path = "../../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn kept_fuzz_inputs_hold_the_invariants() {
    replay::replay(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fuzz-regressions/sentences"),
        checks::run,
    );
}
