//! A text column encoded ahead of its rows, through its bytes, writes the table the rows would.

use toolkit_export::{
    read_parquet, ArticleRow, EncodedColumn, Error, Format, RowBatch, TableWriter, WriterOptions,
};

fn article(i: usize) -> ArticleRow {
    // Texts of 0 to ~40 KB: a batch of 100 holds more than one 1 MiB page.
    let text = "Les ministres de l'Otan se sont réunis à Bruxelles. ".repeat((i * 37) % 800);
    ArticleRow {
        article_id: format!("{i:016x}"),
        source_path: "scrapes/a.jsonl".into(),
        source_index: Some(i as u64),
        site: Some(["a.fr", "b.fr"][i % 2].into()),
        encoding: "UTF-8".into(),
        encoding_decided_by: "utf8_valid".into(),
        n_chars: text.chars().count() as u64,
        text,
        ..ArticleRow::default()
    }
}

/// The batches of `rows` (100 rows each) encoded ahead: their texts as pages through bytes, the
/// rows without them.
fn ahead_batches(rows: &[ArticleRow], options: &WriterOptions) -> Vec<Vec<u8>> {
    rows.chunks(100)
        .map(|chunk| {
            let column = EncodedColumn::<ArticleRow>::encode(
                "text",
                chunk.iter().map(|r| r.text.as_str()),
                options,
            )
            .unwrap();
            assert_eq!(column.rows(), chunk.len());
            let mut bytes = Vec::new();
            column.to_bytes(&mut bytes);
            bytes
        })
        .collect()
}

#[test]
fn a_text_column_encoded_ahead_writes_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let options = WriterOptions::default();
    let rows: Vec<ArticleRow> = (0..350).map(article).collect();
    for sub in ["plain", "ahead"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }

    let mut plain = TableWriter::<ArticleRow>::create(&dir.path().join("plain"), &options).unwrap();
    for chunk in rows.chunks(100) {
        let mut batch = RowBatch::<ArticleRow>::new(&options);
        for r in chunk {
            batch.push(r);
        }
        plain.push_batch(batch.encode().unwrap()).unwrap();
    }
    let plain = read_parquet(&plain.finish().unwrap()).unwrap();

    let mut ahead = TableWriter::<ArticleRow>::create(&dir.path().join("ahead"), &options).unwrap();
    let encoded = ahead_batches(&rows, &options);
    // Two batches' columns appended into one batch, then one on its own.
    let mut columns = encoded
        .iter()
        .map(|b| EncodedColumn::<ArticleRow>::from_bytes("text", b).unwrap());
    let mut first = columns.next().unwrap();
    first.append(columns.next().unwrap());
    for (range, column) in [(0..200, first), (200..300, columns.next().unwrap())]
        .into_iter()
        .chain(std::iter::once((300..350, columns.next().unwrap())))
    {
        let mut batch = RowBatch::<ArticleRow>::new(&options);
        for r in &rows[range] {
            batch.push(&ArticleRow {
                text: String::new(),
                ..r.clone()
            });
        }
        ahead
            .push_batch(batch.encode_with(column).unwrap())
            .unwrap();
    }
    let ahead = read_parquet(&ahead.finish().unwrap()).unwrap();

    assert_eq!(plain.columns, ahead.columns);
    assert_eq!(plain.rows.len(), 350);
    assert_eq!(plain.rows, ahead.rows);
}

#[test]
fn a_column_encoded_ahead_refuses_what_it_cannot_be() {
    let options = WriterOptions::default();
    let rows: Vec<ArticleRow> = (0..100).map(article).collect();
    let texts = || rows.iter().map(|r| r.text.as_str());
    let bad = |r: Result<EncodedColumn<ArticleRow>, Error>| {
        matches!(r.unwrap_err(), Error::EncodedColumn(_))
    };
    // Not a column, a dictionary-encoded one, a number; CSV has no pages.
    assert!(bad(EncodedColumn::encode("nope", texts(), &options)));
    assert!(bad(EncodedColumn::encode("site", texts(), &options)));
    assert!(bad(EncodedColumn::encode("n_chars", texts(), &options)));
    let csv = WriterOptions {
        format: Format::Csv,
        ..WriterOptions::default()
    };
    assert!(bad(EncodedColumn::encode("text", texts(), &csv)));

    let bytes = &ahead_batches(&rows, &options)[0];
    assert!(EncodedColumn::<ArticleRow>::from_bytes("text", bytes).is_ok());
    // Cut anywhere, one byte more, a bad flag, another column's name: errors, not panics.
    for cut in [0, 1, 8, 23, 24, 60, bytes.len() / 2, bytes.len() - 1] {
        assert!(
            bad(EncodedColumn::from_bytes("text", &bytes[..cut])),
            "cut at {cut}"
        );
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(bad(EncodedColumn::from_bytes("text", &longer)));
    let mut huge_count = bytes.clone();
    huge_count[16..24].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(bad(EncodedColumn::from_bytes("text", &huge_count)));
    assert!(bad(EncodedColumn::from_bytes("title", bytes)));

    // A batch of another row count, a CSV batch.
    let column = || EncodedColumn::<ArticleRow>::from_bytes("text", bytes).unwrap();
    let mut short = RowBatch::<ArticleRow>::new(&options);
    short.push(&rows[0]);
    assert!(matches!(
        short.encode_with(column()),
        Err(Error::EncodedColumn(_))
    ));
    let mut csv_batch = RowBatch::<ArticleRow>::new(&csv);
    for r in &rows {
        csv_batch.push(r);
    }
    assert!(matches!(
        csv_batch.encode_with(column()),
        Err(Error::EncodedColumn(_))
    ));
}
