//! Any text split by the French segmenter, then through the recognizer: mentions inside their
//! sentence, sorted, on char boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use toolkit_mentions::Recognizer;
use toolkit_sentences::Segmenter;

#[path = "../checks/mentions.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    static TOOLS: OnceLock<(Segmenter, Recognizer)> = OnceLock::new();
    let (seg, rec) = TOOLS.get_or_init(|| {
        (
            Segmenter::french(),
            Recognizer::new().expect("default recognizer builds"),
        )
    });
    checks::run(seg, rec, data);
});
