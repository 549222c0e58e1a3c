//! The span type returned by the segmenter.

/// One sentence: a span of byte offsets into the text given to
/// [`Segmenter::split`](crate::Segmenter::split).
///
/// `start..end` is trimmed of surrounding whitespace, never empty, and both ends lie on `char`
/// boundaries, so `&text[s.start..s.end]` never panics for the text the sentence came from.
/// Use [`CharOffsets`](crate::CharOffsets) to get code point offsets (the offsets of the tables).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sentence {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character (exclusive).
    pub end: usize,
    /// 0-based index of the paragraph holding the sentence. Paragraphs are separated by a blank line
    /// (`\n\s*\n`) or U+2029; paragraphs without text are not counted.
    pub paragraph: usize,
}

impl Sentence {
    /// The text of the sentence, borrowed from `text` (the text it was split from). Returns `""`
    /// instead of panicking if the span does not fit `text`.
    pub fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is empty (never true for spans made by the segmenter).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_borrows_and_never_panics() {
        let s = Sentence {
            start: 2,
            end: 5,
            paragraph: 0,
        };
        assert_eq!(s.text("a bcd e"), "bcd");
        assert_eq!(s.len(), 3);
        assert_eq!(s.text("ab"), "");
        assert_eq!(
            Sentence {
                start: 1,
                end: 2,
                paragraph: 0
            }
            .text("é"),
            ""
        );
    }
}
