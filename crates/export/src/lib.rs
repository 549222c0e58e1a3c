//! Row types, fixed schemas and streaming Parquet/CSV writers for the toolkit tables.
//!
//! The five tables (`articles`, `sentences`, `mentions`, `removed`, `errors`) have explicit, versioned
//! schemas ([`Table::columns`], [`SCHEMA_VERSION`]) that never depend on the data. Rows are plain Rust
//! structs ([`ArticleRow`], ...); a [`TableWriter`] gathers them into row groups of about 112 MiB
//! (uncompressed) and writes them to a temporary file that is renamed into place when the table is
//! complete. Rows can also be encoded and compressed where they are made ([`RowBatch::encode`], on any
//! thread) and handed to the writer as pages ([`TableWriter::push_batch`]): the writing thread then only
//! gathers pages, and a row group waiting to be written holds its compressed size.
//!
//! This is the only crate of the workspace that knows polars; no polars type appears in its API.
//!
//! ```
//! use toolkit_export::{read_parquet, Cell, ErrorRow, Format, TableWriter, WriterOptions};
//!
//! let dir = tempfile::tempdir()?;
//! let options = WriterOptions { format: Format::Parquet, ..WriterOptions::default() };
//! let mut errors = TableWriter::<ErrorRow>::create(dir.path(), &options)?;
//! errors.push(ErrorRow {
//!     source_path: "scrapes/broken.bin".into(),
//!     source_index: None,
//!     kind: "binary".into(),
//!     message: "scrapes/broken.bin: binary content".into(),
//! })?;
//! let path = errors.finish()?;
//! assert_eq!(path, dir.path().join("errors.parquet"));
//!
//! let table = read_parquet(&path)?;
//! assert_eq!(table.columns, ["source_path", "source_index", "kind", "message"]);
//! assert_eq!(table.rows[0][2], Cell::Str("binary".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod ahead;
mod dataset;
mod encode;
mod error;
mod frame;
mod read;
mod rows;
mod schema;
mod writer;

pub use ahead::EncodedColumn;
pub use dataset::{escape_value, DatasetWriter, Layout, PartitionBy, Shard, NULL_PARTITION};
pub use encode::{is_delta, is_dictionary, is_long_text};
pub use error::Error;
pub use frame::{csv_safe_cell, Cells};
pub use read::{read_parquet, Cell, TableData};
pub use rows::{ArticleRow, Date, ErrorRow, MentionRow, RemovedRow, Row, SentenceRow, Value};
pub use schema::{schema_markdown, ColumnDef, ColumnType, Table, SCHEMA_VERSION};
pub use writer::{Completed, EncodedBatch, Format, RowBatch, TableWriter, WriterOptions};
