//! Watching the sources: `content/` and `themes/` (folders, recursively) and the site's
//! folder itself (so a `themes/` created later, or a replaced `content/`, is seen),
//! through notify. Hands on the paths that matter, event by event; editor temp files,
//! hidden files (never read by the build) and metadata-only events are dropped here.
//! Falls back to polling when the system's inotify watches run out, or when asked to.
//!
//! Events are not debounced here: the rebuild loop already waits for a quiet moment
//! before it rebuilds (`QUIET` in mod.rs), which batches an editor's save dance or a
//! `git checkout`. notify-debouncer-full, used until this was measured, woke every 10 ms
//! while nothing changed and added up to 10 ms to every reload.

use notify::event::{EventKind, MetadataKind, ModifyKind};
use notify::{Event, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How often polling looks at every file when inotify cannot be used.
const POLL_INTERVAL: Duration = Duration::from_millis(1000);

/// A running watcher; dropping it stops watching.
pub enum Watching {
    Native(RecommendedWatcher),
    Poll(PollWatcher),
}

/// What is watched, with the paths the build reads.
#[derive(Clone)]
pub struct Sources {
    pub root: PathBuf,
}

impl Sources {
    fn content(&self) -> PathBuf {
        self.root.join("content")
    }

    fn themes(&self) -> PathBuf {
        self.root.join("themes")
    }

    /// Whether a change of `path` can change the site.
    pub fn matters(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
        if !matches!(parts.next(), Some(top) if top == "content" || top == "themes") {
            return false;
        }
        let rest: Vec<_> = parts.collect();
        // The build never reads hidden files or folders (vim's `.x.swp`, emacs' `.#x`,
        // gedit's `.goutputstream-*`).
        if rest.iter().any(|p| p.starts_with('.')) {
            return false;
        }
        rest.last().is_none_or(|name| !is_editor_temp(name))
    }
}

/// Files editors write beside the one being saved and remove again.
fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        // vim checks it may write a folder by creating `4913` (or 4913 + 123·n).
        || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()))
        // emacs' autosave
        || (name.starts_with('#') && name.ends_with('#'))
        // JetBrains' safe write
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
}

/// Reads and attribute changes (permissions, owner, `touch`) change no content. A new
/// modification time does count: polling reports a write only as that.
fn relevant_kind(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(m)) => *m == MetadataKind::WriteTime,
        _ => true,
    }
}

/// Starts watching; every batch of changes that matters is sent as the changed paths.
/// `poll` forces polling. Returns the watcher and a line saying how it watches.
pub fn start(
    sources: &Sources,
    poll: bool,
    tx: Sender<Vec<PathBuf>>,
) -> Result<(Watching, String), String> {
    if !poll {
        match native(sources, tx.clone()) {
            Ok(w) => return Ok((Watching::Native(w), "watching for changes".into())),
            Err(e) if out_of_watches(&e) => {
                let w = polling(sources, tx).map_err(|e| e.to_string())?;
                return Ok((
                    Watching::Poll(w),
                    format!(
                        "the system ran out of inotify watches or instances ({e}); polling every \
                         {} ms instead (raise fs.inotify.max_user_watches or \
                         fs.inotify.max_user_instances to avoid this)",
                        POLL_INTERVAL.as_millis()
                    ),
                ));
            }
            Err(e) => return Err(format!("cannot watch {}: {e}", sources.root.display())),
        }
    }
    let w = polling(sources, tx).map_err(|e| e.to_string())?;
    Ok((
        Watching::Poll(w),
        format!("polling for changes every {} ms", POLL_INTERVAL.as_millis()),
    ))
}

fn out_of_watches(e: &notify::Error) -> bool {
    match &e.kind {
        notify::ErrorKind::MaxFilesWatch => true,
        // EMFILE from inotify_init: the per-user limit of inotify instances.
        notify::ErrorKind::Io(io) => io.raw_os_error() == Some(24),
        _ => false,
    }
}

