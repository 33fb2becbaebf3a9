//! How far a run has got, for a progress display on another thread.

use std::sync::atomic::{AtomicU64, Ordering};

/// The bytes and lines a run has taken so far, counted as each chunk's results are taken back
/// in input order. Share it with [`RunConfig::progress`](crate::RunConfig::progress) and read it
/// from any thread.
#[derive(Debug, Default)]
pub struct Progress {
    bytes: AtomicU64,
    lines: AtomicU64,
}

impl Progress {
    /// The bytes of log lines taken so far (after decompression).
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The lines taken so far, blank ones excluded.
    pub fn lines(&self) -> u64 {
        self.lines.load(Ordering::Relaxed)
    }

    /// Counts `bytes` and `lines` more.
    pub(crate) fn advance(&self, bytes: u64, lines: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.lines.fetch_add(lines, Ordering::Relaxed);
    }
}
