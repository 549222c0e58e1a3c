//! [`Lexicon`]: the word lists the rules use (given names, stopwords, cue words).

use std::collections::HashMap;

use crate::hash::FastHash;
use crate::Error;

const GIVEN_NAMES: &str = include_str!("../../../data/gazetteer/given_names_fr.txt");
const STOPWORDS: &str = include_str!("../../../data/gazetteer/stopwords_fr.txt");
const CUES: &str = include_str!("../../../data/gazetteer/cues_fr.tsv");

/// What a cue word says about the capitalised run next to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cue {
    /// `M.`, `président`, `ministre`: the run just after is a person.
    Title,
    /// `Ministère`, `Banque`, `Parti`: a run starting with this word is an organisation.
    OrgHead,
    /// `Bank`, `SA`, `FC`: a run ending with this word is an organisation.
    OrgTail,
    /// `Rue`, `Mont`, `Saint`: a run starting with this word is a place.
    LocHead,
    /// `à`, `en`: a run just after this word is a place when nothing else decides.
    LocPrep,
}

impl Cue {
    fn parse(s: &str) -> Option<Cue> {
        match s {
            "title" => Some(Cue::Title),
            "org-head" => Some(Cue::OrgHead),
            "org-tail" => Some(Cue::OrgTail),
            "loc-head" => Some(Cue::LocHead),
            "loc-prep" => Some(Cue::LocPrep),
            _ => None,
        }
    }
}

/// Word lists used to find and type names no gazetteer knows.
///
/// Cue words written with an uppercase letter (`M.`, `Me`, `PDG`) match exactly; lowercase cue words
/// (`président`) match in lowercase, capitalised or all-caps form. Given names match exactly;
/// stopwords match in lowercase, capitalised or all-caps form, with either apostrophe.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// Every listed word form with what the lists say about it ([`Flags`] bits), so that the
    /// rules need one probe per word whatever they ask.
    words: WordMap,
    /// Every word form and its flags in one map keyed by bytes: the model `words` must agree
    /// with.
    #[cfg(test)]
    model: HashMap<Box<[u8]>, Flags, FastHash>,
    /// One bit per [`Lexicon::shape_key`], set for every listed word form (empty while there
    /// is none): most capitalised words of a text are in no list, and this probe, with no hashing of
    /// the word, turns them away.
    shapes: Vec<u64>,
}

/// What the lists say about one word form: a set of bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Flags(u8);

impl Flags {
    const GIVEN_NAME: u8 = 1 << 5;
    const STOPWORD: u8 = 1 << 6;

    fn cue_bit(cue: Cue) -> u8 {
        match cue {
            Cue::Title => 1,
            Cue::OrgHead => 1 << 1,
            Cue::OrgTail => 1 << 2,
            Cue::LocHead => 1 << 3,
            Cue::LocPrep => 1 << 4,
        }
    }

    /// True if the word carries the cue `cue`.
    #[inline]
    pub fn cue(self, cue: Cue) -> bool {
        self.0 & Flags::cue_bit(cue) != 0
    }

    /// True if the word is a given name.
    #[inline]
    pub fn given_name(self) -> bool {
        self.0 & Flags::GIVEN_NAME != 0
    }

    /// True if the word is a stopword.
    #[inline]
    pub fn stopword(self) -> bool {
        self.0 & Flags::STOPWORD != 0
    }
}

