//! Exact and near-duplicate detection for news articles (syndicated wire copies, light edits).
//!
//! Two steps, so that the expensive one runs in parallel:
//!
//! 1. [`Signer::sign`] turns each clean article text into a [`Signature`]: a 64-bit hash of its
//!    lowercased word sequence (exact duplicates) and 128 MinHash values of 8 bits over its word
//!    shingles (near duplicates). A signature is 144 bytes, inline, with no heap allocation. Signing
//!    is pure: run it on any thread.
//! 2. A [`Clusterer`] receives the signatures in input order ([`Clusterer::add`]) and
//!    [`Clusterer::finish`] returns one [`Assignment`] per article: the canonical article of its
//!    cluster (the earliest published, ties broken by input order), and the estimated similarity
//!    to it. Near duplicates are found by LSH banding and checked against the cluster's canonical
//!    article, so precision stays high and chains of edits cannot merge unrelated stories.
//!
//! The result depends only on the texts, dates and orders given, never on thread counts.
//!
//! ```
//! use toolkit_dedup::{Clusterer, DedupConfig, Signer};
//!
//! let wire = "Le gouvernement a annoncé jeudi une enveloppe de sept milliards d'euros pour les \
//!     salaires des soignants, après une nuit de négociations avec les syndicats. Ceux-ci jugent la \
//!     somme insuffisante et réclament trois cents euros pour tous les personnels hospitaliers.";
//! let copy = format!("Publicité\nSanté : une rallonge pour les soignants\n{}", wire.replace("jeudi", "mercredi"));
//! let other = "La sélection nationale a battu l'Allemagne deux buts à zéro mardi soir au Stade de \
//!     France, grâce à un doublé de son attaquant vedette, devant quatre-vingt mille spectateurs.";
//!
//! let config = DedupConfig::default(); // near duplicates, threshold 0.5, 2-word shingles
//! let signer = Signer::new(&config)?;
//! let mut clusterer = Clusterer::new(&config)?;
//! // order = position in the input; published = days since 1970-01-01, when known.
//! clusterer.add(0, Some(18_450), signer.sign(&copy));
//! clusterer.add(1, Some(18_449), signer.sign(wire)); // published a day earlier: canonical
//! clusterer.add(2, Some(18_449), signer.sign(other));
//! let result = clusterer.finish();
//!
//! assert_eq!(result[0].duplicate_of, Some(1));
//! assert!(result[0].similarity.unwrap() > 0.5);
//! assert_eq!((result[1].duplicate_of, result[1].cluster), (None, 1));
//! assert_eq!((result[2].duplicate_of, result[2].cluster), (None, 2));
//! # Ok::<(), toolkit_dedup::Error>(())
//! ```
//!
//! # What counts as the same text
//!
//! Words are maximal runs of alphanumeric characters, lowercased; punctuation, symbols, spacing and
//! line breaks are ignored. **Exact** duplicates have the same word sequence. **Near** duplicates
//! have an estimated Jaccard similarity of their sets of `shingle_words`-word shingles of at least
//! [`DedupConfig::threshold`]. A text without any word is never a duplicate. A text shorter than one
//! shingle is one shingle of all its words.
//!
//! # Memory and time
//!
//! Signing is linear in the text (one pass, no allocation). The clusterer keeps 160 bytes per
//! article; `finish` sorts band keys (`O(n log n)` per band) and compares each article with a
//! bounded number of candidates per band, so no input makes it quadratic.
#![deny(missing_docs)]

mod cluster;
mod config;
mod error;
mod signature;
mod words;

pub use crate::cluster::{Assignment, ClusterStats, Clusterer};
pub use crate::config::{DedupConfig, Mode, MAX_BAND_ROWS, MAX_SHINGLE_WORDS};
pub use crate::error::Error;
pub use crate::signature::{Signature, Signer, NUM_HASHES};
