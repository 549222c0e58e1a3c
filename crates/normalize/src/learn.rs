//! Corpus-learned chrome: lines that recur across many documents of the same site.

use std::cell::RefCell;
use std::fmt;
use std::io::{BufRead, Write};
use std::str::FromStr;

use xxhash_rust::xxh3::xxh3_64;

use crate::hash::{FxHashMap, FxHashSet};
use crate::index::{HashIndex, Hashed, Probe};
use crate::known::edge_words;
use crate::replay::{extend_shifted, line_hash, Page};
#[cfg(test)]
use crate::text::for_each_unit;
use crate::text::{
    ends_like_sentence, line_key, more_words_than, scan, split_units, Piece, UnitBuffers,
};
use crate::Error;

/// The site bucket used for documents without a site.
const NO_SITE: &str = "*";

/// Settings of a [`ChromeLearner`].
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerConfig {
    /// A line is chrome only if it occurs in at least this many documents of its site.
    pub min_docs: u64,
    /// ... and in at least this fraction of the site's documents (0.0 to 1.0).
    pub min_fraction: f64,
    /// Lines longer than this (in bytes) are never learned.
    pub max_line_bytes: usize,
    /// Lines with more words than this that end like a sentence are prose and never learned
    /// (an agency paragraph reused by several articles must stay).
    pub max_sentence_words: usize,
}

