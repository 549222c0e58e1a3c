//! Tables written as Parquet datasets: hive-style partitions (`published_year=2022/...`) and one part
//! file per shard, so that N machines can each run one share of the inputs into the same folder and
//! together write one dataset.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::Error;
use crate::rows::{ArticleRow, Date, Row};
use crate::schema::Table;
use crate::writer::{Completed, EncodedBatch, TableWriter, WriterOptions};

/// The value hive-style readers (Spark, pyarrow, polars, DuckDB) take for a null partition key.
pub const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// How the rows of a table are split into folders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionBy {
    /// `published_year=2022/`
    Year,
    /// `published_year=2022/published_month=1/`
    Month,
    /// `site=www.example.org/`
    Site,
}

impl FromStr for PartitionBy {
    type Err = Error;
    fn from_str(s: &str) -> Result<PartitionBy, Error> {
        match s.to_ascii_lowercase().as_str() {
            "year" => Ok(PartitionBy::Year),
            "month" => Ok(PartitionBy::Month),
            "site" => Ok(PartitionBy::Site),
            _ => Err(Error::Layout(format!(
                "unknown partition key {s:?} (expected year, month or site)"
            ))),
        }
    }
}

impl PartitionBy {
    /// The partition folder (`published_year=2022/published_month=1`) of an article published on
    /// `published` by `site`; a missing value is [`NULL_PARTITION`].
    pub fn folder(self, published: Option<Date>, site: Option<&str>) -> String {
        let year = || published.map_or(NULL_PARTITION.to_string(), |d| d.year.to_string());
        match self {
            PartitionBy::Year => format!("published_year={}", year()),
            PartitionBy::Month => format!(
                "published_year={}/published_month={}",
                year(),
                published.map_or(NULL_PARTITION.to_string(), |d| d.month.to_string())
            ),
            PartitionBy::Site => format!(
                "site={}",
                site.map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map_or(NULL_PARTITION.to_string(), escape_value)
            ),
        }
    }

    /// The partition folder of an `articles` row.
    pub fn article_folder(self, article: &ArticleRow) -> String {
        self.folder(article.published, article.site.as_deref())
    }
}

/// A partition value made safe as one path component, the way Hive and Spark escape it: every byte
/// outside `A-Z a-z 0-9 . _ -` (and a leading dot) becomes `%XX`.
pub fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, b) in value.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || (b == b'.' && i > 0);
        if plain {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One share of a run split over `count` machines or processes: shard `index` of `count`, counted
/// from 1 (`--shard 2/3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// This share, 1 to `count`.
    pub index: u32,
    /// Number of shares.
    pub count: u32,
}

