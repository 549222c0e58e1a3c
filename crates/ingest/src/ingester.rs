//! [`Ingester`]: a record's bytes → a [`Document`] (decode, repair, metadata). Pure CPU work.

use crate::decode::{self, DecidedBy, Decoded};
use crate::document::{Cut, Document, Published};
use crate::error::{Error, ErrorKind};
use crate::fix::{self, Fixed};
use crate::html;
use crate::input::{Body, Format, Record};
use crate::metadata::{self, date, Hints, Meta, RawCut};

/// Builds an [`Ingester`].
#[derive(Debug, Clone)]
pub struct IngesterBuilder {
    language_hint: Option<String>,
    repair: bool,
    metadata: bool,
    format: Format,
    main_content: bool,
    detect_language: bool,
}

impl Default for IngesterBuilder {
    fn default() -> IngesterBuilder {
        IngesterBuilder::new()
    }
}

impl IngesterBuilder {
    /// No language hint, repair and metadata extraction on.
    pub fn new() -> IngesterBuilder {
        IngesterBuilder {
            language_hint: None,
            repair: true,
            metadata: true,
            format: Format::Auto,
            main_content: true,
            detect_language: true,
        }
    }

    /// The expected language (`"fr"`): hints encoding detection (as a top-level domain) and is the
    /// document language when the text is too short to guess.
    pub fn language_hint(&mut self, lang: Option<&str>) -> &mut IngesterBuilder {
        self.language_hint = lang
            .map(|l| l.trim().to_ascii_lowercase())
            .filter(|l| !l.is_empty());
        self
    }

    /// Whether to repair entities, mojibake, controls and normalize to NFC (default on).
    pub fn repair(&mut self, yes: bool) -> &mut IngesterBuilder {
        self.repair = yes;
        self
    }

    /// Whether to extract metadata and remove it from the text (default on).
    pub fn metadata(&mut self, yes: bool) -> &mut IngesterBuilder {
        self.metadata = yes;
        self
    }

    /// How record bodies are read: [`Format::Auto`] (default) reads a body as HTML when its record
    /// comes from a `.html`/`.htm` file or when it starts like HTML (`<!doctype html`, `<html`,
    /// `<head`, `<body`, `<meta`, `<p>`, `<div`, ...), and so do [`Format::Jsonl`] and
    /// [`Format::Csv`] (their text fields may hold HTML); [`Format::Html`] reads every body as HTML;
    /// [`Format::Text`] reads every body as plain text.
    pub fn format(&mut self, format: Format) -> &mut IngesterBuilder {
        self.format = format;
        self
    }

    /// Whether an HTML page keeps only its main content when it marks one with enough text
    /// (`itemprop="articleBody"`, else `<article>`, else `<main>`/`role="main"`); default on.
    pub fn main_content(&mut self, yes: bool) -> &mut IngesterBuilder {
        self.main_content = yes;
        self
    }

    /// Whether to guess each document's language from its words (default on); off, `language` is
    /// the page's declared language or the hint. Turning it off saves a few percent of the ingest
    /// time when the language is not needed (the pipeline's chrome-learning pass).
    pub fn detect_language(&mut self, yes: bool) -> &mut IngesterBuilder {
        self.detect_language = yes;
        self
    }

    /// The ingester.
    pub fn build(&self) -> Ingester {
        Ingester {
            config: self.clone(),
        }
    }
}

/// Turns records into documents. Cheap to clone; `Send + Sync`, so one can serve a thread pool.
#[derive(Debug, Clone)]
pub struct Ingester {
    config: IngesterBuilder,
}

impl Default for Ingester {
    fn default() -> Ingester {
        IngesterBuilder::new().build()
    }
}

