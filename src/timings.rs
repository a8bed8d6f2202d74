//! Wall-clock time of each step of a run, in order (`tebiki build --timings`).

use std::time::{Duration, Instant};

pub(crate) struct Timer {
    last: Instant,
    pub(crate) steps: Vec<(&'static str, Duration)>,
}

impl Timer {
    pub(crate) fn start() -> Self {
        Timer {
            last: Instant::now(),
            steps: Vec::new(),
        }
    }

    pub(crate) fn step(&mut self, name: &'static str) {
        let now = Instant::now();
        self.steps.push((name, now - self.last));
        self.last = now;
    }

    pub(crate) fn total(&self) -> Duration {
        self.steps.iter().map(|(_, d)| *d).sum()
    }
}
