//! Command-line types (clap). Flags parse straight into library types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use toolkit_pipeline::DedupMode;

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
    /// Clean scrapes: one clean .txt per input (mirroring the tree) or JSON Lines on stdout.
    Clean(CleanArgs),
    /// Decode and repair text only (encodings, mojibake, HTML entities, control characters, NFC).
    Fix(FixArgs),
    /// Split text into sentences: plain text on stdin → `start<TAB>end<TAB>sentence` lines.
    Sentences(StageArgs),
    /// Find entity mentions: plain text on stdin → `start<TAB>end<TAB>text<TAB>type<TAB>entity_id<TAB>canonical`.
    Mentions(StageArgs),
}

/// Settings shared by the commands that read inputs.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// How to parse inputs: auto sniffs each file (JSONL, CSV, HTML or plain text; gzip and zstd by content).
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
    /// Largest decompressed size of one gzip/zstd input, in bytes (decompression-bomb guard).
    #[arg(long, default_value_t = 4 << 30, value_name = "BYTES")]
    pub max_input_bytes: u64,
    /// Largest expansion ratio (decompressed / compressed) of a gzip/zstd input (decompression-bomb guard).
    #[arg(long, default_value_t = 200.0, value_name = "X")]
    pub max_expansion_ratio: f64,
    /// Follow symbolic links when walking directories.
    #[arg(long)]
    pub follow_links: bool,
    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

fn parse_shard(s: &str) -> Result<toolkit_pipeline::Shard, String> {
    s.parse()
        .map_err(|e: toolkit_pipeline::ExportError| e.to_string())
}

/// `--partition-by`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum PartitionArg {
    /// `published_year=2022/`
    Year,
    /// `published_year=2022/published_month=1/`
    Month,
    /// `site=www.example.org/`
    Site,
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
    /// CSV for spreadsheets: put a `'` before text cells starting with =, +, -, @, tab or carriage
    /// return so that Excel and LibreOffice do not run them as formulas. Parquet is never altered.
    #[arg(long)]
    pub csv_safe: bool,
    /// Parquet: zstd compression level of every column but the long free-text ones, 1 (fastest) to
    /// 22 (smallest, slowest).
    #[arg(long, value_name = "LEVEL", default_value_t = 3, value_parser = clap::value_parser!(i32).range(1..=22))]
    pub zstd_level: i32,
    /// Parquet: zstd compression level of the long free-text columns (articles.text,
    /// sentences.text), most of the bytes compressed; 1 (fastest, pyarrow's default) to 22. At 3,
    /// OrangeSum's tables are 9% smaller and the export takes about 4% more CPU.
    #[arg(long, value_name = "LEVEL", default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..=22))]
    pub text_zstd_level: i32,
    /// Replace the tables an earlier run left in the output folder (refused without it).
    #[arg(long)]
    pub force: bool,
    /// Process only share K of N of the inputs (1 <= K <= N) and write it as part files
    /// (`articles/part-0000K-of-0000N.parquet`), so that N runs, on N machines, write one dataset
    /// into the same folder. A document's share depends only on its source path (as given on the
    /// command line) and record number.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<toolkit_pipeline::Shard>,
    /// Write each table as hive-style partition folders (`articles/published_year=2022/...`) by the
    /// article's publication year, year and month, or site.
    #[arg(long, value_enum, value_name = "KEY")]
    pub partition_by: Option<PartitionArg>,
    /// Input settings.
    #[command(flatten)]
    pub input: InputArgs,
    /// Cleaning settings.
    #[command(flatten)]
    pub clean: CleanSettings,
    /// Skip sentence splitting (and so mention finding): the sentences and mentions tables stay empty.
    #[arg(long)]
    pub no_sentences: bool,
    /// Skip mention finding: the mentions table stays empty.
    #[arg(long)]
    pub no_mentions: bool,
    /// Extra gazetteer (TSV, same columns as data/gazetteer/*.tsv) added to the built-in one.
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Vec<PathBuf>,
    /// Duplicate detection: off, exact (same words) or near (MinHash over word shingles).
    #[arg(long, default_value = "near", value_name = "MODE")]
    pub dedup: DedupMode,
    /// Similarity (0–1, Jaccard of 2-word shingles) from which two articles are near duplicates.
    #[arg(long, value_name = "X")]
    pub dedup_threshold: Option<f32>,
    /// No progress bar, no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Settings of the cleaning stage, shared by `export` and `clean`.
#[derive(Debug, Args)]
pub struct CleanSettings {
    /// Keep the text as decoded: no chrome removal (metadata is still extracted).
    #[arg(long)]
    pub no_clean: bool,
    /// Extra boilerplate rules (TSV, same format as data/boilerplate/*.tsv), tried after the built-in packs.
    #[arg(long, value_name = "FILE")]
    pub rules: Vec<PathBuf>,
    /// Use this chrome profile instead of learning one from the inputs (for streams and repeat runs).
    #[arg(long, value_name = "FILE")]
    pub chrome_profile: Option<PathBuf>,
    /// Save the chrome profile learned from the inputs to FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "chrome_profile")]
    pub save_chrome_profile: Option<PathBuf>,
    /// Do not learn site chrome from the inputs (the first corpus pass).
    #[arg(long)]
    pub no_learn_chrome: bool,
}

/// `toolkit clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files, directories or `-` for stdin. Without inputs and with --jsonl, reads `{"id","text"}` lines on stdin.
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// Write one clean .txt per document under DIR, mirroring the input tree.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Read `{"id","text"}` JSON Lines on stdin; write `{"id","text","removed","meta"}` lines.
    #[arg(long, conflicts_with = "output")]
    pub jsonl: bool,
    /// Show every removed segment with its class and rule instead of the clean text.
    #[arg(long, conflicts_with = "output")]
    pub explain: bool,
    /// Input settings.
    #[command(flatten)]
    pub input: InputArgs,
    /// Cleaning settings.
    #[command(flatten)]
    pub clean: CleanSettings,
    /// No progress bar, no summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `toolkit sentences` and `toolkit mentions`.
#[derive(Debug, Args)]
pub struct StageArgs {
    /// Read `{"id","text"}` JSON Lines on stdin and write one JSON object per line.
    #[arg(long)]
    pub jsonl: bool,
    /// Extra abbreviations (one per line) for the sentence splitter.
    #[arg(long, value_name = "FILE")]
    pub abbreviations: Option<PathBuf>,
    /// Extra gazetteer (TSV) for mention finding.
    #[arg(long, value_name = "FILE")]
    pub gazetteer: Vec<PathBuf>,
    /// Worker threads for --jsonl (default: one per core).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
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
    /// Each file is one HTML page (charset from the page, main content, page metadata).
    Html,
}

/// `--format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TableFormatArg {
    /// Apache Parquet (zstd).
    Parquet,
    /// CSV with a header row.
    Csv,
}