impl Shard {
    /// The whole run as one share (1/1).
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Whether the document with this 64-bit key (a hash of its source and record index) belongs to
    /// this share: the shares of all `count` runs are disjoint and together hold every document.
    pub fn owns(self, key: u64) -> bool {
        key % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = Error;
    fn from_str(s: &str) -> Result<Shard, Error> {
        let bad = || Error::Layout(format!("bad shard {s:?}: expected K/N with 1 <= K <= N"));
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Where the files of the tables go. The default is one file per table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// Partition the tables by this key (`None`: no partition folders).
    pub partition_by: Option<PartitionBy>,
    /// The share this run writes; `None` for a run over all inputs.
    pub shard: Option<Shard>,
}

impl Layout {
    /// One file per table in the output folder: `articles.parquet`, ... (no shard, no partitions).
    pub const SINGLE_FILES: Layout = Layout {
        partition_by: None,
        shard: None,
    };

    /// Whether each table is a folder of part files (`articles/part-00001-of-00003.parquet`) rather
    /// than one file.
    pub fn is_dataset(self) -> bool {
        self.partition_by.is_some() || self.shard.is_some()
    }

    /// The part file name prefix of this run: `part-00002-of-00003`.
    pub fn part_stem(self) -> String {
        let s = self.shard.unwrap_or(Shard::ALL);
        format!("part-{:05}-of-{:05}", s.index, s.count)
    }

    /// The start of the names of the temporary files a run of this layout keeps in the output folder
    /// itself (`.articles.<pid>.spill.tmp`, or `.part-00002-of-00003.articles.<pid>.spill.tmp` for a
    /// shard, so that shards on several machines sharing the folder never use the same name).
    pub fn temp_prefix(self) -> String {
        if self.is_dataset() {
            format!(".{}.articles.{}", self.part_stem(), std::process::id())
        } else {
            format!(".articles.{}", std::process::id())
        }
    }

    /// The partition folder of an article's rows: `""` without partitions.
    pub fn partition(self, article: &ArticleRow) -> String {
        self.partition_by
            .map_or_else(String::new, |p| p.article_folder(article))
    }

    /// The folders this layout writes table files into: `dir` itself for one file per table, else
    /// every table folder under `dir` and the partition folders (`key=value`, two levels at most)
    /// already in them.
    pub fn folders(self, dir: &Path) -> Vec<PathBuf> {
        if !self.is_dataset() {
            return vec![dir.to_path_buf()];
        }
        let mut found = Vec::new();
        let mut stack: Vec<(PathBuf, usize)> =
            Table::ALL.iter().map(|t| (dir.join(t.name()), 0)).collect();
        while let Some((folder, depth)) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for e in entries.flatten() {
                let partition = e.file_name().to_string_lossy().contains('=');
                if depth < 2 && partition && e.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push((e.path(), depth + 1));
                }
            }
            found.push(folder);
        }
        found.sort();
        found
    }

    /// The files of table `name` that this run would write or replace in `dir`: the single file, or
    /// every part file of this run's shard under the table's folder.
    pub fn existing_files(self, dir: &Path, name: &str, ext: &str) -> Vec<PathBuf> {
        if !self.is_dataset() {
            let path = dir.join(format!("{name}.{ext}"));
            return if path.exists() {
                vec![path]
            } else {
                Vec::new()
            };
        }
        let stem = self.part_stem();
        let table = dir.join(name);
        let mut found: Vec<PathBuf> = self
            .folders(dir)
            .into_iter()
            .filter(|f| f.starts_with(&table))
            .flat_map(|f| files_in(&f))
            .filter(|(_, file)| {
                file.starts_with(&stem)
                    && file.ends_with(&format!(".{ext}"))
                    && file[stem.len()..].starts_with(['.', '-'])
            })
            .map(|(path, _)| path)
            .collect();
        found.sort();
        found
    }

    /// Removes the hidden temporary files a killed run of this layout left in `dir`
    /// (`.articles.parquet.<pid>.tmp`, `.articles.<pid>.spill.tmp`, `.articles.<pid>.documents.tmp`;
    /// with shards only this shard's `.part-00002-of-00003.parquet.<pid>.tmp` in the table folders
    /// and `.part-00002-of-00003.articles.<pid>.*.tmp` beside them), when their process is gone. Only on Linux, where
    /// a process's liveness is known from `/proc`; with shards, never another shard's files, which
    /// may belong to a live run on another machine sharing the folder.
    pub fn remove_stale_temporaries(self, dir: &Path) {
        if !cfg!(target_os = "linux") {
            return;
        }
        let prefixes: Vec<String> = if self.is_dataset() {
            vec![format!(".{}", self.part_stem())]
        } else {
            Table::ALL
                .iter()
                .map(|t| format!(".{}.", t.name()))
                .collect()
        };
        let mut folders = self.folders(dir);
        if self.is_dataset() {
            // The run's own temporary files (spills) beside the table folders.
            folders.push(dir.to_path_buf());
        }
        for folder in folders {
            for (path, file) in files_in(&folder) {
                if !file.ends_with(".tmp") || !prefixes.iter().any(|p| file.starts_with(p.as_str()))
                {
                    continue;
                }
                let Some(pid) = file
                    .split('.')
                    .rev()
                    .find_map(|part| part.parse::<u32>().ok())
                else {
                    continue;
                };
                if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    }
}

/// The regular files directly in `folder`, with their names.
fn files_in(folder: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.path(), e.file_name().to_string_lossy().into_owned()))
        .collect()
}