impl Ingester {
    /// Decodes, repairs and extracts the metadata of one record. Errors carry the record's location.
    pub fn ingest(&self, record: Record) -> Result<Document, Error> {
        let Record {
            source_path,
            source_index,
            source_id,
            url,
            date,
            title,
            body,
        } = record;
        let at = |e: Error| e.at(&source_path, source_index);
        let input_bytes = body.len() as u64;
        let is_html = match self.config.format {
            Format::Html => true,
            Format::Text => false,
            Format::Auto | Format::Jsonl | Format::Csv => {
                let head = match &body {
                    Body::Bytes(b) => &b[..b.len().min(1024)],
                    Body::Text(t) => &t.as_bytes()[..t.len().min(1024)],
                };
                (source_index.is_none() && html::has_html_extension(&source_path))
                    || html::looks_like_html(head)
            }
        };
        let (text, encoding, decided_by) = match body {
            Body::Bytes(b) if is_html => {
                if b.is_empty() {
                    return Err(at(Error::new(ErrorKind::Empty)));
                }
                let d = decode::decode_html(&b, self.tld()).map_err(at)?;
                (d.text, d.encoding, d.decided_by)
            }
            Body::Bytes(b) => {
                let d = self.decode(&b).map_err(at)?;
                (d.text, d.encoding, d.decided_by)
            }
            Body::Text(s) => (s, "UTF-8", DecidedBy::Container),
        };
        let (text, page, html_dropped_blocks) = if is_html {
            let p = html::page::parse(&text, self.config.main_content);
            (p.text, Some(p.meta), p.dropped_blocks)
        } else {
            (text, None, 0)
        };
        let fixed = if self.config.repair {
            fix::fix_owned(text)
        } else {
            Fixed { text, repairs: 0 }
        };
        if fixed.text.trim().is_empty() {
            return Err(at(Error::new(ErrorKind::Empty)));
        }
        let page = page.map(|p| self.page_fields(p));
        let page = page.unwrap_or_default();
        let title = title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        // Page metadata wins over the record's fields and over guesses from the text.
        let title = page.title.clone().or(title);
        let published = page
            .published
            .clone()
            .or_else(|| date.as_deref().and_then(field_date));
        let meta = if self.config.metadata {
            metadata::extract(
                &fixed.text,
                &Hints {
                    title: title.as_deref(),
                    published,
                },
            )
        } else {
            Meta {
                published,
                ..Meta::default()
            }
        };
        let (text, metadata_cuts) = apply_cuts(&fixed.text, &meta.cuts);
        if text.is_empty() {
            return Err(at(Error::new(ErrorKind::Empty).with_cause(
                "nothing is left once the metadata (title, dateline, credits) is moved out",
            )));
        }
        let language = page
            .language
            .clone()
            .or_else(|| {
                self.config
                    .detect_language
                    .then(|| metadata::guess_language(&text).map(str::to_string))
                    .flatten()
            })
            .or_else(|| self.config.language_hint.clone());
        let url = page.canonical_url.clone().or(url);
        let mut authors = page.authors;
        for a in meta.authors {
            if !authors.iter().any(|b| b.eq_ignore_ascii_case(&a)) {
                authors.push(a);
            }
        }
        Ok(Document {
            source_path,
            source_index,
            source_id,
            site: url.as_deref().and_then(site),
            url,
            title: title.or(meta.title),
            section: meta.section,
            published: meta.published,
            dateline_place: meta.dateline_place,
            agency: meta.agency,
            authors,
            translators: meta.translators,
            photo_credits: meta.photo_credits,
            language,
            encoding,
            decided_by,
            mojibake_repairs: fixed.repairs,
            text,
            metadata_cuts,
            input_bytes,
            modified: page.modified,
            canonical_url: page.canonical_url,
            site_name: page.site_name,
            publisher: page.publisher,
            description: page.description,
            html: is_html,
            html_dropped_blocks,
        })
    }

    /// Decodes bytes: BOM, else strict UTF-8, else UTF-16 without BOM, else chardetng (hinted with
    /// the language hint as a top-level domain) and encoding_rs. Binary and empty input are errors.
    pub fn decode(&self, bytes: &[u8]) -> Result<Decoded, Error> {
        if bytes.is_empty() {
            return Err(Error::new(ErrorKind::Empty));
        }
        decode::decode(bytes, self.tld())
    }

    fn tld(&self) -> Option<&[u8]> {
        self.config.language_hint.as_deref().map(str::as_bytes)
    }

