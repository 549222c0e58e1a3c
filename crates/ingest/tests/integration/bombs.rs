//! Decompression bombs: gzip and zstd inputs are stopped at `max_input_bytes` or
//! `max_expansion_ratio` while streaming, and the reader goes on with the next input.

use std::io::Write;
use std::path::Path;

use toolkit_ingest::{Input, ReaderBuilder};

use crate::{gzip, zstd_long};

const MIB: usize = 1 << 20;

/// `mib` MiB of zeros, compressed while streaming (the zeros never exist in memory at once), at the best
/// level as a real bomb would be (the fast level of the zlib-rs backend only reaches ~100×).
fn gzip_zeros(mib: usize) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; MIB];
    for _ in 0..mib {
        e.write_all(&chunk).unwrap();
    }
    e.finish().unwrap()
}

fn zstd_zeros(mib: usize) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    let chunk = vec![0u8; MIB];
    for _ in 0..mib {
        e.write_all(&chunk).unwrap();
    }
    e.finish().unwrap()
}

/// About `bytes` of JSON Lines with varied French-looking text (a small LCG picks the words), so it
/// compresses like real news (a few times), not like a bomb.
fn ordinary_jsonl(bytes: usize) -> String {
    const WORDS: &[&str] = &[
        "le",
        "gouvernement",
        "a",
        "annoncé",
        "mardi",
        "une",
        "réforme",
        "des",
        "retraites",
        "selon",
        "ministre",
        "Paris",
        "élections",
        "régionales",
        "président",
        "syndicats",
        "manifestation",
        "économie",
        "croissance",
        "chômage",
        "baisse",
        "hausse",
        "prix",
        "énergie",
        "européenne",
        "Bruxelles",
        "accord",
        "négociations",
        "député",
        "Sénat",
        "vote",
        "budget",
        "santé",
        "hôpital",
        "école",
        "enseignants",
        "grève",
        "transport",
        "SNCF",
        "police",
        "enquête",
        "justice",
        "tribunal",
        "climat",
        "sécheresse",
        "agriculteurs",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    let mut out = String::with_capacity(bytes + 1024);
    let mut id = 0;
    while out.len() < bytes {
        let mut text = String::new();
        for _ in 0..(40 + next(80)) {
            text.push_str(WORDS[next(WORDS.len())]);
            if next(9) == 0 {
                text.push_str(&format!(" {}", next(100_000)));
            }
            text.push(if next(12) == 0 { '.' } else { ' ' });
            text.push(' ');
        }
        out.push_str(&format!(
            "{{\"id\": {id}, \"text\": \"{}\"}}\n",
            text.trim()
        ));
        id += 1;
    }
    out
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// `ok <index>` or the error kind, for every record of `dir` read by `builder`.
fn kinds(builder: &ReaderBuilder, dir: &Path) -> Vec<String> {
    builder
        .build(vec![Input::Path(dir.to_path_buf())])
        .map(|r| match r {
            Ok(rec) => format!(
                "ok {} {:?}",
                rec.source_path.rsplit('/').next().unwrap(),
                rec.source_index
            ),
            Err(e) => format!(
                "{} {}",
                e.kind().as_str(),
                e.source_path
                    .as_deref()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap()
            ),
        })
        .collect()
}

const NEXT: &str = "{\"text\": \"La suite est lue.\"}\n";

#[test]
fn gzip_of_200_mb_of_zeros_is_a_bomb_and_the_next_input_is_read() {
    let bomb = gzip_zeros(200);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt.gz", &bomb);
    // The same bomb behind a good record of a JSON Lines file: the record is kept.
    let mut jsonl = gzip(b"{\"text\": \"Avant la bombe.\"}\n");
    jsonl.extend_from_slice(&bomb);
    write(dir.path(), "b.jsonl.gz", &jsonl);
    write(dir.path(), "c.jsonl", NEXT.as_bytes());
    let got = kinds(&ReaderBuilder::new(), dir.path());
    assert_eq!(
        got,
        [
            "decompression_bomb a.txt.gz",
            "ok b.jsonl.gz Some(0)",
            "decompression_bomb b.jsonl.gz",
            "ok c.jsonl Some(0)"
        ]
    );
}

#[test]
fn zstd_of_200_mb_of_zeros_is_a_bomb_and_the_next_input_is_read() {
    let bomb = zstd_zeros(200);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.zst", &bomb);
    write(dir.path(), "b.jsonl", NEXT.as_bytes());
    let got = kinds(&ReaderBuilder::new(), dir.path());
    assert_eq!(got, ["decompression_bomb a.zst", "ok b.jsonl Some(0)"]);
}

#[test]
fn byte_cap_alone_stops_a_bomb_without_reading_it_whole() {
    // Ratio check off and no per-document cap: only max_input_bytes stops the stream.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt.gz", &gzip_zeros(200));
    write(dir.path(), "b.zst", &zstd_zeros(200));
    write(dir.path(), "c.jsonl", NEXT.as_bytes());
    let got = kinds(
        ReaderBuilder::new()
            .max_doc_bytes(u64::MAX)
            .max_expansion_ratio(f64::INFINITY)
            .max_input_bytes(8 * MIB as u64),
        dir.path(),
    );
    assert_eq!(
        got,
        [
            "decompression_bomb a.txt.gz",
            "decompression_bomb b.zst",
            "ok c.jsonl Some(0)"
        ]
    );
    let err = ReaderBuilder::new()
        .max_expansion_ratio(f64::INFINITY)
        .max_input_bytes(8 * MIB as u64)
        .build(vec![Input::Path(dir.path().join("a.txt.gz"))])
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        err.message()
            .contains("decompressed more than 8388608 bytes"),
        "{}",
        err.message()
    );
}

#[test]
fn ordinary_gzip_and_zstd_jsonl_still_read() {
    let text = ordinary_jsonl(3 * MIB);
    let records = text.lines().count();
    let gz = gzip(text.as_bytes());
    let zst = zstd_long(text.as_bytes());
    assert!(text.len() / gz.len() < 20 && text.len() / zst.len() < 20);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jsonl.gz", &gz);
    write(dir.path(), "b.jsonl.zst", &zst);
    let got = kinds(&ReaderBuilder::new(), dir.path());
    assert_eq!(got.len(), 2 * records);
    assert!(got.iter().all(|k| k.starts_with("ok ")), "{got:?}");
}

#[test]
fn small_limits_trigger_on_modest_inputs() {
    let text = ordinary_jsonl(3 * MIB);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jsonl.gz", &gzip(text.as_bytes()));
    write(dir.path(), "b.jsonl.zst", &zstd_long(text.as_bytes()));
    // A byte cap below the input's size: some records, then one bomb error per input.
    let got = kinds(ReaderBuilder::new().max_input_bytes(100_000), dir.path());
    let bombs: Vec<&String> = got.iter().filter(|k| !k.starts_with("ok ")).collect();
    assert_eq!(
        bombs,
        [
            "decompression_bomb a.jsonl.gz",
            "decompression_bomb b.jsonl.zst"
        ]
    );
    let ok = got.len() - 2;
    assert!(ok > 0 && ok < text.lines().count(), "{ok} records");
    // An expansion ratio below the text's own (~3×): stopped after 1 MiB.
    let got = kinds(ReaderBuilder::new().max_expansion_ratio(1.5), dir.path());
    assert_eq!(
        got.iter().filter(|k| !k.starts_with("ok ")).count(),
        2,
        "{got:?}"
    );
    // A cap exactly at the decompressed size still reads everything.
    let got = kinds(
        ReaderBuilder::new().max_input_bytes(text.len() as u64),
        dir.path(),
    );
    assert!(got.iter().all(|k| k.starts_with("ok ")), "{got:?}");
    assert_eq!(got.len(), 2 * text.lines().count());
}

#[test]
fn oversize_line_in_a_compressed_file_is_one_error_and_the_file_goes_on() {
    let big = "x".repeat(5000);
    let jsonl = format!("{{\"text\": \"un\"}}\n{{\"text\": \"{big}\"}}\n{{\"text\": \"trois\"}}\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.jsonl.gz", &gzip(jsonl.as_bytes()));
    write(dir.path(), "b.jsonl.zst", &zstd_long(jsonl.as_bytes()));
    let got = kinds(ReaderBuilder::new().max_doc_bytes(1000), dir.path());
    assert_eq!(
        got,
        [
            "ok a.jsonl.gz Some(0)",
            "too_large a.jsonl.gz",
            "ok a.jsonl.gz Some(2)",
            "ok b.jsonl.zst Some(0)",
            "too_large b.jsonl.zst",
            "ok b.jsonl.zst Some(2)",
        ]
    );
}
