//! Reads French text on stdin (one paragraph a line) and prints its mentions as TSV:
//! `start  end  type  method  entity_id  canonical  surface` (byte offsets into the whole input).
//!
//! ```text
//! echo "Jens Stoltenberg a parlé à Moscou. M. Stoltenberg a salué l'Otan." | cargo run -p toolkit-mentions --example mentions-stdin
//! ```

use std::io::{self, BufWriter, Read, Write};

use toolkit_mentions::Recognizer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text)?;
    // A crude splitter for the example: one sentence per line and after ". ".
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(['\n', '.']) {
        sentences.push((start, i + 1));
        start = i + 1;
    }
    sentences.push((start, text.len()));

    let recognizer = Recognizer::new()?;
    let mut out = BufWriter::new(io::stdout().lock());
    for m in recognizer.find(&text, &sentences) {
        let (ty, method, surface) = (m.entity_type, m.method, m.surface(&text));
        writeln!(
            out,
            "{}\t{}\t{ty}\t{method}\t{}\t{}\t{surface}",
            m.start, m.end, m.entity_id, m.canonical
        )?;
    }
    out.flush()?;
    Ok(())
}
