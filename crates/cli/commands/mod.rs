//! One module per subcommand; each turns parsed flags into library settings and returns an exit status.

pub mod export;
pub mod fix;

use toolkit_pipeline::{FieldNames, InputFormat, PipelineBuilder};

use crate::args::{InputArgs, InputFormatArg};

/// How a command ended, mapped to the process exit code by `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Everything went through (exit 0).
    Ok,
    /// The run finished but some inputs went to the errors table (exit 1).
    SomeErrors,
}

/// The pipeline settings shared by the commands that read inputs.
pub fn pipeline_builder(input: &InputArgs) -> PipelineBuilder {
    let format = match input.input_format {
        InputFormatArg::Auto => InputFormat::Auto,
        InputFormatArg::Text => InputFormat::Text,
        InputFormatArg::Jsonl => InputFormat::Jsonl,
        InputFormatArg::Csv => InputFormat::Csv,
    };
    let fields = FieldNames {
        text: input.text_field.clone(),
        id: input.id_field.clone(),
        url: input.url_field.clone(),
        date: input.date_field.clone(),
        title: input.title_field.clone(),
    };
    PipelineBuilder::new()
        .input_format(format)
        .fields(fields)
        .max_doc_bytes(input.max_doc_bytes)
        .follow_links(input.follow_links)
        .jobs(input.jobs.unwrap_or(0))
}