/// `word`, `Word`, `WORD`, and the same with the other apostrophe; lookups are then one exact probe.
fn case_forms(word: &str) -> Vec<String> {
    let mut chars = word.chars();
    let capitalised = chars
        .next()
        .map(|f| f.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    let mut forms = vec![word.to_string(), capitalised, word.to_uppercase()];
    for i in 0..forms.len() {
        if forms[i].contains('\'') {
            let other = forms[i].replace('\'', "’");
            forms.push(other);
        }
    }
    forms
}

impl Lexicon {
    /// The French lists compiled in from `data/gazetteer/{given_names_fr.txt,stopwords_fr.txt,cues_fr.tsv}`.
    pub fn default_fr() -> Lexicon {
        let mut lex = Lexicon::default();
        lex.add_given_names(GIVEN_NAMES);
        lex.add_stopwords(STOPWORDS);
        if lex.add_cues(CUES).is_err() {
            debug_assert!(false, "built-in cues_fr.tsv does not parse");
        }
        lex
    }

    /// Adds given names, one a line (`#` comments allowed).
    pub fn add_given_names(&mut self, text: &str) {
        for w in list_lines(text) {
            self.set(w, Flags::GIVEN_NAME);
        }
    }

    /// Adds stopwords, one a line (`#` comments allowed); they match lowercase, capitalised and all-caps.
    pub fn add_stopwords(&mut self, text: &str) {
        for w in list_lines(text) {
            for form in case_forms(&w.to_lowercase().replace('’', "'")) {
                self.set(&form, Flags::STOPWORD);
            }
        }
    }

    /// Adds cue words from `word<TAB>kind` lines (kinds: `title`, `org-head`, `org-tail`, `loc-head`, `loc-prep`).
    pub fn add_cues(&mut self, tsv: &str) -> Result<(), Error> {
        for (i, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let (word, kind) = line.split_once('\t').ok_or(Error::InvalidLine {
                line: i + 1,
                reason: "expected word<TAB>kind",
            })?;
            let cue = Cue::parse(kind.trim()).ok_or_else(|| Error::UnknownCue {
                line: i + 1,
                value: kind.trim().to_string(),
            })?;
            let word = word.trim();
            let forms = if word.chars().any(char::is_uppercase) {
                vec![word.to_string()]
            } else {
                case_forms(word)
            };
            for form in forms {
                self.set(&form, Flags::cue_bit(cue));
            }
        }
        Ok(())
    }

    fn set(&mut self, word: &str, bits: u8) {
        if self.shapes.is_empty() {
            self.shapes = vec![0; Lexicon::SHAPES / 64];
        }
        let word = word.as_bytes();
        let k = Lexicon::shape_key(word);
        self.shapes[k >> 6] |= 1 << (k & 63);
        #[cfg(test)]
        {
            self.model.entry(word.into()).or_default().0 |= bits;
        }
        self.words.add(word, bits);
    }

    /// Everything the lists say about `word` (the UTF-8 bytes of a word), in one probe.
    #[inline]
    pub(crate) fn flags(&self, word: &[u8]) -> Flags {
        let k = Lexicon::shape_key(word);
        match self.shapes.get(k >> 6) {
            Some(bits) if bits & (1 << (k & 63)) != 0 => Flags(self.words.get(word)),
            _ => Flags::default(),
        }
    }

    /// Number of bits of `shapes`: 2^16 (8 KiB), for some twenty thousand word forms.
    const SHAPES: usize = 1 << 16;

    /// A key below [`Lexicon::SHAPES`] from the length and the first and last bytes of `word`.
    #[inline]
    fn shape_key(b: &[u8]) -> usize {
        let (first, last) = match (b.first(), b.last()) {
            (Some(&f), Some(&l)) => (usize::from(f), usize::from(l)),
            _ => (0, 0),
        };
        ((first << 8 | last) ^ b.len().wrapping_mul(0x9E37)) & (Lexicon::SHAPES - 1)
    }

    /// True if `word` is a known given name.
    pub fn is_given_name(&self, word: &str) -> bool {
        self.flags(word.as_bytes()).given_name()
    }

    /// True if `word` (lowercase, capitalised or all-caps) is a stopword.
    pub fn is_stopword(&self, word: &str) -> bool {
        self.flags(word.as_bytes()).stopword()
    }

    /// True if `word` carries the cue `cue`.
    pub fn has_cue(&self, word: &str, cue: Cue) -> bool {
        self.flags(word.as_bytes()).cue(cue)
    }
}

/// A word of at most 16 bytes as numbers: its length, and its first and last eight bytes (from 8
/// to 16 bytes), or its first and last four (from 4 to 7), or its first, middle and last bytes
/// (up to 3). The loads overlap in shorter words; with the length they give the word back, so
/// equal keys are equal words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ShortKey(u64, u64, u8);

impl ShortKey {
    /// The key of `w`, `None` beyond 16 bytes.
    #[inline]
    fn of(w: &[u8]) -> Option<ShortKey> {
        let n = w.len();
        let (a, b) = match n {
            8..=16 => (load8(w), load8(w.get(n - 8..)?)),
            4..=7 => (load4(w), load4(w.get(n - 4..)?)),
            1..=3 => {
                let (first, mid, last) = (w[0], w[n / 2], w[n - 1]);
                (u64::from_le_bytes([first, mid, last, 0, 0, 0, 0, 0]), 0)
            }
            0 => (0, 0),
            _ => return None,
        };
        Some(ShortKey(a, b, n as u8))
    }
}

/// Words (UTF-8 bytes) → a set of bits: those of at most 16 bytes (nearly all) in a [`ShortMap`],
/// keyed by [`ShortKey`] (two loads of the word's bytes, compared as numbers, where a map keyed by
/// the bytes compares them with a `memcmp` call), longer ones in a hash map keyed by their bytes
/// and asked from a cold function, so that the common path needs no stack frame.
#[derive(Clone, Debug, Default)]
pub(crate) struct WordMap {
    short: ShortMap,
    long: HashMap<Box<[u8]>, u8, FastHash>,
}

impl WordMap {
    /// Sets `bits` in the bits of `word` (added if absent).
    #[inline]
    pub(crate) fn add(&mut self, word: &[u8], bits: u8) {
        match ShortKey::of(word) {
            Some(key) => self.short.add(key, bits),
            None => self.long_add(word, bits),
        }
    }

    /// [`WordMap::add`] of a word beyond 16 bytes: rare, and out of line.
    #[cold]
    #[inline(never)]
    fn long_add(&mut self, word: &[u8], bits: u8) {
        *self.long.entry(word.into()).or_default() |= bits;
    }

    /// The bits of `word` (none if absent).
    #[inline]
    pub(crate) fn get(&self, word: &[u8]) -> u8 {
        match ShortKey::of(word) {
            Some(key) => self.short.get(key),
            None => self.long_get(word),
        }
    }

    /// [`WordMap::get`] of a word beyond 16 bytes: rare, and out of line.
    #[cold]
    #[inline(never)]
    fn long_get(&self, word: &[u8]) -> u8 {
        self.long.get(word).copied().unwrap_or(0)
    }

    /// The bits of `word`, to change in place; `None` if absent.
    #[inline]
    pub(crate) fn get_mut(&mut self, word: &[u8]) -> Option<&mut u8> {
        match ShortKey::of(word) {
            Some(key) => self.short.get_mut(key),
            None => self.long.get_mut(word),
        }
    }

    /// Removes every word, keeping the tables' sizes.
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.short.clear();
        if !self.long.is_empty() {
            self.long.clear();
        }
    }

    /// Number of slots of the short words' table plus the long words' capacity.
    pub(crate) fn capacity(&self) -> usize {
        self.short.capacity() + self.long.capacity()
    }

    /// Number of words of at most 16 bytes, and of longer ones.
    #[cfg(test)]
    fn lens(&self) -> (usize, usize) {
        (self.short.len(), self.long.len())
    }
}

