//! In-document coreference: a one-word mention that is the surname of a fuller person mention of the
//! same text (`Jens Stoltenberg` … `M. Stoltenberg` … `Stoltenberg`) takes that person's id.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Arc;

use crate::hash::FastHash;
use crate::recognizer::{Found, Kind, Known};
use crate::EntityType;

/// `(entity_id, canonical)`.
type Names = (Arc<str>, Arc<str>);

/// The result of [`link`]: the persons found, and for each mention the person it refers to.
#[derive(Debug, Default)]
pub(crate) struct Links {
    /// For each person that short forms may be linked to: the index in `found` of its fullest
    /// mention, and its `(entity_id, canonical)`, computed when first asked for.
    persons: Vec<(usize, OnceCell<Names>)>,
    /// For each index of `found`, the index in `persons` of the person it refers to, if relinked.
    of: Vec<Option<u32>>,
}

impl Links {
    /// The `(entity_id, canonical)` that mention `i` of `found` (the slice given to [`link`]) is
    /// relinked to, if any. `rule_names` gives the names of a person found by the rules from the
    /// offsets of its surface (`rule_id` of type PER and `canonical_name`; the recognizer keeps
    /// those of the text's rule mentions).
    pub fn get(
        &self,
        i: usize,
        found: &[Found],
        entities: &[Known],
        rule_names: impl FnOnce(usize, usize) -> Names,
    ) -> Option<&Names> {
        let p = (*self.of.get(i)?)?;
        let (at, strings) = self.persons.get(p as usize)?;
        Some(strings.get_or_init(|| {
            let f = &found[*at];
            match f.kind {
                Kind::Gazetteer { entity: ei, .. } => {
                    let e = &entities[ei as usize];
                    (Arc::clone(&e.id), Arc::clone(&e.canonical))
                }
                Kind::Rule { .. } => rule_names(f.start, f.end),
            }
        }))
    }
}

/// Finds, for each one-word mention of `found`, the person mention of two or more words whose
/// surname it is (the first such mention of the text).
pub(crate) fn link(text: &str, found: &[Found], entities: &[Known]) -> Links {
    // Surname → the first person mention of two or more words carrying it.
    let mut by_surname = Surnames::default();
    let mut links = Links::default();
    for (at, f) in found.iter().enumerate() {
        let is_person = match f.kind {
            Kind::Gazetteer { entity: ei, .. } => {
                entities[ei as usize].entity_type == EntityType::Per
            }
            Kind::Rule { entity_type, .. } => entity_type == EntityType::Per,
        };
        if !is_person {
            continue;
        }
        let surface = &text[f.start..f.end];
        let Some(surname) = surname(surface) else {
            continue;
        };
        if by_surname.get(surname).is_some() {
            continue;
        }
        by_surname.insert(surname, links.persons.len() as u32);
        if links.persons.is_empty() {
            // A text names a few persons: one allocation rather than growing from four.
            links.persons.reserve(Surnames::FEW);
        }
        links.persons.push((at, OnceCell::new()));
    }
    if links.persons.is_empty() {
        return links;
    }
    links.of = found
        .iter()
        .map(|f| {
            // A one-word mention: cheap tests first (the text is sliced only for a length some
            // surname has), the surname probe, then (rarely) the whitespace scan.
            let gazetteer = match f.kind {
                Kind::Rule { words: 1, .. } => false,
                Kind::Gazetteer { entity: ei, .. }
                    if entities[ei as usize].entity_type != EntityType::Per =>
                {
                    true
                }
                _ => return None,
            };
            if !by_surname.may_have_len(f.end - f.start) {
                return None;
            }
            let surface = &text[f.start..f.end];
            let person = by_surname.get(surface)?;
            (!gazetteer || !surface.contains(char::is_whitespace)).then_some(person)
        })
        .collect();
    links
}

/// Surname → index of a person: a list while short (a text names a few persons; no hashing, no
/// table), a hash map beyond.
#[derive(Default)]
struct Surnames<'t> {
    few: Vec<(&'t str, u32)>,
    many: HashMap<&'t str, u32, FastHash>,
    /// Bit `min(len, 63)` set for the byte length `len` of every surname: most words asked for
    /// have a length no surname has.
    lengths: u64,
}

