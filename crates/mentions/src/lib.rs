//! Entity mentions in French news text, with canonical entity ids.
//!
//! A [`Recognizer`] finds, in each sentence of a text, the mentions of people (`PER`), organisations
//! (`ORG`), places (`LOC`) and other names (`MISC`), three ways:
//!
//! - **gazetteer**: one aho-corasick automaton (leftmost-longest) over every alias of a [`Gazetteer`],
//!   with capitalised, all-caps, unaccented-capital and `'`/`’` variants; matches must sit on word
//!   boundaries and outside URLs and e-mail addresses; after a French elision the mention starts after
//!   the apostrophe (`l'Otan` → `Otan`). The default French gazetteer ([`Gazetteer::default_fr`]) is
//!   compiled in from the plain TSV files of `data/gazetteer/`.
//! - **rules**: capitalised word runs (with particles: `de`, `von der`, `al-`) typed from cues in a
//!   [`Lexicon`]: titles (`M.`, `président`), given names, organisation and place words, prepositions;
//!   a lone capitalised word opening a sentence (`Les`, `Ouverture`) is not a mention unless the text
//!   also writes it capitalised inside a sentence.
//! - **coref**: `M. Stoltenberg` or `Stoltenberg` after `Jens Stoltenberg` takes his id.
//!
//! Sentences come from elsewhere (any splitter) as byte spans; offsets of mentions are bytes.
//!
//! ```
//! use toolkit_mentions::{EntityType, Method, Recognizer};
//!
//! let rec = Recognizer::new().unwrap();
//! let text = "Le secrétaire général de l'Otan Jens Stoltenberg est à Moscou. M. Stoltenberg a parlé à l’OTAN.";
//! let split = text.find(" M.").unwrap();
//! let mentions = rec.find(text, &[(0, split), (split + 1, text.len())]);
//! let shown: Vec<(&str, &str, &str)> =
//!     mentions.iter().map(|m| (m.surface(text), &*m.entity_id, m.method.as_str())).collect();
//! assert_eq!(shown, [
//!     ("Otan", "org:nato", "gazetteer"),
//!     ("Jens Stoltenberg", "per:jens-stoltenberg", "gazetteer"),
//!     ("Moscou", "place:moscou", "gazetteer"),
//!     ("Stoltenberg", "per:jens-stoltenberg", "coref"),
//!     ("OTAN", "org:nato", "gazetteer"),
//! ]);
//! assert_eq!(mentions[2].entity_type, EntityType::Loc);
//! assert_eq!(mentions[3].method, Method::Coref);
//! assert_eq!(mentions[3].sentence_index, 1);
//! ```
#![deny(missing_docs)]

mod coref;
mod error;
mod gazetteer;
mod hash;
mod lexicon;
mod mention;
mod recognizer;
mod rules;
mod scan;

pub use crate::error::Error;
pub use crate::gazetteer::{Entity, Gazetteer};
pub use crate::lexicon::{Cue, Lexicon};
pub use crate::mention::{EntityType, Mention, Method};
pub use crate::recognizer::{Recognizer, RecognizerBuilder};
