//! One pass of lol_html over a page: readable blocks as paragraphs, plus the raw material of the
//! page metadata (meta tags, `<title>`, first `<h1>`, JSON-LD, canonical link, `<html lang>`).

use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{EndTag, TextType};
use lol_html::{doc_text, element, HandlerResult, HtmlRewriter, Settings};

/// Elements whose whole content is dropped.
fn is_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "footer"
            | "aside"
            | "form"
            | "iframe"
            | "svg"
            | "button"
            | "select"
            | "textarea"
            | "object"
            | "embed"
            | "canvas"
            | "audio"
            | "video"
            | "math"
            | "head"
            | "dialog"
            | "menu"
            | "noembed"
            | "noframes"
            | "input"
            | "label"
            | "option"
            | "figcaption"
    )
}

/// ARIA roles of page chrome.
fn is_chrome_role(role: &str) -> bool {
    matches!(
        role,
        "navigation"
            | "banner"
            | "contentinfo"
            | "complementary"
            | "menu"
            | "menubar"
            | "search"
            | "dialog"
            | "alert"
            | "tablist"
    )
}

/// Start tags that close an open `<p>` (HTML tree construction).
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "ul"
    )
}

/// Elements that start and end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "li"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "td"
            | "th"
            | "tr"
            | "article"
            | "section"
            | "main"
            | "header"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "figure"
            | "address"
            | "details"
            | "summary"
            | "body"
            | "html"
            | "center"
            | "hr"
            | "caption"
            | "fieldset"
    )
}

/// Meta keys (`name`, `property` or `itemprop`, lowercased) kept for [`super::page`].
const META_KEYS: &[&str] = &[
    "og:title",
    "og:site_name",
    "og:url",
    "og:description",
    "og:locale",
    "og:updated_time",
    "article:published_time",
    "article:modified_time",
    "article:author",
    "author",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.creator",
    "dc.language",
    "pubdate",
    "publishdate",
    "datepublished",
    "datemodified",
    "publisher",
    "description",
    "content-language",
    "twitter:title",
    "sailthru.date",
    "parsely-pub-date",
];

/// A paragraph found in the page.
#[derive(Debug)]
pub(crate) struct Block {
    /// The text, whitespace collapsed, `<br>` as `\n`, entities still encoded.
    pub text: String,
    /// Non-space characters.
    pub chars: usize,
    /// Non-space characters inside links.
    pub link_chars: usize,
    /// The innermost main-content marker around it: 3 `itemprop="articleBody"`, 2 `<article>`,
    /// 1 `<main>`/`role="main"`, 0 none.
    pub rank: u8,
}

/// What one pass over a page found.
#[derive(Debug, Default)]
pub(crate) struct Raw {
    pub blocks: Vec<Block>,
    /// `(key, content)` of the meta tags in [`META_KEYS`], in page order, entities encoded.
    pub metas: Vec<(String, String)>,
    pub title: String,
    pub h1: String,
    pub jsonld: Vec<String>,
    pub canonical: Option<String>,
    pub lang: Option<String>,
    /// The first `<time datetime>` inside an article.
    pub time: Option<String>,
    /// Whether lol_html stopped early (the text so far is kept).
    pub aborted: bool,
}

#[derive(Default)]
struct State {
    raw: Raw,
    cur: String,
    cur_chars: usize,
    cur_links: usize,
    space: bool,
    skip: u32,
    links: u32,
    pre: u32,
    body: u32,
    article: u32,
    main: u32,
    title: u32,
    h1: u32,
    h1_done: bool,
    jsonld: Option<String>,
    /// Open elements that changed the state, innermost last, to close `<p>` and `<li>` when the
    /// next block or item starts (lol_html only closes them at an ancestor's end tag).
    open: Vec<Open>,
    next_id: u32,
}

/// An open element with an [`Effect`].
struct Open {
    id: u32,
    kind: Kind,
    fx: Effect,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    P,
    Li,
    Block,
    Inline,
}

impl State {
    /// Undoes the effect of an element at its end.
    fn close(&mut self, fx: Effect) {
        if fx.block && self.skip == 0 {
            self.flush();
        }
        apply(self, fx, false);
    }

