//! Real data from ../shared/data/orangesum (skipped with a message when absent).

use std::path::PathBuf;

use toolkit_ingest::{FieldNames, Input, ReaderBuilder};

fn shared(file: &str) -> Option<PathBuf> {
    let base = std::env::var_os("TOOLKIT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        });
    let path = base.join(file);
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (set TOOLKIT_SHARED_DATA to the shared data folder)",
            path.display()
        );
        None
    }
}

#[test]
fn thousand_clean_orangesum_bodies_are_byte_identical() {
    let Some(path) = shared("orangesum/parsed.jsonl.zst") else {
        return;
    };
    let fields = FieldNames {
        text: "article".into(),
        ..FieldNames::default()
    };
    let ing = crate::ingester();
    let mut n = 0;
    for rec in ReaderBuilder::new()
        .fields(fields)
        .build(vec![Input::Path(path)])
        .take(1000)
    {
        let rec = rec.expect("parsed.jsonl.zst record");
        let toolkit_ingest::Body::Text(article) = rec.body else {
            panic!("JSON gives text")
        };
        let fixed = ing.fix(&article);
        assert_eq!(fixed.repairs, 0, "record {:?}", rec.source_index);
        assert!(
            fixed.text == article,
            "record {:?} changed",
            rec.source_index
        );
        n += 1;
    }
    assert_eq!(n, 1000);
}

#[test]
fn long_window_zstd_jsonl_streams() {
    let Some(path) = shared("orangesum/raw_text_naive.jsonl.zst") else {
        return;
    };
    let ing = crate::ingester();
    let docs: Vec<_> = ReaderBuilder::new()
        .build(vec![Input::Path(path)])
        .take(200)
        .map(|r| {
            ing.ingest(r.expect("raw_text_naive record"))
                .expect("ingests")
        })
        .collect();
    assert_eq!(docs.len(), 200);
    let sites: Vec<&str> = docs.iter().filter_map(|d| d.site.as_deref()).collect();
    assert!(
        sites.len() > 150 && sites.iter().all(|s| s.ends_with(".orange.fr")),
        "{sites:?}"
    );
    assert!(docs.iter().all(|d| d.language.as_deref() == Some("fr")));
    let with_agency_line = docs
        .iter()
        .filter(|d| {
            d.published
                .as_ref()
                .is_some_and(|p| p.source == "agency_line")
        })
        .count();
    // 100 of the first 200 pages carry `AGENCY, publié le ...` (measured).
    assert!(with_agency_line >= 90, "{with_agency_line}");
}
