//! The stage verbs over JSON Lines: `{"id","text"}` in, one object per input line out, same order, same id.

use std::io::{BufRead, Write};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::Error;
use crate::pipeline::{Pipeline, Processed};
use toolkit_ingest::{Body, Record};

/// Counters of a JSONL run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JsonlStats {
    /// Lines read (blank lines are skipped and not counted).
    pub lines: u64,
    /// Lines that could not be parsed or processed; each produced an `{"id", "error"}` object.
    pub errors: u64,
}

#[derive(Deserialize)]
struct InLine {
    #[serde(default)]
    id: Value,
    text: String,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: &'a Value,
    error: String,
}

#[derive(Serialize)]
struct FixLine<'a> {
    id: &'a Value,
    text: &'a str,
}

#[derive(Serialize)]
struct CleanLine<'a> {
    id: &'a Value,
    text: &'a str,
    removed: Vec<RemovedJson<'a>>,
    meta: Meta<'a>,
}

#[derive(Serialize)]
struct RemovedJson<'a> {
    start: u64,
    end: u64,
    text: &'a str,
    class: &'a str,
    rule_id: &'a str,
}

/// The metadata of `toolkit clean --jsonl`: the articles columns that cleaning fills.
#[derive(Serialize)]
struct Meta<'a> {
    title: Option<&'a str>,
    section: Option<&'a str>,
    published: Option<String>,
    published_precision: Option<&'a str>,
    dateline_place: Option<&'a str>,
    agency: Option<&'a str>,
    authors: &'a [String],
    translators: &'a [String],
    photo_credits: &'a [String],
    language: Option<&'a str>,
    mojibake_repairs: u32,
    removed_chars: Option<u64>,
}

#[derive(Serialize)]
struct SentencesLine<'a> {
    id: &'a Value,
    sentences: Vec<SpanJson<'a>>,
}

#[derive(Serialize)]
struct SpanJson<'a> {
    start: u64,
    end: u64,
    text: &'a str,
}

#[derive(Serialize)]
struct MentionsLine<'a> {
    id: &'a Value,
    mentions: Vec<MentionJson<'a>>,
}

#[derive(Serialize)]
struct MentionJson<'a> {
    start: u64,
    end: u64,
    text: &'a str,
    #[serde(rename = "type")]
    entity_type: &'a str,
    entity_id: &'a str,
    canonical: &'a str,
}

const LINES_PER_BATCH: usize = 1024;

impl Pipeline {
    /// `toolkit fix --jsonl`: decoding repairs (mojibake, entities, control characters, NFC) of each
    /// line's `text`.
    pub fn fix_jsonl(&self, input: impl BufRead, output: impl Write) -> Result<JsonlStats, Error> {
        self.map_jsonl(input, output, |id, text| {
            let fixed = self.ingester.fix(text);
            serde_json::to_string(&FixLine {
                id,
                text: &fixed.text,
            })
        })
    }

    /// `toolkit clean --jsonl`: repair, metadata extraction and cleaning of each line's `text`; the
    /// output has the clean `text`, every `removed` segment (offsets as in the `removed` table) and the
    /// extracted `meta`data.
    pub fn clean_jsonl(
        &self,
        input: impl BufRead,
        output: impl Write,
    ) -> Result<JsonlStats, Error> {
        self.map_jsonl(input, output, |id, text| {
            let record = Record {
                source_path: "-".into(),
                source_index: None,
                source_id: None,
                url: None,
                date: None,
                title: None,
                body: Body::Text(text.to_string()),
            };
            match self.process(record) {
                Ok(p) => clean_json_line(id, &p),
                Err(e) => serde_json::to_string(&ErrorLine {
                    id,
                    error: e.message,
                }),
            }
        })
    }

    /// `toolkit sentences --jsonl`: sentence spans (code point offsets) of each line's `text`, as is.
    pub fn sentences_jsonl(
        &self,
        input: impl BufRead,
        output: impl Write,
    ) -> Result<JsonlStats, Error> {
        self.map_jsonl(input, output, |id, text| {
            let (sentences, _) = self.annotate("", text);
            serde_json::to_string(&SentencesLine {
                id,
                sentences: sentences
                    .iter()
                    .map(|s| SpanJson {
                        start: s.char_start,
                        end: s.char_end,
                        text: &s.text,
                    })
                    .collect(),
            })
        })
    }

    /// `toolkit mentions --jsonl`: entity mentions (code point offsets) of each line's `text`, as is.
    pub fn mentions_jsonl(
        &self,
        input: impl BufRead,
        output: impl Write,
    ) -> Result<JsonlStats, Error> {
        self.map_jsonl(input, output, |id, text| {
            let (_, mentions) = self.annotate("", text);
            serde_json::to_string(&MentionsLine {
                id,
                mentions: mentions
                    .iter()
                    .map(|m| MentionJson {
                        start: m.char_start,
                        end: m.char_end,
                        text: &m.surface,
                        entity_type: &m.entity_type,
                        entity_id: &m.entity_id,
                        canonical: &m.canonical,
                    })
                    .collect(),
            })
        })
    }

