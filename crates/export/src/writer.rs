//! Streaming, atomic table writers.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use polars::prelude::*;

use crate::ahead::EncodedColumn;
use crate::encode::{encode_columns, Levels, ParquetBatch, Part, RowGroupBuffer};
use crate::error::Error;
use crate::frame::{polars_schema, Columns, ListLayout};
use crate::rows::Row;
use crate::schema::SCHEMA_VERSION;

/// Rows buffered by [`TableWriter::push`] are encoded into pages once they reach this many bytes.
const PUSH_BATCH_BYTES: usize = 4 << 20;

/// The file format of the tables.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet, zstd-compressed, with column statistics.
    #[default]
    Parquet,
    /// RFC 4180 CSV with a header row; lists as JSON arrays, dates as `YYYY-MM-DD`, nulls as empty cells.
    Csv,
}

impl Format {
    /// The file extension (`parquet`, `csv`).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
        }
    }
}

impl FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Format, Error> {
        match s.to_ascii_lowercase().as_str() {
            "parquet" => Ok(Format::Parquet),
            "csv" => Ok(Format::Csv),
            _ => Err(Error::UnknownFormat(s.to_string())),
        }
    }
}

/// Options shared by the table writers. Plain data with sensible defaults.
#[derive(Clone, Debug)]
pub struct WriterOptions {
    /// Output format.
    pub format: Format,
    /// CSV only: put a `'` before every text cell that starts with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return, so that spreadsheets do not run scraped text as formulas. Parquet is never
    /// altered.
    pub csv_safe: bool,
    /// Parquet: a row group is written once its columns reach this many bytes uncompressed (the row
    /// group size Parquet readers report). Until then it is held as compressed pages plus 4 bytes per
    /// row and dictionary column. CSV: rows are written in chunks of about this many bytes.
    pub row_group_bytes: usize,
    /// Parquet: the zstd compression level, 1 (fastest) to 22 (smallest), of every column but the
    /// long free-text ones; 3, zstd's own default, unless set.
    pub zstd_level: i32,
    /// Parquet: the zstd compression level of the long free-text columns, `articles.text` and
    /// `sentences.text` ([`is_long_text`](crate::is_long_text)); 1 unless set, the level pyarrow
    /// writes by default. They are most of the bytes compressed: on OrangeSum, level 3 for them
    /// makes the tables about 9% smaller for about 4% more CPU (BENCHMARKS.md).
    pub text_zstd_level: i32,
    /// The most memory the row groups being gathered may hold together (per [`DatasetWriter`] over
    /// its partitions, and per export run over its tables): past it, the largest is written early.
    /// A Parquet row group handed to the thread that writes it is no longer counted: each table (each
    /// open part file of a dataset) may hold one more row group, until it is written.
    ///
    /// [`DatasetWriter`]: crate::DatasetWriter
    pub buffer_bytes: usize,
}

impl WriterOptions {
    pub(crate) fn levels(&self) -> Levels {
        Levels {
            text: self.text_zstd_level,
            other: self.zstd_level,
        }
    }
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            format: Format::Parquet,
            csv_safe: false,
            row_group_bytes: 112 << 20,
            zstd_level: 3,
            text_zstd_level: 1,
            buffer_bytes: 96 << 20,
        }
    }
}

/// Polars writes each page header field by field (thousands of writes of a few bytes per table): a
/// buffer makes them a few large writes. Polars flushes it when it writes the footer, so a write
/// error still surfaces in [`TableWriter::complete`].
type ParquetFile = Box<polars::io::parquet::write::BatchedWriter<BufWriter<File>>>;

/// The buffer of a Parquet table's file.
const FILE_BUFFER_BYTES: usize = 1 << 20;

enum Sink {
    Parquet(FileSlot, RowGroupBuffer),
    Csv(polars::io::csv::write::BatchedWriter<File>),
}

/// The Parquet file writer, or the thread that has it while it writes a row group: a full row group's
/// last pages (dictionaries, values waiting for a page) are encoded and the row group written there,
/// so that the thread gathering the table goes on with the next row group meanwhile. One row group
/// is written at a time, in order, so the file is the same as if it were written in place. The
/// thread's error (or panic) reaches the caller when the writer is next needed: at the next row
/// group, or in [`TableWriter::complete`] for the last one.
enum FileSlot {
    Idle(ParquetFile),
    Writing(std::thread::JoinHandle<PolarsResult<ParquetFile>>),
    /// Only while the writer moves between the two (or after an error took it).
    Taken,
}