impl<'t> Surnames<'t> {
    const FEW: usize = 16;

    #[inline]
    fn length_bit(s: &str) -> u64 {
        1 << s.len().min(63)
    }

    /// Whether some surname has `len` bytes (a surname of that length may be there).
    #[inline]
    fn may_have_len(&self, len: usize) -> bool {
        self.lengths & 1 << len.min(63) != 0
    }

    #[inline]
    fn get(&self, surname: &str) -> Option<u32> {
        if !self.may_have_len(surname.len()) {
            None
        } else if self.many.is_empty() {
            self.few
                .iter()
                .find(|(s, _)| {
                    // The last byte turns away most surnames of the same length before `memcmp`.
                    s.len() == surname.len()
                        && s.as_bytes().last() == surname.as_bytes().last()
                        && *s == surname
                })
                .map(|&(_, p)| p)
        } else {
            self.many.get(surname).copied()
        }
    }

    fn insert(&mut self, surname: &'t str, person: u32) {
        self.lengths |= Self::length_bit(surname);
        if !self.many.is_empty() {
            self.many.insert(surname, person);
        } else if self.few.len() < Surnames::FEW {
            if self.few.is_empty() {
                self.few.reserve(Surnames::FEW);
            }
            self.few.push((surname, person));
        } else {
            self.many.extend(self.few.drain(..));
            self.many.insert(surname, person);
        }
    }
}

/// Bytes after which [`surname`] needs its general path: ASCII whitespace but the space (and the
/// separators U+001C..U+001F, to be safe), and lead bytes of characters other than Latin-1 letters
/// (U+0085 and U+00A0 are whitespace, `’` an apostrophe).
static SURNAME_SLOW: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b, 0x09..=0x0D | 0x1C..=0x1F) || b >= 0xC0 && b != 0xC3;
        b += 1;
    }
    t
};

/// The last word of a name of at least two words, without an elision (`Giscard d'Estaing` → `Estaing`).
fn surname(surface: &str) -> Option<&str> {
    if surface.bytes().any(|b| SURNAME_SLOW[usize::from(b)]) {
        return surname_general(surface);
    }
    // Words separated by spaces, in ASCII and Latin-1 letters: byte scans (names are short).
    let b = surface.as_bytes();
    let start = b.iter().position(|&c| c != b' ')?;
    let end = b.iter().rposition(|&c| c != b' ')? + 1;
    let first_end = start + b[start..end].iter().position(|&c| c == b' ')?;
    let first = &surface[start..first_end];
    // The last word, from after its last apostrophe.
    let last_start = end
        - b[..end]
            .iter()
            .rev()
            .position(|&c| c == b' ' || c == b'\'')?;
    let last = &surface[last_start..end];
    let upper = match *last.as_bytes() {
        [b, ..] if b < 0x80 => b.is_ascii_uppercase(),
        // À..Þ but ×.
        [0xC3, n, ..] => (0x80..=0x9E).contains(&n) && n != 0x97,
        _ => false,
    };
    (last != first && upper).then_some(last)
}

/// [`surname`] for any text: Unicode whitespace and apostrophes.
fn surname_general(surface: &str) -> Option<&str> {
    let mut words = surface.split_whitespace();
    let first = words.next()?;
    let last = words.last()?;
    let last = last.rsplit(['\'', '’']).next().unwrap_or(last);
    (last != first && last.chars().next().is_some_and(char::is_uppercase)).then_some(last)
}

/// Classes of the bytes of a name for [`canonical_name`]: a space, a byte that may need a change
/// (other ASCII whitespace, a lead byte other than 0xC3), anything else.
const SPACE: u8 = 1;
const NOT_PLAIN: u8 = 2;
const OTHER: u8 = 4;

static CANONICAL_CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b as u8 {
            b' ' => SPACE,
            b'\t'..=b'\r' => NOT_PLAIN,
            0xC0..=0xC2 | 0xC4..=0xFF => NOT_PLAIN,
            _ => OTHER,
        };
        b += 1;
    }
    t
};

