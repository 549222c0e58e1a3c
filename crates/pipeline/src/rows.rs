//! A document's rows as spans into its texts, so that the export path copies each cell once, into the
//! table's columns, instead of first into a `String` per cell of a row struct (the `removed` table of
//! OrangeSum alone has 2.7 million rows of six cells).

use toolkit_dedup::Signature;
use toolkit_export::{ArticleRow, Cells, MentionRow, RemovedRow, Row, SentenceRow, Table, Value};
use toolkit_ingest::Cut;
use toolkit_mentions::Mention;
use toolkit_normalize::Removal;

use crate::pipeline::Processed;

/// A sentence of the clean text: byte range, code-point range, paragraph and token count.
pub(crate) struct SentenceSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) char_start: u64,
    pub(crate) char_end: u64,
    pub(crate) paragraph: u32,
    pub(crate) n_tokens: u32,
}

/// A mention of the clean text, with its code-point range.
pub(crate) struct MentionSpan {
    pub(crate) mention: Mention,
    pub(crate) char_start: u64,
    pub(crate) char_end: u64,
}

/// Everything one document gives: its article row, and its other rows as spans into the article's
/// clean text (sentences, mentions) or into the text before cleaning (removed segments).
pub(crate) struct DocRows {
    pub(crate) article: ArticleRow,
    pub(crate) signature: Option<Signature>,
    /// The text given to the normalizer, which the removals point into (empty without cleaning).
    pub(crate) raw: String,
    /// Metadata cut by ingest: the first `removed` rows.
    pub(crate) cuts: Vec<Cut>,
    pub(crate) removals: Vec<Removal>,
    pub(crate) sentences: Vec<SentenceSpan>,
    pub(crate) mentions: Vec<MentionSpan>,
}

impl DocRows {
    /// The rows as owned row structs, for callers that keep them ([`Processed`]).
    pub(crate) fn into_processed(self) -> Processed {
        let removed = self.removed().map(RemovedRow::from).collect();
        let sentences = self.sentences().map(SentenceRow::from).collect();
        let mentions = self.mentions().map(MentionRow::from).collect();
        Processed {
            article: self.article,
            sentences,
            mentions,
            removed,
            signature: self.signature,
        }
    }

    /// The `removed` rows: metadata cuts, then what cleaning removed, in input order.
    pub(crate) fn removed(&self) -> impl Iterator<Item = RemovedCells<'_>> {
        let id = self.article.article_id.as_str();
        let cuts = self.cuts.iter().map(move |c| RemovedCells {
            article_id: id,
            char_start: c.start as u64,
            char_end: c.end as u64,
            text: &c.text,
            class: "metadata",
            rule_id: c.rule,
        });
        let removals = self.removals.iter().map(move |r| RemovedCells {
            article_id: id,
            char_start: r.start as u64,
            char_end: r.end as u64,
            text: r.text(&self.raw),
            class: r.class.as_str(),
            rule_id: r.rule_id(),
        });
        cuts.chain(removals)
    }

    pub(crate) fn removed_len(&self) -> usize {
        self.cuts.len() + self.removals.len()
    }

    /// The `sentences` rows.
    pub(crate) fn sentences(&self) -> impl Iterator<Item = SentenceCells<'_>> {
        sentence_cells(
            &self.article.article_id,
            &self.article.text,
            &self.sentences,
        )
    }

    /// The `mentions` rows.
    pub(crate) fn mentions(&self) -> impl Iterator<Item = MentionCells<'_>> {
        mention_cells(&self.article.article_id, &self.article.text, &self.mentions)
    }
}

pub(crate) fn sentence_cells<'a>(
    article_id: &'a str,
    text: &'a str,
    spans: &'a [SentenceSpan],
) -> impl Iterator<Item = SentenceCells<'a>> {
    spans.iter().enumerate().map(move |(i, s)| SentenceCells {
        article_id,
        sentence_index: i as u32,
        paragraph_index: s.paragraph,
        char_start: s.char_start,
        char_end: s.char_end,
        text: &text[s.start..s.end],
        n_tokens: s.n_tokens,
    })
}

