//! Parquet encoding split in two: rows are encoded and compressed into pages on the thread that made
//! them ([`RowBatch::encode`], a worker), and a table writer only gathers the pages of a row group and
//! writes them ([`RowGroupBuffer`]).
//!
//! A column chunk may hold one dictionary only, so the columns that are dictionary-encoded
//! ([`is_dictionary`]: low-cardinality strings and the `article_id` foreign keys) are handled in two
//! steps: a batch carries its own small dictionary and its rows' keys into it; the row group buffer
//! merges each batch's dictionary into the row group's (one lookup per distinct value of the batch, not
//! per row) and keeps 1, 2 or 4 bytes per row; the dictionary page and the key pages are encoded when
//! the row group is written. Every other column is plain- or delta-encoded ([`is_delta`]) and
//! compressed per batch (zstd, with a context reused per thread), so a row group waiting to be
//! written holds compressed pages, not rows, and can be large (64–128 MB uncompressed) in little
//! memory. A batch's small columns that are not dictionary-encoded (under 256 KiB: numbers, titles,
//! URLs) are sent as values instead and encoded into ~1 MiB pages by the row group buffer, so that
//! the file does not fill with tiny pages. Page boundaries follow the batches, so
//! the bytes written depend on how rows are batched (fixed by the caller), never on thread timing.

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::{DefaultHashBuilder, HashTable};

use polars::prelude::*;
use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
use polars_arrow::bitmap::Bitmap;
use polars_arrow::compute::aggregate::estimated_bytes_size;
use polars_arrow::compute::concatenate::concatenate;
use polars_arrow::datatypes::{ArrowDataType, IntegerType};
use polars_parquet::parquet::compression::{Compression, ZstdLevel};
use polars_parquet::parquet::encoding::bitpacked;
use polars_parquet::parquet::metadata::Descriptor;
use polars_parquet::parquet::page::{
    CompressedDataPage, CompressedDictPage, DataPage, DataPageHeader, DataPageHeaderV1, DictPage,
};
use polars_parquet::parquet::schema::types::PrimitiveType;
use polars_parquet::parquet::schema::Repetition;
use polars_parquet::parquet::statistics::ParquetStatistics;
use polars_parquet::parquet::CowBuffer;
use polars_parquet::write::{
    array_to_columns, to_parquet_type, write_def_levels, CompressedPage, CompressionOptions,
    Encoding, Page, ParquetType, Version, WriteOptions,
};

use crate::frame::{polars_schema, Columns, ListLayout};
use crate::schema::{ColumnType, Table};

/// The key of a null in a dictionary column.
const NULL_KEY: u32 = u32::MAX;

/// Whether column `name` of `table` is dictionary-encoded: strings with few distinct values per row
/// group (site, agency, entity type, removal class, ...) and the `article_id` of the tables whose rows
/// belong to an article. Every other column is plain- or delta-encoded ([`is_delta`]).
pub fn is_dictionary(table: Table, name: &str) -> bool {
    match table {
        Table::Articles => matches!(
            name,
            "source_path"
                | "site"
                | "agency"
                | "section"
                | "published_precision"
                | "published_source"
                | "dateline_place"
                | "language"
                | "encoding"
                | "encoding_decided_by"
        ),
        Table::Sentences => name == "article_id",
        Table::Mentions => matches!(
            name,
            "article_id" | "surface" | "entity_id" | "canonical" | "entity_type" | "method"
        ),
        Table::Removed => matches!(name, "article_id" | "text" | "class" | "rule_id"),
        Table::Errors => matches!(name, "source_path" | "kind"),
    }
}

/// Whether column `name` of `table` is delta-encoded (`DELTA_BINARY_PACKED`): the
/// unsigned integers (indexes, offsets, counts), except in `removed`. Their deltas are small, so
/// zstd is given a few bits per value instead of 4 or 8 bytes: smaller and faster to compress
/// than plain values. The offsets of `removed` are the exception: many short segments per article,
/// starting again at each article, which zstd packs better as plain values (about 30% smaller).
pub fn is_delta(table: Table, name: &str) -> bool {
    table != Table::Removed
        && table
            .columns()
            .iter()
            .any(|c| c.name == name && matches!(c.ty, ColumnType::UInt32 | ColumnType::UInt64))
}

/// Whether column `name` of `table` is one of the long free-text columns (`articles.text`,
/// `sentences.text`): most of the bytes the tables compress (184 of about 300 MB on OrangeSum), which
/// are compressed at their own zstd level ([`Levels::text`]).
pub fn is_long_text(table: Table, name: &str) -> bool {
    matches!(table, Table::Articles | Table::Sentences) && name == "text"
}

/// The zstd levels of a table's columns: one for the long free-text columns ([`is_long_text`]), one
/// for every other column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Levels {
    pub(crate) text: i32,
    pub(crate) other: i32,
}

/// The write options of every Parquet table: zstd at `level` (1 to 22, clamped), full statistics,
/// data pages v1 of at most 1 MiB.
pub(crate) fn write_options(level: i32) -> WriteOptions {
    WriteOptions {
        statistics: StatisticsOptions::full(),
        compression: CompressionOptions::Zstd(ZstdLevel::try_new(level.clamp(1, 22)).ok()),
        version: Version::V1,
        data_page_size: None,
    }
}

/// A table's Parquet column types, which columns are dictionary-encoded and how the others are
/// encoded, computed once.
pub(crate) struct Codec {
    pub(crate) types: Vec<ParquetType>,
    dictionary: Vec<bool>,
    /// Whether each column is a long free-text column ([`is_long_text`]).
    text: Vec<bool>,
    /// The encoding of each column that is not dictionary-encoded.
    pub(crate) encodings: Vec<Encoding>,
}

impl Codec {
    pub(crate) fn of(table: Table) -> &'static Codec {
        static CODECS: [OnceLock<Codec>; 5] = [const { OnceLock::new() }; 5];
        let index = Table::ALL.iter().position(|t| *t == table).unwrap_or(0);
        CODECS[index].get_or_init(|| {
            let schema =
                polars_schema(table.columns(), ListLayout::Native).to_arrow(CompatLevel::newest());
            let types = schema
                .iter_values()
                .map(|f| to_parquet_type(f).expect("every column type has a Parquet type"))
                .collect();
            let dictionary = table
                .columns()
                .iter()
                .map(|c| c.ty == ColumnType::Utf8 && is_dictionary(table, c.name))
                .collect();
            let encodings = table
                .columns()
                .iter()
                .map(|c| match is_delta(table, c.name) {
                    true => Encoding::DeltaBinaryPacked,
                    false => Encoding::Plain,
                })
                .collect();
            let text = table
                .columns()
                .iter()
                .map(|c| is_long_text(table, c.name))
                .collect();
            Codec {
                types,
                dictionary,
                text,
                encodings,
            }
        })
    }

    /// The write options of column `i` (its zstd level).
    pub(crate) fn options(&self, i: usize, levels: Levels) -> WriteOptions {
        write_options(match self.text[i] {
            true => levels.text,
            false => levels.other,
        })
    }

    pub(crate) fn is_dictionary(&self, column: usize) -> bool {
        self.dictionary[column]
    }
}

