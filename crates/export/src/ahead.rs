//! One column of a batch encoded ahead of the rest of its rows ([`EncodedColumn`]), and its bytes for
//! a temporary file.

use std::marker::PhantomData;

use polars_arrow::array::{MutableArray, MutableBinaryViewArray};
use polars_parquet::parquet::compression::Compression;
use polars_parquet::parquet::metadata::Descriptor;
use polars_parquet::parquet::page::{
    CompressedDataPage, DataPageHeader, DataPageHeaderV1, FormatEncoding,
};
use polars_parquet::parquet::schema::Repetition;
use polars_parquet::parquet::statistics::ParquetStatistics;
use polars_parquet::parquet::CowBuffer;
use polars_parquet::write::{CompressedPage, ParquetType};

use crate::encode::{compressed_pages, page_sizes, Codec};
use crate::error::Error;
use crate::rows::Row;
use crate::schema::ColumnType;
use crate::writer::{Format, WriterOptions};

/// The compressed Parquet pages of one text column of a batch of rows, made before the other cells
/// of those rows are final. A caller that must hold rows back (the articles of a dedup run wait
/// for the clustering of the whole corpus) keeps their long text as these pages, about a third of
/// its size, instead of as text, and compresses it while the rest of the run keeps every core busy;
/// [`RowBatch::encode_with`](crate::RowBatch::encode_with) then encodes the rows, pushed with that
/// cell empty, with these pages in the column. [`EncodedColumn::to_bytes`] and
/// [`EncodedColumn::from_bytes`] carry it through a temporary file.
///
/// Parquet only: a CSV table has no pages.
///
/// ```
/// use toolkit_export::{ArticleRow, EncodedColumn, RowBatch, TableWriter, WriterOptions};
///
/// let options = WriterOptions::default();
/// let rows = vec![
///     ArticleRow { article_id: "a1".into(), text: "Premier texte.".into(), ..Default::default() },
///     ArticleRow { article_id: "a2".into(), text: "Second texte.".into(), ..Default::default() },
/// ];
/// // Early: the texts become pages, kept as bytes (in a temporary file, say).
/// let texts = EncodedColumn::<ArticleRow>::encode("text", rows.iter().map(|r| r.text.as_str()), &options)?;
/// let mut bytes = Vec::new();
/// texts.to_bytes(&mut bytes);
/// // Later: the rows, their other cells now final, without their texts.
/// let mut batch = RowBatch::<ArticleRow>::new(&options);
/// for row in &rows {
///     batch.push(&ArticleRow { text: String::new(), ..row.clone() });
/// }
/// let dir = tempfile::tempdir()?;
/// let mut table = TableWriter::<ArticleRow>::create(dir.path(), &options)?;
/// table.push_batch(batch.encode_with(EncodedColumn::from_bytes("text", &bytes)?)?)?;
/// let path = table.finish()?;
/// let read = toolkit_export::read_parquet(&path)?;
/// assert_eq!(read.rows.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct EncodedColumn<R: Row> {
    /// The column's index in the table.
    pub(crate) column: usize,
    pub(crate) rows: usize,
    /// Uncompressed bytes of the pages.
    pub(crate) size: usize,
    pub(crate) pages: Vec<CompressedPage>,
    row_type: PhantomData<fn(R)>,
}

impl<R: Row> std::fmt::Debug for EncodedColumn<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedColumn")
            .field("table", &R::TABLE.name())
            .field("column", &R::TABLE.columns()[self.column].name)
            .field("rows", &self.rows)
            .field("pages", &self.pages.len())
            .finish()
    }
}

/// The index of `column` in the table of `R`, which must be a string column that is not
/// dictionary-encoded.
fn text_column<R: Row>(column: &str) -> Result<usize, Error> {
    let table = R::TABLE;
    let i = table
        .columns()
        .iter()
        .position(|c| c.name == column && c.ty == ColumnType::Utf8)
        .ok_or_else(|| {
            Error::EncodedColumn(format!("{} has no text column {column:?}", table.name()))
        })?;
    if Codec::of(table).is_dictionary(i) {
        return Err(Error::EncodedColumn(format!(
            "{}.{column} is dictionary-encoded: its pages depend on the whole row group",
            table.name()
        )));
    }
    Ok(i)
}

