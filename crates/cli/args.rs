//! Command-line types (clap). Flags parse straight into library types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turns raw scraped news articles into clean text and analyst-ready tables.
#[derive(Debug, Parser)]
#[command(name = "toolkit", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read scrapes and write the articles, sentences, mentions, removed and errors tables.
    Export(ExportArgs),
    /// Decode and repair text only (encodings, mojibake, HTML entities, control characters, NFC).
    Fix(FixArgs),
}

/// Settings shared by the commands that read inputs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// How to parse inputs: auto sniffs each file (JSONL, CSV or plain text; gzip and zstd by content).
    #[arg(long, value_enum, default_value_t = InputFormatArg::Auto)]
    pub input_format: InputFormatArg,
    /// Name of the text field in JSONL/CSV inputs.
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    /// Name of the id field in JSONL/CSV inputs.
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    /// Name of the URL field in JSONL/CSV inputs.
    #[arg(long, default_value = "url", value_name = "NAME")]
    pub url_field: String,
    /// Name of the date field in JSONL/CSV inputs.
    #[arg(long, default_value = "date", value_name = "NAME")]
    pub date_field: String,
    /// Name of the title field in JSONL/CSV inputs.
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
    /// Largest document accepted, in bytes; a larger one becomes a row in the errors table.
    #[arg(long, default_value_t = 64 << 20, value_name = "BYTES")]
    pub max_doc_bytes: u64,
    /// Follow symbolic links when walking directories.
    #[arg(long)]
    pub follow_links: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// `toolkit export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Files, directories (walked recursively in sorted order), or `-` for standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Output folder for the tables (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// Table format.
    #[arg(long, value_enum, default_value_t = TableFormatArg::Parquet)]
    pub format: TableFormatArg,
    /// Input settings.
    #[command(flatten)]
    pub input: InputArgs,
    /// No progress bar, no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `toolkit fix`.
#[derive(Debug, Args)]
pub struct FixArgs {
    /// Read `{"id","text"}` JSON Lines on stdin and write `{"id","text"}` lines on stdout.
    #[arg(long)]
    pub jsonl: bool,
    /// Worker threads for --jsonl (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// `--input-format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InputFormatArg {
    /// Sniff each input.
    Auto,
    /// Each file is one document.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
}

/// `--format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TableFormatArg {
    /// Apache Parquet (zstd).
    Parquet,
    /// CSV with a header row.
    Csv,
}
