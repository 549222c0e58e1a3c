//! `toolkit`: the command-line front end. It maps flags to library settings, draws progress on
//! stderr and turns results into exit codes (0 ok, 1 some inputs failed, 2 usage or fatal error).

mod args;
mod commands;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::commands::Status;

/// mimalloc instead of glibc's malloc: every document makes many small strings on several threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Export(a) => commands::export::run(a),
        Command::Clean(a) => commands::clean::run(a),
        Command::Fix(a) => commands::fix::run(a),
        Command::Sentences(a) => commands::stage::run(commands::stage::Stage::Sentences, a),
        Command::Mentions(a) => commands::stage::run(commands::stage::Stage::Mentions, a),
    };
    match result {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::SomeErrors) => ExitCode::from(1),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "toolkit: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A closed stdout (`toolkit fix | head`) is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
