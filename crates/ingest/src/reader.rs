//! Streaming reader: inputs → [`Record`]s. Sequential I/O only; no text decoding here.
//!
//! Directories are walked depth-first with each level sorted by name (hidden entries skipped).
//! Compression (gzip, zstd) is recognised by magic bytes. JSON Lines and CSV files are read one record
//! at a time, and no document is read past `max_doc_bytes + 1` bytes. Compressed inputs are
//! counted while they stream (compressed bytes in, decompressed bytes out) and stopped with a
//! `decompression_bomb` error once they pass `max_input_bytes` or `max_expansion_ratio`.

use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::error::{Error, ErrorKind};
use crate::input::{Body, FieldNames, Format, Input, Record};

mod jsonfast;

type Source = Box<dyn BufRead + Send>;

const BUF: usize = 64 * 1024;
/// Default `max_doc_bytes`: 64 MiB.
pub const DEFAULT_MAX_DOC_BYTES: u64 = 64 * 1024 * 1024;
/// Default `max_input_bytes`: 4 GiB decompressed per compressed input.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Default `max_expansion_ratio`: 200 decompressed bytes per compressed byte.
pub const DEFAULT_MAX_EXPANSION_RATIO: f64 = 200.0;
/// The expansion ratio is only checked once this many bytes (1 MiB) have been decompressed, so
/// small, very repetitive files are not refused.
const RATIO_MIN_BYTES: u64 = 1024 * 1024;

/// Builds a [`Reader`].
#[derive(Debug, Clone)]
pub struct ReaderBuilder {
    format: Format,
    fields: FieldNames,
    max_doc_bytes: u64,
    max_input_bytes: u64,
    max_expansion_ratio: f64,
    follow_links: bool,
}

impl Default for ReaderBuilder {
    fn default() -> ReaderBuilder {
        ReaderBuilder::new()
    }
}

impl ReaderBuilder {
    /// Auto format, default field names, 64 MiB per document, 4 GiB decompressed and an expansion
    /// ratio of 200 per compressed input, symbolic links not followed in walks.
    pub fn new() -> ReaderBuilder {
        ReaderBuilder {
            format: Format::Auto,
            fields: FieldNames::default(),
            max_doc_bytes: DEFAULT_MAX_DOC_BYTES,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            max_expansion_ratio: DEFAULT_MAX_EXPANSION_RATIO,
            follow_links: false,
        }
    }

    /// The container format of every input (default [`Format::Auto`]).
    pub fn format(&mut self, format: Format) -> &mut ReaderBuilder {
        self.format = format;
        self
    }

    /// Field names for JSON Lines and CSV records.
    pub fn fields(&mut self, fields: FieldNames) -> &mut ReaderBuilder {
        self.fields = fields;
        self
    }

    /// The largest document (a text file, a JSON line, a CSV row), in bytes after decompression.
    /// Larger ones give an error of kind `too_large`.
    pub fn max_doc_bytes(&mut self, bytes: u64) -> &mut ReaderBuilder {
        self.max_doc_bytes = bytes;
        self
    }

    /// The most bytes one gzip or zstd input (file or stdin) may decompress to (default 4 GiB,
    /// [`DEFAULT_MAX_INPUT_BYTES`]). Past it, reading that input stops with an error of kind
    /// `decompression_bomb` (records already read from it are kept) and the reader goes on with the
    /// next input. Counted while streaming, so memory never grows with the input. Uncompressed
    /// inputs are not limited by this (only by `max_doc_bytes` per document).
    pub fn max_input_bytes(&mut self, bytes: u64) -> &mut ReaderBuilder {
        self.max_input_bytes = bytes;
        self
    }

