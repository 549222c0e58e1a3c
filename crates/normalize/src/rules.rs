//! Rule packs: parsing the TSV format and matching whole lines.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class as HirClass, Hir, HirKind, Look};

use crate::hash::FxHashMap;
use crate::text::line_key;
use crate::{Class, Error};

/// A built-in rule pack, compiled into the crate from `data/boilerplate/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pack {
    /// French news chrome (`data/boilerplate/fr.tsv`).
    Fr,
    /// English news chrome (`data/boilerplate/en.tsv`).
    En,
}

impl Pack {
    /// The rule file of this pack, as compiled in.
    pub fn source(self) -> &'static str {
        match self {
            Pack::Fr => include_str!("../../../data/boilerplate/fr.tsv"),
            Pack::En => include_str!("../../../data/boilerplate/en.tsv"),
        }
    }

    /// The short name of this pack (`fr`, `en`), used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Pack::Fr => "fr",
            Pack::En => "en",
        }
    }
}

/// How a rule's pattern is compared with a line key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Regex,
}

/// The id of a rule: borrowed from a built-in pack (compiled in) or shared with a user rule
/// file's rules, so that a [`Removal`](crate::Removal) names its rule without allocating.
#[derive(Clone)]
pub(crate) enum RuleId {
    /// A built-in pack's id, or one of the normalizer's own (`learned`, `repeat`...).
    Static(&'static str),
    /// An id from a user rule file.
    Shared(Arc<str>),
}

impl RuleId {
    #[inline]
    pub(crate) fn as_str(&self) -> &str {
        match self {
            RuleId::Static(s) => s,
            RuleId::Shared(s) => s,
        }
    }
}

impl PartialEq for RuleId {
    fn eq(&self, other: &RuleId) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RuleId {}

impl std::fmt::Debug for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// One parsed rule.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) id: RuleId,
    pub(crate) class: Class,
    kind: Kind,
    pattern: String,
    /// The compiled pattern of a `regex` rule.
    regex: Option<Regex>,
}

/// Parses a user rule file. `origin` names it in errors.
pub(crate) fn parse_rules(src: &str, origin: &str) -> Result<Vec<Rule>, Error> {
    parse_rules_with(src, origin, |id| RuleId::Shared(id.into()))
}

/// Parses the rule file of a built-in pack; its rule ids borrow from the compiled-in source.
pub(crate) fn parse_pack(pack: Pack) -> Result<Vec<Rule>, Error> {
    parse_rules_with(pack.source(), pack.name(), RuleId::Static)
}

/// Parses a rule file, making each rule id with `make_id`.
fn parse_rules_with<'s>(
    src: &'s str,
    origin: &str,
    make_id: impl Fn(&'s str) -> RuleId,
) -> Result<Vec<Rule>, Error> {
    let mut rules = Vec::new();
    let mut key = String::new();
    for (n, raw) in src.lines().enumerate() {
        let line = n + 1;
        let text = raw.trim_end_matches('\r');
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = text.splitn(4, '\t').collect();
        let syntax = || Error::RuleSyntax {
            origin: origin.to_string(),
            line,
        };
        if fields.len() != 4 || fields.iter().any(|f| f.trim().is_empty()) {
            return Err(syntax());
        }
        let class = fields[1]
            .parse::<Class>()
            .map_err(|_| Error::UnknownClass {
                origin: origin.to_string(),
                line,
                class: fields[1].to_string(),
            })?;
        let kind = match fields[2].trim() {
            "exact" => Kind::Exact,
            "prefix" => Kind::Prefix,
            "regex" => Kind::Regex,
            other => {
                return Err(Error::UnknownKind {
                    origin: origin.to_string(),
                    line,
                    kind: other.to_string(),
                })
            }
        };
        let pattern = match kind {
            Kind::Regex => fields[3].to_string(),
            Kind::Exact | Kind::Prefix => {
                line_key(fields[3], &mut key);
                key.clone()
            }
        };
        let regex = match kind {
            // Compiled now so that an error names the rule and its line.
            Kind::Regex => Some(Regex::new(&pattern).map_err(|source| Error::InvalidRegex {
                origin: origin.to_string(),
                line,
                rule_id: fields[0].trim().to_string(),
                source,
            })?),
            Kind::Exact | Kind::Prefix => None,
        };
        rules.push(Rule {
            id: make_id(fields[0].trim()),
            class,
            kind,
            pattern,
            regex,
        });
    }
    Ok(rules)
}

/// Most literals a filter may hold (more would cost more than they save).
const MAX_FILTER_LITERALS: usize = 64;

/// A `regex` rule and cheap necessary conditions for it to match a line key, derived from its
/// syntax tree: most lines are rejected without running the regex.
#[derive(Clone, Debug)]
struct RegexRule {
    /// Index of the rule in `RuleSet::rules`.
    rule: usize,
    regex: Regex,
    /// For a pattern anchored at the end: the key ends with one of these.
    suffixes: Option<Literals>,
    /// The key contains one of the literals required by the pattern.
    inner: Option<Inner>,
}

/// A search for the literals a pattern requires inside the line.
#[derive(Clone, Debug)]
struct Inner {
    /// A byte that every literal contains (not a letter nor a space, so it is rare in prose),
    /// looked for first.
    guard: Option<u8>,
    search: InnerSearch,
}

#[derive(Clone, Debug)]
enum InnerSearch {
    One(Box<memchr::memmem::Finder<'static>>),
    Many(AhoCorasick),
    /// Several literals that all hold the guard: compared where the guard is in the key (a
    /// few places once the guard is found: `/` in `reuters/`, `afp/`...), instead of running
    /// an automaton over the whole key.
    AroundGuard(Vec<GuardedLit>),
}

/// A literal and the offsets of the guard byte in it.
#[derive(Clone, Debug)]
struct GuardedLit {
    lit: Box<[u8]>,
    offsets: Vec<usize>,
}

impl GuardedLit {
    /// True if the literal is in `key` with one of its guard bytes at `at`.
    #[inline]
    fn is_at(&self, key: &[u8], at: usize) -> bool {
        self.offsets.iter().any(|&o| {
            at.checked_sub(o)
                .and_then(|start| key.get(start..start + self.lit.len()))
                .is_some_and(|k| k == &self.lit[..])
        })
    }
}

impl Inner {
    fn new(lits: &[Box<[u8]>]) -> Result<Inner, Error> {
        let guard = lits.first().and_then(|first| {
            first.iter().copied().find(|&b| {
                !b.is_ascii_alphabetic()
                    && b != b' '
                    && b < 0x80
                    && lits.iter().all(|l| l.contains(&b))
            })
        });
        let search = match (lits, guard) {
            ([one], _) => InnerSearch::One(Box::new(memchr::memmem::Finder::new(one).into_owned())),
            (_, Some(g)) => InnerSearch::AroundGuard(
                lits.iter()
                    .map(|l| GuardedLit {
                        lit: l.clone(),
                        offsets: memchr::memchr_iter(g, l).collect(),
                    })
                    .collect(),
            ),
            (_, None) => InnerSearch::Many(AhoCorasick::new(lits).map_err(|e| Error::Compile {
                source: Box::new(e),
            })?),
        };
        Ok(Inner { guard, search })
    }