/// One batch's dictionary column: its distinct values in key order and each row's key into them.
///
/// The values are found by a table of keys hashed by value, so a value is stored once, as the
/// [`Part::Dict`] the batch sends. Before hashing, a row's value is compared with the previous row's
/// (rows of one article follow each other) and with the value that came after the previous row's
/// value the last time it was seen: the chrome lines, rules and classes of a site's pages come in
/// the same order page after page. While a column has at most [`SMALL_DICT`] distinct values
/// (entity types, methods, removal classes), they are compared one by one instead of hashed, and the
/// table is built when the column outgrows that.
#[derive(Default)]
pub(crate) struct LocalDict {
    values: DictValues,
    /// Per key, the key of the row that followed it last time (`NULL_KEY`: none yet).
    next: Vec<u32>,
    /// The keys, found by their value's hash; empty while there are at most [`SMALL_DICT`] values.
    table: HashTable<u32>,
    keys: Vec<u32>,
}

/// Distinct strings numbered in the order they came, stored end to end in one buffer with each one's
/// hash: a batch dictionary costs a few buffers rather than an allocation per value, and the row
/// group's dictionary finds a batch's value by the hash computed on the worker.
#[derive(Default)]
pub(crate) struct DictValues {
    /// The values' bytes, end to end (each value valid UTF-8).
    bytes: Vec<u8>,
    /// Per value, where it starts and ends in `bytes`.
    spans: Vec<(usize, usize)>,
    /// Per value, its [`dict_hash`].
    hashes: Vec<u64>,
}

impl DictValues {
    fn len(&self) -> usize {
        self.spans.len()
    }

    /// The bytes of value `k` (`None` past the last, as for [`NULL_KEY`]).
    #[inline(always)]
    fn get(&self, k: usize) -> Option<&[u8]> {
        let &(start, end) = self.spans.get(k)?;
        self.bytes.get(start..end)
    }

    /// The bytes of value `k`, which exists.
    #[inline(always)]
    fn value(&self, k: usize) -> &[u8] {
        self.get(k).expect("a value of the dictionary")
    }

    fn push(&mut self, v: &[u8], hash: u64) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(v);
        self.spans.push((start, self.bytes.len()));
        self.hashes.push(hash);
    }

    /// The number of value `v` (of hash `hash`), found through `index`, a table of the values'
    /// numbers by their hashes.
    #[inline]
    fn find(&self, index: &HashTable<u32>, v: &[u8], hash: u64) -> Option<u32> {
        index
            .find(hash, |&k| {
                self.hashes[k as usize] == hash && same(self.value(k as usize), v)
            })
            .copied()
    }

    /// Adds `v` (of hash `hash`), and its number to `index`; its number.
    #[inline]
    fn push_indexed(&mut self, index: &mut HashTable<u32>, v: &[u8], hash: u64) -> u32 {
        let k = self.len() as u32;
        self.push(v, hash);
        let hashes = &self.hashes;
        index.insert_unique(hash, k, |&k| hashes[k as usize]);
        k
    }

    /// The values in order.
    fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.spans
            .iter()
            .map(|&(start, end)| self.bytes.get(start..end).unwrap_or_default())
    }

    /// The values in order, as strings (they were strings when pushed).
    #[cfg(test)]
    fn strings(&self) -> Vec<Box<str>> {
        self.iter()
            .map(|v| std::str::from_utf8(v).expect("UTF-8").into())
            .collect()
    }
}

/// The hash of a dictionary value: one hasher for every dictionary of the process, so that a value
/// hashed for its batch's dictionary is found in its row group's by the same hash.
#[inline]
fn dict_hash(v: &[u8]) -> u64 {
    static HASHER: OnceLock<DefaultHashBuilder> = OnceLock::new();
    HASHER.get_or_init(DefaultHashBuilder::default).hash_one(v)
}

/// Up to this many distinct values, a batch dictionary looks a value up by comparing it with each.
const SMALL_DICT: usize = 8;

/// Whether `a` and `b` are equal; strings of up to 16 bytes are compared with a few loads instead of
/// a call to `memcmp` (most dictionary values are short: classes, types, rule ids).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().expect("4 bytes"));
    match n {
        // Two overlapping loads cover every byte.
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        0..=3 => a.iter().zip(b).all(|(x, y)| x == y),
        _ => a == b,
    }
}

impl LocalDict {
    /// Adds a row. The previous row's value again (the rows of one article, a run of one class) is
    /// found here, inlined into the caller; any other value costs a call.
    #[inline(always)]
    pub(crate) fn push(&mut self, value: Option<&str>) {
        if let (Some(v), Some(&last)) = (value, self.keys.last()) {
            // `get`: the previous row may be null (`NULL_KEY`).
            if self
                .values
                .get(last as usize)
                .is_some_and(|x| same(x, v.as_bytes()))
            {
                self.keys.push(last);
                return;
            }
        }
        self.push_other(value);
    }

    /// Adds a row whose value is not the previous row's.
    #[inline(never)]
    fn push_other(&mut self, value: Option<&str>) {
        let last = self.keys.last().copied().unwrap_or(NULL_KEY);
        let key = match value {
            None => NULL_KEY,
            Some(v) if last == NULL_KEY => self.key_of(v.as_bytes()),
            Some(v) => {
                let v = v.as_bytes();
                let next = self.next[last as usize];
                if next != NULL_KEY && same(self.values.value(next as usize), v) {
                    next
                } else {
                    let key = self.key_of(v);
                    self.next[last as usize] = key;
                    key
                }
            }
        };
        self.keys.push(key);
    }

    /// The key of `v`, which is added if new.
    fn key_of(&mut self, v: &[u8]) -> u32 {
        if self.values.len() <= SMALL_DICT {
            if let Some(k) = self.values.iter().position(|x| same(x, v)) {
                return k as u32;
            }
            if self.values.len() < SMALL_DICT {
                return self.add(v, dict_hash(v), false);
            }
            // The column outgrows the small set: index every value.
            let hashes = &self.values.hashes;
            for (k, &hash) in hashes.iter().enumerate() {
                self.table
                    .insert_unique(hash, k as u32, |&k| hashes[k as usize]);
            }
        }
        let hash = dict_hash(v);
        match self.values.find(&self.table, v, hash) {
            Some(k) => k,
            None => self.add(v, hash, true),
        }
    }

