//! Integration tests of toolkit-sentences: properties on arbitrary text, and the evaluation data of
//! `../shared/data` (skipped with a message when it is absent).

// Tests may tell why they skip.
#![allow(clippy::print_stderr)]

mod golden_rules;
mod properties;
mod sequoia;

/// `../shared/data/dev-eval/sentences/<name>` from the repository root, if present.
pub fn shared_file(name: &str) -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/dev-eval/sentences")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            eprintln!(
                "skipped: {} not found (../shared/data is absent)",
                path.display()
            );
            None
        }
    }
}