    /// The largest expansion ratio (decompressed bytes / compressed bytes read so far) allowed for
    /// a gzip or zstd input, checked continuously once 1 MiB has been decompressed (default 200,
    /// [`DEFAULT_MAX_EXPANSION_RATIO`]; gzip of ordinary text is about 3–10×, zstd `--long` about
    /// 5–20×, a bomb of zeros about 1000× or more). Past it, reading that input stops with an error
    /// of kind `decompression_bomb` and the reader goes on with the next input.
    /// `f64::INFINITY` (or NaN) disables the check.
    pub fn max_expansion_ratio(&mut self, ratio: f64) -> &mut ReaderBuilder {
        self.max_expansion_ratio = ratio;
        self
    }

    /// Whether to follow symbolic links met while walking directories (inputs given explicitly are
    /// always followed). Each directory is visited once, so link loops end.
    pub fn follow_links(&mut self, yes: bool) -> &mut ReaderBuilder {
        self.follow_links = yes;
        self
    }

    /// A reader over `inputs`, in order.
    pub fn build(&self, inputs: Vec<Input>) -> Reader {
        let pending = inputs
            .into_iter()
            .map(|i| match i {
                Input::Stdin => Pending::Stdin,
                Input::Path(p) => {
                    let shown = slashes(&p);
                    Pending::Path {
                        path: p,
                        shown,
                        walked: false,
                    }
                }
            })
            .collect();
        Reader {
            config: self.clone(),
            pending,
            current: None,
            visited: HashSet::new(),
        }
    }
}

enum Pending {
    Stdin,
    Path {
        path: PathBuf,
        shown: String,
        walked: bool,
    },
}