impl Default for LearnerConfig {
    fn default() -> Self {
        LearnerConfig {
            min_docs: 5,
            min_fraction: 0.0005,
            max_line_bytes: 400,
            max_sentence_words: 8,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct SiteCounts {
    docs: u64,
    /// Per line hash: the number of documents and the line's text. A learner that merges others
    /// keeps the text only from the second document on: most lines occur once, and their text would
    /// be most of the memory.
    lines: LineCounts,
}

/// The [`LineCount`]s of a site by line hash (an xxh3 hash of the key, well mixed already):
/// the counts one after the other, and a [`HashIndex`] over them. A look-up is a few
/// instructions, which matters since every line of every document is looked up.
#[derive(Clone, Debug, Default)]
struct LineCounts {
    index: HashIndex,
    /// (line hash, count), in the order the lines came.
    counts: Vec<(u64, LineCount)>,
}

impl Hashed for (u64, LineCount) {
    #[inline]
    fn hash64(&self) -> u64 {
        self.0
    }
}

impl LineCounts {
    /// Number of lines.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.counts.len()
    }

    /// The count of the line of hash `h`, and whether it is new: if it is, `new()` made it.
    #[inline]
    fn get_or_insert_with(
        &mut self,
        h: u64,
        new: impl FnOnce() -> LineCount,
    ) -> (&mut LineCount, bool) {
        if !self.index.fits(self.counts.len() + 1) {
            self.grow();
        }
        match self.index.probe(&self.counts, h) {
            Probe::Found(k) => (&mut self.counts[k].1, false),
            Probe::Free(slot) => {
                let k = self.counts.len();
                self.index.put(slot, k);
                self.counts.push((h, new()));
                (&mut self.counts[k].1, true)
            }
        }
    }

    /// Doubles the index (16 slots at first) and places every line again.
    #[cold]
    fn grow(&mut self) {
        self.index.rebuild(&self.counts, self.counts.len() + 1);
    }

    /// The lines and their counts.
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = &(u64, LineCount)> {
        self.counts.iter()
    }

    /// The lines and their counts, by value.
    fn into_iter(self) -> impl Iterator<Item = (u64, LineCount)> {
        self.counts.into_iter()
    }
}

/// The count of one line of a site.
#[derive(Clone, Debug)]
struct LineCount {
    /// Documents that hold the line.
    docs: u64,
    /// The site's document count (`SiteCounts::docs`) when the line was last counted, 0 for
    /// counts merged in: a line is counted once per document, at its first occurrence, and
    /// the current document is the only one whose number is the site's count (merges only add
    /// to it), so no per-document set of lines is needed.
    last_doc: u64,
    /// The line's text (its key), if kept.
    text: Option<Box<str>>,
}

/// Counts, per site, in how many documents each normalized line occurs; [`finish`](Self::finish)
/// keeps the frequent ones as a [`ChromeProfile`].
///
/// Memory grows with the number of distinct short lines, not with the corpus text: long lines
/// and prose sentences are not counted (besides, the keys of the lines seen lately are cached,
/// up to 2 MiB, because most lines recur). Documents read on several threads are counted with
/// [`DocumentLines`] and [`add`](Self::add) (the cheapest way), or with learners fed in parallel
/// and combined with [`merge`](Self::merge).
#[derive(Clone, Debug)]
pub struct ChromeLearner {
    config: LearnerConfig,
    sites: FxHashMap<String, SiteCounts>,
    /// Buffers of [`observe`](Self::observe), kept between calls.
    doc: DocumentLines,
    scratch: LineScratch,
}

impl ChromeLearner {
    /// A learner with the given settings.
    pub fn new(config: LearnerConfig) -> ChromeLearner {
        ChromeLearner {
            config,
            sites: FxHashMap::default(),
            doc: DocumentLines::default(),
            scratch: LineScratch::default(),
        }
    }

    /// Counts the lines of one document of `site` (the host name; `None` puts it in a shared
    /// bucket). Give the same text that will later be cleaned.
    pub fn observe(&mut self, site: Option<&str>, text: &str) {
        let mut doc = std::mem::take(&mut self.doc);
        doc.fill(&self.config, site, text, &mut self.scratch);
        self.count(&doc, true);
        self.doc = doc;
    }

    /// Counts the lines of one document found by [`DocumentLines::new`] (with this learner's
    /// settings): the same counts as [`observe`](Self::observe), but like [`merge`](Self::merge)
    /// the learner keeps a line's text only from its second document on, which saves most of the
    /// memory of a corpus pass.
    pub fn add(&mut self, doc: &DocumentLines) {
        self.count(doc, false);
    }

    /// Counts one more document of `doc`'s site holding `doc`'s lines; a new line keeps its text
    /// only if `keep_new`.
    fn count(&mut self, doc: &DocumentLines, keep_new: bool) {
        let site = doc.site();
        let counts = match self.sites.get_mut(site) {
            Some(c) => c,
            None => self.sites.entry(site.to_string()).or_default(),
        };
        counts.docs += 1;
        let this_doc = counts.docs;
        for &(h, start, end) in &doc.lines {
            // The key is sliced only when kept (most lines were counted before with theirs).
            let key = || doc.buf[start..end].into();
            let (c, new) = counts.lines.get_or_insert_with(h, || LineCount {
                docs: 1,
                last_doc: this_doc,
                text: keep_new.then(key),
            });
            if new || c.last_doc == this_doc {
                continue; // counted at its first occurrence in the document
            }
            c.last_doc = this_doc;
            c.docs += 1;
            if c.text.is_none() {
                c.text = Some(key());
            }
        }
    }

    /// Adds the counts of another learner (fed with other documents by [`observe`](Self::observe))
    /// to this one. The merged learner keeps a line's text only once the line has been seen in two
    /// documents, which saves most of the memory of a corpus pass; so merge learners fed by
    /// `observe` into one accumulating learner, not accumulating learners into each other (a line
    /// seen once in each of two accumulators would lose its text and could not be learned).
    pub fn merge(&mut self, other: ChromeLearner) {
        for (site, theirs) in other.sites {
            let mine = self.sites.entry(site).or_default();
            mine.docs += theirs.docs;
            for (h, theirs) in theirs.lines.into_iter() {
                let (n, mut text) = (theirs.docs, theirs.text);
                let (c, new) = mine.lines.get_or_insert_with(h, || LineCount {
                    docs: n,
                    last_doc: 0,
                    text: if n >= 2 { text.take() } else { None },
                });
                if !new {
                    c.docs += n;
                    if c.text.is_none() {
                        c.text = text;
                    }
                }
            }
        }
    }

    /// Number of documents observed so far.
    pub fn docs(&self) -> u64 {
        self.sites.values().map(|s| s.docs).sum()
    }

    /// Keeps the lines frequent enough to be chrome.
    pub fn finish(self) -> ChromeProfile {
        let mut profile = ChromeProfile::default();
        for (site, counts) in self.sites {
            let need = (self.config.min_fraction * counts.docs as f64).ceil() as u64;
            let need = need.max(self.config.min_docs).max(1);
            let mut lines: Vec<(String, u64)> = counts
                .lines
                .into_iter()
                .map(|(_, c)| c)
                .filter(|c| c.docs >= need)
                .filter_map(|c| Some((c.text?.into_string(), c.docs)))
                .collect();
            if lines.is_empty() {
                continue;
            }
            lines.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let set = lines.iter().map(|(t, _)| xxh3_64(t.as_bytes())).collect();
            let max_len = lines.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
            profile.sites.insert(
                site,
                SiteProfile {
                    docs: counts.docs,
                    lines,
                    set,
                    max_len,
                },
            );
        }
        profile
    }
}

impl Default for ChromeLearner {
    fn default() -> Self {
        ChromeLearner::new(LearnerConfig::default())
    }
}

/// The distinct lines of one document that a [`ChromeLearner`] counts (in their normalized
/// form, with the document's site), found apart from any learner so that documents can be read on
/// many threads and counted on one: [`DocumentLines::new`] on each document, then
/// [`ChromeLearner::add`] on one learner, gives the same profile as
/// [`ChromeLearner::observe`] on each document. All the lines are kept in one buffer.
#[derive(Clone, Debug, Default)]
pub struct DocumentLines {
    /// The site's name (see [`site_name`]) followed by the keys of the lines.
    buf: String,
    /// Length of the site's name at the start of `buf`.
    site_len: usize,
    /// Per line, in the order of the text (a line may occur several times): the hash of its key
    /// and the key's byte range in `buf`.
    lines: Vec<(u64, usize, usize)>,
}

impl DocumentLines {
    /// The lines of one document of `site` (the host name; `None` puts it in a shared bucket)
    /// that a learner with the settings `config` counts. Give the same text that will later be
    /// cleaned. Each thread keeps the keys of the lines it saw lately (up to 2 MiB), since most
    /// lines recur from page to page, and the last document of each of four sites: the runs of
    /// lines a document shares with it, byte for byte, are copied rather than read again. Giving
    /// the documents of a site one after the other on a thread (as they come in a corpus) is the
    /// fastest order; any order gives the same lines.
    pub fn new(config: &LearnerConfig, site: Option<&str>, text: &str) -> DocumentLines {
        // Room for every line (keys are as long as their lines but for rare lowercase
        // expansions), so that the buffers do not grow line by line.
        let mut doc = DocumentLines {
            buf: String::with_capacity(text.len() + 16),
            site_len: 0,
            lines: Vec::with_capacity(text.len() / 32 + 4),
        };
        let mut fill = |scratch: &mut LineScratch| {
            doc.fill(config, site, text, scratch);
            // A key grown on a huge line (with a huge `max_line_bytes`) is not kept.
            if scratch.key.capacity() > 1 << 16 {
                scratch.key = String::new();
            }
            // Nor a huge document.
            for p in &mut scratch.pages {
                if p.page.heavy() || p.buf.capacity() > 1 << 22 || p.lines.capacity() > 1 << 16 {
                    *p = LinesPage::default();
                }
            }
        };
        SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut scratch) => fill(&mut scratch),
                Err(_) => fill(&mut LineScratch::default()),
            })
            .unwrap_or_else(|_| fill(&mut LineScratch::default()));
        doc
    }

    /// The site bucket of the document.
    fn site(&self) -> &str {
        &self.buf[..self.site_len]
    }

    /// Replaces the contents with the lines of `text`.
    fn fill(
        &mut self,
        config: &LearnerConfig,
        site: Option<&str>,
        text: &str,
        scratch: &mut LineScratch,
    ) {
        self.buf.clear();
        self.lines.clear();
        self.buf.push_str(&site_name(site));
        self.site_len = self.buf.len();
        let (buf, lines) = (&mut self.buf, &mut self.lines);
        let LineScratch {
            key,
            units,
            cache,
            pages,
            page_clock,
        } = scratch;
        cache.prepare(config.max_sentence_words);
        let site = &buf[..self.site_len];
        *page_clock += 1;
        let slot = match pages.iter().position(|p| p.site == site) {
            Some(i) => i,
            None if pages.len() < PAGES => {
                pages.push(LinesPage::default());
                pages.len() - 1
            }
            None => (0..pages.len()).min_by_key(|&i| pages[i].used).unwrap_or(0),
        };
        let old = &mut pages[slot];
        if old.site != site || old.settings != (config.max_line_bytes, config.max_sentence_words) {
            old.site.clear();
            old.site.push_str(site);
            old.settings = (config.max_line_bytes, config.max_sentence_words);
            old.page.clear();
            old.buf.clear();
            old.lines.clear();
        }
        old.used = *page_clock;
        let LinesPage {
            page,
            buf: old_buf,
            lines: old_lines,
            ..
        } = old;
        page.start();
        let chars = split_units::<false>(text, units, |piece| {
            let (s, e) = match piece {
                Piece::Line(start, end, chars) => {
                    let hash = line_hash(text.as_bytes(), start, end);
                    if let Some(run) = page.run(text.as_bytes(), start, end, chars, hash, 0) {
                        page.record_run(&run, lines.len());
                        let found = &old_lines[run.items.clone()];
                        if let (Some(first), Some(last)) = (found.first(), found.last()) {
                            // The keys of the run's lines, one after the other.
                            let at = buf.len();
                            buf.push_str(&old_buf[first.1..last.2]);
                            let shift = at.wrapping_sub(first.1);
                            extend_shifted(lines, found, |(_, s, e)| {
                                *s = s.wrapping_add(shift);
                                *e = e.wrapping_add(shift);
                            });
                        }
                        return Some((run.next, run.next_chars));
                    }
                    page.record(start, chars, lines.len(), hash);
                    return None;
                }
                Piece::Unit(s, e, _, _) => (s, e),
            };
            let unit = &text[s..e];
            if unit.len() > config.max_line_bytes {
                return None;
            }
            let (hash, key) = match cache.get(unit) {
                Some(found) => found,
                None => match Self::line(config, unit, key) {
                    Some(hash) => {
                        cache.insert(unit, hash, key);
                        (hash, key.as_str())
                    }
                    None => return None,
                },
            };
            let start = buf.len();
            buf.push_str(key);
            lines.push((hash, start, buf.len()));
            None
        });
        page.finish(text.as_bytes(), chars, lines.len());
        old_buf.clear();
        old_buf.push_str(buf);
        old_lines.clear();
        old_lines.extend_from_slice(lines);
    }

    /// The hash of the key of `unit` (written into `key`), or `None` if the unit is not counted
    /// (prose, or an empty key).
    fn line(config: &LearnerConfig, unit: &str, key: &mut String) -> Option<u64> {
        // Prose is told apart before any key is built (a third of the bytes of the short
        // lines): a line of more than `max` words has more than `2 * max` bytes, and the
        // words are only counted up to `max + 1`.
        let max_words = config.max_sentence_words;
        if unit.len() > max_words.saturating_mul(2)
            && ends_like_sentence(unit)
            && more_words_than(unit, max_words)
        {
            return None;
        }
        // `scan` builds the same key as `line_key`.
        scan(unit, usize::MAX, key);
        if key.is_empty() {
            return None;
        }
        Some(xxh3_64(key.as_bytes()))
    }
}

