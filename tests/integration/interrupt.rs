//! Interrupted and failing exports: `kill -9` in the middle of a run and a full disk leave no
//! table under a final name, and a rerun gives the complete output.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{assert_exit, repo, toolkit};

/// The five tables, under their final names.
const TABLES: [&str; 5] = ["articles", "sentences", "mentions", "removed", "errors"];

/// A JSON Lines corpus of `n` synthetic articles (the five samples, each made distinct), big enough
/// that an export is still running when it is killed.
fn corpus(path: &Path, n: usize) {
    let samples: Vec<String> = (0..5)
        .map(|i| {
            let dir = repo().join("data/samples");
            let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            std::fs::read_to_string(&names[i]).unwrap()
        })
        .collect();
    let mut out = String::new();
    for i in 0..n {
        let text = format!(
            "Dépêche numéro {i} du fil.\n\n{}\n\nFin de la dépêche {i}.",
            samples[i % samples.len()]
        );
        out.push_str(&serde_json::json!({ "id": i.to_string(), "text": text }).to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Asserts that `dir` holds no table under a final name, only hidden temporary files.
fn assert_no_final_table(dir: &Path) {
    for name in names(dir) {
        assert!(
            name.starts_with('.') && name.ends_with(".tmp"),
            "{name} under a final name in {}: {:?}",
            dir.display(),
            names(dir)
        );
    }
}

fn export(input: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "export",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    toolkit(&args, b"")
}

#[test]
fn kill_9_leaves_no_partial_table_and_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    corpus(&input, 20_000);

    // Kill the run once it has started writing its temporary tables.
    let out = dir.path().join("tables");
    let mut child = Command::new(env!("CARGO_BIN_EXE_toolkit"))
        .args([
            "export",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = Instant::now();
    let mut killed_mid_run = false;
    while t.elapsed() < Duration::from_secs(300) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if names(&out).iter().any(|n| n.ends_with(".tmp")) {
            // Let it write some row groups first.
            std::thread::sleep(Duration::from_millis(200));
            killed_mid_run = child.try_wait().unwrap().is_none();
            child.kill().unwrap(); // SIGKILL
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    assert!(
        killed_mid_run,
        "the export ended ({status:?}) before it could be killed: make the corpus bigger"
    );
    assert_no_final_table(&out);
    let leftovers = names(&out);
    assert!(
        !leftovers.is_empty(),
        "nothing was being written when killed"
    );

    // The rerun needs no --force (no table is in place); it removes the dead run's temporary files.
    let rerun = export(&input, &out, &[]);
    assert_exit(&rerun, 0);

    // The same corpus exported without interruption gives the same bytes.
    let clean = dir.path().join("clean");
    assert_exit(&export(&input, &clean, &[]), 0);
    for t in TABLES {
        let name = format!("{t}.parquet");
        let a = std::fs::read(out.join(&name)).unwrap();
        let b = std::fs::read(clean.join(&name)).unwrap();
        assert!(a == b, "{name} differs after an interrupted run");
    }
    let after: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        after.is_empty(),
        "temporary files left after the rerun (the killed run had {leftovers:?}): {after:?}"
    );
}

/// Unmounts on drop, so a failing assertion does not leave the mount behind.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_a_clear_error_and_leaves_no_corrupt_table() {
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
        .arg(&small)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: a full disk needs `mount -t tmpfs`, which is not permitted here");
        return;
    }
    let _mount = Mount(small.clone());
    let input = dir.path().join("corpus.jsonl");
    corpus(&input, 20_000);
    let out = small.join("tables");
    let run = export(&input, &out, &[]);
    assert_exit(&run, 2);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("No space left on device"),
        "the error should say the disk is full: {stderr}"
    );
    assert_no_final_table(&out);
    assert!(
        names(&out).is_empty(),
        "temporary files left on the full disk: {:?}",
        names(&out)
    );
}
