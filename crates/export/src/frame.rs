//! Rows into columns with the table's fixed schema: a row gives its cells to [`Cells`], which
//! appends them to the column builders; the builders become Arrow arrays (Parquet) or a polars
//! `DataFrame` (CSV).

use polars::prelude::*;
use polars_arrow::array::{Array, MutableArray, MutableBinaryViewArray, PrimitiveArray};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::datatypes::ArrowDataType;
use polars_arrow::types::NativeType;

use crate::encode::{Codec, LocalDict};
use crate::rows::{Date, Row, Value};
use crate::schema::{ColumnDef, ColumnType, Table};

/// How list columns are laid out: natively (Parquet) or as one JSON array per cell (CSV, which has no
/// list type); `JsonSafe` is CSV whose text cells cannot start a spreadsheet formula.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListLayout {
    Native,
    Json,
    JsonSafe,
}

/// A text cell as written with `--csv-safe`: a `'` is put before a cell that starts with `=`, `+`, `-`,
/// `@`, a tab or a carriage return, so that Excel and LibreOffice show it as text instead of running it
/// as a formula (the OWASP recommendation for CSV injection).
pub fn csv_safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The polars schema of a table.
pub(crate) fn polars_schema(columns: &[ColumnDef], lists: ListLayout) -> Schema {
    columns
        .iter()
        .map(|c| Field::new(c.name.into(), dtype(c.ty, lists)))
        .collect()
}

fn dtype(ty: ColumnType, lists: ListLayout) -> DataType {
    match ty {
        ColumnType::Utf8 => DataType::String,
        ColumnType::UInt32 => DataType::UInt32,
        ColumnType::UInt64 => DataType::UInt64,
        ColumnType::Float32 => DataType::Float32,
        ColumnType::Date => DataType::Date,
        ColumnType::ListUtf8 => match lists {
            ListLayout::Native => DataType::List(Box::new(DataType::String)),
            ListLayout::Json | ListLayout::JsonSafe => DataType::String,
        },
    }
}

/// The rows of one row group, already in columns: each pushed row is copied into polars' column
/// builders at once and dropped, so a buffered row group costs its data bytes, not a `String` per cell.
pub(crate) struct Columns {
    defs: &'static [ColumnDef],
    lists: ListLayout,
    /// The table whose columns are dictionary-encoded (Parquet only).
    dictionary: Option<Table>,
    builders: Vec<Builder>,
    rows: usize,
    bytes: usize,
}

pub(crate) enum Builder {
    Str(MutableBinaryViewArray<str>),
    U32(Numbers<u32>),
    U64(Numbers<u64>),
    F32(Numbers<f32>),
    /// Days since 1970-01-01.
    Date(Numbers<i32>),
    List(ListStringChunkedBuilder),
    /// A dictionary-encoded column of a Parquet table.
    Dict(LocalDict),
}

/// A number column being built: its values (a default value in a null's slot, as Arrow has it) and,
/// from the first null on, which rows are valid.
pub(crate) struct Numbers<T> {
    values: Vec<T>,
    validity: Option<MutableBitmap>,
}

impl<T: NativeType> Numbers<T> {
    fn new() -> Numbers<T> {
        Numbers {
            values: Vec::new(),
            validity: None,
        }
    }

    #[inline(always)]
    fn push(&mut self, value: Option<T>) {
        match (value, &self.validity) {
            (Some(v), None) => self.values.push(v),
            _ => self.push_with_validity(value),
        }
    }

    /// A null, or any value after the first null.
    #[cold]
    #[inline(never)]
    fn push_with_validity(&mut self, value: Option<T>) {
        let valid = self.values.len();
        let validity = self.validity.get_or_insert_with(|| {
            let mut validity = MutableBitmap::with_capacity(valid + 1);
            validity.extend_constant(valid, true);
            validity
        });
        validity.push(value.is_some());
        self.values.push(value.unwrap_or_default());
    }

