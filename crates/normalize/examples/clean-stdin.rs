//! Cleans the text on stdin: the clean text on stdout, each removed segment on stderr.
//!
//! cargo run -p toolkit-normalize --example clean-stdin < data/samples/002_b87862fe20c5abbc.txt
//! cargo run -p toolkit-normalize --example clean-stdin -- my-rules.tsv < page.txt
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Read;

use toolkit_normalize::NormalizerBuilder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = NormalizerBuilder::new();
    if let Some(path) = std::env::args().nth(1) {
        builder = builder.rules_from_str(&std::fs::read_to_string(path)?)?;
    }
    let normalizer = builder.build()?;

    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let cleaned = normalizer.clean(&text, None);

    println!("{}", cleaned.text);
    for r in &cleaned.removed {
        eprintln!(
            "{}..{}\t{}\t{}\t{:?}",
            r.start,
            r.end,
            r.class,
            r.rule_id(),
            r.text(&text)
        );
    }
    eprintln!(
        "{} paragraphs kept, {} chars removed",
        cleaned.n_paragraphs,
        cleaned.removed_chars()
    );
    Ok(())
}
