//! `toolkit export`: inputs → the five tables, streaming, in parallel, deterministic.

use std::path::{Path, PathBuf};

use toolkit_export::{
    ArticleRow, Completed, DatasetWriter, EncodedBatch, EncodedColumn, ErrorRow, Format, Layout,
    MentionRow, RemovedRow, Row, RowBatch, SentenceRow, WriterOptions,
};
use toolkit_ingest::Input;
use toolkit_normalize::ChromeProfile;

use toolkit_dedup::{Assignment, Clusterer, DedupConfig, Signature};

use crate::error::Error;
use crate::pipeline::{article_key, format_article_id, Pipeline};
use crate::progress::{Progress, Stats};
use crate::rows::DocRows;
use crate::spill::{Spill, SpillGroup};

/// Rows of one table for each partition folder of a batch, in first-seen order.
type Parts<R> = Vec<(String, EncodedBatch<R>)>;

/// A batch of documents run through every stage and encoded on a worker: what the writing thread
/// gets, so that it only gathers pages.
struct EncodedDocs {
    documents: u64,
    sentence_rows: u64,
    mention_rows: u64,
    removed_rows: u64,
    errors: Vec<ErrorRow>,
    articles: ArticlesOut,
    sentences: Parts<SentenceRow>,
    mentions: Parts<MentionRow>,
    removed: Parts<RemovedRow>,
}

enum ArticlesOut {
    /// Encoded for the articles table.
    Encoded(Parts<ArticleRow>),
    /// With dedup: the rows as a group of the spill file (its head, then the rows), and what the
    /// clustering needs of each.
    Spill {
        head: Vec<u8>,
        rows: Vec<u8>,
        keys: Vec<(u64, Option<i32>, Option<Signature>)>,
    },
}

/// Rows of one table split by partition folder, then encoded.
struct Partitioned<R: Row> {
    parts: Vec<(String, RowBatch<R>)>,
}

impl<R: Row> Partitioned<R> {
    fn new() -> Self {
        Partitioned { parts: Vec::new() }
    }

    /// The batch of partition folder `part`.
    fn batch(&mut self, part: &str, options: &WriterOptions) -> &mut RowBatch<R> {
        match self.parts.iter().position(|(p, _)| p == part) {
            Some(i) => &mut self.parts[i].1,
            None => {
                self.parts.push((part.to_string(), RowBatch::new(options)));
                &mut self.parts.last_mut().expect("pushed").1
            }
        }
    }

    fn push(&mut self, part: &str, row: &R, options: &WriterOptions) {
        self.batch(part, options).push(row);
    }

    /// Adds rows of this table (owned or borrowing their cells) of one partition folder (the
    /// partition is looked up once).
    fn push_all<T: Row>(
        &mut self,
        part: &str,
        rows: impl Iterator<Item = T>,
        options: &WriterOptions,
    ) {
        let mut rows = rows.peekable();
        if rows.peek().is_none() {
            return;
        }
        let batch = self.batch(part, options);
        for row in rows {
            batch.push(&row);
        }
    }

    fn encode(self) -> Result<Parts<R>, Error> {
        self.parts
            .into_iter()
            .filter(|(_, b)| !b.is_empty())
            .map(|(p, b)| Ok((p, b.encode()?)))
            .collect()
    }

    /// [`Partitioned::encode`] of rows of one partition folder (or none), with `column`'s pages in
    /// its column ([`RowBatch::encode_with`]).
    fn encode_with(mut self, column: EncodedColumn<R>) -> Result<Parts<R>, Error> {
        self.parts.retain(|(_, b)| !b.is_empty());
        match self.parts.pop() {
            None if column.rows() == 0 => Ok(Vec::new()),
            Some((p, b)) if self.parts.is_empty() => Ok(vec![(p, b.encode_with(column)?)]),
            _ => Err(Error::Export(toolkit_export::Error::EncodedColumn(
                format!(
                    "{}: rows of several partitions, or none, for one column of pages",
                    R::TABLE.name()
                ),
            ))),
        }
    }
}

/// Where and how the tables are written.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Output folder (created if missing).
    pub out_dir: PathBuf,
    /// Format and row-group settings.
    pub writer: WriterOptions,
    /// Where to save the chrome profile learned from the inputs, if anywhere.
    pub save_chrome_profile: Option<PathBuf>,
    /// Replace the tables an earlier run left in `out_dir` (without it such a folder is refused). The
    /// five new tables replace the old ones together, once all five are complete.
    pub replace: bool,
    /// One file per table (the default), or tables as folders of part files: partitioned by year,
    /// month or site, and/or one share (`--shard K/N`) of the inputs per run. With a shard, only the
    /// documents of that share are processed and only that shard's part files are written or
    /// replaced, so that N runs into one folder make one dataset.
    pub layout: Layout,
}

