//! `tebiki serve` on a system with no inotify instance left for it: it says so, polls
//! instead, and still sees an edit. A test binary of its own, because the limit is the
//! user's: while it runs, any other watcher of the same user would have to poll too
//! (test binaries run one after another).

mod common;
#[path = "common/serve.rs"]
mod serve_process;

use common::Site;
use notify::Watcher;
use serve_process::Serve;
use std::time::{Duration, Instant};

/// More instances than this allowed: taking them all would cost a thread each.
const MOST_INSTANCES_TAKEN: usize = 1024;

#[cfg(target_os = "linux")]
#[test]
fn out_of_inotify_instances_serve_polls_and_says_so() {
    let limit: usize = std::fs::read_to_string("/proc/sys/fs/inotify/max_user_instances")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(usize::MAX);
    if limit > MOST_INSTANCES_TAKEN {
        eprintln!("skipped: fs.inotify.max_user_instances is {limit}");
        return;
    }
    let site = Site::copy_of("basic");
    // Every inotify instance this user may still open, held until the end.
    let mut taken = Vec::new();
    while let Ok(w) = notify::INotifyWatcher::new(
        |_: notify::Result<notify::Event>| {},
        notify::Config::default(),
    ) {
        taken.push(w);
        assert!(taken.len() <= limit, "the limit of {limit} did not hold");
    }
    let serve = Serve::start(site.root(), &[]);
    let said = serve.stdout();
    assert!(
        said.contains("ran out of inotify") && said.contains("polling every"),
        "{said}"
    );

    let law = site
        .read("laws/law-x.md")
        .replace("法律の目的。", "監視の代わりに見た目的。");
    site.write("laws/law-x.md", &law);
    let deadline = Instant::now() + Duration::from_secs(30);
    while !serve
        .get("/laws/law-x/")
        .text()
        .contains("監視の代わりに見た目的。")
    {
        assert!(Instant::now() < deadline, "polling did not see the edit");
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(taken);
}
