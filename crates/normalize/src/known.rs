//! Lines whose verdict is known before their line key is built: the learned lines of a site and
//! the `exact` rule patterns, looked up by the raw unit with its ASCII letters lowercased.
//!
//! Most units of a flattened page are chrome that recurs on every page of the site, written the
//! same way each time (`Publicité`, a menu item, a teaser). Building the full line key of such a
//! unit (blanks, typography, Unicode lowercase) costs several times more than one table lookup
//! that compares the raw unit with a stored key up to ASCII case, eight bytes at a time.
//!
//! Why the shortcut is exact: every stored key `K` is a line key (`K == line_key(x)` for some
//! `x`), so it has no blank but single spaces between two characters, no space before
//! `: ; ! ? »` nor after `«`, no `’ ‘ ʼ`, no invisible character, and every character of it is its
//! own lowercase. A unit `u` whose bytes equal `K` once its ASCII capitals are lowercased is `K`
//! with some ASCII letters capitalized, and `line_key` only lowercases them back: `line_key(u) ==
//! K` (tested in `text.rs` on keys with random capitals). A unit that is written any other way
//! (a capital `É`, two spaces, a no-break space) misses here and takes the full path, which gives
//! the same answer.

/// What is known about a line: the same answer as the full path (rules and learned chrome).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Known {
    /// Removed by this rule; `credit_with_name` is set for a `credit` line holding `,` or `/`.
    Rule { rule: u32, credit_with_name: bool },
    /// Learned chrome that no rule matches.
    Learned,
}

/// The FxHash multiplier (as in `hash.rs`).
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// One stored key of a [`KnownLines`] table.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// [`key_hash`] of the key.
    hash: u64,
    /// Index in `KnownLines::words` of the key's first word.
    at: u32,
    /// Length of the key in bytes; 0 marks an empty slot (no key is empty).
    len: u32,
    known: Known,
}

const EMPTY: Slot = Slot {
    hash: 0,
    at: 0,
    len: 0,
    known: Known::Learned,
};

/// Line keys with their verdicts, looked up by the ASCII-lowercased raw unit.
///
/// An open-addressing table (linear probing, at most half full) whose hash only looks at the
/// length and the first and last eight bytes of a key with the case bit (`0x20`) of every byte
/// set, so that a lookup reads those two words of the unit, then compares the unit with the
/// stored key eight bytes at a time in one pass, without lowercasing or copying it. The keys are
/// kept as little-endian words: the whole eight bytes, then the last `len % 8` bytes in the low
/// bytes of one more word (zeros above), each with the mask of the case bits of its ASCII
/// lowercase letters. A unit's word `u` lowercased equals the key's word `k` exactly when
/// `u | mask == k`: at a letter of `k`, `u` is that letter in either case; elsewhere `u == k`
/// (`k` holds no ASCII capital: a key with one is not stored, no lowercased unit could match it).
#[derive(Debug, Default)]
pub(crate) struct KnownLines {
    /// Power-of-two length (or empty), at most half full.
    slots: Vec<Slot>,
    /// The keys' words and their case masks, one key after the other.
    words: Vec<[u64; 2]>,
    /// Number of stored keys.
    count: usize,
    /// Bit set of the lengths (bytes) of the stored keys: a unit of another length is not looked
    /// up.
    lengths: Vec<u64>,
    /// Tests: every key of a length has the same hash, so that lookups probe and compare.
    #[cfg(test)]
    collide: bool,
}

