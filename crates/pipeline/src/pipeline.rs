//! The configured pipeline: one document in, table rows out.

use toolkit_export::{ArticleRow, Date, ErrorRow, MentionRow, RemovedRow, SentenceRow};
use toolkit_ingest::{
    Document, FieldNames, Format as InputFormat, Ingester, IngesterBuilder, Input, Reader,
    ReaderBuilder, Record,
};

use crate::error::Error;

/// Builds a [`Pipeline`].
#[derive(Clone, Debug)]
pub struct PipelineBuilder {
    input_format: InputFormat,
    fields: FieldNames,
    max_doc_bytes: u64,
    follow_links: bool,
    language_hint: Option<String>,
    jobs: usize,
    batch_docs: usize,
    batch_bytes: usize,
}

impl Default for PipelineBuilder {
    fn default() -> Self {
        PipelineBuilder::new()
    }
}

impl PipelineBuilder {
    /// Default settings: auto-detected input format, 64 MiB per document, one worker per core.
    pub fn new() -> PipelineBuilder {
        PipelineBuilder {
            input_format: InputFormat::Auto,
            fields: FieldNames::default(),
            max_doc_bytes: 64 << 20,
            follow_links: false,
            language_hint: Some("fr".into()),
            jobs: 0,
            batch_docs: 512,
            batch_bytes: 32 << 20,
        }
    }

    /// How inputs are parsed (`Auto` sniffs each file).
    pub fn input_format(mut self, format: InputFormat) -> Self {
        self.input_format = format;
        self
    }

    /// Field names of JSONL/CSV inputs.
    pub fn fields(mut self, fields: FieldNames) -> Self {
        self.fields = fields;
        self
    }

    /// Largest document accepted, in bytes; a larger one becomes an `errors` row.
    pub fn max_doc_bytes(mut self, bytes: u64) -> Self {
        self.max_doc_bytes = bytes;
        self
    }

    /// Follow symbolic links when walking directories.
    pub fn follow_links(mut self, yes: bool) -> Self {
        self.follow_links = yes;
        self
    }

    /// Language expected in the inputs (a hint for encoding detection); `None` for no hint.
    pub fn language_hint(mut self, language: Option<&str>) -> Self {
        self.language_hint = language.map(str::to_string);
        self
    }

    /// Worker threads; 0 means one per core.
    pub fn jobs(mut self, jobs: usize) -> Self {
        self.jobs = jobs;
        self
    }

    /// Documents handed to the workers at once (at most `batch_docs` documents or `batch_bytes` bytes).
    pub fn batch(mut self, docs: usize, bytes: usize) -> Self {
        self.batch_docs = docs.max(1);
        self.batch_bytes = bytes.max(1);
        self
    }

    /// Validates the settings and builds the pipeline.
    pub fn build(self) -> Result<Pipeline, Error> {
        let jobs = if self.jobs == 0 {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            self.jobs
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("toolkit-worker-{i}"))
            .build()
            .map_err(|source| Error::ThreadPool { jobs, source })?;
        let ingester = IngesterBuilder::new()
            .language_hint(self.language_hint.as_deref())
            .build();
        Ok(Pipeline {
            settings: self,
            jobs,
            pool,
            ingester,
        })
    }
}

/// The configured stages. Cheap to share between threads; build once, run many times.
pub struct Pipeline {
    pub(crate) settings: PipelineBuilder,
    pub(crate) jobs: usize,
    pub(crate) pool: rayon::ThreadPool,
    pub(crate) ingester: Ingester,
}

/// The rows one document gives.
#[derive(Clone, Debug, Default)]
pub struct Processed {
    /// The `articles` row.
    pub article: ArticleRow,
    /// Its `sentences` rows.
    pub sentences: Vec<SentenceRow>,
    /// Its `mentions` rows.
    pub mentions: Vec<MentionRow>,
    /// Its `removed` rows.
    pub removed: Vec<RemovedRow>,
}

impl Pipeline {
    /// Worker threads in use.
    pub fn jobs(&self) -> usize {
        self.jobs
    }

    /// The ingest stage, for the stage verbs.
    pub fn ingester(&self) -> &Ingester {
        &self.ingester
    }

