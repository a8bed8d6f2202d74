//! Stage 5, writing: where rendered files go, behind one [`Sink`] trait: the staging
//! folder of a build ([`Staging`]), memory (`serve`, a public build until its privacy
//! guard has seen every file) or nowhere (`check`).
//!
//! The disk sink owns the output folder and everything beside it. [`guard`] decides
//! which folders may be replaced at all; a build then takes the output's lock ([`lock`]),
//! removes what interrupted builds left beside the output, writes the whole site into a
//! staging folder of a fresh name, and swaps it in ([`swap`]) only once it is complete.
//! A failed or interrupted build leaves the output as it was and nothing beside it.

pub mod guard;
mod lock;
mod sink;
mod swap;

use crate::diagnostics::Diagnostic;
use lock::{Lock, LockError};
use std::collections::{BTreeMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

pub use guard::{check as check_output_path, Target};
pub use sink::{io_error, write_all, Memory, Null, Sink};

/// The file every output holds, so that a later build knows it may replace the folder.
pub const MARKER: &str = ".tebiki-output";
const MARKER_TEXT: &str = "This folder was written by tebiki. The next build replaces it as a whole:\nkeep no other files here.\n";

/// What a signal must remove if it ends the process while builds are under way, by
/// build. The swap holds this lock, so a signal never lands between its steps.
static PENDING: Mutex<BTreeMap<u64, Pending>> = Mutex::new(BTreeMap::new());
/// Set once a signal ends the process: writers stop creating files in staging folders
/// that are being removed.
static CANCELLED: AtomicBool = AtomicBool::new(false);
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

#[derive(Default, Clone)]
struct Pending {
    target: PathBuf,
    /// The unfinished site before the swap; the old site after it.
    remove: Option<PathBuf>,
    lock: Option<PathBuf>,
    /// Folders created to hold the output, outermost first; removed unless published.
    created: Vec<PathBuf>,
    published: bool,
}

impl Pending {
    fn clean_up(&self) {
        if let Some(dir) = &self.remove {
            remove_while_written(dir);
        }
        if let Some(lock) = &self.lock {
            let _ = std::fs::remove_file(lock);
        }
        if !self.published {
            remove_created(&self.created);
        }
    }
}

/// A staging folder that becomes the output on `commit`. Until then the output's lock is
/// held; dropping it without a commit removes the folder, the lock file and any folder
/// created to hold the output.
pub struct Staging {
    id: u64,
    target: Target,
    dir: Option<PathBuf>,
    lock: Option<Lock>,
    created: Vec<PathBuf>,
    published: bool,
    /// Folders of the staging folder made so far: thousands of files go to one folder
    /// (the search index's), and making sure of it again cost two system calls a file.
    made: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    /// Creates the output's parent folders, takes the lock, removes leftovers of earlier
    /// builds (returned as warnings where that fails) and creates a fresh staging folder.
    pub fn create(target: &Target) -> Result<(Staging, Vec<Diagnostic>), Diagnostic> {
        let (parent, name) = parent_and_name(target)?;
        let mut staging = Staging {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            target: target.clone(),
            dir: None,
            lock: None,
            created: Vec::new(),
            published: false,
            made: Mutex::new(HashSet::new()),
        };
        let (id, given) = (staging.id, target.given.clone());
        let lock_path = parent.join(dotted(&name, "lock"));
        // A build that stops (locked out) removes the folders it created while they are
        // empty: one made by it may vanish before this build has put its lock file in.
        for attempt in 0.. {
            let created = create_parents(&parent, &mut |created| {
                register_created(id, &given, created)
            })
            .map_err(|e| io_diag(target, "cannot create the output's folder", e))?;
            staging.created.extend(created);
            match lock::try_acquire(&lock_path) {
                Ok(lock) => {
                    staging.lock = Some(lock);
                    break;
                }
                Err(LockError::Io(e)) if e.kind() == io::ErrorKind::NotFound && attempt < 8 => {}
                Err(LockError::Busy) => return Err(locked(target, &lock_path)),
                Err(LockError::Io(e)) => {
                    return Err(io_diag(target, "cannot lock the output", e));
                }
            }
        }
        staging.register();
        let warnings = remove_leftovers(&parent, &name, target);
        guard::check_replaceable(target)?;
        staging.dir = Some(
            create_fresh(&parent, &name, "staging")
                .map_err(|e| io_diag(target, "cannot create the staging folder", e))?,
        );
        staging.register();
        Ok((staging, warnings))
    }

    /// The output as the user named it, for messages.
    pub fn target(&self) -> &Path {
        &self.target.given
    }

    /// The staging folder; none once the swap has moved it into the output's place.
    fn dir(&self) -> io::Result<&Path> {
        self.dir
            .as_deref()
            .ok_or_else(|| io::Error::other("the staging folder is gone"))
    }

    /// Writes a file at `rel` (a root-relative path with `/`); safe to call from many
    /// threads.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.place(rel)?;
        self.retried(&path, || std::fs::write(&path, bytes))
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
        let path = self.place(rel)?;
        self.retried(&path, || std::fs::copy(from, &path).map(|_| ()))
    }

    /// Runs `put`, which makes the file at `path`; when its folder, made earlier, was
    /// removed since, makes the folder again and runs `put` once more.
    fn retried(&self, path: &Path, put: impl Fn() -> io::Result<()>) -> io::Result<()> {
        match put() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                self.make_parent(path, true)?;
                put()
            }
            done => done,
        }
    }

    /// The path of `rel` in the staging folder, its folders created.
    fn place(&self, rel: &str) -> io::Result<PathBuf> {
        if CANCELLED.load(Ordering::Relaxed) {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
        }
        let path = self.dir()?.join(rel);
        self.make_parent(&path, false)?;
        Ok(path)
    }

    /// Makes the folder `path` goes in, unless this staging folder made it already (or
    /// `again`).
    fn make_parent(&self, path: &Path, again: bool) -> io::Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        let made = || self.made.lock().unwrap_or_else(PoisonError::into_inner);
        if !again && made().contains(parent) {
            return Ok(());
        }
        std::fs::create_dir_all(parent)?;
        made().insert(parent.to_path_buf());
        Ok(())
    }

    /// Swaps the finished site in and deletes the old one. Deleting the old site cannot
    /// fail the build any more: what is left of it is named in a warning.
    pub fn commit(mut self) -> Result<Vec<Diagnostic>, Diagnostic> {
        let target = self.target.clone();
        let dir = self
            .dir()
            .map_err(|e| io_diag(&target, "cannot write the output", e))?
            .to_path_buf();
        std::fs::write(dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| io_diag(&target, "cannot write the output", e))?;
        let (parent, name) = parent_and_name(&target)?;
        let swapped = {
            let mut pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
            let aside = unused_name(&parent, &name, "old");
            let swapped = swap::swap_in(&dir, &target.path, &aside)
                .map_err(|e| io_diag(&target, "cannot swap the new site in", e))?;
            self.published = true;
            self.dir = match &swapped {
                swap::Swapped::Fresh => None,
                swap::Swapped::Old(old) => Some(old.clone()),
            };
            pending.insert(self.id, self.pending());
            swapped
        };
        let mut warnings = Vec::new();
        if let swap::Swapped::Old(old) = swapped {
            if let Err(e) = std::fs::remove_dir_all(&old) {
                warnings.push(left_behind(&target, &old, &e, "the previous output"));
            }
        }
        Ok(warnings)
    }

    fn pending(&self) -> Pending {
        Pending {
            target: self.target.given.clone(),
            remove: self.dir.clone(),
            lock: self.lock.as_ref().map(|l| l.path().to_path_buf()),
            created: self.created.clone(),
            published: self.published,
        }
    }

    fn register(&self) {
        let pending = self.pending();
        PENDING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(self.id, pending);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            if let Some(dir) = &self.dir {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        // Removes the lock file, then releases the lock.
        self.lock = None;
        if !self.published {
            remove_created(&self.created);
        }
        PENDING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.id);
    }
}

