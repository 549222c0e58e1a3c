//! Property: export then read gives the same rows, for any strings (empty, NUL, any plane, quotes,
//! newlines), nulls, lists and row-group sizes, whether rows are pushed one by one or encoded in
//! batches elsewhere ([`RowBatch`]) and both ways mixed.

use proptest::prelude::*;
use toolkit_export::{
    read_parquet, ArticleRow, Cell, Date, ErrorRow, RemovedRow, Row, RowBatch, TableWriter, Value,
    WriterOptions,
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
    roundtrip_batched(rows, row_group_bytes, &[])
}

/// Writes `rows` in runs: the `k`-th run has `runs[k]` rows, pushed one by one when `k` is even and
/// as one encoded [`RowBatch`] when it is odd; rows after the last run are pushed one by one.
fn roundtrip_batched<R: Row + Clone>(
    rows: &[R],
    row_group_bytes: usize,
    runs: &[usize],
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let options = WriterOptions {
        row_group_bytes,
        ..WriterOptions::default()
    };
    let mut w = TableWriter::<R>::create(dir.path(), &options).unwrap();
    let mut left = rows;
    for (k, &n) in runs.iter().enumerate() {
        let (run, rest) = left.split_at(n.min(left.len()));
        left = rest;
        if k % 2 == 0 {
            for r in run {
                w.push(r.clone()).unwrap();
            }
        } else {
            let mut batch = RowBatch::<R>::new(&options);
            for r in run {
                batch.push(r);
            }
            prop_assert_eq!(batch.len(), run.len());
            w.push_batch(batch.encode().unwrap()).unwrap();
        }
    }
    for r in left {
        w.push(r.clone()).unwrap();
    }
    prop_assert_eq!(w.rows(), rows.len() as u64);
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
        // Dictionary-encoded columns: any text, few values, nulls.
        (
            text(),
            proptest::option::of(text()),
            proptest::option::of(prop_oneof![Just("AFP"), Just("Reuters")]),
        ),
    )
        .prop_map(
            |((id, body, index, title), authors, date, (n, removed, dup), (path, site, agency))| {
                ArticleRow {
                    article_id: id,
                    source_path: path,
                    site,
                    agency: agency.map(String::from),
                    source_index: index,
                    title,
                    published: date.map(|(year, month, day)| Date { year, month, day }),
                    authors,
                    text: body,
                    n_paragraphs: n,
                    removed_chars: removed,
                    duplicate_of: dup,
                    ..ArticleRow::default()
                }
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

    #[test]
    fn batches_and_single_rows_mix_in_order(
        rows in proptest::collection::vec(article(), 0..40),
        runs in proptest::collection::vec(0usize..8, 0..8),
        group in 1usize..20_000,
    ) {
        roundtrip_batched(&rows, group, &runs)?;
    }
}

/// Dictionary keys are kept in 1, 2 or 4 bytes as a row group's dictionary grows: more than 255 and
/// more than 65,535 distinct values, in batches, come back in order.
#[test]
fn dictionary_keys_widen_as_the_dictionary_grows() {
    let rows: Vec<RemovedRow> = (0..70_000u64)
        .map(|i| RemovedRow {
            article_id: format!("{:016x}", i / 7),
            char_start: i,
            char_end: i + 1,
            text: format!("segment {i}"),
            class: ["chrome", "metadata", "repeat"][(i % 3) as usize].into(),
            rule_id: format!("rule-{}", i % 300),
        })
        .collect();
    let runs = vec![10_000; 7];
    roundtrip_batched(&rows, usize::MAX, &runs).unwrap();
}

/// A column's small batches are gathered into pages on the writing thread while large batches arrive
/// as pages already made: mixed, they keep the rows in order.
#[test]
fn small_and_large_batches_mix_in_order() {
    let rows: Vec<RemovedRow> = (0..130_160u64)
        .map(|i| RemovedRow {
            article_id: format!("{:016x}", i / 50),
            char_start: i * 3,
            char_end: i * 3 + 2,
            text: format!("bloc {}", i % 997),
            class: "chrome".into(),
            rule_id: format!("r{}", i % 5),
        })
        .collect();
    // Odd runs are encoded batches: 100 and 50 rows (values), 40,000 rows (pages: 320 KB of offsets).
    let runs = [0, 100, 0, 40_000, 0, 50, 0, 40_000, 10, 40_000];
    roundtrip_batched(&rows, usize::MAX, &runs).unwrap();
}