impl FileSlot {
    /// Takes the file writer, once the row group being written (if any) is done.
    fn take(&mut self) -> PolarsResult<ParquetFile> {
        match std::mem::replace(self, FileSlot::Taken) {
            FileSlot::Idle(writer) => Ok(writer),
            FileSlot::Writing(thread) => match thread.join() {
                Ok(writer) => writer,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            FileSlot::Taken => Err(PolarsError::ComputeError(
                "the file writer was lost to an earlier error".into(),
            )),
        }
    }

    /// Writes `group` on a thread of its own, after the row group being written (if any).
    fn write(&mut self, group: RowGroupBuffer) -> PolarsResult<()> {
        let mut writer = self.take()?;
        let thread = std::thread::Builder::new()
            .name("toolkit-rowgroup".into())
            .spawn(move || {
                let (rows, pages) = group.into_pages()?;
                writer.write_row_group(rows as u64, &pages)?;
                Ok(writer)
            })
            .map_err(|e| PolarsError::ComputeError(format!("spawning a thread: {e}").into()))?;
        *self = FileSlot::Writing(thread);
        Ok(())
    }
}

/// Rows of table `R` gathered where they are made (a worker thread) and encoded there with
/// [`RowBatch::encode`], so that the thread writing the table ([`TableWriter::push_batch`]) only
/// gathers pages: Parquet columns become compressed pages (dictionary columns a small dictionary and
/// keys), CSV rows a chunk of columns.
///
/// ```
/// use toolkit_export::{read_parquet, RowBatch, SentenceRow, TableWriter, WriterOptions};
///
/// let dir = tempfile::tempdir()?;
/// let options = WriterOptions::default();
/// // Encoded on another thread, in order of the batches' numbers.
/// let batches: Vec<_> = std::thread::scope(|s| {
///     let workers: Vec<_> = (0..2u32)
///         .map(|b| {
///             let options = &options;
///             s.spawn(move || {
///                 let mut batch = RowBatch::<SentenceRow>::new(options);
///                 for i in 0..3 {
///                     batch.push(&SentenceRow {
///                         article_id: format!("{b:016x}"),
///                         sentence_index: i,
///                         text: format!("Phrase {i} de l'article {b}."),
///                         ..Default::default()
///                     });
///                 }
///                 batch.encode()
///             })
///         })
///         .collect();
///     workers.into_iter().map(|w| w.join().unwrap()).collect()
/// });
/// let mut sentences = TableWriter::<SentenceRow>::create(dir.path(), &options)?;
/// for batch in batches {
///     sentences.push_batch(batch?)?;
/// }
/// let table = read_parquet(&sentences.finish()?)?;
/// assert_eq!(table.rows.len(), 6);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RowBatch<R: Row> {
    columns: Columns,
    csv: bool,
    levels: Levels,
    row_type: std::marker::PhantomData<fn(R)>,
}

impl<R: Row> RowBatch<R> {
    /// An empty batch for tables written with `options`.
    pub fn new(options: &WriterOptions) -> RowBatch<R> {
        let columns = match options.format {
            Format::Parquet => Columns::for_parquet(R::TABLE),
            Format::Csv if options.csv_safe => {
                Columns::new(R::TABLE.columns(), ListLayout::JsonSafe)
            }
            Format::Csv => Columns::new(R::TABLE.columns(), ListLayout::Json),
        };
        RowBatch {
            columns,
            csv: options.format == Format::Csv,
            levels: options.levels(),
            row_type: std::marker::PhantomData,
        }
    }

    /// Adds one row (copied into the columns at once). The row may be any [`Row`] type of the same
    /// table, such as one that borrows its cells instead of owning a `String` per cell; a row of
    /// another table does not compile.
    pub fn push<T: Row>(&mut self, row: &T) {
        const { assert!(T::TABLE as u8 == R::TABLE as u8, "a row of another table") };
        self.columns.push(row);
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.columns.rows()
    }