/// Records each folder the moment it is created, so a signal arriving while the parents
/// are being made still finds them.
fn register_created(id: u64, target: &Path, created: &[PathBuf]) {
    PENDING
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(
            id,
            Pending {
                target: target.to_path_buf(),
                created: created.to_vec(),
                ..Pending::default()
            },
        );
}

/// Makes the missing folders down to `dir`; returns those it made, outermost first.
fn create_parents(dir: &Path, on_create: &mut dyn FnMut(&[PathBuf])) -> io::Result<Vec<PathBuf>> {
    let missing: Vec<&Path> = dir
        .ancestors()
        .take_while(|a| std::fs::symlink_metadata(a).is_err())
        .collect();
    let mut created = Vec::new();
    for folder in missing.into_iter().rev() {
        match std::fs::create_dir(folder) {
            Ok(()) => {
                created.push(folder.to_path_buf());
                on_create(&created);
            }
            // Another build made it meanwhile; it is theirs to keep or remove.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                remove_created(&created);
                return Err(e);
            }
        }
    }
    Ok(created)
}

/// Removes folders a build created, innermost first, as far as they are empty: another
/// build may have put its own output there meanwhile.
fn remove_created(created: &[PathBuf]) {
    for folder in created.iter().rev() {
        if std::fs::remove_dir(folder).is_err() {
            break;
        }
    }
}

