//! Stage 4, writing: everything goes into a fresh staging folder beside the output, which
//! replaces the output only once the whole site is written. A failed build leaves the
//! previous output as it was. Output paths that could destroy sources are refused.

use crate::diagnostics::Diagnostic;
use std::io;
use std::path::{Path, PathBuf};

/// Refuses an output folder that is, or contains, the content folder, the site root or
/// the home folder (deleting it would destroy work), or that is a filesystem root.
pub fn check_output_path(
    output: &Path,
    root: &Path,
    content: &Path,
) -> Result<PathBuf, Diagnostic> {
    let out = absolute(output);
    let refuse = |what: &str| {
        Diagnostic::error(
            "E040",
            output,
            format!(
                "refusing to write the site to {}: it {what}",
                output.display()
            ),
        )
        .with_hint("choose a folder of its own, e.g. `--output public`")
    };
    if out.parent().is_none() {
        return Err(refuse("is the root of the filesystem"));
    }
    let guarded = [
        (absolute(root), "is or contains the site's root folder"),
        (absolute(content), "is or contains the content folder"),
    ];
    for (dir, what) in guarded {
        if dir.starts_with(&out) {
            return Err(refuse(what));
        }
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        if absolute(Path::new(&home)).starts_with(&out) {
            return Err(refuse("is or contains your home folder"));
        }
    }
    if content_inside(&out, content) {
        return Err(refuse("lies inside the content folder"));
    }
    if out.exists() && !out.is_dir() {
        return Err(refuse("is a file, not a folder"));
    }
    Ok(out)
}

fn content_inside(out: &Path, content: &Path) -> bool {
    out.starts_with(absolute(content))
}

/// An absolute, lexically normalised path (without touching the filesystem for parts
/// that do not exist yet), with symlinks resolved where the path exists.
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().unwrap_or_default()
    };
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // The parent may exist and be a symlink: resolve what exists.
    match (
        out.parent().and_then(|p| p.canonicalize().ok()),
        out.file_name(),
    ) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => out,
    }
}

/// A staging folder that becomes the output on `commit`, and disappears otherwise.
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn create(target: &Path) -> io::Result<Staging> {
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// The output folder this staging folder will replace.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes a file at `rel` (a root-relative path with `/`); safe to call from many
    /// threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)
    }

    /// The page at `url` (`""`, `surveys/x/`) goes to `url/index.html`.
    pub fn write_page(&self, url: &str, html: &str) -> io::Result<()> {
        let rel = if url.is_empty() || url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url.to_string()
        };
        self.write(&rel, html.as_bytes())
    }

    pub fn copy(&self, from: &Path, rel: &str) -> io::Result<()> {
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from, path).map(|_| ())
    }

    /// Swaps the staging folder in: the old output is renamed aside first, then removed,
    /// so at no moment is there a half-written output.
    pub fn commit(mut self) -> io::Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
