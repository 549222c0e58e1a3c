//! Reads files, directories, JSON Lines or CSV given as arguments (`-` for stdin) and prints one
//! tab-separated summary line per document: path, index, published, place, agency, authors, title,
//! the metadata cuts and the first characters of the text.
//!
//! ```text
//! cargo run -p toolkit-ingest --example ingest_files -- data/samples
//! ```
#![allow(clippy::print_stdout)]

use toolkit_ingest::{IngesterBuilder, Input, ReaderBuilder};

fn main() {
    let inputs: Vec<Input> = std::env::args()
        .skip(1)
        .map(|a| Input::from(a.as_str()))
        .collect();
    let ingester = IngesterBuilder::new().language_hint(Some("fr")).build();
    for record in ReaderBuilder::new().build(inputs) {
        match record.and_then(|r| ingester.ingest(r)) {
            Ok(d) => {
                let cuts: Vec<String> = d
                    .metadata_cuts
                    .iter()
                    .map(|c| format!("{}={:?}", c.rule, c.text))
                    .collect();
                let head: String = d.text.chars().take(60).collect();
                println!(
                    "{}\t{:?}\t{}\t{:?}\t{:?}\t{:?}\t{:?}\t{:?}\t{}\t{head:?}",
                    d.source_path,
                    d.source_index,
                    d.published
                        .map(|p| format!("{} {}", p.to_iso(), p.precision.as_str()))
                        .unwrap_or_default(),
                    d.dateline_place,
                    d.agency,
                    d.authors,
                    d.title,
                    d.section,
                    cuts.join(" "),
                );
            }
            Err(e) => println!("ERROR\t{}\t{}", e.kind().as_str(), e.message()),
        }
    }
}
