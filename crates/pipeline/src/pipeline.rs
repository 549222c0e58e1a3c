//! The configured pipeline: one document in, table rows out.

use toolkit_dedup::{DedupConfig, Mode as DedupMode, Signature, Signer};
use toolkit_export::{ArticleRow, Date, ErrorRow, MentionRow, RemovedRow, SentenceRow};
use toolkit_ingest::{
    Document, FieldNames, Format as InputFormat, Ingester, IngesterBuilder, Input, Reader,
    ReaderBuilder, Record,
};
use toolkit_mentions::{Recognizer, RecognizerBuilder};
use toolkit_normalize::{ChromeProfile, Normalizer, NormalizerBuilder};
use toolkit_sentences::{CharOffsets, Segmenter};

use crate::error::Error;
use crate::rows::{mention_cells, sentence_cells, DocRows, MentionSpan, SentenceSpan};

/// Builds a [`Pipeline`].
#[derive(Clone, Debug)]
pub struct PipelineBuilder {
    pub(crate) input_format: InputFormat,
    pub(crate) fields: FieldNames,
    pub(crate) max_doc_bytes: u64,
    pub(crate) max_input_bytes: u64,
    pub(crate) max_expansion_ratio: f64,
    pub(crate) follow_links: bool,
    pub(crate) language_hint: Option<String>,
    pub(crate) jobs: usize,
    pub(crate) batch_docs: usize,
    pub(crate) batch_bytes: usize,
    pub(crate) normalize: Option<NormalizerBuilder>,
    pub(crate) learn_chrome: bool,
    pub(crate) sentences: Option<Segmenter>,
    pub(crate) mentions: Option<Recognizer>,
    /// A mention finder to build in [`PipelineBuilder::build`] (see [`PipelineBuilder::mentions_builder`]).
    pub(crate) mentions_builder: Option<RecognizerBuilder>,
    pub(crate) dedup: DedupConfig,
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
            max_input_bytes: toolkit_ingest::DEFAULT_MAX_INPUT_BYTES,
            max_expansion_ratio: toolkit_ingest::DEFAULT_MAX_EXPANSION_RATIO,
            follow_links: false,
            language_hint: Some("fr".into()),
            jobs: 0,
            // Up to six batches are in flight (two read ahead, one on the workers, one done, one
            // in the sink): 256 documents or 8 MB per batch keep them to a few tens of MB. On
            // OrangeSum, 256 documents rather than 128 take about 1.5% less time and make smaller
            // tables (fewer, larger pages; batch dictionaries merged half as often) for about 30 MiB
            // more peak RSS; 512 cost ~80 MB more, for no gain in speed (BENCHMARKS.md).
            batch_docs: 256,
            batch_bytes: 8 << 20,
            normalize: Some(NormalizerBuilder::new()),
            learn_chrome: true,
            sentences: Some(Segmenter::french()),
            mentions: None,
            mentions_builder: None,
            dedup: DedupConfig {
                mode: DedupMode::Off,
                ..DedupConfig::default()
            },
        }
    }

    /// Duplicate detection across the corpus (`DedupConfig::mode`: off, exact or near; off by default).
    pub fn dedup(mut self, config: DedupConfig) -> Self {
        self.dedup = config;
        self
    }

    /// The cleaning stage (rule packs, user rules, a chrome profile); `None` turns cleaning off.
    pub fn normalize(mut self, normalize: Option<NormalizerBuilder>) -> Self {
        self.normalize = normalize;
        self
    }

    /// Learn site chrome from the inputs in a first pass before cleaning (only for re-readable
    /// inputs: files, not stdin). A profile given to [`PipelineBuilder::normalize`] is extended.
    pub fn learn_chrome(mut self, yes: bool) -> Self {
        self.learn_chrome = yes;
        self
    }

    /// The sentence splitter; `None` turns sentence splitting off.
    pub fn sentences(mut self, segmenter: Option<Segmenter>) -> Self {
        self.sentences = segmenter;
        self
    }

    /// The mention finder; `None` turns mention finding off. Needs sentences.
    pub fn mentions(mut self, recognizer: Option<Recognizer>) -> Self {
        self.mentions = recognizer;
        self.mentions_builder = None;
        self
    }

    /// The mention finder, built by [`PipelineBuilder::build`] on a second thread while the cleaning
    /// rules are compiled on the calling one: the two take most of a run's start-up (about 60 M
    /// instructions each with the default rules and gazetteer), which then takes about as long as the
    /// slower of them rather than their sum (with [`PipelineBuilder::mentions`] given a finder built
    /// beforehand). `None` turns mention finding off. Needs sentences.
    ///
    /// ```
    /// use toolkit_pipeline::{PipelineBuilder, RecognizerBuilder};
    ///
    /// let pipeline = PipelineBuilder::new()
    ///     .mentions_builder(Some(RecognizerBuilder::new()))
    ///     .build()?;
    /// let text = "Emmanuel Macron est arrivé à Bruxelles.";
    /// let out = pipeline
    ///     .process(toolkit_ingest::Record::from_bytes("note.txt", text.as_bytes().to_vec()))
    ///     .expect("a short text is processed");
    /// assert!(out.mentions.iter().any(|m| m.surface == "Bruxelles"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn mentions_builder(mut self, builder: Option<RecognizerBuilder>) -> Self {
        self.mentions_builder = builder;
        self.mentions = None;
        self
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

    /// Decompression-bomb guards: the most decompressed bytes one gzip/zstd input may give, and the
    /// largest expansion ratio (decompressed / compressed) allowed; an input past either is an
    /// `errors` row (`decompression_bomb`).
    pub fn decompression_caps(mut self, max_input_bytes: u64, max_expansion_ratio: f64) -> Self {
        self.max_input_bytes = max_input_bytes;
        self.max_expansion_ratio = max_expansion_ratio;
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
    pub fn build(mut self) -> Result<Pipeline, Error> {
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
        let finds_mentions = self.mentions.is_some() || self.mentions_builder.is_some();
        if finds_mentions && self.sentences.is_none() {
            return Err(Error::Config(
                "mention finding needs sentence splitting".into(),
            ));
        }
        let mut ingest = IngesterBuilder::new();
        ingest
            .language_hint(self.language_hint.as_deref())
            .format(self.input_format);
        let ingester = ingest.build();
        // The chrome-learning pass needs each document's site and lines, not its language.
        let learning_ingester = ingest.detect_language(false).build();
        // The cleaning rules and the mention finder, the slow parts of the start-up, are built at once.
        let normalize = self.normalize.clone();
        let (normalizer, recognizer) = match self.mentions_builder.take() {
            None => (normalize.map(NormalizerBuilder::build).transpose(), None),
            Some(builder) => {
                // Taken by the thread that builds it: the setup thread, or this one if that thread
                // cannot be started.
                let pending = std::sync::Mutex::new(Some(builder));
                let take = || {
                    pending
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .take()
                };
                let build = || take().map(|b| b.build());
                std::thread::scope(|scope| {
                    let thread = std::thread::Builder::new()
                        .name("toolkit-setup".into())
                        .spawn_scoped(scope, build)
                        .ok();
                    let normalizer = normalize.map(NormalizerBuilder::build).transpose();
                    let recognizer = match thread {
                        Some(thread) => thread
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                        None => build(),
                    };
                    (normalizer, recognizer)
                })
            }
        };
        let normalizer = normalizer?;
        if let Some(recognizer) = recognizer {
            self.mentions = Some(recognizer?);
        }
        let signer = match self.dedup.mode {
            DedupMode::Off => None,
            _ => Some(Signer::new(&self.dedup)?),
        };
        Ok(Pipeline {
            settings: self,
            jobs,
            pool,
            ingester,
            learning_ingester,
            normalizer,
            signer,
        })
    }
}