    /// Repairs the page's metadata values like the text (entities, mojibake, NFC, spaces).
    fn page_fields(&self, p: html::page::PageMeta) -> PageFields {
        let clean = |s: Option<String>| {
            s.map(|v| {
                let f = if self.config.repair {
                    fix::fix(&v).text
                } else {
                    v
                };
                f.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .filter(|v| !v.is_empty())
        };
        let date = |s: Option<String>| {
            let d = date::parse_numeric(clean(s)?.as_str())?;
            Some(Published {
                year: d.year?,
                month: d.month,
                day: d.day,
                precision: d.precision,
                source: "page".to_string(),
            })
        };
        PageFields {
            title: clean(p.title),
            published: date(p.published),
            modified: p
                .modified
                .into_iter()
                .filter_map(|m| date(Some(m)))
                .max_by_key(|d| (d.year, d.month, d.day)),
            authors: p
                .authors
                .into_iter()
                .filter_map(|a| clean(Some(a)))
                .collect(),
            site_name: clean(p.site_name),
            publisher: clean(p.publisher),
            canonical_url: clean(p.canonical_url),
            language: p.language,
            description: clean(p.description),
        }
    }

    /// Repairs decoded text: HTML entities, mojibake (UTF-8 read as windows-1252/latin-1, several
    /// layers), control characters, NFC. Correct text comes back byte-identical with 0 repairs.
    pub fn fix(&self, text: &str) -> Fixed {
        fix::fix(text)
    }
}

/// [`html::page::PageMeta`] after repair, dates parsed.
#[derive(Default)]
struct PageFields {
    title: Option<String>,
    published: Option<Published>,
    modified: Option<Published>,
    authors: Vec<String>,
    site_name: Option<String>,
    publisher: Option<String>,
    canonical_url: Option<String>,
    language: Option<String>,
    description: Option<String>,
}

fn field_date(s: &str) -> Option<Published> {
    let d = date::parse(s)?;
    Some(Published {
        year: d.year?,
        month: d.month,
        day: d.day,
        precision: d.precision,
        source: "field".to_string(),
    })
}

/// The host of a URL, lowercased, without `www.`, port or credentials.
fn site(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (!host.is_empty() && host.contains('.')).then(|| host.to_string())
}

/// Removes the cuts (sorted, disjoint byte ranges) and trims the result; cut offsets in code points.
fn apply_cuts(t: &str, cuts: &[RawCut]) -> (String, Vec<Cut>) {
    if cuts.is_empty() {
        let trimmed = t.trim();
        return (trimmed.to_string(), Vec::new());
    }
    let mut out = String::with_capacity(t.len());
    let mut out_cuts = Vec::with_capacity(cuts.len());
    let mut last = 0;
    let mut chars = 0;
    for c in cuts {
        let kept = &t[last..c.start];
        out.push_str(kept);
        chars += kept.chars().count();
        let removed = &t[c.start..c.end];
        let n = removed.chars().count();
        out_cuts.push(Cut {
            start: chars,
            end: chars + n,
            text: removed.to_string(),
            rule: c.rule,
        });
        chars += n;
        last = c.end;
    }
    out.push_str(&t[last..]);
    let trimmed = out.trim();
    let text = if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    };
    (text, out_cuts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites() {
        assert_eq!(
            site("https://www.Example.fr/a/b?c").as_deref(),
            Some("example.fr")
        );
        assert_eq!(
            site("http://user@actu.orange.fr:8080").as_deref(),
            Some("actu.orange.fr")
        );
        assert_eq!(site("not a url"), None);
    }

    #[test]
    fn cuts_are_code_points() {
        let t = "é date\nÉTÉ\nreste";
        let cuts = [RawCut {
            start: 8,
            end: 14,
            rule: "title",
        }];
        assert_eq!(&t[8..14], "ÉTÉ\n");
        let (text, cuts) = apply_cuts(t, &cuts);
        assert_eq!(text, "é date\nreste");
        let chars: Vec<char> = t.chars().collect();
        let back: String = chars[cuts[0].start..cuts[0].end].iter().collect();
        assert_eq!(back, cuts[0].text);
    }
}
