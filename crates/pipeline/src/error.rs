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
    /// The cleaning rules could not be compiled or a chrome profile could not be read or written.
    #[error("cleaning setup failed")]
    Normalize(#[from] toolkit_normalize::Error),
    /// The mention finder could not be built.
    #[error("mention finder setup failed")]
    Mentions(#[from] toolkit_mentions::Error),
    /// The duplicate-detection settings are invalid.
    #[error("invalid dedup settings")]
    Dedup(#[from] toolkit_dedup::Error),
    /// A temporary file of the run could not be written or read back.
    #[error("cannot use temporary file {path}")]
    Spill {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A configuration value is invalid.
    #[error("invalid setting: {0}")]
    Config(String),
}
