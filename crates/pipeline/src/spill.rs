//! A temporary file of article rows for the corpus passes that must see every article before the
//! articles table can be written (dedup). It keeps memory flat whatever the corpus size.
//!
//! Rows are stored with bincode (their serde fields in order, strings length-prefixed): the file is
//! read back once by the same binary, and unlike JSON it needs no escaping or number formatting, so
//! writing and reading it back costs little next to the rest of the run.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use toolkit_export::ArticleRow;

use crate::error::Error;

/// Article rows written once, read back once in the same order, deleted on drop.
pub(crate) struct Spill {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    rows: u64,
}

impl Spill {
    /// A new spill file in `dir` (the output folder, so the data stays on the disk the user chose).
    /// `prefix` starts the file name ([`toolkit_export::Layout::temp_prefix`]).
    pub(crate) fn create(dir: &Path, prefix: &str) -> Result<Spill, Error> {
        let path = dir.join(format!("{prefix}.spill.tmp"));
        let file = File::create(&path).map_err(|source| Error::Spill {
            path: path.clone(),
            source,
        })?;
        Ok(Spill {
            path,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
            rows: 0,
        })
    }

    fn err(&self, source: std::io::Error) -> Error {
        Error::Spill {
            path: self.path.clone(),
            source,
        }
    }

    /// Serializes a row into `out` (on any thread), for [`Spill::push_serialized`].
    pub(crate) fn serialize_into(out: &mut Vec<u8>, row: &ArticleRow) -> Result<(), Error> {
        bincode::serialize_into(out, row).map_err(|e| Error::Spill {
            path: PathBuf::new(),
            source: io_error(e),
        })
    }

    /// Appends `rows` rows serialized with [`Spill::serialize_into`].
    pub(crate) fn push_serialized(&mut self, bytes: &[u8], rows: u64) -> Result<(), Error> {
        let out = self.out.as_mut().expect("spill written after being read");
        out.write_all(bytes).map_err(|e| Error::Spill {
            path: self.path.clone(),
            source: e,
        })?;
        self.rows += rows;
        Ok(())
    }

    /// Closes the file and reads the rows back in order.
    pub(crate) fn rows(mut self) -> Result<impl Iterator<Item = Result<ArticleRow, Error>>, Error> {
        if let Some(out) = self.out.take() {
            // Flushed, not synced: the file is read back by this process (through the page
            // cache) and deleted; durability would only add a wait for the disk.
            out.into_inner().map_err(|e| self.err(e.into_error()))?;
        }
        let file = File::open(&self.path).map_err(|e| self.err(e))?;
        Ok(SpillRows {
            reader: BufReader::with_capacity(1 << 20, file),
            left: self.rows,
            spill: self,
        })
    }
}

/// The I/O error inside a bincode error (a full disk stays a full disk), or the error itself.
#[allow(clippy::boxed_local)] // bincode's error type is a Box
fn io_error(e: bincode::Error) -> std::io::Error {
    match *e {
        bincode::ErrorKind::Io(e) => e,
        other => std::io::Error::other(other),
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

struct SpillRows {
    reader: BufReader<File>,
    left: u64,
    spill: Spill,
}

impl Iterator for SpillRows {
    type Item = Result<ArticleRow, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(bincode::deserialize_from(&mut self.reader).map_err(|e| self.spill.err(io_error(e))))
    }
}
