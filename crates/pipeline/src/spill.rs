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

use toolkit_export::{ArticleRow, EncodedColumn};

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

/// Article rows written once, read back once in the same order, deleted on drop: in groups, one per
/// batch of documents of the main pass, each a head frame (its row count and, when the articles table
/// is Parquet and not partitioned, the rows' texts as compressed pages) then a frame per row.
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

    /// Appends a group's head frame to `out` (on any thread): the number of rows that follow and
    /// the bytes of their texts' pages ([`EncodedColumn::to_bytes`]), if the rows were serialized
    /// without their texts.
    pub(crate) fn group_head(
        out: &mut Vec<u8>,
        rows: u64,
        pages: Option<EncodedColumn<ArticleRow>>,
    ) {
        let start = begin_frame(out, rows);
        if let Some(pages) = pages {
            pages.to_bytes(out);
        }
        end_frame(out, start);
    }

    /// Appends a row's frame to `out` (on any thread), after its group's head: the length of its
    /// text (0 when the text is in the group's pages), the length of its body and the body.
    pub(crate) fn serialize_into(out: &mut Vec<u8>, row: &ArticleRow) {
        let start = begin_frame(out, row.text.len() as u64);
        // Strings, numbers, options and lists into memory: bincode has nothing to refuse.
        bincode::serialize_into(&mut *out, row).expect("an article row serializes into memory");
        end_frame(out, start);
    }

    /// Appends a group: its head ([`Spill::group_head`]) and its rows ([`Spill::serialize_into`]),
    /// in two writes.
    pub(crate) fn push_group(&mut self, head: &[u8], rows: &[u8]) -> Result<(), Error> {
        self.file.write_items(head, 1)?;
        self.file.write_items(rows, 0)
    }

    /// Closes the file and reads the groups back in order, their rows to be decoded with
    /// [`RowFrame::decode`] (on any thread: the reading thread only copies bytes).
    pub(crate) fn groups(
        self,
    ) -> Result<impl Iterator<Item = Result<SpillGroup, Error>> + Send, Error> {
        let file: Arc<Path> = self.file.path().into();
        self.file.into_items(move |reader| {
            let (rows, pages) = read_frame(reader)?;
            let mut bytes = pages.range.len();
            // A damaged count reads frames until the end of the file, then fails; it does not
            // reserve room for them.
            let mut frames = Vec::with_capacity((rows as usize).min(1 << 12));
            for _ in 0..rows {
                let (text_bytes, body) = read_frame(reader)?;
                // Saturating: a damaged text length must not overflow (the batching only reads it).
                bytes = bytes
                    .saturating_add(usize::try_from(text_bytes).unwrap_or(usize::MAX))
                    .saturating_add(body.range.len());
                frames.push(RowFrame {
                    body,
                    file: Arc::clone(&file),
                });
            }
            Ok(SpillGroup {
                pages: (!pages.range.is_empty()).then_some(pages),
                rows: frames,
                bytes,
                file: Arc::clone(&file),
            })
        })
    }
}

/// One group of article rows read back from a [`Spill`], not yet decoded.
pub(crate) struct SpillGroup {
    pages: Option<Bytes>,
    pub(crate) rows: Vec<RowFrame>,
    /// The bytes of its frames plus the rows' texts: what the groups are batched by.
    pub(crate) bytes: usize,
    file: Arc<Path>,
}

impl SpillGroup {
    /// The rows' texts as pages, if they were spilled so (the rows' own texts are then empty).
    pub(crate) fn pages(&self) -> Result<Option<EncodedColumn<ArticleRow>>, Error> {
        self.pages
            .as_ref()
            .map(|p| {
                EncodedColumn::from_bytes("text", p.as_slice()).map_err(|e| Error::Spill {
                    path: self.file.to_path_buf(),
                    source: std::io::Error::other(e),
                })
            })
            .transpose()
    }
}

/// One article row read back from a [`Spill`], not yet decoded.
pub(crate) struct RowFrame {
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

