//! Running the binary and reading its tables.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use toolkit_export::{read_parquet, Cell, TableData};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/data`, or `None` (with a message) when this checkout has no shared data beside it.
pub fn shared_data(what: &str) -> Option<PathBuf> {
    let dir = repo().join("../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {what} needs ../shared/data, which is absent here");
        None
    }
}

/// Runs `toolkit ARGS` in the repository root with `stdin` as standard input.
pub fn toolkit(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_toolkit"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the toolkit binary runs");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Asserts the exit code, showing everything the binary said when it differs.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit code\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reads `DIR/NAME.parquet`.
pub fn table(dir: &Path, name: &str) -> TableData {
    read_parquet(&dir.join(format!("{name}.parquet"))).unwrap()
}

/// The string in a cell, or `None` for a null.
pub fn s(cell: &Cell) -> Option<&str> {
    match cell {
        Cell::Str(s) => Some(s),
        Cell::Null => None,
        other => panic!("not a string: {other:?}"),
    }
}

/// Runs `toolkit export data/samples -o TMP/tables` (exit 0 expected) and returns the folder, kept alive
/// by the returned guard.
pub fn export_samples() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tables");
    let run = toolkit(
        &["export", "data/samples", "-o", out.to_str().unwrap()],
        b"",
    );
    assert_exit(&run, 0);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("5 articles"), "summary line: {stderr}");
    (dir, out)
}
