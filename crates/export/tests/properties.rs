//! Property: export then read gives the same rows, for any strings (empty, NUL, any plane, quotes,
//! newlines), nulls, lists and row-group sizes.

use proptest::prelude::*;
use toolkit_export::{
    read_parquet, ArticleRow, Cell, Date, ErrorRow, Row, TableWriter, Value, WriterOptions,
};

fn expected<R: Row>(row: &R, n: usize) -> Vec<Cell> {
    (0..n)
        .map(|col| match row.value(col) {
            Value::Str(s) => s.map_or(Cell::Null, |s| Cell::Str(s.into())),
            Value::U32(v) => v.map_or(Cell::Null, |v| Cell::UInt(v.into())),
            Value::U64(v) => v.map_or(Cell::Null, Cell::UInt),
            Value::F32(v) => v.map_or(Cell::Null, |v| Cell::Float(v.into())),
            Value::Date(d) => d.map_or(Cell::Null, Cell::Date),
            Value::List(l) => Cell::List(l.to_vec()),
        })
        .collect()
}

fn roundtrip<R: Row + Clone>(rows: &[R], row_group_bytes: usize) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let options = WriterOptions {
        row_group_bytes,
        ..WriterOptions::default()
    };
    let mut w = TableWriter::<R>::create(dir.path(), &options).unwrap();
    for r in rows {
        w.push(r.clone()).unwrap();
    }
    let table = read_parquet(&w.finish().unwrap()).unwrap();
    prop_assert_eq!(table.rows.len(), rows.len());
    for (row, read) in rows.iter().zip(&table.rows) {
        prop_assert_eq!(read, &expected(row, table.columns.len()));
    }
    Ok(())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        "[a-zé«»\"',;\\n\\r\\t\u{0} \u{a0}😀]{0,40}",
    ]
}

fn article() -> impl Strategy<Value = ArticleRow> {
    (
        (
            text(),
            text(),
            proptest::option::of(any::<u64>()),
            proptest::option::of(text()),
        ),
        proptest::collection::vec(text(), 0..4),
        proptest::option::of((1i32..9999, 1u32..13, 1u32..29)),
        (
            any::<u32>(),
            proptest::option::of(any::<u64>()),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |((id, body, index, title), authors, date, (n, removed, dup))| ArticleRow {
                article_id: id,
                source_path: "p".into(),
                source_index: index,
                title,
                published: date.map(|(year, month, day)| Date { year, month, day }),
                authors,
                text: body,
                n_paragraphs: n,
                removed_chars: removed,
                duplicate_of: dup,
                ..ArticleRow::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn articles_come_back_cell_for_cell(
        rows in proptest::collection::vec(article(), 0..20),
        group in 1usize..5000,
    ) {
        roundtrip(&rows, group)?;
    }

    #[test]
    fn errors_come_back_cell_for_cell(
        rows in proptest::collection::vec(
            (text(), proptest::option::of(any::<u64>()), text(), text())
                .prop_map(|(source_path, source_index, kind, message)| ErrorRow { source_path, source_index, kind, message }),
            0..30,
        ),
        group in 1usize..5000,
    ) {
        roundtrip(&rows, group)?;
    }
}
