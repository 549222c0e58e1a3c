//! HTML pages (issue 9): charset declarations, extraction, page metadata, routing.

use toolkit_ingest::{DecidedBy, Format, IngesterBuilder, Input, Precision, ReaderBuilder, Record};

fn ingest(name: &str, bytes: Vec<u8>) -> toolkit_ingest::Document {
    crate::ingester()
        .ingest(Record::from_bytes(name, bytes))
        .unwrap_or_else(|e| panic!("{}", e.message()))
}

const CP1252_PAGE: &str = "<!DOCTYPE html>\n<html><head>\
    <meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
    <title>L’été à Paris</title></head><body>\
    <p>Les ministres ont « réaffirmé » leur unité l’été dernier — 10 €.</p></body></html>";

#[test]
fn cp1252_page_with_meta_charset() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(CP1252_PAGE);
    let doc = ingest("page.html", bytes.into_owned());
    assert_eq!(
        (doc.encoding, doc.decided_by, doc.decided_by.as_str()),
        ("windows-1252", DecidedBy::Declared, "declared")
    );
    assert_eq!(doc.title.as_deref(), Some("L’été à Paris"));
    assert_eq!(
        doc.text,
        "Les ministres ont « réaffirmé » leur unité l’été dernier — 10 €."
    );
    assert!(doc.html);
}

#[test]
fn utf8_page_whose_meta_lies() {
    // Declared latin-1, but the bytes are UTF-8: the declaration loses.
    let page = CP1252_PAGE.replace("windows-1252", "iso-8859-1");
    let doc = ingest("page.htm", page.clone().into_bytes());
    assert_eq!(
        (doc.encoding, doc.decided_by),
        ("UTF-8", DecidedBy::Utf8Valid)
    );
    assert!(doc.text.contains("« réaffirmé »"), "{}", doc.text);
    // Declared UTF-8, but the bytes are windows-1252: detected instead.
    let page = CP1252_PAGE.replace("windows-1252", "utf-8");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
    let doc = ingest("page.html", bytes.into_owned());
    assert_eq!(
        (doc.encoding, doc.decided_by),
        ("windows-1252", DecidedBy::Detected)
    );
    assert!(doc.text.contains("l’été dernier"), "{}", doc.text);
    // Declared UTF-8 and valid.
    let page = CP1252_PAGE.replace("windows-1252", "UTF-8");
    let doc = ingest("page.html", page.into_bytes());
    assert_eq!(
        (doc.encoding, doc.decided_by),
        ("UTF-8", DecidedBy::Declared)
    );
}

const NEWS_PAGE: &str = r#"<!doctype html>
<html lang="fr-FR"><head><meta charset="utf-8">
<title>Le Ségur se prolonge | Le Journal</title>
<meta property="og:site_name" content="Le Journal">
<meta property="og:description" content="Les syndicats font monter les enchères.">
<meta name="publisher" content="Agence &amp; Co">
<link rel="canonical" href="https://www.journal.fr/segur.html">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Le Journal"},
  {"@type": ["NewsArticle"], "datePublished": "2020-07-02T19:09:00+02:00",
   "dateModified": "2020-07-03T08:00:00+02:00",
   "author": [{"@type": "Person", "name": "Marie Curie"}, {"name": "Jean Dupont"}],
   "publisher": {"@type": "Organization", "name": "Le Journal SA"}}]}</script>
