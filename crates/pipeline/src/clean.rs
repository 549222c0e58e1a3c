//! `toolkit clean INPUT... -o DIR`: one clean `.txt` per document, mirroring the input tree.

use std::path::{Component, Path, PathBuf};
use toolkit_export::ErrorRow;
use toolkit_ingest::Input;

use crate::error::Error;
use crate::pipeline::{Pipeline, Processed};
use crate::progress::{Progress, Stats};

/// What a clean run did.
#[derive(Clone, Debug, Default)]
pub struct CleanSummary {
    /// Counters.
    pub stats: Stats,
    /// One row per input that could not be read or decoded.
    pub errors: Vec<ErrorRow>,
    /// Files written, in input order.
    pub written: Vec<PathBuf>,
}

/// Where the clean text of a document goes under `out_dir`: the document's path relative to the input
/// it was found under, with `.txt` as extension; a record of a JSONL/CSV file becomes
/// `<file stem>/<record number>.txt`. Only plain path components are kept (no `..`, no root), so the
/// result always lies inside `out_dir`.
pub fn output_path(
    out_dir: &Path,
    roots: &[String],
    source_path: &str,
    source_index: Option<u64>,
) -> PathBuf {
    let rel = roots
        .iter()
        .filter(|r| r.as_str() != "-")
        .filter_map(|r| {
            let root = Path::new(r);
            let p = Path::new(source_path);
            if p == root {
                // A file given directly: keep its name only.
                p.file_name().map(PathBuf::from)
            } else {
                p.strip_prefix(root).ok().map(Path::to_path_buf)
            }
        })
        .next()
        .unwrap_or_else(|| {
            PathBuf::from(if source_path == "-" {
                "stdin"
            } else {
                source_path
            })
        });
    let mut out = out_dir.to_path_buf();
    for c in rel.components() {
        if let Component::Normal(part) = c {
            out.push(part);
        }
    }
    if out == out_dir {
        out.push("document");
    }
    match source_index {
        Some(i) => {
            out.set_extension("");
            out.push(format!("{i:08}.txt"));
        }
        None => {
            out.set_extension("txt");
        }
    }
    out
}

impl Pipeline {
    /// Cleans every input and writes one `.txt` per document under `out_dir` (see [`output_path`]).
    /// Refuses an output folder inside an input folder (it would be read back) and never writes over
    /// an input file.
    pub fn clean_to_dir(
        &self,
        inputs: Vec<Input>,
        out_dir: &Path,
        progress: &dyn Progress,
    ) -> Result<CleanSummary, Error> {
        std::fs::create_dir_all(out_dir).map_err(|source| Error::OutputDir {
            path: out_dir.to_path_buf(),
            source,
        })?;
        let out_canon = out_dir.canonicalize().map_err(|source| Error::OutputDir {
            path: out_dir.to_path_buf(),
            source,
        })?;
        let mut roots = Vec::new();
        for input in &inputs {
            match input {
                Input::Path(p) => {
                    if let Ok(c) = p.canonicalize() {
                        if c.is_dir() && out_canon.starts_with(&c) {
                            return Err(Error::Config(format!(
                                "the output folder {} is inside the input folder {}",
                                out_dir.display(),
                                p.display()
                            )));
                        }
                    }
                    roots.push(p.to_string_lossy().replace('\\', "/"));
                }
                Input::Stdin => roots.push("-".into()),
            }
        }
        let mut errors = Vec::new();
        let mut written = Vec::new();
        let stats = self.clean_each(inputs, progress, |item, _| {
            match item {
                Ok(p) => {
                    let a = &p.article;
                    let path = output_path(out_dir, &roots, &a.source_path, a.source_index);
                    if path.canonicalize().is_ok_and(|c| {
                        Path::new(&a.source_path)
                            .canonicalize()
                            .is_ok_and(|s| s == c)
                    }) {
                        return Err(Error::Config(format!(
                            "refusing to overwrite the input {}",
                            a.source_path
                        )));
                    }
                    write_file(&path, &a.text, &out_canon)?;
                    written.push(path);
                }
                Err(e) => errors.push(e),
            }
            Ok(())
        })?;
        Ok(CleanSummary {
            stats,
            errors,
            written,
        })
    }

    /// Runs ingest and cleaning over `inputs` (learning chrome first when that is on and the inputs
    /// can be read twice) and hands each document's rows, or its `errors` row, to `sink` in input order.
    pub fn clean_each<S>(
        &self,
        inputs: Vec<Input>,
        progress: &dyn Progress,
        mut sink: S,
    ) -> Result<Stats, Error>
    where
        S: FnMut(Result<Processed, ErrorRow>, &mut Stats) -> Result<(), Error>,
    {
        let (normalizer, _) = self.corpus_normalizer(&inputs)?;
        self.stream_processed(
            inputs,
            None,
            normalizer.as_ref(),
            progress,
            None,
            |item, stats| {
                match &item {
                    Ok(p) => {
                        stats.documents += 1;
                        stats.removed += p.removed.len() as u64;
                    }
                    Err(_) => stats.errors += 1,
                }
                sink(item, stats)
            },
        )
    }
}

/// Writes `text` to `path` through a temporary file and a rename. `out_canon` is the canonical output
/// folder: a symbolic link already inside it that points elsewhere is refused, so nothing is ever
/// written outside the folder.
fn write_file(path: &Path, text: &str, out_canon: &Path) -> Result<(), Error> {
    let io = |source| Error::OutputDir {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
        let real = parent.canonicalize().map_err(io)?;
        if !real.starts_with(out_canon) {
            return Err(Error::Config(format!(
                "{} leads outside the output folder (through a symbolic link); refusing to write",
                path.display()
            )));
        }
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::Config(format!(
            "{} is a symbolic link; refusing to write through it",
            path.display()
        )));
    }
    let tmp = path.with_extension(format!("txt.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_mirror_the_tree_and_stay_inside_the_folder() {
        let out = Path::new("out");
        let roots = vec![
            "data/samples".to_string(),
            "feeds/a.jsonl".to_string(),
            "../x.txt".to_string(),
        ];
        assert_eq!(
            output_path(out, &roots, "data/samples/sub/000.txt", None),
            Path::new("out/sub/000.txt")
        );
        assert_eq!(
            output_path(out, &roots, "data/samples/page.html", None),
            Path::new("out/page.txt")
        );
        assert_eq!(
            output_path(out, &roots, "feeds/a.jsonl", Some(3)),
            Path::new("out/a/00000003.txt")
        );
        assert_eq!(
            output_path(out, &roots, "../x.txt", None),
            Path::new("out/x.txt")
        );
        // Paths no root explains still cannot climb out.
        assert_eq!(
            output_path(out, &[], "../../etc/passwd", None),
            Path::new("out/etc/passwd.txt")
        );
        assert_eq!(
            output_path(out, &[], "/abs/file", None),
            Path::new("out/abs/file.txt")
        );
        assert_eq!(
            output_path(out, &["-".into()], "-", Some(0)),
            Path::new("out/stdin/00000000.txt")
        );
    }
}
