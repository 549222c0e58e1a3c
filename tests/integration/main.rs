//! End-to-end tests of the `toolkit` binary, one module per topic.
#![allow(clippy::print_stderr)] // tests say why they skip

mod badinput;
mod export;
mod fix;
mod hostile;
mod interrupt;
mod readers;
mod shards;
mod stages;
mod util;

/// Replays the inputs kept from fuzzing the recognizer (it needs the segmenter too).
#[path = "../fuzz-regressions/replay_mentions.rs"]
mod replay_mentions;