/// What an export run wrote.
#[derive(Clone, Debug)]
pub struct ExportSummary {
    /// Final counters.
    pub stats: Stats,
    /// The table files written, in the order of `toolkit_export::Table::ALL` (one per table, or each
    /// table's part files in partition order).
    pub tables: Vec<PathBuf>,
}

struct Writers {
    layout: Layout,
    /// The most memory the tables' row groups being gathered may hold together (compressed pages
    /// and dictionary keys); past it, the largest is written early. Each table alone cuts row groups
    /// at `row_group_bytes`, uncompressed.
    budget: usize,
    articles: ArticleSink,
    sentences: DatasetWriter<SentenceRow>,
    mentions: DatasetWriter<MentionRow>,
    removed: DatasetWriter<RemovedRow>,
    errors: DatasetWriter<ErrorRow>,
}

/// Articles go straight to their table, or, with dedup on, to a spill file until the clustering of
/// the whole corpus knows each article's duplicate columns.
enum ArticleSink {
    Direct(DatasetWriter<ArticleRow>),
    Dedup {
        table: DatasetWriter<ArticleRow>,
        spill: Spill,
        keys: Vec<u64>,
        clusterer: Clusterer,
    },
}

impl ArticleSink {
    /// The articles table (empty until the end of the run when the rows wait in the spill file).
    fn table(&mut self) -> &mut DatasetWriter<ArticleRow> {
        match self {
            ArticleSink::Direct(t) | ArticleSink::Dedup { table: t, .. } => t,
        }
    }
}

impl Writers {
    fn create(
        dir: &Path,
        layout: Layout,
        options: &WriterOptions,
        dedup: Option<&DedupConfig>,
    ) -> Result<Writers, Error> {
        let table = DatasetWriter::new(dir, layout, options);
        let articles = match dedup {
            Some(config) => ArticleSink::Dedup {
                table,
                spill: Spill::create(dir, &layout.temp_prefix())?,
                keys: Vec::new(),
                clusterer: Clusterer::new(config)?,
            },
            None => ArticleSink::Direct(table),
        };
        Ok(Writers {
            layout,
            budget: options.buffer_bytes,
            articles,
            sentences: DatasetWriter::new(dir, layout, options),
            mentions: DatasetWriter::new(dir, layout, options),
            removed: DatasetWriter::new(dir, layout, options),
            errors: DatasetWriter::new(
                dir,
                Layout {
                    partition_by: None,
                    ..layout
                },
                options,
            ),
        })
    }

    fn write(&mut self, docs: EncodedDocs, stats: &mut Stats) -> Result<(), Error> {
        stats.documents += docs.documents;
        stats.sentences += docs.sentence_rows;
        stats.mentions += docs.mention_rows;
        stats.removed += docs.removed_rows;
        stats.errors += docs.errors.len() as u64;
        match (&mut self.articles, docs.articles) {
            (ArticleSink::Direct(table), ArticlesOut::Encoded(parts)) => {
                for (part, batch) in parts {
                    table.push_batch(&part, batch)?;
                }
            }
            (
                ArticleSink::Dedup {
                    spill,
                    keys,
                    clusterer,
                    ..
                },
                ArticlesOut::Spill {
                    head,
                    rows,
                    keys: more,
                },
            ) => {
                for (key, published, signature) in more {
                    let order = keys.len() as u64;
                    keys.push(key);
                    if let Some(sig) = signature {
                        clusterer.add(order, published, sig);
                    }
                }
                spill.push_group(&head, &rows)?;
            }
            _ => unreachable!("articles encoded for the other sink"),
        }
        for (part, batch) in docs.sentences {
            self.sentences.push_batch(&part, batch)?;
        }
        for (part, batch) in docs.mentions {
            self.mentions.push_batch(&part, batch)?;
        }
        for (part, batch) in docs.removed {
            self.removed.push_batch(&part, batch)?;
        }
        for e in docs.errors {
            self.errors.push("", e)?;
        }
        self.keep_within_budget()
    }

