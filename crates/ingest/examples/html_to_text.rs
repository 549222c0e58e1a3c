//! Reads one HTML page (a file, or stdin) and prints its metadata and readable text.
//!
//! `cargo run -p toolkit-ingest --example html_to_text -- page.html`
#![allow(clippy::print_stdout)]

use std::io::Read;

use toolkit_ingest::{Format, IngesterBuilder, Record};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "-".to_string());
    let mut bytes = Vec::new();
    if path == "-" {
        std::io::stdin().read_to_end(&mut bytes)?;
    } else {
        bytes = std::fs::read(&path)?;
    }
    let ingester = IngesterBuilder::new()
        .language_hint(Some("fr"))
        .format(Format::Html)
        .build();
    let doc = ingester.ingest(Record::from_bytes(path, bytes))?;
    let date = |d: &Option<toolkit_ingest::Published>| d.as_ref().map(|p| p.to_iso());
    println!("title:     {}", doc.title.unwrap_or_default());
    println!("published: {}", date(&doc.published).unwrap_or_default());
    println!("modified:  {}", date(&doc.modified).unwrap_or_default());
    println!("authors:   {}", doc.authors.join("; "));
    println!("site:      {}", doc.site_name.unwrap_or_default());
    println!("url:       {}", doc.canonical_url.unwrap_or_default());
    println!("encoding:  {} ({})", doc.encoding, doc.decided_by.as_str());
    println!("dropped:   {} blocks\n", doc.html_dropped_blocks);
    println!("{}", doc.text);
    Ok(())
}
