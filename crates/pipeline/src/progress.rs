//! Progress reporting without printing: the pipeline calls an observer, the front end draws.

use std::time::Duration;

/// Counters of a run, reported after each batch and at the end.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Documents read and exported.
    pub documents: u64,
    /// Inputs (files or records) that went to the `errors` table.
    pub errors: u64,
    /// Bytes of input consumed (decompressed), including those of failed inputs.
    pub bytes: u64,
    /// Sentence rows written.
    pub sentences: u64,
    /// Mention rows written.
    pub mentions: u64,
    /// Removed-segment rows written.
    pub removed: u64,
    /// Time since the start of the run.
    pub elapsed: Duration,
}

impl Stats {
    /// Documents per second so far.
    pub fn docs_per_sec(&self) -> f64 {
        self.documents as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Megabytes (10^6 bytes) of input per second so far.
    pub fn mb_per_sec(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Receives progress. Implementations must be cheap: `update` is called after every batch.
pub trait Progress: Sync {
    /// Called with the counters so far; `total_bytes` is the size of the inputs when known in advance.
    fn update(&self, stats: &Stats, total_bytes: Option<u64>);
}

/// A [`Progress`] that ignores everything.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&self, _: &Stats, _: Option<u64>) {}
}
