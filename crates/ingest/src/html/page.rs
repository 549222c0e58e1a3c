//! A page's metadata and readable text, from one [`extract`](super::extract::extract) pass.

use serde_json::Value;

use super::extract::{self, Block, Raw};

/// Metadata read from the page (values still need the usual repair: entities, mojibake, NFC).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct PageMeta {
    pub title: Option<String>,
    pub published: Option<String>,
    /// Every modification date declared (meta tags, JSON-LD); the latest one is kept.
    pub modified: Vec<String>,
    pub authors: Vec<String>,
    pub site_name: Option<String>,
    pub publisher: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

/// A page turned into paragraphs and metadata.
#[derive(Debug)]
pub(crate) struct Page {
    /// Paragraphs separated by blank lines (entities still encoded).
    pub text: String,
    pub meta: PageMeta,
    /// Blocks dropped for being mostly link text or outside the main content.
    pub dropped_blocks: u32,
}

/// Parses `html`; with `main_content`, keeps only the blocks inside the page's article body
/// (`itemprop="articleBody"`, else `<article>`, else `<main>`) when it holds some text.
pub(crate) fn parse(html: &str, main_content: bool) -> Page {
    let raw = extract::extract(html);
    let meta = metadata(&raw);
    let (text, dropped_blocks) = assemble(&raw.blocks, main_content);
    Page {
        text,
        meta,
        dropped_blocks,
    }
}

/// A block is navigation when most of its characters are link text.
fn is_link_list(b: &Block) -> bool {
    b.link_chars * 10 >= b.chars * 6
}

/// Fewest non-space characters a main-content marker must hold to be trusted.
const MIN_MAIN_CHARS: usize = 200;

fn assemble(blocks: &[Block], main_content: bool) -> (String, u32) {
    let mut floor = 0u8;
    if main_content {
        for rank in (1..=3).rev() {
            let chars: usize = blocks
                .iter()
                .filter(|b| b.rank >= rank && !is_link_list(b))
                .map(|b| b.chars)
                .sum();
            if chars >= MIN_MAIN_CHARS {
                floor = rank;
                break;
            }
        }
    }
    let mut out = String::new();
    let mut dropped = 0u32;
    for b in blocks {
        if b.rank < floor || is_link_list(b) {
            dropped += 1;
            continue;
        }
        // Blocks are paragraphs; inside one, `<br>` is a line break and `<br><br>` a paragraph.
        let mut sep = "\n\n";
        for line in b.text.split('\n') {
            let line = line.trim();
            if line.is_empty() {
                sep = "\n\n";
                continue;
            }
            if !out.is_empty() {
                out.push_str(sep);
            }
            out.push_str(line);
            sep = "\n";
        }
    }
    (out, dropped)
}

fn metadata(raw: &Raw) -> PageMeta {
    let meta = |key: &str| {
        raw.metas
            .iter()
            .find(|(k, v)| k == key && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
    };
    let first = |keys: &[&str]| keys.iter().find_map(|k| meta(k));
    let ld = JsonLd::from_scripts(&raw.jsonld);
    let site_name = meta("og:site_name").or_else(|| ld.publisher.clone());
    let title = first(&["og:title", "twitter:title"])
        .or_else(|| clean_title(&raw.title, site_name.as_deref()))
        .or_else(|| ld.headline.clone())
        .or_else(|| nonempty(&raw.h1));
    let published = first(&["article:published_time"])
        .or_else(|| ld.published.clone())
        .or_else(|| {
            first(&[
                "datepublished",
                "date",
                "dc.date.issued",
                "dc.date",
                "pubdate",
                "publishdate",
                "sailthru.date",
                "parsely-pub-date",
            ])
        })
        .or_else(|| raw.time.clone());
    let modified: Vec<String> = ["article:modified_time", "og:updated_time", "datemodified"]
        .iter()
        .filter_map(|k| meta(k))
        .chain(ld.modified.clone())
        .collect();
    let mut authors: Vec<String> = raw
        .metas
        .iter()
        .filter(|(k, _)| k == "article:author" || k == "author" || k == "dc.creator")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && !v.starts_with("http"))
        .collect();
    authors.extend(ld.authors.iter().cloned());
    let mut seen = std::collections::HashSet::new();
    authors.retain(|a| seen.insert(a.to_lowercase()));
    let language = raw
        .lang
        .clone()
        .and_then(|l| language_code(&l))
        .or_else(|| {
            first(&["og:locale", "content-language", "dc.language"]).and_then(|l| language_code(&l))
        });
    PageMeta {
        title,
        published,
        modified,
        authors,
        site_name,
        publisher: meta("publisher").or_else(|| ld.publisher.clone()),
        canonical_url: raw
            .canonical
            .clone()
            .filter(|u| u.contains("://"))
            .or_else(|| meta("og:url")),
        language,
        description: first(&["og:description", "description"]),
    }
}

