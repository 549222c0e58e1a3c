//! A corpus of bad inputs, generated at test time, run end to end through `toolkit export`: each
//! bad input is one row of `errors` with a clear message (or a documented repair), every other
//! document is still exported, and the exit code is 1.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::util::{assert_exit, s, table, toolkit};

/// The per-document cap given to the run: the 50 MB line and the sparse file are above it.
const CAP: u64 = 16 << 20;

/// Writes `path`, creating its folder.
fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A small valid PNG (signature, IHDR, IDAT, IEND chunks; CRCs are not checked by anyone here).
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(b"\0\0\0\x0dIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa");
    b.extend_from_slice(b"\0\0\0\x1cIDAT");
    b.extend((0u8..28).map(|i| i.wrapping_mul(37) ^ 0xA5));
    b.extend_from_slice(b"\x12\x34\x56\x78\0\0\0\0IEND\xaeB`\x82");
    b
}

/// The first 16 KiB of the toolkit binary itself: a real ELF header and code.
fn elf() -> Vec<u8> {
    let mut f = std::fs::File::open(env!("CARGO_BIN_EXE_toolkit")).unwrap();
    let mut head = vec![0; 16 << 10];
    std::io::Read::read_exact(&mut f, &mut head).unwrap();
    assert_eq!(
        &head[..4],
        b"\x7fELF",
        "the toolkit binary is not ELF on this system"
    );
    head
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// What the corpus is expected to give, decided while it is built (root, mkfifo, /proc).
struct Corpus {
    input: PathBuf,
    /// Extra inputs given explicitly after the folder.
    extra: Vec<String>,
    /// `(source_path suffix, source_index, kind, words the message must contain)`, in output order.
    errors: Vec<(String, Option<u64>, &'static str, &'static str)>,
    /// Texts (prefixes) of the articles expected, in output order.
    articles: Vec<String>,
}

const GOOD: &str = "Le gouvernement a présenté jeudi un plan de relance.";
const UTF16: &str = "Été comme hiver, la ville de Genève accueille les négociations.";

fn build(root: &Path) -> Corpus {
    let input = root.join("in");
    let p = |name: &str| input.join(name);
    let mut errors = Vec::new();
    let mut articles = Vec::new();
    let mut err = |name: &str, index: Option<u64>, kind: &'static str, words: &'static str| {
        errors.push((name.to_string(), index, kind, words));
    };

    write(&p("00_good.txt"), GOOD.as_bytes());
    articles.push(GOOD.to_string());
    write(&p("01_empty.txt"), b"");
    err("01_empty.txt", None, "empty", "empty input");
    write(&p("02_image.png"), &png());
    err("02_image.png", None, "binary", "binary data");
    write(&p("03_program"), &elf());
    err("03_program", None, "binary", "binary data");
    write(&p("04_nul.txt"), &[0u8; 8192]);
    err("04_nul.txt", None, "binary", "binary data");

    // Documented repair: UTF-16 without a BOM is recognised and decoded.
    let utf16: Vec<u8> = UTF16.encode_utf16().flat_map(u16::to_le_bytes).collect();
    write(&p("05_utf16_no_bom.txt"), &utf16);
    articles.push(UTF16.to_string());

    // Documented repair: a truncated UTF-8 sequence becomes U+FFFD, the rest is kept.
    let mut truncated = "Le café de la gare ferme à Genè".as_bytes().to_vec();
    truncated.push(0xC3);
    write(&p("06_truncated_utf8.txt"), &truncated);
    articles.push("Le café de la gare ferme à Genè\u{FFFD}".to_string());

    // 50 MB on one line: above the cap, refused while reading.
    let line = "Une phrase qui se répète sans jamais finir la ligne. ".repeat(50_000_000 / 54 + 1);
    write(&p("07_one_line_50mb.txt"), line.as_bytes());
    err(
        "07_one_line_50mb.txt",
        None,
        "too_large",
        "larger than the limit",
    );

    // 8 GiB sparse file: refused by size, never read.
    let sparse = std::fs::File::create(p("08_sparse.txt")).unwrap();
    sparse.set_len(8 << 30).unwrap();
    err("08_sparse.txt", None, "too_large", "larger than the limit");

    // 200 nested folders: walked without recursion, the document at the bottom is exported.
    let mut deep = p("09_deep");
    for _ in 0..200 {
        deep.push("d");
    }
    write(
        &deep.join("bottom.txt"),
        "Tout au fond, un article.".as_bytes(),
    );
    articles.push("Tout au fond, un article.".to_string());

    // A symbolic link loop: links are not followed without --follow-links (documented), so it
    // gives neither a row nor a second visit.
    std::os::unix::fs::symlink(".", p("10_loop")).unwrap();

    // chmod 000: unreadable, except for root, who reads it anyway.
    let locked = p("11_unreadable.txt");
    write(&locked, "Un article verrouillé.".as_bytes());
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        eprintln!(
            "note: running as root, chmod 000 does not stop reading; 11_unreadable.txt is \
             exported and /proc/self/mem (a file whose read fails) stands in for it"
        );
        articles.push("Un article verrouillé.".to_string());
    } else {
        err("11_unreadable.txt", None, "io", "Permission denied");
    }

    // JSON Lines with broken lines in the middle: each broken line is one row, the others go on.
    write(
        &p("12_broken.jsonl"),
        concat!(
            "{\"id\": \"a\", \"text\": \"Première ligne valide.\"}\n",
            "{\"id\": \"b\", \"text\": \"coupée en plein\n",
            "{\"id\": \"c\", \"text\": \"Troisième ligne valide.\"}\n",
            "ceci n'est pas du JSON\n",
            "{\"id\": \"e\"}\n",
            "[1, 2]\n",
            "{\"id\": \"g\", \"text\": \"Septième ligne valide.\"}\n",
        )
        .as_bytes(),
    );
    articles.push("Première ligne valide.".to_string());
    err("12_broken.jsonl", Some(1), "json", "invalid JSON");
    articles.push("Troisième ligne valide.".to_string());
    err("12_broken.jsonl", Some(3), "json", "invalid JSON");
    err("12_broken.jsonl", Some(4), "missing_field", "no text field");
    err("12_broken.jsonl", Some(5), "json", "not a JSON object");
    articles.push("Septième ligne valide.".to_string());

    // CSV with ragged rows: each ragged row is one row of errors, the others go on.
    write(
        &p("13_ragged.csv"),
        concat!(
            "id,text\n",
            "1,Première ligne du tableau.\n",
            "2,Deuxième ligne,avec un champ de trop\n",
            "3\n",
            "4,Quatrième ligne du tableau.\n",
        )
        .as_bytes(),
    );
    articles.push("Première ligne du tableau.".to_string());
    err("13_ragged.csv", Some(1), "csv", "fields");
    err("13_ragged.csv", Some(2), "csv", "fields");
    articles.push("Quatrième ligne du tableau.".to_string());

    // A truncated gzip file.
    let gz = gzip(
        "Un article compressé puis coupé en deux. "
            .repeat(200)
            .as_bytes(),
    );
    write(&p("14_truncated.txt.gz"), &gz[..gz.len() / 2]);
    err("14_truncated.txt.gz", None, "decompress", "truncated");

    // A FIFO met in a walk would block the reader for ever: it is refused without opening it.
    let fifo = p("15_fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        err("15_fifo", None, "io", "not a regular file");
    } else {
        eprintln!("note: mkfifo is not available, no FIFO in the bad-input corpus");
    }

    write(&p("16_last.txt"), "Le dernier article du lot.".as_bytes());
    articles.push("Le dernier article du lot.".to_string());

    // A file whose read fails even for root: /proc/self/mem at offset 0 gives EIO.
    let mut extra = Vec::new();
    if Path::new("/proc/self/mem").exists() {
        extra.push("/proc/self/mem".to_string());
        err("/proc/self/mem", None, "io", "error");
    }
    Corpus {
        input,
        extra,
        errors,
        articles,
    }
}

