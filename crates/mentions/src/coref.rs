//! In-document coreference: a one-word mention that is the surname of a fuller person mention of the
//! same text (`Jens Stoltenberg` … `M. Stoltenberg` … `Stoltenberg`) takes that person's id.

use std::collections::HashMap;

use crate::recognizer::{Found, Kind};
use crate::{EntityType, Gazetteer};

/// For each index of `found` to relink, the person's `(entity_id, canonical)`.
pub(crate) fn link(
    text: &str,
    found: &[Found],
    gazetteer: &Gazetteer,
) -> HashMap<usize, (String, String)> {
    // Surname → the first person mention of two or more words carrying it.
    let mut persons: HashMap<&str, (String, String)> = HashMap::new();
    for f in found {
        let surface = &text[f.start..f.end];
        let Some(surname) = surname(surface) else {
            continue;
        };
        if persons.contains_key(surname) {
            continue;
        }
        let person = match f.kind {
            Kind::Gazetteer(ei) => {
                let e = &gazetteer.entities()[ei as usize];
                (e.entity_type == EntityType::Per).then(|| (e.id.clone(), e.canonical.clone()))
            }
            Kind::Rule {
                entity_type: EntityType::Per,
                ..
            } => {
                let canonical = canonical_name(surface);
                Some((rule_id(EntityType::Per, &canonical), canonical))
            }
            Kind::Rule { .. } => None,
        };
        if let Some(p) = person {
            persons.insert(surname, p);
        }
    }
    let mut links = HashMap::new();
    if persons.is_empty() {
        return links;
    }
    for (i, f) in found.iter().enumerate() {
        let surface = &text[f.start..f.end];
        let one_word = match f.kind {
            Kind::Rule { words, .. } => words == 1,
            Kind::Gazetteer(ei) => {
                gazetteer.entities()[ei as usize].entity_type != EntityType::Per
                    && !surface.contains(char::is_whitespace)
            }
        };
        if one_word {
            if let Some(p) = persons.get(surface) {
                links.insert(i, p.clone());
            }
        }
    }
    links
}

/// The last word of a name of at least two words, without an elision (`Giscard d'Estaing` → `Estaing`).
fn surname(surface: &str) -> Option<&str> {
    let mut words = surface.split_whitespace();
    let first = words.next()?;
    let last = words.last()?;
    let last = last.rsplit(['\'', '’']).next().unwrap_or(last);
    (last != first && last.chars().next().is_some_and(char::is_uppercase)).then_some(last)
}

/// The canonical form of a name found by the rules: whitespace runs collapsed, typographic apostrophes straightened.
pub(crate) fn canonical_name(surface: &str) -> String {
    surface
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('’', "'")
}

/// The id of a name found by the rules: `per:jens-stoltenberg`.
pub(crate) fn rule_id(entity_type: EntityType, canonical: &str) -> String {
    let mut id = String::with_capacity(canonical.len() + 5);
    id.push_str(match entity_type {
        EntityType::Per => "per:",
        EntityType::Org => "org:",
        EntityType::Loc => "loc:",
        EntityType::Misc => "misc:",
    });
    let mut dash = false;
    for c in canonical.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if dash && !id.ends_with(':') {
                id.push('-');
            }
            id.push(c);
            dash = false;
        } else {
            dash = true;
        }
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_surnames() {
        assert_eq!(
            rule_id(EntityType::Per, "Jean-Yves Le Drian"),
            "per:jean-yves-le-drian"
        );
        assert_eq!(rule_id(EntityType::Loc, "Pré L'Evêque"), "loc:pré-l-evêque");
        assert_eq!(canonical_name("Jens \n Stoltenberg"), "Jens Stoltenberg");
        assert_eq!(surname("Jens Stoltenberg"), Some("Stoltenberg"));
        assert_eq!(surname("Valéry Giscard d'Estaing"), Some("Estaing"));
        assert_eq!(surname("Stoltenberg"), None);
    }
}
