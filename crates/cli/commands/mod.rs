//! One module per subcommand; each turns parsed flags into library settings and returns an exit status.

pub mod clean;
pub mod export;
pub mod fix;
pub mod stage;

use std::path::Path;

use anyhow::Context;
use toolkit_pipeline::{
    ChromeProfile, FieldNames, Gazetteer, Input, InputFormat, NormalizerBuilder, PipelineBuilder,
    RecognizerBuilder, Segmenter, SegmenterBuilder,
};

use crate::args::{CleanSettings, InputArgs, InputFormatArg};

/// How a command ended, mapped to the process exit code by `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything went through (exit 0).
    Ok,
    /// The run finished but some inputs went to the errors table (exit 1).
    SomeErrors,
}

impl Status {
    /// `SomeErrors` when `errors` is not zero.
    pub fn from_errors(errors: u64) -> Status {
        if errors > 0 {
            Status::SomeErrors
        } else {
            Status::Ok
        }
    }
}

/// The inputs named on the command line (`-` is standard input).
pub fn inputs(args: &[String]) -> Vec<Input> {
    args.iter().map(|s| Input::from(s.as_str())).collect()
}

fn read(path: &Path, what: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// The pipeline settings shared by the commands that read inputs.
pub fn pipeline_builder(
    input: &InputArgs,
    clean: &CleanSettings,
) -> anyhow::Result<PipelineBuilder> {
    let format = match input.input_format {
        InputFormatArg::Auto => InputFormat::Auto,
        InputFormatArg::Text => InputFormat::Text,
        InputFormatArg::Jsonl => InputFormat::Jsonl,
        InputFormatArg::Csv => InputFormat::Csv,
        InputFormatArg::Html => InputFormat::Html,
    };
    let fields = FieldNames {
        text: input.text_field.clone(),
        id: input.id_field.clone(),
        url: input.url_field.clone(),
        date: input.date_field.clone(),
        title: input.title_field.clone(),
    };
    Ok(PipelineBuilder::new()
        .input_format(format)
        .fields(fields)
        .max_doc_bytes(input.max_doc_bytes)
        .decompression_caps(input.max_input_bytes, input.max_expansion_ratio)
        .follow_links(input.follow_links)
        .jobs(input.jobs.unwrap_or(0))
        .normalize(normalizer(clean)?)
        .learn_chrome(!clean.no_learn_chrome && clean.chrome_profile.is_none()))
}

/// The cleaning stage from `--no-clean`, `--rules` and `--chrome-profile`.
pub fn normalizer(clean: &CleanSettings) -> anyhow::Result<Option<NormalizerBuilder>> {
    if clean.no_clean {
        return Ok(None);
    }
    let mut builder = NormalizerBuilder::new();
    for path in &clean.rules {
        builder = builder
            .rules_from_str(&read(path, "rule file")?)
            .with_context(|| format!("invalid rule file {}", path.display()))?;
    }
    if let Some(path) = &clean.chrome_profile {
        let file = std::fs::File::open(path)
            .with_context(|| format!("cannot read chrome profile {}", path.display()))?;
        let profile = ChromeProfile::from_reader(std::io::BufReader::new(file))
            .with_context(|| format!("invalid chrome profile {}", path.display()))?;
        builder = builder.profile(profile);
    }
    Ok(Some(builder))
}

/// The sentence splitter, with extra abbreviations from a file.
pub fn segmenter(abbreviations: Option<&Path>) -> anyhow::Result<Segmenter> {
    let mut builder = SegmenterBuilder::new();
    if let Some(path) = abbreviations {
        builder.abbreviations_from_str(&read(path, "abbreviation list")?);
    }
    Ok(builder.build()?)
}

/// The mention finder's settings, with extra gazetteers from files (read and checked here; the
/// finder itself is built with the pipeline, alongside the cleaning rules).
pub fn recognizer_builder(gazetteers: &[impl AsRef<Path>]) -> anyhow::Result<RecognizerBuilder> {
    let mut builder = RecognizerBuilder::new();
    if gazetteers.is_empty() {
        return Ok(builder);
    }
    let mut gazetteer = Gazetteer::default_fr();
    for path in gazetteers {
        let path = path.as_ref();
        gazetteer.extend(
            Gazetteer::from_tsv(&read(path, "gazetteer")?)
                .with_context(|| format!("invalid gazetteer {}", path.display()))?,
        );
    }
    builder.gazetteer(gazetteer);
    Ok(builder)
}
