//! Signs the `text` field of every line of a JSON Lines file in near mode (the pipeline's default)
//! and prints a digest of the signatures: an FNV-1a hash over each one's words, exact-duplicate key
//! and pairwise similarity with the previous signature, plus counts. Two builds that print the same
//! line made the same signatures; used to check that a speed-up changes no output.
//!
//! ```text
//! cargo run --release -p toolkit-dedup --example digest_sign -- FILE.jsonl
//! ```
#![allow(clippy::print_stdout)]

use std::io::BufRead;

use toolkit_dedup::{DedupConfig, Signature, Signer};

/// FNV-1a, 64 bits.
fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Signs every text: the part worth profiling, kept out of line so that a profiler can count it
/// alone (`valgrind --tool=callgrind --toggle-collect='digest_sign::sign_all'`).
#[inline(never)]
fn sign_all(signer: &Signer, texts: &[String]) -> Vec<Signature> {
    texts.iter().map(|t| signer.sign(t)).collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: digest_sign FILE.jsonl")?;
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
        let v: serde_json::Value = serde_json::from_str(&line?)?;
        texts.push(v["text"].as_str().unwrap_or_default().to_string());
    }
    let signer = Signer::new(&DedupConfig::default())?;
    let sigs = sign_all(&signer, &texts);
    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    let (mut words, mut empty) = (0u64, 0u64);
    for (i, s) in sigs.iter().enumerate() {
        words += u64::from(s.words());
        empty += u64::from(s.is_empty());
        // Debug shows every field, the MinHash values included.
        h = fnv(h, format!("{s:?}").as_bytes());
        if let Some(prev) = i.checked_sub(1).map(|j| &sigs[j]) {
            let sim = s.similarity(prev).map(f32::to_bits);
            h = fnv(
                h,
                format!("{}{sim:?}", s.is_exact_duplicate(prev)).as_bytes(),
            );
        }
    }
    println!(
        "signatures {}\tempty {empty}\twords {words}\tdigest {h:016x}",
        sigs.len()
    );
    Ok(())
}
