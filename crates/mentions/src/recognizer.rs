//! [`Recognizer`] and its builder: gazetteer matching, rules and coreference over sentence spans.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::Arc;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::{contiguous, noncontiguous};
use aho_corasick::{Anchored, MatchKind, PatternID};

use crate::coref;
use crate::lexicon::{Lexicon, WordMap};
use crate::rules::{self, Run};
use crate::scan::{self, Token, Tokens};
use crate::{EntityType, Error, Gazetteer, Mention, Method};

/// Builds a [`Recognizer`].
///
/// ```
/// use toolkit_mentions::{Gazetteer, RecognizerBuilder};
/// let extra = Gazetteer::from_tsv("org:acme\tORG\tAcme\tACME Corp\n").unwrap();
/// let mut gazetteer = Gazetteer::default_fr();
/// gazetteer.extend(extra);
/// let rec = RecognizerBuilder::new().gazetteer(gazetteer).coref(false).build().unwrap();
/// let text = "ACME Corp s'installe à Moscou.";
/// let found: Vec<&str> = rec.find(text, &[(0, text.len())]).iter().map(|m| m.surface(text)).collect();
/// assert_eq!(found, ["ACME Corp", "Moscou"]);
/// ```
#[derive(Clone, Debug)]
pub struct RecognizerBuilder {
    gazetteer: Option<Gazetteer>,
    lexicon: Option<Lexicon>,
    rules: bool,
    coref: bool,
}

impl Default for RecognizerBuilder {
    fn default() -> Self {
        RecognizerBuilder::new()
    }
}

impl RecognizerBuilder {
    /// Default settings: the French gazetteer and lexicon, rules and coreference on.
    pub fn new() -> RecognizerBuilder {
        RecognizerBuilder {
            gazetteer: None,
            lexicon: None,
            rules: true,
            coref: true,
        }
    }

    /// Uses this gazetteer instead of [`Gazetteer::default_fr`] (extend the default one to add entities).
    pub fn gazetteer(&mut self, gazetteer: Gazetteer) -> &mut RecognizerBuilder {
        self.gazetteer = Some(gazetteer);
        self
    }

    /// Uses these word lists instead of [`Lexicon::default_fr`].
    pub fn lexicon(&mut self, lexicon: Lexicon) -> &mut RecognizerBuilder {
        self.lexicon = Some(lexicon);
        self
    }

    /// Whether to find names no gazetteer knows from capitalisation and cues (default on).
    pub fn rules(&mut self, yes: bool) -> &mut RecognizerBuilder {
        self.rules = yes;
        self
    }

    /// Whether to link short forms (`M. Stoltenberg`, `Stoltenberg`) to a fuller person mention of the
    /// same text (default on).
    pub fn coref(&mut self, yes: bool) -> &mut RecognizerBuilder {
        self.coref = yes;
        self
    }

    /// Builds the alias automaton.
    pub fn build(&self) -> Result<Recognizer, Error> {
        let gazetteer = self.gazetteer.clone().unwrap_or_else(Gazetteer::default_fr);
        let lexicon = self.lexicon.clone().unwrap_or_else(Lexicon::default_fr);
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Target> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        for (ei, e) in gazetteer.entities().iter().enumerate() {
            let ei = ei as u32;
            for alias in std::iter::once(&e.canonical).chain(e.aliases.iter()) {
                for (variant, exact) in variants(alias) {
                    if variant.chars().count() < 2 || (!exact && lexicon.is_stopword(&variant)) {
                        continue;
                    }
                    if seen.insert(variant.clone()) {
                        let given_name = lexicon.is_given_name(&variant);
                        patterns.push(variant);
                        targets.push(Target {
                            entity: ei,
                            confidence: if exact { 0.95 } else { 0.9 },
                            given_name,
                        });
                    }
                }
            }
        }
        let automaton = Aliases::new(&patterns)?;
        let entities = gazetteer
            .entities()
            .iter()
            .map(|e| Known {
                id: e.id.as_str().into(),
                canonical: e.canonical.as_str().into(),
                entity_type: e.entity_type,
            })
            .collect();
        let mut prefixes = PrefixFilter::default();
        for p in &patterns {
            prefixes.add(p);
        }
        Ok(Recognizer {
            inner: Arc::new(Inner {
                automaton,
                prefixes,
                targets,
                entities,
                lexicon,
                rules: self.rules,
                coref: self.coref,
            }),
        })
    }
}

/// What a mention of a gazetteer entity needs: its strings, shared by every mention of it.
#[derive(Debug)]
pub(crate) struct Known {
    pub id: Arc<str>,
    pub canonical: Arc<str>,
    pub entity_type: EntityType,
}

#[derive(Clone, Copy, Debug)]
struct Target {
    entity: u32,
    confidence: f32,
    /// The pattern is a given name (a match has the pattern's bytes, so the same flags).
    given_name: bool,
}

/// Finds entity mentions in text. Built once by [`RecognizerBuilder`]; cheap to clone and share
/// between threads.
#[derive(Clone, Debug)]
pub struct Recognizer {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    automaton: Aliases,
    /// Which word starts may begin a pattern.
    prefixes: PrefixFilter,
    targets: Vec<Target>,
    /// The entities of the gazetteer, in its order (`Target::entity` indexes them).
    entities: Vec<Known>,
    lexicon: Lexicon,
    rules: bool,
    coref: bool,
}

impl Recognizer {
    /// A recognizer with the default settings (see [`RecognizerBuilder::new`]).
    pub fn new() -> Result<Recognizer, Error> {
        RecognizerBuilder::new().build()
    }

