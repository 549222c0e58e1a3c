//! The output of ingestion: a [`Document`] with its text and metadata.

use crate::decode::DecidedBy;

/// How precise a publication date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Precision {
    /// Year, month and day are known.
    Day,
    /// Year and month are known (`day` is 1).
    Month,
    /// Only the year is known (`month` and `day` are 1).
    Year,
}

impl Precision {
    /// `"day"`, `"month"` or `"year"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// A publication date and where it was found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Published {
    /// Year.
    pub year: i32,
    /// Month, 1..=12 (1 when the precision is year).
    pub month: u32,
    /// Day, 1..=31 (1 when the precision is month or year).
    pub day: u32,
    /// How much of the date is known.
    pub precision: Precision,
    /// Where it came from: `"page"` (an HTML page's meta tags or JSON-LD), `"field"` (the record's
    /// date field), `"header"` (` date 2022-01` glued to the first line), `"agency_line"`
    /// (`AFP, publié le ...`) or `"dateline"`.
    pub source: String,
}

impl Published {
    /// `YYYY-MM-DD` (with 01 for unknown parts).
    pub fn to_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A piece of metadata removed from the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cut {
    /// Start, in code points of the repaired text before removal.
    pub start: usize,
    /// End (exclusive), in code points of the repaired text before removal.
    pub end: usize,
    /// The removed text (exactly the range, separators included).
    pub text: String,
    /// The rule that removed it: `header`, `title`, `section`, `byline`, `dateline`, `agency_line`,
    /// `credits`, `photo_credit`.
    pub rule: &'static str,
}

/// Every rule name a [`Cut`] can have.
pub const CUT_RULES: &[&str] = &[
    "header",
    "title",
    "section",
    "byline",
    "dateline",
    "agency_line",
    "credits",
    "photo_credit",
];

/// A decoded, repaired document with its metadata. It can be serialized (serde), for instance to
/// keep ingested documents on disk between two passes over a corpus.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Document {
    /// The path as given or walked (`-` for stdin), `/`-separated.
    pub source_path: String,
    /// The record number inside a JSON Lines or CSV file (0-based).
    pub source_index: Option<u64>,
    /// The record's own id.
    pub source_id: Option<String>,
    /// The page URL (from the record).
    pub url: Option<String>,
    /// The host of `url` without `www.`.
    pub site: Option<String>,
    /// The title: the record's field, else a headline the scrape starts with.
    pub title: Option<String>,
    /// A section label just above the headline (`Défense`).
    pub section: Option<String>,
    /// The publication date.
    pub published: Option<Published>,
    /// The place of the dateline (`BRUXELLES`).
    pub dateline_place: Option<String>,
    /// The news agency (`Reuters`, `AFP`).
    pub agency: Option<String>,
    /// Authors from bylines and credits.
    pub authors: Vec<String>,
    /// Translators from credits (`version française ...`).
    pub translators: Vec<String>,
    /// Photo credits removed from captions (`REUTERS/Pascal Rossignol/File Photo`).
    pub photo_credits: Vec<String>,
    /// A guessed language code (`fr`, `en`, ...), from stopwords.
    pub language: Option<String>,
    /// The encoding_rs name of the encoding the bytes were decoded from.
    pub encoding: &'static str,
    /// How the encoding was decided.
    pub decided_by: DecidedBy,
    /// Every repair made (mojibake sequences, entities, controls, replacement characters).
    pub mojibake_repairs: u32,
    /// The text: decoded, repaired, NFC, metadata removed, trimmed; paragraphs as in the input.
    pub text: String,
    /// What metadata extraction removed.
    pub metadata_cuts: Vec<Cut>,
    /// The size of the input in bytes.
    pub input_bytes: u64,
    /// The last modification date an HTML page declares (`article:modified_time`,
    /// `og:updated_time`, JSON-LD `dateModified`).
    pub modified: Option<Published>,
    /// An HTML page's canonical URL (`<link rel="canonical">`, `og:url`).
    pub canonical_url: Option<String>,
    /// An HTML page's site name (`og:site_name`, JSON-LD `publisher.name`).
    pub site_name: Option<String>,
    /// An HTML page's publisher (`<meta name="publisher">`, JSON-LD `publisher.name`).
    pub publisher: Option<String>,
    /// An HTML page's description (`og:description`, `<meta name="description">`).
    pub description: Option<String>,
    /// Whether the input was read as HTML.
    pub html: bool,
    /// HTML blocks dropped before the text existed: link lists, and blocks outside the main
    /// content (`itemprop="articleBody"`, `<article>`, `<main>`) when the page marks one.
    pub html_dropped_blocks: u32,
}

/// The owned twins of [`Cut`] and [`Document`] that serde reads (field for field, in the same order),
/// turned into them by checking each `&'static str` name against the known set.
mod serialized {

    use super::{Cut, Published, CUT_RULES};
    use crate::decode::DecidedBy;

