//! How zstd's level and table sizes trade instructions for size on a text column, compressed in
//! pages of 320 KiB (about the size of a batch's text page) with one reused context, as the writer
//! does. Reads the first `--limit` bytes (10,000,000 by default) of the column's values, joined:
//!
//!     cargo build --release -p toolkit-export --examples
//!     valgrind --tool=callgrind --toggle-collect='*compress_pages*' \
//!         target/release/examples/zstd_pages TABLES/sentences.parquet text 3 [HASH_LOG CHAIN_LOG]
//!
//! and prints the bytes in and out; divide the instructions callgrind counts by the bytes in.
#![allow(clippy::print_stdout)] // an example program reports on stdout
use std::fs::File;

use polars::prelude::*;
use zstd::zstd_safe::{CCtx, CParameter, ResetDirective};

const PAGE: usize = 320 << 10;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (positional, limit) = match args.iter().position(|a| a == "--limit") {
        Some(i) => (
            [&args[..i], &args[i + 2..]].concat(),
            args.get(i + 1).ok_or("--limit takes a number")?.parse()?,
        ),
        None => (args.clone(), 10_000_000usize),
    };
    let [path, column, level, tables @ ..] = positional.as_slice() else {
        return Err(
            "usage: zstd_pages TABLE.parquet COLUMN LEVEL [HASH_LOG CHAIN_LOG] [--limit BYTES]"
                .into(),
        );
    };
    let tables: Vec<u32> = tables.iter().map(|t| t.parse()).collect::<Result<_, _>>()?;
    let df = ParquetReader::new(File::open(path)?)
        .with_columns(Some(vec![column.clone()]))
        .finish()?;
    let mut data = Vec::with_capacity(limit);
    for value in df.column(column)?.str()?.iter().flatten() {
        data.extend_from_slice(value.as_bytes());
        if data.len() >= limit {
            break;
        }
    }
    data.truncate(limit);
    let compressed = compress_pages(&data, level.parse()?, &tables)?;
    println!("{} -> {compressed} bytes", data.len());
    Ok(())
}

/// The compressed size of `data` in pages of [`PAGE`] bytes at `level`, with the hash and chain
/// logs given (else the level's own).
#[inline(never)]
fn compress_pages(data: &[u8], level: i32, tables: &[u32]) -> Result<usize, String> {
    let mut cctx = CCtx::create();
    let mut out = Vec::with_capacity(2 * PAGE);
    let mut total = 0;
    for page in data.chunks(PAGE) {
        cctx.reset(ResetDirective::SessionAndParameters)
            .map_err(zstd::zstd_safe::get_error_name)?;
        cctx.set_parameter(CParameter::CompressionLevel(level))
            .map_err(zstd::zstd_safe::get_error_name)?;
        if let [hash_log, chain_log] = tables {
            cctx.set_parameter(CParameter::HashLog(*hash_log))
                .map_err(zstd::zstd_safe::get_error_name)?;
            cctx.set_parameter(CParameter::ChainLog(*chain_log))
                .map_err(zstd::zstd_safe::get_error_name)?;
        }
        out.clear();
        cctx.compress2(&mut out, page)
            .map_err(zstd::zstd_safe::get_error_name)?;
        total += out.len();
    }
    Ok(total)
}
