//! Temporary files written once and read back once, in order, by the same run: the article rows
//! that wait for dedup ([`Spill`]) and the documents the chrome-learning pass keeps
//! ([`crate::docspill::DocSpill`]). They keep memory flat whatever the corpus size.
//!
//! Items are stored with bincode (their serde fields in order, strings length-prefixed): the file is
//! read back once by the same binary, and unlike JSON it needs no escaping or number formatting, so
//! writing and reading it back costs little next to the rest of the run. Each item is a frame (a size
//! to batch by, the body's length, the body), so that the reading thread only reads blocks of the
//! file and the workers decode the frames in them.
//!
//! Neither side copies the bytes through a buffer of its own: items are written a batch at a time,
//! straight to the file, and read back in blocks of [`BLOCK`] bytes that the frames share (each
//! frame is a range of its block, which lives until its last frame is dropped).

use std::fs::File;
use std::io::{Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use toolkit_export::ArticleRow;

use crate::error::Error;

/// A temporary file of items in the output folder (so the data stays on the disk the user chose):
/// appended to, then read back from the start, item by item; deleted on drop.
pub(crate) struct TempFile {
    path: PathBuf,
    out: Option<File>,
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
            out: Some(file),
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

    /// Appends `items` items, already serialized (a batch of them, written straight to the file).
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
        mut read: impl FnMut(&mut Blocks) -> std::io::Result<T> + Send,
    ) -> Result<impl Iterator<Item = Result<T, Error>> + Send, Error> {
        // Closed, not synced: the file is read back by this process (through the page cache) and
        // deleted; durability would only add a wait for the disk.
        self.out = None;
        let file = File::open(&self.path).map_err(|e| self.err(e))?;
        let mut reader = Blocks::new(file).map_err(|e| self.err(e))?;
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

/// Starts a frame in `out`: a number the reader needs before decoding the body (a size to batch
/// by), then room for the body's length; the body follows, and [`end_frame`] writes its length.
pub(crate) fn begin_frame(out: &mut Vec<u8>, meta: u64) -> usize {
    out.extend_from_slice(&meta.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.len()
}

/// Ends the frame whose body started at `body_start` ([`begin_frame`]'s result).
pub(crate) fn end_frame(out: &mut [u8], body_start: usize) {
    let len = (out.len() - body_start) as u64;
    out[body_start - 8..body_start].copy_from_slice(&len.to_le_bytes());
}

/// Reads one frame: its number and its body.
pub(crate) fn read_frame(reader: &mut Blocks) -> std::io::Result<(u64, Bytes)> {
    let head = reader.next(16)?;
    let head = head.as_slice();
    let meta = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
    let len = u64::from_le_bytes(head[8..].try_into().expect("8 bytes"));
    let len = usize::try_from(len).map_err(|_| std::io::Error::other("frame too long"))?;
    Ok((meta, reader.next(len)?))
}

/// How many bytes of a temporary file are read at once (more when a frame is longer).
const BLOCK: usize = 1 << 20;

/// A temporary file read back in blocks, from which frames are taken without copying.
pub(crate) struct Blocks {
    file: File,
    /// The bytes of the file not read yet, so that a frame length past the end (a damaged file) is
    /// an error before anything is allocated for it.
    left: u64,
    block: Arc<Vec<u8>>,
    /// Where the next frame starts in `block`.
    at: usize,
}

impl Blocks {
    fn new(file: File) -> std::io::Result<Blocks> {
        Ok(Blocks {
            left: file.metadata()?.len(),
            file,
            block: Arc::new(Vec::new()),
            at: 0,
        })
    }

    /// The next `n` bytes.
    fn next(&mut self, n: usize) -> std::io::Result<Bytes> {
        if self.block.len() - self.at < n {
            self.refill(n)?;
        }
        let range = self.at..self.at + n;
        self.at += n;
        Ok(Bytes {
            block: Arc::clone(&self.block),
            range,
        })
    }

    /// A new block that starts with the bytes of this one not taken yet and holds at least `n`
    /// bytes; the file's bytes are read straight into it.
    fn refill(&mut self, n: usize) -> std::io::Result<()> {
        let rest = &self.block[self.at..];
        if (n - rest.len()) as u64 > self.left {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let mut next = Vec::with_capacity(BLOCK.max(n));
        next.extend_from_slice(rest);
        let room = (next.capacity() - next.len()) as u64;
        let read = (&mut self.file).take(room).read_to_end(&mut next)?;
        self.left = self.left.saturating_sub(read as u64);
        if next.len() < n {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.block = Arc::new(next);
        self.at = 0;
        Ok(())
    }
}

/// A frame's bytes: a range of the block they were read in.
pub(crate) struct Bytes {
    block: Arc<Vec<u8>>,
    range: Range<usize>,
}

impl Bytes {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.block[self.range.clone()]
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

    /// Appends a row's frame to `out` (on any thread), for [`Spill::push_serialized`]: the length of
    /// its text (what the rows are batched by when read back), the length of its body and the body.
    pub(crate) fn serialize_into(out: &mut Vec<u8>, row: &ArticleRow) {
        let start = begin_frame(out, row.text.len() as u64);
        // Strings, numbers, options and lists into memory: bincode has nothing to refuse.
        bincode::serialize_into(&mut *out, row).expect("an article row serializes into memory");
        end_frame(out, start);
    }

    /// Appends `rows` rows serialized with [`Spill::serialize_into`].
    pub(crate) fn push_serialized(&mut self, bytes: &[u8], rows: u64) -> Result<(), Error> {
        self.file.write_items(bytes, rows)
    }

    /// Closes the file and reads the rows' frames back in order, to be decoded with
    /// [`RowFrame::decode`] (on any thread: the reading thread only copies bytes).
    pub(crate) fn frames(
        self,
    ) -> Result<impl Iterator<Item = Result<RowFrame, Error>> + Send, Error> {
        let file: Arc<Path> = self.file.path().into();
        self.file.into_items(move |reader| {
            let (text_bytes, body) = read_frame(reader)?;
            Ok(RowFrame {
                text_bytes: text_bytes as usize,
                body,
                file: Arc::clone(&file),
            })
        })
    }
}

/// One article row read back from a [`Spill`], not yet decoded.
pub(crate) struct RowFrame {
    /// The length of the row's text.
    pub(crate) text_bytes: usize,
    body: Bytes,
    file: Arc<Path>,
}

impl RowFrame {
    /// The row.
    pub(crate) fn decode(&self) -> Result<ArticleRow, Error> {
        bincode::deserialize(self.body.as_slice()).map_err(|e| Error::Spill {
            path: self.file.to_path_buf(),
            source: io_error(e),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_in_order_with_their_text_length() {
        let dir = tempfile::tempdir().unwrap();
        let rows: Vec<ArticleRow> = ["Premier article.", "", "Le troisième, accentué."]
            .iter()
            .enumerate()
            .map(|(i, text)| ArticleRow {
                article_id: format!("{i:016x}"),
                source_index: Some(i as u64),
                authors: vec!["A. Auteur".into()],
                text: text.to_string(),
                ..ArticleRow::default()
            })
            .collect();
        let mut spill = Spill::create(dir.path(), ".articles.1").unwrap();
        let mut bytes = Vec::new();
        Spill::serialize_into(&mut bytes, &rows[0]);
        spill.push_serialized(&bytes, 1).unwrap();
        bytes.clear();
        Spill::serialize_into(&mut bytes, &rows[1]);
        Spill::serialize_into(&mut bytes, &rows[2]);
        spill.push_serialized(&bytes, 2).unwrap();
        let frames: Vec<RowFrame> = spill.frames().unwrap().map(Result::unwrap).collect();
        let lengths: Vec<usize> = frames.iter().map(|f| f.text_bytes).collect();
        assert_eq!(lengths, [16, 0, 25]);
        let back: Vec<ArticleRow> = frames.iter().map(|f| f.decode().unwrap()).collect();
        assert_eq!(back, rows);
        drop(frames);
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "spill deleted"
        );
    }

    /// A frame of number `meta` around `body`, appended to `out`.
    fn push_frame(out: &mut Vec<u8>, meta: u64, body: impl IntoIterator<Item = u8>) {
        let start = begin_frame(out, meta);
        out.extend(body);
        end_frame(out, start);
    }

    /// `bytes` written to a temporary file as `items` items and read back with [`read_frame`].
    fn read_back(bytes: &[u8], items: u64) -> Vec<Result<(u64, Bytes), Error>> {
        let dir = tempfile::tempdir().unwrap();
        let mut file = TempFile::create(dir.path(), "frames.tmp").unwrap();
        file.write_items(bytes, items).unwrap();
        file.into_items(read_frame).unwrap().collect()
    }

    #[test]
    fn frames_across_blocks_and_longer_than_a_block_come_back_whole() {
        // Frames of many lengths (one longer than a block), so that frames and frame heads
        // straddle the ends of blocks.
        let lengths: Vec<usize> = (0..700)
            .map(|i| (i * 7919) % 9000)
            .chain([BLOCK + 12_345, 3, 0])
            .collect();
        let body = |i: usize| (0..lengths[i]).map(move |k| (k * 31 + i) as u8);
        let mut bytes = Vec::new();
        for i in 0..lengths.len() {
            push_frame(&mut bytes, i as u64, body(i));
        }
        assert!(bytes.len() > 2 * BLOCK);
        let back = read_back(&bytes, lengths.len() as u64);
        assert_eq!(back.len(), lengths.len());
        for (i, frame) in back.into_iter().enumerate() {
            let (meta, bytes) = frame.unwrap();
            assert_eq!(meta, i as u64);
            let expected: Vec<u8> = body(i).collect();
            assert_eq!(bytes.as_slice(), expected.as_slice(), "frame {i}");
        }
    }

    #[test]
    fn a_cut_file_is_an_error() {
        let mut bytes = Vec::new();
        push_frame(&mut bytes, 1, *b"a body of 20 bytes..");
        bytes.truncate(bytes.len() - 1);
        assert!(matches!(
            read_back(&bytes, 1)[..],
            [Err(Error::Spill { .. })]
        ));
    }

    #[test]
    fn a_frame_length_past_the_end_is_an_error_not_an_allocation() {
        let mut bytes = Vec::new();
        push_frame(&mut bytes, 1, *b"body");
        // A damaged length: far more than any memory.
        bytes[8..16].copy_from_slice(&(u64::MAX / 4).to_le_bytes());
        assert!(matches!(
            read_back(&bytes, 1)[..],
            [Err(Error::Spill { .. })]
        ));
    }

    #[test]
    fn a_text_that_is_not_utf8_is_a_spill_error() {
        let dir = tempfile::tempdir().unwrap();
        let row = ArticleRow {
            text: "accentué".into(),
            ..ArticleRow::default()
        };
        let mut bytes = Vec::new();
        Spill::serialize_into(&mut bytes, &row);
        // "é" (C3 A9) becomes a lone continuation byte (A9 A9).
        let at = bytes.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
        bytes[at] = 0xA9;
        let mut spill = Spill::create(dir.path(), ".articles.1").unwrap();
        spill.push_serialized(&bytes, 1).unwrap();
        let frames: Vec<RowFrame> = spill.frames().unwrap().map(Result::unwrap).collect();
        assert!(matches!(frames[0].decode(), Err(Error::Spill { .. })));
    }
}