    fn is_in(&self, key: &str, guards: &mut GuardCache) -> bool {
        if let Some(g) = self.guard {
            if !guards.present(key.as_bytes(), g) {
                return false;
            }
        }
        match &self.search {
            InnerSearch::One(f) => f.find(key.as_bytes()).is_some(),
            InnerSearch::Many(ac) => ac.is_match(key),
            InnerSearch::AroundGuard(lits) => match self.guard {
                Some(g) => memchr::memchr_iter(g, key.as_bytes())
                    .any(|at| lits.iter().any(|l| l.is_at(key.as_bytes(), at))),
                None => false, // (never: made only with a guard)
            },
        }
    }
}

/// Whether a key holds each guard byte looked for so far: several rules share a guard (`/` for
/// the agency credits of both packs), which is then searched for once per key.
#[derive(Default)]
struct GuardCache {
    bytes: [u8; 4],
    found: [bool; 4],
    n: usize,
}

impl GuardCache {
    #[inline]
    fn present(&mut self, key: &[u8], g: u8) -> bool {
        for k in 0..self.n {
            if self.bytes[k] == g {
                return self.found[k];
            }
        }
        let found = memchr::memchr(g, key).is_some();
        if self.n < self.bytes.len() {
            self.bytes[self.n] = g;
            self.found[self.n] = found;
            self.n += 1;
        }
        found
    }
}

/// What the syntax of a regex tells about the lines it can match.
struct Analysis {
    min_len: usize,
    max_len: usize,
    /// Possible first bytes of the key, when the pattern is anchored at the start and cannot
    /// match the empty string.
    first: Option<[bool; 256]>,
    /// Possible last bytes of the key, when the pattern is anchored at the end and cannot
    /// match the empty string.
    last: Option<[bool; 256]>,
    prefixes: Option<Vec<Box<[u8]>>>,
    suffixes: Option<Vec<Box<[u8]>>>,
    inner: Option<Vec<Box<[u8]>>>,
}

/// A few non-empty literals that a key must start (or end) with, each compared as one masked
/// 8-byte word (plus the rest of a longer literal), without a call to `memcmp`.
#[derive(Clone, Debug)]
struct Literals(Vec<Lit>);

/// One literal of [`Literals`]: its first (prefix) or last (suffix) 8 bytes or fewer as a
/// little-endian word, the mask of the lanes they fill, and the rest of the literal.
#[derive(Clone, Debug)]
struct Lit {
    word: u64,
    mask: u64,
    len: usize,
    rest: Box<[u8]>,
}

/// The first 8 bytes of `b` as a little-endian word, zero-padded at the end.
#[inline]
fn head8(b: &[u8]) -> u64 {
    let mut w = [0; 8];
    match b.get(..8) {
        Some(first) => w.copy_from_slice(first),
        None => w.iter_mut().zip(b).for_each(|(w, &b)| *w = b),
    }
    u64::from_le_bytes(w)
}

/// The last 8 bytes of `b` as a little-endian word (last byte in the top lane), zero-padded at
/// the start.
#[inline]
fn tail8(b: &[u8]) -> u64 {
    let mut w = [0; 8];
    match b.len().checked_sub(8) {
        Some(start) => w.copy_from_slice(&b[start..]),
        None => w
            .iter_mut()
            .rev()
            .zip(b.iter().rev())
            .for_each(|(w, &b)| *w = b),
    }
    u64::from_le_bytes(w)
}

/// Mask of the `n` low lanes (`n` <= 8).
fn low_lanes(n: usize) -> u64 {
    if n >= 8 {
        u64::MAX
    } else {
        (1 << (8 * n)) - 1
    }
}

impl Literals {
    fn prefixes(lits: Vec<Box<[u8]>>) -> Literals {
        Literals(
            lits.iter()
                .map(|l| {
                    let n = l.len().min(8);
                    Lit {
                        word: head8(l),
                        mask: low_lanes(n),
                        len: l.len(),
                        rest: l[n..].into(),
                    }
                })
                .collect(),
        )
    }