    /// Whether the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.columns.rows() == 0
    }

    /// Encodes (and for Parquet compresses) the batch.
    pub fn encode(mut self) -> Result<EncodedBatch<R>, Error> {
        if !self.csv {
            return self.encode_parquet(None);
        }
        let frame = self
            .columns
            .take_frame()
            .map_err(|e| Error::polars(R::TABLE.name(), e))?;
        Ok(EncodedBatch {
            encoded: Encoded::Csv(frame),
            row_type: std::marker::PhantomData,
        })
    }

    /// Encodes the batch like [`RowBatch::encode`], with `column`'s pages in its column: the rows
    /// were pushed with that cell empty, and `column` holds their values, in the same order
    /// ([`EncodedColumn`]). An error if the row counts differ or the batch is not Parquet.
    pub fn encode_with(self, column: EncodedColumn<R>) -> Result<EncodedBatch<R>, Error> {
        let name = R::TABLE.name();
        if self.csv {
            return Err(Error::EncodedColumn(format!(
                "{name}: a column encoded ahead goes into a Parquet batch only"
            )));
        }
        if column.rows != self.len() {
            return Err(Error::EncodedColumn(format!(
                "{name}: a column of {} rows encoded ahead for a batch of {}",
                column.rows,
                self.len()
            )));
        }
        self.encode_parquet(Some(column))
    }

    /// The Parquet encoding of the batch, with `column`'s pages in its column if given.
    fn encode_parquet(
        mut self,
        column: Option<EncodedColumn<R>>,
    ) -> Result<EncodedBatch<R>, Error> {
        let mut batch = encode_columns(&mut self.columns, R::TABLE, self.levels)
            .map_err(|e| Error::polars(R::TABLE.name(), e))?;
        if let Some(column) = column {
            batch.parts[column.column] = Part::Pages(column.pages, column.size);
        }
        Ok(EncodedBatch {
            encoded: Encoded::Parquet(batch),
            row_type: std::marker::PhantomData,
        })
    }
}

/// A [`RowBatch`] encoded, ready for [`TableWriter::push_batch`] (of a writer with the same format).
pub struct EncodedBatch<R: Row> {
    encoded: Encoded,
    row_type: std::marker::PhantomData<fn(R)>,
}

enum Encoded {
    Parquet(ParquetBatch),
    Csv(DataFrame),
}

impl<R: Row> EncodedBatch<R> {
    /// Rows in the batch.
    pub fn len(&self) -> usize {
        match &self.encoded {
            Encoded::Parquet(b) => b.rows,
            Encoded::Csv(df) => df.height(),
        }
    }

    /// Whether the batch has no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Writes one table batch by batch to a temporary file in the output folder and renames it to its final
/// name (`articles.parquet`) in [`TableWriter::finish`], so that a killed run never leaves a half-written
/// table under a final name. Dropping a writer without finishing it deletes the temporary file.
pub struct TableWriter<R: Row> {
    sink: Option<Sink>,
    final_path: PathBuf,
    tmp_path: PathBuf,
    buffer: Columns,
    row_group_bytes: usize,
    rows: u64,
    row_type: std::marker::PhantomData<fn(R)>,
}

impl<R: Row> TableWriter<R> {
    /// Creates the temporary file for table `R::TABLE` in `dir` (which must exist); the table is
    /// named `articles.parquet` (or `.csv`) there once finished.
    pub fn create(dir: &Path, options: &WriterOptions) -> Result<TableWriter<R>, Error> {
        let ext = options.format.extension();
        Self::create_at(dir.join(format!("{}.{ext}", R::TABLE.name())), options)
    }

    /// Like [`TableWriter::create`], for a table that gets the name `final_path` once finished (its
    /// folder must exist); the temporary file is written beside it.
    pub fn create_at(
        final_path: PathBuf,
        options: &WriterOptions,
    ) -> Result<TableWriter<R>, Error> {
        let name = R::TABLE.name();
        let file_name = final_path
            .file_name()
            .map_or_else(|| name.into(), |n| n.to_string_lossy().into_owned());
        let tmp_path =
            final_path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
        let file = File::create(&tmp_path).map_err(|e| Error::io(&tmp_path, e))?;
        let layout = match options.format {
            Format::Parquet => ListLayout::Native,
            Format::Csv if options.csv_safe => ListLayout::JsonSafe,
            Format::Csv => ListLayout::Json,
        };
        let schema = polars_schema(R::TABLE.columns(), layout);
        let sink = match options.format {
            Format::Parquet => {
                let kv = KeyValueMetadata::from_static(vec![
                    ("toolkit.table".into(), name.into()),
                    ("toolkit.schema_version".into(), SCHEMA_VERSION.to_string()),
                ]);
                // The pages are encoded by `encode` with the same options; polars writes them, the
                // footer and the metadata.
                ParquetWriter::new(BufWriter::with_capacity(FILE_BUFFER_BYTES, file))
                    .with_compression(ParquetCompression::Zstd(None))
                    .with_statistics(StatisticsOptions::full())
                    .with_key_value_metadata(Some(kv))
                    .batched(&schema)
                    .map(|w| {
                        Sink::Parquet(
                            FileSlot::Idle(Box::new(w)),
                            RowGroupBuffer::new(R::TABLE, options.levels()),
                        )
                    })
            }
            Format::Csv => CsvWriter::new(file)
                .include_header(true)
                .with_date_format(Some("%Y-%m-%d".into()))
                .batched(&schema)
                .map(Sink::Csv),
        }
        .map_err(|e| Error::polars(&tmp_path, e))?;
        let buffer = match options.format {
            Format::Parquet => Columns::for_parquet(R::TABLE),
            Format::Csv => Columns::new(R::TABLE.columns(), layout),
        };
        Ok(TableWriter {
            sink: Some(sink),
            final_path,
            tmp_path,
            buffer,
            row_group_bytes: options.row_group_bytes.max(1),
            rows: 0,
            row_type: std::marker::PhantomData,
        })
    }

