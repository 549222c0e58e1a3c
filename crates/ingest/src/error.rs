//! Errors: one [`Error`] per input or record that could not be turned into a document.

use std::fmt;

/// What went wrong, as a stable short name (the `kind` column of the errors table) plus details.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input could not be opened or read.
    Io,
    /// The path given does not exist.
    NotFound,
    /// The input (or the record's text) is empty or only whitespace, or only metadata.
    Empty,
    /// The bytes look like a binary file (NUL bytes, dense control characters).
    Binary,
    /// The bytes could not be decoded as text.
    Decode,
    /// One document is larger than the configured limit (bytes).
    TooLarge {
        /// The limit that was exceeded, in bytes.
        limit: u64,
    },
    /// A JSON Lines record is not a JSON object.
    Json,
    /// A CSV record could not be read (ragged row, bad quoting, missing header).
    Csv,
    /// A record has no text field of the configured name.
    MissingField {
        /// The field name that was looked for.
        field: String,
    },
    /// A gzip or zstd stream is truncated or corrupt.
    Decompress,
    /// A gzip or zstd input decompressed to more bytes than allowed, or expanded faster than the
    /// allowed ratio (a decompression bomb); the cause says which limit was hit.
    DecompressionBomb,
    /// A format name that is not `auto`, `text`, `jsonl`, `csv` or `html`.
    UnknownFormat {
        /// The name given.
        name: String,
    },
}

impl ErrorKind {
    /// The short stable name used in the `kind` column of the errors table.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Empty => "empty",
            ErrorKind::Binary => "binary",
            ErrorKind::Decode => "decode",
            ErrorKind::TooLarge { .. } => "too_large",
            ErrorKind::Json => "json",
            ErrorKind::Csv => "csv",
            ErrorKind::MissingField { .. } => "missing_field",
            ErrorKind::Decompress => "decompress",
            ErrorKind::DecompressionBomb => "decompression_bomb",
            ErrorKind::UnknownFormat { .. } => "unknown_format",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Io => f.write_str("could not read input"),
            ErrorKind::NotFound => f.write_str("no such file or directory"),
            ErrorKind::Empty => f.write_str("empty input (no text)"),
            ErrorKind::Binary => f.write_str("binary data, not text"),
            ErrorKind::Decode => f.write_str("could not decode the bytes as text"),
            ErrorKind::TooLarge { limit } => {
                write!(f, "document larger than the limit of {limit} bytes")
            }
            ErrorKind::Json => f.write_str("invalid JSON Lines record"),
            ErrorKind::Csv => f.write_str("invalid CSV record"),
            ErrorKind::MissingField { field } => write!(f, "record has no text field {field:?}"),
            ErrorKind::Decompress => f.write_str("corrupt or truncated compressed stream"),
            ErrorKind::DecompressionBomb => {
                f.write_str("compressed input expands beyond the configured limits")
            }
            ErrorKind::UnknownFormat { name } => {
                write!(
                    f,
                    "unknown format {name:?} (expected auto, text, jsonl, csv or html)"
                )
            }
        }
    }
}

type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An input or record that could not be read, decoded or ingested.
///
/// `Display` gives one line with the location (`path`, `path:record N`) and the kind; the underlying
/// cause, when there is one, is available through [`std::error::Error::source`] (and [`Error::message`]
/// joins both for an errors table).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
#[error("{}: {kind}", Location(self.source_path.as_deref(), self.source_index))]
pub struct Error {
    /// The input path as given or walked (`-` for stdin), when known.
    pub source_path: Option<String>,
    /// The record number inside a JSON Lines or CSV file (0-based), when the error is about one record.
    pub source_index: Option<u64>,
    /// What went wrong.
    pub kind: ErrorKind,
    /// The underlying error, when there is one.
    #[source]
    pub cause: Option<Cause>,
}

struct Location<'a>(Option<&'a str>, Option<u64>);

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.unwrap_or("<input>"))?;
        if let Some(i) = self.1 {
            write!(f, ": record {i}")?;
        }
        Ok(())
    }
}

impl Error {
    /// An error of `kind` with no location yet.
    pub fn new(kind: ErrorKind) -> Error {
        Error {
            source_path: None,
            source_index: None,
            kind,
            cause: None,
        }
    }

    /// Attaches the underlying cause.
    pub fn with_cause(mut self, cause: impl Into<Cause>) -> Error {
        self.cause = Some(cause.into());
        self
    }

    /// Sets the input path (and record number) when they are not set yet.
    pub fn at(mut self, source_path: &str, source_index: Option<u64>) -> Error {
        if self.source_path.is_none() {
            self.source_path = Some(source_path.to_string());
        }
        if self.source_index.is_none() {
            self.source_index = source_index;
        }
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// One line with the error and each of its causes, joined by `": "` (for the errors table).
    pub fn message(&self) -> String {
        let mut out = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            out.push_str(": ");
            out.push_str(&c.to_string());
            cause = c.source();
        }
        out
    }

    pub(crate) fn io(err: std::io::Error) -> Error {
        let kind = if err.kind() == std::io::ErrorKind::NotFound {
            ErrorKind::NotFound
        } else {
            ErrorKind::Io
        };
        Error::new(kind).with_cause(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_has_location_and_kind_message_has_cause() {
        let cause = std::io::Error::other("disk on fire");
        let err = Error::io(cause).at("a/b.jsonl", Some(3));
        assert_eq!(err.kind().as_str(), "io");
        assert_eq!(err.to_string(), "a/b.jsonl: record 3: could not read input");
        assert_eq!(
            err.message(),
            "a/b.jsonl: record 3: could not read input: disk on fire"
        );
        let nf = Error::io(std::io::Error::from(std::io::ErrorKind::NotFound)).at("x", None);
        assert_eq!(nf.kind().as_str(), "not_found");
        assert_eq!(
            Error::new(ErrorKind::TooLarge { limit: 10 }).to_string(),
            "<input>: document larger than the limit of 10 bytes"
        );
    }
}
