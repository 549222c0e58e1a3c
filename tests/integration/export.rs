//! `toolkit export` on the sample scrapes and on bad inputs.

use toolkit_export::{Cell, Date};

use crate::util::{assert_exit, export_samples, s, table, toolkit};

#[test]
fn samples_give_five_articles_with_their_metadata() {
    let (_dir, out) = export_samples();
    for name in ["articles", "sentences", "mentions", "removed", "errors"] {
        assert!(
            out.join(format!("{name}.parquet")).is_file(),
            "{name} table missing"
        );
    }
    let articles = table(&out, "articles");
    assert_eq!(articles.rows.len(), 5);

    let col = |name: &str| articles.column_index(name).unwrap();
    let month_2022_01 = articles
        .rows
        .iter()
        .filter(|r| {
            r[col("published")]
                == Cell::Date(Date {
                    year: 2022,
                    month: 1,
                    day: 1,
                })
                && s(&r[col("published_precision")]) == Some("month")
        })
        .count();
    assert_eq!(month_2022_01, 4);

    let seed0 = articles
        .rows
        .iter()
        .find(|r| s(&r[col("source_path")]).unwrap().contains("000_"))
        .expect("seed 000 exported");
    assert_eq!(s(&seed0[col("dateline_place")]), Some("BRUXELLES"));
    assert_eq!(s(&seed0[col("agency")]), Some("Reuters"));
    assert_eq!(
        seed0[col("authors")],
        Cell::List(vec!["Robin Emmott".into()])
    );
    assert_eq!(
        seed0[col("translators")],
        Cell::List(vec!["Jean-Stéphane Brosse".into()])
    );
    let text = s(&seed0[col("text")]).unwrap();
    assert!(
        text.starts_with("Les ministres"),
        "seed 000 text starts: {:?}",
        &text[..60.min(text.len())]
    );
    assert!(
        !text.contains("Reportage Robin Emmott"),
        "credit left in the text"
    );

    for row in &articles.rows {
        let text = s(&row[col("text")]).unwrap();
        assert!(
            !text.contains("date 2022-01"),
            "header left in {:?}",
            s(&row[col("source_path")])
        );
        assert_eq!(row[col("n_chars")], Cell::UInt(text.chars().count() as u64));
    }
    assert!(table(&out, "errors").rows.is_empty());
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["parquet", "csv"] {
        let mut files = Vec::new();
        for jobs in ["1", "2"] {
            let out = dir.path().join(format!("{format}-{jobs}"));
            let run = toolkit(
                &[
                    "export",
                    "data/samples",
                    "-o",
                    out.to_str().unwrap(),
                    "--format",
                    format,
                    "--jobs",
                    jobs,
                ],
                b"",
            );
            assert_exit(&run, 0);
            let mut bytes = Vec::new();
            for name in ["articles", "sentences", "mentions", "removed", "errors"] {
                bytes.push(std::fs::read(out.join(format!("{name}.{format}"))).unwrap());
            }
            files.push(bytes);
        }
        assert!(
            files[0] == files[1],
            "{format} output differs between --jobs 1 and --jobs 2"
        );
    }
}

#[test]
fn bad_inputs_become_error_rows_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a_good.txt"),
        "PARIS (AFP) - Le gouvernement a annoncé un plan.",
    )
    .unwrap();
    std::fs::write(input.join("b_empty.txt"), "").unwrap();
    std::fs::write(
        input.join("c_binary.bin"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0",
    )
    .unwrap();
    std::fs::write(
        input.join("d_records.jsonl"),
        "{\"id\": 1, \"text\": \"Premier article.\"}\n{broken\n{\"id\": 3, \"text\": \"Troisième article.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("tables");
    let missing = dir.path().join("does-not-exist.txt");
    let run = toolkit(
        &[
            "export",
            input.to_str().unwrap(),
            missing.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_exit(&run, 1);
    let articles = table(&out, "articles");
    let ids: Vec<Option<&str>> = articles
        .column("source_id")
        .unwrap()
        .into_iter()
        .map(s)
        .collect();
    assert_eq!(ids, [None, Some("1"), Some("3")]);
    let errors = table(&out, "errors");
    let kinds: Vec<&str> = errors
        .column("kind")
        .unwrap()
        .into_iter()
        .map(|c| s(c).unwrap())
        .collect();
    assert_eq!(errors.rows.len(), 4, "errors: {:?}", errors.rows);
    assert!(kinds.contains(&"empty"), "{kinds:?}");
    assert!(kinds.contains(&"binary"), "{kinds:?}");
    assert!(kinds.contains(&"json"), "{kinds:?}");
    let broken = errors
        .rows
        .iter()
        .find(|r| s(&r[2]) == Some("json"))
        .unwrap();
    assert_eq!(
        broken[1],
        Cell::UInt(1),
        "the broken JSONL line is record 1"
    );
    for row in &errors.rows {
        assert!(!s(&row[3]).unwrap().is_empty(), "every error has a message");
    }
}

#[test]
fn usage_errors_exit_2() {
    let run = toolkit(&["export", "data/samples"], b"");
    assert_exit(&run, 2);
    let run = toolkit(
        &["export", "data/samples", "-o", "x", "--format", "xlsx"],
        b"",
    );
    assert_exit(&run, 2);
}

#[test]
fn no_half_written_table_is_left_under_a_final_name() {
    let (_dir, out) = export_samples();
    let leftovers: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}
