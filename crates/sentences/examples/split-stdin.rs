//! Reads text on stdin and writes one sentence a line, as TSV:
//! paragraph, code point start, code point end, token count, text (line breaks shown as spaces).
//!
//! ```sh
//! echo "M. Dupont est arrivé. Il a parlé." | cargo run -p toolkit-sentences --example split-stdin
//! ```

use std::io::{self, Read, Write};

use toolkit_sentences::{count_tokens, CharOffsets, Segmenter};

fn main() -> io::Result<()> {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text)?;

    let segmenter = Segmenter::french();
    let sentences = segmenter.split(&text);
    let mut chars = CharOffsets::new(&text);

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for sentence in &sentences {
        let (start, end) = chars.span(sentence);
        let body = sentence.text(&text);
        let one_line = body.replace(['\n', '\r', '\t'], " ");
        let tokens = count_tokens(body);
        writeln!(
            out,
            "{}\t{start}\t{end}\t{tokens}\t{one_line}",
            sentence.paragraph
        )?;
    }
    out.flush()
}
