//! Rule packs: parsing the TSV format and matching whole lines.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use regex::{RegexSet, RegexSetBuilder};

use crate::text::line_key;
use crate::{Class, Error};

/// A built-in rule pack, compiled into the crate from `data/boilerplate/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Pack {
    /// French news chrome (`data/boilerplate/fr.tsv`).
    Fr,
    /// English news chrome (`data/boilerplate/en.tsv`).
    En,
}

impl Pack {
    /// The rule file of this pack, as compiled in.
    pub fn source(self) -> &'static str {
        match self {
            Pack::Fr => include_str!("../../../data/boilerplate/fr.tsv"),
            Pack::En => include_str!("../../../data/boilerplate/en.tsv"),
        }
    }

    /// The short name of this pack (`fr`, `en`), used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Pack::Fr => "fr",
            Pack::En => "en",
        }
    }
}

/// How a rule's pattern is compared with a line key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Exact,
    Prefix,
    Regex,
}

/// One parsed rule.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub(crate) id: String,
    pub(crate) class: Class,
    kind: Kind,
    pattern: String,
    origin: String,
    line: usize,
}

/// Parses a rule file. `origin` names it in errors.
pub(crate) fn parse_rules(src: &str, origin: &str) -> Result<Vec<Rule>, Error> {
    let mut rules = Vec::new();
    let mut key = String::new();
    for (n, raw) in src.lines().enumerate() {
        let line = n + 1;
        let text = raw.trim_end_matches('\r');
        if text.trim().is_empty() || text.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = text.splitn(4, '\t').collect();
        let syntax = || Error::RuleSyntax {
            origin: origin.to_string(),
            line,
        };
        if fields.len() != 4 || fields.iter().any(|f| f.trim().is_empty()) {
            return Err(syntax());
        }
        let class = fields[1]
            .parse::<Class>()
            .map_err(|_| Error::UnknownClass {
                origin: origin.to_string(),
                line,
                class: fields[1].to_string(),
            })?;
        let kind = match fields[2].trim() {
            "exact" => Kind::Exact,
            "prefix" => Kind::Prefix,
            "regex" => Kind::Regex,
            other => {
                return Err(Error::UnknownKind {
                    origin: origin.to_string(),
                    line,
                    kind: other.to_string(),
                })
            }
        };
        let pattern = match kind {
            Kind::Regex => fields[3].to_string(),
            Kind::Exact | Kind::Prefix => {
                line_key(fields[3], &mut key);
                key.clone()
            }
        };
        if kind == Kind::Regex {
            // Validate now so the error names the rule and its line.
            if let Err(source) = regex::Regex::new(&pattern) {
                return Err(Error::InvalidRegex {
                    origin: origin.to_string(),
                    line,
                    rule_id: fields[0].trim().to_string(),
                    source,
                });
            }
        }
        rules.push(Rule {
            id: fields[0].trim().to_string(),
            class,
            kind,
            pattern,
            origin: origin.to_string(),
            line,
        });
    }
    Ok(rules)
}

/// All rules compiled for matching: a hash map for `exact`, one anchored Aho-Corasick automaton
/// for `prefix`, one `RegexSet` for `regex`. A line is matched once against each.
#[derive(Clone, Debug)]
pub(crate) struct RuleSet {
    rules: Vec<Rule>,
    exact: HashMap<String, usize>,
    prefix: Option<(AhoCorasick, Vec<usize>)>,
    regex: Option<(RegexSet, Vec<usize>)>,
}