    /// Adds a new value (indexed under `hash` if the table is in use) and gives its key.
    fn add(&mut self, v: &[u8], hash: u64, indexed: bool) -> u32 {
        self.next.push(NULL_KEY);
        if indexed {
            return self.values.push_indexed(&mut self.table, v, hash);
        }
        self.values.push(v, hash);
        self.values.len() as u32 - 1
    }

    /// The distinct values in key order, and the keys.
    fn into_parts(self) -> (DictValues, Vec<u32>) {
        (self.values, self.keys)
    }
}

/// A batch's plain column smaller than this is sent as values, which the row group buffer gathers
/// into pages of about [`RAW_PAGE_BYTES`]: a page per column and batch would make many tiny pages,
/// which compress less well and whose metadata the file writer keeps until the file is complete.
const RAW_BATCH_BYTES: usize = 256 << 10;

/// Gathered values of a plain column are encoded into a page once they reach this size.
const RAW_PAGE_BYTES: usize = 1 << 20;

/// One column of an encoded batch.
pub(crate) enum Part {
    /// Plain- or delta-encoded, compressed pages, with their uncompressed size.
    Pages(Vec<CompressedPage>, usize),
    /// A small plain column's values, with their size in memory.
    Values(Box<dyn Array>, usize),
    /// A dictionary column: the batch's distinct values and the rows' keys into them.
    Dict(DictValues, Vec<u32>),
}

/// The rows of a batch, encoded column by column.
pub(crate) struct ParquetBatch {
    pub(crate) rows: usize,
    pub(crate) parts: Vec<Part>,
}

/// Encodes buffered rows: plain columns to compressed pages, dictionary columns to a batch dictionary.
pub(crate) fn encode_columns(
    columns: &mut Columns,
    table: Table,
    levels: Levels,
) -> PolarsResult<ParquetBatch> {
    let codec = Codec::of(table);
    let (rows, builders) = columns.take_builders();
    let parts = builders
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let array = match b.into_array() {
                Ok(array) => array,
                Err(dict) => {
                    let (values, keys) = dict.into_parts();
                    return Ok(Part::Dict(values, keys));
                }
            };
            let bytes = estimated_bytes_size(array.as_ref());
            if bytes < RAW_BATCH_BYTES {
                return Ok(Part::Values(array, bytes));
            }
            let options = codec.options(i, levels);
            let pages =
                compressed_pages(array.as_ref(), &codec.types[i], options, codec.encodings[i])?;
            let size = pages.iter().map(|p| page_sizes(p).0).sum();
            Ok(Part::Pages(pages, size))
        })
        .collect::<PolarsResult<Vec<Part>>>()?;
    Ok(ParquetBatch { rows, parts })
}

/// A plain page's size, uncompressed and compressed.
pub(crate) fn page_sizes(page: &CompressedPage) -> (usize, usize) {
    match page {
        CompressedPage::Data(p) => (p.uncompressed_size(), p.compressed_size()),
        CompressedPage::Dict(_) => unreachable!("plain columns have no dictionary page"),
    }
}

pub(crate) fn compressed_pages(
    array: &dyn Array,
    ty: &ParquetType,
    options: WriteOptions,
    encoding: Encoding,
) -> PolarsResult<Vec<CompressedPage>> {
    let mut out = Vec::new();
    for column in array_to_columns(array, ty.clone(), options, &[encoding])? {
        for page in column {
            out.push(match page? {
                Page::Data(page) => CompressedPage::Data(compress_data_page(page, options)?),
                Page::Dict(page) => CompressedPage::Dict(compress_dict_page(page, options)?),
            });
        }
    }
    Ok(out)
}

