//! `toolkit sentences` and `toolkit mentions`: one stage over stdin.

use std::io::{BufReader, BufWriter, Read, Write};

use anyhow::Context;
use toolkit_pipeline::PipelineBuilder;

use super::{recognizer_builder, segmenter, Status};
use crate::args::StageArgs;

/// Which stage to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Sentence spans.
    Sentences,
    /// Entity mentions.
    Mentions,
}

/// Plain text on stdin → TSV on stdout; with `--jsonl`, `{"id","text"}` lines → JSON objects.
pub fn run(stage: Stage, args: StageArgs) -> anyhow::Result<Status> {
    let mentions = (stage == Stage::Mentions)
        .then(|| recognizer_builder(&args.gazetteer))
        .transpose()?;
    let pipeline = PipelineBuilder::new()
        .jobs(args.jobs.unwrap_or(0))
        .normalize(None)
        .sentences(Some(segmenter(args.abbreviations.as_deref())?))
        .mentions_builder(mentions)
        .build()?;
    let stdin = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if args.jsonl {
        let stats = match stage {
            Stage::Sentences => pipeline.sentences_jsonl(stdin, out)?,
            Stage::Mentions => pipeline.mentions_jsonl(stdin, out)?,
        };
        return Ok(Status::from_errors(stats.errors));
    }
    let mut text = String::new();
    { stdin }
        .read_to_string(&mut text)
        .context("standard input is not UTF-8 text (use `toolkit fix` first)")?;
    let (sentences, mentions) = pipeline.annotate_text(&text);
    let result = match stage {
        Stage::Sentences => sentences.iter().try_for_each(|s| {
            writeln!(
                out,
                "{}\t{}\t{}",
                s.char_start,
                s.char_end,
                s.text.replace(['\t', '\n'], " ")
            )
        }),
        Stage::Mentions => mentions.iter().try_for_each(|m| {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                m.char_start, m.char_end, m.surface, m.entity_type, m.entity_id, m.canonical
            )
        }),
    };
    result
        .and_then(|_| out.flush())
        .context("cannot write standard output")?;
    Ok(Status::Ok)
}
