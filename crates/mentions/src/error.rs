//! The error type of this crate.

/// An error building a gazetteer, a lexicon or a recognizer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A gazetteer line does not have the `entity_id<TAB>type<TAB>canonical[<TAB>aliases]` shape.
    #[error("gazetteer line {line}: {reason}")]
    InvalidLine {
        /// 1-based line number in the TSV text.
        line: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The type column is not one of `PER`, `ORG`, `LOC`, `MISC`.
    #[error(
        "gazetteer line {line}: unknown entity type {value:?} (expected PER, ORG, LOC or MISC)"
    )]
    UnknownType {
        /// 1-based line number in the TSV text.
        line: usize,
        /// The value found.
        value: String,
    },
    /// A cue file line names an unknown cue kind.
    #[error("cue line {line}: unknown cue kind {value:?}")]
    UnknownCue {
        /// 1-based line number.
        line: usize,
        /// The value found.
        value: String,
    },
    /// The built-in data file `name` failed to parse (a bug in the shipped data).
    #[error("built-in data file {name}")]
    BuiltIn {
        /// File name under `data/gazetteer/`.
        name: &'static str,
        /// The parse error.
        #[source]
        err: Box<Error>,
    },
    /// The alias automaton could not be built (too many or too long aliases).
    #[error("cannot build the alias automaton")]
    Automaton(#[source] aho_corasick::BuildError),
}