/// Iterator over the records of all inputs. One `Err` per input or record that cannot be read;
/// iteration always goes on with the next one.
pub struct Reader {
    config: ReaderBuilder,
    pending: VecDeque<Pending>,
    current: Option<Stream>,
    visited: HashSet<PathBuf>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("config", &self.config)
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

impl Iterator for Reader {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Result<Record, Error>> {
        loop {
            if let Some(stream) = &mut self.current {
                match stream.next_record() {
                    Some(r) => return Some(r),
                    None => self.current = None,
                }
            }
            let item = self.pending.pop_front()?;
            match self.open(item) {
                Ok(Opened::Record(r)) => return Some(Ok(r)),
                Ok(Opened::Stream(s)) => self.current = Some(s),
                Ok(Opened::Nothing) => {}
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

enum Opened {
    Record(Record),
    Stream(Stream),
    Nothing,
}

fn slashes(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

impl Reader {
    fn open(&mut self, item: Pending) -> Result<Opened, Error> {
        let (path, shown, walked) = match item {
            Pending::Stdin => {
                let src: Source = Box::new(BufReader::with_capacity(BUF, io::stdin()));
                return self.open_source(src, "-".into(), "", None);
            }
            Pending::Path {
                path,
                shown,
                walked,
            } => (path, shown, walked),
        };
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(e).at(&shown, None))?;
        if meta.is_dir() {
            self.expand_dir(&path, &shown, walked)?;
            return Ok(Opened::Nothing);
        }
        // A FIFO, socket or device met in a walk could block for ever or never end; read one only
        // when it is given explicitly (`<(zcat dump.gz)` is a pipe).
        if walked && !meta.is_file() {
            return Err(Error::new(ErrorKind::Io)
                .with_cause(
                    "not a regular file (a FIFO, socket or device); give it explicitly to read it",
                )
                .at(&shown, None));
        }
        let file = File::open(&path).map_err(|e| Error::io(e).at(&shown, None))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        // The size of a regular file, so that an oversized plain document is refused unread.
        let size = meta.is_file().then_some(meta.len());
        self.open_source(
            Box::new(BufReader::with_capacity(BUF, file)),
            shown,
            &name,
            size,
        )
    }

    fn expand_dir(&mut self, dir: &Path, shown: &str, walked: bool) -> Result<(), Error> {
        if self.config.follow_links || !walked {
            if let Ok(canon) = std::fs::canonicalize(dir) {
                if !self.visited.insert(canon) {
                    return Ok(()); // already walked (a link loop or a repeated input)
                }
            }
        }
        let rd = std::fs::read_dir(dir).map_err(|e| Error::io(e).at(shown, None))?;
        let mut entries = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| Error::io(e).at(shown, None))?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let is_link = entry.file_type().map(|t| t.is_symlink()).unwrap_or(false);
            if is_link && !self.config.follow_links {
                continue;
            }
            entries.push(name);
        }
        entries.sort();
        let base = shown.trim_end_matches('/');
        for name in entries.into_iter().rev() {
            let path = dir.join(&name);
            let shown = format!("{base}/{}", name.to_string_lossy());
            self.pending.push_front(Pending::Path {
                path,
                shown,
                walked: true,
            });
        }
        Ok(())
    }

    /// Opens one input. `size` is the length of a regular file (`None` for stdin and pipes).
    fn open_source(
        &self,
        src: Source,
        shown: String,
        name: &str,
        size: Option<u64>,
    ) -> Result<Opened, Error> {
        let at = |e: Error| e.at(&shown, None);
        let (magic, src) = peek(src, 4).map_err(|e| at(Error::io(e)))?;
        let packed = Arc::new(AtomicU64::new(0));
        let guard = |inner: Box<dyn Read + Send>| -> Source {
            Box::new(BufReader::with_capacity(
                BUF,
                BombGuard {
                    inner,
                    packed: Arc::clone(&packed),
                    unpacked: 0,
                    max_bytes: self.config.max_input_bytes,
                    max_ratio: self.config.max_expansion_ratio,
                },
            ))
        };
        let counted = |inner: Source| CountingRead {
            inner,
            packed: Arc::clone(&packed),
        };
        let (src, compressed, name): (Source, bool, &str) = if magic.starts_with(&[0x1F, 0x8B]) {
            let gz = flate2::bufread::MultiGzDecoder::new(counted(src));
            (guard(Box::new(gz)), true, strip_ext(name))
        } else if magic.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
            let mut zst = zstd::stream::read::Decoder::with_buffer(counted(src))
                .map_err(|e| at(Error::new(ErrorKind::Decompress).with_cause(e)))?;
            zst.window_log_max(31)
                .map_err(|e| at(Error::new(ErrorKind::Decompress).with_cause(e)))?;
            (guard(Box::new(zst)), true, strip_ext(name))
        } else {
            (src, false, name)
        };
        let io_err = move |e: io::Error| read_error(e, compressed);
        let (head, src) = peek(src, BUF).map_err(|e| at(io_err(e)))?;
        let format = match self.config.format {
            Format::Auto => sniff(name, &head),
            f => f,
        };
        let cap = self.config.max_doc_bytes;
        match format {
            Format::Jsonl => Ok(Opened::Stream(Stream::Jsonl(Box::new(JsonlStream {
                src,
                shown,
                index: 0,
                fields: self.config.fields.clone(),
                cap,
                compressed,
                done: false,
                line: Vec::new(),
            })))),
            Format::Csv => CsvStream::new(src, shown, &self.config.fields, cap, compressed)
                .map(|s| Opened::Stream(Stream::Csv(Box::new(s)))),
            Format::Text | Format::Html | Format::Auto => {
                // A plain file larger than the cap is one document too large: refuse it unread
                // (a sparse file of terabytes costs nothing).
                if !compressed && size.is_some_and(|n| n > cap) {
                    return Err(at(Error::new(ErrorKind::TooLarge { limit: cap })));
                }
                let mut bytes = Vec::new();
                src.take(cap.saturating_add(1))
                    .read_to_end(&mut bytes)
                    .map_err(|e| at(io_err(e)))?;
                if bytes.len() as u64 > cap {
                    return Err(at(Error::new(ErrorKind::TooLarge { limit: cap })));
                }
                if bytes.is_empty() {
                    return Err(at(Error::new(ErrorKind::Empty)));
                }
                Ok(Opened::Record(Record::from_bytes(shown, bytes)))
            }
        }
    }
}

/// The error for a failed read: `decompression_bomb` when a [`BombGuard`] stopped it, else
/// `decompress` for compressed inputs and `io` for plain ones.
fn read_error(e: io::Error, compressed: bool) -> Error {
    let kind = if e.get_ref().is_some_and(|i| i.is::<Bomb>()) {
        ErrorKind::DecompressionBomb
    } else if compressed {
        ErrorKind::Decompress
    } else {
        ErrorKind::Io
    };
    Error::new(kind).with_cause(e)
}

/// The compressed side of an input: counts the bytes the decoder consumes into `packed`.
struct CountingRead {
    inner: Source,
    packed: Arc<AtomicU64>,
}

impl Read for CountingRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.packed.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl BufRead for CountingRead {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.packed.fetch_add(amt as u64, Ordering::Relaxed);
    }
}

/// Why a compressed input was stopped (the cause of a `decompression_bomb` error).
#[derive(Debug, thiserror::Error)]
enum Bomb {
    #[error("decompressed more than {limit} bytes")]
    TooManyBytes { limit: u64 },
    #[error("expansion ratio {ratio:.0} (after {unpacked} bytes) exceeds the limit of {limit}")]
    Ratio {
        ratio: f64,
        unpacked: u64,
        limit: f64,
    },
}

/// The decompressed side of an input: counts bytes out and fails, while streaming, once they pass
/// `max_bytes` or once `unpacked / packed` passes `max_ratio` (after [`RATIO_MIN_BYTES`]).
/// Once tripped it keeps failing, so no caller can read past the limit.
struct BombGuard {
    inner: Box<dyn Read + Send>,
    packed: Arc<AtomicU64>,
    unpacked: u64,
    max_bytes: u64,
    max_ratio: f64,
}

impl BombGuard {
    fn check(&self) -> Result<(), Bomb> {
        if self.unpacked > self.max_bytes {
            return Err(Bomb::TooManyBytes {
                limit: self.max_bytes,
            });
        }
        if self.unpacked >= RATIO_MIN_BYTES {
            let packed = self.packed.load(Ordering::Relaxed).max(1);
            let ratio = self.unpacked as f64 / packed as f64;
            if ratio > self.max_ratio {
                return Err(Bomb::Ratio {
                    ratio,
                    unpacked: self.unpacked,
                    limit: self.max_ratio,
                });
            }
        }
        Ok(())
    }
}

impl Read for BombGuard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.check().map_err(io::Error::other)?;
        // Never hand out more than one byte past the limit, so a small cap holds exactly.
        let room = self
            .max_bytes
            .saturating_sub(self.unpacked)
            .saturating_add(1);
        let len = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..len])?;
        self.unpacked += n as u64;
        self.check().map_err(io::Error::other)?;
        Ok(n)
    }
}