    /// The end tag of element `id`; nothing when it was already closed implicitly.
    fn end(&mut self, id: u32) {
        if let Some(pos) = self.open.iter().rposition(|o| o.id == id) {
            while self.open.len() > pos {
                if let Some(o) = self.open.pop() {
                    self.close(o.fx);
                }
            }
        }
    }

    /// A start tag that closes an open `<p>` (block elements) or `<li>` (a new item), as the HTML
    /// tree builder does, when only inline elements (or a `<p>`, for `<li>`) are open inside it.
    fn implied_end(&mut self, name: &str) {
        let target = if name == "li" {
            Kind::Li
        } else if closes_p(name) {
            Kind::P
        } else {
            return;
        };
        let Some(pos) = self.open.iter().rposition(|o| {
            o.kind == target || o.kind == Kind::Block || (target == Kind::P && o.kind == Kind::Li)
        }) else {
            return;
        };
        if self.open[pos].kind != target {
            return;
        }
        if target == Kind::Li && self.open[pos + 1..].iter().any(|o| o.kind == Kind::Block) {
            return;
        }
        while self.open.len() > pos {
            if let Some(o) = self.open.pop() {
                self.close(o.fx);
            }
        }
    }

    fn rank(&self) -> u8 {
        if self.body > 0 {
            3
        } else if self.article > 0 {
            2
        } else if self.main > 0 {
            1
        } else {
            0
        }
    }

    fn flush(&mut self) {
        if self.cur_chars > 0 {
            let text = std::mem::take(&mut self.cur);
            self.raw.blocks.push(Block {
                text,
                chars: self.cur_chars,
                link_chars: self.cur_links,
                rank: self.rank(),
            });
        } else {
            self.cur.clear();
        }
        self.cur_chars = 0;
        self.cur_links = 0;
        self.space = false;
    }

    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if self.pre == 0 && matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
                self.space = !self.cur.is_empty() && !self.cur.ends_with('\n');
                continue;
            }
            if self.space {
                self.cur.push(' ');
                self.space = false;
            }
            self.cur.push(c);
            if !c.is_whitespace() {
                self.cur_chars += 1;
                if self.links > 0 {
                    self.cur_links += 1;
                }
            }
        }
    }
}

/// What an element changed, undone at its end tag.
#[derive(Clone, Copy, Default)]
struct Effect {
    skip: bool,
    link: bool,
    pre: bool,
    body: bool,
    article: bool,
    main: bool,
    title: bool,
    h1: bool,
    block: bool,
    jsonld: bool,
}

impl Effect {
    fn any(&self) -> bool {
        self.skip
            || self.link
            || self.pre
            || self.body
            || self.article
            || self.main
            || self.title
            || self.h1
            || self.block
            || self.jsonld
    }
}

