//! Exact and near-duplicate detection for news articles.
#![deny(missing_docs)]

mod cluster;
mod config;
mod error;
mod signature;
mod words;

pub use crate::cluster::{Assignment, Clusterer};
pub use crate::config::{DedupConfig, Mode, MAX_SHINGLE_WORDS};
pub use crate::error::Error;
pub use crate::signature::{Signature, Signer, NUM_HASHES};
