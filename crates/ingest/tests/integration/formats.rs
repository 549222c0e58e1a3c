//! Containers and compression: directories, JSON Lines, CSV, gzip, zstd.

use std::io::Write;
use std::path::Path;

use toolkit_ingest::{DecidedBy, FieldNames, Format, Input, Precision, ReaderBuilder};

use crate::{gzip, zstd_long};

const JSONL: &str = concat!(
    r#"{"id": 17, "url": "https://www.lemonde.fr/a", "date": "2020-07-03T00:59:02+02:00", "title": "Un titre", "text": "Le Premier ministre a d&eacute;missionn&eacute; vendredi matin."}"#,
    "\n\n",
    "{broken json\n",
    r#"{"id": "b", "text": "Deuxième texte en français, pour voir si tout va bien."}"#,
    "\n",
    r#"{"id": "c"}"#,
    "\n"
);

const CSV: &str = "id,text,url\n\
                   1,\"Le texte, avec une virgule, et des \"\"guillemets\"\".\",https://actu.orange.fr/x\n\
                   2,trop,de,colonnes\n\
                   3,Le troisième texte est là.,\n";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

fn check_jsonl(path: &Path) {
    let out = crate::read_all(vec![Input::Path(path.to_path_buf())]);
    let kinds: Vec<String> = out
        .iter()
        .map(|r| match r {
            Ok(d) => format!("ok {:?}", d.source_index),
            Err(e) => format!("{} {:?}", e.kind().as_str(), e.source_index),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "ok Some(0)",
            "json Some(1)",
            "ok Some(2)",
            "missing_field Some(3)"
        ]
    );
    let d = out[0].as_ref().unwrap();
    assert_eq!(d.text, "Le Premier ministre a démissionné vendredi matin.");
    assert_eq!(
        (d.source_id.as_deref(), d.site.as_deref()),
        (Some("17"), Some("lemonde.fr"))
    );
    assert_eq!(d.title.as_deref(), Some("Un titre"));
    assert_eq!(
        (d.encoding, d.decided_by, d.mojibake_repairs),
        ("UTF-8", DecidedBy::Container, 2)
    );
    let p = d.published.as_ref().unwrap();
    assert_eq!(
        (p.to_iso().as_str(), p.precision, p.source.as_str()),
        ("2020-07-03", Precision::Day, "field")
    );
    let e = out[1].as_ref().unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}: record 1: invalid JSON", d.source_path)),
        "{e}"
    );
}

#[test]
fn jsonl_plain_gzip_zstd_and_sniffed() {
    let dir = tempfile::tempdir().unwrap();
    check_jsonl(&write(dir.path(), "a.jsonl", JSONL.as_bytes()));
    check_jsonl(&write(dir.path(), "a.jsonl.gz", &gzip(JSONL.as_bytes())));
    check_jsonl(&write(
        dir.path(),
        "a.jsonl.zst",
        &zstd_long(JSONL.as_bytes()),
    ));
    // No telling extension: content decides (compression by magic bytes, then a JSON first line).
    check_jsonl(&write(dir.path(), "a.data", &zstd_long(JSONL.as_bytes())));
    check_jsonl(&write(dir.path(), "b.txt", &gzip(JSONL.as_bytes())));
}

#[test]
fn csv_plain_and_gzip() {
    let dir = tempfile::tempdir().unwrap();
    for path in [
        write(dir.path(), "a.csv", CSV.as_bytes()),
        write(dir.path(), "a.csv.gz", &gzip(CSV.as_bytes())),
    ] {
        let out = crate::read_all(vec![Input::Path(path)]);
        assert_eq!(out.len(), 3);
        let d = out[0].as_ref().unwrap();
        assert_eq!(d.text, "Le texte, avec une virgule, et des \"guillemets\".");
        assert_eq!(
            (d.source_id.as_deref(), d.site.as_deref()),
            (Some("1"), Some("actu.orange.fr"))
        );
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.kind().as_str(), e.source_index), ("csv", Some(1)));
        let d = out[2].as_ref().unwrap();
        assert_eq!(
            (d.text.as_str(), d.source_index, d.url.as_deref()),
            ("Le troisième texte est là.", Some(2), None)
        );
    }
}

#[test]
fn configurable_field_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "x.ndjson",
        br#"{"doc": 5, "article": "Un article.", "text": "pas lui"}"#,
    );
    let fields = FieldNames {
        text: "article".into(),
        id: "doc".into(),
        ..FieldNames::default()
    };
    let recs: Vec<_> = ReaderBuilder::new()
        .fields(fields)
        .build(vec![Input::Path(path)])
        .collect();
    let r = recs[0].as_ref().unwrap();
    assert_eq!(
        (r.source_id.as_deref(), r.body.clone()),
        (Some("5"), toolkit_ingest::Body::Text("Un article.".into()))
    );
}

#[test]
fn directories_recursive_sorted_hidden_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b/2.txt", "deux".as_bytes());
    write(dir.path(), "b/10.html", "dix".as_bytes());
    write(dir.path(), "a.txt", "a".as_bytes());
    write(dir.path(), "c/d/e.md", &gzip("profond".as_bytes()));
    write(dir.path(), ".cache/x.txt", "caché".as_bytes());
    let root = dir.path().to_string_lossy().into_owned();
    let recs: Vec<_> = ReaderBuilder::new()
        .build(vec![Input::from(root.as_str())])
        .collect();
    let paths: Vec<String> = recs
        .iter()
        .map(|r| {
            r.as_ref()
                .unwrap()
                .source_path
                .strip_prefix(&root)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(paths, ["/a.txt", "/b/10.html", "/b/2.txt", "/c/d/e.md"]);
    let out = crate::read_all(vec![Input::from(root.as_str())]);
    assert_eq!(out[3].as_ref().unwrap().text, "profond");
}

#[test]
fn forced_text_format_keeps_jsonl_as_one_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "a.jsonl", JSONL.as_bytes());
    let recs: Vec<_> = ReaderBuilder::new()
        .format(Format::Text)
        .build(vec![Input::Path(path)])
        .collect();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].as_ref().unwrap().source_index, None);
}
