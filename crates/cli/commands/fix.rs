//! `toolkit fix [--jsonl]`: decoding and repair only.

use std::io::{BufReader, BufWriter, Read, Write};

use anyhow::Context;
use toolkit_pipeline::PipelineBuilder;

use super::Status;
use crate::args::FixArgs;

/// Plain mode: bytes on stdin → repaired text on stdout. JSONL mode: `{"id","text"}` lines.
pub fn run(args: FixArgs) -> anyhow::Result<Status> {
    let pipeline = PipelineBuilder::new()
        .jobs(args.jobs.unwrap_or(0))
        .normalize(None)
        .sentences(None)
        .build()?;
    let stdin = std::io::stdin().lock();
    let mut stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if args.jsonl {
        let stats = pipeline.fix_jsonl(BufReader::with_capacity(1 << 16, stdin), stdout)?;
        return Ok(Status::from_errors(stats.errors));
    }
    let mut bytes = Vec::new();
    BufReader::new(stdin)
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    let text = pipeline.fix_bytes(&bytes)?;
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .context("cannot write standard output")?;
    Ok(Status::Ok)
}
