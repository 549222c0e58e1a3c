//! Replays the inputs kept from fuzzing (`tests/fuzz-regressions/ingest/` at the workspace
//! root) through the same check as the fuzz target (`fuzz/fuzz_targets/ingest.rs`).

use toolkit_ingest::{Document, Ingester, IngesterBuilder, Input, ReaderBuilder};

#[path = "../../../fuzz/checks/ingest.rs"]
mod checks;
#[path = "../../../fuzz/checks/replay.rs"]
mod replay;

#[test]
fn kept_fuzz_inputs_hold_the_invariants() {
    let ingester: Ingester = IngesterBuilder::new().language_hint(Some("fr")).build();
    replay::replay(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fuzz-regressions/ingest"),
        |data| checks::run(&ingester, data),
    );
}
