//! HTML pages → text and page metadata.
//!
//! [`looks_like_html`] sniffs the start of a text; [`charset::declared`] finds the charset a page
//! declares in its first bytes; [`extract::extract`] runs lol_html (a spec-compliant streaming HTML5
//! tokenizer) over the page once and keeps the readable blocks as paragraphs, dropping scripts,
//! styles, navigation, forms, hidden elements and link lists; [`page::PageMeta`] turns `<title>`,
//! `og:*`, `article:*` meta tags, JSON-LD and `<html lang>` into document metadata.

pub(crate) mod charset;
pub(crate) mod extract;
pub(crate) mod page;

/// Tags that, as the first tag of a text (after a BOM, whitespace and comments), make it HTML.
const OPENERS: &[&str] = &[
    "!doctype html",
    "html",
    "head",
    "body",
    "meta",
    "title",
    "link",
    "article",
    "section",
    "main",
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "table",
    "ul",
    "ol",
];

/// Whether `head` (the first bytes of a text) starts like an HTML document or fragment: a BOM and
/// whitespace, optional comments, then `<!doctype html`, `<html`, `<head`, `<body`, `<meta`, or a
/// block tag such as `<p>` or `<div`.
pub(crate) fn looks_like_html(head: &[u8]) -> bool {
    let mut s = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    for _ in 0..8 {
        s = s.trim_ascii_start();
        if let Some(rest) = s.strip_prefix(b"<!--") {
            match memchr::memmem::find(rest, b"-->") {
                Some(i) => s = &rest[i + 3..],
                None => return false,
            }
        } else if let Some(rest) = s.strip_prefix(b"<?xml") {
            match memchr::memchr(b'>', rest) {
                Some(i) => s = &rest[i + 1..],
                None => return false,
            }
        } else {
            break;
        }
    }
    let Some(tag) = s.strip_prefix(b"<") else {
        return false;
    };
    OPENERS.iter().any(|o| {
        let o = o.as_bytes();
        tag.len() > o.len()
            && tag[..o.len()].eq_ignore_ascii_case(o)
            && matches!(tag[o.len()], b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'/')
    })
}

/// Whether a path names an HTML file (`.html`, `.htm`, `.xhtml`, also before `.gz`/`.zst`).
pub(crate) fn has_html_extension(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = [".gz", ".gzip", ".zst", ".zstd"]
        .iter()
        .find_map(|e| lower.strip_suffix(e))
        .unwrap_or(&lower);
    [".html", ".htm", ".xhtml"]
        .iter()
        .any(|e| name.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_documents_and_fragments() {
        for yes in [
            "<!DOCTYPE html><html>",
            "\u{FEFF}  \n<html lang=fr>",
            "<!-- saved --> <HEAD><title>x</title>",
            "<meta charset=\"utf-8\">",
            "<p>Le texte</p>",
            "<div class=a>",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE html>",
        ] {
            assert!(looks_like_html(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "",
            "Le texte <p> au milieu",
            "<pre",
            "<paragraphe",
            "<!-- never closed",
            "{\"text\": \"<p>\"}",
            "< p>",
        ] {
            assert!(!looks_like_html(no.as_bytes()), "{no:?}");
        }
    }

    #[test]
    fn extensions() {
        assert!(has_html_extension("a/B.HTML"));
        assert!(has_html_extension("x.htm.gz"));
        assert!(!has_html_extension("x.txt"));
        assert!(!has_html_extension("html"));
    }
}
