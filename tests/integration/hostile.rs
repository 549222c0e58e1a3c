//! Hostile inputs and outputs: formula cells in CSV, existing tables, paths that try to leave `-o DIR`.

use crate::util::{assert_exit, toolkit};

fn write_jsonl(path: &std::path::Path, lines: &[serde_json::Value]) {
    std::fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

#[test]
fn csv_safe_defuses_formulas_and_plain_csv_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    write_jsonl(
        &input,
        &[
            serde_json::json!({"id": "=HYPERLINK(\"http://x\")", "title": "@SUM(A1:A9)", "text": "=1+1 est une formule, pas un article."}),
        ],
    );
    let safe = dir.path().join("safe");
    let run = toolkit(
        &[
            "export",
            input.to_str().unwrap(),
            "-o",
            safe.to_str().unwrap(),
            "--format",
            "csv",
            "--csv-safe",
        ],
        b"",
    );
    assert_exit(&run, 0);
    let mut reader = csv::Reader::from_path(safe.join("articles.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let get = |name: &str| {
        row.get(header.iter().position(|h| h == name).unwrap())
            .unwrap()
            .to_string()
    };
    assert_eq!(get("source_id"), "'=HYPERLINK(\"http://x\")");
    assert_eq!(get("title"), "'@SUM(A1:A9)");
    assert!(get("text").starts_with("'=1+1"));
    for cell in row.iter() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "unsafe cell {cell:?}"
        );
    }

    let plain = dir.path().join("plain");
    assert_exit(
        &toolkit(
            &[
                "export",
                input.to_str().unwrap(),
                "-o",
                plain.to_str().unwrap(),
                "--format",
                "csv",
            ],
            b"",
        ),
        0,
    );
    let text = std::fs::read_to_string(plain.join("articles.csv")).unwrap();
    assert!(
        text.contains(",@SUM(A1:A9),"),
        "without --csv-safe the cell is kept as is"
    );
}

#[test]
fn an_output_folder_with_tables_is_refused_without_force_and_replaced_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    assert_exit(
        &toolkit(
            &["export", "data/samples", "-o", out.to_str().unwrap()],
            b"",
        ),
        0,
    );
    let before = std::fs::read(out.join("articles.parquet")).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();

    let run = toolkit(
        &[
            "export",
            "data/samples/000_d0e8c89997e5e85e.txt",
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_exit(&run, 2);
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("--force"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::fs::read(out.join("articles.parquet")).unwrap(),
        before,
        "refused run changed a table"
    );

    let run = toolkit(
        &[
            "export",
            "data/samples/000_d0e8c89997e5e85e.txt",
            "-o",
            out.to_str().unwrap(),
            "--force",
        ],
        b"",
    );
    assert_exit(&run, 0);
    assert_ne!(std::fs::read(out.join("articles.parquet")).unwrap(), before);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine",
        "other files are left alone"
    );
    let leftovers = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn clean_never_writes_outside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("work");
    let input = inside.join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(
        input.join("sub/a.txt"),
        "Le gouvernement a annoncé un plan.",
    )
    .unwrap();
    // An input given with `..` components and an absolute path.
    let dotted = format!("{}/in/sub/../sub/a.txt", inside.display());
    let out = inside.join("out");
    let run = toolkit(
        &[
            "clean",
            &dotted,
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_exit(&run, 0);
    let mut written = Vec::new();
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                written.push(p);
            }
        }
    }
    for p in &written {
        assert!(
            p.starts_with(&out) || p.starts_with(&input),
            "wrote outside the output folder: {}",
            p.display()
        );
    }
    assert!(out.join("sub/a.txt").is_file());

    // An output folder inside the input folder would be read back: refused.
    let run = toolkit(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            input.join("clean").to_str().unwrap(),
        ],
        b"",
    );
    assert_exit(&run, 2);
}

#[cfg(unix)]
#[test]
fn clean_refuses_to_write_through_a_symlink_in_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("sub")).unwrap();
    std::fs::write(
        input.join("sub/a.txt"),
        "Le gouvernement a annoncé un plan.",
    )
    .unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("sub")).unwrap();
    let run = toolkit(
        &[
            "clean",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert_exit(&run, 2);
    assert!(String::from_utf8_lossy(&run.stderr).contains("symbolic link"));
    assert_eq!(
        std::fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "wrote through the link"
    );
}

#[test]
fn a_decompression_bomb_is_an_error_row_and_the_run_goes_on() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..4 {
        gz.write_all(&vec![b' '; 1 << 20]).unwrap();
    }
    std::fs::write(input.join("a_bomb.txt.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        input.join("b_good.txt"),
        "Le gouvernement a annoncé un plan.",
    )
    .unwrap();
    let out = dir.path().join("tables");
    let run = toolkit(
        &[
            "export",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--max-input-bytes",
            "1000000",
        ],
        b"",
    );
    assert_exit(&run, 1);
    let errors = crate::util::table(&out, "errors");
    let kinds: Vec<&str> = errors
        .column("kind")
        .unwrap()
        .into_iter()
        .map(|c| crate::util::s(c).unwrap())
        .collect();
    assert_eq!(kinds, ["decompression_bomb"]);
    assert_eq!(crate::util::table(&out, "articles").rows.len(), 1);
}