    /// `toolkit fix` on raw bytes: decode (BOM, UTF-8, detection) then repair.
    pub fn fix_bytes(&self, bytes: &[u8]) -> Result<String, toolkit_ingest::Error> {
        let decoded = self.ingester.decode(bytes)?;
        Ok(self.ingester.fix(&decoded.text).text)
    }

    /// Applies `f` to every `{"id","text"}` line of `input` on the worker pool and writes one JSON object
    /// per line to `output`, in input order. A line that is not such an object gives
    /// `{"id": <id or null>, "error": "..."}` and is counted in [`JsonlStats::errors`].
    pub fn map_jsonl<F>(
        &self,
        mut input: impl BufRead,
        mut output: impl Write,
        f: F,
    ) -> Result<JsonlStats, Error>
    where
        F: Fn(&Value, &str) -> serde_json::Result<String> + Sync,
    {
        let mut stats = JsonlStats::default();
        let mut lines: Vec<String> = Vec::with_capacity(LINES_PER_BATCH);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = input
                .read_until(b'\n', &mut buf)
                .map_err(|source| Error::Stream {
                    what: "standard input",
                    source,
                })?;
            if n > 0 {
                let line = String::from_utf8_lossy(&buf);
                if !line.trim().is_empty() {
                    lines.push(line.into_owned());
                }
            }
            if lines.len() >= LINES_PER_BATCH || (n == 0 && !lines.is_empty()) {
                let out: Vec<(String, bool)> = self
                    .pool
                    .install(|| lines.par_iter().map(|line| one_line(line, &f)).collect());
                for (json, ok) in out {
                    stats.lines += 1;
                    stats.errors += u64::from(!ok);
                    output
                        .write_all(json.as_bytes())
                        .and_then(|_| output.write_all(b"\n"))
                        .map_err(|source| Error::Stream {
                            what: "standard output",
                            source,
                        })?;
                }
                lines.clear();
            }
            if n == 0 {
                break;
            }
        }
        output.flush().map_err(|source| Error::Stream {
            what: "standard output",
            source,
        })?;
        Ok(stats)
    }
}

/// The `id` of a document read from files in JSON Lines output: its own id when the input had one,
/// else `path:record` for a record of a JSONL/CSV file, else its path.
pub fn document_json_id(p: &Processed) -> Value {
    let a = &p.article;
    match (&a.source_id, a.source_index) {
        (Some(id), _) => id.clone().into(),
        (None, Some(i)) => format!("{}:{i}", a.source_path).into(),
        (None, None) => a.source_path.clone().into(),
    }
}

/// The `toolkit clean --jsonl` object of a processed document: `{"id","text","removed","meta"}`.
pub fn clean_json_line(id: &Value, p: &Processed) -> serde_json::Result<String> {
    let a = &p.article;
    serde_json::to_string(&CleanLine {
        id,
        text: &a.text,
        removed: p
            .removed
            .iter()
            .map(|r| RemovedJson {
                start: r.char_start,
                end: r.char_end,
                text: &r.text,
                class: &r.class,
                rule_id: &r.rule_id,
            })
            .collect(),
        meta: Meta {
            title: a.title.as_deref(),
            section: a.section.as_deref(),
            published: a
                .published
                .map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
            published_precision: a.published_precision.as_deref(),
            dateline_place: a.dateline_place.as_deref(),
            agency: a.agency.as_deref(),
            authors: &a.authors,
            translators: &a.translators,
            photo_credits: &a.photo_credits,
            language: a.language.as_deref(),
            mojibake_repairs: a.mojibake_repairs,
            removed_chars: a.removed_chars,
        },
    })
}

fn one_line<F>(line: &str, f: &F) -> (String, bool)
where
    F: Fn(&Value, &str) -> serde_json::Result<String>,
{
    let fail = |id: &Value, error: String| {
        let json = serde_json::to_string(&ErrorLine { id, error })
            .unwrap_or_else(|_| r#"{"id":null,"error":"unprintable error"}"#.to_string());
        (json, false)
    };
    match serde_json::from_str::<InLine>(line) {
        Ok(rec) => match f(&rec.id, &rec.text) {
            Ok(json) => (json, true),
            Err(e) => fail(&rec.id, format!("cannot serialize the result: {e}")),
        },
        Err(e) => {
            // Keep the id when the line is an object with one, so the output still lines up.
            let id = serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| v.get("id").cloned())
                .unwrap_or(Value::Null);
            fail(
                &id,
                format!("expected an object with a string \"text\": {e}"),
            )
        }
    }
}
