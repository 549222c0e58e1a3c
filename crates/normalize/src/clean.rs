//! The normalizer: builder, cleaning, and the audit of removed segments.

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use xxhash_rust::xxh3::xxh3_64;

use crate::hash::FxHashMap;
use crate::known::{edge_hash, Known, KnownLines};
use crate::learn::{site_name, ChromeProfile};
use crate::repeat::{Repeat, RepeatDetector};
use crate::replay::{extend_shifted, line_hash, Page};
use crate::rules::{parse_pack, parse_rules, Pack, RuleId, RuleSet};
use crate::text::{ends_like_sentence, push_normalized, scan, split_units, Piece, UnitBuffers};

thread_local! {
    /// Buffers reused by the calls of [`Normalizer::clean`] on one thread.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Buffers of one [`Normalizer::clean`] call, kept between calls to avoid allocating.
#[derive(Debug, Default)]
struct Scratch {
    units: Vec<Unit>,
    unit_bufs: UnitBuffers,
    key: String,
    kept: Vec<usize>,
    repeats: RepeatDetector,
    /// The clean text being built; copied into an exact-size `String` at the end.
    text: String,
    memo: VerdictMemo,
    /// The last pages cleaned, per site, with the units found in them (before captions,
    /// teasers, repeats and menus): runs of lines they share with a new page are not looked at
    /// again.
    pages: Vec<CleanedPage>,
    /// Pages cleaned, to pick the page to forget.
    page_clock: u64,
}

/// A page cleaned lately: its site (as in the memo), its lines, and its units as the first step
/// left them.
#[derive(Debug, Default)]
struct CleanedPage {
    site: usize,
    used: u64,
    page: Page,
    units: Vec<Unit>,
}

/// Pages remembered per thread (one per site).
const PAGES: usize = 4;

/// The verdicts of the recent units that the known lines missed, by their raw text and site.
/// Chrome that recurs written otherwise than its line key (`Titre : suite`, a capital `É`), that
/// a regex rule removes (a feed item `11:08Politique...` on every page of a site), or a kept
/// teaser that recurs then costs one hash and one comparison instead of a line key and the
/// rules.
#[derive(Debug, Default)]
struct VerdictMemo {
    /// The normalizer the verdicts are from: a `Weak`, so that its allocation (and address) is
    /// not reused while it is remembered, without keeping its tables alive.
    owner: Weak<Inner>,
    /// Hash of (site, raw unit) -> the entry.
    entries: FxHashMap<u64, MemoEntry>,
    /// The raw units of the entries, one after the other.
    raw: Vec<u8>,
}

#[derive(Clone, Copy, Debug)]
struct MemoEntry {
    site: usize,
    at: usize,
    len: usize,
    verdict: Verdict,
}

/// What the full path found for a unit whose line key fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Removed(Known),
    /// No rule nor learned line: kept, with its word count and `Scan::plain`.
    Kept {
        words: u8,
        plain: bool,
    },
}

/// Raw bytes, and entries, the memo holds before it is emptied.
const MEMO_BYTES: usize = 1 << 21;
const MEMO_ENTRIES: usize = 1 << 15;
/// Kept units longer than this (prose, which seldom recurs) are not remembered.
const MAX_KEPT_MEMO: usize = 120;

impl VerdictMemo {
    /// Empties the memo if its verdicts are from another normalizer than `inner`; returns
    /// true if it did.
    fn bind(&mut self, inner: &Arc<Inner>) -> bool {
        if self.owner.as_ptr() != Arc::as_ptr(inner) {
            self.entries.clear();
            self.raw.clear();
            self.owner = Arc::downgrade(inner);
            return true;
        }
        false
    }

    /// The hash of a unit of a site whose [`edge_hash`] is `edge`.
    fn hash(site: usize, edge: u64) -> u64 {
        edge ^ (site as u64).rotate_left(32)
    }

    /// The verdict of the unit `b[start..end]` of a site (whose [`edge_hash`] is `edge`), if
    /// remembered.
    #[inline]
    fn get(&self, site: usize, b: &[u8], start: usize, end: usize, edge: u64) -> Option<Verdict> {
        let e = self.entries.get(&Self::hash(site, edge))?;
        let unit = &b[start..end];
        (e.site == site && self.raw.get(e.at..e.at + e.len) == Some(unit)).then_some(e.verdict)
    }

    /// Remembers the verdict of the unit `b[start..end]` of a site (whose [`edge_hash`] is
    /// `edge`), emptying the memo first when it is full.
    fn insert(
        &mut self,
        site: usize,
        b: &[u8],
        start: usize,
        end: usize,
        edge: u64,
        verdict: Verdict,
    ) {
        let unit = &b[start..end];
        if self.raw.len() + unit.len() > MEMO_BYTES || self.entries.len() >= MEMO_ENTRIES {
            self.entries.clear();
            self.raw.clear();
        }
        if self.raw.capacity() == 0 {
            // Room for all the bytes the bound allows at once (a unit is never longer than
            // the bound): the buffer is never copied to a larger one.
            self.raw.reserve_exact(MEMO_BYTES);
        }
        let entry = MemoEntry {
            site,
            at: self.raw.len(),
            len: unit.len(),
            verdict,
        };
        self.raw.extend_from_slice(unit);
        self.entries.insert(Self::hash(site, edge), entry);
    }
}

impl Scratch {
    /// Drops buffers that grew very large on a huge document, so that a thread does not keep
    /// them for ever.
    fn shrink(&mut self) {
        if self.units.capacity() > 1 << 16
            || self.repeats.heavy()
            || self.text.capacity() > 1 << 22
            || self
                .pages
                .iter()
                .any(|p| p.page.heavy() || p.units.capacity() > 1 << 16)
        {
            *self = Scratch::default();
        }
    }
}
use crate::{Class, Error};

