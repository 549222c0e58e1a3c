//! Export then read gives the same rows; CSV has the documented layout; unfinished tables leave nothing.

use toolkit_export::{
    read_parquet, ArticleRow, Cell, Date, Format, MentionRow, Row, Table, TableWriter,
    WriterOptions, SCHEMA_VERSION,
};

fn article(i: u64) -> ArticleRow {
    ArticleRow {
        article_id: format!("{i:016x}"),
        source_path: "scrapes/a.jsonl".into(),
        source_index: Some(i),
        source_id: (i % 2 == 0).then(|| format!("id-{i}")),
        title: Some("L'Otan « réaffirme » son unité".into()),
        published: Some(Date {
            year: 2022,
            month: 1,
            day: 1,
        }),
        published_precision: Some("month".into()),
        authors: vec!["Robin Emmott".into()],
        translators: if i == 1 {
            vec!["Jean-Stéphane Brosse".into(), "A \"B\"".into()]
        } else {
            vec![]
        },
        encoding: "UTF-8".into(),
        encoding_decided_by: "utf8_valid".into(),
        text: format!("Les ministres, ligne {i}.\n\nDeuxième paragraphe, \"cité\"."),
        n_chars: 10,
        n_paragraphs: 2,
        ..ArticleRow::default()
    }
}

#[test]
fn parquet_round_trip_keeps_every_cell() {
    let dir = tempfile::tempdir().unwrap();
    // A tiny row-group size forces several row groups.
    let options = WriterOptions {
        row_group_bytes: 300,
        ..WriterOptions::default()
    };
    let mut w = TableWriter::<ArticleRow>::create(dir.path(), &options).unwrap();
    let rows: Vec<ArticleRow> = (0..5).map(article).collect();
    for r in rows.clone() {
        w.push(r).unwrap();
    }
    let path = w.finish().unwrap();
    let table = read_parquet(&path).unwrap();
    let names: Vec<&str> = Table::Articles.columns().iter().map(|c| c.name).collect();
    assert_eq!(table.columns, names);
    assert_eq!(table.rows.len(), 5);
    for (row, read) in rows.iter().zip(&table.rows) {
        for (col, cell) in read.iter().enumerate() {
            let expected = match row.value(col) {
                toolkit_export::Value::Str(s) => s.map_or(Cell::Null, |s| Cell::Str(s.into())),
                toolkit_export::Value::U32(v) => v.map_or(Cell::Null, |v| Cell::UInt(v.into())),
                toolkit_export::Value::U64(v) => v.map_or(Cell::Null, Cell::UInt),
                toolkit_export::Value::F32(v) => v.map_or(Cell::Null, |v| Cell::Float(v.into())),
                toolkit_export::Value::Date(d) => d.map_or(Cell::Null, Cell::Date),
                toolkit_export::Value::List(l) => Cell::List(l.to_vec()),
            };
            assert_eq!(cell, &expected, "column {}", table.columns[col]);
        }
    }
    let versions = table.column("schema_version").unwrap();
    assert!(versions
        .iter()
        .all(|c| **c == Cell::UInt(SCHEMA_VERSION.into())));
}

#[test]
fn empty_tables_still_have_their_schema() {
    let dir = tempfile::tempdir().unwrap();
    let w = TableWriter::<MentionRow>::create(dir.path(), &WriterOptions::default()).unwrap();
    let table = read_parquet(&w.finish().unwrap()).unwrap();
    assert_eq!(table.columns.len(), Table::Mentions.columns().len());
    assert!(table.rows.is_empty());
}

