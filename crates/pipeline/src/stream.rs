//! The streaming core shared by every run over inputs: a reader thread, batches on the worker pool,
//! results handed back in input order.

use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rayon::prelude::*;
use toolkit_export::{ErrorRow, Shard};
use toolkit_ingest::{Input, Record};
use toolkit_normalize::{ChromeLearner, ChromeProfile, DocumentLines, LearnerConfig, Normalizer};

use crate::error::Error;
use crate::pipeline::{article_key, error_row, Pipeline, Processed};
use crate::progress::{Progress, Stats};

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
    /// bytes; the reader runs ahead by at most two batches, so memory stays bounded), maps each batch
    /// with `work` on the worker pool (driven from a thread of its own) and hands the results to
    /// `sink` in input order on the calling thread: the workers go on with the next batch while the
    /// sink writes this one.
    pub(crate) fn stream<T, W, S>(
        &self,
        inputs: Vec<Input>,
        shard: Option<Shard>,
        progress: &dyn Progress,
        total_bytes: Option<u64>,
        work: W,
        mut sink: S,
    ) -> Result<Stats, Error>
    where
        T: Send,
        W: Fn(Item) -> T + Sync,
        S: FnMut(T, &mut Stats) -> Result<(), Error>,
    {
        let start = Instant::now();
        let reader = self.reader(inputs);
        let (batch_docs, batch_bytes) = (self.settings.batch_docs, self.settings.batch_bytes);
        let mut stats = std::thread::scope(|scope| -> Result<Stats, Error> {
            let (tx, rx) = sync_channel::<Vec<Item>>(2);
            // Named threads, so that profiles and `scripts/thread-cpu.sh` can tell them apart.
            let named = |name: &str| std::thread::Builder::new().name(name.into());
            let spawned = named("toolkit-reader").spawn_scoped(scope, move || {
                let mut batch = Vec::with_capacity(batch_docs);
                let mut bytes = 0;
                for item in reader {
                    if shard.is_some_and(|s| !s.owns(item_key(&item))) {
                        continue;
                    }
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
            spawned.expect("spawning the reader thread");
            let (done_tx, done_rx) = sync_channel::<(u64, Vec<T>)>(1);
            let work = &work;
            let spawned = named("toolkit-dispatch").spawn_scoped(scope, move || {
                for batch in rx {
                    let bytes = batch.iter().map(record_bytes).sum::<usize>() as u64;
                    let done: Vec<T> = self
                        .pool
                        .install(|| batch.into_par_iter().map(work).collect());
                    if done_tx.send((bytes, done)).is_err() {
                        // The sink stopped on an error: stop reading too.
                        return;
                    }
                }
            });
            spawned.expect("spawning the dispatch thread");
            let mut stats = Stats::default();
            for (bytes, done) in done_rx {
                stats.bytes += bytes;
                for item in done {
                    sink(item, &mut stats)?;
                }
                stats.elapsed = start.elapsed();
                progress.update(&stats, total_bytes);
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
        self.stream(
            inputs,
            shard,
            progress,
            total_bytes,
            |item| match item {
                Ok(record) => self.process_with(record, normalizer),
                Err(e) => Err(error_row(&e)),
            },
            sink,
        )
    }

    /// The normalizer to clean this corpus with, and the profile learned for it if any: the
    /// pipeline's own normalizer, or, when chrome learning is on and every input can be read twice,
    /// one whose chrome profile was learned from the inputs in a first pass.
    pub(crate) fn corpus_normalizer(
        &self,
        inputs: &[Input],
    ) -> Result<(Option<Normalizer>, Option<ChromeProfile>), Error> {
        let rereadable = inputs.iter().all(|i| matches!(i, Input::Path(_)));
        if self.normalizer.is_none() || !self.settings.learn_chrome || !rereadable {
            return Ok((self.normalizer.clone(), None));
        }
        let profile = self.learn_chrome_profile(inputs.to_vec())?;
        Ok((
            self.normalizer_with_profile(profile.clone())?,
            Some(profile),
        ))
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
            |item| {
                let doc = item.and_then(|r| self.learning_ingester.ingest(r)).ok()?;
                Some(DocumentLines::new(&config, doc.site.as_deref(), &doc.text))
            },
            |lines, _| {
                if let Some(lines) = lines {
                    learner.add(&lines);
                }
                Ok(())
            },
        )?;
        Ok(learner.finish())
    }
}
