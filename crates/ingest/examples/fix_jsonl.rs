//! The `fix --jsonl` contract: `{"id","text"}` per line in, `{"id","text"}` out with the text decoded
//! and repaired; a line that is not such an object gives `{"id":null,"error":"..."}`.
//!
//! ```text
//! echo '{"id":1,"text":"lâ€™Ã©tÃ©"}' | cargo run -p toolkit-ingest --example fix_jsonl
//! ```

use std::io::{BufRead, Write};

use toolkit_ingest::IngesterBuilder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let ingester = IngesterBuilder::new().build();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(serde_json::Value::Object(mut obj)) => {
                let text = obj
                    .remove("text")
                    .and_then(|t| t.as_str().map(str::to_owned));
                let id = obj.remove("id").unwrap_or(serde_json::Value::Null);
                match text {
                    Some(t) => serde_json::json!({"id": id, "text": ingester.fix(&t).text}),
                    None => serde_json::json!({"id": id, "error": "no text field"}),
                }
            }
            _ => serde_json::json!({"id": null, "error": "not a JSON object"}),
        };
        serde_json::to_writer(&mut out, &reply)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
