//! How long a [`tebiki::Session`] update takes (what `serve` waits for after an edit):
//! the first build, then rounds of a body edit and of a retitle of one page, each
//! followed by one update naming the edited file: its pages (after which serve sends
//! the reload), then the whole-site files. Prints the median and each round's
//! steps. It edits the site it is given: run it on a copy.
//!
//! cargo run --release --example session -- /dev/shm/COPY/of/synth10k [rounds]

use std::path::PathBuf;

// The allocator of the command line (src/main.rs), so the figures are serve's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: session SITE_ROOT [ROUNDS]   (the site is edited: use a copy)");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(7);
    let mut session = tebiki::Session::new(tebiki::Options::new(&root));
    let start = Instant::now();
    let first = session.update(&[]).unwrap_or_else(|e| {
        eprintln!("the site does not build: {e:?}");
        std::process::exit(1)
    });
    println!(
        "first build: {:.3} s, {} files",
        start.elapsed().as_secs_f64(),
        session.files().len()
    );
    print_steps(&first.timings);
    let content = root.join("content");
    let pages: Vec<PathBuf> = (1..=rounds)
        .map(|n| content.join(format!("laws/law-{:05}.md", n * 37)))
        .collect();
    for (what, edit) in [
        ("body edit", body_edit as fn(&str, usize) -> String),
        ("retitle", retitle),
    ] {
        let mut times = Vec::new();
        let mut whole = Vec::new();
        for (n, page) in pages.iter().enumerate() {
            let Ok(text) = std::fs::read_to_string(page) else {
                eprintln!("{} is missing: is this the synthetic site?", page.display());
                std::process::exit(1)
            };
            std::fs::write(page, edit(&text, n)).expect("the copy is writable");
            let start = Instant::now();
            let update = session
                .update_pages(std::slice::from_ref(page))
                .unwrap_or_else(|e| {
                    eprintln!("the update failed: {e:?}");
                    std::process::exit(1)
                });
            let took = start.elapsed();
            times.push(took);
            let finish = session.finish().unwrap_or_else(|e| {
                eprintln!("finishing the update failed: {e:?}");
                std::process::exit(1)
            });
            let all = start.elapsed();
            whole.push(all);
            println!(
                "{what} {}: pages {:.1} ms ({} files changed, {} pages rendered, {} reused), \
                 whole-site files {:.1} ms more ({} changed)",
                n + 1,
                ms(took),
                update.changed.len(),
                update.rendered,
                update.reused,
                ms(all - took),
                finish.changed.len()
            );
            print_steps(&update.timings);
        }
        times.sort();
        whole.sort();
        println!(
            "{what}: pages ready after a median {:.1} ms, everything after {:.1} ms, of {}",
            ms(times[times.len() / 2]),
            ms(whole[whole.len() / 2]),
            times.len()
        );
    }
}

fn body_edit(text: &str, n: usize) -> String {
    format!("{text}\n追記{n}。\n")
}

fn retitle(text: &str, n: usize) -> String {
    text.replacen("title: \"", &format!("title: \"改題{n} "), 1)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print_steps(steps: &[(&'static str, Duration)]) {
    let line: Vec<String> = steps
        .iter()
        .map(|(name, d)| format!("{name} {:.1}", ms(*d)))
        .collect();
    println!("    ms: {}", line.join(", "));
}
