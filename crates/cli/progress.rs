//! The progress bar on stderr (only when stderr is a terminal).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use toolkit_pipeline::{Progress, Stats};

/// Draws docs/s, MB/s and, when the input size is known, a bar with an ETA.
pub struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    /// A bar on stderr when it is a terminal and `quiet` is off; otherwise nothing is drawn.
    pub fn new(quiet: bool) -> Bar {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
        bar.enable_steady_tick(Duration::from_millis(250));
        Bar { bar: Some(bar) }
    }

    /// Removes the bar from the screen.
    pub fn clear(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn update(&self, stats: &Stats, total_bytes: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        let msg = format!(
            "{} docs, {} errors, {:.0} docs/s, {:.1} MB/s",
            stats.documents,
            stats.errors,
            stats.docs_per_sec(),
            stats.mb_per_sec()
        );
        match total_bytes {
            Some(total) if bar.length().is_none() => {
                bar.set_length(total);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} [{bar:30}] {percent:>3}% {msg} ETA {eta}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
            }
            None if bar.length().is_none() => {
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            }
            _ => {}
        }
        bar.set_position(stats.bytes);
        bar.set_message(msg);
    }
}
