//! Writes a small `sentences` table in the format given on the command line and reads it back:
//! `cargo run --release -p toolkit-export --example write_table -- csv /tmp/out`
#![allow(clippy::print_stderr)] // an example program reports on stderr
use std::path::PathBuf;

use toolkit_export::{read_parquet, Format, SentenceRow, TableWriter, WriterOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let format: Format = args.next().unwrap_or_else(|| "parquet".into()).parse()?;
    let dir = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let options = WriterOptions {
        format,
        ..WriterOptions::default()
    };
    let mut writer = TableWriter::<SentenceRow>::create(&dir, &options)?;
    let text = "Les ministres se sont réunis. Ils ont parlé.";
    for (i, (start, end)) in [(0usize, 29usize), (30, 44)].into_iter().enumerate() {
        writer.push(SentenceRow {
            article_id: "0000000000000001".into(),
            sentence_index: i as u32,
            paragraph_index: 0,
            char_start: start as u64,
            char_end: end as u64,
            text: text.chars().skip(start).take(end - start).collect(),
            n_tokens: 5,
        })?;
    }
    let path = writer.finish()?;
    if format == Format::Parquet {
        let table = read_parquet(&path)?;
        assert_eq!(table.rows.len(), 2);
    }
    eprintln!("wrote {}", path.display());
    Ok(())
}
