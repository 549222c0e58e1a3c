//! Reads text on stdin, repairs it (entities, mojibake, controls, NFC) and writes it to stdout;
//! the number of repairs goes to stderr.
//!
//! ```text
//! printf 'Les ministres de lâ€™Otan ont rÃ©affirmÃ© leur unitÃ©' | cargo run -p toolkit-ingest --example fix_stdin
//! ```
#![allow(clippy::print_stderr)]

use std::io::{Read, Write};

use toolkit_ingest::IngesterBuilder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    let ingester = IngesterBuilder::new().language_hint(Some("fr")).build();
    if bytes.is_empty() {
        return Ok(());
    }
    // Decode first (BOM, UTF-8, UTF-16, windows-1252, ...), then repair the decoded text.
    let decoded = ingester.decode(&bytes)?;
    let fixed = ingester.fix(&decoded.text);
    std::io::stdout().write_all(fixed.text.as_bytes())?;
    eprintln!(
        "encoding {} ({}), {} repairs",
        decoded.encoding,
        decoded.decided_by.as_str(),
        fixed.repairs
    );
    Ok(())
}