/// The canonical form of a name found by the rules: whitespace runs collapsed, typographic apostrophes
/// straightened (most often `surface` itself, borrowed).
pub(crate) fn canonical_name(surface: &str) -> Cow<'_, str> {
    // Most names are words separated by single spaces: nothing to change.
    // Lead byte 0xC3 starts a Latin-1 letter (U+00C0..U+00FF, never whitespace); other
    // multi-byte characters may be whitespace or `’`. A continuation byte belongs to the lead
    // byte before it.
    let bytes = surface.as_bytes();
    let mut plain = bytes.first() != Some(&b' ') && bytes.last() != Some(&b' ');
    // One table probe a byte: a byte of `NOT_PLAIN`, or a space after a space, needs the slow path.
    let mut prev = 0u8;
    for &b in bytes {
        let class = CANONICAL_CLASS[usize::from(b)];
        plain &= class != NOT_PLAIN && class & prev != SPACE;
        prev = class;
    }
    if plain {
        return Cow::Borrowed(surface);
    }
    let mut out = String::with_capacity(surface.len());
    for word in surface.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.contains('’') {
            out.push_str(&word.replace('’', "'"));
        } else {
            out.push_str(word);
        }
    }
    Cow::Owned(out)
}

/// Writes into `id` (cleared first) the id of a name found by the rules: `per:jens-stoltenberg`.
pub(crate) fn rule_id(entity_type: EntityType, canonical: &str, id: &mut String) {
    id.clear();
    id.push_str(match entity_type {
        EntityType::Per => "per:",
        EntityType::Org => "org:",
        EntityType::Loc => "loc:",
        EntityType::Misc => "misc:",
    });
    // Lowercased alphanumeric runs joined by `-`; `any` = something was written after the prefix.
    let (mut dash, mut any) = (false, false);
    let bytes = canonical.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Most names are ASCII: a byte at a time, without decoding.
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                if dash && any {
                    id.push('-');
                }
                id.push(char::from(b.to_ascii_lowercase()));
                (dash, any) = (false, true);
            } else {
                dash = true;
            }
            i += 1;
            continue;
        }
        let Some(c) = canonical.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        // The Latin-1 letters are answered here (`À`..`Þ` lowercase 0x20 higher); the rest asks
        // the Unicode tables.
        let lower = match c {
            'ß'..='ÿ' if c != '÷' => c,
            'À'..='Þ' if c != '×' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            _ => {
                for l in c.to_lowercase() {
                    if l.is_alphanumeric() {
                        if dash && any {
                            id.push('-');
                        }
                        id.push(l);
                        (dash, any) = (false, true);
                    } else {
                        dash = true;
                    }
                }
                continue;
            }
        };
        if dash && any {
            id.push('-');
        }
        id.push(lower);
        (dash, any) = (false, true);
    }
}

#[cfg(test)]
mod reference {
    use crate::EntityType;

    /// The model of [`super::surname`]: Unicode whitespace and apostrophes everywhere.
    pub(super) fn surname(surface: &str) -> Option<&str> {
        super::surname_general(surface)
    }