    /// Finds the mentions of `text`, sorted by start offset.
    ///
    /// `sentences`: byte spans `(start, end)` of the sentences of `text`, sorted and disjoint; a mention
    /// never crosses a sentence and carries the index of its sentence in this slice. Spans that do not
    /// fall on character boundaries of `text` are skipped. Offsets of the mentions are bytes.
    pub fn find(&self, text: &str, sentences: &[(usize, usize)]) -> Vec<Mention> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                let out = self.find_in(text, sentences, &mut scratch);
                scratch.trim();
                out
            }
            // Only if `find` ever ran inside itself on this thread.
            Err(_) => self.find_in(text, sentences, &mut Scratch::default()),
        })
    }

    fn find_in(
        &self,
        text: &str,
        sentences: &[(usize, usize)],
        scratch: &mut Scratch,
    ) -> Vec<Mention> {
        let inner = &*self.inner;
        let urls = scan::url_spans(text);
        let Scratch {
            found,
            tokens: sentence_tokens,
            caps,
            runs,
            inside,
            id: id_buf,
            rule_names,
            pending_words,
        } = scratch;
        // Sized for the text (a mention every ~60 bytes) so that they rarely grow.
        found.clear();
        found.reserve(text.len() / 64 + 8);
        // Emptied at the end of each call too (its strings are not kept), but a call that
        // panicked would leave offsets into another text.
        rule_names.list.clear();
        inside.clear();
        inside.reserve(text.len() / 64 + 8);
        sentence_tokens.set_text(text);
        for (si, &(s, e)) in sentences.iter().enumerate() {
            let (Some(sent), Some(upto_end)) = (text.get(s..e), text.get(..e)) else {
                continue;
            };
            let first_found = found.len();
            scan::tokenize(upto_end, s, sentence_tokens, &inner.prefixes);
            let tokens = &sentence_tokens.list;
            // Gazetteer: an anchored, leftmost-longest match at each word start that can begin an alias
            // (`starts` only holds those that pass the prefix filter).
            let mut covered = s;
            // Whether a match of this sentence is a given name (see below).
            let mut given_name = false;
            for &ws in &sentence_tokens.starts {
                if ws < covered {
                    continue;
                }
                let Some((pattern, ms, me)) = inner.automaton.longest_at(sent.as_bytes(), ws - s)
                else {
                    continue;
                };
                let (ms, me) = (s + ms, s + me);
                if !scan::on_word_boundaries(text, ms, me) || scan::overlaps(&urls, ms, me) {
                    continue;
                }
                covered = me;
                let t = inner.targets[pattern.as_usize()];
                given_name |= t.given_name;
                found.push(Found {
                    start: ms,
                    end: me,
                    sentence: si,
                    kind: Kind::Gazetteer {
                        entity: t.entity,
                        given_name: t.given_name,
                    },
                    confidence: t.confidence,
                });
            }
            if !inner.rules || shouting(sentence_tokens) {
                continue;
            }
            // A one-word gazetteer hit that is a given name followed by a capitalised word is a person's
            // first name (`Dominique Richard`, `Maurice Papon`): leave it to the rules. (Nothing
            // to do in a sentence where no match is a given name.)
            let given_names = if given_name { first_found } else { found.len() };
            retain_from(found, given_names, |f| {
                if !matches!(
                    f.kind,
                    Kind::Gazetteer {
                        given_name: true,
                        ..
                    }
                ) {
                    return true;
                }
                let n = tokens.partition_point(|t| t.start < f.end);
                !tokens
                    .get(n)
                    .is_some_and(|t| t.joined && t.cap && !inner.lexicon.is_stopword(t.text(text)))
            });
            // A token is blocked when a gazetteer match of this sentence covers it (the matches
            // are sorted and disjoint); runs may start at the capitalised tokens that are not, and
            // those inside a sentence confirm sentence-start words.
            let hits = &found[first_found..];
            let blocked = |k: usize| {
                let t = &tokens[k];
                let g = hits.partition_point(|f| f.end <= t.start);
                hits.get(g).is_some_and(|f| f.start < t.end)
            };
            caps.clear();
            free_caps(tokens, &sentence_tokens.caps, hits, caps, inside);
            runs.clear();
            rules::runs(text, tokens, blocked, caps, &inner.lexicon, runs);
            let gazetteer_end = found.len();
            // Whether a place was merged into a name before it (and emptied).
            let mut merged = false;
            for r in runs.iter() {
                if scan::overlaps(&urls, r.start, r.end) {
                    continue;
                }
                let mut run = Found {
                    start: r.start,
                    end: r.end,
                    sentence: si,
                    kind: Kind::Rule {
                        entity_type: r.entity_type,
                        pending: r.pending,
                        words: r.words,
                    },
                    confidence: r.confidence,
                };
                // `Canadiens de Montréal`, `Université de Paris`, `Tour de France`: a name + `de` + a
                // known place is one name; the place is dropped and the whole typed from the name.
                if let Some(gap) = place_gap(text.as_bytes(), r.end) {
                    let place_start = r.end + gap;
                    let place = found[first_found..gazetteer_end]
                        .binary_search_by_key(&place_start, |f| f.start)
                        .ok()
                        .map(|i| first_found + i)
                        .filter(|&i| match found[i].kind {
                            Kind::Gazetteer { entity: ei, .. } => {
                                inner.entities[ei as usize].entity_type == EntityType::Loc
                            }
                            Kind::Rule { .. } => false,
                        });
                    if let Some(i) = place {
                        let word = &text[r.start..r.end];
                        let entity_type = match r.entity_type {
                            EntityType::Per if r.confidence >= 0.8 => EntityType::Per,
                            EntityType::Org | EntityType::Loc if r.confidence >= 0.75 => {
                                r.entity_type
                            }
                            _ if r.words == 1 && word.ends_with('s') => EntityType::Org,
                            _ => EntityType::Misc,
                        };
                        run.end = found[i].end;
                        run.kind = Kind::Rule {
                            entity_type,
                            pending: false,
                            words: r.words + 1,
                        };
                        run.confidence = 0.6;
                        found[i].end = found[i].start; // emptied, removed below
                        merged = true;
                    }
                }
                found.push(run);
            }
            if merged {
                retain_from(found, first_found, |f| f.start < f.end);
            }
            found[first_found..].sort_by_key(|f| f.start);
        }
        // The pending surfaces that also appear capitalised inside a sentence.
        mark_confirmed(text, found, inside, pending_words);
        let links = if inner.coref {
            coref::link(text, found, &inner.entities)
        } else {
            coref::Links::default()
        };
        let mut out = Vec::with_capacity(found.len());
        for (i, f) in found.iter().enumerate() {
            let person_names = |start: usize, end: usize| {
                rule_names.get(text, start, &text[start..end], EntityType::Per, id_buf)
            };
            let mention = match (f.kind, links.get(i, found, &inner.entities, person_names)) {
                (_, Some((id, canonical))) => Mention {
                    start: f.start,
                    end: f.end,
                    sentence_index: f.sentence,
                    entity_id: Arc::clone(id),
                    canonical: Arc::clone(canonical),
                    entity_type: EntityType::Per,
                    method: Method::Coref,
                    confidence: 0.8,
                },
                (Kind::Gazetteer { entity: ei, .. }, None) => {
                    let e = &inner.entities[ei as usize];
                    Mention {
                        start: f.start,
                        end: f.end,
                        sentence_index: f.sentence,
                        entity_id: Arc::clone(&e.id),
                        canonical: Arc::clone(&e.canonical),
                        entity_type: e.entity_type,
                        method: Method::Gazetteer,
                        confidence: f.confidence,
                    }
                }
                (
                    Kind::Rule {
                        entity_type,
                        pending,
                        ..
                    },
                    None,
                ) => {
                    let surface = &text[f.start..f.end];
                    if pending && pending_words.get(surface.as_bytes()) & CONFIRMED == 0 {
                        continue;
                    }
                    let (id, canonical) =
                        rule_names.get(text, f.start, surface, entity_type, id_buf);
                    Mention {
                        start: f.start,
                        end: f.end,
                        sentence_index: f.sentence,
                        entity_id: id,
                        canonical,
                        entity_type,
                        method: Method::Rule,
                        confidence: f.confidence,
                    }
                }
            };
            out.push(mention);
        }
        rule_names.list.clear();
        out
    }
}