/// Lines whose key is longer than this (bytes) are not compared with rules nor learned chrome:
/// chrome lines are short, and skipping long prose keeps cleaning fast.
const MAX_RULE_KEY: usize = 600;
/// A caption has at most this many words.
const MAX_CAPTION_WORDS: u8 = 60;
/// A teaser line between two chrome lines has at most this many words.
const MAX_TEASER_WORDS: u8 = 30;
/// At most this many teaser lines in a row between two chrome lines.
const MAX_TEASER_RUN: usize = 3;
/// A menu item has at most this many words...
const MAX_MENU_WORDS: u8 = 3;
/// ... and a menu has at least this many items in a row.
const MIN_MENU_RUN: usize = 5;
/// The first line of a document (usually its title) is never removed as learned chrome when it
/// has at least this many words.
const PROTECTED_TITLE_WORDS: u8 = 4;

/// Builds a [`Normalizer`]: rule packs, user rules, a learned chrome profile.
#[derive(Clone, Debug)]
pub struct NormalizerBuilder {
    packs: Vec<Pack>,
    user: Vec<crate::rules::Rule>,
    profile: ChromeProfile,
}

impl Default for NormalizerBuilder {
    fn default() -> Self {
        NormalizerBuilder::new()
    }
}

impl NormalizerBuilder {
    /// A builder with the French and English packs, no user rules, an empty profile.
    pub fn new() -> NormalizerBuilder {
        NormalizerBuilder {
            packs: vec![Pack::Fr, Pack::En],
            user: Vec::new(),
            profile: ChromeProfile::default(),
        }
    }

    /// Uses these built-in packs instead of the default (both French and English).
    pub fn packs(mut self, packs: &[Pack]) -> NormalizerBuilder {
        self.packs = packs.to_vec();
        self
    }

    /// Adds the rules of a user rule file (same TSV format as `data/boilerplate/*.tsv`). They
    /// are tried after the built-in packs. Fails on the first malformed line.
    pub fn rules_from_str(mut self, rules: &str) -> Result<NormalizerBuilder, Error> {
        self.user.extend(parse_rules(rules, "user")?);
        Ok(self)
    }

    /// Uses a learned chrome profile (see [`ChromeLearner`](crate::ChromeLearner)).
    pub fn profile(mut self, profile: ChromeProfile) -> NormalizerBuilder {
        self.profile = profile;
        self
    }

    /// Compiles the rules.
    pub fn build(self) -> Result<Normalizer, Error> {
        let mut rules = Vec::new();
        for &pack in &self.packs {
            rules.extend(parse_pack(pack)?);
        }
        rules.extend(self.user);
        let rules = RuleSet::compile(rules)?;
        let learned = LearnedSite::build_all(&self.profile, &rules);
        let known = known_lines(&rules, None, std::iter::empty());
        Ok(Normalizer {
            inner: Arc::new(Inner {
                rules,
                learned,
                known,
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    rules: RuleSet,
    /// The profile's lines per site, with the rule verdict on each computed once.
    learned: FxHashMap<String, LearnedSite>,
    /// The `exact` patterns, for documents of a site without learned lines.
    known: KnownLines,
}

/// Marks a learned line that no rule matches.
const LEARNED_ONLY: u32 = u32::MAX;

/// The learned lines of one site: xxh3 hash of the line key -> index of the rule that matches
/// the line (rules take precedence over learning) or [`LEARNED_ONLY`].
#[derive(Debug, Default)]
struct LearnedSite {
    verdicts: FxHashMap<u64, u32>,
    /// Length in bytes of the longest learned key: longer keys need no lookup.
    max_len: usize,
    /// The learned lines and the `exact` patterns with their verdicts for this site.
    known: KnownLines,
}

impl LearnedSite {
    fn build_all(profile: &ChromeProfile, rules: &RuleSet) -> FxHashMap<String, LearnedSite> {
        let mut all = FxHashMap::default();
        for (site, keys) in profile.site_keys() {
            let keys: Vec<&str> = keys.collect();
            let mut s = LearnedSite::default();
            for &key in &keys {
                let verdict = rules
                    .find(key)
                    .and_then(|r| u32::try_from(r).ok())
                    .unwrap_or(LEARNED_ONLY);
                s.verdicts.insert(xxh3_64(key.as_bytes()), verdict);
                s.max_len = s.max_len.max(key.len());
            }
            s.known = known_lines(rules, Some(&s), keys.iter().copied());
            all.insert(site.to_string(), s);
        }
        all
    }
}

/// The verdict of the rules and the learned lines of a site on a line key that fits
/// ([`MAX_RULE_KEY`]): removed by a rule (rules take precedence), learned chrome, or nothing.
fn resolve(rules: &RuleSet, learned: Option<&LearnedSite>, key: &str) -> Option<Known> {
    // A learned line has its rule verdict ready; other lines go through the rules.
    let verdict = learned
        .filter(|l| key.len() <= l.max_len)
        .and_then(|l| l.verdicts.get(&xxh3_64(key.as_bytes())));
    let rule = match verdict {
        Some(&LEARNED_ONLY) => None,
        Some(&r) => Some(r as usize),
        None => rules.find(key),
    };
    match rule {
        Some(r) => Some(Known::Rule {
            rule: r as u32,
            credit_with_name: rules.get(r).class == Class::Credit
                && (key.contains(',') || key.contains('/')),
        }),
        None => verdict.map(|_| Known::Learned),
    }
}

/// The known lines of a site: its learned `keys` and the `exact` patterns, with the verdict
/// [`resolve`] gives each of them.
fn known_lines<'a>(
    rules: &'a RuleSet,
    learned: Option<&LearnedSite>,
    keys: impl Iterator<Item = &'a str>,
) -> KnownLines {
    let mut known = KnownLines::default();
    for key in keys.chain(rules.exact_patterns()) {
        if key.is_empty() || key.len() > MAX_RULE_KEY {
            continue;
        }
        if let Some(k) = resolve(rules, learned, key) {
            known.insert(key, k);
        }
    }
    known
}

/// Cleans document texts. Cheap to clone, shareable across threads.
///
/// Build it with [`NormalizerBuilder`]; [`Normalizer::default`] uses both built-in packs and
/// no learned profile.
#[derive(Clone, Debug)]
pub struct Normalizer {
    inner: Arc<Inner>,
}

impl Default for Normalizer {
    fn default() -> Self {
        NormalizerBuilder::new()
            .build()
            .expect("built-in rule packs compile")
    }
}

/// The result of [`Normalizer::clean`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// The clean text: paragraphs separated by exactly `"\n\n"`, no leading or trailing blanks.
    pub text: String,
    /// Every removed segment, in input order, disjoint. A segment is the units (lines, or the parts
    /// of a line split at a glued join) removed one after the other for the same reason, with the
    /// blanks between them: a menu of twenty learned lines is one segment, not twenty.
    pub removed: Vec<Removal>,
    /// Number of paragraphs in `text`.
    pub n_paragraphs: usize,
}

impl Cleaned {
    /// Total number of characters (code points) removed, blanks not counted.
    pub fn removed_chars(&self) -> usize {
        self.removed.iter().map(|r| r.end - r.start - r.blank).sum()
    }
}

/// One removed segment: a row of the `removed` table. Units removed one after the other for the same
/// reason (the same class and rule) are one segment, which spans the blanks between them.
///
/// A removal does not copy what it removed: [`text`](Removal::text) slices it out of the input
/// given to [`Normalizer::clean`], and [`rule_id`](Removal::rule_id) borrows the rule's id, so
/// cleaning allocates nothing per removal.
#[derive(Clone, PartialEq, Eq)]
pub struct Removal {
    /// Start, in code points (Unicode scalar values) from the start of the input text.
    pub start: usize,
    /// End (exclusive), in code points.
    pub end: usize,
    /// Why it was removed.
    pub class: Class,
    /// Byte range in the input text.
    byte_start: usize,
    byte_end: usize,
    rule: RuleId,
    /// Code points of the blanks between the units merged into this segment (not counted as
    /// removed characters).
    blank: usize,
}

impl Removal {
    /// The removed text, sliced out of `input`, the text that was given to
    /// [`Normalizer::clean`].
    ///
    /// # Panics
    ///
    /// If `input` is another text, too short or not split at character boundaries by
    /// [`byte_range`](Removal::byte_range) (as slicing `&input[range]` does).
    #[inline]
    pub fn text<'a>(&self, input: &'a str) -> &'a str {
        &input[self.byte_start..self.byte_end]
    }

    /// The byte range of the removed text in the input (the code-point range is
    /// `start..end`).
    #[inline]
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        self.byte_start..self.byte_end
    }

