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

/// `b` gzip-compressed.
pub fn gzip(b: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// `b` zstd-compressed with a long window (2^30, as `zstd --long=30` does), which a default decoder
/// refuses.
pub fn zstd_long(b: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
    e.long_distance_matching(true).unwrap();
    e.window_log(30).unwrap();
    e.write_all(b).unwrap();
    e.finish().unwrap()
}