thread_local! {
    /// This thread's zstd context and output buffer, reused from page to page: a new context per
    /// page (what polars does) clears its tables each time, which costs more than compressing a
    /// small page.
    static ZSTD: RefCell<Option<(i32, zstd::bulk::Compressor<'static>, Vec<u8>)>> =
        const { RefCell::new(None) };
}

/// `input` compressed with zstd at the level of `options`, by this thread's context.
fn zstd_compress(input: &[u8], options: WriteOptions) -> PolarsResult<Vec<u8>> {
    let level = match options.compression {
        CompressionOptions::Zstd(level) => level.map_or(0, |l| l.compression_level()),
        _ => 0,
    };
    ZSTD.with(|cell| -> std::io::Result<Vec<u8>> {
        let mut cell = cell.borrow_mut();
        if cell.as_ref().map_or(true, |(l, ..)| *l != level) {
            *cell = Some((level, zstd::bulk::Compressor::new(level)?, Vec::new()));
        }
        let (_, zstd, scratch) = cell.as_mut().expect("set above");
        scratch.clear();
        scratch.reserve(zstd::zstd_safe::compress_bound(input.len()));
        zstd.compress_to_buffer(input, scratch)?;
        Ok(scratch.to_vec())
    })
    .map_err(|e| PolarsError::ComputeError(format!("zstd: {e}").into()))
}

/// Compresses a data page (v1: the whole buffer) with zstd at the level of `options`; the page holds
/// exactly its compressed bytes.
fn compress_data_page(page: DataPage, options: WriteOptions) -> PolarsResult<CompressedDataPage> {
    let num_rows = page
        .num_rows
        .expect("pages built for writing know their rows");
    let input = page.buffer();
    let compressed = zstd_compress(input, options)?;
    Ok(CompressedDataPage::new(
        page.header().clone(),
        CowBuffer::Owned(compressed),
        Compression::Zstd,
        input.len(),
        page.descriptor.clone(),
        num_rows,
    ))
}

/// Compresses a dictionary page like [`compress_data_page`] (polars' own `compress` made a new zstd
/// context for each, which cost more than compressing most dictionaries).
fn compress_dict_page(page: DictPage, options: WriteOptions) -> PolarsResult<CompressedDictPage> {
    let compressed = zstd_compress(&page.buffer, options)?;
    Ok(CompressedDictPage::new(
        CowBuffer::Owned(compressed),
        Compression::Zstd,
        page.buffer.len(),
        page.num_values,
        page.is_sorted,
    ))
}

/// A row group being gathered: compressed pages of the plain columns, the merged dictionary and keys of
/// the dictionary columns.
pub(crate) struct RowGroupBuffer {
    table: Table,
    levels: Levels,
    rows: usize,
    columns: Vec<Gathered>,
    /// Uncompressed size of the plain pages gathered so far.
    plain_bytes: usize,
    /// Compressed size of the plain pages gathered so far.
    held_bytes: usize,
}

enum Gathered {
    /// A plain column: its pages, and values gathered for the next page.
    Plain {
        pages: Vec<CompressedPage>,
        values: Vec<Box<dyn Array>>,
        value_bytes: usize,
    },
    Dict(GlobalDict),
}

/// A row group's dictionary column: its distinct values and, per row, the value's id plus one (0 for
/// a null), stored in 1, 2 or 4 bytes as the dictionary grows.
#[derive(Default)]
struct GlobalDict {
    /// The distinct values, numbered by id.
    values: DictValues,
    /// The ids, found by their value's hash.
    index: HashTable<u32>,
    keys: Keys,
    /// Scratch: the batch's keys to this row group's.
    remap: Vec<u32>,
}

/// Keys plus one, as narrow as the dictionary allows.
enum Keys {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
}

impl Default for Keys {
    fn default() -> Self {
        Keys::U8(Vec::new())
    }
}

impl Keys {
    fn len(&self) -> usize {
        match self {
            Keys::U8(k) => k.len(),
            Keys::U16(k) => k.len(),
            Keys::U32(k) => k.len(),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Keys::U8(k) => k.len(),
            Keys::U16(k) => 2 * k.len(),
            Keys::U32(k) => 4 * k.len(),
        }
    }

    /// Widens the keys so that `max` (a key plus one) fits.
    fn fit(&mut self, max: u32) {
        let widened = match self {
            Keys::U8(k) if max > u32::from(u8::MAX) => match u16::try_from(max) {
                Ok(_) => Keys::U16(k.iter().map(|&v| u16::from(v)).collect()),
                Err(_) => Keys::U32(k.iter().map(|&v| u32::from(v)).collect()),
            },
            Keys::U16(k) if max > u32::from(u16::MAX) => {
                Keys::U32(k.iter().map(|&v| u32::from(v)).collect())
            }
            _ => return,
        };
        *self = widened;
    }

    fn extend(&mut self, keys: impl Iterator<Item = u32>) {
        // `fit` was called for the largest key: the narrowing casts cannot truncate.
        match self {
            Keys::U8(k) => k.extend(keys.map(|v| v as u8)),
            Keys::U16(k) => k.extend(keys.map(|v| v as u16)),
            Keys::U32(k) => k.extend(keys),
        }
    }

    /// The rows that are null (key 0).
    fn nulls(&self) -> usize {
        match self {
            Keys::U8(k) => k.iter().filter(|&&v| v == 0).count(),
            Keys::U16(k) => k.iter().filter(|&&v| v == 0).count(),
            Keys::U32(k) => k.iter().filter(|&&v| v == 0).count(),
        }
    }
}

impl GlobalDict {
    fn merge(&mut self, batch: &DictValues, keys: &[u32]) {
        self.remap.clear();
        for (v, &hash) in batch.iter().zip(&batch.hashes) {
            let id = match self.values.find(&self.index, v, hash) {
                Some(id) => id,
                None => self.values.push_indexed(&mut self.index, v, hash),
            };
            self.remap.push(id + 1);
        }
        self.keys.fit(self.values.len() as u32);
        let remap = &self.remap;
        self.keys.extend(
            keys.iter()
                .map(|&k| if k == NULL_KEY { 0 } else { remap[k as usize] }),
        );
    }

    /// The size of its dictionary page and key pages, uncompressed, as Parquet counts it (at most:
    /// runs of one key take less).
    fn encoded_bytes(&self) -> usize {
        let n = self.values.len();
        let bits = (usize::BITS - n.leading_zeros()).max(1) as usize;
        self.values.bytes.len() + 4 * n + self.keys.len() * bits / 8
    }

    fn held_bytes(&self) -> usize {
        // Keys, and each distinct value once with its span, hash and table entry.
        self.keys.bytes() + self.values.bytes.len() + 32 * self.values.len()
    }

    /// The dictionary page and the key pages, uncompressed, byte for byte what polars writes for the
    /// same column as a `DictionaryArray` (the tests compare them) without building one: polars
    /// encodes the keys through iterators at ~38 instructions a key, where runs of one key (the
    /// `article_id` of an article's rows) can be skipped in a tight loop.
    fn pages(
        &self,
        ty: &ParquetType,
        options: WriteOptions,
    ) -> PolarsResult<(DictPage, Vec<DataPage>)> {
        let ParquetType::PrimitiveType(ty) = ty else {
            unreachable!("a dictionary column is a string column")
        };
        let values = &self.values;
        let mut dict = Vec::with_capacity(values.bytes.len() + 4 * values.len());
        for v in values.iter() {
            dict.extend_from_slice(&(v.len() as u32).to_le_bytes());
            dict.extend_from_slice(v);
        }
        let dict = DictPage::new(CowBuffer::Owned(dict), values.len(), false);
        let statistics = key_statistics(values, self.keys.nulls(), ty, options)?;
        let pages = match &self.keys {
            Keys::U8(k) => key_pages(k, ty, &statistics, options),
            Keys::U16(k) => key_pages(k, ty, &statistics, options),
            Keys::U32(k) => key_pages(k, ty, &statistics, options),
        }?;
        Ok((dict, pages))
    }

    /// The dictionary page and the key pages, compressed.
    fn into_pages(
        self,
        ty: &ParquetType,
        options: WriteOptions,
    ) -> PolarsResult<Vec<CompressedPage>> {
        let (dict, pages) = self.pages(ty, options)?;
        let mut out = Vec::with_capacity(1 + pages.len());
        out.push(CompressedPage::Dict(compress_dict_page(dict, options)?));
        for page in pages {
            out.push(CompressedPage::Data(compress_data_page(page, options)?));
        }
        Ok(out)
    }
}

/// The statistics polars gives every key page of a dictionary column: those of the whole column
/// chunk, the least and the greatest value (compared as bytes) and the nulls of all its rows. Long
/// values are truncated there as polars' settings say, so polars computes them itself, from a
/// dictionary array of these two values only.
fn key_statistics(
    values: &DictValues,
    nulls: usize,
    ty: &PrimitiveType,
    options: WriteOptions,
) -> PolarsResult<Option<ParquetStatistics>> {
    if options.statistics.is_empty() {
        return Ok(None);
    }
    // Strings order as their bytes do.
    let utf8 = |v| {
        std::str::from_utf8(v)
            .map_err(|e| PolarsError::ComputeError(format!("a dictionary value: {e}").into()))
    };
    let (min, max) = (values.iter().min(), values.iter().max());
    let (Some(min), Some(max)) = (min.map(utf8).transpose()?, max.map(utf8).transpose()?) else {
        return Ok(Some(ParquetStatistics {
            null_count: Some(nulls as i64),
            distinct_count: None,
            max_value: None,
            min_value: None,
            max: None,
            min: None,
            is_max_value_exact: None,
            is_min_value_exact: None,
        }));
    };
    let array = DictionaryArray::try_new(
        ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(ArrowDataType::Utf8View),
            false,
        ),
        PrimitiveArray::from_vec(vec![0u32]),
        Utf8ViewArray::from_slice_values([min, max]).boxed(),
    )?;
    let array: &dyn Array = &array;
    let ty = ParquetType::PrimitiveType(ty.clone());
    for column in array_to_columns(array, ty, options, &[Encoding::RleDictionary])? {
        for page in column {
            if let Page::Data(page) = page? {
                if let DataPageHeader::V1(DataPageHeaderV1 { statistics, .. }) = page.header() {
                    let mut statistics = statistics.clone();
                    if let Some(s) = &mut statistics {
                        s.null_count = Some(nulls as i64);
                    }
                    return Ok(statistics);
                }
            }
        }
    }
    unreachable!("a dictionary array of one row gives a v1 data page")
}