#[test]
fn csv_has_header_json_lists_and_iso_dates() {
    let dir = tempfile::tempdir().unwrap();
    let options = WriterOptions {
        format: Format::Csv,
        ..WriterOptions::default()
    };
    let mut w = TableWriter::<ArticleRow>::create(dir.path(), &options).unwrap();
    w.push(article(1)).unwrap();
    let path = w.finish().unwrap();
    assert_eq!(path.file_name().unwrap(), "articles.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "article_id");
    assert_eq!(header.len(), Table::Articles.columns().len());
    let rec = reader.records().next().unwrap().unwrap();
    let get = |name: &str| {
        rec.get(header.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(get("published"), "2022-01-01");
    assert_eq!(get("translators"), r#"["Jean-Stéphane Brosse","A \"B\""]"#);
    assert_eq!(
        get("text"),
        "Les ministres, ligne 1.\n\nDeuxième paragraphe, \"cité\"."
    );
    assert_eq!(get("duplicate_of"), "");
}

#[test]
fn an_unfinished_table_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut w =
            TableWriter::<ArticleRow>::create(dir.path(), &WriterOptions::default()).unwrap();
        w.push(article(0)).unwrap();
        // dropped without finish, as when a run fails
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn schema_doc_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/schema.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let generated = toolkit_export::schema_markdown();
    if on_disk != generated && std::env::var_os("TOOLKIT_BLESS").is_some() {
        std::fs::write(path, &generated).unwrap();
        return;
    }
    assert!(
        on_disk == generated,
        "docs/schema.md is stale: run `TOOLKIT_BLESS=1 cargo test --release --workspace --test roundtrip` \
         (or `cargo run --release -p toolkit-export --example schema_doc > docs/schema.md`)"
    );
}

/// The zstd levels change the file size, never the rows: `text_zstd_level` the long free-text
/// column only, `zstd_level` every other column only.
#[test]
fn zstd_levels_trade_size_only() {
    // Text of words drawn from a small vocabulary by a fixed pseudo-random sequence.
    let words = [
        "les",
        "ministres",
        "de",
        "la",
        "Défense",
        "Otan",
        "ont",
        "réaffirmé",
        "leur",
        "unité",
        "face",
        "à",
        "Russie",
        "jeudi",
        "Bruxelles",
        "selon",
        "un",
        "communiqué",
        "publié",
        "après",
        "réunion",
        "des",
        "alliés",
        "sur",
        "Ukraine",
        "et",
        "sécurité",
        "européenne",
    ];
    // (text level, other level) -> rows, and each column's compressed size.
    let write = |text_zstd_level: i32, zstd_level: i32| {
        let dir = tempfile::tempdir().unwrap();
        let options = WriterOptions {
            zstd_level,
            text_zstd_level,
            ..WriterOptions::default()
        };
        let mut w = TableWriter::<ArticleRow>::create(dir.path(), &options).unwrap();
        let mut seed = 12345u64;
        for i in 0..2_000 {
            let mut row = article(i);
            for _ in 0..60 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                row.text.push(' ');
                row.text
                    .push_str(words[(seed >> 33) as usize % words.len()]);
            }
            w.push(row).unwrap();
        }
        let path = w.finish().unwrap();
        let md =
            polars_parquet::read::read_metadata(&mut std::fs::File::open(&path).unwrap()).unwrap();
        let mut sizes = std::collections::BTreeMap::new();
        for group in &md.row_groups {
            for c in group.parquet_columns() {
                let name = c.descriptor().path_in_schema[0].to_string();
                *sizes.entry(name).or_insert(0) += c.compressed_size();
            }
        }
        (read_parquet(&path).unwrap().rows, sizes)
    };
    let (rows, base) = write(1, 3);
    let (text_19, text_sizes) = write(19, 3);
    let (other_19, other_sizes) = write(1, 19);
    assert_eq!(rows, text_19);
    assert_eq!(rows, other_19);
    // Only the text column changes with the text level, and it shrinks.
    for (name, size) in &base {
        let text = text_sizes[name];
        match name.as_str() {
            "text" => assert!(text < *size, "text at 19: {text} bytes, at 1: {size}"),
            _ => assert_eq!(text, *size, "{name} changed with the text level"),
        }
    }
    // The text column does not change with the other level; the others do (level 19 is not
    // smaller on such tiny pages, but it is not level 3's output).
    let others = |sizes: &std::collections::BTreeMap<String, i64>| -> i64 {
        sizes
            .iter()
            .filter(|(n, _)| *n != "text")
            .map(|(_, s)| s)
            .sum()
    };
    assert_eq!(other_sizes["text"], base["text"]);
    assert_ne!(others(&other_sizes), others(&base), "{other_sizes:?}");
}