fn hidden(el: &lol_html::html_content::Element<'_, '_>) -> bool {
    if el.has_attribute("hidden") {
        return true;
    }
    if el
        .get_attribute("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    el.get_attribute("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Runs the page through lol_html once.
pub(crate) fn extract(html: &str) -> Raw {
    let st = Rc::new(RefCell::new(State::default()));
    let on_el = Rc::clone(&st);
    let on_text = Rc::clone(&st);
    let settings = Settings {
        element_content_handlers: vec![element!("*", move |el| {
            let name = el.tag_name();
            let name = name.as_str();
            let mut s = on_el.borrow_mut();
            s.implied_end(name);
            let mut fx = Effect::default();
            match name {
                "html" => {
                    if let Some(l) = el
                        .get_attribute("lang")
                        .or_else(|| el.get_attribute("xml:lang"))
                    {
                        s.raw.lang.get_or_insert(l);
                    }
                }
                "meta" => {
                    let key = el
                        .get_attribute("property")
                        .or_else(|| el.get_attribute("name"))
                        .or_else(|| el.get_attribute("itemprop"))
                        .or_else(|| el.get_attribute("http-equiv"));
                    if let (Some(key), Some(content)) = (key, el.get_attribute("content")) {
                        let key = key.trim().to_ascii_lowercase();
                        if META_KEYS.contains(&key.as_str()) && s.raw.metas.len() < 256 {
                            s.raw.metas.push((key, content));
                        }
                    }
                }
                "link" => {
                    let canonical = el.get_attribute("rel").is_some_and(|r| {
                        r.split_ascii_whitespace()
                            .any(|t| t.eq_ignore_ascii_case("canonical"))
                    });
                    if canonical && s.raw.canonical.is_none() {
                        s.raw.canonical = el.get_attribute("href");
                    }
                }
                "br" if s.skip == 0 => {
                    s.cur.push('\n');
                    s.space = false;
                }
                "time" if s.raw.time.is_none() && (s.article > 0 || s.body > 0) => {
                    s.raw.time = el.get_attribute("datetime");
                }
                _ => {}
            }
            if name == "title" && s.title == 0 && s.raw.title.is_empty() {
                fx.title = true;
            } else if name == "script" {
                let ld = el
                    .get_attribute("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                fx.jsonld = ld && s.jsonld.is_none() && s.raw.jsonld.len() < 16;
                fx.skip = true;
            } else if s.skip == 0
                && (is_dropped(name) || (name == "header" && s.rank() == 0) || hidden(el))
            {
                fx.skip = true;
            }
            let role = el
                .get_attribute("role")
                .map(|r| r.trim().to_ascii_lowercase());
            if let Some(role) = &role {
                fx.skip |= s.skip == 0 && is_chrome_role(role);
                fx.main = role == "main";
            }
            fx.block = is_block(name);
            fx.link = name == "a";
            fx.pre = name == "pre";
            fx.article = name == "article";
            fx.main |= name == "main";
            fx.body = el
                .get_attribute("itemprop")
                .is_some_and(|p| p.split_ascii_whitespace().any(|t| t == "articleBody"));
            fx.h1 = name == "h1" && !s.h1_done && s.skip == 0;
            if !fx.any() {
                return Ok(()); // an inline element: nothing to undo at its end
            }
            let Some(handlers) = el.end_tag_handlers() else {
                return Ok(()); // a void element: nothing to undo
            };
            if fx.block && s.skip == 0 {
                s.flush();
            }
            apply(&mut s, fx, true);
            let id = s.next_id;
            s.next_id = s.next_id.wrapping_add(1);
            let kind = match name {
                "p" => Kind::P,
                "li" => Kind::Li,
                _ if fx.block => Kind::Block,
                _ => Kind::Inline,
            };
            s.open.push(Open { id, kind, fx });
            drop(s);
            let at_end = Rc::clone(&on_el);
            let undo: Box<dyn FnOnce(&mut EndTag<'_>) -> HandlerResult> = Box::new(move |_| {
                at_end.borrow_mut().end(id);
                Ok(())
            });
            handlers.push(undo);
            Ok(())
        })],
        document_content_handlers: vec![doc_text!(move |t| {
            let mut s = on_text.borrow_mut();
            match t.text_type() {
                TextType::ScriptData => {
                    if let Some(buf) = &mut s.jsonld {
                        if buf.len() < 1 << 20 {
                            buf.push_str(t.as_str());
                        }
                    }
                }
                TextType::RCData if s.title > 0 && s.raw.title.len() < 4096 => {
                    s.raw.title.push_str(t.as_str());
                }
                TextType::Data | TextType::CDataSection | TextType::PlainText if s.skip == 0 => {
                    if s.h1 > 0 && s.raw.h1.len() < 4096 {
                        s.raw.h1.push_str(t.as_str());
                    }
                    s.text(t.as_str());
                }
                _ => {}
            }
            Ok(())
        })],
        strict: false,
        ..Settings::new()
    };
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| ());
    let failed = rewriter.write(html.as_bytes()).is_err() || rewriter.end().is_err();
    let mut s = st.borrow_mut();
    s.flush();
    if let Some(ld) = s.jsonld.take() {
        s.raw.jsonld.push(ld);
    }
    let mut raw = std::mem::take(&mut s.raw);
    raw.aborted = failed;
    raw
}

fn apply(s: &mut State, fx: Effect, open: bool) {
    fn step(n: &mut u32, on: bool, open: bool) {
        if on {
            *n = if open {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            };
        }
    }
    step(&mut s.skip, fx.skip, open);
    step(&mut s.links, fx.link, open);
    step(&mut s.pre, fx.pre, open);
    step(&mut s.body, fx.body, open);
    step(&mut s.article, fx.article, open);
    step(&mut s.main, fx.main, open);
    step(&mut s.title, fx.title, open);
    step(&mut s.h1, fx.h1, open);
    if fx.h1 && !open {
        s.h1_done = true;
    }
    if fx.jsonld {
        if open {
            s.jsonld = Some(String::new());
        } else if let Some(ld) = s.jsonld.take() {
            s.raw.jsonld.push(ld);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<String> {
        extract(html).blocks.into_iter().map(|b| b.text).collect()
    }

    #[test]
    fn blocks_inline_spacing_and_breaks() {
        let t = texts(
            "<body><h1> Le  titre </h1><p>Un <b>mot</b>, puis\n  <i>un</i>autre.<br>Ligne</p>\
             <div>a<div>b</div>c</div><ul><li>un<li>deux<ul><li>trois</ul></ul>",
        );
        assert_eq!(
            t,
            [
                "Le titre",
                "Un mot, puis unautre.\nLigne",
                "a",
                "b",
                "c",
                "un",
                "deux",
                "trois"
            ]
        );
    }

    #[test]
    fn drops_chrome_and_hidden() {
        let t = texts(
            "<nav><ul><li>Menu</nav><p>Texte</p><script>var x = '<p>no</p>';</script>\
             <style>p{}</style><div hidden>caché</div><span aria-hidden=\"true\">icône</span>\
             <p style=\"DISPLAY: none\">non</p><form><p>champ</p></form><footer>pied</footer>\
             <aside>à côté</aside><p>Fin <button>Partager</button></p><template><p>t</p></template>",
        );
        assert_eq!(t, ["Texte", "Fin"]);
    }

    #[test]
    fn implied_ends_of_paragraphs_and_items() {
        let t = texts(
            "<body><p hidden>caché<p>visible<div>bloc</div><ul><li hidden>non<li>oui\
             <ul><li>sous</ul><li><a href=x>lien<p>suite</a></ul><p>fin",
        );
        assert_eq!(
            t,
            ["visible", "bloc", "oui", "sous", "lien", "suite", "fin"]
        );
    }

    #[test]
    fn metadata_material() {
        let r = extract(
            "<html lang=\"fr-FR\"><head><title>Titre &amp; co - Site</title>\
             <meta property=\"og:site_name\" content=\"Site\"><meta name=viewport content=x>\
             <link rel=\"canonical\" href=\"https://ex.fr/a\">\
             <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script></head>\
             <body><article><time datetime=\"2020-07-02\">2 juillet</time><h1>Le <i>titre</i></h1></article>",
        );
        assert_eq!(r.lang.as_deref(), Some("fr-FR"));
        assert_eq!(r.title, "Titre &amp; co - Site");
        assert_eq!(r.h1, "Le titre");
        assert_eq!(r.metas, [("og:site_name".to_string(), "Site".to_string())]);
        assert_eq!(r.canonical.as_deref(), Some("https://ex.fr/a"));
        assert_eq!(r.jsonld, ["{\"@type\":\"NewsArticle\"}"]);
        assert_eq!(r.time.as_deref(), Some("2020-07-02"));
        assert_eq!(r.blocks.iter().map(|b| b.rank).collect::<Vec<_>>(), [2, 2]);
    }

    #[test]
    fn link_characters_and_ranks() {
        let r = extract(
            "<p><a href=/x>Lire aussi</a></p><main><div itemprop=\"articleBody\"><p>Texte \
             <a href=/y>lien</a></p></div><p>après</p></main>",
        );
        let got: Vec<(usize, usize, u8)> = r
            .blocks
            .iter()
            .map(|b| (b.chars, b.link_chars, b.rank))
            .collect();
        assert_eq!(got, [(9, 9, 0), (9, 4, 3), (5, 0, 1)]);
    }
}