/// The key pages of a dictionary column whose rows' keys are `keys` (a key plus one, 0 for a null),
/// cut and encoded as polars cuts and encodes the keys of a `DictionaryArray<u32>`: pages of as many
/// rows as its size estimate of the keys (4 bytes a key, plus a bit a row when there are nulls) fits in
/// the maximum page size; in each, the definition levels, the keys' bit width and the keys of the
/// rows that are not null, RLE/bit-packed ([`encode_hybrid`]).
fn key_pages<K: Copy + Eq + Into<u32>>(
    keys: &[K],
    ty: &PrimitiveType,
    statistics: &Option<ParquetStatistics>,
    options: WriteOptions,
) -> PolarsResult<Vec<DataPage>> {
    let any_null = keys.iter().any(|&k| k.into() == 0);
    let byte_size = 4 * keys.len() + if any_null { keys.len().div_ceil(8) } else { 0 };
    let bytes_per_row = match keys.len() {
        0 => 0,
        n => (byte_size as f64 / n as f64) as usize,
    };
    let max_page_bytes = options
        .data_page_size
        .unwrap_or(1 << 20)
        .min((1 << 31) - (1 << 25));
    let rows_per_page = (max_page_bytes / (bytes_per_row + 1)).max(1);
    let optional = ty.field_info.repetition != Repetition::Required;
    keys.chunks(rows_per_page)
        .map(|page| {
            let max = page.iter().map(|&k| k.into()).max().unwrap_or(0);
            let bits = u32::BITS - max.saturating_sub(1).leading_zeros();
            let mut buffer = Vec::with_capacity(16 + page.len() * bits as usize / 8);
            // A page slice of polars keeps its validity only if the page has a null.
            if any_null && page.iter().any(|&k| k.into() == 0) {
                let validity = Bitmap::from_iter(page.iter().map(|&k| k.into() != 0));
                write_def_levels(
                    &mut buffer,
                    optional,
                    Some(&validity),
                    page.len(),
                    options.version,
                )?;
                let valid: Vec<u32> = page
                    .iter()
                    .filter_map(|&k| k.into().checked_sub(1))
                    .collect();
                buffer.push(bits as u8);
                encode_hybrid(&valid, 0, bits, &mut buffer);
            } else {
                write_def_levels(&mut buffer, optional, None, page.len(), options.version)?;
                buffer.push(bits as u8);
                encode_hybrid(page, 1, bits, &mut buffer);
            }
            let header = match options.version {
                Version::V1 => DataPageHeader::V1(DataPageHeaderV1 {
                    num_values: page.len() as i32,
                    encoding: Encoding::RleDictionary.into(),
                    definition_level_encoding: Encoding::Rle.into(),
                    repetition_level_encoding: Encoding::Rle.into(),
                    statistics: statistics.clone(),
                }),
                Version::V2 => unreachable!("data pages are written as v1 (`write_options`)"),
            };
            let descriptor = Descriptor {
                primitive_type: ty.clone(),
                max_def_level: 0,
                max_rep_level: 0,
            };
            Ok(DataPage::new(
                header,
                CowBuffer::Owned(buffer),
                descriptor,
                page.len(),
            ))
        })
        .collect()
}

/// Parquet's RLE/bit-packed hybrid encoding of `keys` minus `base`, each `bits` wide, appended to
/// `out` byte for byte as polars' `hybrid_rle::encode` writes it, which decides run by run the same
/// way: a run of more than 8 equal keys is RLE-encoded (after enough of its keys to end the literal
/// run before it on a multiple of 8), other keys are bit-packed in literal runs of at most
/// [`MAX_LITERAL_RUN`] keys. Polars copies the literal run's keys into a buffer and then into 32-key
/// blocks; here a literal run is always a stretch of `keys` (`keys[start..][..buffered]`), packed
/// from there, and the keys of a long run past its 9th are skipped in a tight loop.
fn encode_hybrid<K: Copy + Eq + Into<u32>>(keys: &[K], base: u32, bits: u32, out: &mut Vec<u8>) {
    let Some(&first) = keys.first() else {
        return;
    };
    // The names of polars' state: `buffered` keys from `start` on are waiting, the first `literal`
    // of which end the literal run; the last `repeats` keys read were equal to `previous`.
    let (mut start, mut buffered, mut literal, mut repeats, mut previous) = (0, 1, 0, 1, first);
    let mut i = 1;
    while i < keys.len() {
        if repeats <= 8 {
            // A stretch of keys each unlike the one before (most of a literal run): for each,
            // polars ends the literal run at the keys before it. Taken in one scan, short of the
            // key that finds the buffer full.
            let end = keys.len().min(i + (MAX_LITERAL_RUN - buffered));
            let mut j = i;
            let mut before = previous;
            while j < end {
                let key = keys[j];
                if key == before {
                    break;
                }
                before = key;
                j += 1;
            }
            if j > i {
                literal = buffered + (j - i) - 1;
                buffered += j - i;
                repeats = 1;
                i = j;
                previous = before;
                continue;
            }
        }
        let key = keys[i];
        if key == previous {
            repeats += 1;
            if repeats > 8 {
                // Polars skips each further key of the run: skip them all.
                let more = keys[i + 1..].iter().take_while(|&&k| k == previous).count();
                repeats += more;
                i += 1 + more;
                continue;
            }
            if repeats == 8 {
                let padding = (8 - literal % 8) % 8;
                repeats -= padding;
                literal += padding;
            }
        } else if repeats > 8 {
            if literal > 0 {
                bit_pack(&keys[start..start + literal], base, bits, out);
                literal = 0;
            }
            rle(repeats, previous.into() - base, bits, out);
            repeats = 1;
            buffered = 0;
        } else {
            literal = buffered;
            repeats = 1;
        }
        if buffered == MAX_LITERAL_RUN {
            bit_pack(&keys[start..start + buffered], base, bits, out);
            repeats = 1;
            buffered = 0;
            literal = 0;
        }
        if buffered == 0 {
            start = i;
        }
        previous = key;
        buffered += 1;
        i += 1;
    }
    if repeats <= 8 {
        literal = buffered;
    }
    if literal > 0 {
        bit_pack(&keys[start..start + literal], base, bits, out);
    }
    if repeats > 8 {
        rle(repeats, previous.into() - base, bits, out);
    }
}

