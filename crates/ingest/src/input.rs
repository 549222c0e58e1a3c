//! What the reader reads ([`Input`], [`Format`], [`FieldNames`]) and what it yields ([`Record`]).

use std::convert::Infallible;
use std::path::PathBuf;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// One input given by the user: a file or directory, or standard input (`-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or a directory (walked recursively, in sorted order).
    Path(PathBuf),
    /// Standard input.
    Stdin,
}

impl From<&str> for Input {
    fn from(s: &str) -> Input {
        if s == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(s))
        }
    }
}

impl FromStr for Input {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Input, Infallible> {
        Ok(Input::from(s))
    }
}

/// The container format of the inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Decide per file: `.jsonl`/`.ndjson`/`.json`, or a first line that is a JSON object, is JSON
    /// Lines; `.csv` is CSV; `.html`/`.htm` or an HTML start is HTML; anything else is one text
    /// document per file (after decompression). Record text fields that hold HTML are read as HTML.
    #[default]
    Auto,
    /// Each file is one text document.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// Each file is one HTML page (also recognised by `Auto` from a `.html`/`.htm` name or an
    /// HTML start: `<!doctype html`, `<html`, `<head`, `<body`, `<meta`, ...).
    Html,
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format, Error> {
        match s {
            "auto" => Ok(Format::Auto),
            "text" | "txt" => Ok(Format::Text),
            "jsonl" | "ndjson" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "html" | "htm" => Ok(Format::Html),
            _ => Err(Error::new(ErrorKind::UnknownFormat {
                name: s.to_string(),
            })),
        }
    }
}

/// Names of the fields read from JSON Lines and CSV records. Only `text` is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    /// The document text (default `text`).
    pub text: String,
    /// The record's own id, kept so analysts can join back (default `id`).
    pub id: String,
    /// The page URL (default `url`).
    pub url: String,
    /// The publication date (default `date`); it wins over dates guessed from the text.
    pub date: String,
    /// The title (default `title`).
    pub title: String,
}

impl Default for FieldNames {
    fn default() -> FieldNames {
        FieldNames {
            text: "text".into(),
            id: "id".into(),
            url: "url".into(),
            date: "date".into(),
            title: "title".into(),
        }
    }
}

/// The body of a record: raw bytes (a text file) or a string a container already decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Undecoded bytes of a whole text file.
    Bytes(Vec<u8>),
    /// A JSON or CSV string.
    Text(String),
}

impl Body {
    /// The size in bytes.
    pub fn len(&self) -> usize {
        match self {
            Body::Bytes(b) => b.len(),
            Body::Text(t) => t.len(),
        }
    }

    /// Whether the body has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One document as read, before decoding and repair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The path as given or walked (`-` for stdin), `/`-separated.
    pub source_path: String,
    /// The record number inside a JSON Lines or CSV file (0-based, blank lines not counted);
    /// `None` for a whole-file text input.
    pub source_index: Option<u64>,
    /// The record's id field (JSON numbers become strings).
    pub source_id: Option<String>,
    /// The record's url field.
    pub url: Option<String>,
    /// The record's date field, as written.
    pub date: Option<String>,
    /// The record's title field.
    pub title: Option<String>,
    /// The text.
    pub body: Body,
}

impl Record {
    /// A record for a whole text file or buffer.
    pub fn from_bytes(source_path: impl Into<String>, bytes: Vec<u8>) -> Record {
        Record {
            source_path: source_path.into(),
            source_index: None,
            source_id: None,
            url: None,
            date: None,
            title: None,
            body: Body::Bytes(bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_inputs_and_formats() {
        assert_eq!(Input::from("-"), Input::Stdin);
        assert_eq!("a/b".parse::<Input>().unwrap(), Input::Path("a/b".into()));
        assert_eq!("jsonl".parse::<Format>().unwrap(), Format::Jsonl);
        assert_eq!("csv".parse::<Format>().unwrap(), Format::Csv);
        assert_eq!("html".parse::<Format>().unwrap(), Format::Html);
        assert_eq!("auto".parse::<Format>().unwrap(), Format::Auto);
        assert_eq!("text".parse::<Format>().unwrap(), Format::Text);
        let e = "xml".parse::<Format>().unwrap_err();
        assert_eq!(e.kind().as_str(), "unknown_format");
        assert_eq!(FieldNames::default().text, "text");
    }
}