    /// Adds one row (copied into column buffers at once); writes a row group when enough bytes are
    /// buffered.
    pub fn push(&mut self, row: R) -> Result<(), Error> {
        self.buffer.push(&row);
        let limit = match self.sink {
            Some(Sink::Parquet(..)) => PUSH_BATCH_BYTES.min(self.row_group_bytes),
            _ => self.row_group_bytes,
        };
        if self.buffer.bytes() >= limit {
            self.encode_buffer()?;
        }
        Ok(())
    }

    /// Adds a batch encoded elsewhere (after the rows pushed before it); writes a row group when
    /// enough bytes are gathered.
    pub fn push_batch(&mut self, batch: EncodedBatch<R>) -> Result<(), Error> {
        if batch.is_empty() {
            return Ok(());
        }
        self.encode_buffer()?;
        self.rows += batch.len() as u64;
        self.gather(batch.encoded)
    }

    /// Encodes the rows pushed one by one into the row group being gathered (Parquet) or writes them
    /// (CSV).
    fn encode_buffer(&mut self) -> Result<(), Error> {
        if self.buffer.rows() == 0 {
            return Ok(());
        }
        self.rows += self.buffer.rows() as u64;
        let encoded = match &self.sink {
            Some(Sink::Parquet(_, group)) => Encoded::Parquet(
                encode_columns(&mut self.buffer, R::TABLE, group.levels())
                    .map_err(|e| Error::polars(&self.tmp_path, e))?,
            ),
            _ => Encoded::Csv(
                self.buffer
                    .take_frame()
                    .map_err(|e| Error::polars(&self.tmp_path, e))?,
            ),
        };
        self.gather(encoded)
    }

    fn gather(&mut self, encoded: Encoded) -> Result<(), Error> {
        match (self.sink.as_mut(), encoded) {
            (Some(Sink::Parquet(_, group)), Encoded::Parquet(batch)) => {
                group
                    .append(batch)
                    .map_err(|e| Error::polars(&self.tmp_path, e))?;
                if group
                    .reached(self.row_group_bytes)
                    .map_err(|e| Error::polars(&self.tmp_path, e))?
                {
                    self.write_row_group()?;
                }
                Ok(())
            }
            (Some(Sink::Csv(w)), Encoded::Csv(df)) => w
                .write_batch(&df)
                .map_err(|e| Error::polars(&self.tmp_path, e)),
            _ => unreachable!("a batch encoded for another format"),
        }
    }

    /// Hands the row group gathered so far to be written (see [`FileSlot`]).
    fn write_row_group(&mut self) -> Result<(), Error> {
        let Some(Sink::Parquet(file, group)) = self.sink.as_mut() else {
            return Ok(());
        };
        if group.rows() == 0 {
            return Ok(());
        }
        let full = std::mem::replace(group, group.empty());
        file.write(full)
            .map_err(|e| Error::polars(&self.tmp_path, e))
    }

    /// Memory held for the next row group: rows pushed one by one, compressed pages, dictionary keys.
    pub fn buffered_bytes(&self) -> usize {
        let gathered = match &self.sink {
            Some(Sink::Parquet(_, group)) => group.held_bytes(),
            _ => 0,
        };
        self.buffer.bytes() + gathered
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> u64 {
        self.rows + self.buffer.rows() as u64
    }

    /// Writes the buffered rows as one row group: CSV at once; Parquet on the row group's own thread,
    /// done before the next row group is written or the file completed, which is also when its
    /// error, if any, is returned.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.encode_buffer()?;
        self.write_row_group()
    }

    /// Writes what is left, completes the file, syncs it and renames it to its final name, which it
    /// returns.
    pub fn finish(self) -> Result<PathBuf, Error> {
        self.complete()?.commit()
    }