/// Writes one table as a dataset: rows are routed to a [`TableWriter`] per partition folder; each
/// part file is complete and synced before [`DatasetWriter::complete`] returns, and renamed into place
/// only by [`Completed::commit`].
///
/// Memory stays bounded however many partitions there are: each writer writes a row group at
/// `row_group_bytes` (uncompressed), and when all of them together hold more than `buffer_bytes`, the
/// largest is written early; each open Parquet part file may also hold the row group its thread is
/// still writing. When more than `max_open` part files are open, the least recently used one is
/// completed; rows of its partition that come later go to a new part file (`...-of-00003-2.parquet`).
///
/// ```
/// use toolkit_export::{ArticleRow, DatasetWriter, Date, Layout, PartitionBy, WriterOptions};
///
/// let dir = tempfile::tempdir()?;
/// // Share 2 of 3 of a run, partitioned by publication year.
/// let layout = Layout { partition_by: Some(PartitionBy::Year), shard: Some("2/3".parse()?) };
/// let mut articles = DatasetWriter::<ArticleRow>::new(dir.path(), layout, &WriterOptions::default());
/// let row = ArticleRow {
///     article_id: "2e9b33edd122dc3d".into(),
///     published: Some(Date { year: 2022, month: 1, day: 7 }),
///     ..Default::default()
/// };
/// let folder = PartitionBy::Year.article_folder(&row);
/// articles.push(&folder, row)?;
/// for part in articles.complete()? {
///     part.commit()?; // renamed into place only now
/// }
/// let file = dir.path().join("articles/published_year=2022/part-00002-of-00003.parquet");
/// assert_eq!(toolkit_export::read_parquet(&file)?.rows.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DatasetWriter<R: Row> {
    dir: PathBuf,
    layout: Layout,
    options: WriterOptions,
    open: BTreeMap<String, Open<R>>,
    /// Part files already completed, per partition folder (a reopened partition gets a new name).
    parts: BTreeMap<String, u32>,
    completed: Vec<Completed>,
    /// The sum of the open writers' buffered bytes.
    buffered: usize,
    clock: u64,
    max_open: usize,
}

struct Open<R: Row> {
    writer: TableWriter<R>,
    used: u64,
}

impl<R: Row> DatasetWriter<R> {
    /// A writer of table `R::TABLE` into `dir` with this layout.
    pub fn new(dir: &Path, layout: Layout, options: &WriterOptions) -> DatasetWriter<R> {
        DatasetWriter {
            dir: dir.to_path_buf(),
            layout,
            options: options.clone(),
            open: BTreeMap::new(),
            parts: BTreeMap::new(),
            completed: Vec::new(),
            buffered: 0,
            clock: 0,
            max_open: 256,
        }
    }

    /// Limits the number of part files open at once (at least 1; 256 by default).
    pub fn max_open(mut self, n: usize) -> Self {
        self.max_open = n.max(1);
        self
    }

    fn path_for(&self, partition: &str) -> PathBuf {
        let ext = self.options.format.extension();
        let name = R::TABLE.name();
        if !self.layout.is_dataset() {
            return self.dir.join(format!("{name}.{ext}"));
        }
        let mut folder = self.dir.join(name);
        if !partition.is_empty() {
            folder.push(partition);
        }
        let stem = self.layout.part_stem();
        match self.parts.get(partition).copied().unwrap_or(0) {
            0 => folder.join(format!("{stem}.{ext}")),
            n => folder.join(format!("{stem}-{}.{ext}", n + 1)),
        }
    }

