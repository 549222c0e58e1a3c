//! Plain Rust row types, one per table. They know nothing of polars.

use crate::frame::Cells;
use crate::schema::{Table, SCHEMA_VERSION};

/// A calendar date.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Date {
    /// Year, e.g. 2022.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
}

impl Date {
    /// Days since 1970-01-01 (the Arrow `date32` representation), or `None` for an impossible date.
    pub fn days_since_epoch(self) -> Option<i32> {
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        i32::try_from(era * 146_097 + doe - 719_468).ok()
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: i32) -> Date {
        let z = days as i64 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// One cell, borrowed from a row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// A string or null.
    Str(Option<&'a str>),
    /// A u32 or null.
    U32(Option<u32>),
    /// A u64 or null.
    U64(Option<u64>),
    /// A f32 or null.
    F32(Option<f32>),
    /// A date or null.
    Date(Option<Date>),
    /// A list of strings (never null; possibly empty).
    List(&'a [String]),
}

/// A row of one of the tables: its cells in the order of [`Table::columns`].
pub trait Row: Send {
    /// The table this row belongs to.
    const TABLE: Table;
    /// The cell of column `col` (an index into `Self::TABLE.columns()`).
    fn value(&self, col: usize) -> Value<'_>;

    /// Gives the row's cells to `cells`, in column order. The default gives [`Row::value`] of each
    /// column; a row type written many times can give its cells directly (`cells.str(..)`,
    /// `cells.u64(..)`, ...), which saves choosing the column and the cell's type per cell. Both
    /// must give the same cells.
    fn write_cells(&self, cells: &mut Cells<'_>) {
        for col in 0..Self::TABLE.columns().len() {
            cells.value(self.value(col));
        }
    }
}

/// One row of the `articles` table. See `docs/schema.md` for each field.
#[allow(missing_docs)]
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ArticleRow {
    pub article_id: String,
    pub source_path: String,
    pub source_index: Option<u64>,
    pub source_id: Option<String>,
    pub url: Option<String>,
    pub site: Option<String>,
    pub agency: Option<String>,
    pub title: Option<String>,
    pub section: Option<String>,
    pub published: Option<Date>,
    pub published_precision: Option<String>,
    pub published_source: Option<String>,
    pub dateline_place: Option<String>,
    pub authors: Vec<String>,
    pub translators: Vec<String>,
    pub photo_credits: Vec<String>,
    pub language: Option<String>,
    pub encoding: String,
    pub encoding_decided_by: String,
    pub mojibake_repairs: u32,
    #[serde(deserialize_with = "utf8_string")]
    pub text: String,
    pub n_chars: u64,
    pub n_paragraphs: u32,
    pub n_sentences: Option<u32>,
    pub n_mentions: Option<u32>,
    pub removed_chars: Option<u64>,
    pub duplicate_of: Option<String>,
    pub dup_cluster: Option<String>,
    pub dup_similarity: Option<f32>,
}

/// A string read as bytes and checked with simdutf8, several times faster than the `str::from_utf8`
/// that a `String` field gets from bincode (the pipeline's article spill reads every text back);
/// formats that give strings (JSON) give them as they are.
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

impl Row for ArticleRow {
    const TABLE: Table = Table::Articles;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(&self.article_id)),
            1 => Value::Str(Some(&self.source_path)),
            2 => Value::U64(self.source_index),
            3 => Value::Str(self.source_id.as_deref()),
            4 => Value::Str(self.url.as_deref()),
            5 => Value::Str(self.site.as_deref()),
            6 => Value::Str(self.agency.as_deref()),
            7 => Value::Str(self.title.as_deref()),
            8 => Value::Str(self.section.as_deref()),
            9 => Value::Date(self.published),
            10 => Value::Str(self.published_precision.as_deref()),
            11 => Value::Str(self.published_source.as_deref()),
            12 => Value::Str(self.dateline_place.as_deref()),
            13 => Value::List(&self.authors),
            14 => Value::List(&self.translators),
            15 => Value::List(&self.photo_credits),
            16 => Value::Str(self.language.as_deref()),
            17 => Value::Str(Some(&self.encoding)),
            18 => Value::Str(Some(&self.encoding_decided_by)),
            19 => Value::U32(Some(self.mojibake_repairs)),
            20 => Value::Str(Some(&self.text)),
            21 => Value::U64(Some(self.n_chars)),
            22 => Value::U32(Some(self.n_paragraphs)),
            23 => Value::U32(self.n_sentences),
            24 => Value::U32(self.n_mentions),
            25 => Value::U64(self.removed_chars),
            26 => Value::Str(self.duplicate_of.as_deref()),
            27 => Value::Str(self.dup_cluster.as_deref()),
            28 => Value::F32(self.dup_similarity),
            29 => Value::U32(Some(SCHEMA_VERSION)),
            _ => panic!("articles has no column {col}"),
        }
    }
}