<script type="application/ld+json">{"broken": </script>
<style>p { color: red }</style>
</head><body>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/france">France</a></li></ul></nav></header>
<div class="menu"><a href="/a">Politique</a> <a href="/b">Société</a> <a href="/c">Monde</a></div>
<main><article>
<h1>Le Ségur se prolonge</h1>
<p>Les négociations du <b>Ségur</b> de la santé ont repris&nbsp;jeudi, a-t-on appris
   de source syndicale.</p>
<p hidden>Texte caché</p><div aria-hidden="true">Icône</div><p style="display: none">Publicité</p>
<ul><li>Premier point<ul><li>sous-point</li></ul></li><li>Second point</li></ul>
<p>Ligne un<br>Ligne deux</p>
<form><label>Votre e-mail</label><input name=mail><button>S'inscrire</button></form>
<p>Lire aussi : <a href="/x">Un autre article sur l'hôpital public</a></p>
</article></main>
<aside><p>Les plus lus</p></aside>
<footer><p>© Le Journal 2020</p></footer>
<noscript><p>Activez JavaScript</p></noscript>
</body></html>"#;

#[test]
fn news_page_text_and_metadata() {
    let doc = ingest("segur.html", NEWS_PAGE.as_bytes().to_vec());
    assert_eq!(
        doc.text,
        "Les négociations du Ségur de la santé ont repris\u{A0}jeudi, a-t-on appris de source syndicale.\n\n\
         Premier point\n\nsous-point\n\nSecond point\n\nLigne un\nLigne deux"
    );
    assert_eq!(doc.title.as_deref(), Some("Le Ségur se prolonge"));
    let p = doc.published.as_ref().unwrap();
    assert_eq!(
        (p.to_iso(), p.precision, p.source.as_str()),
        ("2020-07-02".into(), Precision::Day, "page")
    );
    assert_eq!(
        doc.modified.as_ref().map(|m| m.to_iso()).as_deref(),
        Some("2020-07-03")
    );
    assert_eq!(doc.authors, ["Marie Curie", "Jean Dupont"]);
    assert_eq!(doc.site_name.as_deref(), Some("Le Journal"));
    assert_eq!(doc.publisher.as_deref(), Some("Agence & Co"));
    assert_eq!(
        doc.canonical_url.as_deref(),
        Some("https://www.journal.fr/segur.html")
    );
    assert_eq!(
        doc.url.as_deref(),
        Some("https://www.journal.fr/segur.html")
    );
    assert_eq!(doc.site.as_deref(), Some("journal.fr"));
    assert_eq!(
        doc.description.as_deref(),
        Some("Les syndicats font monter les enchères.")
    );
    assert_eq!(doc.language.as_deref(), Some("fr"));
    assert_eq!(doc.decided_by, DecidedBy::Declared);
    // The h1 was cut from the text as the title; the link line and the menu were dropped as link
    // lists, and the blocks outside <article> as outside the main content.
    assert!(doc.html_dropped_blocks >= 2, "{}", doc.html_dropped_blocks);
}

#[test]
fn whole_page_without_main_content_selection() {
    let ing = IngesterBuilder::new().main_content(false).build();
    let doc = ing
        .ingest(Record::from_bytes(
            "segur.html",
            NEWS_PAGE.as_bytes().to_vec(),
        ))
        .unwrap();
    // Chrome elements and link lists still go; the rest of the page stays.
    for gone in [
        "Accueil",
        "Politique",
        "Texte caché",
        "Icône",
        "Publicité",
        "Votre e-mail",
        "Activez",
        "© Le Journal",
        "Les plus lus",
        "Lire aussi",
    ] {
        assert!(!doc.text.contains(gone), "{gone}: {}", doc.text);
    }
    assert!(doc.text.contains("Second point"));
}

#[test]
fn jsonl_field_holding_html_and_record_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pages.jsonl");
    let page = "<html><head><meta property=\"og:title\" content=\"Titre de la page\"></head>\
                <body><p>Premier paragraphe du texte.</p><p>Second paragraphe.</p></body></html>";
    let lines = [
        serde_json::json!({"id": "a1", "title": "Titre du champ", "url": "https://ex.fr/a", "text": page}),
        serde_json::json!({"id": "a2", "text": "<p>Un fragment &amp; du texte.</p>"}),
        serde_json::json!({"id": "a3", "text": "Du texte brut <b>pas du HTML</b>."}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, body).unwrap();
    let docs: Vec<_> = crate::read_all(vec![Input::Path(path)])
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(docs[0].source_id.as_deref(), Some("a1"));
    assert_eq!(
        docs[0].title.as_deref(),
        Some("Titre de la page"),
        "page metadata wins"
    );
    assert_eq!(docs[0].url.as_deref(), Some("https://ex.fr/a"));
    assert_eq!(
        docs[0].text,
        "Premier paragraphe du texte.\n\nSecond paragraphe."
    );
    assert_eq!(
        (docs[0].decided_by, docs[0].html),
        (DecidedBy::Container, true)
    );
    assert_eq!(docs[1].text, "Un fragment & du texte.");
    assert!(docs[1].html);
    assert_eq!(docs[2].text, "Du texte brut <b>pas du HTML</b>.");
    assert!(!docs[2].html);
}

#[test]
fn routing_by_extension_content_and_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.html"),
        "Pas de balise du tout, mais un fichier .html.",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.txt"),
        "<!DOCTYPE html><p>Une page nommée .txt</p>",
    )
    .unwrap();
    std::fs::write(dir.path().join("c.txt"), "<p>Un fragment</p>").unwrap();
    let docs: Vec<_> = crate::read_all(vec![Input::Path(dir.path().to_path_buf())])
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let got: Vec<(&str, bool)> = docs.iter().map(|d| (d.text.as_str(), d.html)).collect();
    assert_eq!(
        got,
        [
            ("Pas de balise du tout, mais un fichier .html.", true),
            ("Une page nommée .txt", true),
            ("Un fragment", true),
        ]
    );
    // Format::Text forces plain text; Format::Html forces HTML.
    let text = IngesterBuilder::new().format(Format::Text).build();
    let d = text
        .ingest(Record::from_bytes("c.html", b"<p>Un fragment</p>".to_vec()))
        .unwrap();
    assert_eq!((d.text.as_str(), d.html), ("<p>Un fragment</p>", false));
    let html = IngesterBuilder::new().format(Format::Html).build();
    let d = html
        .ingest(Record::from_bytes(
            "c.txt",
            b"Avant <i>le</i> texte".to_vec(),
        ))
        .unwrap();
    assert_eq!((d.text.as_str(), d.html), ("Avant le texte", true));
    // The reader accepts --format html like text: one record per file.
    let n = ReaderBuilder::new()
        .format(Format::Html)
        .build(vec![Input::Path(dir.path().to_path_buf())])
        .count();
    assert_eq!(n, 3);
}

