//! End-to-end tests of the `toolkit` binary, one module per topic.

mod export;
mod fix;
mod util;
