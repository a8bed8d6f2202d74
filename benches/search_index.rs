//! What making the search index costs, apart from the rest of a build: the pages of a
//! built site read back as search records (their whole HTML taken as the body), then
//! the index made from them several times in this process. Prints the best and the
//! median time of reading the bodies and of making the index. A closer look than a
//! whole build's figures, which the index is a fifth of: for comparing two versions of
//! src/search/ on one machine, not a figure for docs/performance.md.
//!
//! cargo run --release --example search_index -- /dev/shm/OUT/of/synth10k [rounds]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tebiki::search::{self, Part, Record, Role};

// The allocator of the command line (src/main.rs), so the figures are a build's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn pages(site: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kind in ["surveys", "laws", "roadmap", "pages"] {
        let Ok(dir) = std::fs::read_dir(site.join(kind)) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = dir.flatten().map(|e| e.path()).collect();
        dirs.sort();
        for d in dirs {
            if let Ok(html) = std::fs::read_to_string(d.join("index.html")) {
                let url = format!(
                    "{kind}/{}/",
                    d.file_name().unwrap_or_default().to_string_lossy()
                );
                out.push((url, html));
            }
        }
    }
    out
}

fn records(pages: &[(String, String)]) -> Vec<Record> {
    use rayon::prelude::*;
    pages
        .par_iter()
        .map(|(url, html)| {
            let title = html
                .split_once("<title>")
                .and_then(|(_, t)| t.split_once("</title>"))
                .map_or("", |(t, _)| t);
            let mut parts = vec![Part {
                text: String::new(),
                role: Role::Text,
                anchor: None,
            }];
            parts.extend(search::html_text::body_parts(html));
            Record {
                url: url.clone(),
                title: title.to_string(),
                kind: ("pages".into(), "解説".into()),
                category: None,
                parts,
            }
        })
        .collect()
}

/// CPU seconds of this process so far, every thread (Linux; 0 elsewhere).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command's name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime, fields 14 and 15 of the file, in clock ticks of 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

fn report(what: &str, mut times: Vec<(Duration, f64)>) {
    times.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (wall, cpu) = times[times.len() / 2];
    println!(
        "{what}: CPU best {:.2} s, median {:.2} s (wall {:.3} s)",
        times[0].1,
        cpu,
        wall.as_secs_f64()
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(site) = args.next().map(PathBuf::from) else {
        eprintln!("usage: search_index BUILT_SITE [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let pages = pages(&site);
    if pages.is_empty() {
        eprintln!("no pages under {}: is it a built site?", site.display());
        std::process::exit(1);
    }
    let (mut read, mut index) = (Vec::new(), Vec::new());
    let mut files = 0;
    for _ in 0..rounds {
        let (start, cpu0) = (Instant::now(), cpu());
        let records = records(&pages);
        read.push((start.elapsed(), cpu() - cpu0));
        let (start, cpu0) = (Instant::now(), cpu());
        files = search::build(&records).len();
        index.push((start.elapsed(), cpu() - cpu0));
    }
    println!("{} pages, {files} index files", pages.len());
    report("reading bodies", read);
    report("making the index", index);
}