/// The strings of the names found by the rules in one text, so that a name repeated in the text
/// is built and allocated once (its id and canonical form depend on its surface and type only).
#[derive(Debug, Default)]
struct RuleNames {
    list: Vec<RuleName>,
}

/// A name of [`RuleNames`].
#[derive(Debug)]
struct RuleName {
    /// [`RuleNames::key`] of its surface and type: one comparison turns away most other names.
    key: u64,
    /// Where its surface first appears in the text.
    start: usize,
    end: usize,
    id: Arc<str>,
    canonical: Arc<str>,
}

impl RuleNames {
    /// A text names a few dozen things: beyond this many, names are built each time (a linear
    /// search stays cheaper than hashing below it).
    const MAX: usize = 64;

    /// The length (below 2^32: longer surfaces share a key, which only costs comparisons), type,
    /// and first and last bytes of `surface`: names with different keys differ.
    #[inline]
    fn key(surface: &[u8], entity_type: EntityType) -> u64 {
        let (first, last) = match (surface.first(), surface.last()) {
            (Some(&f), Some(&l)) => (u64::from(f), u64::from(l)),
            _ => (0, 0),
        };
        let type_bits: u64 = match entity_type {
            EntityType::Per => 0,
            EntityType::Org => 1,
            EntityType::Loc => 2,
            EntityType::Misc => 3,
        };
        (surface.len() as u64 & 0xFFFF_FFFF) | type_bits << 32 | first << 40 | last << 48
    }

    /// The `(entity_id, canonical)` of the rule mention `surface` (`text[start..]`) of type
    /// `entity_type`; `id_buf` is scratch space.
    fn get(
        &mut self,
        text: &str,
        start: usize,
        surface: &str,
        entity_type: EntityType,
        id_buf: &mut String,
    ) -> (Arc<str>, Arc<str>) {
        let key = Self::key(surface.as_bytes(), entity_type);
        let known = self.list.iter().find(|n| {
            n.key == key && text.as_bytes().get(n.start..n.end) == Some(surface.as_bytes())
        });
        if let Some(n) = known {
            return (Arc::clone(&n.id), Arc::clone(&n.canonical));
        }
        let canonical = coref::canonical_name(surface);
        coref::rule_id(entity_type, &canonical, id_buf);
        let (id, canonical): (Arc<str>, Arc<str>) =
            (Arc::from(id_buf.as_str()), Arc::from(canonical));
        if self.list.len() < Self::MAX {
            self.list.push(RuleName {
                key,
                start,
                end: start + surface.len(),
                id: Arc::clone(&id),
                canonical: Arc::clone(&canonical),
            });
        }
        (id, canonical)
    }
}

/// Buffers of [`Recognizer::find`], kept per thread from one call to the next so that a call
/// allocates little more than its result.
#[derive(Debug, Default)]
struct Scratch {
    found: Vec<Found>,
    tokens: Tokens,
    caps: Vec<usize>,
    runs: Vec<Run>,
    /// Capitalised words seen inside a sentence: they confirm the same word at a sentence start.
    inside: Vec<(usize, usize)>,
    /// The id of a rule mention, built here then copied into its `Arc<str>`.
    id: String,
    rule_names: RuleNames,
    /// The surfaces of the pending rule mentions of a text ([`mark_confirmed`]).
    pending_words: WordMap,
}

