//! `toolkit export INPUT... -o DIR`.

use std::io::Write;

use anyhow::Context;
use toolkit_pipeline::{
    DedupConfig, ExportOptions, Layout, PartitionBy, TableFormat, WriterOptions,
};

use super::{inputs, pipeline_builder, recognizer_builder, segmenter, Status};
use crate::args::{ExportArgs, PartitionArg, TableFormatArg};
use crate::progress::Bar;

/// Runs the export and prints a one-line summary on stderr.
pub fn run(args: ExportArgs) -> anyhow::Result<Status> {
    let sentences = (!args.no_sentences).then(|| segmenter(None)).transpose()?;
    let mentions = (!args.no_sentences && !args.no_mentions)
        .then(|| recognizer_builder(&args.gazetteer))
        .transpose()?;
    let mut dedup = DedupConfig {
        mode: args.dedup,
        ..DedupConfig::default()
    };
    if let Some(threshold) = args.dedup_threshold {
        dedup.threshold = threshold;
    }
    let pipeline = pipeline_builder(&args.input, &args.clean)?
        .sentences(sentences)
        .mentions_builder(mentions)
        .dedup(dedup)
        .build()?;
    let format = match args.format {
        TableFormatArg::Parquet => TableFormat::Parquet,
        TableFormatArg::Csv => TableFormat::Csv,
    };
    let options = ExportOptions {
        out_dir: args.output.clone(),
        writer: WriterOptions {
            format,
            csv_safe: args.csv_safe,
            zstd_level: args.zstd_level,
            text_zstd_level: args.text_zstd_level,
            ..WriterOptions::default()
        },
        save_chrome_profile: args.clean.save_chrome_profile.clone(),
        replace: args.force,
        layout: Layout {
            partition_by: args.partition_by.map(|p| match p {
                PartitionArg::Year => PartitionBy::Year,
                PartitionArg::Month => PartitionBy::Month,
                PartitionArg::Site => PartitionBy::Site,
            }),
            shard: args.shard,
        },
    };
    let inputs = inputs(&args.inputs);
    let bar = Bar::new(args.quiet);
    let result = pipeline.export(inputs, &options, &bar);
    bar.clear();
    let summary = result.with_context(|| format!("export to {} failed", args.output.display()))?;
    let s = &summary.stats;
    if !args.quiet {
        let _ = writeln!(
            std::io::stderr().lock(),
            "toolkit export: {} articles, {} sentences, {} mentions, {} removed segments, {} errors; \
             {:.1} MB in {:.2}s ({:.1} MB/s, {:.0} docs/s, {} jobs) -> {}",
            s.documents,
            s.sentences,
            s.mentions,
            s.removed,
            s.errors,
            s.bytes as f64 / 1e6,
            s.elapsed.as_secs_f64(),
            s.mb_per_sec(),
            s.docs_per_sec(),
            pipeline.jobs(),
            args.output.display()
        );
    }
    Ok(Status::from_errors(s.errors))
}