impl<R: Row> EncodedColumn<R> {
    /// Encodes and compresses `values`, one per row, as column `column` of `R`'s table with
    /// `options` (Parquet only). The pages are those [`RowBatch::encode`](crate::RowBatch::encode)
    /// makes of a column of at least 256 KiB; a smaller one is pages too, not values left for the
    /// row group to gather.
    pub fn encode<'a>(
        column: &str,
        values: impl IntoIterator<Item = &'a str>,
        options: &WriterOptions,
    ) -> Result<EncodedColumn<R>, Error> {
        if options.format != Format::Parquet {
            return Err(Error::EncodedColumn(
                "a column is encoded ahead for Parquet tables only".into(),
            ));
        }
        let i = text_column::<R>(column)?;
        let mut array = MutableBinaryViewArray::<str>::new();
        for v in values {
            array.push_value(v);
        }
        let rows = array.len();
        let array = array.as_box();
        let codec = Codec::of(R::TABLE);
        let pages = compressed_pages(
            array.as_ref(),
            &codec.types[i],
            codec.options(i, options.levels()),
            codec.encodings[i],
        )
        .map_err(|e| Error::polars(R::TABLE.name(), e))?;
        Ok(EncodedColumn {
            column: i,
            rows,
            size: pages.iter().map(|p| page_sizes(p).0).sum(),
            pages,
            row_type: PhantomData,
        })
    }

    /// The number of rows (values) encoded.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends the rows of `other` (the same column) after these.
    pub fn append(&mut self, other: EncodedColumn<R>) {
        assert_eq!(self.column, other.column, "appending another column");
        self.rows += other.rows;
        self.size += other.size;
        self.pages.extend(other.pages);
    }

    /// Appends the column's bytes to `out`, for [`EncodedColumn::from_bytes`].
    pub fn to_bytes(mut self, out: &mut Vec<u8>) {
        put_u64(out, self.column as u64);
        put_u64(out, self.rows as u64);
        put_u64(out, self.pages.len() as u64);
        for page in &mut self.pages {
            let CompressedPage::Data(page) = page else {
                unreachable!("a plain column has data pages only")
            };
            let DataPageHeader::V1(header) = page.header() else {
                unreachable!("the tables are written with v1 data pages")
            };
            put_u64(out, page.num_rows().unwrap_or(0) as u64);
            put_u64(out, page.uncompressed_size() as u64);
            for n in [
                header.num_values,
                header.encoding.0,
                header.definition_level_encoding.0,
                header.repetition_level_encoding.0,
            ] {
                out.extend_from_slice(&n.to_le_bytes());
            }
            match &header.statistics {
                None => out.push(0),
                Some(s) => {
                    out.push(1);
                    put_opt_i64(out, s.null_count);
                    put_opt_i64(out, s.distinct_count);
                    for b in [&s.max_value, &s.min_value, &s.max, &s.min] {
                        put_opt_bytes(out, b.as_deref());
                    }
                    for b in [s.is_max_value_exact, s.is_min_value_exact] {
                        out.push(b.map_or(2, u8::from));
                    }
                }
            }
            // The only way to a compressed page's bytes; they are only read here.
            let buffer: &[u8] = page.slice_mut();
            put_bytes(out, buffer);
        }
    }

    /// The column whose bytes [`EncodedColumn::to_bytes`] wrote; an error if they are damaged or
    /// of another column.
    pub fn from_bytes(column: &str, bytes: &[u8]) -> Result<EncodedColumn<R>, Error> {
        let i = text_column::<R>(column)?;
        let mut r = Reader { bytes };
        if r.u64()? != i as u64 {
            return Err(damaged("another column"));
        }
        let rows = r.usize()?;
        let n = r.usize()?;
        let ParquetType::PrimitiveType(ty) = &Codec::of(R::TABLE).types[i] else {
            unreachable!("a text column is a primitive column")
        };
        let descriptor = Descriptor {
            primitive_type: ty.clone(),
            max_def_level: i16::from(ty.field_info.repetition == Repetition::Optional),
            max_rep_level: 0,
        };
        // Each page takes more than 40 bytes: a count past that is damage, not a reason to allocate.
        let mut pages = Vec::with_capacity(n.min(bytes.len() / 40));
        let (mut size, mut page_rows) = (0, 0);
        for _ in 0..n {
            let num_rows = r.usize()?;
            let uncompressed = r.usize()?;
            let num_values = r.i32()?;
            let encoding = FormatEncoding(r.i32()?);
            let definition_level_encoding = FormatEncoding(r.i32()?);
            let repetition_level_encoding = FormatEncoding(r.i32()?);
            let statistics = match r.u8()? {
                0 => None,
                1 => Some(ParquetStatistics {
                    null_count: r.opt_i64()?,
                    distinct_count: r.opt_i64()?,
                    max_value: r.opt_bytes()?,
                    min_value: r.opt_bytes()?,
                    max: r.opt_bytes()?,
                    min: r.opt_bytes()?,
                    is_max_value_exact: r.opt_bool()?,
                    is_min_value_exact: r.opt_bool()?,
                }),
                _ => return Err(damaged("a statistics flag")),
            };
            let buffer = r.bytes()?.to_vec();
            let header = DataPageHeaderV1 {
                num_values,
                encoding,
                definition_level_encoding,
                repetition_level_encoding,
                statistics,
            };
            size += uncompressed;
            page_rows += num_rows;
            pages.push(CompressedPage::Data(CompressedDataPage::new(
                DataPageHeader::V1(header),
                CowBuffer::Owned(buffer),
                Compression::Zstd,
                uncompressed,
                descriptor.clone(),
                num_rows,
            )));
        }
        if !r.bytes.is_empty() || page_rows != rows {
            return Err(damaged("the length or the row count"));
        }
        Ok(EncodedColumn {
            column: i,
            rows,
            size,
            pages,
            row_type: PhantomData,
        })
    }
}