impl Scratch {
    /// Drops the buffers that a long text made large, so that a thread keeps at most a few
    /// hundred kilobytes between calls.
    fn trim(&mut self) {
        const KEEP: usize = 4096;
        fn trim<T>(v: &mut Vec<T>) {
            if v.capacity() > KEEP {
                *v = Vec::new();
            }
        }
        trim(&mut self.found);
        if self.tokens.capacity() > KEEP {
            self.tokens = Tokens::default();
        }
        trim(&mut self.caps);
        trim(&mut self.runs);
        trim(&mut self.inside);
        if self.pending_words.capacity() > KEEP {
            self.pending_words = WordMap::default();
        }
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A cheap test run before each anchored automaton search: most word starts (`de`, `le`, `pour`)
/// cannot begin any alias, and a failed search costs far more than a few bit probes.
///
/// Patterns of two or three bytes are keyed by their first two bytes, those of four or five by a
/// 16-bit hash of their first four, longer ones by a 16-bit hash of their first six (`Le Monde`
/// and `Le gouvernement` share four): a word start passes if one key of the text there is set for
/// its length class, and the first two bytes begin some pattern. No pattern is ever missed (every
/// pattern has at least two bytes); a false positive only costs a search.
///
/// Where the tokenizer knows the whole word at the start (`KeepStart::keep_word`: a run of
/// alphanumeric characters, then something that is not), that word is probed first: a match at
/// word boundaries there begins with the whole word, so it must be the first word of some pattern
/// (those are kept by first byte and length, then keyed by a hash of their length and first eight
/// bytes). Most words fail those probes; the others (`de`, `pays`, `Jean`) go through the probes
/// above.
#[derive(Clone, Debug)]
struct PrefixFilter {
    /// The first two bytes of every pattern: most word starts fail this probe.
    first_two: Box<Bits16>,
    short: Box<Bits16>,
    mid: Box<Bits16>,
    long: Box<Bits16>,
    /// The first words of the patterns (up to the first character that is not alphanumeric).
    words: Box<WordBits>,
    /// For each byte, bit `len % 64` set for the byte length `len` of every first word of a
    /// pattern that starts with it: a probe with no hashing, that rejects most lowercase words.
    /// (Modulo rather than capped, so that the probe is one bit test: a shift count is taken
    /// modulo 64 by the machine; lengths 64 apart only share a bit, which never rejects a word.)
    heads: Box<[u64; 256]>,
}

/// One bit per [`PrefixFilter::word_key`].
type WordBits = [u64; (1 << PrefixFilter::WORD_KEY_BITS) / 64];

/// One bit per 16-bit key (a fixed size, so that probes need no bounds check).
type Bits16 = [u64; (1 << 16) / 64];

impl Default for PrefixFilter {
    fn default() -> Self {
        PrefixFilter {
            first_two: Box::new([0; (1 << 16) / 64]),
            short: Box::new([0; (1 << 16) / 64]),
            mid: Box::new([0; (1 << 16) / 64]),
            long: Box::new([0; (1 << 16) / 64]),
            words: Box::new([0; (1 << PrefixFilter::WORD_KEY_BITS) / 64]),
            heads: Box::new([0; 256]),
        }
    }
}

impl scan::KeepStart for PrefixFilter {
    #[inline(always)]
    fn keep(&self, rest: &[u8]) -> bool {
        self.may_match(rest)
    }

    #[inline(always)]
    fn keep_word(&self, rest: &[u8], word_len: usize) -> bool {
        // The first byte and length, then the word probe, reject most words; frequent first
        // words of patterns (`de`, `pays`) are then probed as any word start.
        let Some(&first) = rest.first() else {
            return false;
        };
        if self.heads[usize::from(first)] & Self::length_bit(word_len) == 0 {
            return false;
        }
        let k = Self::word_key(rest, word_len);
        self.words[k >> 6] & (1 << (k & 63)) != 0 && self.may_match(rest)
    }
}

impl PrefixFilter {
    /// 2^18 bits (32 KiB): a few thousand first words leave most bits clear.
    const WORD_KEY_BITS: u32 = 18;

    /// The bit of [`PrefixFilter::heads`] for a word of `len` bytes.
    #[inline(always)]
    fn length_bit(len: usize) -> u64 {
        1 << (len % 64)
    }

    /// A hash of the length of the word `b[..len]` (`1 <= len <= b.len()`) and of its first
    /// (at most) eight bytes, below `2^WORD_KEY_BITS`.
    #[inline(always)]
    fn word_key(b: &[u8], len: usize) -> usize {
        let x = match b.get(..8) {
            Some(eight) => Self::head(eight, 8),
            None => Self::head(b, b.len()),
        };
        // Keep the first `min(len, 8)` bytes.
        let x = x & (u64::MAX >> (8 * 8usize.saturating_sub(len)));
        let x = x ^ (len as u64).rotate_right(8);
        (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::WORD_KEY_BITS)) as usize
    }

    #[inline]
    fn short_key(b: &[u8]) -> usize {
        usize::from(b[0]) << 8 | usize::from(b[1])
    }

    /// A 16-bit hash of the first `n` (at most 8) bytes of the little-endian `x`.
    #[inline]
    fn hash_key(x: u64, n: u32) -> usize {
        let x = x & (u64::MAX >> (64 - 8 * n));
        (x.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
    }

    /// The first `n <= 8` bytes of `b` (which has at least `n`) as a little-endian number.
    #[inline]
    fn head(b: &[u8], n: usize) -> u64 {
        let mut w = [0u8; 8];
        w[..n].copy_from_slice(&b[..n]);
        u64::from_le_bytes(w)
    }

    fn add(&mut self, pattern: &str) {
        // The first word: up to the first character that is not alphanumeric (a pattern that
        // starts with one never matches at a word start).
        let word_len = first_word_len(pattern);
        if word_len > 0 {
            let k = Self::word_key(pattern.as_bytes(), word_len);
            self.words[k >> 6] |= 1 << (k & 63);
            self.heads[usize::from(pattern.as_bytes()[0])] |= Self::length_bit(word_len);
        }
        let pattern = pattern.as_bytes();
        if pattern.len() >= 2 {
            set_bit(&mut self.first_two, Self::short_key(pattern));
        }
        match pattern.len() {
            0 | 1 => {}
            2 | 3 => set_bit(&mut self.short, Self::short_key(pattern)),
            4 | 5 => set_bit(&mut self.mid, Self::hash_key(Self::head(pattern, 4), 4)),
            _ => set_bit(&mut self.long, Self::hash_key(Self::head(pattern, 6), 6)),
        }
    }

    /// Whether a pattern may start at the beginning of `rest`.
    #[inline(always)]
    fn may_match(&self, rest: &[u8]) -> bool {
        if let Some(eight) = rest.get(..8) {
            // The usual case, without branches: the answer depends on the text, and a branch on
            // it is often mispredicted (measured: fewer instructions with branches, but slower).
            let x = Self::head(eight, 8);
            let (k2, k4, k6) = (
                Self::short_key(rest),
                Self::hash_key(x, 4),
                Self::hash_key(x, 6),
            );
            get_bit(&self.first_two, k2)
                & (get_bit(&self.short, k2) | get_bit(&self.mid, k4) | get_bit(&self.long, k6))
        } else {
            let n = rest.len();
            n >= 2
                && get_bit(&self.first_two, Self::short_key(rest))
                && (get_bit(&self.short, Self::short_key(rest))
                    || n >= 4 && get_bit(&self.mid, Self::hash_key(Self::head(rest, 4), 4))
                    || n >= 6 && get_bit(&self.long, Self::hash_key(Self::head(rest, 6), 6)))
        }
    }
}

/// The length in bytes of the first word of `s`: up to its first character that is not alphanumeric.
fn first_word_len(s: &str) -> usize {
    s.char_indices()
        .find(|&(_, c)| !scan::is_alnum(c))
        .map_or(s.len(), |(k, _)| k)
}

fn set_bit(bits: &mut Bits16, k: usize) {
    bits[(k >> 6) & 1023] |= 1 << (k & 63);
}

#[inline]
fn get_bit(bits: &Bits16, k: usize) -> bool {
    bits[(k >> 6) & 1023] & (1 << (k & 63)) != 0
}

/// The automaton of the alias spellings, searched only anchored at word starts.
#[derive(Clone, Debug)]
enum Aliases {
    /// The compact one, when its state ids fit.
    Contiguous(contiguous::NFA),
    Noncontiguous(noncontiguous::NFA),
}

impl Aliases {
    fn new(patterns: &[String]) -> Result<Aliases, Error> {
        let built = contiguous::Builder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns);
        Ok(match built {
            Ok(nfa) => Aliases::Contiguous(nfa),
            Err(_) => Aliases::Noncontiguous(
                noncontiguous::Builder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns)
                    .map_err(Error::Automaton)?,
            ),
        })
    }