    /// The Arrow array, of type `dtype` (whose physical type is `T`).
    fn into_array(self, dtype: ArrowDataType) -> PrimitiveArray<T> {
        PrimitiveArray::new(dtype, self.values.into(), self.validity.map(Into::into))
    }
}

impl Builder {
    /// The column as an Arrow array (Parquet), or the batch dictionary of a dictionary column.
    pub(crate) fn into_array(self) -> Result<Box<dyn Array>, Box<LocalDict>> {
        Ok(match self {
            Builder::Str(mut b) => b.as_box(),
            Builder::U32(b) => b.into_array(ArrowDataType::UInt32).boxed(),
            Builder::U64(b) => b.into_array(ArrowDataType::UInt64).boxed(),
            Builder::F32(b) => b.into_array(ArrowDataType::Float32).boxed(),
            Builder::Date(b) => b.into_array(ArrowDataType::Date32).boxed(),
            Builder::List(mut b) => b.finish().into_series().to_arrow(0, CompatLevel::newest()),
            Builder::Dict(d) => return Err(Box::new(d)),
        })
    }

    /// The column as a series named `name` (CSV); dictionary columns are Parquet's only.
    fn into_series(self, name: &str) -> PolarsResult<Series> {
        let name: PlSmallStr = name.into();
        Ok(match self {
            Builder::Str(mut b) => Series::from_arrow(name, b.as_box())?,
            Builder::U32(b) => {
                UInt32Chunked::with_chunk(name, b.into_array(ArrowDataType::UInt32)).into_series()
            }
            Builder::U64(b) => {
                UInt64Chunked::with_chunk(name, b.into_array(ArrowDataType::UInt64)).into_series()
            }
            Builder::F32(b) => {
                Float32Chunked::with_chunk(name, b.into_array(ArrowDataType::Float32)).into_series()
            }
            Builder::Date(b) => Int32Chunked::with_chunk(name, b.into_array(ArrowDataType::Int32))
                .into_date()
                .into_series(),
            Builder::List(mut b) => b.finish().into_series(),
            Builder::Dict(_) => unreachable!("dictionary builders are encoded, not framed"),
        })
    }
}

impl Columns {
    /// Empty builders for the columns `defs`.
    pub(crate) fn new(defs: &'static [ColumnDef], lists: ListLayout) -> Columns {
        Columns {
            defs,
            lists,
            dictionary: None,
            builders: Self::builders(defs, lists, None),
            rows: 0,
            bytes: 0,
        }
    }

    /// Empty builders for the columns of Parquet table `table`, whose dictionary columns
    /// ([`crate::encode::is_dictionary`]) gather a dictionary of their own.
    pub(crate) fn for_parquet(table: Table) -> Columns {
        let defs = table.columns();
        Columns {
            defs,
            lists: ListLayout::Native,
            dictionary: Some(table),
            builders: Self::builders(defs, ListLayout::Native, Some(table)),
            rows: 0,
            bytes: 0,
        }
    }

    fn builders(defs: &[ColumnDef], lists: ListLayout, dictionary: Option<Table>) -> Vec<Builder> {
        let codec = dictionary.map(Codec::of);
        defs.iter()
            .enumerate()
            .map(|(i, c)| {
                if codec.is_some_and(|c| c.is_dictionary(i)) {
                    return Builder::Dict(LocalDict::default());
                }
                match (c.ty, lists) {
                    (ColumnType::Utf8, _)
                    | (ColumnType::ListUtf8, ListLayout::Json | ListLayout::JsonSafe) => {
                        Builder::Str(MutableBinaryViewArray::new())
                    }
                    (ColumnType::UInt32, _) => Builder::U32(Numbers::new()),
                    (ColumnType::UInt64, _) => Builder::U64(Numbers::new()),
                    (ColumnType::Float32, _) => Builder::F32(Numbers::new()),
                    (ColumnType::Date, _) => Builder::Date(Numbers::new()),
                    (ColumnType::ListUtf8, ListLayout::Native) => {
                        Builder::List(ListStringChunkedBuilder::new(c.name.into(), 0, 0))
                    }
                }
            })
            .collect()
    }