fn strings(t: &toolkit_export::TableData, column: &str) -> Vec<String> {
    t.column(column)
        .unwrap()
        .into_iter()
        .map(|c| s(c).unwrap_or("").to_string())
        .collect()
}

#[test]
fn every_bad_input_is_one_error_row_and_the_rest_is_exported() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = build(dir.path());
    let out = dir.path().join("tables");
    let mut args = vec!["export", corpus.input.to_str().unwrap()];
    args.extend(corpus.extra.iter().map(String::as_str));
    let cap = CAP.to_string();
    args.extend(["-o", out.to_str().unwrap(), "--max-doc-bytes", &cap]);
    let t = Instant::now();
    let run = toolkit(&args, b"");
    let took = t.elapsed();
    assert_exit(&run, 1);
    // The 8 GiB sparse file is refused by its size, not read: the whole run stays short.
    assert!(took < Duration::from_secs(120), "export took {took:?}");

    let errors = table(&out, "errors");
    let paths = strings(&errors, "source_path");
    let kinds = strings(&errors, "kind");
    let messages = strings(&errors, "message");
    let indexes: Vec<Option<u64>> = errors
        .column("source_index")
        .unwrap()
        .into_iter()
        .map(|c| match c {
            toolkit_export::Cell::Null => None,
            toolkit_export::Cell::UInt(n) => Some(*n),
            other => panic!("source_index: {other:?}"),
        })
        .collect();
    let got: Vec<String> = (0..paths.len())
        .map(|i| {
            format!(
                "{} {:?} {} | {}",
                paths[i], indexes[i], kinds[i], messages[i]
            )
        })
        .collect();
    assert_eq!(
        paths.len(),
        corpus.errors.len(),
        "errors rows:\n{}",
        got.join("\n")
    );
    for (i, (suffix, index, kind, words)) in corpus.errors.iter().enumerate() {
        assert!(
            paths[i].ends_with(suffix.as_str()) && indexes[i] == *index && kinds[i] == *kind,
            "row {i}: expected {suffix} {index:?} {kind}, rows:\n{}",
            got.join("\n")
        );
        assert!(
            messages[i].contains(paths[i].as_str()) && messages[i].contains(words),
            "row {i}: message should name the input and say {words:?}: {}",
            messages[i]
        );
    }

    let articles = table(&out, "articles");
    let texts = strings(&articles, "text");
    assert_eq!(
        texts.len(),
        corpus.articles.len(),
        "articles: {:#?}",
        texts
            .iter()
            .map(|t| &t[..t.len().min(60)])
            .collect::<Vec<_>>()
    );
    for (got, want) in texts.iter().zip(&corpus.articles) {
        assert!(
            got.starts_with(want.as_str()),
            "{got:?} should start with {want:?}"
        );
    }
    let sources = strings(&articles, "source_path");
    let deep = sources.iter().find(|p| p.ends_with("bottom.txt")).unwrap();
    assert_eq!(deep.split('/').filter(|c| *c == "d").count(), 200, "{deep}");
    assert!(
        !sources.iter().any(|p| p.contains("10_loop")),
        "the link loop was followed"
    );
    let encodings = strings(&articles, "encoding");
    let utf16 = texts.iter().position(|t| t == UTF16).unwrap();
    assert_eq!(encodings[utf16], "UTF-16LE");
}

#[test]
fn link_loops_end_when_links_are_followed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    write(
        &input.join("a.txt"),
        "Un seul article dans la boucle.".as_bytes(),
    );
    std::os::unix::fs::symlink(".", input.join("loop")).unwrap();
    std::os::unix::fs::symlink("self", input.join("self")).unwrap();
    let out = dir.path().join("tables");
    let run = toolkit(
        &[
            "export",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--follow-links",
        ],
        b"",
    );
    // The self-referencing link cannot be resolved: one row; each folder is walked once.
    assert_exit(&run, 1);
    let errors = table(&out, "errors");
    let kinds = strings(&errors, "kind");
    let messages = strings(&errors, "message");
    assert_eq!(kinds, ["io"], "{messages:?}");
    assert!(
        messages[0].contains("self") && messages[0].contains("symbolic links"),
        "{messages:?}"
    );
    let sources = strings(&table(&out, "articles"), "source_path");
    assert_eq!(sources.len(), 1, "{sources:?}");
    assert!(sources[0].ends_with("in/a.txt"), "{sources:?}");
}