    #[cfg(test)]
    fn patterns_len(&self) -> usize {
        match self {
            Aliases::Contiguous(nfa) => nfa.patterns_len(),
            Aliases::Noncontiguous(nfa) => nfa.patterns_len(),
        }
    }

    /// The leftmost-longest match that starts at `hay[start..]`, if any: its pattern, start and
    /// end.
    #[inline]
    fn longest_at(&self, hay: &[u8], start: usize) -> Option<(PatternID, usize, usize)> {
        match self {
            Aliases::Contiguous(nfa) => longest_at(nfa, hay, start),
            Aliases::Noncontiguous(nfa) => longest_at(nfa, hay, start),
        }
    }
}

/// An anchored leftmost-longest search of `aut` at `hay[start..]`: the loop of the crate's own
/// search (`try_find` with `Anchored::Yes`), walked here because its set-up (the `Input`, the
/// checks, the dynamic call) costs more than the walk of most word starts.
#[inline(always)]
fn longest_at<A: Automaton>(
    aut: &A,
    hay: &[u8],
    start: usize,
) -> Option<(PatternID, usize, usize)> {
    let mut sid = aut.start_state(Anchored::Yes).ok()?;
    let mut found = None;
    if aut.is_match(sid) {
        let pattern = aut.match_pattern(sid, 0);
        found = Some((pattern, start - aut.pattern_len(pattern), start));
    }
    for (at, &b) in hay.iter().enumerate().skip(start) {
        sid = aut.next_state(Anchored::Yes, sid, b);
        if aut.is_special(sid) {
            if aut.is_dead(sid) {
                break;
            }
            if aut.is_match(sid) {
                let pattern = aut.match_pattern(sid, 0);
                // A match state may carry a match that starts later (reached by a failure
                // transition in an unanchored search): only those that start here count.
                let match_start = at + 1 - aut.pattern_len(pattern);
                if match_start <= start {
                    found = Some((pattern, match_start, at + 1));
                }
            }
        }
    }
    found
}

/// A mention before ids are resolved.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub sentence: usize,
    pub kind: Kind,
    pub confidence: f32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Gazetteer {
        /// The index of the entity in [`Inner::entities`].
        entity: u32,
        /// The match is a given name ([`Target::given_name`]).
        given_name: bool,
    },
    Rule {
        entity_type: EntityType,
        pending: bool,
        words: usize,
    },
}

/// Pushes to `caps` the indices of `all_caps` (capitalised tokens of `tokens`, in order) whose
/// token no match of `hits` (sorted and disjoint) covers, and to `inside` the spans of those that
/// do not start a sentence. Both lists are in order: one walk over the two, not a search per
/// capital.
fn free_caps(
    tokens: &[Token],
    all_caps: &[usize],
    hits: &[Found],
    caps: &mut Vec<usize>,
    inside: &mut Vec<(usize, usize)>,
) {
    let mut g = 0;
    for &k in all_caps {
        let t = &tokens[k];
        while hits.get(g).is_some_and(|f| f.end <= t.start) {
            g += 1;
        }
        if !hits.get(g).is_some_and(|f| f.start < t.end) {
            caps.push(k);
            if !t.initial {
                inside.push((t.start, t.end));
            }
        }
    }
}

/// The length of the gap between a name ending at `end` and a place after it (`Tour de France`):
/// a space then `de `, `d'`, `d’` or `du `; `None` for anything else. One match on the bytes
/// rather than a prefix test a spelling.
#[inline]
fn place_gap(text: &[u8], end: usize) -> Option<usize> {
    match text.get(end..)? {
        [b' ', b'd', b'e' | b'u', b' ', ..] => Some(4),
        [b' ', b'd', b'\'', ..] => Some(3),
        // `’` is E2 80 99 in UTF-8.
        [b' ', b'd', 0xE2, 0x80, 0x99, ..] => Some(5),
        _ => None,
    }
}

/// Keeps, among `v[from..]`, the items for which `keep` holds (in order); `v[..from]` is untouched.
fn retain_from<T: Copy>(v: &mut Vec<T>, from: usize, mut keep: impl FnMut(&T) -> bool) {
    let mut w = from;
    for r in from..v.len() {
        let item = v[r];
        if keep(&item) {
            v[w] = item;
            w += 1;
        }
    }
    v.truncate(w);
}

/// A pending surface in [`PendingWords`].
const PENDING: u8 = 1;
/// A pending surface that a capitalised word inside a sentence confirms.
const CONFIRMED: u8 = 2;

