//! Runs `Recognizer::find` over a corpus, for profiling and for checking that two versions of the
//! crate give the same mentions.
//!
//! ```text
//! find-corpus [--dump] [--mode all|rules|gazetteer] [--passes N] [FILE]
//! ```
//! FILE holds documents separated by the byte 0x1E (record separator); without it, the five seed
//! articles of `data/samples` repeated to 1 MB (the input of the criterion bench). Sentences: split
//! after `.`/`!`/`?` + whitespace and at line breaks. `--dump` prints every mention as TSV
//! (`doc start end sentence type method entity_id canonical confidence`); otherwise one summary line
//! with the throughput in CPU time of the thread (`--passes 100` for a stable figure).
//! Instruction counts of the `find` calls alone (the automaton build excluded):
//! `valgrind --tool=callgrind --toggle-collect='*Recognizer*find_in*' target/release/examples/find-corpus`
//! (`find_in`: `find` minus the lookup of its per-thread buffers).

use std::io::{self, BufWriter, Write};

use toolkit_mentions::RecognizerBuilder;

const SAMPLES: &[&str] = &[
    include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

fn sentences(text: &str) -> Vec<(usize, usize)> {
    let (b, mut out, mut start) = (text.as_bytes(), Vec::new(), 0);
    for i in 0..b.len() {
        let end_here = b[i] == b'\n'
            || (matches!(b[i], b'.' | b'!' | b'?')
                && b.get(i + 1).is_some_and(u8::is_ascii_whitespace));
        if end_here {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    out.push((start, b.len()));
    out
}

/// CPU time of the current thread in seconds (Linux; `None` elsewhere), so that a busy shared
/// machine does not skew the figure the way wall time does.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut dump, mut mode, mut passes, mut path) = (false, "all".to_string(), 1usize, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dump" => dump = true,
            "--mode" => mode = args.next().ok_or("--mode needs a value")?,
            "--passes" => passes = args.next().ok_or("--passes needs a value")?.parse()?,
            _ => path = Some(a),
        }
    }
    let corpus = match &path {
        Some(p) => std::fs::read_to_string(p)?,
        None => {
            let mut t = String::new();
            while t.len() < 1 << 20 {
                SAMPLES.iter().for_each(|s| t.extend([s, "\n"]));
            }
            t
        }
    };
    let docs: Vec<(&str, Vec<(usize, usize)>)> =
        corpus.split('\u{1e}').map(|d| (d, sentences(d))).collect();
    let (rules, coref) = match mode.as_str() {
        "all" => (true, true),
        "rules" => (true, false),
        "gazetteer" => (false, false),
        _ => return Err("--mode: all, rules or gazetteer".into()),
    };
    let rec = RecognizerBuilder::new().rules(rules).coref(coref).build()?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut count = 0usize;
    let cpu0 = thread_cpu_seconds();
    for _ in 0..passes {
        for (n, (doc, spans)) in docs.iter().enumerate() {
            let mentions = rec.find(doc, spans);
            count += mentions.len();
            if dump {
                for m in &mentions {
                    writeln!(
                        out,
                        "{n}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        m.start,
                        m.end,
                        m.sentence_index,
                        m.entity_type,
                        m.method,
                        m.entity_id,
                        m.canonical,
                        m.confidence
                    )?;
                }
            }
        }
    }
    let cpu = thread_cpu_seconds().zip(cpu0).map(|(b, a)| b - a);
    if !dump {
        let mb = (passes * corpus.len()) as f64 / 1e6;
        let rate = cpu
            .filter(|&c| c > 0.0)
            .map_or("n/a".to_string(), |c| format!("{:.1}", mb / c));
        writeln!(
            out,
            "{} documents, {} bytes, {count} mentions; {passes} passes: {rate} MB/s per core (CPU time of find)",
            docs.len(),
            corpus.len()
        )?;
    }
    out.flush()?;
    Ok(())
}