    /// Flushes the largest table buffers until all of them together fit the budget, so that memory
    /// stays flat whatever the corpus size (the articles of a dedup run wait in the spill file).
    fn keep_within_budget(&mut self) -> Result<(), Error> {
        loop {
            let sizes = [
                self.articles.table().buffered_bytes(),
                self.sentences.buffered_bytes(),
                self.mentions.buffered_bytes(),
                self.removed.buffered_bytes(),
            ];
            if sizes.iter().sum::<usize>() <= self.budget {
                return Ok(());
            }
            let largest = (0..sizes.len()).max_by_key(|&i| sizes[i]).unwrap_or(0);
            match largest {
                0 => self.articles.table().flush_largest()?,
                1 => self.sentences.flush_largest()?,
                2 => self.mentions.flush_largest()?,
                _ => self.removed.flush_largest()?,
            }
        }
    }

    /// Completes every table; the files are renamed into place only once all are complete. The
    /// other tables are completed on a thread of their own while a dedup run clusters the articles
    /// and writes them from the spill file, streamed through the workers like the main pass.
    fn finish(self, pipeline: &Pipeline, options: &WriterOptions) -> Result<Vec<Completed>, Error> {
        let Writers {
            layout,
            articles,
            sentences,
            mentions,
            removed,
            errors,
            ..
        } = self;
        std::thread::scope(|scope| {
            let others = std::thread::Builder::new()
                .name("toolkit-finish".into())
                .spawn_scoped(scope, move || -> Result<Vec<Completed>, Error> {
                    let mut others = sentences.complete()?;
                    others.extend(mentions.complete()?);
                    others.extend(removed.complete()?);
                    others.extend(errors.complete()?);
                    Ok(others)
                })
                .expect("spawning a thread");
            let articles = finish_articles(articles, layout, pipeline, options);
            let others = others.join().expect("the table-completing thread panicked");
            let mut completed = articles?;
            completed.extend(others?);
            Ok(completed)
        })
    }
}

/// Completes the articles table: at once, or, with dedup, once the clustering of the whole corpus
/// gives each spilled row its duplicate columns.
fn finish_articles(
    articles: ArticleSink,
    layout: Layout,
    pipeline: &Pipeline,
    options: &WriterOptions,
) -> Result<Vec<Completed>, Error> {
    let (mut table, spill, keys, clusterer) = match articles {
        ArticleSink::Direct(table) => return Ok(table.complete()?),
        ArticleSink::Dedup {
            table,
            spill,
            keys,
            clusterer,
        } => (table, spill, keys, clusterer),
    };
    let mut assigned = clusterer.finish().into_iter();
    // The reading thread pairs each row of a group with its cluster; the workers decode them.
    let groups = spill.groups()?.map(move |group| {
        let group = group?;
        let clusters: Vec<Option<Assignment>> =
            group.rows.iter().map(|_| assigned.next()).collect();
        Ok((group, clusters))
    });
    // Batches of a fixed number of groups (main-pass batches) or bytes, so the pages are the same
    // whatever the number of workers; larger than the main pass's, for larger pages of the small
    // columns.
    pipeline.stream_items(
        groups,
        (8, 8 << 20),
        |group: &Result<(SpillGroup, Vec<Option<Assignment>>), Error>| {
            group.as_ref().map_or(0, |(g, _)| g.bytes)
        },
        &crate::progress::NoProgress,
        None,
        |batch| -> Result<Parts<ArticleRow>, Error> {
            let mut parts = Partitioned::new();
            // The texts' pages of the groups, when they were spilled so.
            let mut texts: Option<EncodedColumn<ArticleRow>> = None;
            for group in batch {
                let (group, clusters) = group?;
                match (group.pages()?, &mut texts) {
                    (Some(more), Some(texts)) => texts.append(more),
                    (Some(more), None) => texts = Some(more),
                    (None, _) => {}
                }
                for (frame, assigned) in group.rows.iter().zip(clusters) {
                    let mut row = frame.decode()?;
                    if let Some(a) = assigned {
                        row.duplicate_of =
                            a.duplicate_of.map(|o| format_article_id(keys[o as usize]));
                        row.dup_cluster = Some(format_article_id(keys[a.cluster as usize]));
                        row.dup_similarity = a.similarity;
                    }
                    parts.push(&layout.partition(&row), &row, options);
                }
            }
            match texts {
                Some(texts) => parts.encode_with(texts),
                None => parts.encode(),
            }
        },
        |parts, _| {
            for (part, batch) in parts? {
                table.push_batch(&part, batch)?;
            }
            Ok(())
        },
    )?;
    Ok(table.complete()?)
}

