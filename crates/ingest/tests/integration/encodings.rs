//! A fixture for every encoding path, written as files and read through the reader.

use std::io::Write;

use encoding_rs::{ISO_8859_15, WINDOWS_1252};
use toolkit_ingest::{DecidedBy, Input};

const FR: &str = "Les ministres des Affaires étrangères de l’Otan ont « réaffirmé » leur unité, \
                  à Bruxelles, où l’été coûte 12 € à cœur ouvert.";
/// Only characters of ISO-8859-1 (no ’ € œ).
const FR_LATIN1: &str =
    "Les ministres des Affaires étrangères de l'Otan ont « réaffirmé » leur unité, \
                         à Bruxelles, où il faisait 3°C à l'aube.";

fn utf16(s: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn read_one(bytes: &[u8]) -> toolkit_ingest::Document {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.txt");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    let mut docs = crate::read_all(vec![Input::Path(path)]);
    assert_eq!(docs.len(), 1);
    docs.pop().unwrap().unwrap()
}

fn check(bytes: &[u8], text: &str, encoding: &str, decided_by: DecidedBy) {
    let d = read_one(bytes);
    assert_eq!(
        (d.text.as_str(), d.encoding, d.decided_by),
        (text, encoding, decided_by)
    );
    assert_eq!(d.mojibake_repairs, 0);
    assert_eq!(d.input_bytes, bytes.len() as u64);
}

#[test]
fn utf8() {
    check(FR.as_bytes(), FR, "UTF-8", DecidedBy::Utf8Valid);
}

#[test]
fn utf8_bom() {
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(FR.as_bytes());
    check(&b, FR, "UTF-8", DecidedBy::Bom);
}

#[test]
fn utf16_with_bom() {
    check(&utf16(FR, true, true), FR, "UTF-16LE", DecidedBy::Bom);
    check(&utf16(FR, false, true), FR, "UTF-16BE", DecidedBy::Bom);
}

#[test]
fn utf16_without_bom() {
    check(&utf16(FR, true, false), FR, "UTF-16LE", DecidedBy::Detected);
    check(
        &utf16(FR, false, false),
        FR,
        "UTF-16BE",
        DecidedBy::Detected,
    );
}

#[test]
fn windows_1252() {
    let (b, _, unmappable) = WINDOWS_1252.encode(FR);
    assert!(!unmappable);
    check(&b, FR, "windows-1252", DecidedBy::Detected);
}

#[test]
fn iso_8859_1_reads_as_its_superset_windows_1252() {
    let b: Vec<u8> = FR_LATIN1
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    check(&b, FR_LATIN1, "windows-1252", DecidedBy::Detected);
}

#[test]
fn iso_8859_15_euro_at_a4() {
    let text = "Le kilo de bœuf coûte 12 € au marché, soit 2 € de plus qu'en été.";
    let (b, _, unmappable) = ISO_8859_15.encode(text);
    assert!(!unmappable && b.contains(&0xA4));
    check(&b, text, "ISO-8859-15", DecidedBy::Detected);
}

#[test]
fn mojibake_inside_utf8_one_and_two_layers() {
    let once = WINDOWS_1252
        .decode_without_bom_handling(FR.as_bytes())
        .0
        .into_owned();
    let twice = WINDOWS_1252
        .decode_without_bom_handling(once.as_bytes())
        .0
        .into_owned();
    for bad in [once, twice] {
        let d = read_one(bad.as_bytes());
        assert_eq!(d.text, FR);
        assert!(d.mojibake_repairs >= 8, "{}", d.mojibake_repairs);
        assert_eq!(crate::ingester().fix(&bad).text, FR);
    }
}
