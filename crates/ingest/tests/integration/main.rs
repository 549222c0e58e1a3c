//! Integration tests of toolkit-ingest, one module per topic.
#![allow(clippy::print_stderr)]

mod bad_input;
mod bombs;
mod encodings;
mod formats;
mod html;
mod orangesum;
mod props;
mod seeds;

use toolkit_ingest::{Document, Error, Ingester, IngesterBuilder, Input, ReaderBuilder, Record};

/// The ingester every test uses (French hint).
pub fn ingester() -> Ingester {
    IngesterBuilder::new().language_hint(Some("fr")).build()
}

/// Reads `inputs` with default settings and ingests every record.
pub fn read_all(inputs: Vec<Input>) -> Vec<Result<Document, Error>> {
    let ing = ingester();
    ReaderBuilder::new()
        .build(inputs)
        .map(|r| r.and_then(|rec: Record| ing.ingest(rec)))
        .collect()
}