impl Pipeline {
    /// Reads every input, runs the stages on the worker pool and writes the five tables to
    /// `options.out_dir`. A bad input becomes a row of `errors`; only an output failure stops the run.
    ///
    /// Rows come out in input order whatever the number of workers, so the tables are byte-identical
    /// for the same inputs and settings.
    pub fn export(
        &self,
        inputs: Vec<Input>,
        options: &ExportOptions,
        progress: &dyn Progress,
    ) -> Result<ExportSummary, Error> {
        let start = std::time::Instant::now();
        std::fs::create_dir_all(&options.out_dir).map_err(|source| Error::OutputDir {
            path: options.out_dir.clone(),
            source,
        })?;
        let existing = existing_tables(&options.out_dir, options.layout);
        if !existing.is_empty() && !options.replace {
            let names: Vec<String> = existing
                .iter()
                .take(5)
                .map(|p| {
                    let rel = p.strip_prefix(&options.out_dir).unwrap_or(p);
                    rel.display().to_string()
                })
                .collect();
            return Err(Error::Config(format!(
                "{} already holds tables of this run ({}{}); use --force to replace them",
                options.out_dir.display(),
                names.join(", "),
                if existing.len() > 5 { ", ..." } else { "" }
            )));
        }
        options.layout.remove_stale_temporaries(&options.out_dir);
        let total_bytes = known_total_bytes(&inputs);
        // With a chrome-learning pass, the documents it ingests are kept for the main pass, which
        // then reads them back instead of reading and ingesting the inputs a second time.
        let (normalizer, learned, kept) = if self.learns_chrome(&inputs) {
            let (profile, kept) = self.learn_chrome_profile_keeping(
                inputs.clone(),
                options.layout,
                &options.out_dir,
            )?;
            let normalizer = self.normalizer_with_profile(profile.clone())?;
            (normalizer, Some(profile), Some(kept))
        } else {
            (self.normalizer.clone(), None, None)
        };
        if let (Some(path), Some(profile)) = (&options.save_chrome_profile, &learned) {
            save_profile(path, profile)?;
        }
        let dedup = self.signer.as_ref().map(|_| &self.settings.dedup);
        let mut writers =
            Writers::create(&options.out_dir, options.layout, &options.writer, dedup)?;
        let normalizer = normalizer.as_ref();
        let sink =
            |docs: Result<EncodedDocs, Error>, stats: &mut Stats| writers.write(docs?, stats);
        let mut stats = match kept {
            Some(kept) => self.stream_items(
                kept.frames()?,
                (self.settings.batch_docs, self.settings.batch_bytes),
                |frame| frame.as_ref().map_or(0, |f| f.record_bytes),
                progress,
                total_bytes,
                |frames| {
                    let processed = frames
                        .into_iter()
                        .map(|frame| Ok(frame?.decode()?.map(|doc| self.doc_rows(doc, normalizer))))
                        .collect::<Result<Vec<_>, Error>>()?;
                    self.encode_docs(processed, options, dedup.is_some())
                },
                sink,
            )?,
            None => self.stream(
                inputs,
                options.layout.shard,
                progress,
                total_bytes,
                |batch| {
                    let processed = self.process_batch_spans(batch, normalizer);
                    self.encode_docs(processed, options, dedup.is_some())
                },
                sink,
            )?,
        };
        let completed = writers.finish(self, &options.writer)?;
        // Every table is complete and synced: only now do they replace the old ones, together.
        let tables = completed
            .into_iter()
            .map(|c| c.commit())
            .collect::<Result<Vec<PathBuf>, _>>()?;
        // Old part files of this run's shard that the new run did not rewrite (partitions that are
        // gone) would add stale rows to the dataset.
        let ext = options.writer.format.extension();
        for old in existing {
            if old.extension().is_some_and(|e| e == ext) && !tables.contains(&old) {
                std::fs::remove_file(&old).map_err(|source| Error::OutputDir {
                    path: old.clone(),
                    source,
                })?;
            }
        }
        // The whole run: chrome learning, the main pass and the final writes.
        stats.elapsed = start.elapsed();
        progress.update(&stats, total_bytes);
        Ok(ExportSummary { stats, tables })
    }
}

