//! Throughput of HTML pages → Documents (decode with the declared charset, lol_html extraction,
//! page metadata, repair, text metadata) on a synthetic news page shaped like OrangeSum's: head
//! metas and JSON-LD, scripts, a menu, teaser lists, an article body.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use toolkit_ingest::{IngesterBuilder, Record};

const PARAGRAPH: &str = "Le gouvernement a annoncé jeudi une enveloppe de 7 milliards d&#39;euros \
    pour les hausses de rémunérations du personnel hospitalier, à l&rsquo;issue d&rsquo;une réunion \
    avec les <a href=\"/syndicats\">syndicats</a> de la fonction publique, dans la nuit de mercredi.";

/// One page of about 60 KB.
fn page(n: usize) -> String {
    let mut s = String::from(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"/>\
         <title>Olivier Véran : 400 millions d'euros - Orange Actualités</title>\
         <meta content=\"Orange Actualités\" property=\"og:site_name\"/>\
         <meta content=\"2020-07-02T19:09:00+02:00\" property=\"article:published_time\"/>\
         <meta content=\"francetvinfo\" property=\"publisher\"/>\
         <link rel=\"canonical\" href=\"https://actu.orange.fr/france/article.html\"/>\
         <script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":[{\"@type\":\
         \"NewsArticle\",\"datePublished\":\"2020-07-02\",\"author\":{\"name\":\"AFP\"}}]}</script>",
    );
    s.push_str(&"<script>window.dataLayer = window.dataLayer || []; function f(a){ return a < 2; }</script>".repeat(20));
    s.push_str("</head><body><header><nav><ul>");
    for i in 0..40 {
        s.push_str(&format!(
            "<li><a href=\"/rubrique/{i}\">Rubrique {i}</a></li>"
        ));
    }
    s.push_str(
        "</ul></nav></header><div class=\"container\"><h1>Olivier Véran : 400 millions</h1>\
                <article itemscope><div itemprop=\"articleBody\">",
    );
    for i in 0..n {
        s.push_str(&format!(
            "<p>{PARAGRAPH} ({i})</p><div class=\"ad\" style=\"display:none\">Publicité</div>"
        ));
    }
    s.push_str("</div></article><div class=\"teasers\">");
    for i in 0..60 {
        s.push_str(&format!(
            "<div class=\"tile\"><img src=\"/i/{i}.jpg\" alt=\"x\"/><div class=\"info\"><a class=\"title\" \
             href=\"/article-{i}.html\">Un autre titre d'article numéro {i} sur l'actualité</a>\
             <div class=\"date\">02 juillet 2020</div></div></div>"
        ));
    }
    s.push_str("</div><footer><p>© Orange 2020</p></footer></body></html>");
    s
}

fn bench(c: &mut Criterion) {
    let ing = IngesterBuilder::new().language_hint(Some("fr")).build();
    let pages: Vec<Vec<u8>> = (0..16).map(|i| page(20 + i * 4).into_bytes()).collect();
    let total: usize = pages.iter().map(Vec::len).sum();
    let doc = ing
        .ingest(Record::from_bytes("p.html", pages[0].clone()))
        .unwrap();
    assert!(doc.text.contains("7 milliards d'euros") && !doc.text.contains("Rubrique"));
    let mut g = c.benchmark_group("html");
    g.sample_size(20);
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("ingest/news_pages", |b| {
        b.iter(|| {
            for p in &pages {
                ing.ingest(Record::from_bytes("p.html", p.clone())).unwrap();
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