/// [`ShortKey`] → a set of bits ([`Flags`] in the lexicon), open addressing with linear probing in a power-of-two table at
/// most half full: a probe is a multiply and a few comparisons of numbers, where a `HashMap`
/// hashes the key's three fields one after the other and then matches control bytes.
#[derive(Clone, Debug, Default)]
struct ShortMap {
    /// Empty (no slot) until the first word is added.
    slots: Vec<Slot>,
    len: usize,
}

/// A slot of [`ShortMap`]: a key, its length plus one (0: an empty slot), its bits.
#[derive(Clone, Copy, Debug, Default)]
struct Slot {
    a: u64,
    b: u64,
    len1: u8,
    bits: u8,
}

impl ShortMap {
    /// The first slot to probe for `key` in a table of `slots` (a power of two) slots.
    #[inline]
    fn home(key: ShortKey, slots: usize) -> usize {
        let h = (key.0.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ key.1 ^ u64::from(key.2))
            .wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
        (h >> 32) as usize & (slots - 1)
    }

    /// Number of keys.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// Sets `bits` in the bits of `key` (added if absent).
    fn add(&mut self, key: ShortKey, bits: u8) {
        if 2 * (self.len + 1) > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![Slot::default(); (2 * old.len()).max(64)];
            self.len = 0;
            for s in old.into_iter().filter(|s| s.len1 != 0) {
                self.add(ShortKey(s.a, s.b, s.len1 - 1), s.bits);
            }
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, self.slots.len());
        loop {
            let s = &mut self.slots[i];
            if s.len1 == 0 {
                *s = Slot {
                    a: key.0,
                    b: key.1,
                    len1: key.2 + 1,
                    bits,
                };
                self.len += 1;
                return;
            }
            if (s.a, s.b, s.len1) == (key.0, key.1, key.2 + 1) {
                s.bits |= bits;
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Removes every key, keeping the table's size.
    fn clear(&mut self) {
        if self.len > 0 {
            // An empty slot is one with `len1 == 0`.
            for s in &mut self.slots {
                s.len1 = 0;
            }
            self.len = 0;
        }
    }

    /// Number of slots.
    fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// The slot of `key`, if present.
    #[inline]
    fn find(&self, key: ShortKey) -> Option<usize> {
        let n = self.slots.len();
        if n == 0 {
            return None;
        }
        let mut i = Self::home(key, n);
        // At most half full: the probe ends at an empty slot.
        loop {
            let s = self.slots.get(i)?;
            if s.len1 == key.2 + 1 && s.a == key.0 && s.b == key.1 {
                return Some(i);
            }
            if s.len1 == 0 {
                return None;
            }
            i = (i + 1) & (n - 1);
        }
    }

    /// The bits of `key` (none if absent).
    #[inline]
    fn get(&self, key: ShortKey) -> u8 {
        self.find(key).map_or(0, |i| self.slots[i].bits)
    }

    /// The bits of `key`, to change in place; `None` if absent.
    #[inline]
    fn get_mut(&mut self, key: ShortKey) -> Option<&mut u8> {
        let i = self.find(key)?;
        self.slots.get_mut(i).map(|s| &mut s.bits)
    }
}

/// The first eight bytes of `w` (which has at least eight), little-endian.
#[inline(always)]
fn load8(w: &[u8]) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&w[..8]);
    u64::from_le_bytes(x)
}

