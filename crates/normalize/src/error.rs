//! The error type of this crate.

/// An error raised while building a [`Normalizer`](crate::Normalizer) or reading a
/// [`ChromeProfile`](crate::ChromeProfile).
///
/// Cleaning itself never fails: every input text gives a [`Cleaned`](crate::Cleaned).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A rule line does not have the four TAB-separated fields
    /// `rule_id, class, kind, pattern`, or one of them is empty.
    #[error("rule file {origin}, line {line}: expected `rule_id<TAB>class<TAB>kind<TAB>pattern`")]
    RuleSyntax {
        /// Where the rules came from (`fr`, `en`, `user`).
        origin: String,
        /// 1-based line number.
        line: usize,
    },
    /// The class field of a rule is not one of the known classes.
    #[error("rule file {origin}, line {line}: unknown class `{class}` (chrome, caption, credit, consent, ad, repeated, metadata, learned)")]
    UnknownClass {
        /// Where the rules came from.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The class as written.
        class: String,
    },
    /// The kind field of a rule is not `exact`, `prefix` or `regex`.
    #[error("rule file {origin}, line {line}: unknown kind `{kind}` (exact, prefix, regex)")]
    UnknownKind {
        /// Where the rules came from.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The kind as written.
        kind: String,
    },
    /// A `regex` rule does not compile.
    #[error("rule file {origin}, line {line}: invalid regex for rule `{rule_id}`")]
    InvalidRegex {
        /// Where the rules came from.
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The rule whose pattern failed.
        rule_id: String,
        /// The regex compiler's error.
        #[source]
        source: regex::Error,
    },
    /// The rule set as a whole could not be compiled (too large).
    #[error("the rule set could not be compiled")]
    Compile {
        /// The underlying compiler error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// A chrome profile line is malformed.
    #[error("chrome profile, line {line}: expected `site<TAB>docs<TAB>site_docs<TAB>line`")]
    ProfileSyntax {
        /// 1-based line number.
        line: usize,
    },
    /// Reading or writing a chrome profile failed.
    #[error("chrome profile I/O failed")]
    Io {
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}
