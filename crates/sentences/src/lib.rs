//! French-aware sentence splitting with offsets.
//!
//! [`Segmenter`] turns a text into [`Sentence`] spans: byte offsets into the text (trimmed of
//! whitespace, on `char` boundaries) and a 0-based paragraph index. [`CharOffsets`] converts them to
//! the code point offsets of the tables; [`count_tokens`] counts words and punctuation. The crate
//! depends on no other crate of the toolkit.
//!
//! ```
//! use toolkit_sentences::{count_tokens, CharOffsets, Segmenter};
//!
//! let text = "M. Dupont est arrivé à 14 h. « C'est fini. » L'Otan a réagi…\n\nÉdition du soir";
//! let seg = Segmenter::french();
//! let sentences = seg.split(text);
//! let texts: Vec<&str> = sentences.iter().map(|s| s.text(text)).collect();
//! assert_eq!(
//!     texts,
//!     ["M. Dupont est arrivé à 14 h.", "« C'est fini. »", "L'Otan a réagi…", "Édition du soir"]
//! );
//! assert_eq!(sentences[3].paragraph, 1);
//! assert_eq!(count_tokens(texts[2]), 5); // L' Otan a réagi …
//! let mut chars = CharOffsets::new(text);
//! assert_eq!(chars.span(&sentences[1]), (29, 44));
//! ```
//!
//! # Rules
//!
//! The text is read once; only `.` `!` `?` `…` and line breaks are looked at closely.
//!
//! - **Paragraphs.** A blank line (`\n\s*\n`, also `\r\n`) or U+2029 ends a paragraph. Sentences never
//!   cross a paragraph; paragraphs without text are not counted.
//! - **Line breaks.** A single line break ends a sentence (scraped news has one paragraph, headline,
//!   caption or list item per line, and most lines without final punctuation are headlines). For
//!   hard-wrapped text, [`SegmenterBuilder::join_wrapped_lines`] reads a break between a line ending
//!   with a letter, digit, comma or hyphen and a line starting with a lowercase letter as a space.
//! - **Terminators.** A run of `.` `!` `?` `…` ends a sentence only when followed by whitespace (so
//!   `1.5`, `12.01.2022`, `www.afp.com`, `a?b=1` never split), after any closing quotes and brackets
//!   (`fini. »`, `lumière !"`, `p. 3.)`), and only when the next word does not continue the sentence:
//!   - never before `,` `;` `:` `)`;
//!   - `!` and `?` split unless a lowercase word follows (`« Viens ! » a-t-il dit`);
//!   - `...` and `…` split only before a capital, a dash or a symbol; `(...)` and `[…]` never split;
//!   - a period splits before a capital, a dash (dialogue) or a symbol unless the word before it is an
//!     abbreviation (`M.`, `cf.`, `av. J.-C.`, see `data/abbreviations/`), an initial (`J.`, `J.-S.`,
//!     `F.L.`) or a list number at the start of a line (`1.`, `II.`); before a number unless that word
//!     is an abbreviation (`p. 12`, `janv. 2022`); before a lowercase word only when the word before is
//!     an ordinary word of three letters or more (`en sécurité. à ce jour`, a capital lost in the
//!     source; `etc. et`, `B.C.E. des`, `Pierre... ont` do not split).
//! - **Glued paragraphs.** `jeudi.Le gouvernement` (scrapers drop the break between paragraphs) splits
//!   between a lowercase word and a capitalized word, both made of letters only.
//!
//! Abbreviation lists are plain text in `data/abbreviations/` (compiled in; extend them with
//! [`SegmenterBuilder::abbreviations_from_str`]). Every rule looks at a bounded window, so splitting
//! is linear in the length of the text, and no input makes it panic.
#![deny(missing_docs)]

mod abbreviations;
mod error;
mod offsets;
mod segmenter;
mod sentence;
mod split;
mod starters;
mod tokens;

pub use crate::error::Error;
pub use crate::offsets::{to_char_offsets, CharOffsets};
pub use crate::segmenter::{Language, Segmenter, SegmenterBuilder};
pub use crate::sentence::Sentence;
pub use crate::tokens::count_tokens;
