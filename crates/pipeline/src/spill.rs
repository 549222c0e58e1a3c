//! A temporary file of article rows (JSON Lines) for the corpus passes that must see every article
//! before the articles table can be written (dedup). It keeps memory flat whatever the corpus size.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use toolkit_export::ArticleRow;

use crate::error::Error;

/// Article rows written once, read back once in the same order, deleted on drop.
pub(crate) struct Spill {
    path: PathBuf,
    out: Option<BufWriter<File>>,
}

impl Spill {
    /// A new spill file in `dir` (the output folder, so the data stays on the disk the user chose).
    pub(crate) fn create(dir: &Path) -> Result<Spill, Error> {
        let path = dir.join(format!(".articles.{}.spill.tmp", std::process::id()));
        let file = File::create(&path).map_err(|source| Error::Spill {
            path: path.clone(),
            source,
        })?;
        Ok(Spill {
            path,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn err(&self, source: std::io::Error) -> Error {
        Error::Spill {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends a row.
    pub(crate) fn push(&mut self, row: &ArticleRow) -> Result<(), Error> {
        let out = self.out.as_mut().expect("spill written after being read");
        let written = serde_json::to_writer(&mut *out, row)
            .map_err(std::io::Error::other)
            .and_then(|_| out.write_all(b"\n"));
        written.map_err(|e| self.err(e))
    }

    /// Closes the file and reads the rows back in order.
    pub(crate) fn rows(mut self) -> Result<impl Iterator<Item = Result<ArticleRow, Error>>, Error> {
        if let Some(out) = self.out.take() {
            out.into_inner()
                .map_err(|e| e.into_error())
                .and_then(|f| f.sync_data())
                .map_err(|e| self.err(e))?;
        }
        let file = File::open(&self.path).map_err(|e| self.err(e))?;
        let reader = BufReader::with_capacity(1 << 20, file);
        Ok(SpillRows {
            lines: reader.lines(),
            spill: self,
        })
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

struct SpillRows {
    lines: std::io::Lines<BufReader<File>>,
    spill: Spill,
}

impl Iterator for SpillRows {
    type Item = Result<ArticleRow, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        let line = self.lines.next()?;
        Some(line.map_err(|e| self.spill.err(e)).and_then(|l| {
            serde_json::from_str(&l).map_err(|e| self.spill.err(std::io::Error::other(e)))
        }))
    }
}
