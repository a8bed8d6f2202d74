//! Progress of a long build, for a person watching a terminal: how many pages of how many
//! are written, reported at most a few times a second. The library only counts; the
//! command line decides whether and how to show it (only when stderr is a terminal).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// Called with (pages done, pages in all).
pub type Report = fn(usize, usize);

/// Time between two reports: a few updates a second, so printing costs nothing.
const EVERY_MS: u64 = 250;

pub struct Progress {
    report: Report,
    total: usize,
    done: AtomicUsize,
    started: Instant,
    last_ms: AtomicU64,
}

impl Progress {
    /// Starts counting `total` pages and reports 0 of them at once, so even a short
    /// build shows what it is doing.
    pub fn start(report: Report, total: usize) -> Progress {
        report(0, total);
        Progress {
            report,
            total,
            done: AtomicUsize::new(0),
            started: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    /// One more page written; reports when the last report is old enough. Called from
    /// many threads: only the one that wins the time slot reports.
    pub fn tick(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_ms.load(Ordering::Relaxed);
        if now >= last + EVERY_MS
            && self
                .last_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            (self.report)(done.min(self.total), self.total);
        }
    }

    /// All pages written (or the build gave up): the last report.
    pub fn finish(&self) {
        (self.report)(self.total, self.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    static SEEN: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

    fn record(done: usize, total: usize) {
        SEEN.lock().unwrap().push((done, total));
    }

    #[test]
    fn reports_the_start_the_end_and_few_in_between() {
        let p = Progress::start(record, 100_000);
        for _ in 0..100_000 {
            p.tick();
        }
        p.finish();
        let seen = SEEN.lock().unwrap().clone();
        assert_eq!(seen.first(), Some(&(0, 100_000)));
        assert_eq!(seen.last(), Some(&(100_000, 100_000)));
        // 100,000 ticks in well under a second or so: a handful of reports, not 100,000.
        assert!(seen.len() < 2 + 100, "{} reports", seen.len());
    }
}
