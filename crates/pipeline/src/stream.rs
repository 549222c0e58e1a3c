//! The streaming core shared by every run over inputs: a reader thread, batches on the worker pool,
//! results handed back in input order.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::mpsc::{channel, sync_channel};
use std::time::Instant;

use toolkit_export::{ErrorRow, Layout, Shard};
use toolkit_ingest::{Input, Record};
use toolkit_normalize::{ChromeLearner, ChromeProfile, DocumentLines, LearnerConfig, Normalizer};

use crate::docspill::DocSpill;
use crate::error::Error;
use crate::pipeline::{article_key, error_row, Pipeline, Processed};
use crate::progress::{Progress, Stats};
use crate::rows::DocRows;

pub(crate) type Item = Result<Record, toolkit_ingest::Error>;

/// The key that decides which shard a record (or the error in its place) belongs to: the same
/// hash its article id is written from.
fn item_key(item: &Item) -> u64 {
    match item {
        Ok(r) => article_key(&r.source_path, r.source_index),
        Err(e) => article_key(e.source_path.as_deref().unwrap_or(""), e.source_index),
    }
}

pub(crate) fn record_bytes(item: &Item) -> usize {
    match item {
        Ok(r) => r.body.len(),
        Err(_) => 0,
    }
}

impl Pipeline {
    /// Reads `inputs` on a reader thread in batches (at most `batch_docs` documents or `batch_bytes`
    /// bytes), maps each whole batch with `work` on one thread of the worker pool (several batches
    /// are in flight, one per worker plus two) and hands the results to `sink` in input order on the
    /// calling thread. Because a batch is always one unit of work, what `work` makes of it (rows, and
    /// pages encoded from them) is the same whatever the number of workers. Memory stays bounded:
    /// the reader runs ahead by at most two batches, and at most `jobs + 2` batches are being worked
    /// on or wait for the sink.
    pub(crate) fn stream<T, W, S>(
        &self,
        inputs: Vec<Input>,
        shard: Option<Shard>,
        progress: &dyn Progress,
        total_bytes: Option<u64>,
        work: W,
        sink: S,
    ) -> Result<Stats, Error>
    where
        T: Send,
        W: Fn(Vec<Item>) -> T + Sync,
        S: FnMut(T, &mut Stats) -> Result<(), Error>,
    {
        let items = self
            .reader(inputs)
            .filter(move |item| shard.map_or(true, |s| s.owns(item_key(item))));
        let batch = (self.settings.batch_docs, self.settings.batch_bytes);
        self.stream_items(
            items,
            batch,
            record_bytes,
            progress,
            total_bytes,
            work,
            sink,
        )
    }

