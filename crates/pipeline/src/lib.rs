//! Orchestration of the toolkit stages: reading, parallel processing, table rows, stage verbs.
//!
//! A [`Pipeline`] holds the configured stages. [`Pipeline::export`] streams inputs through them on a
//! worker pool and writes the tables; rows keep input order, so the output is byte-identical whatever
//! the number of workers. [`Pipeline::fix_jsonl`] and friends implement the JSON Lines stage verbs.
//! Nothing here prints: progress goes to a [`Progress`] observer.
//!
//! ```
//! use toolkit_pipeline::{ExportOptions, Input, NoProgress, PipelineBuilder};
//!
//! let dir = tempfile::tempdir()?;
//! let scrape = dir.path().join("scrape.txt");
//! std::fs::write(&scrape, " date 2022-01 PARIS (AFP) - Le gouvernement a annoncé jeudi un plan.")?;
//! let pipeline = PipelineBuilder::new().jobs(2).build()?;
//! let options = ExportOptions {
//!     out_dir: dir.path().join("tables"),
//!     writer: Default::default(),
//!     save_chrome_profile: None,
//!     replace: false,
//!     layout: Default::default(),
//! };
//! let summary = pipeline.export(vec![Input::Path(scrape)], &options, &NoProgress)?;
//! assert_eq!(summary.stats.documents, 1);
//! assert_eq!(summary.stats.errors, 0);
//! assert!(options.out_dir.join("articles.parquet").exists());
//! assert!(summary.stats.sentences >= 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod clean;
mod docspill;
mod error;
mod export;
mod jsonl;
mod pipeline;
mod progress;
mod rows;
mod spill;
mod stream;

pub use clean::{output_path, CleanSummary};
pub use error::Error;
pub use export::{ExportOptions, ExportSummary};
pub use jsonl::{clean_json_line, document_json_id, JsonlStats};
pub use pipeline::{
    article_id, article_key, count_paragraphs, error_row, format_article_id, Pipeline,
    PipelineBuilder, Processed,
};
pub use progress::{NoProgress, Progress, Stats};
pub use toolkit_dedup::{DedupConfig, Mode as DedupMode};
pub use toolkit_export::{
    Error as ExportError, Format as TableFormat, Layout, PartitionBy, Shard, WriterOptions,
};
pub use toolkit_ingest::{FieldNames, Format as InputFormat, Input};
pub use toolkit_mentions::{Gazetteer, Recognizer, RecognizerBuilder};
pub use toolkit_normalize::{ChromeProfile, NormalizerBuilder};
pub use toolkit_sentences::{Segmenter, SegmenterBuilder};
