//! Clean scraped news text: strip site chrome and repeated text, normalize whitespace and French
//! typography, and keep an audit of every cut.
//!
//! A [`Normalizer`] looks at a document line by line (a "line" is a paragraph: the input may
//! separate paragraphs by blank lines or single newlines, and paragraphs glued without a space,
//! `…jeudi.Le gouvernement…`, are split first). It removes:
//!
//! - lines matched by the rule packs in `data/boilerplate/` ([`Pack::Fr`], [`Pack::En`]) and by
//!   user rules in the same TSV format ([`NormalizerBuilder::rules_from_str`]): share and follow
//!   widgets, publication stubs, ads, consent notices, photo credits, image counters...;
//! - lines learned from the corpus: a [`ChromeLearner`] counts the lines that recur across many
//!   documents of one site, and the resulting [`ChromeProfile`] (a readable TSV file) is given to
//!   the builder. A corpus read on several threads finds the lines of each document there
//!   ([`DocumentLines::new`]) and counts them on one learner ([`ChromeLearner::add`]);
//! - captions (a short line right before a photo credit), teaser lines sandwiched between chrome,
//!   runs of menu items;
//! - paragraphs repeated later in the document, exactly or up to whitespace and punctuation, and
//!   paragraphs made of earlier paragraphs (a body repeated as one long paragraph). The first
//!   occurrence stays.
//!
//! Each removal is a [`Removal`] with code-point offsets into the input, a [`Class`] and a rule
//! id. A removal holds no copy of the removed text: [`Removal::text`] slices it out of the input
//! (its byte range is [`Removal::byte_range`]), and [`Removal::rule_id`] borrows the rule's id.
//!
//! The clean text has paragraphs separated by exactly `"\n\n"`, runs of blanks collapsed, and one
//! kind of no-break space, U+00A0, before `: ; ! ?`, inside `« »` and wherever the input
//! had only no-break spaces (such as `4 248`). U+00A0 rather than the narrow U+202F because every
//! font and tokenizer knows it. Cleaning twice changes nothing.
//!
//! ```
//! use toolkit_normalize::{Class, NormalizerBuilder};
//!
//! let normalizer = NormalizerBuilder::new().build()?;
//! let raw = "Suivez nous sur\n\nPARTAGEZ:\n\nLe gouvernement a démissionné jeudi.Il a refusé .\n\nPublicité";
//! let clean = normalizer.clean(raw, None);
//! assert_eq!(clean.text, "Le gouvernement a démissionné jeudi.\n\nIl a refusé .");
//! assert_eq!(clean.n_paragraphs, 2);
//! assert_eq!(clean.removed.len(), 3);
//! assert_eq!(clean.removed[0].text(raw), "Suivez nous sur");
//! assert_eq!(clean.removed[0].rule_id(), "fr.follow-2");
//! assert_eq!(clean.removed[2].class, Class::Ad);
//! // Offsets are code points into the input.
//! let r = &clean.removed[2];
//! assert_eq!(raw.chars().skip(r.start).take(r.end - r.start).collect::<String>(), "Publicité");
//! # Ok::<(), toolkit_normalize::Error>(())
//! ```
#![deny(missing_docs)]

mod class;
mod clean;
mod error;
mod hash;
mod index;
mod known;
mod learn;
mod repeat;
mod replay;
mod rules;
mod text;

pub use crate::class::{Class, UnknownClass};
pub use crate::clean::{Cleaned, Normalizer, NormalizerBuilder, Removal};
pub use crate::error::Error;
pub use crate::learn::{ChromeLearner, ChromeProfile, DocumentLines, LearnerConfig};
pub use crate::rules::Pack;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