thread_local! {
    /// Buffers reused by the calls of [`DocumentLines::new`] on one thread.
    static SCRATCH: RefCell<LineScratch> = RefCell::new(LineScratch::default());
}

/// Buffers of [`DocumentLines::fill`], kept between documents.
#[derive(Clone, Debug, Default)]
struct LineScratch {
    key: String,
    units: UnitBuffers,
    cache: KeyCache,
    /// The last documents read, one per site: runs of lines that a new document shares with
    /// the last one of its site are not looked at again (their keys are copied).
    pages: Vec<LinesPage>,
    /// Documents read, to pick the page to forget.
    page_clock: u64,
}

/// Documents remembered per thread (one per site).
const PAGES: usize = 4;

/// A document read lately: its site, the settings it was read with, its lines and its
/// `DocumentLines` (`buf` and `lines` as `DocumentLines` has them).
#[derive(Clone, Debug, Default)]
struct LinesPage {
    site: String,
    settings: (usize, usize),
    used: u64,
    page: Page,
    buf: String,
    lines: Vec<(u64, usize, usize)>,
}

/// Most bytes (units and keys, plus [`CACHE_ENTRY_BYTES`] per entry) a [`KeyCache`] holds
/// before it is emptied.
const CACHE_BYTES: usize = 1 << 21;
/// The bytes counted for each entry of a [`KeyCache`] besides its text.
const CACHE_ENTRY_BYTES: usize = 64;