    /// Adds a row to partition folder `partition` (`""` when the table is not partitioned).
    pub fn push(&mut self, partition: &str, row: R) -> Result<(), Error> {
        self.with_writer(partition, |w| w.push(row))
    }

    /// Adds a batch of rows encoded elsewhere ([`crate::RowBatch::encode`]) to partition folder
    /// `partition`.
    pub fn push_batch(&mut self, partition: &str, batch: EncodedBatch<R>) -> Result<(), Error> {
        self.with_writer(partition, |w| w.push_batch(batch))
    }

    fn with_writer(
        &mut self,
        partition: &str,
        add: impl FnOnce(&mut TableWriter<R>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.clock += 1;
        let clock = self.clock;
        if !self.open.contains_key(partition) {
            if self.open.len() >= self.max_open {
                self.close_least_recent()?;
            }
            let path = self.path_for(partition);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let writer = TableWriter::create_at(path, &self.options)?;
            self.open
                .insert(partition.to_string(), Open { writer, used: 0 });
        }
        let open = self.open.get_mut(partition).expect("inserted above");
        open.used = clock;
        let before = open.writer.buffered_bytes();
        add(&mut open.writer)?;
        // Adding may have written a row group, so the buffer can also shrink.
        self.buffered = self.buffered + open.writer.buffered_bytes() - before;
        while self.buffered > self.options.buffer_bytes {
            self.flush_largest()?;
        }
        Ok(())
    }

    /// Bytes buffered for the next row groups, over all open part files.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }

    /// Writes the largest buffer as a row group now (to keep several tables within one memory
    /// budget); see [`TableWriter::flush`](crate::TableWriter::flush) for when a Parquet row group is on disk.
    pub fn flush_largest(&mut self) -> Result<(), Error> {
        let Some(largest) = self
            .open
            .values_mut()
            .max_by_key(|o| o.writer.buffered_bytes())
        else {
            return Ok(());
        };
        self.buffered -= largest.writer.buffered_bytes();
        largest.writer.flush()
    }

    fn close_least_recent(&mut self) -> Result<(), Error> {
        let Some(key) = self
            .open
            .iter()
            .min_by_key(|(_, o)| o.used)
            .map(|(k, _)| k.clone())
        else {
            return Ok(());
        };
        let open = self.open.remove(&key).expect("key from the map");
        self.buffered -= open.writer.buffered_bytes();
        self.completed.push(open.writer.complete()?);
        *self.parts.entry(key).or_insert(0) += 1;
        Ok(())
    }

    /// Completes every part file (in partition order). A table that received no row at all still gets
    /// one empty file (in the null partition when partitioned), so that every table of a run exists.
    pub fn complete(mut self) -> Result<Vec<Completed>, Error> {
        if self.open.is_empty() && self.completed.is_empty() {
            let partition = self
                .layout
                .partition_by
                .map_or_else(String::new, |p| p.folder(None, None));
            let path = self.path_for(&partition);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            let writer = TableWriter::<R>::create_at(path, &self.options)?;
            self.completed.push(writer.complete()?);
        }
        for (_, open) in std::mem::take(&mut self.open) {
            self.completed.push(open.writer.complete()?);
        }
        Ok(self.completed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_key_once() {
        let shards: Vec<Shard> = (1..=3).map(|i| Shard { index: i, count: 3 }).collect();
        for key in 0..1000u64 {
            let key = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            assert_eq!(shards.iter().filter(|s| s.owns(key)).count(), 1);
        }
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    fn article(i: i32) -> ArticleRow {
        ArticleRow {
            article_id: format!("{i:016x}"),
            text: "x".repeat(500),
            published: Some(Date {
                year: 2000 + i % 10,
                month: 1,
                day: 1,
            }),
            ..Default::default()
        }
    }

    fn write_all(w: &mut DatasetWriter<ArticleRow>, layout: Layout, n: i32, budget: usize) {
        for i in 0..n {
            let row = article(i);
            w.push(&layout.partition(&row), row).unwrap();
            assert!(
                w.buffered_bytes() <= budget,
                "{} buffered",
                w.buffered_bytes()
            );
        }
    }

    fn committed(w: DatasetWriter<ArticleRow>, dir: &Path) -> Vec<String> {
        let mut files: Vec<String> = w
            .complete()
            .unwrap()
            .into_iter()
            .map(|c| {
                let f = c.commit().unwrap();
                assert!(!crate::read_parquet(&f).unwrap().rows.is_empty());
                f.strip_prefix(dir).unwrap().display().to_string()
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn many_partitions_stay_within_the_buffer_budget() {
        let dir = tempfile::tempdir().unwrap();
        let options = WriterOptions {
            row_group_bytes: 4096,
            buffer_bytes: 8192,
            ..WriterOptions::default()
        };
        let layout = Layout {
            partition_by: Some(PartitionBy::Year),
            shard: None,
        };
        // Ten partitions that each stay below a row group: only the shared budget flushes them.
        let mut w = DatasetWriter::<ArticleRow>::new(dir.path(), layout, &options);
        write_all(&mut w, layout, 100, options.buffer_bytes);
        let files = committed(w, dir.path());
        assert_eq!(files.len(), 10);
        assert_eq!(
            files[0],
            "articles/published_year=2000/part-00001-of-00001.parquet"
        );
    }

    #[test]
    fn a_closed_partition_continues_in_a_new_part_file() {
        let dir = tempfile::tempdir().unwrap();
        let options = WriterOptions::default();
        let layout = Layout {
            partition_by: Some(PartitionBy::Year),
            shard: Some(Shard { index: 2, count: 3 }),
        };
        // One file open at a time and the years cycle: rows 10..19 reopen every partition.
        let mut w = DatasetWriter::<ArticleRow>::new(dir.path(), layout, &options).max_open(1);
        write_all(&mut w, layout, 20, usize::MAX);
        let files = committed(w, dir.path());
        assert_eq!(files.len(), 20);
        assert!(files.contains(&"articles/published_year=2003/part-00002-of-00003.parquet".into()));
        assert!(
            files.contains(&"articles/published_year=2003/part-00002-of-00003-2.parquet".into())
        );
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_shard_removes_only_its_own_stale_spills() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let layout = Layout {
            partition_by: None,
            shard: Some(Shard { index: 2, count: 3 }),
        };
        let ours = format!(".part-00002-of-00003.articles.{dead}.documents.tmp");
        let theirs = format!(".part-00001-of-00003.articles.{dead}.spill.tmp");
        let live = format!("{}.spill.tmp", layout.temp_prefix());
        for name in [&ours, &theirs, &live] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        layout.remove_stale_temporaries(dir.path());
        assert!(!dir.path().join(&ours).exists());
        assert!(dir.path().join(&theirs).exists());
        assert!(dir.path().join(&live).exists(), "this process's own spill");
    }

    #[test]
    fn partition_folders_are_hive_style_and_safe() {
        let d = Some(Date {
            year: 2022,
            month: 1,
            day: 7,
        });
        assert_eq!(PartitionBy::Year.folder(d, None), "published_year=2022");
        assert_eq!(
            PartitionBy::Month.folder(d, None),
            "published_year=2022/published_month=1"
        );
        assert_eq!(
            PartitionBy::Year.folder(None, None),
            "published_year=__HIVE_DEFAULT_PARTITION__"
        );
        assert_eq!(
            PartitionBy::Site.folder(None, Some("www.lemonde.fr")),
            "site=www.lemonde.fr"
        );
        assert_eq!(
            PartitionBy::Site.folder(None, Some("../a/b c")),
            "site=%2E.%2Fa%2Fb%20c"
        );
        assert_eq!(escape_value("Le Soir é"), "Le%20Soir%20%C3%A9");
    }
}
