//! One writer per output: an advisory lock on a file beside the output
//! (`.<name>.lock`). The operating system releases it when its holder ends, even a
//! killed one, so a lock is never stale. The holder removes the file before releasing
//! it, so no lock file stays beside an output once no build runs.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// A held lock; dropping it removes the lock file, then releases the lock.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// Holds the lock while open.
    _file: File,
}

#[derive(Debug)]
pub enum LockError {
    /// Another build holds the lock.
    Busy,
    Io(io::Error),
}

impl From<io::Error> for LockError {
    fn from(e: io::Error) -> Self {
        LockError::Io(e)
    }
}

/// Takes the lock at `path` without waiting.
pub fn try_acquire(path: &Path) -> Result<Lock, LockError> {
    // A finishing build removes the file while holding it: whoever opened that file
    // meanwhile gets the lock on a file no longer at `path`, and opens the path again.
    // Each round needs another build to finish in between, so a few rounds suffice.
    for _ in 0..64 {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(LockError::Busy),
            Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
        if still_at(&file, path) {
            return Ok(Lock {
                path: path.to_path_buf(),
                _file: file,
            });
        }
    }
    Err(LockError::Busy)
}

impl Lock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held (the file closes after this body), so no other build
        // can hold a lock on a file that is about to disappear.
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

// Elsewhere an open file cannot be removed, so the path keeps naming the held file.
#[cfg(not(unix))]
fn still_at(_file: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".public.lock");
        let first = try_acquire(&path).unwrap();
        assert!(matches!(try_acquire(&path), Err(LockError::Busy)));
        drop(first);
        assert!(!path.exists(), "the lock file goes with its holder");
        let second = try_acquire(&path).unwrap();
        assert!(path.exists());
        drop(second);
    }
}
