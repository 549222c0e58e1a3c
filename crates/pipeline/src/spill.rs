//! Temporary files written once and read back once, in order, by the same run: the article rows
//! that wait for dedup ([`Spill`]) and the documents the chrome-learning pass keeps
//! ([`crate::docspill::DocSpill`]). They keep memory flat whatever the corpus size.
//!
//! Rows are stored with bincode (their serde fields in order, strings length-prefixed): the file is
//! read back once by the same binary, and unlike JSON it needs no escaping or number formatting, so
//! writing and reading it back costs little next to the rest of the run.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use toolkit_export::ArticleRow;

use crate::error::Error;

/// A temporary file of items in the output folder (so the data stays on the disk the user chose):
/// appended to, then read back from the start, item by item; deleted on drop.
pub(crate) struct TempFile {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    items: u64,
}

impl TempFile {
    /// Creates `dir/name`.
    pub(crate) fn create(dir: &Path, name: &str) -> Result<TempFile, Error> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(|source| Error::Spill {
            path: path.clone(),
            source,
        })?;
        Ok(TempFile {
            path,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
            items: 0,
        })
    }

    /// The error for this file.
    fn err(&self, source: std::io::Error) -> Error {
        Error::Spill {
            path: self.path.clone(),
            source,
        }
    }

    /// Appends `items` items, already serialized.
    pub(crate) fn write_items(&mut self, bytes: &[u8], items: u64) -> Result<(), Error> {
        let out = self
            .out
            .as_mut()
            .expect("temporary file written after being read");
        out.write_all(bytes).map_err(|e| Error::Spill {
            path: self.path.clone(),
            source: e,
        })?;
        self.items += items;
        Ok(())
    }

    /// The file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the file for writing and reads the items back in order, each with `read`; the file is
    /// deleted once the iterator is dropped.
    pub(crate) fn into_items<T>(
        mut self,
        mut read: impl FnMut(&mut BufReader<File>) -> std::io::Result<T> + Send,
    ) -> Result<impl Iterator<Item = Result<T, Error>> + Send, Error> {
        if let Some(out) = self.out.take() {
            // Flushed, not synced: the file is read back by this process (through the page
            // cache) and deleted; durability would only add a wait for the disk.
            out.into_inner().map_err(|e| self.err(e.into_error()))?;
        }
        let file = File::open(&self.path).map_err(|e| self.err(e))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        Ok(std::iter::from_fn(move || {
            if self.items == 0 {
                return None;
            }
            self.items -= 1;
            Some(read(&mut reader).map_err(|e| {
                self.items = 0;
                self.err(e)
            }))
        }))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.out = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Article rows written once, read back once in the same order, deleted on drop.
pub(crate) struct Spill {
    file: TempFile,
}

impl Spill {
    /// A new spill file in `dir`; `prefix` starts its name
    /// ([`toolkit_export::Layout::temp_prefix`]).
    pub(crate) fn create(dir: &Path, prefix: &str) -> Result<Spill, Error> {
        Ok(Spill {
            file: TempFile::create(dir, &format!("{prefix}.spill.tmp"))?,
        })
    }

    /// Serializes a row into `out` (on any thread), for [`Spill::push_serialized`].
    pub(crate) fn serialize_into(out: &mut Vec<u8>, row: &ArticleRow) {
        // Strings, numbers, options and lists into memory: bincode has nothing to refuse.
        bincode::serialize_into(out, row).expect("an article row serializes into memory");
    }

    /// Appends `rows` rows serialized with [`Spill::serialize_into`].
    pub(crate) fn push_serialized(&mut self, bytes: &[u8], rows: u64) -> Result<(), Error> {
        self.file.write_items(bytes, rows)
    }

    /// Closes the file and reads the rows back in order.
    pub(crate) fn rows(
        self,
    ) -> Result<impl Iterator<Item = Result<ArticleRow, Error>> + Send, Error> {
        self.file
            .into_items(|reader| bincode::deserialize_from(reader).map_err(io_error))
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
