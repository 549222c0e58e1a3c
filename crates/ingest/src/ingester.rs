//! [`Ingester`]: a record's bytes → a [`Document`] (decode, repair, metadata). Pure CPU work.

use crate::decode::{self, DecidedBy, Decoded};
use crate::document::{Cut, Document, Published};
use crate::error::{Error, ErrorKind};
use crate::fix::{self, Fixed};
use crate::input::{Body, Record};
use crate::metadata::{self, date, Hints, Meta, RawCut};

/// Builds an [`Ingester`].
#[derive(Debug, Clone)]
pub struct IngesterBuilder {
    language_hint: Option<String>,
    repair: bool,
    metadata: bool,
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
        let (text, encoding, decided_by) = match body {
            Body::Bytes(b) => {
                let d = self.decode(&b).map_err(at)?;
                (d.text, d.encoding, d.decided_by)
            }
            Body::Text(s) => (s, "UTF-8", DecidedBy::Container),
        };
        let fixed = if self.config.repair {
            fix::fix_owned(text)
        } else {
            Fixed { text, repairs: 0 }
        };
        if fixed.text.trim().is_empty() {
            return Err(at(Error::new(ErrorKind::Empty)));
        }
        let title = title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        let published = date.as_deref().and_then(field_date);
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
        let language = metadata::guess_language(&text)
            .map(str::to_string)
            .or_else(|| self.config.language_hint.clone());
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
            authors: meta.authors,
            translators: meta.translators,
            photo_credits: meta.photo_credits,
            language,
            encoding,
            decided_by,
            mojibake_repairs: fixed.repairs,
            text,
            metadata_cuts,
            input_bytes,
        })
    }

    /// Decodes bytes: BOM, else strict UTF-8, else UTF-16 without BOM, else chardetng (hinted with
    /// the language hint as a top-level domain) and encoding_rs. Binary and empty input are errors.
    pub fn decode(&self, bytes: &[u8]) -> Result<Decoded, Error> {
        if bytes.is_empty() {
            return Err(Error::new(ErrorKind::Empty));
        }
        decode::decode(
            bytes,
            self.config.language_hint.as_deref().map(str::as_bytes),
        )
    }

    /// Repairs decoded text: HTML entities, mojibake (UTF-8 read as windows-1252/latin-1, several
    /// layers), control characters, NFC. Correct text comes back byte-identical with 0 repairs.
    pub fn fix(&self, text: &str) -> Fixed {
        fix::fix(text)
    }
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