/// Marks in `words` (emptied first) the surfaces of the pending rule mentions of `found` as
/// [`PENDING`], and those that are also the word `text[s..e]` of some span of `inside` as
/// [`CONFIRMED`]. Only the inside words of a shape (length, first and last bytes) some pending
/// word has are asked. (Out of line: inlined into `find_in`, the whole cost 0.5 M instructions
/// more on 3,000 pages.)
#[inline(never)]
fn mark_confirmed(text: &str, found: &[Found], inside: &[(usize, usize)], words: &mut WordMap) {
    let bytes = text.as_bytes();
    let (mut any, mut shapes) = (false, 0u64);
    words.clear();
    for f in found {
        if !matches!(f.kind, Kind::Rule { pending: true, .. }) {
            continue;
        }
        let w = &bytes[f.start..f.end];
        any = true;
        shapes |= shape_bit(w);
        words.add(w, PENDING);
    }
    if !any {
        return;
    }
    for &(s, e) in inside {
        let w = &bytes[s..e];
        if shapes & shape_bit(w) == 0 {
            continue;
        }
        // Only pending words are in `words`.
        if let Some(bits) = words.get_mut(w) {
            *bits |= CONFIRMED;
        }
    }
}

/// One of 64 bits, for the length and the first and last bytes of a word: equal words have the
/// same bit (a 64-bit shift is one instruction, a 128-bit one several).
#[inline]
fn shape_bit(w: &[u8]) -> u64 {
    let (first, last) = match (w.first(), w.last()) {
        (Some(&f), Some(&l)) => (usize::from(f), usize::from(l)),
        _ => (0, 0),
    };
    1 << ((w.len() ^ first << 2 ^ last.wrapping_mul(5)) & 63)
}

/// A sentence written mostly in capitals (a headline, a shouted caption): capitalisation says nothing there.
fn shouting(tokens: &Tokens) -> bool {
    tokens.upper >= 3 && tokens.upper > 2 * tokens.other
}

/// The spellings of `alias` that are matched, with `true` for the alias as written: the alias; `'`/`’`
/// swapped; an acronym in title case (`OTAN` → `Otan`); the whole alias in capitals (`MOSCOU`, for
/// datelines and headlines); a lowercase-initial alias capitalised (`talibans` → `Talibans`); capitals
/// without accents (`États-Unis` → `Etats-Unis`, `ÉTATS-UNIS` → `ETATS-UNIS`).
fn variants(alias: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = vec![(alias.to_string(), true)];
    let push = |s: String, out: &mut Vec<(String, bool)>| {
        if !out.iter().any(|(v, _)| *v == s) {
            out.push((s, false));
        }
    };
    let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
    let is_acronym =
        letters.len() >= 3 && letters.iter().all(|c| c.is_uppercase()) && !alias.contains(' ');
    if is_acronym {
        let mut chars = alias.chars();
        if let Some(f) = chars.next() {
            push(f.to_string() + &chars.as_str().to_lowercase(), &mut out);
        }
    } else if letters.iter().any(|c| c.is_lowercase()) {
        push(alias.to_uppercase(), &mut out);
    }
    if let Some(f) = alias.chars().next().filter(|c| c.is_lowercase()) {
        push(
            f.to_uppercase().collect::<String>() + &alias[f.len_utf8()..],
            &mut out,
        );
    }
    let base: Vec<String> = out.iter().map(|(v, _)| v.clone()).collect();
    for v in &base {
        let plain: String = v.chars().map(strip_upper_accent).collect();
        push(plain, &mut out);
    }
    let base: Vec<String> = out.iter().map(|(v, _)| v.clone()).collect();
    for v in &base {
        if v.contains('\'') {
            push(v.replace('\'', "’"), &mut out);
        } else if v.contains('’') {
            push(v.replace('’', "'"), &mut out);
        }
    }
    out
}