/// The lines the learner counted lately, by their raw text: the hash of the key and the key.
/// Most lines of a site recur from page to page (menus, feeds, teasers: the 351k counted units
/// of 3,000 OrangeSum pages are 13.5k distinct lines), and a look-up costs much less than
/// building the key again. Whether a unit is counted depends on the unit and on
/// `max_sentence_words` only (the length limit is checked before), and its key on the unit only.
/// Units that are not counted (mostly prose, which seldom recurs) are not kept. Bounded: emptied
/// when it holds [`CACHE_BYTES`].
///
/// The units and keys are kept one after the other in one buffer (no allocation per entry),
/// and looked up by a hash of their length and first and last eight bytes ([`unit_hash`]: as
/// cheap for a long unit as for a short one); two units with the same hash take turns in the
/// cache.
#[derive(Clone, Debug, Default)]
struct KeyCache {
    /// [`unit_hash`] of a unit -> the entry of the unit last inserted with that hash.
    map: FxHashMap<u64, CacheEntry>,
    /// The units of the entries, each followed by its key.
    text: String,
    bytes: usize,
    /// The `max_sentence_words` of the entries.
    max_words: usize,
}

/// A unit of a [`KeyCache`] and its key: `text[at..at + unit_len]`, then the key of `key_len`
/// bytes; `hash` is the hash of the key.
#[derive(Clone, Copy, Debug)]
struct CacheEntry {
    hash: u64,
    at: usize,
    unit_len: usize,
    key_len: usize,
}

/// A hash of `unit` from its length and its first and last eight bytes.
#[inline]
fn unit_hash(unit: &str) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    if unit.is_empty() {
        return 0;
    }
    let (_, first, last) = edge_words(unit.as_bytes(), 0, unit.len());
    let h = (unit.len() as u64 ^ first).wrapping_mul(SEED);
    (h.rotate_left(5) ^ last).wrapping_mul(SEED)
}

impl KeyCache {
    /// Empties the cache if it was filled with other settings.
    fn prepare(&mut self, max_words: usize) {
        if max_words != self.max_words {
            self.clear();
            self.max_words = max_words;
        }
    }

    fn clear(&mut self) {
        self.map.clear();
        self.text.clear();
        self.bytes = 0;
    }

    /// The hash of the key of `unit` and the key, if remembered.
    #[inline]
    fn get(&self, unit: &str) -> Option<(u64, &str)> {
        let e = self.map.get(&unit_hash(unit))?;
        let key_at = e.at + e.unit_len;
        // Compared as bytes: no char boundary to check.
        (self.text.as_bytes().get(e.at..key_at) == Some(unit.as_bytes()))
            .then(|| (e.hash, &self.text[key_at..key_at + e.key_len]))
    }

    /// Remembers the hash of the key of `unit` and the key.
    fn insert(&mut self, unit: &str, hash: u64, key: &str) {
        let size = unit.len() + key.len() + CACHE_ENTRY_BYTES;
        if self.bytes + size > CACHE_BYTES {
            if self.text.capacity() > CACHE_BYTES {
                // Grown by an entry larger than the bound: dropped, so that a thread keeps no
                // more than the bound.
                *self = KeyCache {
                    max_words: self.max_words,
                    ..KeyCache::default()
                };
            } else {
                // Emptied, its memory kept for the next entries.
                self.map.clear();
                self.text.clear();
                self.bytes = 0;
            }
        }
        if self.text.capacity() == 0 {
            // Room for all the entries the bound allows at once: the buffer is never copied
            // to a larger one, and no fresh memory is taken after each emptying.
            self.text.reserve_exact(CACHE_BYTES.max(size));
        }
        self.bytes += size;
        let entry = CacheEntry {
            hash,
            at: self.text.len(),
            unit_len: unit.len(),
            key_len: key.len(),
        };
        self.text.push_str(unit);
        self.text.push_str(key);
        self.map.insert(unit_hash(unit), entry);
    }
}

/// The key of a site in learners and profiles: trimmed, lowercase, `*` for none.
pub(crate) fn site_name(site: Option<&str>) -> std::borrow::Cow<'_, str> {
    match site.map(str::trim).filter(|s| !s.is_empty()) {
        None => NO_SITE.into(),
        Some(s) if s.bytes().any(|b| b.is_ascii_uppercase()) => s.to_ascii_lowercase().into(),
        Some(s) => s.into(),
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
struct SiteProfile {
    docs: u64,
    lines: Vec<(String, u64)>,
    set: FxHashSet<u64>,
    /// Length in bytes of the longest learned line key.
    max_len: usize,
}

/// Chrome lines learned per site: the result of a [`ChromeLearner`], saved and loaded as a
/// readable TSV file (`site<TAB>docs_with_line<TAB>site_docs<TAB>line`, `#` comments, lines in
/// their normalized lowercase form). The default profile is empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChromeProfile {
    sites: FxHashMap<String, SiteProfile>,
}