    fn rows() -> Vec<ArticleRow> {
        ["Premier article.", "", "Le troisième, accentué."]
            .iter()
            .enumerate()
            .map(|(i, text)| ArticleRow {
                article_id: format!("{i:016x}"),
                source_index: Some(i as u64),
                authors: vec!["A. Auteur".into()],
                text: text.to_string(),
                ..ArticleRow::default()
            })
            .collect()
    }

    /// A group of `rows` appended to `spill`, their texts as pages if `ahead`.
    fn push(spill: &mut Spill, rows: &[ArticleRow], ahead: bool) {
        let (mut head, mut body) = (Vec::new(), Vec::new());
        let pages = ahead.then(|| {
            EncodedColumn::encode(
                "text",
                rows.iter().map(|r| r.text.as_str()),
                &toolkit_export::WriterOptions::default(),
            )
            .unwrap()
        });
        Spill::group_head(&mut head, rows.len() as u64, pages);
        for r in rows {
            let text = if ahead { String::new() } else { r.text.clone() };
            Spill::serialize_into(&mut body, &ArticleRow { text, ..r.clone() });
        }
        spill.push_group(&head, &body).unwrap();
    }

    #[test]
    fn groups_come_back_in_order_with_their_rows_and_pages() {
        let dir = tempfile::tempdir().unwrap();
        let rows = rows();
        let mut spill = Spill::create(dir.path(), ".articles.1").unwrap();
        push(&mut spill, &rows[..1], false);
        push(&mut spill, &rows[1..], true);
        push(&mut spill, &[], false);
        let groups: Vec<SpillGroup> = spill.groups().unwrap().map(Result::unwrap).collect();
        assert_eq!(groups.len(), 3);
        // The first group's row has its text; the second's texts are in its pages.
        assert!(groups[0].pages().unwrap().is_none());
        let back: Vec<ArticleRow> = groups[0].rows.iter().map(|f| f.decode().unwrap()).collect();
        assert_eq!(back, rows[..1]);
        assert_eq!(groups[1].pages().unwrap().unwrap().rows(), 2);
        let back: Vec<ArticleRow> = groups[1].rows.iter().map(|f| f.decode().unwrap()).collect();
        let without_text: Vec<ArticleRow> = rows[1..]
            .iter()
            .map(|r| ArticleRow {
                text: String::new(),
                ..r.clone()
            })
            .collect();
        assert_eq!(back, without_text);
        assert!(groups[2].rows.is_empty() && groups[2].pages().unwrap().is_none());
        assert!(groups[0].bytes > 16 && groups[1].bytes > groups[0].bytes);
        drop(groups);
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "spill deleted"
        );
    }

    #[test]
    fn damaged_pages_are_a_spill_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::create(dir.path(), ".articles.1").unwrap();
        let pages = EncodedColumn::encode(
            "text",
            ["un texte"],
            &toolkit_export::WriterOptions::default(),
        )
        .unwrap();
        let mut head = Vec::new();
        Spill::group_head(&mut head, 0, Some(pages));
        // The pages' column index (after the frame's 16 bytes) becomes another column's.
        head[16] ^= 1;
        spill.push_group(&head, &[]).unwrap();
        let groups: Vec<SpillGroup> = spill.groups().unwrap().map(Result::unwrap).collect();
        assert!(matches!(groups[0].pages(), Err(Error::Spill { .. })));
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
        let (mut head, mut bytes) = (Vec::new(), Vec::new());
        Spill::group_head(&mut head, 1, None);
        Spill::serialize_into(&mut bytes, &row);
        // "é" (C3 A9) becomes a lone continuation byte (A9 A9).
        let at = bytes.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
        bytes[at] = 0xA9;
        let mut spill = Spill::create(dir.path(), ".articles.1").unwrap();
        spill.push_group(&head, &bytes).unwrap();
        let groups: Vec<SpillGroup> = spill.groups().unwrap().map(Result::unwrap).collect();
        assert!(matches!(
            groups[0].rows[0].decode(),
            Err(Error::Spill { .. })
        ));
    }
}
