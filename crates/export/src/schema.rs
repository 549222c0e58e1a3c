//! The fixed, versioned schemas of the five tables.
//!
//! The schema never depends on the data: every column exists in every file, with the same type, even when
//! all its values are null. `docs/schema.md` is generated from these definitions (see
//! [`schema_markdown`]) and a test keeps the two in step.

/// Version of the table schemas. Stored in `articles.schema_version` and in the Parquet metadata; it
/// changes whenever a column is added, removed, renamed or retyped.
pub const SCHEMA_VERSION: u32 = 1;

/// One of the five tables that `toolkit export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// One row per article.
    Articles,
    /// One row per sentence.
    Sentences,
    /// One row per entity mention.
    Mentions,
    /// One row per segment removed from an article.
    Removed,
    /// One row per input that could not be read or decoded.
    Errors,
}

impl Table {
    /// All tables, in the order they are documented.
    pub const ALL: [Table; 5] = [
        Table::Articles,
        Table::Sentences,
        Table::Mentions,
        Table::Removed,
        Table::Errors,
    ];

    /// The table's name, also its file stem (`articles.parquet`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Articles => "articles",
            Table::Sentences => "sentences",
            Table::Mentions => "mentions",
            Table::Removed => "removed",
            Table::Errors => "errors",
        }
    }

    /// The table's columns, in file order.
    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Table::Articles => ARTICLES,
            Table::Sentences => SENTENCES,
            Table::Mentions => MENTIONS,
            Table::Removed => REMOVED,
            Table::Errors => ERRORS,
        }
    }

    /// What one row of the table stands for.
    pub fn description(self) -> &'static str {
        match self {
            Table::Articles => "One row per article that was read and decoded.",
            Table::Sentences => "One row per sentence of `articles.text`.",
            Table::Mentions => "One row per entity mention in `articles.text`.",
            Table::Removed => {
                "One row per segment that cleaning removed from an article (metadata, chrome, repeats, ...): \
                 the lines removed one after the other for the same reason (class and rule) are one \
                 segment, with the blank lines between them."
            }
            Table::Errors => "One row per input (file or record) that could not be read or decoded.",
        }
    }
}

/// The logical type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 string.
    Utf8,
    /// Unsigned 32-bit integer.
    UInt32,
    /// Unsigned 64-bit integer.
    UInt64,
    /// 32-bit float.
    Float32,
    /// Calendar date (days since 1970-01-01).
    Date,
    /// List of UTF-8 strings (in CSV: a JSON array in one cell).
    ListUtf8,
}

impl ColumnType {
    /// The name used in `docs/schema.md`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Utf8 => "string",
            ColumnType::UInt32 => "uint32",
            ColumnType::UInt64 => "uint64",
            ColumnType::Float32 => "float32",
            ColumnType::Date => "date",
            ColumnType::ListUtf8 => "list<string>",
        }
    }
}

/// One column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnDef {
    /// Column name.
    pub name: &'static str,
    /// Column type.
    pub ty: ColumnType,
    /// Whether the column may hold nulls.
    pub nullable: bool,
    /// What the column holds.
    pub doc: &'static str,
}

const fn col(name: &'static str, ty: ColumnType, nullable: bool, doc: &'static str) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        nullable,
        doc,
    }
}

use ColumnType::*;

