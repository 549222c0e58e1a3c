//! `toolkit clean`: clean text as files (`-o DIR`), JSON Lines, or an explanation of each cut.

use std::io::{BufReader, BufWriter, IsTerminal, Write};

use anyhow::Context;
use toolkit_pipeline::{clean_json_line, document_json_id, Processed};

use super::{inputs, pipeline_builder, Status};
use crate::args::CleanArgs;
use crate::progress::Bar;

/// Runs `toolkit clean`.
pub fn run(args: CleanArgs) -> anyhow::Result<Status> {
    let pipeline = pipeline_builder(&args.input, &args.clean)?
        .sentences(None)
        .mentions(None)
        .build()?;
    if args.jsonl && args.inputs.is_empty() {
        let stdin = BufReader::with_capacity(1 << 16, std::io::stdin().lock());
        let stdout = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let stats = pipeline.clean_jsonl(stdin, stdout)?;
        return Ok(Status::from_errors(stats.errors));
    }
    if args.inputs.is_empty() {
        anyhow::bail!(
            "no input: give files, folders or `-`, or use --jsonl to read JSON Lines on stdin"
        );
    }
    let inputs = inputs(&args.inputs);
    let bar = Bar::new(args.quiet);
    if let Some(dir) = &args.output {
        let result = pipeline.clean_to_dir(inputs, dir, &bar);
        bar.clear();
        let summary = result.with_context(|| format!("clean to {} failed", dir.display()))?;
        let mut err = std::io::stderr().lock();
        for e in &summary.errors {
            let _ = writeln!(err, "toolkit clean: {}", e.message);
        }
        if !args.quiet {
            let s = &summary.stats;
            let _ = writeln!(
                err,
                "toolkit clean: {} documents, {} removed segments, {} errors in {:.2}s -> {}",
                s.documents,
                s.removed,
                s.errors,
                s.elapsed.as_secs_f64(),
                dir.display()
            );
        }
        return Ok(Status::from_errors(summary.stats.errors));
    }
    // No folder: JSON Lines (or the explanation) on stdout.
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let colour = args.explain && std::io::stdout().is_terminal();
    let mut failure: Option<std::io::Error> = None;
    let result = pipeline.clean_each(inputs, &bar, |item, _| {
        if failure.is_some() {
            return Ok(());
        }
        let written = match item {
            Ok(p) if args.explain => explain(&mut out, &p, colour),
            Ok(p) => {
                let id = document_json_id(&p);
                let line = clean_json_line(&id, &p).map_err(std::io::Error::other);
                line.and_then(|l| writeln!(out, "{l}"))
            }
            Err(e) => writeln!(std::io::stderr().lock(), "toolkit clean: {}", e.message),
        };
        if let Err(e) = written {
            failure = Some(e);
        }
        Ok(())
    });
    bar.clear();
    let stats = result?;
    if let Some(e) = failure {
        return Err(e).context("cannot write standard output");
    }
    out.flush().context("cannot write standard output")?;
    Ok(Status::from_errors(stats.errors))
}

/// `== path`, then one line per removed segment: class, rule, text (red on a terminal).
fn explain(out: &mut impl Write, p: &Processed, colour: bool) -> std::io::Result<()> {
    let a = &p.article;
    match a.source_index {
        Some(i) => writeln!(out, "== {}:{i}", a.source_path)?,
        None => writeln!(out, "== {}", a.source_path)?,
    }
    for r in &p.removed {
        let text: String = r
            .text
            .chars()
            .take(160)
            .collect::<String>()
            .replace('\n', "⏎");
        if colour {
            writeln!(
                out,
                "  \x1b[33m{:<9}\x1b[0m \x1b[36m{:<24}\x1b[0m \x1b[31m{}\x1b[0m",
                r.class, r.rule_id, text
            )?;
        } else {
            writeln!(out, "  {:<9} {:<24} {}", r.class, r.rule_id, text)?;
        }
    }
    writeln!(
        out,
        "  kept {} chars in {} paragraphs",
        a.n_chars, a.n_paragraphs
    )
}