    /// Rows buffered.
    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes buffered: string bytes plus a 16-byte view per string, 4 or 8 bytes per number.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Appends one row.
    pub(crate) fn push<R: Row>(&mut self, row: &R) {
        let mut cells = Cells {
            builders: &mut self.builders,
            next: 0,
            bytes: 0,
            safe: self.lists == ListLayout::JsonSafe,
            defs: self.defs,
            table: R::TABLE,
        };
        row.write_cells(&mut cells);
        assert_eq!(
            cells.next,
            self.defs.len(),
            "a row of {} gave {} cells",
            R::TABLE.name(),
            cells.next
        );
        self.bytes += cells.bytes;
        self.rows += 1;
    }

    /// The buffered rows' count and builders; the builders start again empty.
    pub(crate) fn take_builders(&mut self) -> (usize, Vec<Builder>) {
        let fresh = Self::builders(self.defs, self.lists, self.dictionary);
        let builders = std::mem::replace(&mut self.builders, fresh);
        self.bytes = 0;
        (std::mem::take(&mut self.rows), builders)
    }

    /// The buffered rows as a frame (not for Parquet builders); the builders start again empty.
    pub(crate) fn take_frame(&mut self) -> PolarsResult<DataFrame> {
        let (rows, builders) = self.take_builders();
        let columns = builders
            .into_iter()
            .zip(self.defs)
            .map(|(b, c)| Ok(b.into_series(c.name)?.into_column()))
            .collect::<PolarsResult<Vec<Column>>>()?;
        DataFrame::new(rows, columns)
    }
}

/// The column builders of a table, receiving one row's cells in column order (see
/// [`Row::write_cells`]). A cell whose type is not its column's panics: a row type and its table's
/// schema disagree.
pub struct Cells<'a> {
    builders: &'a mut [Builder],
    /// The column of the next cell.
    next: usize,
    /// Bytes buffered by this row's cells.
    bytes: usize,
    /// CSV for spreadsheets (`--csv-safe`).
    safe: bool,
    defs: &'static [ColumnDef],
    table: Table,
}