    /// [`Pipeline::stream`] over any items, in batches of at most `batch.0` items or `batch.1`
    /// bytes (`bytes_of` gives an item's input size, for batching and progress).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn stream_items<I, T, W, S>(
        &self,
        items: impl Iterator<Item = I> + Send,
        (batch_docs, batch_bytes): (usize, usize),
        bytes_of: fn(&I) -> usize,
        progress: &dyn Progress,
        total_bytes: Option<u64>,
        work: W,
        mut sink: S,
    ) -> Result<Stats, Error>
    where
        I: Send,
        T: Send,
        W: Fn(Vec<I>) -> T + Sync,
        S: FnMut(T, &mut Stats) -> Result<(), Error>,
    {
        let start = Instant::now();
        let in_flight = self.pool.current_num_threads() + 2;
        let mut stats = std::thread::scope(|scope| -> Result<Stats, Error> {
            let (tx, rx) = sync_channel::<Vec<I>>(2);
            // Named threads, so that profiles and `scripts/thread-cpu.sh` can tell them apart.
            let named = |name: &str| std::thread::Builder::new().name(name.into());
            let spawned = named("toolkit-reader").spawn_scoped(scope, move || {
                let mut batch = Vec::with_capacity(batch_docs);
                let mut bytes = 0;
                for item in items {
                    bytes += bytes_of(&item);
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
            spawned.expect("spawning the reader thread");
            // A batch takes a slot before it is handed to a worker and gives it back once the sink
            // is done with it.
            let (slot_tx, slot_rx) = sync_channel::<()>(in_flight);
            let (done_tx, done_rx) = channel::<(u64, u64, T)>();
            let work = &work;
            let spawned = named("toolkit-dispatch").spawn_scoped(scope, move || {
                self.pool.in_place_scope(|pool| {
                    for (seq, batch) in rx.into_iter().enumerate() {
                        if slot_tx.send(()).is_err() {
                            // The sink stopped on an error: stop reading too.
                            return;
                        }
                        let done_tx = done_tx.clone();
                        pool.spawn(move |_| {
                            let bytes = batch.iter().map(bytes_of).sum::<usize>() as u64;
                            let _ = done_tx.send((seq as u64, bytes, work(batch)));
                        });
                    }
                });
            });
            spawned.expect("spawning the dispatch thread");
            let mut stats = Stats::default();
            let mut waiting = BTreeMap::new();
            let mut next = 0u64;
            for (seq, bytes, done) in done_rx {
                waiting.insert(seq, (bytes, done));
                while let Some((bytes, done)) = waiting.remove(&next) {
                    next += 1;
                    stats.bytes += bytes;
                    sink(done, &mut stats)?;
                    let _ = slot_rx.recv();
                    stats.elapsed = start.elapsed();
                    progress.update(&stats, total_bytes);
                }
            }
            Ok(stats)
        })?;
        stats.elapsed = start.elapsed();
        Ok(stats)
    }

    /// [`Pipeline::stream`] with every stage: results are the rows of each document or an `errors` row.
    pub(crate) fn stream_processed<S>(
        &self,
        inputs: Vec<Input>,
        shard: Option<Shard>,
        normalizer: Option<&Normalizer>,
        progress: &dyn Progress,
        total_bytes: Option<u64>,
        sink: S,
    ) -> Result<Stats, Error>
    where
        S: FnMut(Result<Processed, ErrorRow>, &mut Stats) -> Result<(), Error>,
    {
        let mut sink = sink;
        self.stream(
            inputs,
            shard,
            progress,
            total_bytes,
            |batch| self.process_batch(batch, normalizer),
            |done: Vec<_>, stats| {
                for item in done {
                    sink(item, stats)?;
                }
                Ok(())
            },
        )
    }

    /// Every stage on each document of a batch: its rows as spans, or an `errors` row.
    pub(crate) fn process_batch_spans(
        &self,
        batch: Vec<Item>,
        normalizer: Option<&Normalizer>,
    ) -> Vec<Result<DocRows, ErrorRow>> {
        batch
            .into_iter()
            .map(|item| {
                let doc = item.and_then(|record| self.ingester.ingest(record));
                Ok(self.doc_rows(doc.map_err(|e| error_row(&e))?, normalizer))
            })
            .collect()
    }

    /// Every stage on each document of a batch: its rows, or an `errors` row.
    pub(crate) fn process_batch(
        &self,
        batch: Vec<Item>,
        normalizer: Option<&Normalizer>,
    ) -> Vec<Result<Processed, ErrorRow>> {
        self.process_batch_spans(batch, normalizer)
            .into_iter()
            .map(|rows| rows.map(DocRows::into_processed))
            .collect()
    }

    /// The normalizer to clean this corpus with, and the profile learned for it if any: the
    /// pipeline's own normalizer, or, when chrome learning is on and every input can be read twice,
    /// one whose chrome profile was learned from the inputs in a first pass.
    pub(crate) fn corpus_normalizer(
        &self,
        inputs: &[Input],
    ) -> Result<(Option<Normalizer>, Option<ChromeProfile>), Error> {
        if !self.learns_chrome(inputs) {
            return Ok((self.normalizer.clone(), None));
        }
        let profile = self.learn_chrome_profile(inputs.to_vec())?;
        Ok((
            self.normalizer_with_profile(profile.clone())?,
            Some(profile),
        ))
    }

    /// The first corpus pass of an export ([`Pipeline::learn_chrome_profile`]) that also keeps every
    /// document of this run's share (`layout.shard`), fully ingested, and the error row of every bad input,
    /// in a temporary file in `dir`: the main pass reads them back instead of the inputs.
    pub(crate) fn learn_chrome_profile_keeping(
        &self,
        inputs: Vec<Input>,
        layout: Layout,
        dir: &Path,
    ) -> Result<(ChromeProfile, DocSpill), Error> {
        let shard = layout.shard;
        let config = LearnerConfig::default();
        let mut learner = ChromeLearner::new(config.clone());
        let mut spill = DocSpill::create(dir, &layout.temp_prefix())?;
        self.stream(
            inputs,
            None,
            &crate::progress::NoProgress,
            None,
            |batch| {
                // A document's frame is about its record's size: room for all of them at once
                // spares growing (and copying) the buffer batch after batch.
                let room: usize = batch.iter().map(record_bytes).sum();
                let mut frames = Vec::with_capacity(room + room / 8 + 4096);
                let (mut lines, mut kept) = (Vec::with_capacity(batch.len()), 0u64);
                for item in batch {
                    let bytes = record_bytes(&item);
                    let owned = shard.map_or(true, |s| s.owns(item_key(&item)));
                    let doc = item.and_then(|r| self.ingester.ingest(r));
                    if let Ok(doc) = &doc {
                        lines.push(DocumentLines::new(&config, doc.site.as_deref(), &doc.text));
                    }
                    if owned {
                        match &doc {
                            Ok(doc) => DocSpill::encode(&mut frames, bytes, Ok(doc)),
                            Err(e) => DocSpill::encode(&mut frames, bytes, Err(&error_row(e))),
                        }
                        kept += 1;
                    }
                }
                (lines, frames, kept)
            },
            |(lines, frames, kept), _| {
                for lines in &lines {
                    learner.add(lines);
                }
                spill.push_frames(&frames, kept)
            },
        )?;
        Ok((learner.finish(), spill))
    }

    /// Whether a run over `inputs` learns a chrome profile first: cleaning and learning are on and
    /// every input can be read twice.
    pub(crate) fn learns_chrome(&self, inputs: &[Input]) -> bool {
        let rereadable = inputs.iter().all(|i| matches!(i, Input::Path(_)));
        self.normalizer.is_some() && self.settings.learn_chrome && rereadable
    }

    /// First corpus pass: reads and ingests every input and counts, per site, the lines that recur
    /// across documents. Bad inputs are skipped here (the main pass reports them).
    pub fn learn_chrome_profile(&self, inputs: Vec<Input>) -> Result<ChromeProfile, Error> {
        let config = LearnerConfig::default();
        let mut learner = ChromeLearner::new(config.clone());
        self.stream(
            inputs,
            None,
            &crate::progress::NoProgress,
            None,
            // The lines of each document are found on the workers, counted in input order here.
            |batch| {
                batch
                    .into_iter()
                    .filter_map(|item| {
                        let doc = item.and_then(|r| self.learning_ingester.ingest(r)).ok()?;
                        Some(DocumentLines::new(&config, doc.site.as_deref(), &doc.text))
                    })
                    .collect::<Vec<_>>()
            },
            |lines, _| {
                for lines in &lines {
                    learner.add(lines);
                }
                Ok(())
            },
        )?;
        Ok(learner.finish())
    }
}