const ARTICLES: &[ColumnDef] = &[
    col("article_id", Utf8, false, "Stable id: 16 hex digits of a hash of source_path and source_index. The same input gives the same id on any machine and thread count."),
    col("source_path", Utf8, false, "Input path as given or found by walking a directory (`-` for stdin)."),
    col("source_index", UInt64, true, "Record number (0-based) inside a JSONL or CSV file; null for a whole-file input."),
    col("source_id", Utf8, true, "The record's own id field, when the input has one, to join back to the source data."),
    col("url", Utf8, true, "The record's URL, when known."),
    col("site", Utf8, true, "Host of the URL without `www.`."),
    col("agency", Utf8, true, "News agency from the dateline or an agency line (`Reuters`, `AFP`)."),
    col("title", Utf8, true, "Title from the record's field or the scrape's first lines."),
    col("section", Utf8, true, "Section name when the scrape starts with one (`Défense`)."),
    col("published", Date, true, "Publication date; the first day of the month or year when only those are known (see published_precision)."),
    col("published_precision", Utf8, true, "`day`, `month` or `year`: how much of `published` is known."),
    col("published_source", Utf8, true, "Where the date came from: `field`, `header`, `dateline`, `agency_line`, ..."),
    col("dateline_place", Utf8, true, "Place of the wire dateline (`BRUXELLES`)."),
    col("authors", ListUtf8, false, "Authors from credits and bylines (possibly empty)."),
    col("translators", ListUtf8, false, "Translators from credits (`version française ...`)."),
    col("photo_credits", ListUtf8, false, "Photo credits (`REUTERS/Pascal Rossignol`)."),
    col("language", Utf8, true, "ISO 639-1 code of the text's language (`fr`), when it could be told."),
    col("encoding", Utf8, false, "Encoding the input was decoded with (`UTF-8`, `windows-1252`, `UTF-16LE`, ...)."),
    col("encoding_decided_by", Utf8, false, "How the encoding was decided: `bom`, `utf8_valid`, `detected` or `container` (a JSON/CSV string)."),
    col("mojibake_repairs", UInt32, false, "Number of repairs made while fixing the text (mojibake sequences, HTML entities, control characters)."),
    col("text", Utf8, false, "The clean text. Every offset in the other tables is a code point offset into this column."),
    col("n_chars", UInt64, false, "Length of `text` in code points."),
    col("n_paragraphs", UInt32, false, "Number of paragraphs in `text` (separated by a blank line)."),
    col("n_sentences", UInt32, true, "Number of rows in `sentences` for this article; null when sentence splitting did not run."),
    col("n_mentions", UInt32, true, "Number of rows in `mentions` for this article; null when mention finding did not run."),
    col("removed_chars", UInt64, true, "Code points removed by cleaning; null when cleaning did not run."),
    col("duplicate_of", Utf8, true, "article_id of the canonical copy when this article duplicates another; null otherwise or when dedup did not run."),
    col("dup_cluster", Utf8, true, "Id of the duplicate cluster: the article_id of its canonical article (the earliest published, then the first in input order); null when dedup did not run."),
    col("dup_similarity", Float32, true, "Estimated similarity (Jaccard of word shingles, 1.0 for an exact copy) to the canonical article; null for canonical articles and when dedup did not run."),
    col("schema_version", UInt32, false, "Version of this schema."),
];

const SENTENCES: &[ColumnDef] = &[
    col(
        "article_id",
        Utf8,
        false,
        "The article (articles.article_id).",
    ),
    col(
        "sentence_index",
        UInt32,
        false,
        "0-based position of the sentence in the article.",
    ),
    col(
        "paragraph_index",
        UInt32,
        false,
        "0-based paragraph the sentence belongs to.",
    ),
    col(
        "char_start",
        UInt64,
        false,
        "Start offset in code points into articles.text.",
    ),
    col(
        "char_end",
        UInt64,
        false,
        "End offset (exclusive) in code points into articles.text.",
    ),
    col(
        "text",
        Utf8,
        false,
        "The sentence text (`articles.text[char_start:char_end]`).",
    ),
    col(
        "n_tokens",
        UInt32,
        false,
        "Number of word and punctuation tokens.",
    ),
];