/// The paths of one event that can change the site.
fn paths_that_matter(sources: &Sources, event: Event) -> Vec<PathBuf> {
    if event.need_rescan() {
        // The kernel dropped events: anything may have changed.
        return vec![sources.content()];
    }
    if !relevant_kind(&event.kind) {
        return Vec::new();
    }
    event
        .paths
        .into_iter()
        .filter(|p| sources.matters(p))
        .collect()
}

fn handler(
    sources: &Sources,
    tx: Sender<Vec<PathBuf>>,
) -> impl FnMut(notify::Result<Event>) + Send + 'static {
    let sources = sources.clone();
    move |result| match result {
        Ok(event) => {
            let paths = paths_that_matter(&sources, event);
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        }
        Err(e) => errln!("warning: watching: {e}"),
    }
}

fn native(sources: &Sources, tx: Sender<Vec<PathBuf>>) -> notify::Result<RecommendedWatcher> {
    let mut w = RecommendedWatcher::new(handler(sources, tx), notify::Config::default())?;
    watch_all(sources, |p, m| w.watch(p, m))?;
    Ok(w)
}

fn polling(sources: &Sources, tx: Sender<Vec<PathBuf>>) -> notify::Result<PollWatcher> {
    let mut w = PollWatcher::new(
        handler(sources, tx),
        // Modification times have whole seconds here: a save within the second of the
        // last scan is seen only by its contents.
        notify::Config::default()
            .with_poll_interval(POLL_INTERVAL)
            .with_compare_contents(true),
    )?;
    watch_all(sources, |p, m| w.watch(p, m))?;
    Ok(w)
}

fn watch_all(
    sources: &Sources,
    mut watch: impl FnMut(&Path, RecursiveMode) -> notify::Result<()>,
) -> notify::Result<()> {
    watch(&sources.root, RecursiveMode::NonRecursive)?;
    for dir in [sources.content(), sources.themes()] {
        if dir.is_dir() {
            watch(&dir, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

impl Watching {
    /// Starts watching a source folder that appeared after serve started.
    pub fn add(&mut self, sources: &Sources, changed: &[PathBuf]) {
        for dir in [sources.content(), sources.themes()] {
            if changed.contains(&dir) && dir.is_dir() {
                let r = match self {
                    Watching::Native(d) => d.watch(&dir, RecursiveMode::Recursive),
                    Watching::Poll(d) => d.watch(&dir, RecursiveMode::Recursive),
                };
                if let Err(e) = r {
                    errln!("warning: cannot watch {}: {e}", dir.display());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_hidden_and_outside_files_do_not_matter() {
        let s = Sources {
            root: PathBuf::from("/site"),
        };
        for p in [
            "/site/content/surveys/a.md",
            "/site/content/site.yaml",
            "/site/themes/x/templates/base.html",
            "/site/content",
            "/site/themes",
        ] {
            assert!(s.matters(Path::new(p)), "{p}");
        }
        for p in [
            "/site/content/surveys/a.md~",
            "/site/content/surveys/.a.md.swp",
            "/site/content/surveys/.a.md.swx",
            "/site/content/surveys/4913",
            "/site/content/surveys/.#a.md",
            "/site/content/surveys/#a.md#",
            "/site/content/surveys/a.md___jb_tmp___",
            "/site/content/.git/index",
            "/site/public/index.html",
            "/site/Cargo.toml",
            "/elsewhere/content/a.md",
        ] {
            assert!(!s.matters(Path::new(p)), "{p}");
        }
    }

    #[test]
    fn attribute_changes_do_not_count_a_new_write_time_does() {
        use notify::event::{AccessKind, DataChange};
        assert!(!relevant_kind(&EventKind::Access(AccessKind::Any)));
        assert!(!relevant_kind(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Permissions
        ))));
        assert!(!relevant_kind(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Any
        ))));
        assert!(relevant_kind(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::WriteTime
        ))));
        assert!(relevant_kind(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
    }
}