    /// The rule that removed it: a rule id from a pack or user file, or one of `learned`,
    /// `caption-before-credit`, `teaser-between-chrome`, `menu-run`, `repeat`, `repeat-concat`.
    #[inline]
    pub fn rule_id(&self) -> &str {
        self.rule.as_str()
    }
}

impl std::fmt::Debug for Removal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Removal")
            .field("start", &self.start)
            .field("end", &self.end)
            .field("bytes", &self.byte_range())
            .field("class", &self.class)
            .field("rule_id", &self.rule_id())
            .finish()
    }
}

/// Why a unit was removed (resolved to a class and rule id at the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Rule(u32),
    Learned,
    Caption,
    Teaser,
    Menu,
    Repeat(Repeat),
}

#[derive(Clone, Copy, Debug)]
struct Unit {
    /// Byte range in the input.
    start: usize,
    end: usize,
    /// Code-point range in the input.
    char_start: usize,
    char_end: usize,
    /// Number of words, saturating at `text::WORDS_CAP` (which fits a byte).
    words: u8,
    /// The unit is already clean: no blank to collapse or change.
    plain: bool,
    /// Ends like a sentence (only computed for the lines kept by the rules).
    sentence: bool,
    why: Option<Why>,
    credit_with_name: bool,
}

impl Normalizer {
    /// A normalizer with this one's rules and `profile` as its chrome profile: what its builder with
    /// [`NormalizerBuilder::profile`] would build, without parsing and compiling the rules again
    /// (for a profile learned from a corpus after the rules were checked).
    pub fn with_profile(&self, profile: &ChromeProfile) -> Normalizer {
        let rules = self.inner.rules.clone();
        let learned = LearnedSite::build_all(profile, &rules);
        let known = known_lines(&rules, None, std::iter::empty());
        Normalizer {
            inner: Arc::new(Inner {
                rules,
                learned,
                known,
            }),
        }
    }

    /// Cleans one document text. `site` is its host name (for learned chrome), if known.
    ///
    /// Never fails and never panics; removals are disjoint code-point spans of `text`.
    ///
    /// Each thread remembers the last page it cleaned for each of four sites: what the first
    /// step (rules and learned chrome) found in the runs of lines that a page shares with it,
    /// byte for byte, is copied rather than worked out again, so cleaning the pages of a site
    /// one after the other on a thread is the fastest order (any order gives the same result).
    pub fn clean(&self, text: &str, site: Option<&str>) -> Cleaned {
        let run = |scratch: &mut Scratch| {
            let out = self.clean_with(text, site, scratch, true);
            scratch.shrink();
            out
        };
        SCRATCH
            .try_with(|cell| match cell.try_borrow_mut() {
                Ok(mut scratch) => run(&mut scratch),
                Err(_) => run(&mut Scratch::default()),
            })
            .unwrap_or_else(|_| run(&mut Scratch::default()))
    }