/// Removes every staging and old folder of this output's naming. The caller holds the
/// output's lock, so no live build owns any of them: they are what killed or crashed
/// builds left, possibly intranet copies that must not sit beside a public output.
fn remove_leftovers(parent: &Path, name: &OsStr, target: &Target) -> Vec<Diagnostic> {
    let prefixes = [dotted(name, "staging-"), dotted(name, "old-")];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let bytes = file_name.as_encoded_bytes();
        if !prefixes
            .iter()
            .any(|p| bytes.starts_with(p.as_encoded_bytes()))
        {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(t) if t.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        if let Err(e) = removed {
            warnings.push(left_behind(
                target,
                &path,
                &e,
                "a folder left by an earlier build",
            ));
        }
    }
    warnings
}

/// `.<name>.<suffix>`: the names of everything a build puts beside the output.
fn dotted(name: &OsStr, suffix: &str) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(".");
    s.push(suffix);
    s
}

/// A name of the form `.<name>.<kind>-<random>` that nothing bears yet.
fn unused_name(parent: &Path, name: &OsStr, kind: &str) -> PathBuf {
    loop {
        let path = parent.join(dotted(name, &format!("{kind}-{:016x}", random())));
        if std::fs::symlink_metadata(&path).is_err() {
            return path;
        }
    }
}

/// Creates a folder of a fresh name; creating fails rather than reusing an existing one.
fn create_fresh(parent: &Path, name: &OsStr, kind: &str) -> io::Result<PathBuf> {
    loop {
        let path = parent.join(dotted(name, &format!("{kind}-{:016x}", random())));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// 64 random bits: std's hasher keys come from the operating system's random source.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(NEXT_ID.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    hasher.finish()
}

fn parent_and_name(target: &Target) -> Result<(PathBuf, OsString), Diagnostic> {
    match (target.path.parent(), target.path.file_name()) {
        (Some(parent), Some(name)) => Ok((parent.to_path_buf(), name.to_os_string())),
        _ => Err(io_diag(
            target,
            "cannot write the output",
            io::Error::new(io::ErrorKind::InvalidInput, "the path names no folder"),
        )),
    }
}

/// Removes a folder that other threads of this process may still be writing into.
fn remove_while_written(dir: &Path) {
    for _ in 0..10 {
        let _ = std::fs::remove_dir_all(dir);
        // A write that had started before the cancellation may recreate a folder.
        std::thread::sleep(std::time::Duration::from_millis(20));
        if std::fs::symlink_metadata(dir).is_err() {
            return;
        }
    }
}

fn io_diag(target: &Target, what: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error("E041", &target.given, format!("{what}: {e}"))
        .with_hint("check that the output folder's parent exists and is writable")
}

fn locked(target: &Target, lock: &Path) -> Diagnostic {
    Diagnostic::error(
        "E042",
        &target.given,
        format!(
            "the output is being written by another build (it holds the lock {})",
            lock.display()
        ),
    )
    .with_hint("wait until the other build has finished, then build again")
}

fn left_behind(target: &Target, path: &Path, e: &io::Error, what: &str) -> Diagnostic {
    Diagnostic::warning(
        "W040",
        &target.given,
        format!(
            "{what} could not be deleted completely and remains at {}: {e}",
            path.display()
        ),
    )
    .with_hint(
        "delete it by hand (it may hold an intranet build with persons' names); every build tries again",
    )
}

/// Lets SIGINT, SIGTERM and SIGHUP end the process only after the staging folders,
/// lock files and created folders of running builds are removed. The exit status is
/// 128 + the signal's number, as shells report a process the signal ended.
#[cfg(unix)]
pub fn clean_up_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                exit_after_cleanup(128 + signal);
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
pub fn clean_up_on_signals() -> io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn exit_after_cleanup(code: i32) -> ! {
    CANCELLED.store(true, Ordering::Relaxed);
    // Held until the process ends: no swap can start or finish behind the cleanup.
    let pending = PENDING.lock().unwrap_or_else(PoisonError::into_inner);
    for build in pending.values() {
        build.clean_up();
        if build.published {
            eprintln!(
                "Interrupted after the new site was swapped into {}.",
                build.target.display()
            );
        } else {
            eprintln!(
                "Interrupted; {} was left as it was.",
                build.target.display()
            );
        }
    }
    if pending.is_empty() {
        eprintln!("Interrupted before anything was written.");
    }
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_made_once_is_made_again_when_it_has_gone() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = Target {
            path: tmp.path().join("public"),
            given: PathBuf::from("public"),
            force: false,
        };
        let (staging, _) = Staging::create(&target).unwrap_or_else(|d| panic!("{d:?}"));
        let dir = staging.dir().map(Path::to_path_buf).unwrap_or_default();
        staging
            .write("search/data/a.js", b"a")
            .unwrap_or_else(|e| panic!("{e}"));
        staging
            .write("search/data/b.js", b"b")
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::remove_dir_all(dir.join("search")).unwrap_or_else(|e| panic!("{e}"));
        staging
            .write("search/data/c.js", b"c")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            std::fs::read(dir.join("search/data/c.js")).ok(),
            Some(b"c".to_vec())
        );
        assert!(!dir.join("search/data/a.js").exists());
    }
}