fn nonempty(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// `<title>` without a ` - Site`, ` | Site` or ` : Site` suffix (or prefix) naming the site.
fn clean_title(title: &str, site: Option<&str>) -> Option<String> {
    let t = nonempty(title)?;
    if let Some(site) = site.map(str::trim).filter(|s| !s.is_empty()) {
        for sep in [" - ", " | ", " – ", " — ", " : ", " · "] {
            if let Some(head) = t.strip_suffix(site).and_then(|h| h.strip_suffix(sep)) {
                return nonempty(head);
            }
            if let Some(tail) = t.strip_prefix(site).and_then(|h| h.strip_prefix(sep)) {
                return nonempty(tail);
            }
        }
    }
    Some(t)
}

/// `fr-FR`, `fr_FR`, `FR` → `fr`.
fn language_code(l: &str) -> Option<String> {
    let code = l
        .trim()
        .split(['-', '_', ',', ';'])
        .next()?
        .to_ascii_lowercase();
    ((2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())).then_some(code)
}

/// What the JSON-LD scripts of a page say about its article.
#[derive(Debug, Default)]
struct JsonLd {
    headline: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    authors: Vec<String>,
    publisher: Option<String>,
}

impl JsonLd {
    fn from_scripts(scripts: &[String]) -> JsonLd {
        let mut ld = JsonLd::default();
        for s in scripts {
            // Broken JSON (trailing commas, HTML comments, a CMS bug) is ignored.
            let s = s.trim().trim_start_matches("<!--").trim_end_matches("-->");
            if let Ok(v) = serde_json::from_str::<Value>(s.trim()) {
                ld.visit(&v, 0);
            }
        }
        ld
    }

    fn visit(&mut self, v: &Value, depth: u32) {
        if depth > 8 {
            return;
        }
        match v {
            Value::Array(items) => items.iter().for_each(|i| self.visit(i, depth + 1)),
            Value::Object(o) => {
                if let Some(graph) = o.get("@graph") {
                    self.visit(graph, depth + 1);
                }
                if is_article(o.get("@type")) {
                    self.article(o);
                }
            }
            _ => {}
        }
    }

    fn article(&mut self, o: &serde_json::Map<String, Value>) {
        let s = |k: &str| {
            o.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        if self.headline.is_none() {
            self.headline = s("headline").map(str::to_string);
        }
        if self.published.is_none() {
            self.published = s("datePublished").map(str::to_string);
        }
        if self.modified.is_none() {
            self.modified = s("dateModified").map(str::to_string);
        }
        if self.authors.is_empty() {
            if let Some(a) = o.get("author") {
                names(a, &mut self.authors, 0);
            }
        }
        if self.publisher.is_none() {
            let mut p = Vec::new();
            if let Some(v) = o.get("publisher") {
                names(v, &mut p, 0);
            }
            self.publisher = p.into_iter().next();
        }
    }
}

fn is_article(t: Option<&Value>) -> bool {
    let is = |s: &str| s.ends_with("Article") || s == "BlogPosting" || s == "Report";
    match t {
        Some(Value::String(s)) => is(s),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(is),
        _ => false,
    }
}

/// Names in `"X"`, `{"name": "X"}` or arrays of them.
fn names(v: &Value, out: &mut Vec<String>, depth: u32) {
    match v {
        Value::String(s) if !s.trim().is_empty() && !s.starts_with("http") => {
            out.push(s.trim().to_string())
        }
        Value::Object(o) => {
            if let Some(n) = o.get("name") {
                names(n, out, depth + 1);
            }
        }
        Value::Array(a) if depth < 3 => a.iter().for_each(|x| names(x, out, depth + 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_paragraphs_and_main_content() {
        let body = "x".repeat(MIN_MAIN_CHARS);
        let html = format!(
            "<div>Menu du site</div><article><p>Un<br>deux<br/><br/>\n trois</p>\
             <p>{body}</p></article><p><a href=/a>Lien seul</a></p>"
        );
        let p = parse(&html, true);
        assert_eq!(p.text, format!("Un\ndeux\n\ntrois\n\n{body}"));
        assert_eq!(p.dropped_blocks, 2);
        let p = parse(&html, false);
        assert_eq!(
            p.text,
            format!("Menu du site\n\nUn\ndeux\n\ntrois\n\n{body}")
        );
        assert_eq!(p.dropped_blocks, 1);
        // Too little text in the marked content: the whole page is kept.
        let p = parse("<p>Avant</p><article><p>court</p></article>", true);
        assert_eq!(p.text, "Avant\n\ncourt");
    }

    #[test]
    fn titles_languages_and_json_ld() {
        assert_eq!(
            clean_title(" A  b - Site ", Some("Site")).as_deref(),
            Some("A b")
        );
        assert_eq!(
            clean_title("Site | A b", Some("Site")).as_deref(),
            Some("A b")
        );
        assert_eq!(clean_title("A - b", Some("Site")).as_deref(), Some("A - b"));
        assert_eq!(language_code("fr_FR").as_deref(), Some("fr"));
        assert_eq!(language_code("x"), None);
        let ld = JsonLd::from_scripts(&[
            "<!-- {\"@type\": \"NewsArticle\", \"author\": \"Ana\", \"datePublished\": \"2021-01-02\"} -->".into(),
            "[{\"@type\": \"Person\", \"name\": \"Not an author\"}, {\"@type\": [\"Thing\", \"ReportageNewsArticle\"], \"dateModified\": \"2021-01-03\", \"publisher\": [{\"name\": \"P\"}]}]".into(),
            "{\"@type\": \"NewsArticle\", ".into(),
        ]);
        assert_eq!(ld.authors, ["Ana"]);
        assert_eq!(ld.published.as_deref(), Some("2021-01-02"));
        assert_eq!(ld.modified.as_deref(), Some("2021-01-03"));
        assert_eq!(ld.publisher.as_deref(), Some("P"));
    }
}