/// The configured stages. Cheap to share between threads; build once, run many times.
pub struct Pipeline {
    pub(crate) settings: PipelineBuilder,
    pub(crate) jobs: usize,
    pub(crate) pool: rayon::ThreadPool,
    pub(crate) ingester: Ingester,
    pub(crate) learning_ingester: Ingester,
    pub(crate) normalizer: Option<Normalizer>,
    pub(crate) signer: Option<Signer>,
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
    /// Its duplicate-detection signature, when dedup is on.
    pub signature: Option<Signature>,
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
            .max_input_bytes(s.max_input_bytes)
            .max_expansion_ratio(s.max_expansion_ratio)
            .follow_links(s.follow_links)
            .build(inputs)
    }

    /// Runs every stage on one record.
    pub fn process(&self, record: Record) -> Result<Processed, ErrorRow> {
        self.process_with(record, self.normalizer.as_ref())
    }

    /// The normalizer in use, if cleaning is on.
    pub fn normalizer(&self) -> Option<&Normalizer> {
        self.normalizer.as_ref()
    }

    /// A normalizer like this pipeline's, with `profile` as its chrome profile (`None` when cleaning
    /// is off).
    pub fn normalizer_with_profile(
        &self,
        profile: ChromeProfile,
    ) -> Result<Option<Normalizer>, Error> {
        // The rules were compiled when the pipeline was built: only the profile is new.
        Ok(self.normalizer.as_ref().map(|n| n.with_profile(&profile)))
    }

    /// Runs every stage on one record, cleaning with `normalizer` instead of the pipeline's own (used
    /// with a chrome profile learned from the inputs).
    pub fn process_with(
        &self,
        record: Record,
        normalizer: Option<&Normalizer>,
    ) -> Result<Processed, ErrorRow> {
        let doc = self.ingester.ingest(record).map_err(|e| error_row(&e))?;
        Ok(self.doc_rows(doc, normalizer).into_processed())
    }

    /// Every stage on one ingested document: its article row, and its other rows as spans.
    pub(crate) fn doc_rows(&self, doc: Document, normalizer: Option<&Normalizer>) -> DocRows {
        let article_id = article_id(&doc.source_path, doc.source_index);
        let (text, raw, removals, removed_chars) = match normalizer {
            Some(n) => {
                let cleaned = n.clean(&doc.text, doc.site.as_deref());
                let chars = cleaned.removed_chars() as u64;
                (cleaned.text, doc.text, cleaned.removed, Some(chars))
            }
            None => (doc.text, String::new(), Vec::new(), None),
        };
        let (sentences, mentions) = self.spans(&text);
        let signature = self.signer.as_ref().map(|s| s.sign(&text));
        let n_chars = text.chars().count() as u64;
        let n_paragraphs = count_paragraphs(&text);
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
            text,
            n_sentences: self
                .settings
                .sentences
                .as_ref()
                .map(|_| sentences.len() as u32),
            n_mentions: self
                .settings
                .mentions
                .as_ref()
                .map(|_| mentions.len() as u32),
            removed_chars,
            duplicate_of: None,
            dup_cluster: None,
            dup_similarity: None,
        };
        DocRows {
            article,
            signature,
            raw,
            cuts: doc.metadata_cuts,
            removals,
            sentences,
            mentions,
        }
    }

    /// Sentence and mention rows of `text` taken as is (no repair, no cleaning), with an empty
    /// article id: what `toolkit sentences` and `toolkit mentions` print.
    pub fn annotate_text(&self, text: &str) -> (Vec<SentenceRow>, Vec<MentionRow>) {
        self.annotate("", text)
    }

    /// Sentence and mention rows of a clean text (empty when those stages are off).
    pub(crate) fn annotate(
        &self,
        article_id: &str,
        text: &str,
    ) -> (Vec<SentenceRow>, Vec<MentionRow>) {
        let (sentences, mentions) = self.spans(text);
        (
            sentence_cells(article_id, text, &sentences)
                .map(SentenceRow::from)
                .collect(),
            mention_cells(article_id, text, &mentions)
                .map(MentionRow::from)
                .collect(),
        )
    }

    /// The sentences and mentions of a clean text (none when those stages are off).
    fn spans(&self, text: &str) -> (Vec<SentenceSpan>, Vec<MentionSpan>) {
        let Some(segmenter) = &self.settings.sentences else {
            return (Vec::new(), Vec::new());
        };
        let spans = segmenter.split(text);
        let mut offsets = CharOffsets::new(text);
        let sentences: Vec<SentenceSpan> = spans
            .iter()
            .map(|s| {
                let (start, end) = offsets.span(s);
                SentenceSpan {
                    start: s.start,
                    end: s.end,
                    char_start: start as u64,
                    char_end: end as u64,
                    paragraph: s.paragraph as u32,
                    n_tokens: toolkit_sentences::count_tokens(&text[s.start..s.end]) as u32,
                }
            })
            .collect();
        let Some(recognizer) = &self.settings.mentions else {
            return (sentences, Vec::new());
        };
        let byte_spans: Vec<(usize, usize)> = spans.iter().map(|s| (s.start, s.end)).collect();
        let mut offsets = CharOffsets::new(text);
        let mentions = recognizer
            .find(text, &byte_spans)
            .into_iter()
            .map(|mention| MentionSpan {
                char_start: offsets.char_offset(mention.start) as u64,
                char_end: offsets.char_offset(mention.end) as u64,
                mention,
            })
            .collect();
        (sentences, mentions)
    }
}