    fn suffixes(lits: Vec<Box<[u8]>>) -> Literals {
        Literals(
            lits.iter()
                .map(|l| {
                    let n = l.len().min(8);
                    Lit {
                        word: tail8(l),
                        mask: !low_lanes(8 - n),
                        len: l.len(),
                        rest: l[..l.len() - n].into(),
                    }
                })
                .collect(),
        )
    }

    #[inline]
    fn any_prefix_of(&self, key: &[u8]) -> bool {
        let k = head8(key);
        self.0.iter().any(|l| {
            k & l.mask == l.word
                && key.len() >= l.len
                && (l.rest.is_empty() || key[8..].starts_with(&l.rest))
        })
    }

    #[inline]
    fn any_suffix_of(&self, key: &[u8]) -> bool {
        let k = tail8(key);
        self.0.iter().any(|l| {
            k & l.mask == l.word
                && key.len() >= l.len
                && (l.rest.is_empty() || key[..key.len() - 8].ends_with(&l.rest))
        })
    }
}

/// Literals such that every match of `hir` starts with one of them, if there are few enough
/// and none is empty.
fn prefix_literals(hir: &Hir) -> Option<Vec<Box<[u8]>>> {
    literals(hir, ExtractKind::Prefix)
}

/// Literals such that every match of `hir` starts (`Prefix`) or ends (`Suffix`) with one of
/// them, if there are few enough and none is empty.
fn literals(hir: &Hir, kind: ExtractKind) -> Option<Vec<Box<[u8]>>> {
    let prefix = matches!(kind, ExtractKind::Prefix);
    let mut seq = Extractor::new().kind(kind).extract(hir);
    if seq.len().is_some_and(|n| n > MAX_FILTER_LITERALS) {
        // Shorter literals (still prefixes or suffixes of every match), fewer once deduplicated.
        if prefix {
            seq.keep_first_bytes(4);
        } else {
            seq.keep_last_bytes(4);
        }
        seq.dedup();
    }
    let lits = seq.literals()?;
    if lits.is_empty() || lits.len() > MAX_FILTER_LITERALS || lits.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| l.as_bytes().into()).collect())
}