/// The eight bytes of `b` at `i`, little-endian.
#[inline(always)]
pub(crate) fn load(b: &[u8], i: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The last `rem` (1 to 7) bytes of `b[..end]` in the low bytes of a word, zeros above.
#[inline(always)]
fn tail(b: &[u8], end: usize, rem: usize) -> u64 {
    if end >= 8 {
        load(b, end - 8) >> (8 * (8 - rem))
    } else {
        b[end - rem..end]
            .iter()
            .rev()
            .fold(0, |w, &c| w << 8 | u64::from(c))
    }
}

/// The case bit of every byte.
const CASE: u64 = 0x2020_2020_2020_2020;

/// The hash of a key of `len` bytes from its first and last words (both the tail word when
/// the key is shorter than eight bytes; the tail word is the last one when there is one), their
/// case bits set: the same for every spelling of the key up to ASCII case.
#[inline(always)]
fn key_hash(len: usize, first: u64, last: u64) -> u64 {
    let h = (len as u64 ^ (first | CASE)).wrapping_mul(SEED);
    let h = (h.rotate_left(5) ^ (last | CASE)).wrapping_mul(SEED);
    h ^ (h >> 32)
}

/// The tail word (0 when `len % 8 == 0`), first and last words of `b[start..end]`.
#[inline(always)]
pub(crate) fn edge_words(b: &[u8], start: usize, end: usize) -> (u64, u64, u64) {
    let n = end - start;
    let rem = n % 8;
    let last_word = if rem == 0 { 0 } else { tail(b, end, rem) };
    let first = if n >= 8 { load(b, start) } else { last_word };
    let last = if rem == 0 {
        load(b, end - 8)
    } else {
        last_word
    };
    (last_word, first, last)
}

/// A hash of the unit `b[start..end]` (not empty) from its length and its first and last
/// eight bytes, up to ASCII case: as cheap for a long unit as for a short one, for other tables
/// of raw units.
#[inline]
pub(crate) fn edge_hash(b: &[u8], start: usize, end: usize) -> u64 {
    let (_, first, last) = edge_words(b, start, end);
    key_hash(end - start, first, last)
}

/// `w` and the case bits of its ASCII lowercase letters.
fn with_case_mask(w: u64) -> [u64; 2] {
    let mask = w.to_le_bytes().iter().rev().fold(0, |m, c| {
        m << 8 | if c.is_ascii_lowercase() { 0x20 } else { 0 }
    });
    [w, mask]
}

impl KnownLines {
    /// Adds a line key and its verdict (the first verdict of a key is kept).
    pub(crate) fn insert(&mut self, key: &str, known: Known) {
        let n = key.len();
        let b = key.as_bytes();
        if n == 0 || b.iter().any(u8::is_ascii_uppercase) || self.find(b, 0, n).is_some() {
            return;
        }
        if self.lengths.len() <= n / 64 {
            self.lengths.resize(n / 64 + 1, 0);
        }
        self.lengths[n / 64] |= 1 << (n % 64);
        if 2 * (self.count + 1) > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![EMPTY; (2 * old.len()).max(16)];
            for slot in old.into_iter().filter(|s| s.len != 0) {
                self.place(slot);
            }
        }
        let (last_word, first, last) = edge_words(b, 0, n);
        let hash = self.hash(n, first, last);
        let at = u32::try_from(self.words.len()).expect("known keys fit u32 words");
        self.words
            .extend(b.chunks_exact(8).map(|c| with_case_mask(load(c, 0))));
        if n % 8 != 0 {
            self.words.push(with_case_mask(last_word));
        }
        self.place(Slot {
            hash,
            at,
            len: n as u32,
            known,
        });
        self.count += 1;
    }

    /// [`key_hash`] (in tests, maybe a hash that makes keys collide).
    #[inline(always)]
    fn hash(&self, len: usize, first: u64, last: u64) -> u64 {
        #[cfg(test)]
        if self.collide {
            return len as u64 % 3;
        }
        key_hash(len, first, last)
    }

    /// Puts `slot` in the first free place of its probe sequence.
    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut i = slot.hash as usize & mask;
        while self.slots[i].len != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = slot;
    }

    /// The verdict of the unit `text[start..end]` if it is a stored key up to ASCII case.
    #[inline]
    pub(crate) fn get(&self, text: &str, start: usize, end: usize) -> Option<Known> {
        let n = end - start;
        let word = self.lengths.get(n / 64)?;
        if word & (1 << (n % 64)) == 0 {
            return None;
        }
        self.find(text.as_bytes(), start, end)
    }

    /// The verdict of the stored key equal to `b[start..end]` with its ASCII capitals
    /// lowercased.
    #[inline(always)]
    fn find(&self, b: &[u8], start: usize, end: usize) -> Option<Known> {
        if self.slots.is_empty() {
            return None;
        }
        let n = end - start;
        let (last_word, first, last) = edge_words(b, start, end);
        let hash = self.hash(n, first, last);
        let full = &b[start..end - n % 8];
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.len == 0 {
                return None;
            }
            if slot.hash == hash && slot.len as usize == n {
                let key = &self.words[slot.at as usize..];
                let same = full
                    .chunks_exact(8)
                    .zip(key)
                    .all(|(c, &[k, m])| load(c, 0) | m == k)
                    && (n % 8 == 0 || {
                        let [k, m] = key[n / 8];
                        last_word | m == k
                    });
                if same {
                    return Some(slot.known);
                }
            }
            i = (i + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_ascii_case_only() {
        let mut k = KnownLines::default();
        k.insert("publicité", Known::Learned);
        k.insert(
            "© afp",
            Known::Rule {
                rule: 3,
                credit_with_name: false,
            },
        );
        let text = "xx PUBLICITé Publicité PUBLICITÉ © AFP publicité. ";
        let at = |s: &str| {
            let i = text.find(s).unwrap();
            (i, i + s.len())
        };
        for (s, want) in [
            ("PUBLICITé", Some(Known::Learned)),
            ("Publicité", Some(Known::Learned)),
            ("PUBLICITÉ", None),
            ("publicité.", None),
            (
                "© AFP",
                Some(Known::Rule {
                    rule: 3,
                    credit_with_name: false,
                }),
            ),
        ] {
            let (a, b) = at(s);
            assert_eq!(k.get(text, a, b), want, "{s:?}");
        }
        // At the very end of the text (no bytes to read past the unit).
        let t = "Publicité";
        assert_eq!(k.get(t, 0, t.len()), Some(Known::Learned));
    }

    /// The previous implementation: a hash map of the keys, looked up by a lowercased copy.
    #[derive(Default)]
    struct Reference {
        map: crate::hash::FxHashMap<Box<[u8]>, Known>,
    }

    impl Reference {
        fn insert(&mut self, key: &str, known: Known) {
            self.map.entry(key.as_bytes().into()).or_insert(known);
        }

        fn get(&self, text: &str, start: usize, end: usize) -> Option<Known> {
            let mut out = Vec::new();
            let lowered = crate::text::lowercase_ascii_into(text.as_bytes(), start, end, &mut out);
            self.map.get(lowered).copied()
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// Same verdicts as the hash map of lowercased copies, for keys of every length around
        /// the word size (with a few capitals, which can never match), the same keys given twice
        /// with another verdict, and units cut anywhere in texts built from the keys with ASCII
        /// and other capitals, at the start, middle and end of the text.
        #[test]
        fn same_verdicts_as_a_map_of_lowercased_copies(
            keys in proptest::collection::vec("[abé eE:1]{1,3}|[abé eE:1]{5,11}|[abé e:1]{13,40}", 0..60),
            picks in proptest::collection::vec((0usize..64, 0u8..4, "[ A-Z]{0,3}"), 0..30),
            cuts in proptest::collection::vec((0usize..400, 0usize..48), 0..60),
        ) {
            let mut fast = KnownLines::default();
            let mut colliding = KnownLines { collide: true, ..KnownLines::default() };
            let mut slow = Reference::default();
            for (i, key) in keys.iter().enumerate() {
                let known = if i % 3 == 0 {
                    Known::Learned
                } else {
                    Known::Rule { rule: i as u32, credit_with_name: i % 2 == 0 }
                };
                fast.insert(key, known);
                colliding.insert(key, known);
                slow.insert(key, known);
            }
            // Units: stored keys as they are, with ASCII capitals, with `É`, cut short.
            let mut text = String::new();
            let mut units = Vec::new();
            for (k, how, sep) in &picks {
                let Some(key) = keys.get(k % keys.len().max(1)) else { break };
                let unit: String = match how {
                    0 => key.clone(),
                    1 => key.to_ascii_uppercase(),
                    2 => key.to_uppercase(),
                    _ => key.chars().skip(1).collect(),
                };
                let start = text.len();
                text.push_str(&unit);
                units.push((start, text.len()));
                text.push_str(sep);
            }
            for &(s, e) in &units {
                proptest::prop_assert_eq!(fast.get(&text, s, e), slow.get(&text, s, e));
                proptest::prop_assert_eq!(colliding.get(&text, s, e), slow.get(&text, s, e));
                let t = &text[s..e];
                proptest::prop_assert_eq!(fast.get(t, 0, t.len()), slow.get(t, 0, t.len()));
            }
            for &(s, len) in &cuts {
                let (mut s, mut e) = (s.min(text.len()), (s + len).min(text.len()));
                while !text.is_char_boundary(s) { s -= 1; }
                while !text.is_char_boundary(e) { e -= 1; }
                let (s, e) = (s.min(e), e.max(s));
                proptest::prop_assert_eq!(fast.get(&text, s, e), slow.get(&text, s, e));
                proptest::prop_assert_eq!(colliding.get(&text, s, e), slow.get(&text, s, e));
            }
            for key in &keys {
                proptest::prop_assert_eq!(fast.get(key, 0, key.len()), slow.get(key, 0, key.len()));
                proptest::prop_assert_eq!(colliding.get(key, 0, key.len()), slow.get(key, 0, key.len()));
            }
        }
    }
}