/// Reads up to `n` bytes and gives back a reader that still yields them first.
fn peek(mut src: Source, n: usize) -> io::Result<(Vec<u8>, Source)> {
    let mut head = Vec::with_capacity(n.min(BUF));
    (&mut src).take(n as u64).read_to_end(&mut head)?;
    let out: Source = Box::new(Cursor::new(head.clone()).chain(src));
    Ok((head, out))
}

fn strip_ext(name: &str) -> &str {
    [".gz", ".gzip", ".zst", ".zstd"]
        .iter()
        .find_map(|e| name.strip_suffix(e))
        .unwrap_or(name)
}

fn sniff(name: &str, head: &[u8]) -> Format {
    if [".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        return Format::Jsonl;
    }
    if name.ends_with(".csv") {
        return Format::Csv;
    }
    if crate::html::has_html_extension(name) || crate::html::looks_like_html(head) {
        return Format::Html;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = head.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Format::Text;
    };
    let rest = &head[start..];
    if rest.first() != Some(&b'{') {
        return Format::Text;
    }
    match memchr::memchr(b'\n', rest) {
        Some(end) => is_json_object(&rest[..end]),
        None if head.len() < BUF => is_json_object(rest),
        // A first line longer than the peek: trust an object that opens with a key.
        None => {
            let after = rest[1..].iter().find(|b| !b.is_ascii_whitespace());
            if after == Some(&b'"') {
                Format::Jsonl
            } else {
                Format::Text
            }
        }
    }
}

