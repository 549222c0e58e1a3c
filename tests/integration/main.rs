//! End-to-end tests of the `toolkit` binary, one module per topic.
#![allow(clippy::print_stderr)] // tests say why they skip

mod export;
mod fix;
mod hostile;
mod readers;
mod shards;
mod stages;
mod util;