#[test]
fn empty_and_script_only_pages_are_errors() {
    let ing = crate::ingester();
    for page in [
        "<html><head><script>var a = 1;</script></head><body></body></html>",
        "<html>   </html>",
    ] {
        let e = ing
            .ingest(Record::from_bytes("e.html", page.as_bytes().to_vec()))
            .unwrap_err();
        assert_eq!(e.kind().as_str(), "empty", "{page}");
    }
}

/// Real pages of ../shared/data/orangesum: the article body is kept, the menus are not.
#[test]
fn orangesum_page_when_present() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/orangesum/raw_html.tar.zst");
    if !path.exists() {
        eprintln!("skipped: {} not found", path.display());
        return;
    }
    // Reading the 2 GB tar is the job of scripts/eval-html.sh; here only its first file, `0.txt`
    // (after the directory entries), read with the 512-byte ustar headers.
    let file = std::fs::File::open(&path).unwrap();
    let mut z = zstd::stream::read::Decoder::new(file).unwrap();
    z.window_log_max(31).unwrap();
    let page = loop {
        let mut header = [0u8; 512];
        std::io::Read::read_exact(&mut z, &mut header).unwrap();
        let octal = std::str::from_utf8(&header[124..136]).unwrap();
        let size = usize::from_str_radix(octal.trim_matches(['\0', ' ']), 8).unwrap();
        let mut body = vec![0u8; size.div_ceil(512) * 512];
        std::io::Read::read_exact(&mut z, &mut body).unwrap();
        if header[156] == b'0' || header[156] == 0 {
            body.truncate(size);
            break body;
        }
    };
    let doc = ingest("0.txt", page);
    assert_eq!(
        doc.title.as_deref(),
        Some("Airbus : 4 248 postes supprimés")
    );
    assert_eq!(doc.publisher.as_deref(), Some("francetvinfo"));
    assert_eq!(doc.site_name.as_deref(), Some("Orange Actualités"));
    assert!(!doc.text.contains("Fait divers"), "{}", doc.text);
}
