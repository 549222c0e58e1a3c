//! Any bytes as a file through the reader, decoding, repair and metadata extraction.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use toolkit_ingest::{Document, Ingester, IngesterBuilder, Input, ReaderBuilder};

#[path = "../checks/ingest.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    static INGESTER: OnceLock<Ingester> = OnceLock::new();
    let ingester =
        INGESTER.get_or_init(|| IngesterBuilder::new().language_hint(Some("fr")).build());
    checks::run(ingester, data);
});
