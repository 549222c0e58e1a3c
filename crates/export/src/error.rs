use std::path::PathBuf;

/// An error while writing or reading a table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be created, written, synced or renamed.
    #[error("cannot write {path}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// polars failed to build, encode or read a table.
    #[error("cannot encode or decode table {path}")]
    Polars {
        /// The table file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: polars::error::PolarsError,
    },
    /// An unknown output format name.
    #[error("unknown table format {0:?} (expected parquet or csv)")]
    UnknownFormat(String),
    /// A column encoded ahead of its rows that cannot be: not a plain text column, not Parquet,
    /// damaged bytes, or a row count that is not its batch's.
    #[error("{0}")]
    EncodedColumn(String),
    /// A bad shard (`K/N`) or partition key.
    #[error("{0}")]
    Layout(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn polars(path: impl Into<PathBuf>, source: polars::error::PolarsError) -> Error {
        Error::Polars {
            path: path.into(),
            source,
        }
    }
}