    /// Writes what is left and completes and syncs the temporary file, without renaming it yet: commit
    /// several completed tables together so that a folder never holds a mix of old and new tables when
    /// one of them fails.
    pub fn complete(mut self) -> Result<Completed, Error> {
        self.flush()?;
        let tmp = self.tmp_path.clone();
        // The sink stays in `self` until the file is complete: an error here (the last row group's
        // own, which its thread reports only when joined, or the footer's) or a panic from that
        // thread leaves it there, and `Drop` deletes the temporary file.
        let completed = match self.sink.as_mut() {
            Some(Sink::Parquet(file, _)) => file.take().and_then(|w| w.finish().map(drop)),
            Some(Sink::Csv(w)) => w.finish(),
            None => unreachable!("finish called twice"),
        };
        completed.map_err(|e| Error::polars(&tmp, e))?;
        // Closes the file.
        self.sink = None;
        // The writers own the file (the CSV writer's unbuffered, the Parquet writer's buffer flushed
        // with the footer, so every write error surfaced above); sync it before
        // the rename so that the final name never points at data still in flight.
        if let Err(e) = File::open(&tmp).and_then(|f| f.sync_all()) {
            let _ = std::fs::remove_file(&tmp);
            return Err(Error::io(&tmp, e));
        }
        Ok(Completed {
            tmp,
            final_path: self.final_path.clone(),
            committed: false,
        })
    }

    /// The name the table gets when finished.
    pub fn final_path(&self) -> &Path {
        &self.final_path
    }
}

impl<R: Row> Drop for TableWriter<R> {
    fn drop(&mut self) {
        if let Some(sink) = self.sink.take() {
            // Not finished: an error or a panic unwound through here. Leave nothing behind, once
            // no thread writes to the file any more.
            if let Sink::Parquet(FileSlot::Writing(thread), _) = sink {
                let _ = thread.join();
            }
            let _ = std::fs::remove_file(&self.tmp_path);
        }
    }
}

/// A complete table under its temporary name, waiting for [`Completed::commit`]. Dropped without a
/// commit, it deletes its file.
#[derive(Debug)]
pub struct Completed {
    tmp: PathBuf,
    final_path: PathBuf,
    committed: bool,
}

impl Completed {
    /// Renames the table to its final name (replacing an older table of that name) and returns it.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        std::fs::rename(&self.tmp, &self.final_path).map_err(|e| Error::io(&self.final_path, e))?;
        self.committed = true;
        Ok(self.final_path.clone())
    }
}

impl Drop for Completed {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{FileSlot, Sink, TableWriter, WriterOptions};
    use crate::rows::SentenceRow;

    /// A Parquet writer for `sentences` in `dir` whose first row group is handed to its thread.
    fn writer_with_a_row_group_in_flight(dir: &Path) -> TableWriter<SentenceRow> {
        let mut w = TableWriter::<SentenceRow>::create(dir, &WriterOptions::default()).unwrap();
        w.push(SentenceRow {
            article_id: "0000000000000001".into(),
            text: "Une phrase.".into(),
            ..Default::default()
        })
        .unwrap();
        w.flush().unwrap();
        assert!(matches!(
            w.sink,
            Some(Sink::Parquet(FileSlot::Writing(_), _))
        ));
        w
    }

    /// Puts `fail` in place of the row-group thread, as the thread that fails writing the last row
    /// group (a full disk): the real thread is joined and its file writer dropped.
    fn fail_the_row_group_thread(
        w: &mut TableWriter<SentenceRow>,
        fail: fn() -> polars::prelude::PolarsResult<super::ParquetFile>,
    ) {
        let Some(Sink::Parquet(file, _)) = w.sink.as_mut() else {
            unreachable!("a Parquet writer")
        };
        drop(file.take().unwrap());
        *file = FileSlot::Writing(std::thread::spawn(fail));
    }

    fn temporaries(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn an_error_writing_the_last_row_group_is_returned_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = writer_with_a_row_group_in_flight(dir.path());
        fail_the_row_group_thread(&mut w, || {
            Err(polars::prelude::PolarsError::ComputeError(
                "No space left on device".into(),
            ))
        });
        let err = w.finish().unwrap_err();
        let cause = std::error::Error::source(&err).map(|e| e.to_string());
        assert!(
            cause
                .as_deref()
                .is_some_and(|c| c.contains("No space left on device")),
            "{err}: {cause:?}"
        );
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn a_panic_writing_the_last_row_group_reaches_the_caller_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = writer_with_a_row_group_in_flight(dir.path());
        fail_the_row_group_thread(&mut w, || panic!("the row group thread panicked"));
        let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| w.finish()))
            .expect_err("the thread's panic goes on in the caller");
        assert_eq!(
            panic.downcast_ref::<&str>(),
            Some(&"the row group thread panicked")
        );
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn dropping_a_writer_with_a_row_group_in_flight_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        drop(writer_with_a_row_group_in_flight(dir.path()));
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
    }
}
