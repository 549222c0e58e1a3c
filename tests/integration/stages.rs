//! The stage verbs (`clean`, `sentences`, `mentions`) and the stages inside `export` (cleaning, HTML,
//! duplicates).

use std::io::BufRead;

use serde_json::{json, Value};
use toolkit_export::Cell;

use crate::util::{assert_exit, export_samples, s, table, toolkit};

fn jsonl(out: &[u8]) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}

#[test]
fn clean_mirrors_the_input_tree_and_drops_chrome() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clean");
    let run = toolkit(&["clean", "data/samples", "-o", out.to_str().unwrap()], b"");
    assert_exit(&run, 0);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names[2].starts_with("002_") && names[2].ends_with(".txt"));
    let seed2 = std::fs::read_to_string(out.join(&names[2])).unwrap();
    for chrome in [
        "Suivez nous sur",
        "PARTAGEZ:",
        "Partagez cet article:",
        "Publicité",
        "Nous utilisons votre inscription",
    ] {
        assert!(
            !seed2.contains(chrome),
            "{chrome:?} left in the clean seed 002"
        );
    }
    assert!(
        seed2.contains("Maria Zakharova, porte-parole du ministère russe des Affaires étrangères")
    );
    let seed4 = std::fs::read_to_string(out.join(&names[4])).unwrap();
    assert_eq!(
        seed4
            .matches("La Russie considère l'éventuelle adhésion de l'Ukraine")
            .count(),
        1
    );
}

#[test]
fn clean_jsonl_follows_the_contract() {
    let input = concat!(
        "{\"id\":\"a\",\"text\":\"Suivez nous sur\\n\\nIl a refusé.\\n\\nPublicité\\n\\n« On ne cédera pas. »\"}\n",
        "{\"id\":2,\"text\":\" date 2022-01 PARIS (AFP) - Le gouvernement a annoncé un plan.\"}\n",
    );
    let run = toolkit(&["clean", "--jsonl"], input.as_bytes());
    assert_exit(&run, 0);
    let out = jsonl(&run.stdout);
    assert_eq!(out.len(), 2);
    assert_eq!(out[0]["id"], json!("a"));
    assert_eq!(
        out[0]["text"],
        json!("Il a refusé.\n\n«\u{a0}On ne cédera pas.\u{a0}»") // typography: no-break spaces inside « »
    );
    let classes: Vec<&str> = out[0]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes, ["chrome", "ad"]);
    assert_eq!(out[0]["removed"][0]["start"], json!(0));
    assert_eq!(out[0]["removed"][0]["end"], json!(15));
    assert_eq!(out[1]["id"], json!(2));
    assert_eq!(out[1]["text"], json!("Le gouvernement a annoncé un plan."));
    assert_eq!(out[1]["meta"]["agency"], json!("AFP"));
    assert_eq!(out[1]["meta"]["dateline_place"], json!("PARIS"));
    assert_eq!(out[1]["meta"]["published"], json!("2022-01-01"));
    assert_eq!(out[1]["meta"]["published_precision"], json!("month"));
}

#[test]
fn sentences_and_mentions_jsonl_use_code_point_offsets() {
    let text = "L'Otan réunit ses ministres à Bruxelles. M. Stoltenberg a parlé. « Été » fini.";
    let input = format!("{}\n", json!({"id": 1, "text": text}));
    let run = toolkit(&["sentences", "--jsonl"], input.as_bytes());
    assert_exit(&run, 0);
    let out = jsonl(&run.stdout);
    let chars: Vec<char> = text.chars().collect();
    let sentences = out[0]["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 3);
    for s in sentences {
        let (start, end) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[start..end].iter().collect::<String>(),
            s["text"].as_str().unwrap()
        );
    }
    assert_eq!(sentences[2]["text"], json!("« Été » fini."));

    let run = toolkit(&["mentions", "--jsonl"], input.as_bytes());
    assert_exit(&run, 0);
    let out = jsonl(&run.stdout);
    let mentions = out[0]["mentions"].as_array().unwrap();
    let found: Vec<(&str, &str)> = mentions
        .iter()
        .map(|m| (m["text"].as_str().unwrap(), m["type"].as_str().unwrap()))
        .collect();
    assert!(found.contains(&("Otan", "ORG")), "{found:?}");
    assert!(found.contains(&("Bruxelles", "LOC")), "{found:?}");
    assert!(found.contains(&("Stoltenberg", "PER")), "{found:?}");
    for m in mentions {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            chars[start..end].iter().collect::<String>(),
            m["text"].as_str().unwrap()
        );
    }
}