/// Polars' longest literal run (`MAX_VALUES_PER_LITERAL_RUN`).
const MAX_LITERAL_RUN: usize = 8 << 10;

/// An RLE run: `count` times `value`, `bits` wide.
fn rle(count: usize, value: u32, bits: u32, out: &mut Vec<u8>) {
    uleb128(out, (count as u64) << 1);
    out.extend_from_slice(&value.to_le_bytes()[..bits.div_ceil(8) as usize]);
}

/// A literal run: `keys` minus `base` bit-packed `bits` wide, in blocks of 32 keys. The last block
/// is written up to its last multiple of 8 keys; like polars, whose block buffer still holds the
/// previous block's keys there, its keys past the run are those of the block before (or 0).
fn bit_pack<K: Copy + Into<u32>>(keys: &[K], base: u32, bits: u32, out: &mut Vec<u8>) {
    uleb128(out, ((keys.len().div_ceil(8) as u64) << 1) | 1);
    let bits = bits as usize;
    let mut block = [0u32; 32];
    let mut packed = [0u8; 4 * 32];
    let mut chunks = keys.chunks_exact(32);
    for chunk in chunks.by_ref() {
        for (b, &k) in block.iter_mut().zip(chunk) {
            *b = k.into() - base;
        }
        bitpacked::encode_pack::<u32>(&block, bits, &mut packed);
        out.extend_from_slice(&packed[..4 * bits]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (b, &k) in block.iter_mut().zip(rest) {
            *b = k.into() - base;
        }
        bitpacked::encode_pack::<u32>(&block, bits, &mut packed);
        out.extend_from_slice(&packed[..rest.len().div_ceil(8) * bits]);
    }
}

/// `value` as ULEB128 (the lengths of Parquet's RLE/bit-packed runs).
fn uleb128(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

impl RowGroupBuffer {
    pub(crate) fn new(table: Table, levels: Levels) -> RowGroupBuffer {
        let codec = Codec::of(table);
        RowGroupBuffer {
            table,
            levels,
            rows: 0,
            columns: (0..table.columns().len())
                .map(|i| match codec.is_dictionary(i) {
                    true => Gathered::Dict(GlobalDict::default()),
                    false => Gathered::Plain {
                        pages: Vec::new(),
                        values: Vec::new(),
                        value_bytes: 0,
                    },
                })
                .collect(),
            plain_bytes: 0,
            held_bytes: 0,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// An empty buffer for the same table and levels.
    pub(crate) fn empty(&self) -> RowGroupBuffer {
        RowGroupBuffer::new(self.table, self.levels)
    }

    pub(crate) fn levels(&self) -> Levels {
        self.levels
    }

    /// The row group's size once written, uncompressed (the size readers report for it).
    pub(crate) fn encoded_bytes(&self) -> usize {
        self.plain_bytes
            + self.pending_bytes()
            + self.dicts().map(GlobalDict::encoded_bytes).sum::<usize>()
    }

    /// Whether the row group has reached `limit` bytes once written (uncompressed). Values waiting
    /// for a page are counted at their size in memory, which is more than delta-encoded values
    /// take: when that estimate reaches the limit, they are encoded and the row group measured again.
    pub(crate) fn reached(&mut self, limit: usize) -> PolarsResult<bool> {
        if self.encoded_bytes() < limit {
            return Ok(false);
        }
        for i in 0..self.columns.len() {
            self.flush_values(i)?;
        }
        Ok(self.encoded_bytes() >= limit)
    }

    /// The memory it holds: compressed pages, values waiting for a page, dictionary values and keys.
    pub(crate) fn held_bytes(&self) -> usize {
        self.held_bytes
            + self.pending_bytes()
            + self.dicts().map(GlobalDict::held_bytes).sum::<usize>()
    }

    fn pending_bytes(&self) -> usize {
        self.columns
            .iter()
            .map(|c| match c {
                Gathered::Plain { value_bytes, .. } => *value_bytes,
                Gathered::Dict(_) => 0,
            })
            .sum()
    }

    /// Encodes the values gathered for column `i` into pages.
    fn flush_values(&mut self, i: usize) -> PolarsResult<()> {
        let Gathered::Plain {
            pages,
            values,
            value_bytes,
        } = &mut self.columns[i]
        else {
            return Ok(());
        };
        if values.is_empty() {
            return Ok(());
        }
        let parts: Vec<&dyn Array> = values.iter().map(|a| a.as_ref()).collect();
        let array = concatenate(&parts)?;
        let codec = Codec::of(self.table);
        let options = codec.options(i, self.levels);
        let more = compressed_pages(array.as_ref(), &codec.types[i], options, codec.encodings[i])?;
        for page in &more {
            let (uncompressed, compressed) = page_sizes(page);
            self.plain_bytes += uncompressed;
            self.held_bytes += compressed;
        }
        pages.extend(more);
        values.clear();
        *value_bytes = 0;
        Ok(())
    }

    fn dicts(&self) -> impl Iterator<Item = &GlobalDict> {
        self.columns.iter().filter_map(|c| match c {
            Gathered::Dict(d) => Some(d),
            Gathered::Plain { .. } => None,
        })
    }

    pub(crate) fn append(&mut self, batch: ParquetBatch) -> PolarsResult<()> {
        self.rows += batch.rows;
        for (i, part) in batch.parts.into_iter().enumerate() {
            match part {
                Part::Pages(more, size) => {
                    // Values gathered before these rows go first.
                    self.flush_values(i)?;
                    let Gathered::Plain { pages, .. } = &mut self.columns[i] else {
                        unreachable!("a dictionary column of {} sent pages", self.table.name())
                    };
                    self.plain_bytes += size;
                    self.held_bytes += more.iter().map(|p| page_sizes(p).1).sum::<usize>();
                    pages.extend(more);
                }
                Part::Values(array, bytes) => {
                    let Gathered::Plain {
                        values,
                        value_bytes,
                        ..
                    } = &mut self.columns[i]
                    else {
                        unreachable!("a dictionary column of {} sent values", self.table.name())
                    };
                    values.push(array);
                    *value_bytes += bytes;
                    if *value_bytes >= RAW_PAGE_BYTES {
                        self.flush_values(i)?;
                    }
                }
                Part::Dict(values, keys) => match &mut self.columns[i] {
                    Gathered::Dict(d) => d.merge(&values, &keys),
                    Gathered::Plain { .. } => {
                        unreachable!("a plain column of {} sent a dictionary", self.table.name())
                    }
                },
            }
        }
        Ok(())
    }

    /// The row group's rows and pages, column by column, ready to be written.
    pub(crate) fn into_pages(mut self) -> PolarsResult<(usize, Vec<Vec<CompressedPage>>)> {
        for i in 0..self.columns.len() {
            self.flush_values(i)?;
        }
        let codec = Codec::of(self.table);
        let columns = self
            .columns
            .into_iter()
            .enumerate()
            .map(|(i, c)| match c {
                Gathered::Plain { pages, .. } => Ok(pages),
                Gathered::Dict(d) => d.into_pages(&codec.types[i], codec.options(i, self.levels)),
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        Ok((self.rows, columns))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::fs::File;

    use proptest::prelude::*;

    use polars_arrow::array::{Array, DictionaryArray, PrimitiveArray, Utf8ViewArray};
    use polars_arrow::bitmap::Bitmap;
    use polars_arrow::datatypes::{ArrowDataType, IntegerType};
    use polars_parquet::parquet::encoding::hybrid_rle;
    use polars_parquet::write::{array_to_columns, Encoding, Page, ParquetType, WriteOptions};

    use super::{encode_hybrid, write_options, Codec, GlobalDict, Keys, LocalDict, NULL_KEY};
    use crate::rows::SentenceRow;
    use crate::schema::Table;
    use crate::writer::{RowBatch, TableWriter, WriterOptions};

    /// The batch dictionary as defined: values in order of first appearance, each row's key the
    /// position of its value there.
    fn model(column: &[Option<String>]) -> (Vec<Box<str>>, Vec<u32>) {
        let (mut values, mut index) = (Vec::new(), HashMap::new());
        let keys = column
            .iter()
            .map(|v| match v {
                None => NULL_KEY,
                Some(v) => *index.entry(v.clone()).or_insert_with(|| {
                    values.push(v.as_str().into());
                    values.len() as u32 - 1
                }),
            })
            .collect();
        (values, keys)
    }

    /// Dictionary values: short and long, many of one length, differing at the start, in the middle
    /// or at the end, so that every branch of [`super::same`] meets equal and unequal pairs; more than
    /// [`super::SMALL_DICT`] distinct values, so that columns outgrow the small set.
    const VALUE: &str = "[ab]{0,3}|[ab]{2}x[ab]{2}|[ab]x{5}[ab]|[ab]x{9}[ab]{0,6}|x{16}[ab]{1,2}";

    proptest! {
        /// `same` is string equality, whatever the lengths and where the strings differ.
        #[test]
        fn short_string_equality_is_equality(a in VALUE, b in VALUE, flip in 0usize..40) {
            prop_assert_eq!(super::same(a.as_bytes(), b.as_bytes()), a == b);
            // The same string with one byte changed.
            let mut c = a.clone().into_bytes();
            if let Some(byte) = c.get_mut(flip % a.len().max(1)) {
                *byte ^= 1;
            }
            let c = String::from_utf8(c).expect("ASCII");
            prop_assert_eq!(super::same(a.as_bytes(), c.as_bytes()), a == c);
        }

        /// The shortcuts of [`LocalDict::push`] (the previous row's value, the value that followed
        /// it last time) give the model's dictionary, on columns whose values come in repeated runs
        /// (like a site's chrome lines), interrupted by other values and nulls.
        #[test]
        fn batch_dictionaries_match_the_model(
            runs in proptest::collection::vec(
                (proptest::collection::vec(proptest::option::weighted(0.9, VALUE), 1..6), 1..4usize),
                0..12,
            )
        ) {
            let column: Vec<Option<String>> = runs
                .iter()
                .flat_map(|(run, times)| std::iter::repeat_n(run, *times).flatten().cloned())
                .collect();
            let mut dict = LocalDict::default();
            for v in &column {
                dict.push(v.as_deref());
            }
            let (values, keys) = dict.into_parts();
            prop_assert_eq!((values.strings(), keys), model(&column));
        }
    }

    /// Polars' RLE/bit-packed hybrid encoding of `keys`, `bits` wide: the model of [`encode_hybrid`].
    fn polars_hybrid(keys: &[u32], bits: u32) -> Vec<u8> {
        let mut out = Vec::new();
        hybrid_rle::encode::<u32, _, _>(&mut out, keys.iter().copied(), bits).unwrap();
        out
    }

    /// `encode_hybrid` of `keys` (as given, and plus one as `u16` with base 1) against polars.
    fn check_hybrid(keys: &[u32], bits: u32) -> Result<(), TestCaseError> {
        let theirs = polars_hybrid(keys, bits);
        let mut mine = Vec::new();
        encode_hybrid(keys, 0, bits, &mut mine);
        prop_assert_eq!(&mine, &theirs);
        let plus_one: Vec<u16> = keys.iter().map(|&k| k as u16 + 1).collect();
        mine.clear();
        encode_hybrid(&plus_one, 1, bits, &mut mine);
        prop_assert_eq!(&mine, &theirs);
        Ok(())
    }

    /// The least bit width of `keys`.
    fn width(keys: &[u32]) -> u32 {
        u32::BITS - keys.iter().max().copied().unwrap_or(0).leading_zeros()
    }

    /// A row group's dictionary column as polars encodes it, uncompressed (the model of
    /// [`GlobalDict::pages`]): a `DictionaryArray` of the values in key order, null where the key is 0.
    fn polars_pages(d: &GlobalDict, ty: &ParquetType, options: WriteOptions) -> Vec<Page> {
        let values: Vec<&str> = d
            .values
            .iter()
            .map(|v| std::str::from_utf8(v).unwrap())
            .collect();
        let values = Utf8ViewArray::from_slice_values(values);
        let keys: Vec<u32> = match &d.keys {
            Keys::U8(k) => k.iter().map(|&v| u32::from(v)).collect(),
            Keys::U16(k) => k.iter().map(|&v| u32::from(v)).collect(),
            Keys::U32(k) => k.clone(),
        };
        let validity = keys
            .contains(&0)
            .then(|| Bitmap::from_iter(keys.iter().map(|&k| k != 0)));
        let keys = keys.iter().map(|k| k.saturating_sub(1)).collect();
        let keys = PrimitiveArray::from_vec(keys).with_validity(validity);
        let dtype = ArrowDataType::Dictionary(
            IntegerType::UInt32,
            Box::new(ArrowDataType::Utf8View),
            false,
        );
        let array = DictionaryArray::try_new(dtype, keys, values.boxed()).unwrap();
        let array: &dyn Array = &array;
        array_to_columns(array, ty.clone(), options, &[Encoding::RleDictionary])
            .unwrap()
            .into_iter()
            .flatten()
            .map(Result::unwrap)
            .collect()
    }

    /// The value numbered `v`: short, or long enough (up to 120 bytes, with 2-byte characters) that
    /// polars truncates it in the statistics.
    fn value(v: u32) -> String {
        format!("{}{v}", "é".repeat(v as usize % 60))
    }

    /// Rows of a dictionary column: runs of one value (or null) of 1 to 40 rows, as `(value, rows)`.
    fn runs(values: u32) -> impl Strategy<Value = Vec<(Option<u32>, usize)>> {
        proptest::collection::vec(
            (proptest::option::weighted(0.95, 0..values), 1usize..40),
            0..400,
        )
    }

    proptest! {
        /// The hybrid encoding of keys is byte for byte polars', on keys in runs of every length
        /// around the 8 that make a run RLE-encoded, at the least bit width and wider ones.
        #[test]
        fn hybrid_encoding_is_polars(
            runs in proptest::collection::vec((0u32..300, 1usize..20), 0..300),
            wider in 0u32..3,
        ) {
            let keys: Vec<u32> =
                runs.iter().flat_map(|&(v, n)| std::iter::repeat_n(v, n)).collect();
            check_hybrid(&keys, width(&keys) + wider)?;
        }

        /// A row group's dictionary page and key pages are byte for byte polars' (headers and
        /// statistics included, long values truncated there), with keys of 1 or 2 bytes (more than
        /// 255 values), with and without nulls, in pages cut small.
        #[test]
        fn dictionary_pages_are_polars(
            distinct in prop_oneof![Just(3u32), Just(40), Just(1_000)],
            runs in runs(1_000),
            batches in 1usize..4,
            page in prop_oneof![Just(None), Just(Some(64)), Just(Some(1_000))],
        ) {
            let column: Vec<Option<String>> = runs
                .iter()
                .flat_map(|&(v, n)| std::iter::repeat_n(v.map(|v| value(v % distinct)), n))
                .collect();
            let mut d = GlobalDict::default();
            for part in column.chunks(column.len().div_ceil(batches).max(1)) {
                let mut local = LocalDict::default();
                for v in part {
                    local.push(v.as_deref());
                }
                let (values, keys) = local.into_parts();
                d.merge(&values, &keys);
            }
            let ty = &Codec::of(Table::Removed).types[0];
            let options = WriteOptions { data_page_size: page, ..write_options(3) };
            let theirs = polars_pages(&d, ty, options);
            let (dict, pages) = d.pages(ty, options).unwrap();
            prop_assert_eq!(theirs.len(), 1 + pages.len());
            let Page::Dict(their_dict) = &theirs[0] else { panic!("no dictionary page first") };
            prop_assert_eq!(&*dict.buffer, &*their_dict.buffer);
            prop_assert_eq!(
                (dict.num_values, dict.is_sorted),
                (their_dict.num_values, their_dict.is_sorted)
            );
            for (mine, theirs) in pages.iter().zip(&theirs[1..]) {
                let Page::Data(theirs) = theirs else { panic!("a second dictionary page") };
                prop_assert_eq!(mine.buffer(), theirs.buffer());
                prop_assert_eq!(format!("{:?}", mine.header()), format!("{:?}", theirs.header()));
                prop_assert_eq!(mine.num_rows, theirs.num_rows);
                prop_assert_eq!(
                    format!("{:?}", mine.descriptor),
                    format!("{:?}", theirs.descriptor)
                );
            }
        }
    }

    /// Literal runs longer than polars' longest (8,192 keys) are cut where polars cuts them, and a
    /// column of one key is encoded 0 bits wide.
    #[test]
    fn long_literal_runs_and_zero_width_keys_are_polars() {
        let mut keys: Vec<u32> = (0..20_000).map(|i| i % 7).collect();
        keys.extend(std::iter::repeat_n(3, 100));
        keys.extend((0..8_195).map(|i| (i * 5) % 11));
        check_hybrid(&keys, width(&keys)).unwrap();
        check_hybrid(&[0; 1_000], 0).unwrap();
        check_hybrid(&[0; 5], 0).unwrap();
    }

    fn sentence(i: u32) -> SentenceRow {
        SentenceRow {
            article_id: format!("{:016x}", i / 20),
            sentence_index: i % 20,
            paragraph_index: i % 5,
            char_start: u64::from(i) * 200,
            char_end: u64::from(i) * 200 + 199,
            text: format!(
                "Phrase {i} : les ministres se sont réunis à Bruxelles pour la {i}e fois, {}.",
                "et ainsi de suite".repeat(8)
            ),
            n_tokens: 30,
        }
    }

    /// Row groups are cut by their uncompressed size (what readers report), not by the memory held
    /// while gathering them, which is far smaller: compressed pages, dictionary keys, and at most
    /// [`RAW_PAGE_BYTES`] of values per small plain column.
    #[test]
    fn row_groups_are_cut_at_their_uncompressed_size_and_held_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let limit = 24 << 20;
        let options = WriterOptions {
            row_group_bytes: limit,
            ..WriterOptions::default()
        };
        let mut w = TableWriter::<SentenceRow>::create(dir.path(), &options).unwrap();
        let mut max_held = 0;
        let total = 400_000u32;
        for chunk in (0..total).collect::<Vec<_>>().chunks(2_000) {
            let mut batch = RowBatch::new(&options);
            for &i in chunk {
                batch.push(&sentence(i));
            }
            w.push_batch(batch.encode().unwrap()).unwrap();
            max_held = max_held.max(w.buffered_bytes());
        }
        let path = w.finish().unwrap();
        let md = polars_parquet::read::read_metadata(&mut File::open(&path).unwrap()).unwrap();
        let sizes: Vec<usize> = md.row_groups.iter().map(|g| g.total_byte_size()).collect();
        assert!(sizes.len() >= 3, "{sizes:?}");
        for &size in &sizes[..sizes.len() - 1] {
            // Each row group ends with the batch that took it over the limit (a batch is well under
            // 1 MiB here), give or take the page headers and the dictionary's runs.
            assert!(
                size >= limit * 9 / 10 && size < limit + (2 << 20),
                "{sizes:?}"
            );
        }
        assert!(max_held < limit / 2, "held {max_held} bytes");
        let rows: usize = md.row_groups.iter().map(|g| g.num_rows()).sum();
        assert_eq!(rows, total as usize);
    }
}