const MENTIONS: &[ColumnDef] = &[
    col(
        "article_id",
        Utf8,
        false,
        "The article (articles.article_id).",
    ),
    col(
        "sentence_index",
        UInt32,
        false,
        "The sentence that contains the mention (sentences.sentence_index).",
    ),
    col(
        "char_start",
        UInt64,
        false,
        "Start offset in code points into articles.text.",
    ),
    col(
        "char_end",
        UInt64,
        false,
        "End offset (exclusive) in code points into articles.text.",
    ),
    col("surface", Utf8, false, "The mention as written."),
    col(
        "entity_id",
        Utf8,
        false,
        "Canonical entity id; the same entity has the same id in every article.",
    ),
    col("canonical", Utf8, false, "Canonical name of the entity."),
    col("entity_type", Utf8, false, "`PER`, `ORG`, `LOC` or `MISC`."),
    col("method", Utf8, false, "`gazetteer`, `rule` or `coref`."),
    col("confidence", Float32, false, "Confidence between 0 and 1."),
];

const REMOVED: &[ColumnDef] = &[
    col(
        "article_id",
        Utf8,
        false,
        "The article (articles.article_id).",
    ),
    col(
        "char_start",
        UInt64,
        false,
        "Start offset in code points into the text before cleaning (after decoding and repair).",
    ),
    col(
        "char_end",
        UInt64,
        false,
        "End offset (exclusive), same reference.",
    ),
    col("text", Utf8, false, "The removed segment."),
    col(
        "class",
        Utf8,
        false,
        "`chrome`, `caption`, `credit`, `consent`, `ad`, `repeated`, `metadata` or `learned`.",
    ),
    col("rule_id", Utf8, false, "The rule that removed it."),
];

const ERRORS: &[ColumnDef] = &[
    col("source_path", Utf8, false, "Input path (`-` for stdin)."),
    col("source_index", UInt64, true, "Record number inside a JSONL/CSV file, when the error concerns one record."),
    col("kind", Utf8, false, "Error kind: `io`, `not_found`, `empty`, `binary`, `decode`, `too_large`, `json`, `csv`, `decompress`, ..."),
    col("message", Utf8, false, "A one-line human-readable message."),
];

/// Renders the documentation of every table as Markdown (the content of `docs/schema.md`).
pub fn schema_markdown() -> String {
    let mut s = String::new();
    s.push_str("# Table schemas\n\n");
    s.push_str("<!-- Generated from crates/export/src/schema.rs by `cargo run --release --example schema_doc -p toolkit-export`; a test checks it is up to date. -->\n\n");
    let defaults = crate::WriterOptions::default();
    s.push_str(&format!(
        "Schema version: **{SCHEMA_VERSION}**. Offsets are Unicode code point offsets into `articles.text`, end \
         exclusive, so Python slicing works. In CSV output, list columns hold a JSON array and dates are \
         `YYYY-MM-DD`. Parquet files are zstd-compressed, with statistics on every column, in row groups of \
         about 112 MiB uncompressed (`WriterOptions::row_group_bytes`). The long free-text columns, \
         `articles.text` and `sentences.text`, are compressed at zstd level {text} (`--text-zstd-level`), \
         every other column at level {other} (`--zstd-level`).\n",
        text = defaults.text_zstd_level,
        other = defaults.zstd_level,
    ));
    for table in Table::ALL {
        s.push_str(&format!(
            "\n## {}\n\n{}\n\n",
            table.name(),
            table.description()
        ));
        s.push_str("| column | type | nullable | description |\n|---|---|---|---|\n");
        for c in table.columns() {
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.name,
                c.ty.name(),
                if c.nullable { "yes" } else { "no" },
                c.doc
            ));
        }
        let names = |encoded: fn(Table, &str) -> bool| {
            let names: Vec<String> = table
                .columns()
                .iter()
                .filter(|c| encoded(table, c.name))
                .map(|c| format!("`{}`", c.name))
                .collect();
            names.join(", ")
        };
        let mut encodings = vec![format!(
            "dictionary-encoded: {}",
            names(crate::encode::is_dictionary)
        )];
        let delta = names(crate::encode::is_delta);
        if !delta.is_empty() {
            encodings.push(format!("delta-encoded (`DELTA_BINARY_PACKED`): {delta}"));
        }
        s.push_str(&format!(
            "\nIn Parquet, {}; every other column is plain-encoded.\n",
            encodings.join("; ")
        ));
    }
    s
}