    /// [`clean`](Self::clean) with reused buffers. `use_known` off makes every line take the
    /// full path (rules and learned lines looked up by line key), for tests of the shortcut.
    fn clean_with(
        &self,
        text: &str,
        site: Option<&str>,
        scratch: &mut Scratch,
        use_known: bool,
    ) -> Cleaned {
        let inner = &*self.inner;
        let learned = if inner.learned.is_empty() {
            None
        } else {
            inner.learned.get(site_name(site).as_ref())
        };
        let known = learned.map_or(&inner.known, |l| &l.known);
        let Scratch {
            units,
            unit_bufs,
            key,
            kept,
            repeats,
            text: clean_text,
            memo,
            pages,
            page_clock,
        } = scratch;
        if memo.bind(&self.inner) {
            pages.clear();
        }
        // The memo's verdicts are per site: its learned lines, by address.
        let site_id = learned.map_or(0, |l| std::ptr::from_ref(l) as usize);
        units.clear();
        // The last page of the site, whose runs of lines are not looked at again; the units of
        // this page are remembered in its place (or in the page used least lately).
        *page_clock += 1;
        let slot = match pages.iter().position(|p| p.site == site_id) {
            Some(i) => i,
            None if pages.len() < PAGES => {
                pages.push(CleanedPage::default());
                pages.len() - 1
            }
            None => {
                let i = (0..pages.len()).min_by_key(|&i| pages[i].used).unwrap_or(0);
                pages[i].site = site_id;
                pages[i].page.clear();
                pages[i].units.clear();
                i
            }
        };
        let cleaned = &mut pages[slot];
        cleaned.site = site_id;
        cleaned.used = *page_clock;
        let CleanedPage {
            page,
            units: old_units,
            ..
        } = cleaned;
        page.start();
        // The last line looked at and its hash: the edge hash of a unit that is the whole line.
        let mut line = (usize::MAX, 0, 0);
        // 1. Units, with rules and learned chrome looked up line by line.
        let chars = split_units::<true>(text, unit_bufs, |piece| {
            let (s, e, char_start, char_end) = match piece {
                Piece::Line(start, end, chars) => {
                    if !use_known {
                        return None;
                    }
                    let hash = line_hash(text.as_bytes(), start, end);
                    line = (start, end, hash);
                    // The first unit of a page is special (a protected title): a run neither
                    // starts a page nor holds the first unit of the old one.
                    if !units.is_empty() {
                        if let Some(run) = page.run(text.as_bytes(), start, end, chars, hash, 1) {
                            page.record_run(&run, units.len());
                            let (bytes, chars) = run.shifts();
                            extend_shifted(units, &old_units[run.items.clone()], |u| {
                                u.start = u.start.wrapping_add(bytes);
                                u.end = u.end.wrapping_add(bytes);
                                u.char_start = u.char_start.wrapping_add(chars);
                                u.char_end = u.char_end.wrapping_add(chars);
                            });
                            return Some((run.next, run.next_chars));
                        }
                    }
                    page.record(start, chars, units.len(), hash);
                    return None;
                }
                Piece::Unit(s, e, cs, ce) => (s, e, cs, ce),
            };
            // Units too long for a line key that fits are never in the memo.
            let memo_unit = use_known && e - s <= MAX_RULE_KEY;
            // Recurring chrome written as it was learned: no line key to build; or removed
            // before by the full path. (The first line takes the full path when it is learned
            // chrome: it may be a protected title.)
            let mut kept_before = None;
            let mut edge = None;
            let shortcut = match known.get(text, s, e).filter(|_| use_known) {
                Some(k) => Some(k),
                None if memo_unit => match memo.get(site_id, text.as_bytes(), s, e, {
                    // (`line_hash` is `edge_hash`.)
                    let h = if (s, e) == (line.0, line.1) {
                        line.2
                    } else {
                        edge_hash(text.as_bytes(), s, e)
                    };
                    // A wrong hash would only cost memo misses (entries are compared with the
                    // unit): the tests check that it is the unit's.
                    #[cfg(test)]
                    assert_eq!(h, edge_hash(text.as_bytes(), s, e), "{:?}", &text[s..e]);
                    *edge.insert(h)
                }) {
                    Some(Verdict::Removed(k)) => Some(k),
                    Some(Verdict::Kept { words, plain }) => {
                        kept_before = Some((words, plain));
                        None
                    }
                    None => None,
                },
                None => None,
            };
            if let Some((words, plain)) = kept_before {
                units.push(Unit {
                    start: s,
                    end: e,
                    char_start,
                    char_end,
                    words,
                    plain,
                    sentence: false, // set below for the lines that are kept
                    why: None,
                    credit_with_name: false,
                });
                return None;
            }
            match shortcut {
                Some(Known::Learned) if units.is_empty() => {}
                Some(k) => {
                    let (why, credit_with_name) = match k {
                        Known::Rule {
                            rule,
                            credit_with_name,
                        } => (Why::Rule(rule), credit_with_name),
                        Known::Learned => (Why::Learned, false),
                    };
                    units.push(Unit {
                        start: s,
                        end: e,
                        char_start,
                        char_end,
                        words: 0, // only looked at on kept lines
                        plain: false,
                        sentence: false,
                        why: Some(why),
                        credit_with_name,
                    });
                    return None;
                }
                None => {}
            }
            let unit = &text[s..e];
            let sc = scan(unit, MAX_RULE_KEY, key);
            let mut u = Unit {
                start: s,
                end: e,
                char_start,
                char_end,
                words: sc.words as u8,
                plain: sc.plain,
                sentence: false, // set below for the lines that are kept
                why: None,
                credit_with_name: false,
            };
            if sc.key_fits {
                let verdict = resolve(&inner.rules, learned, key);
                if memo_unit && (verdict.is_some() || e - s <= MAX_KEPT_MEMO) {
                    let v = verdict.map_or(
                        Verdict::Kept {
                            words: u.words,
                            plain: u.plain,
                        },
                        Verdict::Removed,
                    );
                    let h = edge.unwrap_or_else(|| edge_hash(text.as_bytes(), s, e));
                    memo.insert(site_id, text.as_bytes(), s, e, h, v);
                }
                match verdict {
                    Some(Known::Rule {
                        rule,
                        credit_with_name,
                    }) => {
                        u.why = Some(Why::Rule(rule));
                        u.credit_with_name = credit_with_name;
                    }
                    Some(Known::Learned) => {
                        let protected = units.is_empty() && u.words >= PROTECTED_TITLE_WORDS;
                        if !protected {
                            u.why = Some(Why::Learned);
                        }
                    }
                    None => {}
                }
            }
            units.push(u);
            None
        });

        // Only the kept lines are ever tested for a sentence ending (teasers and menus).
        for u in units.iter_mut().filter(|u| u.why.is_none()) {
            u.sentence = ends_like_sentence(&text[u.start..u.end]);
        }

        // 2. Captions: a short line right before a photo credit.
        for i in 0..units.len() {
            if units[i].why.is_some() || units[i].words > MAX_CAPTION_WORDS {
                continue;
            }
            let next_is_credit = units.get(i + 1).is_some_and(|n| {
                matches!(n.why, Some(Why::Rule(r)) if inner.rules.get(r as usize).class == Class::Credit)
            });
            if !next_is_credit {
                continue;
            }
            let prev_removed = i == 0 || units[i - 1].why.is_some();
            if prev_removed || units[i + 1].credit_with_name {
                units[i].why = Some(Why::Caption);
            }
        }

        // 3. Teasers: up to three short non-sentence lines between two removed lines. The first
        // kept lines of a document are not teasers: that is where the title is.
        let mut i = 0;
        let mut first_run = true;
        while i < units.len() {
            if units[i].why.is_some() {
                i += 1;
                continue;
            }
            let run_start = i;
            while i < units.len() && units[i].why.is_none() {
                i += 1;
            }
            let run = run_start..i;
            let bounded = run_start > 0 && i < units.len() && !first_run;
            first_run = false;
            if bounded
                && run.len() <= MAX_TEASER_RUN
                && units[run.clone()]
                    .iter()
                    .all(|u| !u.sentence && u.words <= MAX_TEASER_WORDS)
            {
                for u in &mut units[run] {
                    u.why = Some(Why::Teaser);
                }
            }
        }

        // 4. Repeated paragraphs, among the lines kept so far.
        repeats.clear();
        for u in units.iter_mut().filter(|u| u.why.is_none()) {
            if let Some(r) = repeats.check(text, u.start, u.end) {
                u.why = Some(Why::Repeat(r));
            }
        }

        // 5. Menus: runs of very short lines among the kept lines.
        kept.clear();
        kept.extend((0..units.len()).filter(|&i| units[i].why.is_none()));
        let is_item = |u: &Unit| u.words <= MAX_MENU_WORDS && !u.sentence;
        let mut k = 0;
        while k < kept.len() {
            if !is_item(&units[kept[k]]) {
                k += 1;
                continue;
            }
            let s = k;
            while k < kept.len() && is_item(&units[kept[k]]) {
                k += 1;
            }
            if k - s >= MIN_MENU_RUN {
                for &j in &kept[s..k] {
                    units[j].why = Some(Why::Menu);
                }
            }
        }

        // 6. Output and audit.
        // The text is built in a reused buffer, then copied to an exact-size one; the removals
        // go straight to an exact-size vector. The result holds no spare capacity.
        clean_text.clear();
        let mut removed: Vec<Removal> =
            Vec::with_capacity(units.iter().filter(|u| u.why.is_some()).count());
        let mut n_paragraphs = 0;
        // The reason of the unit before, while it was removed: a unit removed for the same reason
        // right after it (nothing kept in between, only blanks) extends its segment.
        let mut previous: Option<Why> = None;
        for u in units.iter() {
            if u.why.is_some() && u.why == previous {
                let last = removed.last_mut().expect("the previous unit was removed");
                last.blank += u.char_start - last.end;
                last.end = u.char_end;
                last.byte_end = u.end;
                continue;
            }
            previous = u.why;
            match u.why {
                None => {
                    let piece = &text[u.start..u.end];
                    if n_paragraphs > 0 {
                        clean_text.push_str("\n\n");
                    }
                    if u.plain {
                        clean_text.push_str(piece);
                    } else {
                        push_normalized(piece, clean_text);
                    }
                    n_paragraphs += 1;
                }
                Some(why) => {
                    let (class, rule) = match why {
                        Why::Rule(r) => {
                            let rule = inner.rules.get(r as usize);
                            (rule.class, rule.id.clone())
                        }
                        Why::Learned => (Class::Learned, RuleId::Static("learned")),
                        Why::Caption => (Class::Caption, RuleId::Static("caption-before-credit")),
                        Why::Teaser => (Class::Chrome, RuleId::Static("teaser-between-chrome")),
                        Why::Menu => (Class::Chrome, RuleId::Static("menu-run")),
                        Why::Repeat(Repeat::Exact) => (Class::Repeated, RuleId::Static("repeat")),
                        Why::Repeat(Repeat::Concat) => {
                            (Class::Repeated, RuleId::Static("repeat-concat"))
                        }
                    };
                    removed.push(Removal {
                        start: u.char_start,
                        end: u.char_end,
                        class,
                        byte_start: u.start,
                        byte_end: u.end,
                        rule,
                        blank: 0,
                    });
                }
            }
        }
        if use_known {
            // This page and its units as the first step left them are remembered for the next
            // page (both at once, here): the later steps only set `why` on units that the first
            // step kept.
            page.finish(text.as_bytes(), chars, units.len());
            for u in units.iter_mut() {
                if !matches!(u.why, Some(Why::Rule(_) | Why::Learned)) {
                    u.why = None;
                }
            }
            std::mem::swap(units, old_units);
        }
        Cleaned {
            removed,
            text: clean_text.as_str().to_owned(),
            n_paragraphs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ChromeLearner;

    fn clean(s: &str) -> Cleaned {
        static N: std::sync::OnceLock<Normalizer> = std::sync::OnceLock::new();
        N.get_or_init(Normalizer::default).clean(s, None)
    }

    fn assert_invariants(input: &str, c: &Cleaned) {
        let chars: Vec<char> = input.chars().collect();
        let mut last = 0;
        for r in &c.removed {
            assert!(r.start < r.end && r.end <= chars.len(), "{r:?}");
            assert!(r.start >= last, "overlap at {r:?}");
            assert_eq!(
                chars[r.start..r.end].iter().collect::<String>(),
                r.text(input)
            );
            last = r.end;
        }
        // A segment takes in every unit removed for the same reason right after it: two segments
        // with the same class and rule have something kept between them.
        for w in c.removed.windows(2) {
            if (w[0].class, w[0].rule_id()) == (w[1].class, w[1].rule_id()) {
                let between: String = chars[w[0].end..w[1].start].iter().collect();
                assert!(
                    !between.trim().is_empty(),
                    "{:?} and {:?} not merged",
                    w[0],
                    w[1]
                );
            }
        }
        assert_eq!(c.text.trim(), c.text);
        assert!(!c.text.contains("\n\n\n"));
        assert_eq!(
            c.n_paragraphs,
            if c.text.is_empty() {
                0
            } else {
                c.text.split("\n\n").count()
            }
        );
    }

    #[test]
    fn the_verdict_memo_reserves_its_bound_once() {
        let mut memo = VerdictMemo::default();
        let text = "x".repeat(MAX_RULE_KEY) + "é";
        let b = text.as_bytes();
        let kept = Verdict::Kept {
            words: 1,
            plain: true,
        };
        for i in 0..3 * MEMO_BYTES / MAX_RULE_KEY {
            // Units of several lengths, the memo emptied twice on the way.
            let (start, end) = (i % 7, MAX_RULE_KEY - i % 5);
            let edge = edge_hash(b, start, end);
            memo.insert(i, b, start, end, edge, kept);
            assert_eq!(memo.get(i, b, start, end, edge), Some(kept));
            assert!(memo.raw.len() <= MEMO_BYTES);
            assert_eq!(memo.raw.capacity(), MEMO_BYTES);
        }
    }

    #[test]
    fn short_prose_and_quotes_stay() {
        for prose in [
            "Il a refusé.",
            "\"Nous ne céderons pas\", a-t-il dit.",
            "« Jamais. »",
            "Non.",
            "on ne sait pas.",
        ] {
            let raw = format!("Publicité\n\n{prose}\n\nPARTAGEZ:");
            let c = clean(&raw);
            assert_eq!(
                c.text,
                prose.replace(" »", "\u{a0}»").replace("« ", "«\u{a0}"),
                "{raw:?}"
            );
            assert_invariants(&raw, &c);
        }
    }

    #[test]
    fn teasers_between_chrome_go_titles_on_top_stay() {
        let raw = "Olivier Véran annonce 400 millions d'euros\nA la une\nNews\nLe gouvernement démissionne\n03 juillet 2020\nNews\nHôpital: plus de 4.000 lits supprimés en 2018\n03 juillet 2020\n\nLe ministre a parlé jeudi.";
        let c = clean(raw);
        assert_eq!(
            c.text,
            "Olivier Véran annonce 400 millions d'euros\n\nLe ministre a parlé jeudi."
        );
        let teasers: Vec<&str> = c
            .removed
            .iter()
            .filter(|r| r.rule_id() == "teaser-between-chrome")
            .map(|r| r.text(raw))
            .collect();
        assert_eq!(
            teasers,
            [
                "Le gouvernement démissionne",
                "Hôpital: plus de 4.000 lits supprimés en 2018"
            ]
        );
    }

    #[test]
    fn caption_before_photo_credit() {
        let raw = "Réagir\nLe ministre de la Santé Olivier Véran.\n©Fabrice COFFRINI / AFP\nLe texte commence ici.";
        let c = clean(raw);
        assert_eq!(c.text, "Le texte commence ici.");
        assert_eq!(c.removed[1].class, Class::Caption);
        assert_eq!(c.removed[2].class, Class::Credit);
        // A copyright line at the end does not eat the last paragraph.
        let c = clean("Premier paragraphe.\n\nDernier paragraphe de l'article.\n\n© AFP");
        assert_eq!(
            c.text,
            "Premier paragraphe.\n\nDernier paragraphe de l'article."
        );
    }

    #[test]
    fn repeated_paragraphs_keep_the_first() {
        let raw = "Le gouvernement a démissionné jeudi.\n\nUn autre paragraphe, plus long que le premier.\n\nLe gouvernement a démissionné, jeudi !";
        let c = clean(raw);
        assert_eq!(c.text, "Le gouvernement a démissionné jeudi.\n\nUn autre paragraphe, plus long que le premier.");
        assert_eq!(c.removed[0].class, Class::Repeated);
        assert_invariants(raw, &c);
    }

    #[test]
    fn menus_are_runs_of_short_lines() {
        let raw = "Titre de la page avec quatre mots\nFrance\nMonde\nPolitique\nSociété\nFinance\nLe texte.";
        let c = clean(raw);
        assert_eq!(c.text, "Titre de la page avec quatre mots\n\nLe texte.");
        assert!(c.removed.iter().all(|r| r.rule_id() == "menu-run"));
        // Four short lines are not a menu.
        let c = clean("Un.\nDeux\nTrois\nQuatre\nCinq");
        assert_eq!(c.n_paragraphs, 5);
    }

    #[test]
    fn learned_chrome_is_removed_but_not_the_first_line() {
        let mut l = ChromeLearner::default();
        for i in 0..10 {
            l.observe(
                Some("ex.fr"),
                &format!("Le gros titre du site ici\nMes favoris du jour\nArticle {i}."),
            );
        }
        let n = NormalizerBuilder::new()
            .profile(l.finish())
            .build()
            .unwrap();
        let c = n.clean(
            "Le gros titre du site ici\nMes favoris du jour\nArticle 99.",
            Some("ex.fr"),
        );
        assert_eq!(c.text, "Le gros titre du site ici\n\nArticle 99.");
        assert_eq!(c.removed[0].class, Class::Learned);
        let other = n.clean("Mes favoris du jour\nArticle 99.", Some("other.fr"));
        assert_eq!(other.n_paragraphs, 2, "profiles are per site");
    }

    #[test]
    fn units_removed_for_one_reason_in_a_row_are_one_segment() {
        let n = NormalizerBuilder::new()
            .rules_from_str("my.buy\tad\texact\tAchetez maintenant\n")
            .unwrap()
            .build()
            .unwrap();
        let kept = "Le conseil municipal a voté le budget de la ville jeudi soir.";
        let input = format!(
            "Achetez maintenant\nAchetez maintenant\n\nAchetez maintenant\n{kept}\n\
             Achetez maintenant\nPublicité\nAchetez maintenant"
        );
        let c = n.clean(&input, None);
        assert_invariants(&input, &c);
        assert_eq!(c.text, kept);
        let segments: Vec<(&str, &str)> = c
            .removed
            .iter()
            .map(|r| (r.text(&input), r.rule_id()))
            .collect();
        assert_eq!(
            segments,
            [
                // Blank lines between the units are part of the segment ...
                (
                    "Achetez maintenant\nAchetez maintenant\n\nAchetez maintenant",
                    "my.buy"
                ),
                // ... kept text and another rule are not.
                ("Achetez maintenant", "my.buy"),
                ("Publicité", "fr.ad"),
                ("Achetez maintenant", "my.buy"),
            ]
        );
        // Removed characters do not count the blanks inside a segment.
        assert_eq!(
            c.removed_chars(),
            5 * "Achetez maintenant".chars().count() + 9
        );
    }

    #[test]
    fn a_profile_added_later_cleans_like_one_given_to_the_builder() {
        let mut l = ChromeLearner::default();
        for i in 0..10 {
            l.observe(
                Some("ex.fr"),
                &format!("Menu du site\nPublicité\nMes favoris du jour\nArticle {i}."),
            );
        }
        let profile = l.finish();
        let builder = NormalizerBuilder::new()
            .rules_from_str("my.rule\tad\texact\tAchetez maintenant\n")
            .unwrap();
        let built = builder.clone().profile(profile.clone()).build().unwrap();
        let later = builder.build().unwrap().with_profile(&profile);
        for (text, site) in [
            (
                "Menu du site\nMes favoris du jour\nAchetez maintenant\nArticle 99.",
                Some("ex.fr"),
            ),
            (
                "Publicité\nMes favoris du jour\nArticle 99.",
                Some("other.fr"),
            ),
            ("Menu du site\nArticle.", None),
        ] {
            let (a, b) = (built.clean(text, site), later.clean(text, site));
            assert_eq!(a.text, b.text);
            assert_eq!(a.removed, b.removed);
        }
        // Both learned lines, one after the other: one segment.
        let text = "Menu du site\nMes favoris du jour\nArticle 1.";
        let removed = later.clean(text, Some("ex.fr")).removed;
        assert_eq!(removed.len(), 1, "{removed:?}");
        assert_eq!(removed[0].text(text), "Menu du site\nMes favoris du jour");
    }

    #[test]
    fn user_rules_add_to_the_packs() {
        let n = NormalizerBuilder::new()
            .packs(&[])
            .rules_from_str("my.rule\tad\texact\tAchetez maintenant\n")
            .unwrap()
            .build()
            .unwrap();
        let c = n.clean("Achetez  MAINTENANT\nPublicité\nTexte.", None);
        assert_eq!(c.text, "Publicité\n\nTexte.", "no pack: Publicité stays");
        assert_eq!(c.removed[0].rule_id(), "my.rule");
        assert!(NormalizerBuilder::new().rules_from_str("bad line").is_err());
    }

    #[test]
    fn glued_paragraphs_are_split_and_offsets_are_code_points() {
        let raw = "Élysée : réunion à l'hôpital jeudi.Le gouvernement répond.\r\n\r\nPublicité";
        let c = clean(raw);
        assert_eq!(
            c.text,
            "Élysée\u{a0}: réunion à l'hôpital jeudi.\n\nLe gouvernement répond."
        );
        assert_eq!(
            c.removed[0].start,
            raw.chars().count() - "Publicité".chars().count()
        );
        assert_invariants(raw, &c);
    }

    #[test]
    fn empty_and_blank_inputs() {
        for raw in ["", " ", "\n\n\n", "\u{a0}\t\r\n"] {
            let c = clean(raw);
            assert_eq!(c, Cleaned::default(), "{raw:?}");
        }
    }

    #[test]
    fn cleaning_twice_changes_nothing_on_examples() {
        for raw in [
            "a\n\nb\n\nc\n\nd\n\ne\n\nf",
            "x\nPublicité\nUn titre court\nPublicité\ny.",
            "Un long paragraphe ici.\n\nA\n\nUn long paragraphe ici !\n\nB\n\nC\n\nD\n\nE",
        ] {
            let once = clean(raw);
            assert_eq!(clean(&once.text).text, once.text, "{raw:?}");
        }
    }

    #[test]
    fn a_run_shared_with_the_last_page_is_copied() {
        let n = Normalizer::default();
        let mut scratch = Scratch::default();
        let first = "Titre un\nPublicité\nUn texte.\nPARTAGEZ:\n\nFin.";
        let second = "Titre deux\nPublicité\nUn texte.\nPARTAGEZ:\n\nFin.";
        n.clean_with(first, None, &mut scratch, true);
        let c = n.clean_with(second, None, &mut scratch, true);
        assert_eq!(scratch.pages[0].page.replayed, 4);
        assert_eq!(
            c,
            n.clean_with(second, None, &mut Scratch::default(), false)
        );
        assert_eq!(c.text, "Titre deux\n\nUn texte.\n\nFin.");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        const PIECES: &[&str] = &[
            "Publicité",
            "PARTAGEZ:",
            "Réagir",
            "News",
            "03 juillet 2020",
            "12:39",
            "France",
            "Monde",
            "Le gouvernement démissionne",
            "Il a refusé.",
            "« Non » , a-t-il dit !",
            "©Fabrice COFFRINI / AFP",
            "Une photo.",
            "jeudi.Le ministre",
            "1/2",
            "Suivez nous sur",
            "Un long paragraphe qui raconte quelque chose d'important pour l'article.",
            "a : b ; c ?",
            "\u{a0}",
            "\u{202f}:",
            "é",
            "\t",
            "x.Y",
            "ab.Cd",
            "\"",
            "»",
            "«",
            "",
            " ",
        ];

        fn doc() -> impl Strategy<Value = String> {
            prop::collection::vec(
                (
                    0..PIECES.len(),
                    prop::sample::select(vec!["\n", "\n\n", " ", "", "\r\n"]),
                ),
                0..40,
            )
            .prop_map(|v| {
                v.into_iter()
                    .map(|(i, sep)| format!("{}{sep}", PIECES[i]))
                    .collect()
            })
        }

        /// The chrome profile learned from `docs`, all of site `ex.fr`, with a low threshold.
        fn learned_from(docs: &[(String, Vec<bool>)]) -> ChromeProfile {
            let mut learner = ChromeLearner::new(crate::LearnerConfig {
                min_docs: 2,
                min_fraction: 0.0,
                ..Default::default()
            });
            for (d, _) in docs {
                learner.observe(Some("ex.fr"), d);
            }
            learner.finish()
        }

        /// `d` with the characters whose flag in `caps` (cycled) is set uppercased.
        fn capitalized(d: &str, caps: &[bool]) -> String {
            let mut flip = caps.iter().cycle();
            d.chars()
                .map(|c| match flip.next() {
                    Some(true) => c.to_uppercase().next().unwrap_or(c),
                    _ => c,
                })
                .collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn idempotent_on_chrome_mixes(raw in doc()) {
                let once = clean(&raw);
                assert_invariants(&raw, &once);
                prop_assert_eq!(clean(&once.text).text, once.text.clone());
            }

            #[test]
            fn known_lines_give_the_same_result_as_the_full_path(
                docs in prop::collection::vec((doc(), prop::collection::vec(any::<bool>(), 0..40)), 1..12),
            ) {
                // Learn from the documents, then clean them with case changes that the
                // shortcut must see through (ASCII capitals) or leave to the full path (others).
                let n = NormalizerBuilder::new().profile(learned_from(&docs)).build().unwrap();
                for (d, caps) in &docs {
                    let variant = capitalized(d, caps);
                    for raw in [d.as_str(), variant.as_str()] {
                        for site in [Some("ex.fr"), Some("other.fr"), None] {
                            let fast = n.clean_with(raw, site, &mut Scratch::default(), true);
                            let full = n.clean_with(raw, site, &mut Scratch::default(), false);
                            prop_assert_eq!(&fast, &full, "{:?}", raw);
                        }
                    }
                }
            }

            #[test]
            fn remembered_verdicts_give_the_same_result_as_the_full_path(
                docs in prop::collection::vec((doc(), prop::collection::vec(any::<bool>(), 0..40)), 1..12),
            ) {
                // One scratch for every call, as on a thread: a verdict (removed, or kept with
                // its words) remembered for a site or a normalizer must not be used for another.
                // Capitals (`É`) and spaces before `:` make units that miss the known lines and
                // go to the memo.
                let profile = learned_from(&docs);
                let learned = NormalizerBuilder::new().profile(profile.clone()).build().unwrap();
                let more_rules = NormalizerBuilder::new()
                    .rules_from_str("my.gov\tchrome\tregex\t^le gouvernement.*$\n")
                    .unwrap()
                    .profile(profile)
                    .build()
                    .unwrap();
                let mut scratch = Scratch::default();
                for (d, caps) in &docs {
                    let variant = capitalized(d, caps);
                    for raw in [d.as_str(), variant.as_str()] {
                        for n in [&more_rules, &learned] {
                            for site in [Some("ex.fr"), None, Some("other.fr")] {
                                let fast = n.clean_with(raw, site, &mut scratch, true);
                                let full = n.clean_with(raw, site, &mut Scratch::default(), false);
                                prop_assert_eq!(&fast, &full, "{:?}", raw);
                            }
                        }
                    }
                }
            }

            #[test]
            fn runs_shared_with_the_last_page_give_the_same_result_as_the_full_path(
                lines in prop::collection::vec((doc(), prop::sample::select(vec!["\n", "\n\n", "\r\n", " \n", ""])), 1..10),
                pages in prop::collection::vec(
                    (
                        prop::sample::select(vec![None, Some("ex.fr"), Some("b.fr"), Some("c.fr"), Some("d.fr"), Some("e.fr")]),
                        prop::collection::vec(0..12usize, 0..16),
                    ),
                    1..14,
                ),
            ) {
                // Pages made of a few lines in several orders share runs of lines with the last
                // page of their site; one scratch for every page, as on a thread, with more
                // sites than pages remembered and two normalizers taking turns.
                let pages = crate::replay::pages_of_lines(&lines, pages);
                let docs: Vec<(String, Vec<bool>)> =
                    pages.iter().map(|(_, t)| (t.clone(), Vec::new())).collect();
                let learned = NormalizerBuilder::new().profile(learned_from(&docs)).build().unwrap();
                let plain = Normalizer::default();
                let mut scratch = Scratch::default();
                for (i, (site, raw)) in pages.iter().enumerate() {
                    let n = if i % 6 == 5 { &plain } else { &learned };
                    let fast = n.clean_with(raw, *site, &mut scratch, true);
                    let full = n.clean_with(raw, *site, &mut Scratch::default(), false);
                    prop_assert_eq!(&fast, &full, "{:?}", raw);
                }
            }

            #[test]
            fn idempotent_and_panic_free_on_any_text(raw in "\\PC{0,200}|[a-zA-Zé.«»:!? \u{a0}\u{202f}\n\r\t\"]{0,300}") {
                let once = clean(&raw);
                assert_invariants(&raw, &once);
                prop_assert_eq!(clean(&once.text).text, once.text.clone());
            }
        }
    }
}