fn is_json_object(line: &[u8]) -> Format {
    match serde_json::from_slice::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(_)) => Format::Jsonl,
        _ => Format::Text,
    }
}

enum Stream {
    Jsonl(Box<JsonlStream>),
    Csv(Box<CsvStream>),
}

impl Stream {
    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        match self {
            Stream::Jsonl(s) => s.next_record(),
            Stream::Csv(s) => s.next_record(),
        }
    }
}

struct JsonlStream {
    src: Source,
    shown: String,
    index: u64,
    fields: FieldNames,
    cap: u64,
    compressed: bool,
    done: bool,
    line: Vec<u8>,
}

enum Line {
    Eof,
    Ok,
    TooLong,
}

/// Reads one line into `buf` (without `\n`), keeping at most `cap` bytes; longer lines are
/// consumed to their end and reported as `TooLong`.
fn read_line_capped(src: &mut dyn BufRead, buf: &mut Vec<u8>, cap: u64) -> io::Result<Line> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let avail = match src.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(match (any, too_long) {
                (false, _) => Line::Eof,
                (true, true) => Line::TooLong,
                (true, false) => Line::Ok,
            });
        }
        any = true;
        let (take, found) = match memchr::memchr(b'\n', avail) {
            Some(i) => (i, true),
            None => (avail.len(), false),
        };
        if !too_long {
            if (buf.len() + take) as u64 > cap {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&avail[..take]);
            }
        }
        src.consume(if found { take + 1 } else { take });
        if found {
            return Ok(if too_long { Line::TooLong } else { Line::Ok });
        }
    }
}

/// `String::from_utf8_lossy`, but checked with simdutf8 first: the lossy decoder walks the bytes in
/// chunks several times slower, and valid text, the usual case, needs only the check (simdutf8's is
/// several times faster than `str::from_utf8` on accented text).
fn utf8_lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// A JSON value as an optional string field: strings as is, numbers and booleans printed,
/// null as absent, arrays and objects as compact JSON.
fn field_string(v: Option<&serde_json::Value>) -> Option<String> {
    match v? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl JsonlStream {
    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        while !self.done {
            // A line that lies whole in the source's buffer (64 KiB; a news page takes a few) is
            // parsed where it is; the others (across the buffer's end, too long, the last one
            // without a newline) are copied into `line` by `read_line_capped`.
            let avail = match self.src.fill_buf() {
                Ok(avail) => avail,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    let e = read_error(e, self.compressed);
                    return Some(Err(e.at(&self.shown, Some(self.index))));
                }
            };
            if let Some(end) = memchr::memchr(b'\n', avail).filter(|&end| end as u64 <= self.cap) {
                let record = parse_line(&avail[..end], &self.fields, &self.shown, &mut self.index);
                self.src.consume(end + 1);
                match record {
                    Some(record) => return Some(record),
                    None => continue,
                }
            }
            let read = read_line_capped(&mut self.src, &mut self.line, self.cap);
            let index = self.index;
            let err = |e: Error| e.at(&self.shown, Some(index));
            match read {
                Err(e) => {
                    self.done = true;
                    return Some(Err(err(read_error(e, self.compressed))));
                }
                Ok(Line::Eof) => self.done = true,
                Ok(Line::TooLong) => {
                    self.index += 1;
                    return Some(Err(err(Error::new(ErrorKind::TooLarge {
                        limit: self.cap,
                    }))));
                }
                Ok(Line::Ok) => {
                    if let Some(record) =
                        parse_line(&self.line, &self.fields, &self.shown, &mut self.index)
                    {
                        return Some(record);
                    }
                }
            }
        }
        None
    }
}

