//! `--shard K/N` and `--partition-by`: three shards written into one folder read back, as a hive
//! dataset, the same rows as one run over everything.

use std::path::{Path, PathBuf};

use toolkit_export::{read_parquet, Table};

use crate::util::{assert_exit, repo, table, toolkit};

/// A JSON Lines corpus of 60 articles made from the five samples, published over three years and
/// several months, so that every shard and several partitions get rows.
fn corpus(dir: &Path) -> PathBuf {
    let samples: Vec<String> = (0..5)
        .map(|i| {
            let name = std::fs::read_dir(repo().join("data/samples"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    let name = p.file_name().unwrap().to_string_lossy();
                    name.starts_with(&format!("00{i}"))
                })
                .unwrap();
            std::fs::read_to_string(name).unwrap()
        })
        .collect();
    let mut lines = String::new();
    for n in 0..60 {
        let date = format!("{}-{:02}-{:02}", 2019 + n % 3, 1 + n % 5, 1 + n % 27);
        let text = format!("{}\n\nDépêche numéro {n}.", samples[n % 5]);
        let record = serde_json::json!({"id": format!("a{n}"), "date": date, "text": text});
        lines.push_str(&record.to_string());
        lines.push('\n');
    }
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, lines).unwrap();
    path
}

/// Every part file of `table` under `dataset`, with the partition folders between.
fn part_files(dataset: &Path, table: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dataset.join(table)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The rows of a table as sorted debug strings: a multiset that does not depend on file order.
fn rows_of(files: &[PathBuf]) -> Vec<String> {
    let mut rows: Vec<String> = files
        .iter()
        .flat_map(|f| read_parquet(f).unwrap().rows)
        .map(|r| format!("{r:?}"))
        .collect();
    rows.sort();
    rows
}

#[test]
fn three_shards_make_the_dataset_of_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = corpus(tmp.path());
    let input = input.to_str().unwrap();
    let single = tmp.path().join("single");
    let dataset = tmp.path().join("dataset");
    // Dedup works within a shard only (see the README), so it is off for the comparison.
    let common = ["--dedup", "off", "--date-field", "date", "-q"];
    let run = |out: &Path, extra: &[&str]| {
        let mut args = vec!["export", input, "-o", out.to_str().unwrap()];
        args.extend_from_slice(&common);
        args.extend_from_slice(extra);
        toolkit(&args, b"")
    };
    assert_exit(&run(&single, &[]), 0);
    for k in 1..=3 {
        let shard = format!("{k}/3");
        assert_exit(
            &run(&dataset, &["--shard", &shard, "--partition-by", "month"]),
            0,
        );
    }

    for t in Table::ALL {
        let name = t.name();
        let files = part_files(&dataset, name);
        // Each shard wrote its own part files, never another's.
        for f in &files {
            let file = f.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                file.starts_with("part-0000") && file.ends_with("-of-00003.parquet"),
                "{}",
                f.display()
            );
        }
        let single_rows = rows_of(&[single.join(format!("{name}.parquet"))]);
        assert_eq!(rows_of(&files), single_rows, "table {name}");
        if t != Table::Errors {
            assert!(!single_rows.is_empty(), "table {name} is empty");
            // Hive-style folders: published_year=YYYY/published_month=M.
            for f in &files {
                let rel = f.strip_prefix(dataset.join(name)).unwrap();
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                assert_eq!(parts.len(), 3, "{}", rel.display());
                assert!(parts[0].starts_with("published_year="), "{}", rel.display());
                assert!(
                    parts[1].starts_with("published_month="),
                    "{}",
                    rel.display()
                );
            }
        }
    }
    // Three years, five months each: the articles are spread over 15 partition folders, and each
    // article sits in the folder of its own publication month.
    let articles = part_files(&dataset, "articles");
    let folders: std::collections::BTreeSet<_> =
        articles.iter().map(|f| f.parent().unwrap()).collect();
    assert_eq!(folders.len(), 15);
    for f in &articles {
        let t = read_parquet(f).unwrap();
        let i = t.column_index("published").unwrap();
        let folder = f.parent().unwrap().to_string_lossy().into_owned();
        for row in &t.rows {
            let toolkit_export::Cell::Date(d) = &row[i] else {
                panic!("published is a date");
            };
            let want = format!("published_year={}/published_month={}", d.year, d.month);
            assert!(folder.ends_with(&want), "{folder} vs {want}");
        }
    }

    // A shard rerun is refused without --force; with it, only that shard's files are replaced.
    let again = run(&dataset, &["--shard", "2/3", "--partition-by", "month"]);
    assert_exit(&again, 2);
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_exit(
        &run(
            &dataset,
            &["--shard", "2/3", "--partition-by", "month", "--force"],
        ),
        0,
    );
    let single_articles = rows_of(&[single.join("articles.parquet")]);
    assert_eq!(rows_of(&part_files(&dataset, "articles")), single_articles);
    assert_eq!(table(&single, "articles").rows.len(), 60);
}

#[test]
fn bad_shards_are_usage_errors() {
    for bad in ["0/3", "4/3", "x", "1/0"] {
        let out = toolkit(
            &["export", "data/samples", "-o", "unused", "--shard", bad],
            b"",
        );
        assert_exit(&out, 2);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("shard"),
            "{bad}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
