//! `toolkit fix`: the JSONL contract, mojibake layers, and no change to clean text.

use std::io::{BufRead, BufReader};

use serde_json::{json, Value};

use crate::util::{assert_exit, shared_data, toolkit};

const CLEAN: &str = "Les ministres des Affaires étrangères de l’Otan ont « réaffirmé » leur unité, à Bruxelles — déjà 30 pays, ça coûte 5 € !";

/// `text` encoded as UTF-8 and read back as windows-1252, `layers` times.
fn mojibake(text: &str, layers: usize) -> String {
    let mut s = text.to_string();
    for _ in 0..layers {
        let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(s.as_bytes());
        s = decoded.into_owned();
    }
    s
}

fn fix_jsonl(lines: &[Value]) -> Vec<Value> {
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let out = toolkit(&["fix", "--jsonl"], input.as_bytes());
    assert_exit(&out, 0);
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect()
}

#[test]
fn one_and_two_layers_of_cp1252_mojibake_are_repaired() {
    let one = mojibake(CLEAN, 1);
    let two = mojibake(CLEAN, 2);
    assert!(
        one.contains("Ã©") && two.contains("Ãƒ"),
        "fixtures: {one} / {two}"
    );
    let out = fix_jsonl(&[
        json!({"id": "one", "text": one}),
        json!({"id": 2, "text": two}),
        json!({"id": "clean", "text": CLEAN}),
    ]);
    assert_eq!(
        out,
        [
            json!({"id": "one", "text": CLEAN}),
            json!({"id": 2, "text": CLEAN}),
            json!({"id": "clean", "text": CLEAN}),
        ]
    );
}

#[test]
fn plain_fix_decodes_cp1252_bytes_and_repairs_entities() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Élysée : l’équipe a réagi à 20 h.");
    let out = toolkit(&["fix"], &bytes);
    assert_exit(&out, 0);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "Élysée : l’équipe a réagi à 20 h."
    );

    let out = toolkit(
        &["fix"],
        "L&rsquo;&eacute;t&#233; &amp; l&#x27;hiver".as_bytes(),
    );
    assert_exit(&out, 0);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "L’été & l'hiver");
}

#[test]
fn broken_jsonl_lines_give_error_objects_in_place_and_exit_1() {
    let input = "{\"id\":1,\"text\":\"a\"}\nnot json\n{\"id\":3}\n{\"id\":4,\"text\":\"d\"}\n";
    let out = toolkit(&["fix", "--jsonl"], input.as_bytes());
    assert_exit(&out, 1);
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], json!({"id": 1, "text": "a"}));
    assert!(lines[1]["error"].is_string() && lines[1]["id"].is_null());
    assert_eq!(lines[2]["id"], json!(3));
    assert!(lines[2]["error"].is_string());
    assert_eq!(lines[3], json!({"id": 4, "text": "d"}));
}

#[test]
fn clean_orangesum_bodies_come_out_byte_identical() {
    let Some(data) = shared_data("the OrangeSum clean-text check") else {
        return;
    };
    let file = std::fs::File::open(data.join("orangesum/parsed.jsonl.zst")).unwrap();
    let mut decoder = zstd::stream::read::Decoder::new(file).unwrap();
    decoder.window_log_max(31).unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(decoder).lines().take(1000) {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        lines.push(json!({"id": v["id"], "text": v["article"]}));
    }
    assert_eq!(lines.len(), 1000);
    let out = fix_jsonl(&lines);
    assert_eq!(out.len(), 1000);
    let changed: Vec<&Value> = lines
        .iter()
        .zip(&out)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a["id"])
        .collect();
    assert!(
        changed.is_empty(),
        "fix changed {} clean bodies, e.g. {:?}",
        changed.len(),
        &changed[..changed.len().min(5)]
    );
}
