//! [`Gazetteer`]: known entities and their aliases, read from plain TSV.

use std::collections::HashMap;

use crate::{EntityType, Error};

/// The built-in files, in priority order: when two entities share an alias, the earlier file wins
/// (so `Vienne` is the Austrian capital of `places.tsv`, not the French department).
const DEFAULT_FILES: &[(&str, &str)] = &[
    (
        "people.tsv",
        include_str!("../../../data/gazetteer/people.tsv"),
    ),
    (
        "organisations.tsv",
        include_str!("../../../data/gazetteer/organisations.tsv"),
    ),
    (
        "places.tsv",
        include_str!("../../../data/gazetteer/places.tsv"),
    ),
    (
        "countries.tsv",
        include_str!("../../../data/gazetteer/countries.tsv"),
    ),
    (
        "fr_subdivisions.tsv",
        include_str!("../../../data/gazetteer/fr_subdivisions.tsv"),
    ),
    ("misc.tsv", include_str!("../../../data/gazetteer/misc.tsv")),
];

/// One known entity.
#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    /// Stable id (`org:nato`, `country:fr`, `per:emmanuel-macron`).
    pub id: String,
    /// Coarse type.
    pub entity_type: EntityType,
    /// Canonical name; it is also matched as an alias.
    pub canonical: String,
    /// Other names (`OTAN`, `Alliance atlantique`, `NATO`).
    pub aliases: Vec<String>,
}

/// A set of known entities with their aliases.
///
/// The TSV format, one entity a line: `entity_id<TAB>type<TAB>canonical<TAB>alias|alias|...`
/// (`type` is `PER`, `ORG`, `LOC` or `MISC`; the aliases column may be empty or absent).
/// Empty lines and lines starting with `#` are skipped.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gazetteer {
    entities: Vec<Entity>,
    by_id: HashMap<String, usize>,
}

impl Gazetteer {
    /// An empty gazetteer.
    pub fn new() -> Gazetteer {
        Gazetteer::default()
    }

    /// The default French gazetteer compiled into the crate from `data/gazetteer/*.tsv`: every country
    /// (Debian iso-codes French names plus news variants), French regions and departments, capitals and
    /// major cities, international organisations, French institutions, parties, companies and media, and
    /// frequent people of the news.
    pub fn default_fr() -> Gazetteer {
        let mut g = Gazetteer::new();
        for &(name, tsv) in DEFAULT_FILES {
            match Gazetteer::from_tsv(tsv) {
                Ok(part) => g.extend(part),
                // The shipped files are checked by a unit test; an error here is a packaging bug,
                // and an empty part is the least harmful answer.
                Err(_) => debug_assert!(false, "built-in gazetteer {name} does not parse"),
            }
        }
        g
    }

    /// Parses TSV text (see the type docs for the format).
    pub fn from_tsv(tsv: &str) -> Result<Gazetteer, Error> {
        let mut g = Gazetteer::new();
        for (i, line) in tsv.lines().enumerate() {
            let line_no = i + 1;
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut cols = line.split('\t');
            let id = cols.next().unwrap_or("").trim();
            let ty = cols.next().map(str::trim);
            let canonical = cols.next().map(str::trim);
            let aliases = cols.next().unwrap_or("");
            if cols.next().is_some() {
                return Err(Error::InvalidLine {
                    line: line_no,
                    reason: "more than 4 tab-separated columns",
                });
            }
            let (Some(ty), Some(canonical)) = (ty, canonical) else {
                return Err(Error::InvalidLine {
                    line: line_no,
                    reason: "expected at least 3 tab-separated columns",
                });
            };
            if id.is_empty() {
                return Err(Error::InvalidLine {
                    line: line_no,
                    reason: "empty entity id",
                });
            }
            if canonical.is_empty() {
                return Err(Error::InvalidLine {
                    line: line_no,
                    reason: "empty canonical name",
                });
            }
            let entity_type = EntityType::parse(ty).ok_or_else(|| Error::UnknownType {
                line: line_no,
                value: ty.to_string(),
            })?;
            let aliases = aliases
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string)
                .collect();
            g.push(Entity {
                id: id.to_string(),
                entity_type,
                canonical: canonical.to_string(),
                aliases,
            });
        }
        Ok(g)
    }

    /// Adds the entities of `other`. An entity whose id is already known keeps its type and canonical
    /// name and gains the new aliases.
    pub fn extend(&mut self, other: Gazetteer) {
        for e in other.entities {
            self.push(e);
        }
    }

    /// Adds one entity (merged as in [`Gazetteer::extend`]).
    pub fn push(&mut self, entity: Entity) {
        match self.by_id.get(&entity.id) {
            Some(&i) => {
                let known = &mut self.entities[i];
                for a in entity
                    .aliases
                    .into_iter()
                    .chain(std::iter::once(entity.canonical))
                {
                    if a != known.canonical && !known.aliases.contains(&a) {
                        known.aliases.push(a);
                    }
                }
            }
            None => {
                self.by_id.insert(entity.id.clone(), self.entities.len());
                self.entities.push(entity);
            }
        }
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// All entities, in insertion order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// True when there is no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_parse() {
        for &(name, tsv) in DEFAULT_FILES {
            let g = Gazetteer::from_tsv(tsv)
                .map_err(|e| format!("{name}: {e}"))
                .unwrap();
            assert!(g.len() >= 10, "{name} has only {} entities", g.len());
        }
    }

    #[test]
    fn default_covers_countries_and_nato() {
        let g = Gazetteer::default_fr();
        assert!(g.len() > 800, "{}", g.len());
        let nato = g.get("org:nato").unwrap();
        assert_eq!(nato.canonical, "Otan");
        assert!(nato.aliases.iter().any(|a| a == "Alliance atlantique"));
        assert_eq!(g.get("country:ru").unwrap().canonical, "Russie");
        assert_eq!(g.get("country:ua").unwrap().entity_type, EntityType::Loc);
        let countries = g
            .entities()
            .iter()
            .filter(|e| e.id.starts_with("country:"))
            .count();
        assert!(countries >= 249, "{countries}");
    }

    #[test]
    fn parse_errors_name_the_line() {
        let err = Gazetteer::from_tsv("# c\na\tPER\tA\nb\tPERSON\tB\n").unwrap_err();
        assert!(matches!(err, Error::UnknownType { line: 3, .. }), "{err:?}");
        let err = Gazetteer::from_tsv("a\tPER\n").unwrap_err();
        assert!(matches!(err, Error::InvalidLine { line: 1, .. }), "{err:?}");
        let err = Gazetteer::from_tsv("\tPER\tX\n").unwrap_err();
        assert!(matches!(err, Error::InvalidLine { line: 1, .. }), "{err:?}");
    }

    #[test]
    fn extend_merges_aliases_by_id() {
        let mut g = Gazetteer::from_tsv("org:x\tORG\tIxe\tIX\n").unwrap();
        g.extend(Gazetteer::from_tsv("org:x\tLOC\tIxe2\tIX|Iks\norg:y\tORG\tY\n").unwrap());
        assert_eq!(g.len(), 2);
        let x = g.get("org:x").unwrap();
        assert_eq!(x.entity_type, EntityType::Org);
        assert_eq!(x.aliases, vec!["IX", "Iks", "Ixe2"]);
    }
}
