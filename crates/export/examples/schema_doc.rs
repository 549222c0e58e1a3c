//! Prints `docs/schema.md`, the column-by-column documentation of the tables:
//! `cargo run --release -p toolkit-export --example schema_doc > docs/schema.md`
use std::io::Write;

fn main() -> std::io::Result<()> {
    std::io::stdout().write_all(toolkit_export::schema_markdown().as_bytes())
}
