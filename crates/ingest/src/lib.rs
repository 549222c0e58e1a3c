//! `toolkit-ingest` turns raw input bytes into clean [`Document`]s: it reads files, directories,
//! stdin, JSON Lines and CSV (plain, gzip or zstd) as a stream of [`Record`]s, decodes them (BOMs,
//! strict UTF-8, UTF-16, windows-1252, ISO-8859-1/15), repairs mojibake, HTML entities and control
//! characters, normalizes to NFC, and extracts news metadata (scraper header, headline and section,
//! wire dateline, agency lines, credits, photo credits, language), removing it from the text.
//!
//! HTML pages (files, or JSON/CSV text fields holding HTML) are recognised by name or by their
//! start, decoded with the charset they declare when the bytes agree, and parsed once with lol_html
//! (a spec-compliant streaming HTML5 tokenizer): scripts, styles, navigation, forms, hidden
//! elements and link lists are dropped, block elements become paragraphs, the page's main content
//! (`itemprop="articleBody"`, `<article>`, `<main>`) is kept when it marks one, and the metadata
//! comes from `<title>`, `og:*`/`article:*` meta tags, JSON-LD and `<html lang>`
//! ([`Document::modified`], [`Document::site_name`], [`Document::canonical_url`], ...).
//!
//! Reading ([`Reader`]) is sequential I/O; ingesting ([`Ingester`]) is pure CPU work that can run on
//! many threads.
//!
//! ```
//! use toolkit_ingest::{IngesterBuilder, Precision, Record};
//!
//! let raw = " date 2022-01 BRUXELLES, 7 janvier (Reuters) - Les ministres de lâ€™Otan ont \
//!            rÃ©affirmÃ© leur unitÃ©.\n\n(Reportage Robin Emmott; version française Jean-Stéphane Brosse)";
//! let ingester = IngesterBuilder::new().language_hint(Some("fr")).build();
//! let doc = ingester.ingest(Record::from_bytes("000.txt", raw.as_bytes().to_vec())).unwrap();
//! assert_eq!(doc.text, "Les ministres de l’Otan ont réaffirmé leur unité.");
//! let published = doc.published.unwrap();
//! assert_eq!((published.year, published.month, published.precision), (2022, 1, Precision::Month));
//! assert_eq!(doc.dateline_place.as_deref(), Some("BRUXELLES"));
//! assert_eq!(doc.agency.as_deref(), Some("Reuters"));
//! assert_eq!(doc.authors, ["Robin Emmott"]);
//! assert_eq!(doc.translators, ["Jean-Stéphane Brosse"]);
//! assert_eq!(doc.mojibake_repairs, 4);
//! ```
#![deny(missing_docs)]

mod decode;
mod document;
mod error;
mod fix;
mod html;
mod ingester;
mod input;
mod metadata;
mod reader;

pub use crate::decode::{DecidedBy, Decoded};
pub use crate::document::{Cut, Document, Precision, Published, CUT_RULES};
pub use crate::error::{Error, ErrorKind};
pub use crate::fix::Fixed;
pub use crate::ingester::{Ingester, IngesterBuilder};
pub use crate::input::{Body, FieldNames, Format, Input, Record};
pub use crate::reader::{
    Reader, ReaderBuilder, DEFAULT_MAX_DOC_BYTES, DEFAULT_MAX_EXPANSION_RATIO,
    DEFAULT_MAX_INPUT_BYTES,
};
