//! `toolkit export`: inputs → the five tables, streaming, in parallel, deterministic.

use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rayon::prelude::*;
use toolkit_export::{
    ArticleRow, ErrorRow, MentionRow, RemovedRow, SentenceRow, TableWriter, WriterOptions,
};
use toolkit_ingest::{Input, Record};

use crate::error::Error;
use crate::pipeline::{error_row, Pipeline, Processed};
use crate::progress::{Progress, Stats};

/// Where and how the tables are written.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Output folder (created if missing).
    pub out_dir: PathBuf,
    /// Format and row-group settings.
    pub writer: WriterOptions,
}

/// What an export run wrote.
#[derive(Clone, Debug)]
pub struct ExportSummary {
    /// Final counters.
    pub stats: Stats,
    /// The table files, in the order of `toolkit_export::Table::ALL`.
    pub tables: Vec<PathBuf>,
}

struct Writers {
    articles: TableWriter<ArticleRow>,
    sentences: TableWriter<SentenceRow>,
    mentions: TableWriter<MentionRow>,
    removed: TableWriter<RemovedRow>,
    errors: TableWriter<ErrorRow>,
}

impl Writers {
    fn create(dir: &Path, options: &WriterOptions) -> Result<Writers, Error> {
        Ok(Writers {
            articles: TableWriter::create(dir, options)?,
            sentences: TableWriter::create(dir, options)?,
            mentions: TableWriter::create(dir, options)?,
            removed: TableWriter::create(dir, options)?,
            errors: TableWriter::create(dir, options)?,
        })
    }

    fn write(&mut self, item: Result<Processed, ErrorRow>, stats: &mut Stats) -> Result<(), Error> {
        match item {
            Ok(p) => {
                stats.documents += 1;
                stats.sentences += p.sentences.len() as u64;
                stats.mentions += p.mentions.len() as u64;
                stats.removed += p.removed.len() as u64;
                self.articles.push(p.article)?;
                for r in p.sentences {
                    self.sentences.push(r)?;
                }
                for r in p.mentions {
                    self.mentions.push(r)?;
                }
                for r in p.removed {
                    self.removed.push(r)?;
                }
            }
            Err(e) => {
                stats.errors += 1;
                self.errors.push(e)?;
            }
        }
        Ok(())
    }

    /// Completes every table; the renames happen only once all five are complete.
    fn finish(self) -> Result<Vec<PathBuf>, Error> {
        Ok(vec![
            self.articles.finish()?,
            self.sentences.finish()?,
            self.mentions.finish()?,
            self.removed.finish()?,
            self.errors.finish()?,
        ])
    }
}

type Item = Result<Record, toolkit_ingest::Error>;

fn record_bytes(item: &Item) -> usize {
    match item {
        Ok(r) => match &r.body {
            toolkit_ingest::Body::Bytes(b) => b.len(),
            toolkit_ingest::Body::Text(t) => t.len(),
        },
        Err(_) => 0,
    }
}

impl Pipeline {
    /// Reads every input, runs the stages on the worker pool and writes the five tables to
    /// `options.out_dir`. A bad input becomes a row of `errors`; only an output failure stops the run.
    ///
    /// Rows come out in input order whatever the number of workers, so the tables are byte-identical
    /// for the same inputs and settings.
    pub fn export(
        &self,
        inputs: Vec<Input>,
        options: &ExportOptions,
        progress: &dyn Progress,
    ) -> Result<ExportSummary, Error> {
        let start = Instant::now();
        std::fs::create_dir_all(&options.out_dir).map_err(|source| Error::OutputDir {
            path: options.out_dir.clone(),
            source,
        })?;
        let total_bytes = known_total_bytes(&inputs);
        let mut writers = Writers::create(&options.out_dir, &options.writer)?;
        let mut stats = Stats::default();
        let reader = self.reader(inputs);
        let (batch_docs, batch_bytes) = (self.settings.batch_docs, self.settings.batch_bytes);

        std::thread::scope(|scope| -> Result<(), Error> {
            // The reader runs ahead by at most two batches: I/O overlaps with the work, memory stays bounded.
            let (tx, rx) = sync_channel::<Vec<Item>>(2);
            scope.spawn(move || {
                let mut batch = Vec::with_capacity(batch_docs);
                let mut bytes = 0;
                for item in reader {
                    bytes += record_bytes(&item);
                    batch.push(item);
                    if batch.len() >= batch_docs || bytes >= batch_bytes {
                        if tx.send(std::mem::take(&mut batch)).is_err() {
                            return;
                        }
                        bytes = 0;
                    }
                }
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
            });
            for batch in rx {
                stats.bytes += batch.iter().map(record_bytes).sum::<usize>() as u64;
                let processed: Vec<Result<Processed, ErrorRow>> = self.pool.install(|| {
                    batch
                        .into_par_iter()
                        .map(|item| match item {
                            Ok(record) => self.process(record),
                            Err(e) => Err(error_row(&e)),
                        })
                        .collect()
                });
                for item in processed {
                    writers.write(item, &mut stats)?;
                }
                stats.elapsed = start.elapsed();
                progress.update(&stats, total_bytes);
            }
            Ok(())
        })?;
        let tables = writers.finish()?;
        stats.elapsed = start.elapsed();
        progress.update(&stats, total_bytes);
        Ok(ExportSummary { stats, tables })
    }
}

/// The total size of the inputs when it can be known cheaply: every input is an uncompressed regular file.
fn known_total_bytes(inputs: &[Input]) -> Option<u64> {
    let mut total = 0;
    for input in inputs {
        let Input::Path(p) = input else { return None };
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "gz" | "zst" | "zstd") {
            return None;
        }
        let meta = std::fs::metadata(p).ok()?;
        if !meta.is_file() {
            return None;
        }
        total += meta.len();
    }
    Some(total)
}
