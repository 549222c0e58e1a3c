//! Bad inputs give one error each and the run goes on.

use std::io::Write;

use toolkit_ingest::{Input, ReaderBuilder};

fn kinds(inputs: Vec<Input>, max: u64) -> Vec<String> {
    let ing = crate::ingester();
    ReaderBuilder::new()
        .max_doc_bytes(max)
        .build(inputs)
        .map(|r| match r.and_then(|rec| ing.ingest(rec)) {
            Ok(d) => format!("ok {}", d.text),
            Err(e) => e.kind().as_str().to_string(),
        })
        .collect()
}

#[test]
fn each_bad_input_is_one_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    std::fs::write(p("1-empty.txt"), b"").unwrap();
    std::fs::write(p("2-blank.txt"), b"  \n\n ").unwrap();
    std::fs::write(
        p("3-binary.bin"),
        [
            0x7F, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0, 1, 0, 0, 0,
        ],
    )
    .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(
        "Un texte assez long pour être compressé. "
            .repeat(50)
            .as_bytes(),
    )
    .unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(p("4-truncated.txt.gz"), &gz[..gz.len() / 2]).unwrap();
    std::fs::write(p("5-big.txt"), "x".repeat(2000)).unwrap();
    std::fs::write(p("6-invalid.txt"), b"caf\xC3\xA9 ch\xC3\xA8re \xFF ok").unwrap();
    std::fs::write(p("7-ok.txt"), "Tout va bien.").unwrap();
    let big_line = format!(
        "{{\"text\": \"{}\"}}\n{{\"text\": \"après\"}}\n",
        "y".repeat(5000)
    );
    std::fs::write(p("8-big.jsonl"), big_line).unwrap();
    let mut inputs = vec![Input::Path(dir.path().to_path_buf())];
    inputs.push(Input::Path(p("missing.txt")));
    let got = kinds(inputs, 1000);
    assert_eq!(
        got,
        [
            "empty",
            "empty",
            "binary",
            "decompress",
            "too_large",
            "ok café chère \u{FFFD} ok",
            "ok Tout va bien.",
            "too_large",
            "ok après",
            "not_found",
        ]
    );
}

#[test]
fn invalid_bytes_are_counted_repairs() {
    let d = crate::ingester()
        .ingest(toolkit_ingest::Record::from_bytes(
            "x",
            b"caf\xC3\xA9 cr\xC3\xA8me \xFF ok, c'est la vie".to_vec(),
        ))
        .unwrap();
    assert_eq!(
        (d.text.as_str(), d.encoding),
        ("café crème \u{FFFD} ok, c'est la vie", "UTF-8")
    );
    assert_eq!(d.mojibake_repairs, 1);
}

#[test]
fn hundred_megabyte_single_line_is_too_large_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    f.write_all(b"{\"text\": \"").unwrap();
    let chunk = "a".repeat(1 << 20);
    for _ in 0..100 {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    f.write_all(b"\"}\n{\"text\": \"suite\"}\n").unwrap();
    drop(f);
    assert_eq!(
        kinds(vec![Input::Path(path)], 1 << 20),
        ["too_large", "ok suite"]
    );
}

#[test]
fn a_plain_file_above_the_cap_is_refused_from_its_size_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let sparse = std::fs::File::create(dir.path().join("sparse.txt")).unwrap();
    sparse.set_len(8 << 30).unwrap(); // 8 GiB of holes
    drop(sparse);
    std::fs::write(dir.path().join("z.txt"), "Après le trou.").unwrap();
    let t = std::time::Instant::now();
    // A cap of 4 GiB: reading up to it would take seconds and 4 GiB of memory.
    assert_eq!(
        kinds(vec![Input::Path(dir.path().to_path_buf())], 4 << 30),
        ["too_large", "ok Après le trou."]
    );
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
}

#[test]
fn a_fifo_in_a_walked_folder_is_an_error_and_is_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Avant le tube.").unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("b-fifo"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    std::fs::write(dir.path().join("c.txt"), "Après le tube.").unwrap();
    let ing = crate::ingester();
    // Opening the FIFO would block for ever (nobody writes to it).
    let got: Vec<String> = ReaderBuilder::new()
        .build(vec![Input::Path(dir.path().to_path_buf())])
        .map(|r| match r.and_then(|rec| ing.ingest(rec)) {
            Ok(d) => format!("ok {}", d.text),
            Err(e) => format!("{} {}", e.kind().as_str(), e.message()),
        })
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0], "ok Avant le tube.");
    assert!(
        got[1].starts_with("io ")
            && got[1].contains("b-fifo")
            && got[1].contains("not a regular file"),
        "{got:?}"
    );
    assert_eq!(got[2], "ok Après le tube.");
}

/// Found by fuzzing (`tests/fuzz-regressions/ingest/html-only-metadata-empty-text`): a document
/// whose whole text is metadata was a document with empty text instead of an `empty` error.
#[test]
fn a_document_made_only_of_metadata_is_empty() {
    let ing = crate::ingester();
    for raw in [
        "<html><head><title>Le titre</title></head><body><p>Le titre</p></body></html>",
        " date 2022-01 ",
    ] {
        let got = ing.ingest(toolkit_ingest::Record::from_bytes(
            "p.html",
            raw.as_bytes().to_vec(),
        ));
        match got {
            Ok(d) => panic!("{raw:?} gave a document with text {:?}", d.text),
            Err(e) => assert_eq!(e.kind().as_str(), "empty", "{raw:?}: {e}"),
        }
    }
}