/// The first four bytes of `w` (which has at least four), little-endian.
#[inline(always)]
fn load4(w: &[u8]) -> u64 {
    let mut x = [0u8; 4];
    x.copy_from_slice(&w[..4]);
    u64::from(u32::from_le_bytes(x))
}

fn list_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_lists_load() {
        let lex = Lexicon::default_fr();
        assert!(lex.is_given_name("Jens"));
        assert!(!lex.is_given_name("Stoltenberg"));
        assert!(lex.is_stopword("Les"));
        assert!(lex.is_stopword("Aujourd’hui"));
        assert!(!lex.is_stopword("Moscou"));
        assert!(lex.has_cue("M.", Cue::Title));
        assert!(lex.has_cue("Président", Cue::Title));
        assert!(lex.has_cue("président", Cue::Title));
        assert!(
            !lex.has_cue("me", Cue::Title),
            "Me (maître) is exact-case only"
        );
        assert!(lex.has_cue("Ministère", Cue::OrgHead));
        assert!(lex.has_cue("Rue", Cue::LocHead));
    }

    /// The shape probe never turns away a listed word: `flags` answers as the map alone.
    #[test]
    fn flags_agree_with_the_map() {
        let lex = Lexicon::default_fr();
        assert!(lex.model.len() > 1000, "{}", lex.model.len());
        let (short, long) = lex.words.lens();
        assert_eq!(short + long, lex.model.len());
        // Word forms beyond 16 bytes (none in the default lists) go through the other map.
        let mut long = Lexicon::default();
        long.add_given_names("Marie-Ange-Éléonore\nAbcdefghijklmnop\nAbcdefghijklmnopq");
        assert_eq!(long.words.lens(), (1, 2));
        for w in [
            "Marie-Ange-Éléonore",
            "Abcdefghijklmnop",
            "Abcdefghijklmnopq",
        ] {
            assert!(long.flags(w.as_bytes()).given_name(), "{w}");
        }
        for w in [
            "Marie-Ange-Éléonor",
            "Abcdefghijklmnopr",
            "Abcdefghijklmno",
            "Bbcdefghijklmnopq",
        ] {
            assert!(!long.flags(w.as_bytes()).given_name(), "{w}");
        }
        for (w, f) in &lex.model {
            assert_eq!(lex.flags(w), *f, "{w:?}");
        }
        let empty = Lexicon::default();
        assert_eq!(empty.flags(b"Les"), Flags::default());
    }

    proptest::proptest! {
        #[test]
        fn flags_of_any_word_agree_with_the_map(w in "[A-Za-zÉé'’.]{0,12}") {
            let lex = Lexicon::default_fr();
            let want = lex.model.get(w.as_bytes()).copied().unwrap_or_default();
            proptest::prop_assert_eq!(lex.flags(w.as_bytes()), want);
        }
    }

    proptest::proptest! {
        /// Equal short keys are equal words: a word against itself with one byte changed, cut
        /// by one byte, or grown by one, at every length up to the limit and beyond it.
        #[test]
        fn short_keys_are_words(
            a in proptest::collection::vec(proptest::sample::select(vec![b'a', b'b', 0xC3, 0]), 0..20),
            at in 0usize..20,
            byte in proptest::sample::select(vec![b'a', b'b', 0xC3, 0]),
        ) {
            let mut changed = a.clone();
            if let Some(c) = changed.get_mut(at) {
                *c = byte;
            }
            let cut = a.get(..a.len().saturating_sub(1)).unwrap_or_default().to_vec();
            let mut grown = a.clone();
            grown.push(byte);
            proptest::prop_assert_eq!(ShortKey::of(&a).is_some(), a.len() <= 16);
            for b in [&changed, &cut, &grown] {
                if let (Some(ka), Some(kb)) = (ShortKey::of(&a), ShortKey::of(b)) {
                    proptest::prop_assert_eq!(ka == kb, a == *b, "{:?} {:?}", a, b);
                }
            }
        }
    }

    proptest::proptest! {
        /// `ShortMap` answers as a `HashMap` of the same keys, through its growths and the
        /// collisions of a small table (words of a two-letter alphabet, short and long).
        #[test]
        fn short_map_agrees_with_a_hash_map(
            added in proptest::collection::vec(("[ab]{0,4}|[ab]{7,9}|[ab]{15,16}", 0u8..8), 0..200),
            asked in proptest::collection::vec("[ab]{0,4}|[ab]{7,9}|[ab]{15,16}", 0..50),
        ) {
            let mut map = ShortMap::default();
            let mut model: HashMap<ShortKey, u8> = HashMap::new();
            for (w, bit) in &added {
                let key = ShortKey::of(w.as_bytes()).expect("short");
                proptest::prop_assert_eq!(map.get(key), model.get(&key).copied().unwrap_or(0));
                map.add(key, 1 << bit);
                *model.entry(key).or_default() |= 1 << bit;
            }
            proptest::prop_assert_eq!(map.len(), model.len());
            for w in asked.iter().chain(added.iter().map(|(w, _)| w)) {
                let key = ShortKey::of(w.as_bytes()).expect("short");
                proptest::prop_assert_eq!(map.get(key), model.get(&key).copied().unwrap_or(0), "{:?}", w);
            }
            // Emptied, it answers as an empty map and fills again.
            map.clear();
            proptest::prop_assert_eq!(map.len(), 0);
            let keys: Vec<ShortKey> = asked.iter().map(|w| ShortKey::of(w.as_bytes()).expect("short")).collect();
            for &key in &keys {
                proptest::prop_assert_eq!(map.get(key), 0);
            }
            for &key in &keys {
                map.add(key, 1);
            }
            for &key in &keys {
                proptest::prop_assert_eq!(map.get(key), 1);
            }
        }
    }

    #[test]
    fn cue_errors() {
        let mut lex = Lexicon::default();
        assert!(matches!(
            lex.add_cues("x\tnope\n"),
            Err(Error::UnknownCue { line: 1, .. })
        ));
        assert!(matches!(
            lex.add_cues("# c\nx\n"),
            Err(Error::InvalidLine { line: 2, .. })
        ));
    }
}
