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
