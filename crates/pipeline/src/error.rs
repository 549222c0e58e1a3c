use std::path::PathBuf;

/// A fatal error: the run cannot go on (unlike a bad input, which becomes a row in `errors`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The output folder could not be created.
    #[error("cannot create output folder {path}")]
    OutputDir {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A table could not be written.
    #[error("cannot write the tables")]
    Export(#[from] toolkit_export::Error),
    /// Reading or writing a stream (stdin, stdout) failed.
    #[error("cannot read or write {what}")]
    Stream {
        /// Which stream.
        what: &'static str,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The worker thread pool could not be started.
    #[error("cannot start {jobs} worker threads")]
    ThreadPool {
        /// Requested threads.
        jobs: usize,
        /// The cause.
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
    /// A configuration value is invalid.
    #[error("invalid setting: {0}")]
    Config(String),
}
