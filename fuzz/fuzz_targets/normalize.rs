//! Any text through `Normalizer::clean`: audit offsets, layout, and cleaning twice changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use toolkit_normalize::{Cleaned, Normalizer};

#[path = "../checks/normalize.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    static NORMALIZER: OnceLock<Normalizer> = OnceLock::new();
    checks::run(NORMALIZER.get_or_init(Normalizer::default), data);
});
