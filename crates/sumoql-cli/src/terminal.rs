//! The terminal: whether colour is on (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`, decided in one
//! place by `anstream`), the progress line of long scans, and output that ends quietly when
//! the reader goes away (`sumoql run … | head`).

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anstream::{AutoStream, ColorChoice};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sumoql::{InputSource, Progress};

/// When output is coloured (`--color`).
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub(crate) enum ColorArg {
    /// On a terminal, unless `NO_COLOR` is set (or when `CLICOLOR_FORCE` is).
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Sets the colour choice for the whole process.
pub(crate) fn set_color(choice: ColorArg) {
    let choice = match choice {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether what goes to stdout is coloured.
pub(crate) fn stdout_colored() -> bool {
    AutoStream::choice(&io::stdout()) != ColorChoice::Never
}

/// Whether what goes to stderr is coloured.
pub(crate) fn stderr_colored() -> bool {
    AutoStream::choice(&io::stderr()) != ColorChoice::Never
}

/// Whether `error` says the reader of our output went away (a closed pipe): the output is
/// then done, not failed.
pub(crate) fn is_closed_pipe(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

/// Writes `text` to stdout; a closed pipe ends the output quietly.
pub(crate) fn print_out(text: &str) -> Result<(), crate::Exit> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if is_closed_pipe(&error) => Ok(()),
        Err(error) => {
            eprintln!("error: cannot write output: {error}");
            Err(crate::Exit(1))
        }
    }
}

/// How long a scan runs before its progress line shows.
const PROGRESS_DELAY: Duration = Duration::from_secs(1);

/// How often the progress line is drawn again.
const PROGRESS_TICK: Duration = Duration::from_millis(100);

/// The progress line of one scan on stderr: shown only on a terminal, only after the scan
/// has run for [`PROGRESS_DELAY`], and never with `-q`. It is cleared when dropped.
pub(crate) struct ProgressLine {
    progress: Option<Arc<Progress>>,
    done: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// The progress line of a scan over `sources` (a bar when their size is known, else a
    /// count of bytes); nothing when `quiet` or stderr is not a terminal.
    pub(crate) fn start(sources: &[InputSource], quiet: bool) -> ProgressLine {
        let done = Arc::new(AtomicBool::new(false));
        if quiet || !io::stderr().is_terminal() {
            return ProgressLine {
                progress: None,
                done,
                drawer: None,
            };
        }
        let progress = Arc::new(Progress::default());
        let total = plain_size(sources);
        let (shared, stop) = (progress.clone(), done.clone());
        let drawer = std::thread::spawn(move || draw(&shared, total, &stop));
        ProgressLine {
            progress: Some(progress),
            done,
            drawer: Some(drawer),
        }
    }

    /// The counter for the run's configuration (`RunConfig::progress`).
    pub(crate) fn counter(&self) -> Option<Arc<Progress>> {
        self.progress.clone()
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

/// The total size of `sources` when every one is an uncompressed file, whose size is then
/// the bytes the scan will read.
fn plain_size(sources: &[InputSource]) -> Option<u64> {
    sources.iter().try_fold(0u64, |total, source| {
        let plain = source.open_plain().ok().flatten()?;
        Some(total + plain.size())
    })
}

/// Draws the progress line until `done`. The bar follows the scan from its start, hidden,
/// so that its rate is the scan's; it shows once the scan has run for [`PROGRESS_DELAY`].
fn draw(progress: &Progress, total: Option<u64>, done: &AtomicBool) {
    let (bar, template) = match total {
        Some(total) => (
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden()),
            "{bar:20} {bytes}/{total_bytes} {binary_bytes_per_sec} {msg}",
        ),
        None => (
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()),
            "{bytes} {binary_bytes_per_sec} {msg}",
        ),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    let started = std::time::Instant::now();
    let mut shown = false;
    while !done.load(Ordering::Relaxed) {
        bar.set_position(progress.bytes());
        bar.set_message(format!("{} lines", progress.lines()));
        if !shown && started.elapsed() >= PROGRESS_DELAY {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        std::thread::sleep(PROGRESS_TICK);
    }
    bar.finish_and_clear();
}