/// The record of a JSON line of input `shown`, numbered `index` (then advanced), or `None` for a
/// blank line, which is skipped and not numbered. An error names the input and the line's number.
fn parse_line(
    line: &[u8],
    fields: &FieldNames,
    shown: &str,
    index: &mut u64,
) -> Option<Result<Record, Error>> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let number = *index;
    *index += 1;
    Some(record_of(line, fields, shown, number))
}

fn record_of(line: &[u8], fields: &FieldNames, shown: &str, index: u64) -> Result<Record, Error> {
    let text = utf8_lossy(line);
    let (body, [source_id, url, date, title]) =
        json_fields(text.trim_start_matches('\u{FEFF}'), fields)
            .map_err(|e| e.at(shown, Some(index)))?;
    Ok(Record {
        source_path: shown.to_string(),
        source_index: Some(index),
        source_id,
        url,
        date,
        title,
        body: Body::Text(body),
    })
}

/// The text and the id, url, date and title fields of one JSON line: by [`jsonfast::extract`],
/// or by [`serde_fields`] when the fast path declines (the results are the same).
fn json_fields(json: &str, fields: &FieldNames) -> Result<(String, [Option<String>; 4]), Error> {
    let names = [
        fields.text.as_str(),
        &fields.id,
        &fields.url,
        &fields.date,
        &fields.title,
    ];
    match jsonfast::extract(json, names) {
        Some([Some(body), id, url, date, title]) => Ok((body, [id, url, date, title])),
        Some([None, ..]) => Err(missing_text(fields)),
        None => serde_fields(json, fields),
    }
}

fn missing_text(fields: &FieldNames) -> Error {
    Error::new(ErrorKind::MissingField {
        field: fields.text.clone(),
    })
}

/// [`json_fields`] through a `serde_json::Value`: the text field as a string (null or absent is a
/// `missing_field` error, other values compact JSON), the others by [`field_string`].
fn serde_fields(json: &str, fields: &FieldNames) -> Result<(String, [Option<String>; 4]), Error> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| Error::new(ErrorKind::Json).with_cause(e))?;
    let serde_json::Value::Object(mut obj) = value else {
        return Err(Error::new(ErrorKind::Json).with_cause("the line is not a JSON object"));
    };
    let body = match obj.remove(&fields.text) {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => return Err(missing_text(fields)),
        Some(other) => other.to_string(),
    };
    Ok((
        body,
        [
            field_string(obj.get(&fields.id)),
            field_string(obj.get(&fields.url)),
            field_string(obj.get(&fields.date)),
            field_string(obj.get(&fields.title)),
        ],
    ))
}

/// Counts bytes read and fails once one record has used more than its cap (plus the csv buffer).
struct CapRead {
    inner: Source,
    read: u64,
    record_start: Arc<AtomicU64>,
    cap: u64,
}

#[derive(Debug, thiserror::Error)]
#[error("CSV record larger than the limit")]
struct RecordTooLarge;