#[test]
fn export_fills_sentences_mentions_and_removed_consistently() {
    let (_dir, out) = export_samples();
    let articles = table(&out, "articles");
    let sentences = table(&out, "sentences");
    let mentions = table(&out, "mentions");
    let removed = table(&out, "removed");
    let a = |name: &str| articles.column_index(name).unwrap();
    let mut total_sentences = 0;
    for row in &articles.rows {
        let id = s(&row[a("article_id")]).unwrap();
        let text: Vec<char> = s(&row[a("text")]).unwrap().chars().collect();
        let own: Vec<&Vec<Cell>> = sentences
            .rows
            .iter()
            .filter(|r| s(&r[0]) == Some(id))
            .collect();
        assert_eq!(row[a("n_sentences")], Cell::UInt(own.len() as u64));
        total_sentences += own.len();
        let mut last_end = 0;
        for r in own {
            let (Cell::UInt(start), Cell::UInt(end)) = (&r[3], &r[4]) else {
                panic!("offsets")
            };
            assert!(*start as usize >= last_end, "sentences overlap");
            last_end = *end as usize;
            assert_eq!(
                text[*start as usize..*end as usize]
                    .iter()
                    .collect::<String>(),
                s(&r[5]).unwrap()
            );
        }
        let own_mentions = mentions
            .rows
            .iter()
            .filter(|r| s(&r[0]) == Some(id))
            .count();
        assert_eq!(row[a("n_mentions")], Cell::UInt(own_mentions as u64));
        assert!(matches!(row[a("removed_chars")], Cell::UInt(_)));
        assert!(
            matches!(row[a("dup_cluster")], Cell::Str(_)),
            "dedup runs by default"
        );
    }
    assert_eq!(total_sentences, sentences.rows.len());
    let classes: Vec<&str> = removed
        .column("class")
        .unwrap()
        .into_iter()
        .map(|c| s(c).unwrap())
        .collect();
    for class in ["metadata", "chrome", "ad", "consent"] {
        assert!(
            classes.contains(&class),
            "no {class} row in removed: {classes:?}"
        );
    }
    let nato: Vec<&str> = mentions
        .rows
        .iter()
        .filter(|r| ["Otan", "OTAN", "Alliance atlantique"].contains(&s(&r[4]).unwrap()))
        .map(|r| s(&r[5]).unwrap())
        .collect();
    assert!(
        nato.len() > 5 && nato.iter().all(|id| *id == nato[0]),
        "{nato:?}"
    );
}

#[test]
fn copies_are_marked_as_duplicates_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("wire.jsonl");
    let story = "Les ministres des Affaires étrangères de l'Otan ont réaffirmé leur unité vendredi lors d'une réunion extraordinaire organisée avant les pourparlers de la semaine prochaine sur la sécurité en Europe avec la Russie.";
    let other = "Le gouvernement a présenté mercredi un projet de loi sur le logement qui prévoit la construction de cent mille habitations sociales dans les cinq prochaines années.";
    let lines = [
        json!({"id": "a", "text": story}),
        json!({"id": "b", "text": other}),
        json!({"id": "c", "text": format!("{story}\n\nPublicité")}),
    ];
    std::fs::write(
        &input,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let out = dir.path().join("tables");
    assert_exit(
        &toolkit(
            &[
                "export",
                input.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
            b"",
        ),
        0,
    );
    let articles = table(&out, "articles");
    let col = |name: &str| articles.column_index(name).unwrap();
    let ids: Vec<&str> = articles
        .rows
        .iter()
        .map(|r| s(&r[col("article_id")]).unwrap())
        .collect();
    let dup: Vec<Option<&str>> = articles
        .rows
        .iter()
        .map(|r| s(&r[col("duplicate_of")]))
        .collect();
    assert_eq!(dup, [None, None, Some(ids[0])]);
    assert_eq!(s(&articles.rows[2][col("dup_cluster")]), Some(ids[0]));
    assert_eq!(articles.rows[2][col("dup_similarity")], Cell::Float(1.0));

    let off = dir.path().join("off");
    assert_exit(
        &toolkit(
            &[
                "export",
                input.to_str().unwrap(),
                "-o",
                off.to_str().unwrap(),
                "--dedup",
                "off",
            ],
            b"",
        ),
        0,
    );
    let articles = table(&off, "articles");
    assert!(articles
        .column("dup_cluster")
        .unwrap()
        .iter()
        .all(|c| **c == Cell::Null));
}

#[test]
fn html_pages_go_through_the_same_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let html = r#"<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>L'Otan se réunit - Le Journal</title>
<meta property="og:site_name" content="Le Journal">
<meta property="article:published_time" content="2022-01-07T10:00:00+01:00">
<script>var x = "Publicité";</script></head>
<body><nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
<article><h1>L'Otan se réunit</h1>
<p>Les ministres des Affaires étrangères de l'Otan se sont réunis vendredi à Bruxelles pour afficher leur unité.</p>
<p>Jens Stoltenberg a salué la perspective de pourparlers avec Moscou la semaine prochaine.</p></article>
<footer>© Le Journal</footer></body></html>"#;
    std::fs::write(&page, html).unwrap();
    let out = dir.path().join("tables");
    assert_exit(
        &toolkit(
            &[
                "export",
                page.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
            ],
            b"",
        ),
        0,
    );
    let articles = table(&out, "articles");
    let col = |name: &str| articles.column_index(name).unwrap();
    let row = &articles.rows[0];
    let text = s(&row[col("text")]).unwrap();
    assert!(text.contains("Jens Stoltenberg a salué"), "{text}");
    for chrome in ["Accueil", "var x", "© Le Journal"] {
        assert!(!text.contains(chrome), "{chrome:?} in {text:?}");
    }
    assert_eq!(s(&row[col("title")]), Some("L'Otan se réunit"));
    assert_eq!(s(&row[col("published_precision")]), Some("day"));
    assert_eq!(s(&row[col("language")]), Some("fr"));
}