impl Pipeline {
    /// Every stage on a batch of documents, then their rows encoded table by table and partition by
    /// partition (on the worker that ran the batch).
    fn encode_docs(
        &self,
        processed: Vec<Result<DocRows, ErrorRow>>,
        options: &ExportOptions,
        dedup: bool,
    ) -> Result<EncodedDocs, Error> {
        let w = &options.writer;
        let mut docs = EncodedDocs {
            documents: 0,
            sentence_rows: 0,
            mention_rows: 0,
            removed_rows: 0,
            errors: Vec::new(),
            articles: ArticlesOut::Encoded(Vec::new()),
            sentences: Vec::new(),
            mentions: Vec::new(),
            removed: Vec::new(),
        };
        let mut articles = Partitioned::new();
        // With dedup, the articles wait in the spill file for the clustering of the whole corpus.
        // Unless they are partitioned (the pages of a column belong to one part file) or CSV, their
        // texts wait there as compressed pages, made here, while every core is busy: the rows are
        // spilled without them.
        let ahead = dedup && w.format == Format::Parquet && options.layout.partition_by.is_none();
        // Room for all the spilled rows at once (with their texts unless those are spilled ahead).
        let room = match dedup {
            true => processed
                .iter()
                .map(|p| {
                    p.as_ref()
                        .map_or(0, |p| 1024 + if ahead { 0 } else { p.article.text.len() })
                })
                .sum(),
            false => 0,
        };
        let (mut spilled, mut spilled_rows, mut keys) = (Vec::with_capacity(room), 0, Vec::new());
        let mut texts = Vec::new();
        let mut sentences = Partitioned::new();
        let mut mentions = Partitioned::new();
        let mut removed = Partitioned::new();
        for item in processed {
            let mut p = match item {
                Ok(p) => p,
                Err(e) => {
                    docs.errors.push(e);
                    continue;
                }
            };
            docs.documents += 1;
            docs.sentence_rows += p.sentences.len() as u64;
            docs.mention_rows += p.mentions.len() as u64;
            docs.removed_rows += p.removed_len() as u64;
            let part = options.layout.partition(&p.article);
            sentences.push_all(&part, p.sentences(), w);
            mentions.push_all(&part, p.mentions(), w);
            removed.push_all(&part, p.removed(), w);
            if dedup {
                // After the rows that point into the text, which may now be taken.
                if ahead {
                    texts.push(std::mem::take(&mut p.article.text));
                }
                let a = &p.article;
                let published = a.published.and_then(|d| d.days_since_epoch());
                keys.push((
                    article_key(&a.source_path, a.source_index),
                    published,
                    p.signature.take(),
                ));
                Spill::serialize_into(&mut spilled, a);
                spilled_rows += 1;
            } else {
                articles.push(&part, &p.article, w);
            }
        }
        docs.articles = if dedup {
            let pages = match ahead && spilled_rows > 0 {
                true => Some(EncodedColumn::encode(
                    "text",
                    texts.iter().map(String::as_str),
                    w,
                )?),
                false => None,
            };
            let mut head = Vec::new();
            Spill::group_head(&mut head, spilled_rows, pages);
            ArticlesOut::Spill {
                head,
                rows: spilled,
                keys,
            }
        } else {
            ArticlesOut::Encoded(articles.encode()?)
        };
        docs.sentences = sentences.encode()?;
        docs.mentions = mentions.encode()?;
        docs.removed = removed.encode()?;
        Ok(docs)
    }
}

fn save_profile(path: &Path, profile: &ChromeProfile) -> Result<(), Error> {
    let io = |source| Error::OutputDir {
        path: path.to_path_buf(),
        source,
    };
    let tmp = path.with_extension("tmp");
    let file = std::fs::File::create(&tmp).map_err(io)?;
    profile.to_writer(std::io::BufWriter::new(file))?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// The table files (any format) of this run's layout already in `dir`.
fn existing_tables(dir: &Path, layout: Layout) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for table in toolkit_export::Table::ALL {
        for format in [toolkit_export::Format::Parquet, toolkit_export::Format::Csv] {
            found.extend(layout.existing_files(dir, table.name(), format.extension()));
        }
    }
    found
}

/// The total size of the inputs when it can be known cheaply: every input is an uncompressed regular file.
fn known_total_bytes(inputs: &[Input]) -> Option<u64> {
    let mut total = 0;
    for input in inputs {
        let Input::Path(p) = input else { return None };
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "gz" | "zst" | "zstd") {
            return None;
        }
        let meta = std::fs::metadata(p).ok()?;
        if !meta.is_file() {
            return None;
        }
        total += meta.len();
    }
    Some(total)
}