/// Marks in `set` the possible last bytes of the matches of `hir`; true if it can match the
/// empty string (then the bytes before it end the match too). The last byte of a non-ASCII
/// char is a continuation byte: all of them are marked for a class that holds one.
fn last_bytes(hir: &Hir, set: &mut [bool; 256]) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.last() {
            Some(&b) => {
                set[b as usize] = true;
                false
            }
            None => true,
        },
        HirKind::Class(HirClass::Unicode(c)) => {
            for r in c.ranges() {
                let (start, end) = (u32::from(r.start()), u32::from(r.end()));
                if start < 0x80 {
                    set[start as usize..=end.min(0x7F) as usize].fill(true);
                }
                if end >= 0x80 {
                    set[0x80..=0xBF].fill(true);
                }
            }
            false
        }
        HirKind::Class(HirClass::Bytes(c)) => {
            for r in c.ranges() {
                set[r.start() as usize..=r.end() as usize].fill(true);
            }
            false
        }
        HirKind::Repetition(rep) => last_bytes(&rep.sub, set) || rep.min == 0,
        HirKind::Capture(cap) => last_bytes(&cap.sub, set),
        HirKind::Concat(subs) => subs.iter().rev().all(|s| last_bytes(s, set)),
        HirKind::Alternation(subs) => {
            // Every branch marks its bytes: no short-circuit.
            let mut nullable = false;
            for s in subs {
                nullable |= last_bytes(s, set);
            }
            nullable
        }
    }
}

/// Marks the bytes that can start a match of `hir`; returns true if `hir` can match the empty
/// string (then what follows it can start the match too).
fn first_bytes(hir: &Hir, set: &mut [bool; 256]) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.first() {
            Some(&b) => {
                set[b as usize] = true;
                false
            }
            None => true,
        },
        HirKind::Class(HirClass::Unicode(c)) => {
            // UTF-8 lead bytes grow with the code point: mark every lead of the range.
            for r in c.ranges() {
                let lead = |ch: char| ch.encode_utf8(&mut [0; 4]).as_bytes()[0] as usize;
                set[lead(r.start())..=lead(r.end())].fill(true);
            }
            false
        }
        HirKind::Class(HirClass::Bytes(c)) => {
            for r in c.ranges() {
                set[r.start() as usize..=r.end() as usize].fill(true);
            }
            false
        }
        HirKind::Repetition(rep) => first_bytes(&rep.sub, set) || rep.min == 0,
        HirKind::Capture(cap) => first_bytes(&cap.sub, set),
        HirKind::Concat(subs) => subs.iter().all(|s| first_bytes(s, set)),
        HirKind::Alternation(subs) => {
            // Every branch marks its bytes: no short-circuit.
            let mut nullable = false;
            for s in subs {
                nullable |= first_bytes(s, set);
            }
            nullable
        }
    }
}

fn analyze(pattern: &str) -> Analysis {
    let mut a = Analysis {
        min_len: 0,
        max_len: usize::MAX,
        first: None,
        last: None,
        prefixes: None,
        suffixes: None,
        inner: None,
    };
    // Same syntax settings as `Regex::new`.
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else {
        return a;
    };
    let props = hir.properties();
    let start = props.look_set_prefix().contains(Look::Start);
    let end = props.look_set_suffix().contains(Look::End);
    // No minimum length: the pattern matches nothing.
    a.min_len = props.minimum_len().unwrap_or(usize::MAX);
    if start && end {
        a.max_len = props.maximum_len().unwrap_or(usize::MAX);
    }
    if start {
        let mut set = [false; 256];
        if !first_bytes(&hir, &mut set) {
            a.first = Some(set);
        }
        a.prefixes = prefix_literals(&hir);
    }
    if end {
        let mut set = [false; 256];
        if !last_bytes(&hir, &mut set) {
            a.last = Some(set);
        }
        a.suffixes = literals(&hir, ExtractKind::Suffix);
    }
    if a.prefixes.is_none() {
        // A literal required somewhere: the prefixes of the best suffix of the top-level
        // concatenation (`^.+\((photo|crédit) : …` requires `(photo` or `(crédit`).
        let parts: &[Hir] = match hir.kind() {
            HirKind::Concat(subs) => subs,
            _ => std::slice::from_ref(&hir),
        };
        let mut best: Option<(usize, Vec<Box<[u8]>>)> = None;
        // (At most the first 16 positions: a cost bound for huge user patterns.)
        for j in 0..parts.len().min(16) {
            let Some(lits) = prefix_literals(&Hir::concat(parts[j..].to_vec())) else {
                continue;
            };
            let shortest = lits.iter().map(|l| l.len()).min().unwrap_or(0);
            if best.as_ref().map_or(true, |(b, _)| shortest > *b) {
                best = Some((shortest, lits));
            }
        }
        a.inner = best.map(|(_, lits)| lits);
    }
    a
}

