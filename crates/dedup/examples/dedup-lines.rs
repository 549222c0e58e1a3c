//! Reads one document a line on stdin and writes, for each duplicate, a TSV line:
//! line number, line number of its canonical line, estimated similarity.
//!
//! ```sh
//! printf 'Le chat dort sur le canapé du salon.\nUn autre texte.\nLE CHAT DORT sur le canapé du salon !\n' \
//!     | cargo run -p toolkit-dedup --example dedup-lines
//! ```
//! prints `3`, `1`, `1.000` separated by tabs (lines are numbered from 1).

use std::io::{self, BufRead, Write};

use toolkit_dedup::{Clusterer, DedupConfig, Signer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = DedupConfig::default();
    let signer = Signer::new(&config)?;
    let mut clusterer = Clusterer::new(&config)?;
    for (order, line) in io::stdin().lock().lines().enumerate() {
        clusterer.add(order as u64, None, signer.sign(&line?));
    }
    let mut out = io::stdout().lock();
    for (order, a) in clusterer.finish().into_iter().enumerate() {
        if let (Some(canonical), Some(similarity)) = (a.duplicate_of, a.similarity) {
            writeln!(out, "{}\t{}\t{similarity:.3}", order + 1, canonical + 1)?;
        }
    }
    Ok(())
}
