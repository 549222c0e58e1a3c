//! OrangeSum evaluation of HTML ingestion: throughput, page metadata agreement, and one JSON line
//! per page (`id`, `title`, `text`, `normalized`) for `scripts/eval_html.py` to score against the
//! reference extraction. Run through `scripts/eval-html.sh`.
//!
//! `eval_html RAW_DIR PARSED.jsonl.zst NAIVE.jsonl.zst OUT.jsonl [LIMIT] [--whole-page]` (LIMIT 0 =
//! every page; `--whole-page` turns off the main-content selection).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use toolkit_ingest::{IngesterBuilder, Record};

fn jsonl(path: &str) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let mut z = zstd::stream::read::Decoder::new(std::fs::File::open(path)?)?;
    z.window_log_max(31)?;
    let mut out = Vec::new();
    for line in BufReader::new(z).lines() {
        out.push(serde_json::from_str(&line?)?);
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [raw, parsed, naive, out] = [0, 1, 2, 3].map(|i| a.get(i).cloned().unwrap_or_default());
    let limit: usize = a
        .get(4)
        .filter(|s| !s.starts_with("--"))
        .map_or(Ok(2000), |s| s.parse())?;
    let id = |v: &Value| v["id"].as_u64();
    let mut ids: Vec<u64> = jsonl(&parsed)?.iter().filter_map(id).collect();
    ids.sort_unstable();
    if limit > 0 && ids.len() > limit {
        let step = ids.len() as f64 / limit as f64; // spread over the corpus (2011–2020)
        ids = (0..limit)
            .map(|i| ids[(i as f64 * step) as usize])
            .collect();
    }
    let meta: HashMap<u64, Value> = jsonl(&naive)?
        .into_iter()
        .filter_map(|v| Some((id(&v)?, v)))
        .collect();
    let whole_page = a.iter().any(|s| s == "--whole-page");
    let ingester = IngesterBuilder::new()
        .language_hint(Some("fr"))
        .main_content(!whole_page)
        .build();
    let normalizer = toolkit_normalize::NormalizerBuilder::new().build()?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(&out)?);
    let (mut bytes, mut spent, mut norm_spent) = (0u64, Duration::ZERO, Duration::ZERO);
    let (mut pages, mut errors) = (0u32, 0u32);
    let mut agree = HashMap::<&str, (u32, u32)>::new();
    for i in &ids {
        let Ok(b) = std::fs::read(format!("{raw}/{i}.txt")) else {
            continue;
        };
        bytes += b.len() as u64;
        let t = Instant::now();
        let doc = ingester.ingest(Record::from_bytes(format!("{i}.txt"), b));
        spent += t.elapsed();
        pages += 1;
        let doc = match doc {
            Ok(d) => d,
            Err(e) => {
                errors += 1;
                eprintln!("{i}: {}", e.message());
                continue;
            }
        };
        let t = Instant::now();
        let clean = normalizer.clean(&doc.text, doc.site.as_deref());
        norm_spent += t.elapsed();
        let m = meta.get(i);
        let field = |k: &str| {
            m.and_then(|v| v[k].as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut count = |name, want: Option<&str>, got: Option<String>| {
            if let Some(want) = want {
                let e = agree.entry(name).or_default();
                e.0 += u32::from(got.as_deref() == Some(want));
                e.1 += 1;
            }
        };
        count("publisher", field("publisher_meta"), doc.publisher.clone());
        let day = field("date_modified_meta").and_then(|d| d.get(..10));
        count(
            "date_modified",
            day,
            doc.modified.as_ref().map(|p| p.to_iso()),
        );
        let line = json!({"id": i, "title": doc.title, "text": doc.text, "normalized": clean.text,
                          "publisher": doc.publisher, "modified": doc.modified.map(|p| p.to_iso()),
                          "published": doc.published.map(|p| p.to_iso()), "decided_by": doc.decided_by.as_str()});
        writeln!(w, "{line}")?;
    }
    w.flush()?;
    let mb = bytes as f64 / 1e6;
    println!("pages {pages}, errors {errors}, {mb:.1} MB of HTML");
    println!(
        "ingest (HTML -> Document), 1 thread: {:.1} MB/s ({:.0} pages/s)",
        mb / spent.as_secs_f64(),
        f64::from(pages) / spent.as_secs_f64()
    );
    println!(
        "normalize after ingest: {:.1} ms total",
        norm_spent.as_secs_f64() * 1e3
    );
    let mut names: Vec<_> = agree.into_iter().collect();
    names.sort();
    for (name, (ok, n)) in names {
        println!(
            "{name} equal to the page meta: {ok}/{n} = {:.4}",
            f64::from(ok) / f64::from(n.max(1))
        );
    }
    Ok(())
}