/// One row of the `sentences` table.
#[allow(missing_docs)]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SentenceRow {
    pub article_id: String,
    pub sentence_index: u32,
    pub paragraph_index: u32,
    pub char_start: u64,
    pub char_end: u64,
    pub text: String,
    pub n_tokens: u32,
}

impl Row for SentenceRow {
    const TABLE: Table = Table::Sentences;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(&self.article_id)),
            1 => Value::U32(Some(self.sentence_index)),
            2 => Value::U32(Some(self.paragraph_index)),
            3 => Value::U64(Some(self.char_start)),
            4 => Value::U64(Some(self.char_end)),
            5 => Value::Str(Some(&self.text)),
            6 => Value::U32(Some(self.n_tokens)),
            _ => panic!("sentences has no column {col}"),
        }
    }
}

/// One row of the `mentions` table.
#[allow(missing_docs)]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentionRow {
    pub article_id: String,
    pub sentence_index: u32,
    pub char_start: u64,
    pub char_end: u64,
    pub surface: String,
    pub entity_id: String,
    pub canonical: String,
    pub entity_type: String,
    pub method: String,
    pub confidence: f32,
}

impl Row for MentionRow {
    const TABLE: Table = Table::Mentions;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(&self.article_id)),
            1 => Value::U32(Some(self.sentence_index)),
            2 => Value::U64(Some(self.char_start)),
            3 => Value::U64(Some(self.char_end)),
            4 => Value::Str(Some(&self.surface)),
            5 => Value::Str(Some(&self.entity_id)),
            6 => Value::Str(Some(&self.canonical)),
            7 => Value::Str(Some(&self.entity_type)),
            8 => Value::Str(Some(&self.method)),
            9 => Value::F32(Some(self.confidence)),
            _ => panic!("mentions has no column {col}"),
        }
    }
}

/// One row of the `removed` table.
#[allow(missing_docs)]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RemovedRow {
    pub article_id: String,
    pub char_start: u64,
    pub char_end: u64,
    pub text: String,
    pub class: String,
    pub rule_id: String,
}

impl Row for RemovedRow {
    const TABLE: Table = Table::Removed;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(&self.article_id)),
            1 => Value::U64(Some(self.char_start)),
            2 => Value::U64(Some(self.char_end)),
            3 => Value::Str(Some(&self.text)),
            4 => Value::Str(Some(&self.class)),
            5 => Value::Str(Some(&self.rule_id)),
            _ => panic!("removed has no column {col}"),
        }
    }
}

/// One row of the `errors` table.
#[allow(missing_docs)]
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorRow {
    pub source_path: String,
    pub source_index: Option<u64>,
    pub kind: String,
    pub message: String,
}

impl Row for ErrorRow {
    const TABLE: Table = Table::Errors;
    fn value(&self, col: usize) -> Value<'_> {
        match col {
            0 => Value::Str(Some(&self.source_path)),
            1 => Value::U64(self.source_index),
            2 => Value::Str(Some(&self.kind)),
            3 => Value::Str(Some(&self.message)),
            _ => panic!("errors has no column {col}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::ColumnType;

    fn check_types<R: Row + Default>() {
        let row = R::default();
        for (i, c) in R::TABLE.columns().iter().enumerate() {
            let ok = matches!(
                (row.value(i), c.ty),
                (Value::Str(_), ColumnType::Utf8)
                    | (Value::U32(_), ColumnType::UInt32)
                    | (Value::U64(_), ColumnType::UInt64)
                    | (Value::F32(_), ColumnType::Float32)
                    | (Value::Date(_), ColumnType::Date)
                    | (Value::List(_), ColumnType::ListUtf8)
            );
            assert!(
                ok,
                "{}.{} has the wrong value type",
                R::TABLE.name(),
                c.name
            );
        }
    }

    #[test]
    fn row_values_match_the_schema() {
        check_types::<ArticleRow>();
        check_types::<SentenceRow>();
        check_types::<MentionRow>();
        check_types::<RemovedRow>();
        check_types::<ErrorRow>();
    }

    #[test]
    fn date_round_trips() {
        for (y, m, d, days) in [
            (1970, 1, 1, 0),
            (2022, 1, 1, 18993),
            (2000, 2, 29, 11016),
            (1969, 12, 31, -1),
        ] {
            let date = Date {
                year: y,
                month: m,
                day: d,
            };
            assert_eq!(date.days_since_epoch(), Some(days));
            assert_eq!(Date::from_days_since_epoch(days), date);
        }
        assert_eq!(
            Date {
                year: 2021,
                month: 2,
                day: 29
            }
            .days_since_epoch(),
            None
        );
        assert_eq!(
            Date {
                year: 2021,
                month: 13,
                day: 1
            }
            .days_since_epoch(),
            None
        );
    }
}