/// Up to this many `prefix` rules are compared one by one.
const MAX_FEW_PREFIXES: usize = 8;

#[derive(Clone, Debug)]
enum Prefixes {
    Few(Vec<(String, usize)>),
    Many(AhoCorasick, Vec<usize>),
}

/// All rules compiled for matching: a hash map for `exact`, one anchored Aho-Corasick automaton
/// for `prefix`, and for `regex` the compiled patterns with cheap filters (length bounds, first
/// byte, literal prefixes, one Aho-Corasick automaton over the literals that patterns require
/// inside the line); a regex runs only on the lines that pass its filters.
#[derive(Clone, Debug)]
pub(crate) struct RuleSet {
    rules: Vec<Rule>,
    exact: FxHashMap<Box<str>, usize>,
    /// Longest `exact` pattern, in bytes.
    max_exact: usize,
    /// `prefix` patterns and their rules: compared one by one when they are few, else with one
    /// anchored automaton.
    prefix: Prefixes,
    /// Possible first bytes of a line matched by a `prefix` rule.
    prefix_first: Box<[bool; 256]>,
    regexes: Vec<RegexRule>,
    /// For each first byte of a key, the regex rules that may match it, in rule order.
    by_first: Vec<Vec<Candidate>>,
}

/// A regex rule that may match keys starting with a given byte, with the checks that come
/// first (kept here, next to each other, rather than in the larger [`RegexRule`]).
#[derive(Clone, Debug)]
struct Candidate {
    /// Index in `RuleSet::regexes`.
    regex: u32,
    /// Every match is at least this long, so the key is too.
    min_len: usize,
    /// For a pattern anchored at both ends (`^…$`), the key is at most this long.
    max_len: usize,
    /// The possible last bytes of the key (bit set; every byte when the pattern is not
    /// anchored at the end or can match the empty string): `[^.!?]*$` rejects prose, which
    /// ends with a `.`, at once.
    last: [u64; 4],
    /// For a pattern anchored at the start: the rule's prefix literals that start with this
    /// byte (the others cannot match); the key starts with one of them.
    prefixes: Option<Literals>,
}

