//! Rows → polars `DataFrame`, column by column, with the table's fixed schema.

use polars::prelude::*;

use crate::rows::{Row, Value};
use crate::schema::{ColumnDef, ColumnType};

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

/// Builds the frame of a batch of rows.
pub(crate) fn build_frame<R: Row>(rows: &[R], lists: ListLayout) -> PolarsResult<DataFrame> {
    let columns = R::TABLE
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| build_column(rows, i, c, lists))
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(rows.len(), columns)
}

fn list<R: Row>(r: &R, i: usize) -> &[String] {
    match r.value(i) {
        Value::List(l) => l,
        other => unreachable!("{other:?} in a list column"),
    }
}

fn build_column<R: Row>(
    rows: &[R],
    i: usize,
    def: &ColumnDef,
    lists: ListLayout,
) -> PolarsResult<Column> {
    let name: PlSmallStr = def.name.into();
    let series = match def.ty {
        ColumnType::Utf8 => StringChunked::from_iter_options(
            name,
            rows.iter().map(|r| match r.value(i) {
                Value::Str(s) if lists == ListLayout::JsonSafe => s.map(csv_safe_cell),
                Value::Str(s) => s.map(std::borrow::Cow::Borrowed),
                other => unreachable!("{other:?} in a string column"),
            }),
        )
        .into_series(),
        ColumnType::UInt32 => UInt32Chunked::from_iter_options(
            name,
            rows.iter().map(|r| match r.value(i) {
                Value::U32(v) => v,
                other => unreachable!("{other:?} in a u32 column"),
            }),
        )
        .into_series(),
        ColumnType::UInt64 => UInt64Chunked::from_iter_options(
            name,
            rows.iter().map(|r| match r.value(i) {
                Value::U64(v) => v,
                other => unreachable!("{other:?} in a u64 column"),
            }),
        )
        .into_series(),
        ColumnType::Float32 => Float32Chunked::from_iter_options(
            name,
            rows.iter().map(|r| match r.value(i) {
                Value::F32(v) => v,
                other => unreachable!("{other:?} in a f32 column"),
            }),
        )
        .into_series(),
        ColumnType::Date => Int32Chunked::from_iter_options(
            name,
            rows.iter().map(|r| match r.value(i) {
                Value::Date(d) => d.and_then(|d| d.days_since_epoch()),
                other => unreachable!("{other:?} in a date column"),
            }),
        )
        .into_date()
        .into_series(),
        ColumnType::ListUtf8 => match lists {
            ListLayout::Native => {
                let n_values = rows.iter().map(|r| list(r, i).len()).sum();
                let mut b = ListStringChunkedBuilder::new(name, rows.len(), n_values);
                for r in rows {
                    b.append_values_iter(list(r, i).iter().map(String::as_str));
                }
                b.finish().into_series()
            }
            ListLayout::Json | ListLayout::JsonSafe => {
                StringChunked::from_iter_values(name, rows.iter().map(|r| json_array(list(r, i))))
                    .into_series()
            }
        },
    };
    Ok(series.into_column())
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

    #[test]
    fn json_arrays_escape() {
        assert_eq!(json_array(&[]), "[]");
        assert_eq!(
            json_array(&["a\"b".into(), "c\\\n\u{1}".into()]),
            r#"["a\"b","c\\\n\u0001"]"#
        );
    }
}