fn damaged(what: &str) -> Error {
    Error::EncodedColumn(format!("damaged encoded column bytes: {what}"))
}

fn put_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(&n.to_le_bytes());
}

fn put_opt_i64(out: &mut Vec<u8>, n: Option<i64>) {
    match n {
        None => out.push(0),
        Some(n) => {
            out.push(1);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_opt_bytes(out: &mut Vec<u8>, b: Option<&[u8]>) {
    match b {
        None => out.push(0),
        Some(b) => {
            out.push(1);
            put_bytes(out, b);
        }
    }
}

/// Reads what the `put_*` functions wrote, every length checked against what is left.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if n > self.bytes.len() {
            return Err(damaged("cut short"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.take(1)?[0])
    }

    fn u64(&mut self) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    fn usize(&mut self) -> Result<usize, Error> {
        usize::try_from(self.u64()?).map_err(|_| damaged("a count"))
    }

    fn i32(&mut self) -> Result<i32, Error> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn opt_i64(&mut self) -> Result<Option<i64>, Error> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(i64::from_le_bytes(
                self.take(8)?.try_into().expect("8 bytes"),
            ))),
            _ => Err(damaged("an option flag")),
        }
    }

    fn bytes(&mut self) -> Result<&'a [u8], Error> {
        let n = self.usize()?;
        self.take(n)
    }

    fn opt_bytes(&mut self) -> Result<Option<Vec<u8>>, Error> {
        match self.u8()? {
            0 => Ok(None),
            1 => Ok(Some(self.bytes()?.to_vec())),
            _ => Err(damaged("an option flag")),
        }
    }

    fn opt_bool(&mut self) -> Result<Option<bool>, Error> {
        match self.u8()? {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            2 => Ok(None),
            _ => Err(damaged("a flag")),
        }
    }
}