    /// The model of [`super::rule_id`]: one char at a time, lowercased by the Unicode tables.
    pub(super) fn rule_id(entity_type: EntityType, canonical: &str) -> String {
        let mut id = String::from(match entity_type {
            EntityType::Per => "per:",
            EntityType::Org => "org:",
            EntityType::Loc => "loc:",
            EntityType::Misc => "misc:",
        });
        let (mut dash, mut any) = (false, false);
        for l in canonical.chars().flat_map(char::to_lowercase) {
            if l.is_alphanumeric() {
                if dash && any {
                    id.push('-');
                }
                id.push(l);
                (dash, any) = (false, true);
            } else {
                dash = true;
            }
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// `rule_id` writes what its model does, on any text.
        #[test]
        fn rule_ids_agree_with_the_model(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "Z", "7", " ", "-", "'", "’", ".", "\u{a0}", "é", "É", "ß", "ÿ", "×", "÷", "Þ",
                "İ", "Ω", "ǅ", "Ⅻ", "٣", "😀", "\u{301}", "²", "Jean", "Le Drian", "ÉTÉ", "Ünal",
            ]), 0..12),
        ) {
            let s: String = parts.concat();
            let mut id = String::from("left over");
            for t in [EntityType::Per, EntityType::Org, EntityType::Loc, EntityType::Misc] {
                super::rule_id(t, &s, &mut id);
                proptest::prop_assert_eq!(&id, &reference::rule_id(t, &s), "{:?}", s);
            }
        }

        /// `surname` gives what its general path gives.
        #[test]
        fn surnames_of_names_agree_with_the_model(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "A", "é", "É", "×", "ß", "Þ", "ÿ", " ", "  ", "\t", "\n", "\u{a0}", "\u{1c}",
                "\u{2009}", "\u{85}", "'", "’", "-", "Ω", "ω", "Jens", "Stoltenberg", "d'", "Estaing",
                "Ünal", "x", "7",
            ]), 0..10),
        ) {
            let s: String = parts.concat();
            proptest::prop_assert_eq!(super::surname(&s), reference::surname(&s), "{:?}", s);
        }

        /// `Surnames` (its length filter, its list then its map) answers as a plain map where
        /// the first person of a surname wins.
        #[test]
        fn surnames_agree_with_a_map(
            inserted in proptest::collection::vec("[ab]{0,3}|a{62,65}", 0..40),
            asked in proptest::collection::vec("[ab]{0,3}|a{62,65}", 0..40),
        ) {
            let mut surnames = Surnames::default();
            let mut model: HashMap<&str, u32> = HashMap::new();
            for (p, s) in inserted.iter().enumerate() {
                proptest::prop_assert_eq!(surnames.get(s), model.get(s.as_str()).copied());
                if surnames.get(s).is_none() {
                    surnames.insert(s, p as u32);
                    model.insert(s, p as u32);
                }
            }
            for s in asked.iter().chain(&inserted) {
                proptest::prop_assert_eq!(surnames.get(s), model.get(s.as_str()).copied(), "{:?}", s);
                // The length test alone never turns a surname away.
                proptest::prop_assert!(surnames.may_have_len(s.len()) || !model.contains_key(s.as_str()));
            }
        }
    }

    fn rule_id(entity_type: EntityType, canonical: &str) -> String {
        let mut id = String::from("left over");
        super::rule_id(entity_type, canonical, &mut id);
        id
    }

    #[test]
    fn ids_and_surnames() {
        assert_eq!(
            rule_id(EntityType::Per, "Jean-Yves Le Drian"),
            "per:jean-yves-le-drian"
        );
        assert_eq!(rule_id(EntityType::Loc, "Pré L'Evêque"), "loc:pré-l-evêque");
        assert_eq!(canonical_name("Jens \n Stoltenberg"), "Jens Stoltenberg");
        assert_eq!(canonical_name(" Pré\u{a0} L’Evêque "), "Pré L'Evêque");
        for s in [
            "Jens Stoltenberg",
            " a  b ",
            "a\tb",
            "a\u{b}b",
            "A\u{2028}B",
            "D’Estaing",
            "Ünal  X",
            "x ",
        ] {
            let want = s
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('’', "'");
            assert_eq!(canonical_name(s), want, "{s:?}");
        }
        // The Latin-1 shortcuts agree with the Unicode tables.
        for c in '\u{80}'..='\u{17f}' {
            let s = format!("a{c}b");
            let want = reference::rule_id(EntityType::Per, &s);
            assert_eq!(rule_id(EntityType::Per, &s), want, "{c:?}");
            let spaced = format!("É{c}é Ü");
            let want = spaced
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('’', "'");
            assert_eq!(canonical_name(&spaced), want, "{c:?}");
        }
        for (s, want) in [
            ("Jean-Yves  Le\u{a0}Drian", "per:jean-yves-le-drian"),
            ("İstanbul ÉTÉ", "per:i-stanbul-été"), // İ lowercases to i + U+0307 (not alphanumeric)
            ("--A..b--", "per:a-b"),
            ("", "per:"),
        ] {
            assert_eq!(rule_id(EntityType::Per, s), want, "{s:?}");
        }
        assert_eq!(surname("Jens Stoltenberg"), Some("Stoltenberg"));
        assert_eq!(surname("Valéry Giscard d'Estaing"), Some("Estaing"));
        assert_eq!(surname("Stoltenberg"), None);
    }
}