impl RuleSet {
    pub(crate) fn compile(rules: Vec<Rule>) -> Result<RuleSet, Error> {
        let mut exact = HashMap::new();
        let mut prefixes = Vec::new();
        let mut prefix_ids = Vec::new();
        let mut regexes = Vec::new();
        let mut regex_ids = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match r.kind {
                Kind::Exact => {
                    exact.entry(r.pattern.clone()).or_insert(i);
                }
                Kind::Prefix => {
                    prefixes.push(r.pattern.clone());
                    prefix_ids.push(i);
                }
                Kind::Regex => {
                    regexes.push(r.pattern.clone());
                    regex_ids.push(i);
                }
            }
        }
        let prefix = if prefixes.is_empty() {
            None
        } else {
            let ac = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .start_kind(StartKind::Anchored)
                .build(&prefixes)
                .map_err(|e| Error::Compile {
                    source: Box::new(e),
                })?;
            Some((ac, prefix_ids))
        };
        let regex = if regexes.is_empty() {
            None
        } else {
            let set = RegexSetBuilder::new(&regexes)
                .size_limit(64 << 20)
                .dfa_size_limit(16 << 20)
                .build()
                .map_err(|source| {
                    // Each pattern compiled alone; name the first rule for context anyway.
                    let r = &rules[regex_ids[0]];
                    Error::InvalidRegex {
                        origin: r.origin.clone(),
                        line: r.line,
                        rule_id: r.id.clone(),
                        source,
                    }
                })?;
            Some((set, regex_ids))
        };
        Ok(RuleSet {
            rules,
            exact,
            prefix,
            regex,
        })
    }

    /// The rule matching a line key, if any: `exact` first, then `prefix`, then `regex`; within
    /// a kind, the rule listed first wins.
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        if key.is_empty() {
            return None;
        }
        if let Some(&i) = self.exact.get(key) {
            return Some(i);
        }
        if let Some((ac, ids)) = &self.prefix {
            if let Some(m) = ac.find(Input::new(key).anchored(Anchored::Yes)) {
                return Some(ids[m.pattern().as_usize()]);
            }
        }
        if let Some((set, ids)) = &self.regex {
            // `is_match` runs the fast DFA; most lines match nothing.
            if !set.is_match(key) {
                return None;
            }
            if let Some(j) = set.matches(key).iter().next() {
                return Some(ids[j]);
            }
        }
        None
    }

    /// The rule at an index returned by [`find`](Self::find).
    pub(crate) fn get(&self, i: usize) -> &Rule {
        &self.rules[i]
    }

    /// Number of rules.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(src: &str) -> RuleSet {
        RuleSet::compile(parse_rules(src, "test").unwrap()).unwrap()
    }

    fn find<'a>(s: &'a RuleSet, line: &str) -> Option<&'a str> {
        let mut k = String::new();
        line_key(line, &mut k);
        s.find(&k).map(|r| s.get(r).id.as_str())
    }

    #[test]
    fn exact_prefix_and_regex_rules_match_whole_lines() {
        let s = set("# comment\n\na\tchrome\texact\tPARTAGEZ :\nb\tconsent\tprefix\tNous utilisons\nc\tad\tregex\t^pub(licité)?$\n");
        assert_eq!(find(&s, "Partagez:"), Some("a"));
        assert_eq!(find(&s, "  partagez  : "), Some("a"));
        assert_eq!(find(&s, "Nous utilisons vos données"), Some("b"));
        assert_eq!(find(&s, "Alors nous utilisons"), None);
        assert_eq!(find(&s, "Publicité"), Some("c"));
        assert_eq!(find(&s, "Publicité payante"), None);
    }

    #[test]
    fn bad_rule_files_are_rejected_with_their_line() {
        let e = parse_rules("x\tchrome\texact\n", "user").unwrap_err();
        assert!(matches!(e, Error::RuleSyntax { line: 1, .. }), "{e:?}");
        let e = parse_rules("# c\nx\tmenu\texact\tfoo\n", "user").unwrap_err();
        assert!(matches!(e, Error::UnknownClass { line: 2, .. }), "{e:?}");
        let e = parse_rules("x\tchrome\tglob\tfoo\n", "user").unwrap_err();
        assert!(matches!(e, Error::UnknownKind { .. }), "{e:?}");
        let e = parse_rules("x\tchrome\tregex\t(unclosed\n", "user").unwrap_err();
        assert!(matches!(e, Error::InvalidRegex { .. }), "{e:?}");
    }

    #[test]
    fn builtin_packs_compile_and_catch_the_issue_strings() {
        let mut rules = parse_rules(Pack::Fr.source(), "fr").unwrap();
        rules.extend(parse_rules(Pack::En.source(), "en").unwrap());
        let s = RuleSet::compile(rules).unwrap();
        assert!(s.len() > 40);
        for line in [
            "Suivez nous sur",
            "PARTAGEZ:",
            "Partagez cet article:",
            "Publié le",
            "on",
            "Publicité",
            "Tendance",
            "A lire aussi",
            "Réagir",
            "Toutes les news Monde",
            "ALERTE INFO",
            "1/2",
            "Nous utilisons votre inscription pour fournir du contenu de la manière que vous avez consentie.",
            "EU Reporter publie des articles provenant de diverses sources extérieures.",
        ] {
            assert!(find(&s, line).is_some(), "{line:?} not matched");
        }
        for prose in [
            "Il a refusé.",
            "\"Non\", a-t-il dit.",
            "Le gouvernement a démissionné jeudi.",
        ] {
            assert_eq!(find(&s, prose), None, "{prose:?}");
        }
    }
}
