//! Reads inputs with [`Reader`](toolkit_ingest::Reader), ingests every record the way the pipeline
//! does (language hint `fr`, language detection on) and prints a digest of the results: an FNV-1a
//! hash over every document's JSON serialization and every error, plus counts. Two builds that print
//! the same line produced the same documents; used to check that a speed-up changes no output.
//!
//! ```text
//! cargo run --release -p toolkit-ingest --example digest_jsonl -- [--date-field NAME] FILE...
//! ```
#![allow(clippy::print_stdout)]

use toolkit_ingest::{FieldNames, IngesterBuilder, Input, ReaderBuilder};

/// FNV-1a, 64 bits.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn main() {
    let mut fields = FieldNames::default();
    let mut inputs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--date-field" => fields.date = args.next().expect("--date-field NAME"),
            _ => inputs.push(Input::from(a.as_str())),
        }
    }
    let ingester = IngesterBuilder::new().language_hint(Some("fr")).build();
    let (mut docs, mut errors, mut bytes) = (0u64, 0u64, 0u64);
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    for record in ReaderBuilder::new().fields(fields).build(inputs) {
        match record.and_then(|r| ingester.ingest(r)) {
            Ok(d) => {
                let json = serde_json::to_vec(&d).expect("a document serializes");
                h = fnv(h, &json);
                docs += 1;
                bytes += d.text.len() as u64;
            }
            Err(e) => {
                h = fnv(
                    h,
                    format!("{}\t{}", e.kind().as_str(), e.message()).as_bytes(),
                );
                errors += 1;
            }
        }
    }
    println!("documents {docs}\terrors {errors}\ttext bytes {bytes}\tdigest {h:016x}");
}
