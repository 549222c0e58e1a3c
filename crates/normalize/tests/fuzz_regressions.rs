//! Replays the inputs kept from fuzzing (`tests/fuzz-regressions/normalize/` at the workspace
//! root) through the same check as the fuzz target (`fuzz/fuzz_targets/normalize.rs`).

use toolkit_normalize::{Cleaned, Normalizer};

#[path = "../../../fuzz/checks/normalize.rs"]
mod checks;
#[path = "../../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn kept_fuzz_inputs_hold_the_invariants() {
    let normalizer = Normalizer::default();
    replay::replay(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fuzz-regressions/normalize"),
        |data| checks::run(&normalizer, data),
    );
}
