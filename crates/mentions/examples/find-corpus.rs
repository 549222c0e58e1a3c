//! Runs `Recognizer::find` over a corpus, for profiling and for checking that two versions of the
//! crate give the same mentions.
//!
//! ```text
//! find-corpus [--dump] [--mode all|rules|gazetteer] [--passes N] [--spans SPANS] [FILE]
//! ```
//! FILE holds documents separated by the byte 0x1E (record separator); without it, the five seed
//! articles of `data/samples` repeated to 1 MB (the input of the criterion bench). Sentences: the
//! byte spans of SPANS, one line per document (`start end start end ...`, as written by
//! `split-corpus --spans` in toolkit-sentences); without it, split after `.`/`!`/`?` + whitespace
//! and at line breaks. `--dump` prints every mention as TSV
//! (`doc start end sentence type method entity_id canonical confidence`); otherwise one summary line
//! with a digest of the mentions (FNV-1a over every field, the confidence's bits: equal digests,
//! equal output) and the throughput in CPU time of the thread (`--passes 100` for a stable figure).
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
    let mut spans_file = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dump" => dump = true,
            "--mode" => mode = args.next().ok_or("--mode needs a value")?,
            "--passes" => passes = args.next().ok_or("--passes needs a value")?.parse()?,
            "--spans" => spans_file = Some(args.next().ok_or("--spans needs a file")?),
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
    let mut docs: Vec<(&str, Vec<(usize, usize)>)> =
        corpus.split('\u{1e}').map(|d| (d, Vec::new())).collect();
    match &spans_file {
        Some(file) => {
            let spans = std::fs::read_to_string(file)?;
            let lines: Vec<&str> = spans.lines().collect();
            if lines.len() != docs.len() {
                return Err(
                    format!("{file}: {} lines for {} documents", lines.len(), docs.len()).into(),
                );
            }
            for ((_, s), line) in docs.iter_mut().zip(lines) {
                let offsets: Vec<usize> = line
                    .split_ascii_whitespace()
                    .map(str::parse)
                    .collect::<Result<_, _>>()?;
                *s = offsets.chunks_exact(2).map(|p| (p[0], p[1])).collect();
            }
        }
        None => docs.iter_mut().for_each(|(d, s)| *s = sentences(d)),
    }
    let (rules, coref) = match mode.as_str() {
        "all" => (true, true),
        "rules" => (true, false),
        "gazetteer" => (false, false),
        _ => return Err("--mode: all, rules or gazetteer".into()),
    };
    let rec = RecognizerBuilder::new().rules(rules).coref(coref).build()?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut count = 0usize;
    let mut digest = Fnv::default();
    let cpu0 = thread_cpu_seconds();
    for _ in 0..passes {
        for (n, (doc, spans)) in docs.iter().enumerate() {
            let mentions = rec.find(doc, spans);
            count += mentions.len();
            for m in &mentions {
                for x in [n, m.start, m.end, m.sentence_index] {
                    digest.add(&(x as u64).to_le_bytes());
                }
                for s in [&m.entity_id, &m.canonical] {
                    digest.add(s.as_bytes());
                    digest.add(&[0xFF]);
                }
                digest.add(m.entity_type.as_str().as_bytes());
                digest.add(m.method.as_str().as_bytes());
                digest.add(&m.confidence.to_bits().to_le_bytes());
            }
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
            "{} documents, {} bytes, {count} mentions, digest {:016x}; {passes} passes: {rate} MB/s per core (CPU time of find)",
            docs.len(),
            corpus.len(),
            digest.0
        )?;
    }
    out.flush()?;
    Ok(())
}

/// FNV-1a.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
