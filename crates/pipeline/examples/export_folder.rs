//! Exports a folder of scrapes to Parquet tables with every stage on, printing the counters:
//! `cargo run --release -p toolkit-pipeline --example export_folder -- data/samples /tmp/tables`
#![allow(clippy::print_stderr)] // an example program reports on stderr

use toolkit_pipeline::{
    DedupConfig, ExportOptions, Input, NoProgress, PipelineBuilder, RecognizerBuilder,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = args.next().unwrap_or_else(|| "data/samples".into());
    let out_dir = args.next().unwrap_or_else(|| "tables".into()).into();
    let pipeline = PipelineBuilder::new()
        // Built with the pipeline, while the cleaning rules compile.
        .mentions_builder(Some(RecognizerBuilder::new()))
        .dedup(DedupConfig::default())
        .build()?;
    let options = ExportOptions {
        out_dir,
        writer: Default::default(),
        save_chrome_profile: None,
        replace: true,
        layout: Default::default(),
    };
    let summary = pipeline.export(vec![Input::from(input.as_str())], &options, &NoProgress)?;
    let s = &summary.stats;
    eprintln!(
        "{} articles, {} sentences, {} mentions, {} removed, {} errors in {:.2}s",
        s.documents,
        s.sentences,
        s.mentions,
        s.removed,
        s.errors,
        s.elapsed.as_secs_f64()
    );
    for table in &summary.tables {
        eprintln!("wrote {}", table.display());
    }
    Ok(())
}