impl RuleSet {
    pub(crate) fn compile(rules: Vec<Rule>) -> Result<RuleSet, Error> {
        let mut exact = FxHashMap::default();
        let mut max_exact = 0;
        let mut prefixes = Vec::new();
        let mut prefix_ids = Vec::new();
        let mut prefix_first = Box::new([false; 256]);
        let mut regexes = Vec::new();
        let mut by_first = vec![Vec::new(); 256];
        for (i, r) in rules.iter().enumerate() {
            match (r.kind, &r.regex) {
                (Kind::Exact, _) => {
                    max_exact = max_exact.max(r.pattern.len());
                    exact.entry(r.pattern.as_str().into()).or_insert(i);
                }
                (Kind::Prefix, _) => {
                    match r.pattern.as_bytes().first() {
                        Some(&b) => prefix_first[b as usize] = true,
                        None => prefix_first.fill(true),
                    }
                    prefixes.push(r.pattern.clone());
                    prefix_ids.push(i);
                }
                (Kind::Regex, None) => {}
                (Kind::Regex, Some(regex)) => {
                    let a = analyze(regex.as_str());
                    let idx = regexes.len() as u32;
                    let inner = a.inner.as_deref().map(Inner::new).transpose()?;
                    let mut last = [u64::MAX; 4];
                    if let Some(set) = &a.last {
                        last = [0; 4];
                        for (b, _) in set.iter().enumerate().filter(|(_, &can)| can) {
                            last[b / 64] |= 1 << (b % 64);
                        }
                    }
                    for (b, bucket) in by_first.iter_mut().enumerate() {
                        if !a.first.map_or(true, |f| f[b]) {
                            continue;
                        }
                        let prefixes = match &a.prefixes {
                            None => None,
                            Some(lits) => {
                                let lits: Vec<Box<[u8]>> = lits
                                    .iter()
                                    .filter(|l| l.first() == Some(&(b as u8)))
                                    .cloned()
                                    .collect();
                                if lits.is_empty() {
                                    continue; // every match starts with another byte
                                }
                                Some(Literals::prefixes(lits))
                            }
                        };
                        bucket.push(Candidate {
                            regex: idx,
                            min_len: a.min_len,
                            max_len: a.max_len,
                            last,
                            prefixes,
                        });
                    }
                    regexes.push(RegexRule {
                        rule: i,
                        regex: regex.clone(),
                        suffixes: a.suffixes.map(Literals::suffixes),
                        inner,
                    });
                }
            }
        }
        let compile_error = |e: aho_corasick::BuildError| Error::Compile {
            source: Box::new(e),
        };
        let prefix = if prefixes.len() <= MAX_FEW_PREFIXES {
            Prefixes::Few(prefixes.into_iter().zip(prefix_ids).collect())
        } else {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .start_kind(StartKind::Anchored)
                .build(&prefixes)
                .map_err(compile_error)?;
            Prefixes::Many(ac, prefix_ids)
        };
        Ok(RuleSet {
            rules,
            exact,
            max_exact,
            prefix,
            prefix_first,
            regexes,
            by_first,
        })
    }