pub(crate) fn mention_cells<'a>(
    article_id: &'a str,
    text: &'a str,
    spans: &'a [MentionSpan],
) -> impl Iterator<Item = MentionCells<'a>> {
    spans.iter().map(move |s| {
        let m = &s.mention;
        MentionCells {
            article_id,
            sentence_index: m.sentence_index as u32,
            char_start: s.char_start,
            char_end: s.char_end,
            surface: &text[m.start..m.end],
            entity_id: &m.entity_id,
            canonical: &m.canonical,
            entity_type: m.entity_type.as_str(),
            method: m.method.as_str(),
            confidence: m.confidence,
        }
    })
}

/// A `sentences` row borrowing its cells.
pub(crate) struct SentenceCells<'a> {
    article_id: &'a str,
    sentence_index: u32,
    paragraph_index: u32,
    char_start: u64,
    char_end: u64,
    text: &'a str,
    n_tokens: u32,
}

impl Row for SentenceCells<'_> {
    const TABLE: Table = Table::Sentences;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(self.article_id)),
            1 => Value::U32(Some(self.sentence_index)),
            2 => Value::U32(Some(self.paragraph_index)),
            3 => Value::U64(Some(self.char_start)),
            4 => Value::U64(Some(self.char_end)),
            5 => Value::Str(Some(self.text)),
            6 => Value::U32(Some(self.n_tokens)),
            _ => panic!("sentences has no column {col}"),
        }
    }

    fn write_cells(&self, cells: &mut Cells<'_>) {
        cells.str(Some(self.article_id));
        cells.u32(Some(self.sentence_index));
        cells.u32(Some(self.paragraph_index));
        cells.u64(Some(self.char_start));
        cells.u64(Some(self.char_end));
        cells.str(Some(self.text));
        cells.u32(Some(self.n_tokens));
    }
}

impl From<SentenceCells<'_>> for SentenceRow {
    fn from(c: SentenceCells<'_>) -> SentenceRow {
        SentenceRow {
            article_id: c.article_id.to_string(),
            sentence_index: c.sentence_index,
            paragraph_index: c.paragraph_index,
            char_start: c.char_start,
            char_end: c.char_end,
            text: c.text.to_string(),
            n_tokens: c.n_tokens,
        }
    }
}

/// A `mentions` row borrowing its cells.
pub(crate) struct MentionCells<'a> {
    article_id: &'a str,
    sentence_index: u32,
    char_start: u64,
    char_end: u64,
    surface: &'a str,
    entity_id: &'a str,
    canonical: &'a str,
    entity_type: &'a str,
    method: &'a str,
    confidence: f32,
}

impl Row for MentionCells<'_> {
    const TABLE: Table = Table::Mentions;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(self.article_id)),
            1 => Value::U32(Some(self.sentence_index)),
            2 => Value::U64(Some(self.char_start)),
            3 => Value::U64(Some(self.char_end)),
            4 => Value::Str(Some(self.surface)),
            5 => Value::Str(Some(self.entity_id)),
            6 => Value::Str(Some(self.canonical)),
            7 => Value::Str(Some(self.entity_type)),
            8 => Value::Str(Some(self.method)),
            9 => Value::F32(Some(self.confidence)),
            _ => panic!("mentions has no column {col}"),
        }
    }

    fn write_cells(&self, cells: &mut Cells<'_>) {
        cells.str(Some(self.article_id));
        cells.u32(Some(self.sentence_index));
        cells.u64(Some(self.char_start));
        cells.u64(Some(self.char_end));
        cells.str(Some(self.surface));
        cells.str(Some(self.entity_id));
        cells.str(Some(self.canonical));
        cells.str(Some(self.entity_type));
        cells.str(Some(self.method));
        cells.f32(Some(self.confidence));
    }
}

impl From<MentionCells<'_>> for MentionRow {
    fn from(c: MentionCells<'_>) -> MentionRow {
        MentionRow {
            article_id: c.article_id.to_string(),
            sentence_index: c.sentence_index,
            char_start: c.char_start,
            char_end: c.char_end,
            surface: c.surface.to_string(),
            entity_id: c.entity_id.to_string(),
            canonical: c.canonical.to_string(),
            entity_type: c.entity_type.to_string(),
            method: c.method.to_string(),
            confidence: c.confidence,
        }
    }
}

