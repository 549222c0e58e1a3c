//! The documents the chrome-learning pass ingests, kept in a temporary file for the main pass, so that
//! an export reads, decompresses, parses and ingests every input once instead of twice.
//!
//! Each item is one frame: the size of its input record (for batching and progress, exactly as when
//! reading the inputs), the length of its body, and the body: a bincode [`Document`], or the `errors`
//! row of an input that could not be read or ingested. Frames are written in input order by the
//! learning pass and read back once, in the same order, by the main pass; the file is deleted on drop.

use std::path::Path;
use std::sync::Arc;

use toolkit_export::ErrorRow;
use toolkit_ingest::Document;

use crate::error::Error;
use crate::spill::{begin_frame, end_frame, read_frame, Bytes, TempFile};

/// What a frame holds.
#[derive(serde::Serialize, serde::Deserialize)]
enum Kept {
    Document(Box<Document>),
    Error {
        source_path: String,
        source_index: Option<u64>,
        kind: String,
        message: String,
    },
}

/// The ingested documents (and error rows) of the learning pass, in input order.
pub(crate) struct DocSpill {
    file: TempFile,
}

/// One item read back: its record's size and its serialized body, from `file`.
pub(crate) struct Frame {
    pub(crate) record_bytes: usize,
    body: Bytes,
    file: Arc<Path>,
}

impl Frame {
    /// The document, or the error row in its place.
    pub(crate) fn decode(&self) -> Result<Result<Document, ErrorRow>, Error> {
        let kept: Kept = bincode::deserialize(self.body.as_slice()).map_err(|e| Error::Spill {
            path: self.file.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        Ok(match kept {
            Kept::Document(doc) => Ok(*doc),
            Kept::Error {
                source_path,
                source_index,
                kind,
                message,
            } => Err(ErrorRow {
                source_path,
                source_index,
                kind,
                message,
            }),
        })
    }
}

impl DocSpill {
    /// A new spill file in `dir` (the output folder, beside the tables being written); `prefix`
    /// starts its name ([`toolkit_export::Layout::temp_prefix`]).
    pub(crate) fn create(dir: &Path, prefix: &str) -> Result<DocSpill, Error> {
        Ok(DocSpill {
            file: TempFile::create(dir, &format!("{prefix}.documents.tmp"))?,
        })
    }

    /// Appends one item's frame to `out` (on any thread), for [`DocSpill::push_frames`].
    pub(crate) fn encode(
        out: &mut Vec<u8>,
        record_bytes: usize,
        item: Result<&Document, &ErrorRow>,
    ) {
        let start = begin_frame(out, record_bytes as u64);
        let result = match item {
            // Serialized through a borrowed twin of `Kept`, without cloning the document.
            Ok(doc) => bincode::serialize_into(&mut *out, &KeptRef::Document(doc)),
            Err(e) => bincode::serialize_into(
                &mut *out,
                &KeptRef::Error {
                    source_path: &e.source_path,
                    source_index: e.source_index,
                    kind: &e.kind,
                    message: &e.message,
                },
            ),
        };
        // Strings, numbers, options and lists into memory: bincode has nothing to refuse.
        result.expect("a document serializes into memory");
        end_frame(out, start);
    }

    /// Appends `items` frames made with [`DocSpill::encode`].
    pub(crate) fn push_frames(&mut self, frames: &[u8], items: u64) -> Result<(), Error> {
        self.file.write_items(frames, items)
    }

    /// Closes the file and reads the frames back in order.
    pub(crate) fn frames(self) -> Result<impl Iterator<Item = Result<Frame, Error>> + Send, Error> {
        let file: Arc<Path> = self.file.path().into();
        self.file.into_items(move |reader| {
            let (record_bytes, body) = read_frame(reader)?;
            Ok(Frame {
                record_bytes: record_bytes as usize,
                body,
                file: Arc::clone(&file),
            })
        })
    }
}

/// `Kept`, borrowing: serializes to the same bytes.
#[derive(serde::Serialize)]
enum KeptRef<'a> {
    Document(&'a Document),
    Error {
        source_path: &'a str,
        source_index: Option<u64>,
        kind: &'a str,
        message: &'a str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wire story with a glued header and a dateline, so the document has metadata cuts.
    const STORY: &str = " date 2021-05 PARIS, 3 mai (AFP) - Le Parlement a adopté la réforme.";

    #[test]
    fn documents_and_errors_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let record = toolkit_ingest::Record::from_bytes("a.txt", STORY.as_bytes().to_vec());
        let doc = toolkit_ingest::IngesterBuilder::new()
            .build()
            .ingest(record);
        let doc = doc.unwrap();
        assert!(!doc.metadata_cuts.is_empty());
        let error = ErrorRow {
            source_path: "b.bin".into(),
            source_index: Some(3),
            kind: "binary".into(),
            message: "b.bin: binary content".into(),
        };
        let mut spill = DocSpill::create(dir.path(), ".articles.1").unwrap();
        let mut frames = Vec::new();
        DocSpill::encode(&mut frames, 120, Ok(&doc));
        DocSpill::encode(&mut frames, 7, Err(&error));
        spill.push_frames(&frames, 2).unwrap();
        let back: Vec<Frame> = spill.frames().unwrap().map(Result::unwrap).collect();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].record_bytes, 120);
        assert_eq!(back[0].decode().unwrap().unwrap(), doc);
        assert_eq!(back[1].record_bytes, 7);
        let Err(e) = back[1].decode().unwrap() else {
            panic!("an error row")
        };
        assert_eq!(
            (e.source_path, e.source_index, e.kind, e.message),
            (
                error.source_path,
                error.source_index,
                error.kind,
                error.message
            )
        );
        assert!(
            std::fs::read_dir(dir.path()).unwrap().next().is_none(),
            "spill deleted"
        );
    }

    #[test]
    fn a_text_that_is_not_utf8_is_a_spill_error() {
        let dir = tempfile::tempdir().unwrap();
        let record = toolkit_ingest::Record::from_bytes("a.txt", STORY.as_bytes().to_vec());
        let doc = toolkit_ingest::IngesterBuilder::new()
            .build()
            .ingest(record)
            .unwrap();
        let mut frames = Vec::new();
        DocSpill::encode(&mut frames, 120, Ok(&doc));
        // The text's "é" (C3 A9) becomes a lone continuation byte (A9 A9).
        let at = frames
            .windows(doc.text.len())
            .position(|w| w == doc.text.as_bytes())
            .unwrap()
            + doc.text.find('é').unwrap();
        frames[at] = 0xA9;
        let mut spill = DocSpill::create(dir.path(), ".articles.1").unwrap();
        spill.push_frames(&frames, 1).unwrap();
        let back: Vec<Frame> = spill.frames().unwrap().map(Result::unwrap).collect();
        assert!(matches!(back[0].decode(), Err(Error::Spill { .. })));
    }
}
