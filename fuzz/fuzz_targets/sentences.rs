//! Any text through the French segmenter: spans sorted, disjoint, covering, on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use toolkit_sentences::{CharOffsets, Segmenter, Sentence};

#[path = "../checks/sentences.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::run(data);
});