impl Cells<'_> {
    /// The next cell, whatever its type.
    pub fn value(&mut self, value: Value<'_>) {
        match value {
            Value::Str(s) => self.str(s),
            Value::U32(v) => self.u32(v),
            Value::U64(v) => self.u64(v),
            Value::F32(v) => self.f32(v),
            Value::Date(d) => self.date(d),
            Value::List(items) => self.list(items),
        }
    }

    /// The next cell, a string or null.
    #[inline(always)]
    pub fn str(&mut self, s: Option<&str>) {
        match self.builders.get_mut(self.next) {
            Some(Builder::Dict(d)) => {
                self.bytes += 4 + s.map_or(0, str::len);
                d.push(s);
            }
            Some(Builder::Str(b)) => {
                self.bytes += 16 + s.map_or(0, str::len);
                match s {
                    Some(s) if self.safe => b.push_value(csv_safe_cell(s)),
                    Some(s) => b.push_value(s),
                    None => b.push_null(),
                }
            }
            _ => self.mismatch(Value::Str(s)),
        }
        self.next += 1;
    }

    /// The next cell, a u32 or null.
    #[inline(always)]
    pub fn u32(&mut self, v: Option<u32>) {
        self.number(v, Value::U32, |b| match b {
            Builder::U32(n) => Some(n),
            _ => None,
        });
    }

    /// The next cell, a u64 or null.
    #[inline(always)]
    pub fn u64(&mut self, v: Option<u64>) {
        self.number(v, Value::U64, |b| match b {
            Builder::U64(n) => Some(n),
            _ => None,
        });
    }

    /// The next cell, a f32 or null.
    #[inline(always)]
    pub fn f32(&mut self, v: Option<f32>) {
        self.number(v, Value::F32, |b| match b {
            Builder::F32(n) => Some(n),
            _ => None,
        });
    }

    /// The next cell, a number or null, into the number column that `column` finds in the next
    /// builder (`value` names the cell if there is none).
    #[inline(always)]
    fn number<T: NativeType>(
        &mut self,
        v: Option<T>,
        value: fn(Option<T>) -> Value<'static>,
        column: fn(&mut Builder) -> Option<&mut Numbers<T>>,
    ) {
        match self.builders.get_mut(self.next).and_then(column) {
            Some(b) => {
                self.bytes += std::mem::size_of::<T>();
                b.push(v);
            }
            None => self.mismatch(value(v)),
        }
        self.next += 1;
    }

    /// The next cell, a date or null.
    pub fn date(&mut self, d: Option<Date>) {
        match self.builders.get_mut(self.next) {
            Some(Builder::Date(b)) => {
                self.bytes += 4;
                b.push(d.and_then(|d| d.days_since_epoch()));
            }
            _ => self.mismatch(Value::Date(d)),
        }
        self.next += 1;
    }

    /// The next cell, a list of strings (a JSON array in CSV).
    pub fn list(&mut self, items: &[String]) {
        match self.builders.get_mut(self.next) {
            Some(Builder::List(b)) => {
                self.bytes += 16 + items.iter().map(|s| 16 + s.len()).sum::<usize>();
                b.append_values_iter(items.iter().map(String::as_str));
            }
            Some(Builder::Str(b)) => {
                let json = json_array(items);
                self.bytes += 16 + json.len();
                b.push_value(json);
            }
            _ => self.mismatch(Value::List(items)),
        }
        self.next += 1;
    }

    #[cold]
    #[inline(never)]
    fn mismatch(&self, value: Value<'_>) -> ! {
        match self.defs.get(self.next) {
            Some(c) => unreachable!("{value:?} in column {} of {}", c.name, self.table.name()),
            None => unreachable!("{value:?} past the last column of {}", self.table.name()),
        }
    }
}

/// `["a","b"]`, with JSON string escaping.
fn json_array(items: &[String]) -> String {
    let mut out = String::from("[");
    for (k, item) in items.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('"');
        for ch in item.chars() {
            match ch {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        for cell in ["=1+1", "+33 1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_safe_cell(cell), format!("'{cell}"));
        }
        for cell in ["", "Les ministres", "1-2", "'déjà"] {
            assert_eq!(csv_safe_cell(cell), cell);
        }
    }

    /// A row type whose `write_cells` disagrees with its table's schema, in a cell's type or in the
    /// number of cells.
    struct Wrong(usize);

    impl Row for Wrong {
        const TABLE: Table = Table::Sentences;
        fn value(&self, _col: usize) -> Value<'_> {
            Value::U32(Some(0))
        }
        fn write_cells(&self, cells: &mut Cells<'_>) {
            cells.str(Some("0000000000000000"));
            for _ in 0..self.0 {
                cells.u32(Some(1));
            }
        }
    }

    #[test]
    #[should_panic(expected = "U32(Some(1)) in column char_start of sentences")]
    fn a_cell_of_the_wrong_type_panics() {
        Columns::for_parquet(Table::Sentences).push(&Wrong(3));
    }

    #[test]
    #[should_panic(expected = "a row of sentences gave 3 cells")]
    fn a_row_with_too_few_cells_panics() {
        Columns::for_parquet(Table::Sentences).push(&Wrong(2));
    }

    #[test]
    fn json_arrays_escape() {
        assert_eq!(json_array(&[]), "[]");
        assert_eq!(
            json_array(&["a\"b".into(), "c\\\n\u{1}".into()]),
            r#"["a\"b","c\\\n\u0001"]"#
        );
    }
}