impl Read for CapRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = self.record_start.load(Ordering::Relaxed);
        if self.read.saturating_sub(start) > self.cap.saturating_add(BUF as u64) {
            return Err(io::Error::other(RecordTooLarge));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

struct CsvStream {
    csv: csv::Reader<CapRead>,
    shown: String,
    index: u64,
    cols: [Option<usize>; 5],
    record_start: Arc<AtomicU64>,
    cap: u64,
    compressed: bool,
    done: bool,
    record: csv::ByteRecord,
}

impl CsvStream {
    fn new(
        src: Source,
        shown: String,
        fields: &FieldNames,
        cap: u64,
        compressed: bool,
    ) -> Result<CsvStream, Error> {
        let record_start = Arc::new(AtomicU64::new(0));
        let inner = CapRead {
            inner: src,
            read: 0,
            record_start: Arc::clone(&record_start),
            cap,
        };
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(inner);
        let headers = csv
            .byte_headers()
            .map_err(|e| {
                let kind = match e.kind() {
                    csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|i| i.is::<Bomb>()) => {
                        ErrorKind::DecompressionBomb
                    }
                    _ => ErrorKind::Csv,
                };
                Error::new(kind).with_cause(e).at(&shown, None)
            })?
            .clone();
        let find = |name: &str| {
            headers.iter().position(|h| {
                let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
                h.trim_ascii() == name.as_bytes()
            })
        };
        let cols = [
            find(&fields.text),
            find(&fields.id),
            find(&fields.url),
            find(&fields.date),
            find(&fields.title),
        ];
        if cols[0].is_none() {
            return Err(Error::new(ErrorKind::MissingField {
                field: fields.text.clone(),
            })
            .at(&shown, None));
        }
        record_start.store(csv.position().byte(), Ordering::Relaxed);
        Ok(CsvStream {
            csv,
            shown,
            index: 0,
            cols,
            record_start,
            cap,
            compressed,
            done: false,
            record: csv::ByteRecord::new(),
        })
    }

    fn next_record(&mut self) -> Option<Result<Record, Error>> {
        if self.done {
            return None;
        }
        let index = self.index;
        let read = self.csv.read_byte_record(&mut self.record);
        self.record_start
            .store(self.csv.position().byte(), Ordering::Relaxed);
        let err = |e: Error| Some(Err(e.at(&self.shown, Some(index))));
        match read {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                self.index += 1;
                let get = |i: usize| {
                    self.cols[i]
                        .and_then(|c| self.record.get(c))
                        .map(|b| utf8_lossy(b).into_owned())
                };
                let text = get(0).unwrap_or_default();
                if text.len() as u64 > self.cap {
                    return err(Error::new(ErrorKind::TooLarge { limit: self.cap }));
                }
                let opt = |i: usize| get(i).filter(|s| !s.is_empty());
                Some(Ok(Record {
                    source_path: self.shown.clone(),
                    source_index: Some(index),
                    source_id: opt(1),
                    url: opt(2),
                    date: opt(3),
                    title: opt(4),
                    body: Body::Text(text),
                }))
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(io) => {
                    self.done = true;
                    let inner = io.get_ref();
                    let kind = if inner.is_some_and(|i| i.is::<RecordTooLarge>()) {
                        ErrorKind::TooLarge { limit: self.cap }
                    } else if inner.is_some_and(|i| i.is::<Bomb>()) {
                        ErrorKind::DecompressionBomb
                    } else if self.compressed {
                        ErrorKind::Decompress
                    } else {
                        ErrorKind::Io
                    };
                    err(Error::new(kind).with_cause(e))
                }
                _ => {
                    self.index += 1;
                    err(Error::new(ErrorKind::Csv).with_cause(e))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Opens `bytes` the way stdin is opened (a stream with no name) and returns the first item.
    fn open_stream(builder: &ReaderBuilder, bytes: Vec<u8>) -> Result<Opened, Error> {
        let reader = builder.build(Vec::new());
        let src: Source = Box::new(BufReader::new(Cursor::new(bytes)));
        reader.open_source(src, "-".into(), "", None)
    }

    /// A JSON Lines stream read through `capacity`-byte buffers, as (index, text or error kind).
    fn read_jsonl(bytes: Vec<u8>, capacity: usize, cap: u64) -> Vec<(Option<u64>, String)> {
        let reader = ReaderBuilder::new().max_doc_bytes(cap).build(Vec::new());
        let src: Source = Box::new(BufReader::with_capacity(capacity, Cursor::new(bytes)));
        let Ok(Opened::Stream(mut stream)) = reader.open_source(src, "-".into(), "", None) else {
            panic!("not a stream");
        };
        std::iter::from_fn(|| stream.next_record())
            .map(|r| match r {
                Ok(Record {
                    source_index,
                    body: Body::Text(text),
                    ..
                }) => (source_index, text),
                Ok(_) => panic!("a JSON line gave bytes"),
                Err(e) => (e.source_index, e.kind().as_str().to_string()),
            })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// Lines parsed where they lie in the reader's buffer and lines copied out of it (across the
        /// buffer's end, past the 64 KiB the format sniffer reads first, too long, the last one with
        /// no newline) give the records of the model: each line not blank is one record, numbered
        /// from 0, and a line over the cap is a `too_large` error that takes its number.
        #[test]
        fn jsonl_lines_in_and_across_buffers_match_the_model(
            lines in proptest::collection::vec(
                (0usize..3_000, 0usize..4, proptest::bool::weighted(0.1)), 40..160),
            capacity in 16usize..2_048,
            last_newline: bool,
        ) {
            let cap = 2_000u64;
            let (mut bytes, mut want, mut index) = (Vec::new(), Vec::new(), 0u64);
            for (i, &(len, kind, blank)) in lines.iter().enumerate() {
                let line = match blank {
                    true => " \t ".repeat(kind).into_bytes(),
                    false => {
                        let text: String = "é» a\"".chars().cycle().skip(i + kind).take(len).collect();
                        serde_json::json!({ "id": i, "text": text }).to_string().into_bytes()
                    }
                };
                if !line.iter().all(u8::is_ascii_whitespace) {
                    want.push(match line.len() as u64 > cap {
                        true => (Some(index), "too_large".to_string()),
                        false => {
                            let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
                            (Some(index), v["text"].as_str().unwrap().to_string())
                        }
                    });
                    index += 1;
                }
                bytes.extend_from_slice(&line);
                if i + 1 < lines.len() || last_newline {
                    bytes.push(b'\n');
                }
            }
            proptest::prop_assert_eq!(read_jsonl(bytes, capacity, cap), want);
        }
    }

    #[test]
    fn stdin_like_stream_bomb_is_stopped() {
        // Best compression: the ratio of zeros must clear the default 200 whichever deflate backend
        // flate2 is built with (miniz_oxide alone, zlib-rs when polars is in the build).
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..16 {
            gz.write_all(&chunk).unwrap();
        }
        let bomb = gz.finish().unwrap();
        assert!(
            bomb.len() * 400 < 16 << 20,
            "zeros compress {}×",
            (16 << 20) / bomb.len()
        );
        let err = match open_stream(&ReaderBuilder::new(), bomb.clone()) {
            Err(e) => e,
            Ok(_) => panic!("bomb accepted"),
        };
        assert_eq!(err.kind().as_str(), "decompression_bomb");
        assert_eq!(err.source_path.as_deref(), Some("-"));
        assert!(
            err.message().contains("expansion ratio"),
            "{}",
            err.message()
        );
        // With the ratio check off and room for it, the same stream is an ordinary document.
        let opened = open_stream(
            ReaderBuilder::new().max_expansion_ratio(f64::INFINITY),
            bomb,
        );
        assert!(matches!(opened, Ok(Opened::Record(r)) if r.body.len() == 16 << 20));
    }

    #[test]
    fn guard_holds_an_exact_byte_cap() {
        let packed = Arc::new(AtomicU64::new(1));
        let mut guard = BombGuard {
            inner: Box::new(Cursor::new(vec![b'a'; 100])),
            packed,
            unpacked: 0,
            max_bytes: 100,
            max_ratio: f64::INFINITY,
        };
        let mut out = Vec::new();
        assert_eq!(guard.read_to_end(&mut out).unwrap(), 100);
        let mut guard = BombGuard {
            inner: Box::new(Cursor::new(vec![b'a'; 101])),
            packed: Arc::new(AtomicU64::new(1)),
            unpacked: 0,
            max_bytes: 100,
            max_ratio: f64::INFINITY,
        };
        let err = guard.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<Bomb>()));
        // Tripped guards keep failing.
        assert!(guard.read(&mut [0; 8]).is_err());
    }
}
