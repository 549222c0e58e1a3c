//! Every table opens with polars (through `toolkit_export::read_parquet`) and with pyarrow, with the
//! documented schema and the same rows, and is written the way analysts expect (issue 7): zstd,
//! statistics, dictionary encoding on the low-cardinality columns, the toolkit's key-value metadata.
//!
//! The pyarrow half runs a small Python program; it needs a Python with pyarrow: `TOOLKIT_PYTHON` (which
//! must then have pyarrow: CI sets it, and a broken setting must not turn into a silent skip), else
//! `~/.cache/toolkit-venv/bin/python`, else `python3`. When none has pyarrow the test says so on stderr
//! and passes.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use toolkit_export::{Cell, ColumnType, Table, SCHEMA_VERSION};

use crate::util::{export_samples, table};

/// Columns that analysts filter and group by, with few distinct values: dictionary-encoded in every row
/// group.
const DICTIONARY_COLUMNS: &[(Table, &str)] = &[
    (Table::Articles, "site"),
    (Table::Articles, "agency"),
    (Table::Mentions, "entity_type"),
    (Table::Removed, "class"),
];

/// Reads every `NAME.parquet` in the folder given as argument with pyarrow and prints, per table, the
/// file metadata, the Arrow schema (types named as in docs/schema.md), every column chunk's
/// compression, statistics and encodings, and all rows (dates as ISO strings).
const PYARROW_DUMP: &str = r#"
import datetime, json, sys
import pyarrow as pa, pyarrow.parquet as pq

def kind(t):
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "list<" + kind(t.value_type) + ">"
    if pa.types.is_date32(t):
        return "date"
    return {"uint32": "uint32", "uint64": "uint64", "float": "float32"}.get(str(t), str(t))

def plain(v):
    return v.isoformat() if isinstance(v, datetime.date) else v

out = {}
for name in sys.argv[2:]:
    path = f"{sys.argv[1]}/{name}.parquet"
    pf = pq.ParquetFile(path)
    md = pf.metadata
    chunks = []
    for i in range(md.num_row_groups):
        rg = md.row_group(i)
        for j in range(rg.num_columns):
            c = rg.column(j)
            st = c.statistics if c.is_stats_set else None
            chunks.append({
                "row_group": i, "rows": rg.num_rows, "path": c.path_in_schema,
                "compression": c.compression, "encodings": list(c.encodings),
                "has_dictionary_page": c.has_dictionary_page,
                "stats": st is not None, "has_min_max": bool(st is not None and st.has_min_max),
                "null_count": st.null_count if st is not None and st.has_null_count else None,
            })
    data = pq.read_table(path)
    out[name] = {
        "num_rows": md.num_rows,
        "kv": {k.decode(): v.decode() for k, v in (md.metadata or {}).items() if not k.startswith(b"ARROW:")},
        "schema": [[f.name, kind(f.type)] for f in data.schema],
        "chunks": chunks,
        "rows": [[plain(v) for v in r.values()] for r in data.to_pylist()],
    }
json.dump(out, sys.stdout)
"#;

