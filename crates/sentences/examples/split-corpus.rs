//! Runs what the pipeline runs per document — `split_into`, then `CharOffsets::span` and
//! `count_tokens` per sentence — over a corpus, for profiling and for checking that two versions of
//! the crate give the same output.
//!
//! ```text
//! split-corpus [--dump] [--split-only] [--passes N] [--spans OUT] [FILE]
//! ```
//! FILE holds documents separated by the byte 0x1E (record separator); without it, the five seed
//! articles of `data/samples` repeated to 1 MB (the input of the criterion bench). `--dump` prints
//! `doc paragraph char_start char_end n_tokens` for every sentence; otherwise one summary line with
//! a digest of the output (FNV-1a over every sentence's byte span, paragraph, code point span and
//! token count: equal digests, equal output) and the throughput in CPU time of the thread
//! (`--passes 200` for a stable figure). `--spans OUT` writes the byte spans of the sentences, one
//! line per document (`start end start end ...`), the input of `find-corpus --spans` in
//! toolkit-mentions.
//! Instruction counts: `valgrind --tool=callgrind target/release/examples/split-corpus`.

use std::io::{self, BufWriter, Write};

use toolkit_sentences::{count_tokens, CharOffsets, Segmenter};

const SAMPLES: [&str; 5] = [
    include_str!("../../../data/samples/000_d0e8c89997e5e85e.txt"),
    include_str!("../../../data/samples/001_154df6cb84ede802.txt"),
    include_str!("../../../data/samples/002_b87862fe20c5abbc.txt"),
    include_str!("../../../data/samples/003_b0e54c88b9dbd3ce.txt"),
    include_str!("../../../data/samples/004_d14b38b1f95176d0.txt"),
];

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
    let (mut dump, mut split_only, mut passes, mut path) = (false, false, 1usize, None);
    let mut spans_out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--dump" => dump = true,
            "--split-only" => split_only = true,
            "--passes" => passes = args.next().ok_or("--passes needs a value")?.parse()?,
            "--spans" => spans_out = Some(args.next().ok_or("--spans needs a file")?),
            _ => path = Some(a),
        }
    }
    let corpus = match &path {
        Some(p) => std::fs::read_to_string(p)?,
        None => {
            // The same text as the criterion bench.
            let one: String = SAMPLES.join("\n\n");
            let mut t = String::new();
            while t.len() < 1 << 20 {
                t.push_str(&one);
                t.push_str("\n\n");
            }
            t
        }
    };
    let docs: Vec<&str> = corpus.split('\u{1e}').collect();
    let seg = Segmenter::french();
    let mut sentences = Vec::new();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut n_sentences = 0usize;
    let mut digest = Fnv::default();
    let cpu0 = thread_cpu_seconds();
    for _ in 0..passes {
        for (n, doc) in docs.iter().enumerate() {
            seg.split_into(doc, &mut sentences);
            n_sentences += sentences.len();
            if split_only {
                continue;
            }
            let mut chars = CharOffsets::new(doc);
            for s in &sentences {
                let (start, end) = chars.span(s);
                let tokens = count_tokens(s.text(doc));
                for x in [n, s.start, s.end, s.paragraph, start, end, tokens] {
                    digest.add(x as u64);
                }
                if dump {
                    writeln!(out, "{n}\t{}\t{start}\t{end}\t{tokens}", s.paragraph)?;
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
            "{} documents, {} bytes, {n_sentences} sentences, digest {:016x}; {passes} passes: {rate} MB/s per core (CPU time)",
            docs.len(),
            corpus.len(),
            digest.0
        )?;
    }
    out.flush()?;
    if let Some(file) = spans_out {
        let mut w = BufWriter::new(std::fs::File::create(file)?);
        for doc in &docs {
            seg.split_into(doc, &mut sentences);
            let line: Vec<String> = sentences
                .iter()
                .map(|s| format!("{} {}", s.start, s.end))
                .collect();
            writeln!(w, "{}", line.join(" "))?;
        }
        w.flush()?;
    }
    Ok(())
}

/// FNV-1a over the bytes of the numbers added.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn add(&mut self, x: u64) {
        for b in x.to_le_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