/// A `removed` row borrowing its cells.
pub(crate) struct RemovedCells<'a> {
    article_id: &'a str,
    char_start: u64,
    char_end: u64,
    text: &'a str,
    class: &'a str,
    rule_id: &'a str,
}

impl Row for RemovedCells<'_> {
    const TABLE: Table = Table::Removed;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(self.article_id)),
            1 => Value::U64(Some(self.char_start)),
            2 => Value::U64(Some(self.char_end)),
            3 => Value::Str(Some(self.text)),
            4 => Value::Str(Some(self.class)),
            5 => Value::Str(Some(self.rule_id)),
            _ => panic!("removed has no column {col}"),
        }
    }

    fn write_cells(&self, cells: &mut Cells<'_>) {
        cells.str(Some(self.article_id));
        cells.u64(Some(self.char_start));
        cells.u64(Some(self.char_end));
        cells.str(Some(self.text));
        cells.str(Some(self.class));
        cells.str(Some(self.rule_id));
    }
}

impl From<RemovedCells<'_>> for RemovedRow {
    fn from(c: RemovedCells<'_>) -> RemovedRow {
        RemovedRow {
            article_id: c.article_id.to_string(),
            char_start: c.char_start,
            char_end: c.char_end,
            text: c.text.to_string(),
            class: c.class.to_string(),
            rule_id: c.rule_id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each borrowed row gives the cells of the owned row it converts to, column by column, and
    /// its own `write_cells` writes the same table as the owned row's (which gives its `value`s).
    fn same_cells<C: Row, R: Row + From<C>>(make: impl Fn() -> C) {
        let owned = R::from(make());
        let borrowed = make();
        for col in 0..C::TABLE.columns().len() {
            assert_eq!(borrowed.value(col), owned.value(col), "column {col}");
        }
        let write = |push: &dyn Fn(&mut toolkit_export::RowBatch<R>)| {
            let dir = tempfile::tempdir().unwrap();
            for format in [toolkit_export::Format::Parquet, toolkit_export::Format::Csv] {
                let options = toolkit_export::WriterOptions {
                    format,
                    ..Default::default()
                };
                let mut batch = toolkit_export::RowBatch::<R>::new(&options);
                push(&mut batch);
                let mut writer =
                    toolkit_export::TableWriter::<R>::create(dir.path(), &options).unwrap();
                writer.push_batch(batch.encode().unwrap()).unwrap();
                writer.finish().unwrap();
            }
            let mut files: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            files
                .iter()
                .map(|f| std::fs::read(f).unwrap())
                .collect::<Vec<_>>()
        };
        let by_value = write(&|b| {
            for _ in 0..3 {
                b.push(&R::from(make()));
            }
        });
        let by_cells = write(&|b| {
            for _ in 0..3 {
                b.push(&make());
            }
        });
        assert_eq!(by_value.len(), 2);
        assert!(by_value == by_cells, "{} differs", C::TABLE.name());
    }

    #[test]
    fn borrowed_rows_match_owned_rows() {
        let text = "Le président Macron. Il parle.";
        let spans = [SentenceSpan {
            start: 0,
            end: 20,
            char_start: 0,
            char_end: 20,
            paragraph: 3,
            n_tokens: 4,
        }];
        same_cells::<_, SentenceRow>(|| sentence_cells("id", text, &spans).next().unwrap());
        let mention = toolkit_mentions::RecognizerBuilder::new()
            .build()
            .expect("default recognizer")
            .find("Emmanuel Macron parle.", &[(0, 22)])
            .remove(0);
        let mentions = [MentionSpan {
            mention,
            char_start: 0,
            char_end: 15,
        }];
        same_cells::<_, MentionRow>(|| {
            mention_cells("id", "Emmanuel Macron parle.", &mentions)
                .next()
                .unwrap()
        });
        same_cells::<_, RemovedRow>(|| RemovedCells {
            article_id: "id",
            char_start: 1,
            char_end: 5,
            text: "Pub",
            class: "ad",
            rule_id: "fr.ad-1",
        });
    }
}