fn strip_upper_accent(c: char) -> char {
    match c {
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'À' | 'Â' | 'Ä' => 'A',
        'Î' | 'Ï' => 'I',
        'Ô' | 'Ö' => 'O',
        'Û' | 'Ù' | 'Ü' => 'U',
        'Ç' => 'C',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_variants() {
        let v: Vec<String> = variants("OTAN").into_iter().map(|v| v.0).collect();
        assert_eq!(v, ["OTAN", "Otan"]);
        let v: Vec<String> = variants("États-Unis").into_iter().map(|v| v.0).collect();
        assert_eq!(v, ["États-Unis", "ÉTATS-UNIS", "Etats-Unis", "ETATS-UNIS"]);
        let v: Vec<String> = variants("Côte d'Ivoire").into_iter().map(|v| v.0).collect();
        assert!(
            v.contains(&"Côte d’Ivoire".to_string()) && v.contains(&"CÔTE D'IVOIRE".to_string()),
            "{v:?}"
        );
        assert_eq!(variants("talibans")[2].0, "Talibans");
    }

    #[test]
    fn prefix_filter_never_misses_a_pattern() {
        let rec = Recognizer::new().unwrap();
        let patterns = rec.inner.automaton.patterns_len();
        assert!(patterns > 1000, "{patterns}");
        let mut filter = PrefixFilter::default();
        let words = [
            "OTAN",
            "Otan",
            "Moscou",
            "Le Monde",
            "Jens Stoltenberg",
            "UE",
            "talibans",
        ];
        for w in words {
            filter.add(w);
        }
        for w in words {
            for tail in ["", " ", " et la suite", "s"] {
                let text = format!("{w}{tail}");
                assert!(filter.may_match(text.as_bytes()), "{text:?}");
            }
        }
        // The filter of the default recognizer passes every alias spelling at a word start.
        let (g, lex) = (Gazetteer::default_fr(), Lexicon::default_fr());
        for e in g.entities() {
            for alias in std::iter::once(&e.canonical).chain(&e.aliases) {
                for (v, exact) in variants(alias) {
                    // The spellings `build` turns into patterns.
                    if v.chars().count() >= 2 && (exact || !lex.is_stopword(&v)) {
                        assert!(rec.inner.prefixes.may_match(v.as_bytes()), "{v:?}");
                        let longer = format!("{v} suite");
                        assert!(rec.inner.prefixes.may_match(longer.as_bytes()), "{v:?}");
                        // The same where the tokenizer knows the first word.
                        let n = first_word_len(&v);
                        if n > 0 {
                            assert!(rec.inner.prefixes.keep_word(v.as_bytes(), n), "{v:?}");
                            assert!(rec.inner.prefixes.keep_word(longer.as_bytes(), n), "{v:?}");
                        }
                    }
                }
            }
        }
        assert!(!filter.may_match(b"gouvernement"));
        use scan::KeepStart;
        assert!(filter.keep_word(b"Otan, et", 4) && filter.keep_word(b"Le Monde", 2));
        assert!(filter.keep_word(b"Jens Stoltenberg a dit", 4) && filter.keep_word(b"UE", 2));
        assert!(!filter.keep_word(b"Jens Stoltenberg", 3) && !filter.keep_word(b"Otans", 5));
        assert!(!filter.may_match(b"x"));
        // First words of 64 bytes and more share their length bit with shorter ones: never
        // turned away.
        let mut filter = PrefixFilter::default();
        let long = format!("{} Suite", "Y".repeat(70));
        filter.add(&long);
        assert!(filter.keep_word(long.as_bytes(), 70));
        assert!(!filter.keep_word(format!("{} x", "Y".repeat(71)).as_bytes(), 71));
    }

    #[test]
    fn buffers_kept_between_calls_change_nothing() {
        let rec = Recognizer::new().unwrap();
        let small = "M. Stoltenberg a parlé à l'Otan. Jens Stoltenberg est à Moscou.";
        let split = small.find(" Jens").unwrap();
        let spans = [(0, split), (split + 1, small.len())];
        let first = rec.find(small, &spans);
        assert_eq!(first.len(), 4, "{first:?}");
        // A long text grows the buffers past what is kept; then the small one again.
        let long = small.repeat(2000);
        let long_spans: Vec<(usize, usize)> = (0..2000)
            .flat_map(|k| spans.map(|(s, e)| (s + k * small.len(), e + k * small.len())))
            .collect();
        assert_eq!(rec.find(&long, &long_spans).len(), 2000 * first.len());
        assert_eq!(rec.find(small, &spans), first);
        assert_eq!(rec.find("", &[]), []);
        assert_eq!(rec.find(small, &spans), first);
    }

    /// The names of rule mentions, shared within a text, are those built for each mention alone.
    #[test]
    fn shared_rule_names_are_built_from_surface_and_type() {
        let rec = RecognizerBuilder::new().coref(false).build().unwrap();
        let mut text = String::from(
            "Hier, le président Dupont est venu. Le vote de Dupont compte. Selon Dupont Martin, \
             Dupont  Martin et Dupont Martin partent.",
        );
        // More distinct names than the list keeps, each twice.
        for k in 0..2 * RuleNames::MAX {
            let name: String = format!("{k:03}")
                .chars()
                .map(|d| char::from(b'K' + (d as u8 - b'0')))
                .collect();
            text.push_str(&format!(
                " Puis le président Zo{name} et le ministre Zo{name} parlent."
            ));
        }
        let spans: Vec<(usize, usize)> = text
            .match_indices(". ")
            .map(|(i, _)| i + 1)
            .scan(0, |start, end| {
                let span = (*start, end);
                *start = end + 1;
                Some(span)
            })
            .collect();
        let mentions = rec.find(&text, &spans);
        let mut id = String::new();
        let mut types = HashSet::new();
        let mut rules = 0;
        for m in mentions.iter().filter(|m| m.method == Method::Rule) {
            let surface = m.surface(&text);
            let canonical = coref::canonical_name(surface);
            coref::rule_id(m.entity_type, &canonical, &mut id);
            assert_eq!(
                (&*m.entity_id, &*m.canonical),
                (id.as_str(), &*canonical),
                "{m:?}"
            );
            if surface == "Dupont" {
                types.insert(m.entity_type);
            }
            rules += 1;
        }
        assert!(types.len() >= 2, "one surface with two types: {types:?}");
        assert!(rules > 4 * RuleNames::MAX, "{rules}");
        // With coreference, a short form linked to a person found by the rules carries the
        // names built from that person's canonical form (shared with the person's mention).
        let rec = RecognizerBuilder::new().build().unwrap();
        let mut text = String::new();
        let mut spans = Vec::new();
        for k in 0..40 {
            // Some names twice in the text.
            let name: String = format!("{:02}", k % 25)
                .chars()
                .map(|d| char::from(b'K' + (d as u8 - b'0')))
                .collect();
            let start = text.len();
            text.push_str(&format!(
                "Selon le ministre Jean Zo{name}, Zo{name} viendra. "
            ));
            spans.push((start, text.len() - 1));
        }
        let mut linked = 0;
        for m in rec.find(&text, &spans) {
            if m.method == Method::Coref && m.entity_id.starts_with("per:jean-zo") {
                let canonical = coref::canonical_name(&m.canonical);
                coref::rule_id(EntityType::Per, &canonical, &mut id);
                assert_eq!((&*m.entity_id, &*m.canonical), (id.as_str(), &*canonical));
                linked += 1;
            }
        }
        assert!(linked > 0);
    }

    proptest::proptest! {
        /// `Aliases::longest_at`, on either automaton, finds what the crate's anchored
        /// leftmost-longest search finds, at every start.
        #[test]
        fn alias_search_agrees_with_the_crate(
            patterns in proptest::collection::vec("[abé]{1,4}", 1..12),
            hay in "[abé ]{0,24}",
        ) {
            use aho_corasick::{AhoCorasick, Input, StartKind};
            let reference = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(StartKind::Anchored)
                .build(&patterns)
                .unwrap();
            let builds = [
                Aliases::new(&patterns).unwrap(),
                Aliases::Noncontiguous(
                    noncontiguous::Builder::new()
                        .match_kind(MatchKind::LeftmostLongest)
                        .build(&patterns)
                        .unwrap(),
                ),
            ];
            proptest::prop_assert!(matches!(builds[0], Aliases::Contiguous(_)));
            for start in 0..hay.len() {
                let input = Input::new(&hay).span(start..hay.len()).anchored(Anchored::Yes);
                let want = reference
                    .try_find(input)
                    .unwrap()
                    .map(|m| (m.pattern(), m.start(), m.end()));
                for aliases in &builds {
                    proptest::prop_assert_eq!(
                        aliases.longest_at(hay.as_bytes(), start),
                        want,
                        "{:?} at {}",
                        hay,
                        start
                    );
                }
            }
        }
    }

    /// `words` joined by spaces, and each word's byte span in the result.
    fn joined(words: &[String]) -> (String, Vec<(usize, usize)>) {
        let mut spans = Vec::new();
        let mut at = 0;
        for w in words {
            spans.push((at, at + w.len()));
            at += w.len() + 1;
        }
        (words.join(" "), spans)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        /// `mark_confirmed` marks the pending surfaces, and confirms those that a plain filter of
        /// the inside words finds, for words of up to 16 bytes and beyond; mentions that are not
        /// pending rule mentions are not marked.
        #[test]
        fn marked_confirmed_as_a_plain_filter(
            words in proptest::collection::vec("[AaÉé]{0,3}|A{14,18}|A{60,66}", 1..20),
            found_picks in proptest::collection::vec((0usize..40, 0u8..3), 0..10),
            inside_picks in proptest::collection::vec(0usize..40, 0..30),
        ) {
            let (text, spans) = joined(&words);
            let pick = |k: &usize| spans[k % spans.len()];
            let found: Vec<Found> = found_picks
                .iter()
                .map(|(k, kind)| {
                    let (start, end) = pick(k);
                    let kind = match kind {
                        0 => Kind::Gazetteer { entity: 0, given_name: false },
                        pending => Kind::Rule { entity_type: EntityType::Per, pending: *pending == 1, words: 1 },
                    };
                    Found { start, end, sentence: 0, kind, confidence: 0.5 }
                })
                .collect();
            let pending: HashSet<&str> = found
                .iter()
                .filter(|f| matches!(f.kind, Kind::Rule { pending: true, .. }))
                .map(|f| &text[f.start..f.end])
                .collect();
            let inside: Vec<(usize, usize)> = inside_picks.iter().map(pick).collect();
            let confirmed: HashSet<&str> = inside
                .iter()
                .map(|&(s, e)| &text[s..e])
                .filter(|w| pending.contains(w))
                .collect();
            let mut words = WordMap::default();
            // Left over from another text, short and long.
            words.add(b"A", PENDING | CONFIRMED);
            words.add(&[b'A'; 17], PENDING | CONFIRMED);
            mark_confirmed(&text, &found, &inside, &mut words);
            for &(s, e) in spans.iter().chain(&inside) {
                let w = &text[s..e];
                let bits = words.get(w.as_bytes());
                proptest::prop_assert_eq!(bits & PENDING != 0, pending.contains(w), "{:?}", w);
                proptest::prop_assert_eq!(bits & CONFIRMED != 0, confirmed.contains(w), "{:?}", w);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// `free_caps` keeps the capitals that a search of the matches for each finds free.
        #[test]
        fn free_caps_as_a_search_per_capital(
            gaps in proptest::collection::vec((0usize..4, 1usize..6, proptest::bool::ANY, proptest::bool::ANY), 0..20),
            hit_spans in proptest::collection::vec((0usize..6, 1usize..12), 0..8),
        ) {
            // Tokens one after the other; every other one (or so) capitalised.
            let (mut tokens, mut all_caps, mut at) = (Vec::new(), Vec::new(), 0);
            for (k, &(gap, len, cap, initial)) in gaps.iter().enumerate() {
                at += gap;
                tokens.push(Token { start: at, end: at + len, elision: false, upper: false, cap, joined: gap > 0, initial });
                if cap {
                    all_caps.push(k);
                }
                at += len;
            }
            let (mut hits, mut at) = (Vec::new(), 0);
            for &(gap, len) in &hit_spans {
                at += gap;
                hits.push(Found { start: at, end: at + len, sentence: 0, kind: Kind::Gazetteer { entity: 0, given_name: false }, confidence: 0.9 });
                at += len;
            }
            let blocked = |k: usize| {
                let t = &tokens[k];
                let g = hits.partition_point(|f| f.end <= t.start);
                hits.get(g).is_some_and(|f| f.start < t.end)
            };
            let want: Vec<usize> = all_caps.iter().copied().filter(|&k| !blocked(k)).collect();
            let want_inside: Vec<(usize, usize)> = want
                .iter()
                .filter(|&&k| !tokens[k].initial)
                .map(|&k| (tokens[k].start, tokens[k].end))
                .collect();
            let (mut caps, mut inside) = (vec![], vec![(7, 7)]);
            free_caps(&tokens, &all_caps, &hits, &mut caps, &mut inside);
            proptest::prop_assert_eq!(caps, want);
            proptest::prop_assert_eq!(&inside[1..], &want_inside[..]);
        }
    }

    /// `place_gap` answers as the prefix tests it replaced, at every offset (character boundary
    /// or not, and past the end) of every string of up to five pieces of the spellings.
    #[test]
    fn place_gaps_as_prefix_tests() {
        let model = |text: &str, end: usize| {
            let after = text.get(end..).unwrap_or("");
            ["de ", "d'", "d’", "du "].iter().find_map(|p| {
                let rest = after.strip_prefix(' ')?;
                rest.starts_with(p).then(|| 1 + p.len())
            })
        };
        let parts = [" ", "d", "e", "u", "'", "’", "x", "é", "de ", "D"];
        let strings = crate::scan::concatenations(&parts, 5);
        for s in &strings {
            for end in 0..=s.len() + 1 {
                assert_eq!(place_gap(s.as_bytes(), end), model(s, end), "{s:?} {end}");
            }
        }
    }

    #[test]
    fn shouting_sentences() {
        let shouts = |s: &str| {
            let mut t = Tokens::default();
            t.set_text(s);
            scan::tokenize(s, 0, &mut t, &|_: &[u8]| true);
            shouting(&t)
        };
        assert!(shouts("LA RUSSIE MENACE L'UKRAINE"));
        assert!(!shouts(
            "BRUXELLES, 7 janvier (Reuters) - Les ministres des Affaires étrangères de l'Otan ont"
        ));
    }
}
