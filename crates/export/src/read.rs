//! Reading a table back into plain Rust values (for tests, checks and tools; no polars types leak).

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::error::Error;
use crate::rows::Date;

/// One cell of a table read back.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A null.
    Null,
    /// A string.
    Str(String),
    /// Any unsigned integer.
    UInt(u64),
    /// A float.
    Float(f64),
    /// A date.
    Date(Date),
    /// A list of strings.
    List(Vec<String>),
}

/// A whole table read back: column names and rows of cells.
#[derive(Clone, Debug, PartialEq)]
pub struct TableData {
    /// Column names in file order.
    pub columns: Vec<String>,
    /// Rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
}

impl TableData {
    /// Index of the column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The cells of column `name`, top to bottom.
    pub fn column(&self, name: &str) -> Option<Vec<&Cell>> {
        let i = self.column_index(name)?;
        Some(self.rows.iter().map(|r| &r[i]).collect())
    }
}

/// Reads a Parquet table written by this crate (or any Parquet file whose columns have the types of
/// [`crate::ColumnType`]).
pub fn read_parquet(path: &Path) -> Result<TableData, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| Error::polars(path, e))?;
    let columns: Vec<String> = df.columns().iter().map(|c| c.name().to_string()).collect();
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut row = Vec::with_capacity(columns.len());
        for c in df.columns() {
            let v = c.get(i).map_err(|e| Error::polars(path, e))?;
            row.push(cell(v));
        }
        rows.push(row);
    }
    Ok(TableData { columns, rows })
}

fn cell(v: AnyValue<'_>) -> Cell {
    match v {
        AnyValue::Null => Cell::Null,
        AnyValue::String(s) => Cell::Str(s.to_string()),
        AnyValue::StringOwned(s) => Cell::Str(s.to_string()),
        AnyValue::UInt8(x) => Cell::UInt(x.into()),
        AnyValue::UInt16(x) => Cell::UInt(x.into()),
        AnyValue::UInt32(x) => Cell::UInt(x.into()),
        AnyValue::UInt64(x) => Cell::UInt(x),
        AnyValue::Float32(x) => Cell::Float(x.into()),
        AnyValue::Float64(x) => Cell::Float(x),
        AnyValue::Date(d) => Cell::Date(Date::from_days_since_epoch(d)),
        AnyValue::List(s) => Cell::List(
            s.str()
                .map(|ca| {
                    ca.iter()
                        .map(|x| x.unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default(),
        ),
        other => Cell::Str(other.to_string()),
    }
}