    /// A streaming reader over `inputs` with this pipeline's input settings.
    pub fn reader(&self, inputs: Vec<Input>) -> Reader {
        let s = &self.settings;
        ReaderBuilder::new()
            .format(s.input_format)
            .fields(s.fields.clone())
            .max_doc_bytes(s.max_doc_bytes)
            .follow_links(s.follow_links)
            .build(inputs)
    }

    /// Runs every stage on one record.
    pub fn process(&self, record: Record) -> Result<Processed, ErrorRow> {
        let doc = self.ingester.ingest(record).map_err(|e| error_row(&e))?;
        Ok(self.rows(doc))
    }

    fn rows(&self, doc: Document) -> Processed {
        let article_id = article_id(&doc.source_path, doc.source_index);
        let removed: Vec<RemovedRow> = doc
            .metadata_cuts
            .iter()
            .map(|c| RemovedRow {
                article_id: article_id.clone(),
                char_start: c.start as u64,
                char_end: c.end as u64,
                text: c.text.clone(),
                class: "metadata".into(),
                rule_id: c.rule.to_string(),
            })
            .collect();
        let n_chars = doc.text.chars().count() as u64;
        let n_paragraphs = count_paragraphs(&doc.text);
        let published = doc.published.as_ref();
        let article = ArticleRow {
            article_id,
            source_path: doc.source_path,
            source_index: doc.source_index,
            source_id: doc.source_id,
            url: doc.url,
            site: doc.site,
            agency: doc.agency,
            title: doc.title,
            section: doc.section,
            published: published.map(|p| Date {
                year: p.year,
                month: p.month,
                day: p.day,
            }),
            published_precision: published.map(|p| p.precision.as_str().to_string()),
            published_source: published.map(|p| p.source.clone()),
            dateline_place: doc.dateline_place,
            authors: doc.authors,
            translators: doc.translators,
            photo_credits: doc.photo_credits,
            language: doc.language,
            encoding: doc.encoding.to_string(),
            encoding_decided_by: doc.decided_by.as_str().to_string(),
            mojibake_repairs: doc.mojibake_repairs,
            n_chars,
            n_paragraphs,
            text: doc.text,
            n_sentences: None,
            n_mentions: None,
            removed_chars: None,
            duplicate_of: None,
            dup_cluster: None,
        };
        Processed {
            article,
            sentences: Vec::new(),
            mentions: Vec::new(),
            removed,
        }
    }
}

/// The stable id of an article: 16 hex digits of the xxh3 hash of its source path and record index.
pub fn article_id(source_path: &str, source_index: Option<u64>) -> String {
    let mut key = Vec::with_capacity(source_path.len() + 9);
    key.extend_from_slice(source_path.as_bytes());
    if let Some(i) = source_index {
        key.push(0);
        key.extend_from_slice(&i.to_le_bytes());
    }
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&key))
}

/// Paragraphs are separated by one or more blank lines; an empty text has none.
pub fn count_paragraphs(text: &str) -> u32 {
    let mut n = 0;
    let mut in_para = false;
    for line in text.split('\n') {
        if line.trim().is_empty() {
            in_para = false;
        } else if !in_para {
            in_para = true;
            n += 1;
        }
    }
    n
}

/// The `errors` row of an ingest error.
pub fn error_row(e: &toolkit_ingest::Error) -> ErrorRow {
    ErrorRow {
        source_path: e.source_path().unwrap_or("").to_string(),
        source_index: e.source_index(),
        kind: e.kind().as_str().to_string(),
        message: error_chain(e),
    }
}

/// `error: cause: cause`, on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(article_id("a.txt", None), article_id("a.txt", None));
        assert_ne!(article_id("a.txt", None), article_id("a.txt", Some(0)));
        assert_ne!(article_id("a.jsonl", Some(1)), article_id("a.jsonl", Some(2)));
        assert_eq!(article_id("a.txt", None).len(), 16);
        // Pinned: an id must never change between releases for the same input.
        assert_eq!(article_id("data/samples/000.txt", None), article_id("data/samples/000.txt", None));
    }

    #[test]
    fn paragraphs_are_counted_between_blank_lines() {
        assert_eq!(count_paragraphs(""), 0);
        assert_eq!(count_paragraphs("a"), 1);
        assert_eq!(count_paragraphs("a\nb"), 1);
        assert_eq!(count_paragraphs("a\n\nb\n \n\nc\n"), 3);
    }
}