    /// The rule matching a line key, if any: `exact` first, then `prefix`, then `regex`; within
    /// a kind, the rule listed first wins.
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        let &b0 = key.as_bytes().first()?;
        let &last = key.as_bytes().last()?;
        if key.len() <= self.max_exact {
            if let Some(&i) = self.exact.get(key) {
                return Some(i);
            }
        }
        if self.prefix_first[b0 as usize] {
            match &self.prefix {
                Prefixes::Few(few) => {
                    if let Some(&(_, i)) = few.iter().find(|(p, _)| key.starts_with(p.as_str())) {
                        return Some(i);
                    }
                }
                Prefixes::Many(ac, ids) => {
                    if let Some(m) = ac.find(Input::new(key).anchored(Anchored::Yes)) {
                        return Some(ids[m.pattern().as_usize()]);
                    }
                }
            }
        }
        let mut guards = GuardCache::default();
        for c in &self.by_first[b0 as usize] {
            if key.len() < c.min_len
                || key.len() > c.max_len
                || c.last[usize::from(last / 64)] & (1 << (last % 64)) == 0
            {
                continue;
            }
            if let Some(p) = &c.prefixes {
                if !p.any_prefix_of(key.as_bytes()) {
                    continue;
                }
            }
            let r = &self.regexes[c.regex as usize];
            if let Some(p) = &r.suffixes {
                if !p.any_suffix_of(key.as_bytes()) {
                    continue;
                }
            }
            if let Some(inner) = &r.inner {
                if !inner.is_in(key, &mut guards) {
                    continue;
                }
            }
            if r.regex.is_match(key) {
                return Some(r.rule);
            }
        }
        None
    }

    /// The `exact` patterns (line keys).
    pub(crate) fn exact_patterns(&self) -> impl Iterator<Item = &str> {
        self.exact.keys().map(|p| &**p)
    }

    /// The rule at an index returned by [`find`](Self::find).
    pub(crate) fn get(&self, i: usize) -> &Rule {
        &self.rules[i]
    }

    /// Number of rules.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(src: &str) -> RuleSet {
        RuleSet::compile(parse_rules(src, "test").unwrap()).unwrap()
    }

    fn find<'a>(s: &'a RuleSet, line: &str) -> Option<&'a str> {
        let mut k = String::new();
        line_key(line, &mut k);
        s.find(&k).map(|r| s.get(r).id.as_str())
    }

    #[test]
    fn exact_prefix_and_regex_rules_match_whole_lines() {
        let s = set("# comment\n\na\tchrome\texact\tPARTAGEZ :\nb\tconsent\tprefix\tNous utilisons\nc\tad\tregex\t^pub(licité)?$\n");
        assert_eq!(find(&s, "Partagez:"), Some("a"));
        assert_eq!(find(&s, "  partagez  : "), Some("a"));
        assert_eq!(find(&s, "Nous utilisons vos données"), Some("b"));
        assert_eq!(find(&s, "Alors nous utilisons"), None);
        assert_eq!(find(&s, "Publicité"), Some("c"));
        assert_eq!(find(&s, "Publicité payante"), None);
    }

    #[test]
    fn bad_rule_files_are_rejected_with_their_line() {
        let e = parse_rules("x\tchrome\texact\n", "user").unwrap_err();
        assert!(matches!(e, Error::RuleSyntax { line: 1, .. }), "{e:?}");
        let e = parse_rules("# c\nx\tmenu\texact\tfoo\n", "user").unwrap_err();
        assert!(matches!(e, Error::UnknownClass { line: 2, .. }), "{e:?}");
        let e = parse_rules("x\tchrome\tglob\tfoo\n", "user").unwrap_err();
        assert!(matches!(e, Error::UnknownKind { .. }), "{e:?}");
        let e = parse_rules("x\tchrome\tregex\t(unclosed\n", "user").unwrap_err();
        assert!(matches!(e, Error::InvalidRegex { .. }), "{e:?}");
    }

    #[test]
    fn builtin_packs_compile_and_catch_the_issue_strings() {
        let mut rules = parse_pack(Pack::Fr).unwrap();
        rules.extend(parse_pack(Pack::En).unwrap());
        let s = RuleSet::compile(rules).unwrap();
        assert!(s.len() > 40);
        for line in [
            "Suivez nous sur",
            "PARTAGEZ:",
            "Partagez cet article:",
            "Publié le",
            "on",
            "Publicité",
            "Tendance",
            "A lire aussi",
            "Réagir",
            "Toutes les news Monde",
            "ALERTE INFO",
            "1/2",
            "Nous utilisons votre inscription pour fournir du contenu de la manière que vous avez consentie.",
            "EU Reporter publie des articles provenant de diverses sources extérieures.",
        ] {
            assert!(find(&s, line).is_some(), "{line:?} not matched");
        }
        for prose in [
            "Il a refusé.",
            "\"Non\", a-t-il dit.",
            "Le gouvernement a démissionné jeudi.",
        ] {
            assert_eq!(find(&s, prose), None, "{prose:?}");
        }
    }
    /// `find` without the filters: the first matching rule by kind, then in file order.
    fn find_reference(rules: &[Rule], key: &str) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        let by_kind = |kind: Kind| {
            rules.iter().position(|r| {
                r.kind == kind
                    && match kind {
                        Kind::Exact => r.pattern == key,
                        Kind::Prefix => key.starts_with(&r.pattern),
                        Kind::Regex => r.regex.as_ref().is_some_and(|re| re.is_match(key)),
                    }
            })
        };
        by_kind(Kind::Exact)
            .or_else(|| by_kind(Kind::Prefix))
            .or_else(|| by_kind(Kind::Regex))
    }

    fn packs() -> Vec<Rule> {
        let mut rules = parse_pack(Pack::Fr).unwrap();
        rules.extend(parse_pack(Pack::En).unwrap());
        rules
    }

    #[test]
    fn filters_are_derived_from_the_patterns() {
        let a = analyze("^(publicité|pub)$");
        assert_eq!((a.min_len, a.max_len), (3, "publicité".len()));
        let first = a.first.unwrap();
        assert!(first[b'p' as usize] && !first[b'x' as usize]);
        assert_eq!(a.prefixes.unwrap().len(), 2);
        let a = analyze(r"^.+\((photo|crédit)s? ?: [^)]+\)$");
        assert!(a.first.is_none() || a.first.unwrap()[b'x' as usize]);
        let inner = a.inner.unwrap();
        assert!(inner.iter().all(|l| l.starts_with(b"(")), "{inner:?}");
        let a = analyze(r"^(réagir|\d+ commentaires?)$");
        assert_eq!(a.max_len, usize::MAX);
        assert!(a
            .suffixes
            .unwrap()
            .iter()
            .any(|l| &l[..] == "réagir".as_bytes()));
        let a = analyze("cookies");
        assert!(a.first.is_none() && a.prefixes.is_none());
        assert_eq!(
            a.inner.unwrap(),
            vec![b"cookies".to_vec().into_boxed_slice()]
        );
        let a = analyze("^a*$");
        assert!(a.first.is_none(), "can match the empty string");
        assert!(a.last.is_none(), "can match the empty string");
        let last = analyze("^[^.!?]+, publié le [^.!?]*$").last.unwrap();
        assert!(!last[b'.' as usize] && last[b'e' as usize] && last[b' ' as usize]);
        assert!(last[0xA9], "the last byte of `é`");
        let last = analyze(r"^(crédit|photo)\s?:.*(?-u:\b)$").last.unwrap();
        assert!(last[b':' as usize] && last[b'x' as usize] && last[0x80]);
        assert!(
            analyze("^(crédit|photo)").last.is_none(),
            "not anchored at the end"
        );
    }

    #[test]
    fn filtered_find_agrees_with_brute_force_on_seed_lines() {
        let rules = packs();
        let s = RuleSet::compile(rules.clone()).unwrap();
        let mut key = String::new();
        let seeds = [
            include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
            include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
            include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
            include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
            include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
        ];
        let mut matched = 0;
        for line in seeds.iter().flat_map(|s| s.lines()) {
            line_key(line, &mut key);
            let want = find_reference(&rules, &key);
            assert_eq!(s.find(&key), want, "{key:?}");
            matched += usize::from(want.is_some());
        }
        assert!(matched > 10, "{matched}");
    }

    proptest::proptest! {
        #[test]
        fn literals_agree_with_starts_and_ends_with(
            lits in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(b"ab\x00\xc3".to_vec()), 1..12), 1..5),
            key in proptest::collection::vec(proptest::sample::select(b"ab\x00\xc3".to_vec()), 0..20),
        ) {
            let boxed = || lits.iter().map(|l| l.clone().into_boxed_slice()).collect::<Vec<_>>();
            let (p, s) = (Literals::prefixes(boxed()), Literals::suffixes(boxed()));
            proptest::prop_assert_eq!(p.any_prefix_of(&key), lits.iter().any(|l| key.starts_with(l)));
            proptest::prop_assert_eq!(s.any_suffix_of(&key), lits.iter().any(|l| key.ends_with(l)));
        }
    }

    proptest::proptest! {
        /// Literals that all hold a guard byte are compared where the guard is in the key: the
        /// same answer as looking for each of them anywhere.
        #[test]
        fn guarded_literals_agree_with_contains(
            lits in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(b"ab/\xc3".to_vec()), 0..6), 2..5),
            key in proptest::collection::vec(proptest::sample::select(b"ab/\xc3".to_vec()), 0..24),
        ) {
            let lits: Vec<Box<[u8]>> = lits
                .into_iter()
                .map(|mut l| {
                    l.insert(l.len() / 2, b'/');
                    l.into_boxed_slice()
                })
                .collect();
            let inner = Inner::new(&lits).unwrap();
            proptest::prop_assert!(matches!(inner.search, InnerSearch::AroundGuard(_)));
            let key = String::from_utf8_lossy(&key);
            let want = lits.iter().any(|l| memchr::memmem::find(key.as_bytes(), l).is_some());
            proptest::prop_assert_eq!(inner.is_in(&key, &mut GuardCache::default()), want);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        #[test]
        fn filtered_find_agrees_with_brute_force(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "publié le", " ", ", ", "afp/", "reuters/", "(photo : ", ")", "12", ":", "39", "h",
                "/", "3", "juillet", "2020", "à", "°c", "%", " pts", "cac 40", "réagir", "©",
                "commentaires", "suivez-nous", "sur", "facebook", "a la une", "news", "le",
                "gouvernement", ".", "x", "é", "partagez", "tendance", "lire aussi", "publicité",
                "nous utilisons votre inscription pour", "ap", "comments", "follow us", "-",
            ]),
            1..8,
        )) {
            static RULES: std::sync::OnceLock<(Vec<Rule>, RuleSet)> = std::sync::OnceLock::new();
            let (rules, s) = RULES.get_or_init(|| (packs(), RuleSet::compile(packs()).unwrap()));
            let mut key = String::new();
            line_key(&parts.concat(), &mut key);
            proptest::prop_assert_eq!(s.find(&key), find_reference(rules, &key), "{:?}", key);
        }
    }
}