impl ChromeProfile {
    /// Number of learned lines, all sites together.
    pub fn len(&self) -> usize {
        self.sites.values().map(|s| s.lines.len()).sum()
    }

    /// True if no line was learned.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The sites that have learned lines (`*` for documents without a site), sorted.
    pub fn sites(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.sites.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// True if `line` (raw or normalized) is learned chrome for `site`.
    pub fn contains(&self, site: Option<&str>, line: &str) -> bool {
        let mut key = String::new();
        line_key(line, &mut key);
        self.contains_key(site, xxh3_64(key.as_bytes()))
    }

    /// Looks up the hash of a line key.
    pub(crate) fn contains_key(&self, site: Option<&str>, hash: u64) -> bool {
        self.site_lines(site)
            .is_some_and(|(set, _)| set.contains(&hash))
    }

    /// The hashes of the line keys learned for `site`, if any, and the length in bytes of the
    /// longest of these keys.
    fn site_lines(&self, site: Option<&str>) -> Option<(&FxHashSet<u64>, usize)> {
        if self.sites.is_empty() {
            return None;
        }
        self.sites
            .get(site_name(site).as_ref())
            .map(|s| (&s.set, s.max_len))
    }

    /// Each site (as given by [`site_name`]) with its learned line keys.
    pub(crate) fn site_keys(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &str>)> {
        self.sites
            .iter()
            .map(|(site, p)| (site.as_str(), p.lines.iter().map(|(line, _)| line.as_str())))
    }

    /// Writes the profile as TSV, sites sorted, most frequent lines first.
    pub fn to_writer<W: Write>(&self, mut w: W) -> Result<(), Error> {
        let io = |source| Error::Io { source };
        writeln!(w, "# toolkit-normalize chrome profile v1").map_err(io)?;
        writeln!(w, "# site\tdocs_with_line\tsite_docs\tline").map_err(io)?;
        for site in self.sites() {
            let p = &self.sites[site];
            for (line, n) in &p.lines {
                writeln!(w, "{site}\t{n}\t{}\t{line}", p.docs).map_err(io)?;
            }
        }
        w.flush().map_err(io)
    }

    /// Reads a profile written by [`to_writer`](Self::to_writer) (or by hand).
    pub fn from_reader<R: BufRead>(r: R) -> Result<ChromeProfile, Error> {
        let mut profile = ChromeProfile::default();
        let mut key = String::new();
        for (n, line) in r.lines().enumerate() {
            let line = line.map_err(|source| Error::Io { source })?;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || Error::ProfileSyntax { line: n + 1 };
            let f: Vec<&str> = line.splitn(4, '\t').collect();
            if f.len() != 4 {
                return Err(bad());
            }
            let count: u64 = f[1].trim().parse().map_err(|_| bad())?;
            let docs: u64 = f[2].trim().parse().map_err(|_| bad())?;
            line_key(f[3], &mut key);
            if key.is_empty() {
                return Err(bad());
            }
            let site = site_name(Some(f[0])).into_owned();
            let p = profile.sites.entry(site).or_default();
            p.docs = p.docs.max(docs);
            if p.set.insert(xxh3_64(key.as_bytes())) {
                p.max_len = p.max_len.max(key.len());
                p.lines.push((key.clone(), count));
            }
        }
        Ok(profile)
    }
}

impl fmt::Display for ChromeProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = Vec::new();
        self.to_writer(&mut buf).map_err(|_| fmt::Error)?;
        f.write_str(&String::from_utf8_lossy(&buf))
    }
}

