//! Helpers shared by the integration tests: copying fixture sites into temporary
//! folders, building them, and reading what the build wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tebiki::diagnostics::Diagnostics;
use tebiki::{Options, Report};

/// A fixture site copied into a fresh temporary folder, so tests can change it.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn copy_of(fixture: &str) -> Site {
        let dir = tempfile::tempdir().expect("temporary folder");
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(fixture);
        copy_tree(&from, dir.path());
        Site { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn output(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root().join("content").join(rel)).unwrap()
    }

    pub fn options(&self) -> Options {
        let mut options = Options::new(self.root());
        options.output = self.output();
        options
    }

    pub fn build(&self) -> Result<Report, Diagnostics> {
        tebiki::build(&self.options())
    }

    pub fn check(&self) -> Result<Report, Diagnostics> {
        tebiki::check(&self.options())
    }

    pub fn page(&self, rel: &str) -> String {
        std::fs::read_to_string(self.output().join(rel))
            .unwrap_or_else(|e| panic!("{rel} was not written: {e}"))
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, keyed by relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The values of every `href="..."` and `src="..."` attribute in `html`.
pub fn link_targets(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let after = &rest[i + attr.len()..];
            let end = after.find('"').unwrap_or(after.len());
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Checks every internal link of every HTML file under `out`: relative, and pointing at
/// a file that exists (a folder link needs its index.html) and, for `#anchor`, at an id
/// on that page. Returns the problems found.
pub fn broken_internal_links(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for (rel, bytes) in read_tree(out) {
        if rel.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = String::from_utf8_lossy(&bytes);
        let page_dir = out.join(&rel).parent().unwrap().to_path_buf();
        for target in link_targets(&html) {
            let target = target.replace("&amp;", "&");
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with("mailto:")
                || target.starts_with("tel:")
            {
                continue;
            }
            if target.starts_with('/') || target.starts_with("//") {
                problems.push(format!("{}: absolute link {target}", rel.display()));
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(percent_decode(a))),
                None => (target.clone(), None),
            };
            let mut file = page_dir.join(percent_decode(&path));
            if path.is_empty() {
                file = out.join(&rel);
            } else if path.ends_with('/') || file.is_dir() {
                file = file.join("index.html");
            }
            if !file.is_file() {
                problems.push(format!("{}: {target} does not resolve", rel.display()));
                continue;
            }
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                if !text.contains(&format!("id=\"{anchor}\"")) {
                    problems.push(format!(
                        "{}: no id {anchor} in {}",
                        rel.display(),
                        file.display()
                    ));
                }
            }
        }
    }
    problems
}