    impl<'de> serde::Deserialize<'de> for Cut {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cut, D::Error> {
            Cut::try_from(CutData::deserialize(d)?).map_err(serde::de::Error::custom)
        }
    }

    impl<'de> serde::Deserialize<'de> for super::Document {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<super::Document, D::Error> {
            super::Document::try_from(DocumentData::deserialize(d)?)
                .map_err(serde::de::Error::custom)
        }
    }

    #[derive(serde::Deserialize)]
    pub(super) struct CutData {
        start: usize,
        end: usize,
        #[serde(deserialize_with = "utf8_string")]
        text: String,
        rule: String,
    }

    impl TryFrom<CutData> for Cut {
        type Error = String;
        fn try_from(c: CutData) -> Result<Cut, String> {
            let rule = CUT_RULES
                .iter()
                .find(|r| **r == c.rule)
                .copied()
                .ok_or_else(|| format!("unknown metadata rule {:?}", c.rule))?;
            Ok(Cut {
                start: c.start,
                end: c.end,
                text: c.text,
                rule,
            })
        }
    }

    #[derive(serde::Deserialize)]
    pub(super) struct DocumentData {
        source_path: String,
        source_index: Option<u64>,
        source_id: Option<String>,
        url: Option<String>,
        site: Option<String>,
        title: Option<String>,
        section: Option<String>,
        published: Option<Published>,
        dateline_place: Option<String>,
        agency: Option<String>,
        authors: Vec<String>,
        translators: Vec<String>,
        photo_credits: Vec<String>,
        language: Option<String>,
        encoding: String,
        decided_by: DecidedBy,
        mojibake_repairs: u32,
        #[serde(deserialize_with = "utf8_string")]
        text: String,
        metadata_cuts: Vec<CutData>,
        input_bytes: u64,
        modified: Option<Published>,
        canonical_url: Option<String>,
        site_name: Option<String>,
        publisher: Option<String>,
        description: Option<String>,
        html: bool,
        html_dropped_blocks: u32,
    }

    /// A string read as bytes and checked with simdutf8, several times faster than the
    /// `str::from_utf8` that a `String` field gets from bincode (the document spill reads every
    /// text back); formats that give strings (JSON) give them as they are.
    fn utf8_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        struct Utf8;
        impl serde::de::Visitor<'_> for Utf8 {
            type Value = String;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a UTF-8 string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<String, E> {
                match simdutf8::basic::from_utf8(v) {
                    Ok(s) => Ok(s.to_owned()),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
                }
            }
        }
        d.deserialize_bytes(Utf8)
    }

    fn encoding_name(name: &str) -> Result<&'static str, String> {
        encoding_rs::Encoding::for_label(name.as_bytes())
            .map(|e| e.name())
            .filter(|n| *n == name)
            .ok_or_else(|| format!("unknown encoding {name:?}"))
    }

    impl TryFrom<DocumentData> for super::Document {
        type Error = String;
        fn try_from(d: DocumentData) -> Result<super::Document, String> {
            Ok(super::Document {
                source_path: d.source_path,
                source_index: d.source_index,
                source_id: d.source_id,
                url: d.url,
                site: d.site,
                title: d.title,
                section: d.section,
                published: d.published,
                dateline_place: d.dateline_place,
                agency: d.agency,
                authors: d.authors,
                translators: d.translators,
                photo_credits: d.photo_credits,
                language: d.language,
                encoding: encoding_name(&d.encoding)?,
                decided_by: d.decided_by,
                mojibake_repairs: d.mojibake_repairs,
                text: d.text,
                metadata_cuts: d
                    .metadata_cuts
                    .into_iter()
                    .map(Cut::try_from)
                    .collect::<Result<_, _>>()?,
                input_bytes: d.input_bytes,
                modified: d.modified,
                canonical_url: d.canonical_url,
                site_name: d.site_name,
                publisher: d.publisher,
                description: d.description,
                html: d.html,
                html_dropped_blocks: d.html_dropped_blocks,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Document, IngesterBuilder, Record};

    #[test]
    fn documents_round_trip_through_serde() {
        let doc = IngesterBuilder::new()
            .build()
            .ingest(Record::from_bytes(
                "a.txt",
                " date 2022-01 BRUXELLES, 7 janvier (Reuters) - Les ministres se sont réunis.\n\n\
                 Par Jean Dupont"
                    .as_bytes()
                    .to_vec(),
            ))
            .unwrap();
        assert!(!doc.metadata_cuts.is_empty());
        let json = serde_json::to_string(&doc).unwrap();
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
        // The two `&'static str` fields only take known names.
        let bad = json.replacen("\"UTF-8\"", "\"no-such-encoding\"", 1);
        assert!(serde_json::from_str::<Document>(&bad).is_err());
        let rule = format!("\"rule\":\"{}\"", doc.metadata_cuts[0].rule);
        assert!(json.contains(&rule));
        let bad = json.replacen(&rule, "\"rule\":\"no_such_rule\"", 1);
        assert!(serde_json::from_str::<Document>(&bad).is_err());
    }
}