/// The stable id of an article: 16 hex digits of [`article_key`].
pub fn article_id(source_path: &str, source_index: Option<u64>) -> String {
    format_article_id(article_key(source_path, source_index))
}

/// The xxh3 hash of an article's source path and record index, from which its id is written.
pub fn article_key(source_path: &str, source_index: Option<u64>) -> u64 {
    let mut key = Vec::with_capacity(source_path.len() + 9);
    key.extend_from_slice(source_path.as_bytes());
    if let Some(i) = source_index {
        key.push(0);
        key.extend_from_slice(&i.to_le_bytes());
    }
    xxhash_rust::xxh3::xxh3_64(&key)
}

/// Writes an article key as an article id.
pub fn format_article_id(key: u64) -> String {
    format!("{key:016x}")
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
        source_path: e.source_path.clone().unwrap_or_default(),
        source_index: e.source_index,
        kind: e.kind().as_str().to_string(),
        message: e.message().replace(['\n', '\r'], " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(article_id("a.txt", None), article_id("a.txt", None));
        assert_ne!(article_id("a.txt", None), article_id("a.txt", Some(0)));
        assert_ne!(
            article_id("a.jsonl", Some(1)),
            article_id("a.jsonl", Some(2))
        );
        assert_eq!(article_id("a.txt", None).len(), 16);
        // Pinned: an id must never change between releases for the same input.
        assert_eq!(article_id("data/samples/000.txt", None), "2e9b33edd122dc3d");
    }

    /// A mention finder given as settings is built with the pipeline (on a thread of its own) and
    /// finds what the same finder built beforehand finds; like a built one, it needs sentences.
    #[test]
    fn a_mention_finder_built_with_the_pipeline_finds_what_a_built_one_finds() {
        let text = "Le président Emmanuel Macron a reçu Olaf Scholz à Paris.\n\nM. Macron a parlé.";
        let record = || Record::from_bytes("note.txt", text.as_bytes().to_vec());
        let built = PipelineBuilder::new()
            .mentions(Some(Recognizer::new().expect("default recognizer")))
            .build()
            .expect("pipeline");
        let with_builder = PipelineBuilder::new()
            .mentions_builder(Some(RecognizerBuilder::new()))
            .build()
            .expect("pipeline");
        let (a, b) = (
            built.process(record()).expect("processed"),
            with_builder.process(record()).expect("processed"),
        );
        assert!(a.mentions.len() >= 3, "{:?}", a.mentions);
        assert_eq!(a.mentions, b.mentions);
        assert!(with_builder.normalizer().is_some());
        let e = PipelineBuilder::new()
            .sentences(None)
            .mentions_builder(Some(RecognizerBuilder::new()))
            .build()
            .err()
            .expect("mentions without sentences");
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        // The last of `mentions` and `mentions_builder` wins.
        let off = PipelineBuilder::new()
            .mentions_builder(Some(RecognizerBuilder::new()))
            .mentions(None)
            .build()
            .expect("pipeline");
        assert!(off
            .process(record())
            .expect("processed")
            .mentions
            .is_empty());
    }

    #[test]
    fn paragraphs_are_counted_between_blank_lines() {
        assert_eq!(count_paragraphs(""), 0);
        assert_eq!(count_paragraphs("a"), 1);
        assert_eq!(count_paragraphs("a\nb"), 1);
        assert_eq!(count_paragraphs("a\n\nb\n \n\nc\n"), 3);
    }
}