impl FromStr for ChromeProfile {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChromeProfile::from_reader(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::word_count;

    fn learner() -> ChromeLearner {
        ChromeLearner::new(LearnerConfig {
            min_docs: 3,
            min_fraction: 0.5,
            ..Default::default()
        })
    }

    #[test]
    fn frequent_lines_are_learned_per_site() {
        let mut l = learner();
        for i in 0..4 {
            l.observe(
                Some("a.fr"),
                &format!("Menu\nA la une\nArticle {i} unique.\nMenu"),
            );
        }
        l.observe(Some("b.fr"), "Menu\nAutre");
        let p = l.finish();
        assert!(p.contains(Some("a.fr"), "menu"));
        assert!(p.contains(Some("A.FR"), "  A  LA UNE "));
        assert!(!p.contains(Some("a.fr"), "Article 1 unique."));
        assert!(
            !p.contains(Some("b.fr"), "Menu"),
            "b.fr has one document only"
        );
        assert_eq!(p.len(), 2);
    }

    #[test]
    fn prose_sentences_are_never_learned() {
        let mut l = learner();
        let para =
            "Le nombre des décès répertoriés dans le monde a doublé en un peu moins de deux mois.";
        for _ in 0..10 {
            l.observe(None, para);
        }
        assert!(l.finish().is_empty());
    }

    #[test]
    fn merge_equals_one_pass() {
        let docs = ["x\ny\nz", "x\ny", "x\nw", "x\ny\nw", "y"];
        let mut one = learner();
        docs.iter().for_each(|d| one.observe(Some("s"), d));
        let mut a = learner();
        let mut b = learner();
        docs[..2].iter().for_each(|d| a.observe(Some("s"), d));
        docs[2..].iter().for_each(|d| b.observe(Some("s"), d));
        a.merge(b);
        assert_eq!(a.docs(), 5);
        assert_eq!(a.finish().to_string(), one.finish().to_string());
    }

    #[test]
    fn per_document_learners_merged_learn_the_same_and_keep_only_repeated_text() {
        let docs: Vec<String> = (0..8)
            .map(|i| format!("Menu\nLigne {i}\nA la une\nSeulement ici {i}"))
            .collect();
        let mut one = learner();
        docs.iter().for_each(|d| one.observe(Some("s"), d));
        let mut merged = learner();
        for d in &docs {
            let mut l = learner();
            l.observe(Some("s"), d);
            merged.merge(l);
        }
        let counts = &merged.sites["s"].lines;
        let kept = counts.iter().filter(|(_, c)| c.text.is_some()).count();
        assert_eq!(kept, 2, "only `menu` and `a la une` occur twice or more");
        assert_eq!(counts.len(), 2 + 2 * docs.len());
        assert_eq!(merged.finish().to_string(), one.finish().to_string());
    }

    #[test]
    fn profile_round_trips_through_tsv() {
        let mut l = learner();
        for _ in 0..3 {
            l.observe(Some("a.fr"), "Fil info\nPublicité");
            l.observe(None, "Menu");
        }
        let p = l.finish();
        let s = p.to_string();
        assert!(s.contains("a.fr\t3\t3\tfil info\n"), "{s}");
        assert!(s.contains("*\t3\t3\tmenu\n"), "{s}");
        let back: ChromeProfile = s.parse().unwrap();
        assert_eq!(back.to_string(), s);
        assert!(back.contains(None, "MENU"));
        assert!(matches!(
            "a\tb\n".parse::<ChromeProfile>(),
            Err(Error::ProfileSyntax { line: 1 })
        ));
        assert!(matches!(
            "a\tx\t3\tmenu\n".parse::<ChromeProfile>(),
            Err(Error::ProfileSyntax { .. })
        ));
    }

    /// The first implementation of [`ChromeLearner::observe`] (one `line_key` per unit, words
    /// counted by `word_count`, every line's text kept): the model that the fast paths are
    /// compared with.
    fn observe_reference(l: &mut ChromeLearner, site: Option<&str>, text: &str) {
        let site = site_name(site);
        let counts = l.sites.entry(site.into_owned()).or_default();
        counts.docs += 1;
        let mut seen = FxHashSet::default();
        let (cfg, mut key) = (&l.config, String::new());
        for_each_unit(text, &mut UnitBuffers::default(), |s, e| {
            let unit = &text[s..e];
            if unit.len() > cfg.max_line_bytes {
                return;
            }
            if ends_like_sentence(unit) && word_count(unit) > cfg.max_sentence_words {
                return;
            }
            line_key(unit, &mut key);
            if key.is_empty() {
                return;
            }
            let h = xxh3_64(key.as_bytes());
            if seen.insert(h) {
                let new = || LineCount {
                    docs: 0,
                    last_doc: 0,
                    text: Some(key.as_str().into()),
                };
                counts.lines.get_or_insert_with(h, new).0.docs += 1;
            }
        });
    }

    /// A site's documents and, per line hash, its count and kept text.
    type Counts = (String, u64, Vec<(u64, u64, Option<String>)>);

    /// The counts of a learner, sorted, to compare learners.
    fn counts(l: &ChromeLearner) -> Vec<Counts> {
        let mut v: Vec<_> = l
            .sites
            .iter()
            .map(|(site, c)| {
                let mut lines: Vec<_> = c
                    .lines
                    .iter()
                    .map(|(h, c)| (*h, c.docs, c.text.as_deref().map(str::to_string)))
                    .collect();
                lines.sort();
                (site.clone(), c.docs, lines)
            })
            .collect();
        v.sort();
        v
    }

    /// Documents of chrome-like lines: repeated menu items written in several ways, sentences of
    /// a few or many words, the characters that line keys treat specially, glued paragraphs.
    fn docs() -> impl proptest::strategy::Strategy<Value = Vec<(Option<&'static str>, String)>> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "Menu",
            "MENU",
            "menu",
            "A la une",
            "A  la une",
            "À la une",
            "À LA UNE",
            "Publicité",
            "PUBLICITÉ",
            "l’info",
            "L'INFO",
            "l\u{2019}Info",
            "«\u{a0}Citation\u{a0}»",
            "Vrai ?",
            "Vrai\u{a0}?",
            "\u{200b}Tendance",
            "Partager :",
            "1/2",
            "Ça",
            "İstanbul",
            "Straße",
            "ΣΊΣΥΦΟΣ",
            "😀",
            " ",
            "  ",
            "\t",
            "\u{a0}",
            "\u{202f}",
            "\u{3000}",
            ".",
            "...",
            " …",
            "!",
            "jeudi.Le",
            "mot",
            "Mot",
            "un",
            "deux",
            "trois",
            "quatre",
            "cinq",
            "six",
            "sept",
            "huit",
            "neuf",
            "dix",
            "le gouvernement a démissionné jeudi",
        ]);
        let line = prop::collection::vec(piece, 1..12).prop_map(|v| v.join(" "));
        // A few long lines (up to ~90 words) that end like sentences.
        let long = (
            prop::collection::vec("[a-zA-Zé]{1,6}", 50..90),
            any::<bool>(),
        )
            .prop_map(|(w, dot)| w.join(" ") + if dot { "." } else { "" });
        let line = prop_oneof![6 => line, 1 => long];
        let sep = prop::sample::select(vec!["\n", "\n\n", "\r\n", " \n", "\n \n"]);
        let doc = prop::collection::vec((line, sep), 0..12)
            .prop_map(|v| v.into_iter().map(|(l, s)| l + s).collect::<String>());
        let site = prop::sample::select(vec![None, Some("a.fr"), Some("A.FR "), Some("b.fr")]);
        prop::collection::vec((site, doc), 1..10)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        #[test]
        fn observe_and_add_count_like_the_first_implementation(
            docs in docs(),
            max_line_bytes in proptest::sample::select(vec![0usize, 8, 40, 400, 100_000]),
            max_sentence_words in proptest::sample::select(vec![0usize, 2, 8, 63, 64, 70, 1000]),
        ) {
            let config = LearnerConfig {
                min_docs: 2,
                min_fraction: 0.0,
                max_line_bytes,
                max_sentence_words,
            };
            let mut reference = ChromeLearner::new(config.clone());
            let mut observed = ChromeLearner::new(config.clone());
            // The pipeline's old way (a learner per document, merged) and its new one.
            let mut merged = ChromeLearner::new(config.clone());
            let mut added = ChromeLearner::new(config.clone());
            for (site, text) in &docs {
                observe_reference(&mut reference, *site, text);
                observed.observe(*site, text);
                let mut one = ChromeLearner::new(config.clone());
                observe_reference(&mut one, *site, text);
                merged.merge(one);
                added.add(&DocumentLines::new(&config, *site, text));
            }
            proptest::prop_assert_eq!(counts(&observed), counts(&reference));
            proptest::prop_assert_eq!(counts(&added), counts(&merged));
            // Counts merged into a learner that goes on adding documents (a line merged in is
            // counted again in the next document that holds it, once).
            let (mut mixed, mut mixed_reference) = (
                ChromeLearner::new(config.clone()),
                ChromeLearner::new(config.clone()),
            );
            for (i, (site, text)) in docs.iter().enumerate() {
                if i % 3 == 1 {
                    let mut one = ChromeLearner::new(config.clone());
                    one.observe(*site, text);
                    mixed.merge(one);
                } else {
                    mixed.add(&DocumentLines::new(&config, *site, text));
                    mixed.add(&DocumentLines::new(&config, *site, text));
                }
                let mut one = ChromeLearner::new(config.clone());
                observe_reference(&mut one, *site, text);
                if i % 3 != 1 {
                    observe_reference(&mut one, *site, text);
                }
                mixed_reference.merge(one);
            }
            proptest::prop_assert_eq!(counts(&mixed), counts(&mixed_reference));
            let profile = reference.finish().to_string();
            proptest::prop_assert_eq!(&observed.finish().to_string(), &profile);
            proptest::prop_assert_eq!(&added.finish().to_string(), &profile);
            proptest::prop_assert_eq!(&merged.finish().to_string(), &profile);
        }
    }

    /// Documents that share runs of lines, as the pages of a site do: lines drawn from a few
    /// per test (chrome written in several ways, prose, blanks), in several orders, of more
    /// sites than the documents remembered per thread.
    fn docs_with_runs(
    ) -> impl proptest::strategy::Strategy<Value = Vec<(Option<&'static str>, String)>> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "Menu",
            "MENU",
            "A la une",
            "À LA UNE",
            "Publicité",
            "l’info",
            "Vrai ?",
            "\u{200b}Tendance",
            "jeudi.Le",
            "un",
            "deux",
            "trois",
            "é",
            " ",
            "\u{a0}",
            "",
            "Le gouvernement a démissionné jeudi soir à Paris, selon le communiqué.",
        ]);
        let line = prop::collection::vec(piece, 1..5).prop_map(|v| v.join(" "));
        let sep = prop::sample::select(vec!["\n", "\n\n", "\r\n", " \n", "\n \n", ""]);
        (
            prop::collection::vec((line, sep), 1..10),
            prop::collection::vec(
                (
                    prop::sample::select(vec![
                        None,
                        Some("a.fr"),
                        Some("b.fr"),
                        Some("c.fr"),
                        Some("d.fr"),
                        Some("e.fr"),
                    ]),
                    prop::collection::vec(0..12usize, 0..16),
                ),
                1..14,
            ),
        )
            .prop_map(|(lines, docs)| crate::replay::pages_of_lines(&lines, docs))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// The lines of a document read with the runs of the last documents remembered are those
        /// read without (a fresh scratch each time), for two settings that alternate.
        #[test]
        fn runs_shared_with_the_last_document_give_the_same_lines(
            docs in docs_with_runs(),
            max_line_bytes in proptest::sample::select(vec![3usize, 30, 400]),
            max_sentence_words in proptest::sample::select(vec![0usize, 2, 8]),
        ) {
            let configs = [
                LearnerConfig { max_line_bytes, max_sentence_words, ..Default::default() },
                LearnerConfig::default(),
            ];
            let mut scratch = LineScratch::default();
            for (i, (site, text)) in docs.iter().enumerate() {
                let config = &configs[usize::from(i % 5 == 4)];
                let mut fast = DocumentLines::default();
                fast.fill(config, *site, text, &mut scratch);
                let mut full = DocumentLines::default();
                full.fill(config, *site, text, &mut LineScratch::default());
                proptest::prop_assert_eq!(&fast.buf, &full.buf, "{:?}", text);
                proptest::prop_assert_eq!(fast.site_len, full.site_len);
                proptest::prop_assert_eq!(&fast.lines, &full.lines, "{:?}", text);
            }
        }
    }

    #[test]
    fn a_run_shared_with_the_last_document_is_copied() {
        let config = LearnerConfig::default();
        let mut scratch = LineScratch::default();
        let mut doc = DocumentLines::default();
        doc.fill(
            &config,
            Some("a.fr"),
            "Titre un\nMenu\nA la une\n\nFin",
            &mut scratch,
        );
        doc.fill(
            &config,
            Some("a.fr"),
            "Titre deux\nMenu\nA la une\n\nFin",
            &mut scratch,
        );
        assert_eq!(scratch.pages[0].page.replayed, 3);
        let keys: Vec<&str> = doc.lines.iter().map(|&(_, s, e)| &doc.buf[s..e]).collect();
        assert_eq!(keys, ["titre deux", "menu", "a la une", "fin"]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// `LineCounts` against a `HashMap`: hashes that share their low bits (long probes, and
        /// growth while probing), repeats, and a hash of 0.
        #[test]
        fn line_counts_agree_with_a_map(
            ops in proptest::collection::vec((0u64..40, 0u64..4, proptest::bool::ANY), 0..300),
        ) {
            let mut table = LineCounts::default();
            let mut model: std::collections::HashMap<u64, u64> = Default::default();
            let mut order = Vec::new();
            for (low, high, bump) in ops {
                let h = high << 40 | low << 4; // many share their low bits
                let (c, new) = table.get_or_insert_with(h, || LineCount {
                    docs: 1,
                    last_doc: h,
                    text: None,
                });
                proptest::prop_assert_eq!(new, !model.contains_key(&h), "{:x}", h);
                proptest::prop_assert_eq!(c.last_doc, h);
                let n = model.entry(h).or_insert_with(|| {
                    order.push(h);
                    1
                });
                if !new && bump {
                    c.docs += 1;
                    *n += 1;
                }
                proptest::prop_assert_eq!(c.docs, *n);
            }
            proptest::prop_assert_eq!(table.len(), model.len());
            let all: Vec<(u64, u64)> = table.iter().map(|(h, c)| (*h, c.docs)).collect();
            let expected: Vec<(u64, u64)> = order.iter().map(|h| (*h, model[h])).collect();
            proptest::prop_assert_eq!(all, expected);
        }
    }

    #[test]
    fn the_key_cache_stays_within_its_bound() {
        let mut c = KeyCache::default();
        let unit = "x".repeat(1000);
        for i in 0..2 * CACHE_BYTES / 1000 {
            let unit = format!("{i} {unit}");
            c.insert(&unit, i as u64, "k");
            assert!(c.bytes <= CACHE_BYTES);
            assert_eq!(c.get(&unit), Some((i as u64, "k")));
            // Reserved once, never grown.
            assert_eq!(c.text.capacity(), CACHE_BYTES);
        }
        assert!(c.map.len() < CACHE_BYTES / 1000);
        // An entry larger than the bound grows the buffer; the next emptying drops it.
        let huge = "y".repeat(CACHE_BYTES + 10);
        c.insert(&huge, 1, "k");
        assert_eq!(c.get(&huge), Some((1, "k")));
        c.insert("z", 2, "k");
        assert_eq!(c.text.capacity(), CACHE_BYTES);
        assert_eq!(c.get("z"), Some((2, "k")));
    }

    proptest::proptest! {
        /// The cache answers like a map of the last key inserted for each unit, or forgets
        /// the unit: units of the same length and edges share a hash and take turns.
        #[test]
        fn the_key_cache_gives_the_key_of_the_unit_or_nothing(
            ops in proptest::collection::vec((0..12usize, proptest::sample::select(vec!["", "b", "é", "bb", "xyz"]), 0..3u64), 1..60),
        ) {
            let mut c = KeyCache::default();
            let mut reference: FxHashMap<String, (u64, String)> = FxHashMap::default();
            for (edges, middle, hash) in ops {
                // Same first and last eight bytes for every middle.
                let unit = format!("{:0>8}{middle}{:0>8}", edges % 3, edges / 3);
                let key = format!("{unit}/{hash}");
                if let Some((h, k)) = c.get(&unit) {
                    proptest::prop_assert_eq!(Some(&(h, k.to_string())), reference.get(&unit));
                }
                if hash > 0 {
                    c.insert(&unit, hash, &key);
                    reference.insert(unit.clone(), (hash, key.clone()));
                    proptest::prop_assert_eq!(c.get(&unit), Some((hash, key.as_str())));
                }
            }
        }
    }

    #[test]
    fn added_documents_keep_a_line_text_from_its_second_document_on() {
        let config = LearnerConfig {
            min_docs: 2,
            ..Default::default()
        };
        let mut l = ChromeLearner::new(config.clone());
        for text in ["Menu\nUne fois\nMenu", "MENU\nAutre", "\n"] {
            l.add(&DocumentLines::new(&config, Some("s"), text));
        }
        let mut c = counts(&l);
        let (site, docs, lines) = c.pop().unwrap();
        assert_eq!((site.as_str(), docs), ("s", 3));
        let mut lines: Vec<_> = lines.into_iter().map(|(_, n, t)| (n, t)).collect();
        lines.sort();
        assert_eq!(
            lines,
            [(1, None), (1, None), (2, Some("menu".to_string()))],
            "`une fois` and `autre` are counted without their text"
        );
        assert_eq!(l.finish().to_string().lines().last(), Some("s\t2\t3\tmenu"));
    }
}
