//! The output types: [`Mention`], [`EntityType`], [`Method`].

use std::fmt;
use std::sync::Arc;

/// The coarse type of an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum EntityType {
    /// A person.
    Per,
    /// An organisation (including states' institutions and companies).
    Org,
    /// A place: country, region, city, sea, street...
    Loc,
    /// A name whose type could not be decided.
    Misc,
}

impl EntityType {
    /// `"PER"`, `"ORG"`, `"LOC"` or `"MISC"`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Per => "PER",
            EntityType::Org => "ORG",
            EntityType::Loc => "LOC",
            EntityType::Misc => "MISC",
        }
    }

    /// Parses the `as_str` form (also accepts `PERS`).
    pub fn parse(s: &str) -> Option<EntityType> {
        match s {
            "PER" | "PERS" => Some(EntityType::Per),
            "ORG" => Some(EntityType::Org),
            "LOC" => Some(EntityType::Loc),
            "MISC" => Some(EntityType::Misc),
            _ => None,
        }
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a mention was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Method {
    /// An alias of the gazetteer.
    Gazetteer,
    /// A capitalised word run typed by cues (title, given name, organisation or place word).
    Rule,
    /// A short form (`M. Stoltenberg`, `Stoltenberg`) linked to a fuller mention of the same text.
    Coref,
}

impl Method {
    /// `"gazetteer"`, `"rule"` or `"coref"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Gazetteer => "gazetteer",
            Method::Rule => "rule",
            Method::Coref => "coref",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One mention of an entity in a text.
#[derive(Clone, Debug, PartialEq)]
pub struct Mention {
    /// Byte offset of the first byte of the mention in the text.
    pub start: usize,
    /// Byte offset just after the mention (exclusive).
    pub end: usize,
    /// Index, in the `sentences` slice given to [`crate::Recognizer::find`], of the sentence holding the mention.
    pub sentence_index: usize,
    /// Stable id: the gazetteer id (`org:nato`, `country:ua`) or, for names no gazetteer knows,
    /// `<type>:<lowercased name>` (`per:jens-stoltenberg`). Shared with the recognizer for
    /// gazetteer entities, so a mention costs no allocation for it; `&m.entity_id` derefs to `&str`.
    pub entity_id: Arc<str>,
    /// Canonical name of the entity (`Otan` for `OTAN`, `l'Alliance atlantique`...); shared like
    /// `entity_id`.
    pub canonical: Arc<str>,
    /// Coarse type.
    pub entity_type: EntityType,
    /// How it was found.
    pub method: Method,
    /// A rough confidence in `[0, 1]`, higher for gazetteer hits and strong cues.
    pub confidence: f32,
}

impl Mention {
    /// The mentioned text, `&text[start..end]` (empty if the offsets do not fit `text`).
    pub fn surface<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}
