//! The streaming core shared by every run over inputs: a reader thread, batches on the worker pool,
//! results handed back in input order.

use std::sync::mpsc::sync_channel;
use std::time::Instant;

use rayon::prelude::*;
use toolkit_export::ErrorRow;
use toolkit_ingest::{Input, Record};
use toolkit_normalize::{ChromeLearner, ChromeProfile, LearnerConfig, Normalizer};

use crate::error::Error;
use crate::pipeline::{error_row, Pipeline, Processed};
use crate::progress::{Progress, Stats};

pub(crate) type Item = Result<Record, toolkit_ingest::Error>;

pub(crate) fn record_bytes(item: &Item) -> usize {
    match item {
        Ok(r) => r.body.len(),
        Err(_) => 0,
    }
}

impl Pipeline {
    /// Reads `inputs` on a reader thread in batches (at most `batch_docs` documents or `batch_bytes`
    /// bytes; the reader runs ahead by at most two batches, so memory stays bounded), maps each batch
    /// with `work` on the worker pool and hands the results to `sink` in input order.
    pub(crate) fn stream<T, W, S>(
        &self,
        inputs: Vec<Input>,
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
        let mut stats = Stats::default();
        let reader = self.reader(inputs);
        let (batch_docs, batch_bytes) = (self.settings.batch_docs, self.settings.batch_bytes);
        std::thread::scope(|scope| -> Result<(), Error> {
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
                let done: Vec<T> = self
                    .pool
                    .install(|| batch.into_par_iter().map(&work).collect());
                for item in done {
                    sink(item, &mut stats)?;
                }
                stats.elapsed = start.elapsed();
                progress.update(&stats, total_bytes);
            }
            Ok(())
        })?;
        stats.elapsed = start.elapsed();
        Ok(stats)
    }

    /// [`Pipeline::stream`] with every stage: results are the rows of each document or an `errors` row.
    pub(crate) fn stream_processed<S>(
        &self,
        inputs: Vec<Input>,
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
        let mut learner = ChromeLearner::new(LearnerConfig::default());
        let new = || ChromeLearner::new(LearnerConfig::default());
        self.stream(
            inputs,
            &crate::progress::NoProgress,
            None,
            |item| {
                let mut l = new();
                if let Ok(doc) = item.and_then(|r| self.ingester.ingest(r)) {
                    l.observe(doc.site.as_deref(), &doc.text);
                }
                l
            },
            |l, _| {
                learner.merge(l);
                Ok(())
            },
        )?;
        Ok(learner.finish())
    }
}