/// A Python that can `import pyarrow`, or `None` (with a message) when there is none.
fn python_with_pyarrow() -> Option<PathBuf> {
    let has_pyarrow = |python: &Path| {
        Command::new(python)
            .args(["-c", "import pyarrow"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(python) = std::env::var_os("TOOLKIT_PYTHON") {
        let python = PathBuf::from(python);
        assert!(
            has_pyarrow(&python),
            "TOOLKIT_PYTHON={} cannot import pyarrow",
            python.display()
        );
        return Some(python);
    }
    let mut candidates = Vec::new();
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cache/toolkit-venv/bin/python"));
    }
    candidates.push(PathBuf::from("python3"));
    let found = candidates.into_iter().find(|p| has_pyarrow(p));
    if found.is_none() {
        eprintln!(
            "skipped: the pyarrow half of readers::every_table_opens_with_polars_and_pyarrow needs a \
             Python with pyarrow (set TOOLKIT_PYTHON, or create ~/.cache/toolkit-venv with scripts/pyenv.sh)"
        );
    }
    found
}

/// A cell read by polars, in the JSON form the pyarrow dump uses.
fn cell_json(cell: &Cell) -> Value {
    match cell {
        Cell::Null => Value::Null,
        Cell::Str(s) => json!(s),
        Cell::UInt(x) => json!(x),
        Cell::Float(x) => json!(x),
        Cell::Date(d) => json!(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
        Cell::List(l) => json!(l),
    }
}

/// Whether a non-null cell read by polars has the schema's type.
fn cell_has_type(cell: &Cell, ty: ColumnType) -> bool {
    matches!(
        (cell, ty),
        (Cell::Null, _)
            | (Cell::Str(_), ColumnType::Utf8)
            | (Cell::UInt(_), ColumnType::UInt32 | ColumnType::UInt64)
            | (Cell::Float(_), ColumnType::Float32)
            | (Cell::Date(_), ColumnType::Date)
            | (Cell::List(_), ColumnType::ListUtf8)
    )
}

fn sum_column(t: &toolkit_export::TableData, name: &str) -> u64 {
    t.column(name)
        .unwrap()
        .into_iter()
        .map(|c| match c {
            Cell::UInt(x) => *x,
            other => panic!("{name}: {other:?}"),
        })
        .sum()
}

#[test]
fn every_table_opens_with_polars_and_pyarrow() {
    let (_guard, dir) = export_samples();

    // polars: the documented columns, in order, with cells of the documented types and no null where the
    // schema says there is none.
    let polars: Vec<_> = Table::ALL
        .iter()
        .map(|&t| (t, table(&dir, t.name())))
        .collect();
    for (t, data) in &polars {
        let names: Vec<&str> = t.columns().iter().map(|c| c.name).collect();
        assert_eq!(data.columns, names, "{} columns", t.name());
        for (i, def) in t.columns().iter().enumerate() {
            for (r, row) in data.rows.iter().enumerate() {
                let cell = &row[i];
                assert!(
                    cell_has_type(cell, def.ty),
                    "{}.{} row {r}: {cell:?} is not {}",
                    t.name(),
                    def.name,
                    def.ty.name()
                );
                assert!(
                    def.nullable || *cell != Cell::Null,
                    "{}.{} row {r}: null in a non-nullable column",
                    t.name(),
                    def.name
                );
            }
        }
    }
    let rows = |t: Table| polars.iter().find(|(x, _)| *x == t).unwrap().1.rows.len();
    let articles = &polars[0].1;
    assert_eq!(rows(Table::Articles), 5);
    assert!(rows(Table::Mentions) > 0 && rows(Table::Removed) > 0);
    assert_eq!(rows(Table::Errors), 0);
    assert_eq!(
        rows(Table::Sentences) as u64,
        sum_column(articles, "n_sentences")
    );
    assert_eq!(
        rows(Table::Mentions) as u64,
        sum_column(articles, "n_mentions")
    );

    let Some(python) = python_with_pyarrow() else {
        return;
    };
    let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
    let run = Command::new(&python)
        .args(["-c", PYARROW_DUMP, dir.to_str().unwrap()])
        .args(&names)
        .output()
        .expect("python runs");
    assert!(
        run.status.success(),
        "pyarrow dump failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let dump: Value = serde_json::from_slice(&run.stdout).unwrap();

    for (t, data) in &polars {
        let name = t.name();
        let py = &dump[name];

        // Schema: the documented names and types; the toolkit's metadata.
        let expected: Vec<Value> = t
            .columns()
            .iter()
            .map(|c| json!([c.name, c.ty.name()]))
            .collect();
        assert_eq!(py["schema"].as_array().unwrap(), &expected, "{name} schema");
        assert_eq!(py["kv"]["toolkit.table"], json!(name), "{name} metadata");
        assert_eq!(
            py["kv"]["toolkit.schema_version"],
            json!(SCHEMA_VERSION.to_string()),
            "{name} metadata"
        );

        // Same rows through both readers.
        assert_eq!(py["num_rows"], json!(data.rows.len()), "{name} row count");
        let py_rows = py["rows"].as_array().unwrap();
        assert_eq!(
            py_rows.len(),
            data.rows.len(),
            "{name} rows read by pyarrow"
        );
        for (r, (row, py_row)) in data.rows.iter().zip(py_rows).enumerate() {
            let row: Vec<Value> = row.iter().map(cell_json).collect();
            assert_eq!(
                &Value::Array(row),
                py_row,
                "{name} row {r}: polars (left) and pyarrow (right) disagree"
            );
        }

        // Every column chunk: zstd, statistics with a null count, min/max wherever a scalar column holds
        // a value (list columns: statistics present).
        let chunks = py["chunks"].as_array().unwrap();
        assert_eq!(
            chunks.is_empty(),
            data.rows.is_empty(),
            "{name}: row groups {chunks:?}"
        );
        for c in chunks {
            let path = c["path"].as_str().unwrap();
            let column = path.split('.').next().unwrap();
            let def = t.columns().iter().find(|d| d.name == column).unwrap();
            assert_eq!(c["compression"], "ZSTD", "{name}.{path} compression");
            assert_eq!(c["stats"], true, "{name}.{path} has no statistics");
            assert!(c["null_count"].is_u64(), "{name}.{path} null count: {c}");
            let all_null = c["null_count"] == c["rows"];
            if def.ty != ColumnType::ListUtf8 && !all_null {
                assert_eq!(c["has_min_max"], true, "{name}.{path} min/max: {c}");
            }
        }
    }

    // Dictionary encoding of the low-cardinality columns, in every row group. (This checks the writer,
    // crates/export/src/writer.rs: keep it strict.)
    for &(t, column) in DICTIONARY_COLUMNS {
        let chunks: Vec<&Value> = dump[t.name()]["chunks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["path"] == column)
            .collect();
        assert!(!chunks.is_empty(), "{}.{column}: no column chunk", t.name());
        for c in chunks {
            let encodings = c["encodings"].as_array().unwrap();
            assert!(
                c["has_dictionary_page"] == true
                    && encodings
                        .iter()
                        .any(|e| e == "RLE_DICTIONARY" || e == "PLAIN_DICTIONARY"),
                "{}.{column} is not dictionary-encoded: {c}",
                t.name()
            );
        }
    }

    // Every column chunk has the encoding docs/schema.md gives its column: the unsigned integers
    // (but `removed`'s) delta-encoded, the other columns that are not dictionary-encoded plain.
    for t in Table::ALL {
        for c in dump[t.name()]["chunks"].as_array().unwrap() {
            let column = c["path"].as_str().unwrap().split('.').next().unwrap();
            let has = |e: &str| c["encodings"].as_array().unwrap().iter().any(|x| x == e);
            if toolkit_export::is_dictionary(t, column) {
                continue;
            }
            let delta = toolkit_export::is_delta(t, column);
            assert_eq!(
                (has("DELTA_BINARY_PACKED"), has("PLAIN")),
                (delta, !delta),
                "{}.{column}: {c}",
                t.name()
            );
        }
    }
}
